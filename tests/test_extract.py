"""crawler.extract on hand-built Vietnamese WordPress pages (no fixtures, no network)."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import (
    ARTICLE_TYPES,
    BOILERPLATE_MARKERS,
    EXTRACTOR_VERSION,
    decode_html,
    extract_article,
    extract_page,
    join_pages,
    quality_flags,
)
from crawler.items import Image, Provenance

URL = "http://kontumtv.test/thoi-su/tong-ket-20-nam/"

PARAS = [
    "Chiều ngày 21/9, Tỉnh ủy Kon Tum đã tổ chức Hội nghị tổng kết 20 năm thực hiện "
    "Nghị quyết Trung ương 3 khóa VIII về chiến lược cán bộ.",
    "Tại Hội nghị, ngoài đánh giá những kết quả đã đạt được cũng như những hạn chế trong "
    "quá trình thực hiện Nghị quyết, Ban Thường vụ Tỉnh ủy đã xác định quan điểm, mục tiêu.",
    "Bí thư Tỉnh ủy nhấn mạnh, việc tiếp tục quán triệt và triển khai thực hiện tốt các "
    "khâu của công tác cán bộ là vô cùng quan trọng trong thời gian đến.",
]

COMMENT_FORM = """
<div id="comments" class="comments-area">
 <div id="respond" class="comment-respond">
  <h3 id="reply-title" class="comment-reply-title">Trả lời <small><a rel="nofollow"
   id="cancel-comment-reply-link" href="#respond" style="display:none;">Hủy</a></small></h3>
  <form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
   <p class="comment-notes"><span id="email-notes">Email của bạn sẽ không được hiển thị công
   khai.</span> <span class="required-field-message">Các trường bắt buộc được đánh dấu
   <span class="required">*</span></span></p>
   <p class="comment-form-comment"><label for="comment">Bình luận *</label>
   <textarea id="comment" name="comment"></textarea></p>
   <p class="comment-form-cookies-consent"><label>Lưu tên của tôi, email, và trang web trong
   trình duyệt này cho lần bình luận kế tiếp của tôi.</label></p>
   <p class="form-submit"><input name="submit" type="submit" value="Phản hồi"></p>
  </form>
 </div>
</div>"""


def page(body: str = "", *, head: str = "", title: str = "Tổng kết 20 năm thực hiện Nghị quyết",
         meta: str = "", after: str = COMMENT_FORM, lang: str = "vi",
         charset: str | None = "UTF-8") -> str:
    charset_tag = f'<meta charset="{charset}">' if charset else ""
    paras = body or "".join(f"<p>{p}</p>" for p in PARAS)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head>{charset_tag}
<title>{title} – Đài PT-TH Kon Tum</title>
<meta property="og:site_name" content="Đài PT-TH Kon Tum">
{head}</head>
<body class="single single-post">
<header id="masthead" class="site-header"><div class="top-bar"><span class="current-date">
Thứ Hai, 01/12/2025</span></div><nav class="main-navigation"><ul><li><a href="/">Trang chủ</a>
</li><li><a href="/category/thoi-su/">Thời sự</a></li></ul></nav></header>
<main id="main"><article id="post-1" class="post type-post hentry">
<header class="entry-header"><h1 class="entry-title">{title}</h1>
<div class="entry-meta">{meta}</div></header>
<div class="entry-content">{paras}
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Chia sẻ:</h3>
<a href="https://facebook.com/sharer.php">Facebook</a> <a href="#">Zalo</a></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3>Tin liên quan</h3>
<a href="/thoi-su/bai-khac/">Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12</a></div>
</div>
<footer class="entry-footer"><span class="tags-links">Từ khóa: <a href="/tag/can-bo/"
rel="tag">cán bộ</a>, <a href="/tag/nghi-quyet/" rel="tag">Nghị quyết</a></span></footer>
<nav class="navigation post-navigation"><div class="nav-links"><a href="/a/" rel="prev">
Bài trước: Kon Tum đón Tết</a></div></nav>
</article>{after}</main>
<aside id="secondary" class="widget-area"><section class="widget"><h3 class="widget-title">
Tin mới</h3><ul><li><a href="/x/">Tin khác hẳn</a> <span class="post-date">01/07/2025</span>
</li></ul></section></aside>
<footer id="colophon" class="site-footer">Bản quyền thuộc Đài Phát thanh - Truyền hình Kon
Tum. Ghi rõ nguồn khi phát hành lại.</footer>
</body></html>"""


def extract(html: str, url: str = URL, **kw):
    result = extract_page(html.encode("utf-8"), url, **kw)
    assert result.article is not None, result.reason
    return result.article


def test_comment_form_share_bar_related_and_tags_never_in_text():
    article = extract(page())
    assert article.text == "\n".join(PARAS)
    for marker in BOILERPLATE_MARKERS + ("Trả lời", "Phản hồi", "Facebook", "Zalo",
                                         "Hội nghị Ban Chấp hành", "Bài trước", "Bản quyền",
                                         "Tin khác hẳn", "cán bộ, Nghị quyết"):
        assert marker not in article.text, marker
    assert article.tags == ["cán bộ", "Nghị quyết"]
    assert quality_flags(article, URL) == []


def test_seed_leak_alt_text_and_caption_never_in_text():
    body = (f"<p>{PARAS[0]}</p>"
            '<div id="attachment_5" class="wp-caption aligncenter">'
            '<img src="/wp-content/uploads/2017/09/tong-ket.jpg" alt="TONG KET 20 NAM TH" '
            'width="600"><p class="wp-caption-text">Quang cảnh Hội nghị tổng kết</p></div>'
            f"<p>{PARAS[1]}</p>"
            '<figure class="wp-block-image"><img data-src="/wp-content/uploads/b.jpg" '
            'src="data:image/gif;base64,R0lGOD" alt="Ảnh đại biểu"><figcaption>Các đại biểu '
            'dự Hội nghị</figcaption></figure>'
            '<p><img src="/wp-content/uploads/c.jpg" srcset="/c-300.jpg 300w, /c-1024.jpg 1024w" '
            'alt=""></p>'
            f"<p>{PARAS[2]}</p>")
    article = extract(page(body))
    assert article.text == "\n".join(PARAS)
    for leaked in ("TONG KET", "Quang cảnh", "Ảnh đại biểu", "Các đại biểu dự"):
        assert leaked not in article.text
    assert article.images == [
        Image("http://kontumtv.test/wp-content/uploads/2017/09/tong-ket.jpg",
              "Quang cảnh Hội nghị tổng kết", "TONG KET 20 NAM TH"),
        Image("http://kontumtv.test/wp-content/uploads/b.jpg", "Các đại biểu dự Hội nghị",
              "Ảnh đại biểu"),
        Image("http://kontumtv.test/wp-content/uploads/c.jpg", None, None),
    ]


@pytest.mark.parametrize(("first", "prefix"), [
    ("<strong>(kontumtv.vn) –</strong> ", "(kontumtv.vn) –"),
    ("KTO – ", "KTO –"),
    ("(Baokontum.com.vn) - ", "(Baokontum.com.vn) -"),
    ("<b>TTXVN</b>: ", "TTXVN:"),
])
def test_source_prefix_moves_to_its_field(first, prefix):
    body = f"<p>{first}{PARAS[0]}</p><p>{PARAS[1]}</p>"
    article = extract(page(body))
    assert article.source_prefix == prefix
    assert article.text == f"{PARAS[0]}\n{PARAS[1]}"


def test_no_prefix_when_the_story_starts_with_a_parenthesis_sentence():
    body = f"<p>(Theo báo cáo của Sở, năm nay có 12 dự án mới) – {PARAS[0]}</p>"
    article = extract(page(body))
    assert article.source_prefix is None
    assert article.text.startswith("(Theo báo cáo")


@pytest.mark.parametrize(("line", "names"), [
    ("Thanh Tùng – Công Luận", ["Thanh Tùng", "Công Luận"]),
    ("Minh Hương (TTXVN)", ["Minh Hương"]),
    ("Tin, ảnh: Văn Sơn", ["Văn Sơn"]),
    ("Quốc Khánh - Thu Hằng", ["Quốc Khánh", "Thu Hằng"]),
])
def test_signature_line_goes_to_byline_and_authors(line, names):
    body = "".join(f"<p>{p}</p>" for p in PARAS) + (
        f'<p style="text-align: right;"><strong>{line}</strong></p>')
    meta = ('<span class="byline">Đăng bởi <span class="author vcard"><a class="url fn n" '
            'href="/author/admin/">admin</a></span></span>')
    article = extract(page(body, meta=meta))
    assert article.byline == line
    assert article.authors == names
    assert article.authors_raw == line
    assert article.text == "\n".join(PARAS)
    assert line not in article.text


def test_last_sentence_is_not_taken_for_a_byline():
    body = "".join(f"<p>{p}</p>" for p in PARAS) + "<p>Hội nghị kết thúc cùng ngày.</p>"
    article = extract(page(body))
    assert article.byline is None
    assert article.text.endswith("Hội nghị kết thúc cùng ngày.")


@pytest.mark.parametrize(("meta", "authors"), [
    ('<span class="byline">Bởi <span class="author vcard"><a class="url fn n" href="/a/">'
     'Hồng Nhung</a></span></span>', ["Hồng Nhung"]),
    ('<span class="post-author">Tác giả: Văn Sơn</span>', ["Văn Sơn"]),
    ('<span class="td-post-author-name"><span class="td-author-by">By</span> '
     '<a href="/author/an/">An Nhiên</a></span>', ["An Nhiên"]),
])
def test_author_prefixes_removed(meta, authors):
    assert extract(page(meta=meta)).authors == authors


@pytest.mark.parametrize(("visible", "expected"), [
    ("Thứ Năm, 21/09/2017 - 16:30", "2017-09-21T16:30:00+07:00"),
    ("21/09/2017 16:30", "2017-09-21T16:30:00+07:00"),
    ("21-09-2017", "2017-09-21"),
    ("ngày 21 tháng 9 năm 2017", "2017-09-21"),
    ("21 Tháng Chín, 2017", "2017-09-21"),
    ("16h30 | 21/9/2017", "2017-09-21T16:30:00+07:00"),
])
def test_visible_vietnamese_dates(visible, expected):
    meta = f'<span class="posted-on">{visible}</span>'
    article = extract(page(meta=meta))
    assert article.date_published == expected
    assert article.date_published_raw == visible


def test_day_month_in_body_takes_the_year_from_the_url():
    url = "http://kontumtv.test/2017/09/tong-ket/"
    article = extract(page(), url=url)  # no date anywhere but "Chiều ngày 21/9"
    assert article.date_published == "2017-09-21"
    assert article.date_published_raw == "ngày 21/9"
    assert article.date_published_source == "text"


def test_a_permalink_day_beats_the_event_day_in_the_lead():
    # WordPress's /YYYY/MM/DD/ is the post's own date; "Chiều ngày 21/9" is the event's
    url = "http://kontumtv.test/2017/09/22/tong-ket/"
    article = extract(page(), url=url)
    assert (article.date_published, article.date_published_source) == ("2017-09-22", "url")


def test_teaser_and_top_bar_dates_are_not_the_post_date():
    # the top bar says "Thứ Hai, 01/12/2025", the widget "01/07/2025": neither is ours
    article = extract(page(), url="http://kontumtv.test/thoi-su/tong-ket/")
    assert article.date_published is None


def test_jsonld_preferred_over_open_graph_and_visible():
    head = """
<meta property="og:title" content="Tiêu đề OG">
<meta property="article:published_time" content="2017-09-21T09:30:00+00:00">
<meta property="article:modified_time" content="2017-09-22T08:00:00+07:00">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "@id": "#site", "name": "Đài PT-TH Kon Tum"},
 {"@type": "Person", "@id": "#p1", "name": "Thanh Tùng"},
 {"@type": "NewsArticle", "headline": "Tổng kết 20 năm thực hiện Nghị quyết",
  "datePublished": "2017-09-21T16:30:00+07:00", "author": {"@id": "#p1"},
  "articleSection": ["Thời sự"], "inLanguage": "vi"}]}</script>"""
    meta = '<span class="posted-on">21/09/2017 16:30</span>'
    article = extract(page(head=head, meta=meta))
    assert article.title == "Tổng kết 20 năm thực hiện Nghị quyết"
    assert article.date_published == "2017-09-21T16:30:00+07:00"
    assert article.date_published_raw == "2017-09-21T16:30:00+07:00"
    assert article.date_modified == "2017-09-22T08:00:00+07:00"
    assert article.authors == ["Thanh Tùng"]
    assert article.categories == ["Thời sự"]


def test_open_graph_date_used_without_jsonld_and_keeps_its_zone():
    head = '<meta property="article:published_time" content="2017-09-21T09:30:00Z">'
    assert extract(page(head=head)).date_published == "2017-09-21T09:30:00+00:00"


@pytest.mark.parametrize("ld_type", ["ReportageNewsArticle", "reportagenewsarticle",
                                     ["WebPage", "ReportageNewsArticle"]])
def test_reportage_news_article_jsonld_is_an_article(ld_type):
    # the schema.org name (an earlier type set misspelt it "reportagenews")
    assert "ReportageNewsArticle" in ARTICLE_TYPES
    head = ('<script type="application/ld+json">{"@type": ' + json.dumps(ld_type) + ', '
            '"datePublished": "2017-09-21T16:30:00+07:00", "author": {"name": "Thanh Tùng"}, '
            '"articleSection": "Thời sự"}</script>')
    article = extract(page(head=head))
    assert article.date_published == "2017-09-21T16:30:00+07:00"
    assert article.authors == ["Thanh Tùng"]
    assert article.categories == ["Thời sự"]


def test_structured_date_contradicting_the_url_loses_to_a_visible_one():
    # a migrated site: JSON-LD carries the import date, the URL and the page the real one
    head = ('<script type="application/ld+json">{"@type": "Article", '
            '"datePublished": "2024-01-05T10:00:00+07:00"}</script>')
    meta = '<span class="posted-on">21/09/2017</span>'
    article = extract(page(head=head, meta=meta), url="http://kontumtv.test/2017/09/21/x/")
    assert article.date_published == "2017-09-21"


@pytest.mark.parametrize(("title_tag", "expected"), [
    ("Tổng kết 20 năm – Đài PT-TH Kon Tum", "Tổng kết 20 năm"),
    ("Tổng kết 20 năm | KONTUMTV", "Tổng kết 20 năm"),
    ("Kon Tum - Quảng Ngãi: sẵn sàng hợp nhất", "Kon Tum - Quảng Ngãi: sẵn sàng hợp nhất"),
])
def test_title_without_site_suffix(title_tag, expected):
    html = (f"<html><head><title>{title_tag}</title>"
            '<meta property="og:site_name" content="Đài PT-TH Kon Tum"></head>'
            f"<body><div class='entry-content'><p>{PARAS[0]}</p></div></body></html>")
    assert extract(html).title == expected


def test_nfd_input_gives_nfc_output():
    html = unicodedata.normalize("NFD", page(meta='<span class="byline">Bởi Hồng Nhung</span>'))
    assert html != unicodedata.normalize("NFC", html)
    article = extract(html)
    record = json.dumps(dataclasses.asdict(article), ensure_ascii=False)
    assert record == unicodedata.normalize("NFC", record)
    assert article.text == "\n".join(PARAS)
    assert article.title == "Tổng kết 20 năm thực hiện Nghị quyết"
    assert article.authors == ["Hồng Nhung"]


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """windows-1258 as Vietnamese legacy pages write it: base letters precomposed (ê, ơ,
    ư...), tones as combining marks after them."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += (base + tones).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize("how", ["header", "meta", "http-equiv"])
def test_windows_1258_page_decoded_from_bytes(how):
    text = page(charset=None)
    if how == "meta":
        text = text.replace("<head>", '<head><meta charset="windows-1258">')
    elif how == "http-equiv":
        text = text.replace("<head>", '<head><meta http-equiv="Content-Type" '
                                      'content="text/html; charset=windows-1258">')
    raw = to_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    headers = {"Content-Type": "text/html; charset=windows-1258"} if how == "header" else {}
    decoded, codec = decode_html(raw, headers)
    assert codec == "cp1258"
    assert decoded == unicodedata.normalize("NFC", text)
    article = extract_page(raw, URL, headers).article
    assert article is not None
    assert article.text == "\n".join(PARAS)
    assert article.title == "Tổng kết 20 năm thực hiện Nghị quyết"


def test_header_charset_wins_over_meta_and_bad_utf8_label_is_survived():
    raw = page(charset="iso-8859-1").encode("utf-8")
    text, codec = decode_html(raw, {"content-type": "text/html; charset=utf-8"})
    assert codec == "utf-8" and "Tổng kết" in text
    # mislabelled: valid UTF-8 served as windows-1252 is still UTF-8
    text, codec = decode_html(raw, {"Content-Type": "text/html; charset=windows-1252"})
    assert codec == "utf-8" and "Tổng kết" in text


def test_video_post_keeps_its_few_sentences_and_the_mp4_address():
    body = ('<p>Thời sự Kon Tum ngày 2/9/2020.</p>'
            '<iframe src="http://kontumtv.test/player/embed.html?l=/wp-content/uploads/2020/09/'
            'ts-2-9.mp4&amp;autoplay=0" width="640" height="360"></iframe>'
            '<div class="wp-video"><video class="wp-video-shortcode" controls>'
            '<source type="video/mp4" src="http://kontumtv.test/wp-content/uploads/2020/09/'
            'phong-su.mp4?_=1"><a href="http://kontumtv.test/wp-content/uploads/2020/09/'
            'phong-su.mp4">phong-su.mp4</a></video></div>'
            '<iframe src="https://www.youtube.com/embed/abc123"></iframe>')
    article = extract(page(body, title="Thời sự Kon Tum ngày 2/9/2020"))
    assert article.text == "Thời sự Kon Tum ngày 2/9/2020."
    assert article.video_urls == [
        "http://kontumtv.test/wp-content/uploads/2020/09/ts-2-9.mp4",
        "http://kontumtv.test/wp-content/uploads/2020/09/phong-su.mp4?_=1",
        "https://www.youtube.com/embed/abc123",
        "http://kontumtv.test/wp-content/uploads/2020/09/phong-su.mp4",
    ]


def test_metadata_fields():
    head = ('<link rel="canonical" href="/thoi-su/tong-ket-20-nam/#top">'
            '<meta name="description" content="Tóm tắt  bài viết">')
    meta = ('<span class="cat-links"><a href="/category/thoi-su/" rel="category tag">Thời sự'
            '</a>, <a href="/category/video/" rel="category tag">Video clip</a></span>')
    article = extract(page(head=head, meta=meta), url=URL + "?utm_source=x")
    assert article.canonical_url == URL
    assert article.url == URL + "?utm_source=x"
    assert len(article.id) == 16 and int(article.id, 16) >= 0
    assert article.id == extract(page(head=head)).id  # id follows the canonical URL
    assert article.language == "vi"
    assert article.site_name == "Đài PT-TH Kon Tum"
    assert article.categories == ["Thời sự", "Video clip"]
    assert article.description == "Tóm tắt bài viết"
    assert article.word_count == len(re.findall(r"\w+", "\n".join(PARAS)))
    assert article.extractor_version == EXTRACTOR_VERSION
    assert article.page_count == 1 and article.provenance == []


@pytest.mark.parametrize(("html", "reason"), [
    (b"", "empty-body"),
    (b"   \n", "empty-body"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not-html"),
    (b"plain text, no markup", "not-html"),
    (b"<html><body><nav><a href='/'>Trang ch\xe1\xbb\xa7</a></nav></body></html>", "no-text"),
])
def test_no_article_has_a_reason(html, reason):
    result = extract_page(html, URL)
    assert result.article is None
    assert result.reason == reason
    assert extract_article(html, URL) is None


def _prov(n: int) -> Provenance:
    return Provenance(warc_filename="a.warc.gz", warc_offset=n * 100, warc_length=99,
                      warc_record_id=f"<urn:uuid:00000000-0000-0000-0000-00000000000{n}>",
                      url=f"{URL}{n}/", fetched_at="2024-05-01T00:00:00Z")


def test_join_pages():
    first = dataclasses.replace(extract(page()), provenance=[_prov(1)],
                                images=[Image("http://x/a.jpg"), Image("http://x/b.jpg")],
                                video_urls=["http://x/v.mp4"])
    body = ("<p>Trang hai của bài viết.</p>"
            '<p style="text-align:right">Thanh Tùng – Công Luận</p>')
    second = dataclasses.replace(
        extract(page(body, title="Tổng kết 20 năm thực hiện Nghị quyết (tiếp)"),
                url=URL + "2/"),
        provenance=[_prov(2)], images=[Image("http://x/b.jpg"), Image("http://x/c.jpg")],
        video_urls=["http://x/v.mp4", "http://x/w.mp4"])
    joined = join_pages([first, second])
    assert joined.text == "\n".join(PARAS) + "\nTrang hai của bài viết."
    assert joined.page_count == 2
    assert joined.title == first.title and joined.url == first.url and joined.id == first.id
    assert [i.url for i in joined.images] == ["http://x/a.jpg", "http://x/b.jpg",
                                               "http://x/c.jpg"]
    assert joined.video_urls == ["http://x/v.mp4", "http://x/w.mp4"]
    assert joined.byline == "Thanh Tùng – Công Luận"
    assert joined.authors == ["Thanh Tùng", "Công Luận"]
    assert joined.word_count == first.word_count + 5
    assert joined.provenance == [_prov(1), _prov(2)]
    assert join_pages([first]) is first
    with pytest.raises(ValueError):
        join_pages([])


def test_quality_flags():
    now = datetime(2024, 5, 1, tzinfo=UTC)
    good = extract(page(meta='<span class="posted-on">21/09/2017 16:30</span>'),
                   url="http://kontumtv.test/2017/09/21/x/")
    assert quality_flags(good, "http://kontumtv.test/2017/09/21/x/", now) == []
    assert quality_flags(None, URL) == ["empty_text"]
    assert quality_flags(dataclasses.replace(good, text=" "), URL) == ["empty_text"]
    leaky = dataclasses.replace(good, title="", text=good.text + "\nEmail của bạn sẽ không "
                                "được hiển thị công khai.", date_published="2030-01-01")
    assert quality_flags(leaky, URL, now) == ["boilerplate", "no_title", "date_in_future"]
    early = dataclasses.replace(good, date_published="2017-09-20T23:00:00+07:00")
    assert quality_flags(early, "http://kontumtv.test/2017/09/21/x/", now) == [
        "date_before_url_date"]
    # the fetch time of the first page is "now" when none is given
    fetched = dataclasses.replace(good, date_published="2024-06-01", provenance=[_prov(1)])
    assert quality_flags(fetched, URL) == ["date_in_future"]


def test_short_post_text_comes_from_the_container_with_browser_whitespace():
    # two sentences, hard-wrapped in the source and split by <br>: trafilatura alone
    # would mix in the menu; the container renderer keeps exactly the post's lines
    body = ("<p>Sáng nay, Đài PT-TH Kon Tum\n   phát sóng chương trình\tđặc biệt.<br>"
            "Mời quý vị đón xem.</p><table><tr><td>Giờ</td>\n<td>20:00</td></tr></table>")
    article = extract(page(body, title="Chương trình đặc biệt"))
    assert article.text == ("Sáng nay, Đài PT-TH Kon Tum phát sóng chương trình đặc biệt.\n"
                            "Mời quý vị đón xem.\nGiờ 20:00")


_FRAGMENTS = st.sampled_from([
    "<p>", "</p>", "<div class='entry-content'>", "</div>", "<article>", "</article>",
    "<h1 class='entry-title'>", "</h1>", "<br>", "<img src='/a.jpg' alt='x'>",
    "<figure><figcaption>", "</figcaption></figure>", "<script>", "</script>",
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": ',
    "<meta charset='windows-1258'>", "<time datetime='2017-09-21'>", "</time>",
    "(kontumtv.vn) – ", "Thanh Tùng – Công Luận", "Chiều ngày 21/9", "<iframe src='?l=x'>",
    "<table><tr><td>", "</td></tr></table>", "&nbsp;", "&#x1EC7;", "\x00", "\ufeff",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=30)), max_size=30),
       st.sampled_from(["utf-8", "cp1258", "utf-16"]))
def test_extract_page_never_raises(parts, codec):
    html = "<html><body>" + "".join(parts) + "</body></html>"
    raw = html.encode(codec, "replace")
    result = extract_page(raw, URL, {"Content-Type": f"text/html; charset={codec}"})
    assert (result.article is None) == (result.reason is not None)
    if result.article is not None:
        record = json.dumps(dataclasses.asdict(result.article), ensure_ascii=False)
        assert unicodedata.is_normalized("NFC", record)
        assert result.article.text.strip()


def test_day_month_in_body_takes_the_year_from_the_uploads_folder():
    body = (f"<p>{PARAS[0]}</p><img src='/wp-content/uploads/2017/09/hoi-nghi.jpg'>"
            f"<p>{PARAS[1]}</p>")
    article = extract(page(body))  # URL without a date
    assert article.date_published == "2017-09-21"
    other_month = body.replace("2017/09", "2018/03")
    assert extract(page(other_month)).date_published is None


def test_wordpress_account_names_are_not_authors():
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", '
            '"author": {"@type": "Person", "name": "admin"}}</script>')
    meta = ('<span class="byline">Đăng bởi <span class="author vcard"><a class="url fn n" '
            'href="/author/admin/">admin</a></span></span>')
    article = extract(page(head=head, meta=meta))
    assert article.authors == []
    assert article.authors_raw == "admin"


def _newspaper_theme(paras: str) -> str:
    return f"""<html lang="vi"><head><meta charset="utf-8"><title>Tiêu đề bài | Báo Mẫu</title>
<meta property="og:site_name" content="Báo Mẫu"></head><body>
<div class="td-header-wrap"><div class="td_data_time">Thứ Hai, 01/12/2025</div>
<div class="td-trending-now-wrapper"><div class="td_module_trending_now"><h3
class="entry-title td-module-title"><a href="/x/">Tin nóng khác</a></h3><time
class="entry-date updated td-module-date" datetime="2024-11-05T15:40:00+07:00">05/11/2024
</time></div></div></div>
<article class="post type-post"><div class="td-post-header"><ul class="td-category"><li><a
href="/c/kinh-te/">Kinh tế</a></li></ul><header class="td-post-title"><h1 class="entry-title">
Tiêu đề bài</h1><div class="td-module-meta-info"><div class="td-post-author-name"><div
class="td-author-by">Bởi</div> <a href="/author/an/">An Nhiên</a></div><span class="td-post-date">
<time class="entry-date updated td-module-date" datetime="2019-05-12T08:00:00+07:00">12/05/2019
</time></span><div class="td-post-views"><span>1234</span></div></div></header></div>
<div class="td-post-sharing-top"><a class="td-social-sharing-button">Facebook</a></div>
<div class="td-post-content tagdiv-type">{paras}
<div class="kk-star-ratings"><div>Click to rate this post!</div>
<div>[Total: 0 Average: 0]</div></div>
</div><footer><div class="td-post-source-tags"><ul class="td-tags td-post-small-box"><li>
<span>TAGS</span></li><li><a href="/tag/ho-tieu/">hồ tiêu</a></li></ul></div>
<div class="td-post-sharing-bottom"><a>Twitter</a></div></footer>
<div class="td_block_wrap td_block_related_posts"><h4 class="td-related-title">Bài viết liên quan
</h4><div class="td-related-row"><a href="/y/">Bài khác nữa</a></div></div></article>
<div class="comments" id="comments"><div id="respond" class="comment-respond"><h3
class="comment-reply-title">Để lại một bình luận</h3><form id="commentform" class="comment-form">
<p class="comment-notes">Email của bạn sẽ không được hiển thị công khai.</p></form></div></div>
</body></html>"""


def _jnews_theme(paras: str) -> str:
    return f"""<html lang="vi-VN"><head><meta charset="utf-8"><title>Tiêu đề bài - Báo Mẫu</title>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"Article",
"headline":"Tiêu đề bài","datePublished":"2019-05-12T08:00:00+07:00",
"author":{{"@type":"Person","name":"An Nhiên"}},"publisher":{{"@type":"Organization",
"name":"Báo Mẫu"}}}}</script></head><body><div class="jeg_viewport">
<div class="jeg_breadcrumbs"><a href="/">Trang chủ</a> » <a href="/c/">Kinh tế</a></div>
<h1 class="jeg_post_title">Tiêu đề bài</h1><div class="jeg_meta_container"><div
class="jeg_meta_author">Bởi <a href="/author/an/">An Nhiên</a></div><div class="jeg_meta_date">
<a href="#">12/05/2019</a></div><div class="jeg_meta_category"><span><a href="/c/kinh-te/"
rel="category tag">Kinh tế</a></span></div></div>
<div class="jeg_share_top_container"><a>Chia sẻ</a></div>
<div class="content-inner"><div class="jeg_post_content">{paras}
<div id="ez-toc-container" class="ez-toc-container"><p class="ez-toc-title">Mục lục</p><ul><li><a
href="#a">Phần một</a></li></ul></div></div>
<div class="jeg_post_tags"><span>Tags:</span> <a href="/tag/ho-tieu/" rel="tag">hồ tiêu</a></div>
</div><div class="jeg_share_bottom_container"><a>Facebook</a></div>
<div class="jnews_related_post_container"><div class="jeg_postblock_related"><h3>Bài viết liên quan
</h3><a href="/y/">Bài khác nữa</a></div></div>
<div class="jnews_comment_container"><div id="respond" class="comment-respond"><form
id="commentform"><p>Email của bạn sẽ không được hiển thị công khai.</p></form></div></div>
</div></body></html>"""


def _plain_theme(paras: str) -> str:
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Tiêu đề bài</title></head><body><div id="page"><div id="content">
<div class="post hentry" itemscope itemtype="https://schema.org/NewsArticle">
<h1 itemprop="headline">Tiêu đề bài</h1><p class="postmeta">Đăng ngày 12/05/2019 lúc 08:00 trong
<a href="/c/kinh-te/" rel="category tag">Kinh tế</a></p>
<div itemprop="articleBody">{paras}<p>Xem thêm: <a href="/y/">Bài khác nữa</a></p></div>
<div class="post-views">Lượt xem: 1234</div>
<ol class="commentlist"><li class="comment"><div class="comment-body"><p>Bình luận của độc giả
hay lắm</p></div></li></ol>
<div id="respond"><h3>Trả lời</h3><form action="/wp-comments-post.php" method="post"
id="commentform"><p>Your email address will not be published.</p></form></div>
</div></div></div></body></html>"""


@pytest.mark.parametrize("theme", [_newspaper_theme, _jnews_theme, _plain_theme])
def test_other_wordpress_themes(theme):
    paras = "".join(f"<p>{p}</p>" for p in PARAS) + "<p>An Nhiên</p>"
    result = extract_page(theme(paras).encode("utf-8"), "http://bao.test/kinh-te/tieu-de/")
    article = result.article
    assert article is not None, result.reason
    assert article.text == "\n".join(PARAS)
    assert article.title == "Tiêu đề bài"
    assert article.authors == ["An Nhiên"]
    assert article.byline == "An Nhiên"
    assert article.date_published in ("2019-05-12T08:00:00+07:00", "2019-05-12")
    assert article.categories == ["Kinh tế"]
    assert article.language in ("vi", "vi-VN")
    for junk in ("Bài khác nữa", "Click to rate", "Mục lục", "1234", "Facebook", "Email",
                 "Bình luận", "hồ tiêu", "Tin nóng", "Chia sẻ"):
        assert junk not in article.text, junk


def test_day_month_in_body_takes_the_year_from_the_modification_date():
    head = '<meta property="article:modified_time" content="2018-01-10T08:00:00+07:00">'
    article = extract(page(head=head))  # "Chiều ngày 21/9", modified in January 2018
    assert article.date_published == "2017-09-21"
    assert article.date_modified == "2018-01-10T08:00:00+07:00"
