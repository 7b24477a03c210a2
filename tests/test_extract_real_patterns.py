"""Issue 11, "Extraction on the real web": one small hand-written page per pattern.

The patterns were found on real pages (bench/extraction_quality.py, sets fundus and
htmldate); these pages are written here, never copied from them.
"""

from __future__ import annotations

import lxml.html
import pytest

from crawler.extract import extract_page
from crawler.extract.body import _keep_what_plain_finds
from crawler.extract.boilerplate import prune
from crawler.extract.dates import parse_date, parse_iso, pick_date
from crawler.extract.textnorm import clean_author

STORY = [
    "Hội nghị có sự tham dự của đại diện các hiệp hội doanh nghiệp, các ngân hàng thương "
    "mại trên địa bàn và đông đảo phóng viên các cơ quan báo chí trung ương, địa phương.",
    "Sáng 12/3, Ủy ban nhân dân tỉnh Kon Tum tổ chức hội nghị triển khai kế hoạch phát "
    "triển kinh tế - xã hội năm 2025 với sự tham dự của lãnh đạo các sở, ban, ngành.",
    "Phát biểu tại hội nghị, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu các đơn vị tập trung "
    "tháo gỡ khó khăn cho doanh nghiệp, đẩy nhanh tiến độ giải ngân vốn đầu tư công.",
    "Theo báo cáo, tốc độ tăng trưởng kinh tế của tỉnh năm qua đạt khá, thu ngân sách "
    "vượt dự toán, đời sống của người dân vùng sâu, vùng xa từng bước được cải thiện.",
]


def _page(head: str = "", body: str = "", *, h1: str = "Hội nghị triển khai kế hoạch năm 2025",
          classes: str = "single single-post") -> bytes:
    paras = body or "".join(f"<p>{p}</p>" for p in STORY)
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{h1} – Báo Kon Tum</title>{head}</head>
<body class="{classes}"><header class="site-header"><span class="today">Thứ Hai, 01/12/2025</span>
</header><main><article class="post type-post hentry"><h1 class="entry-title">{h1}</h1>
<div class="entry-content">{paras}</div></article></main>
<aside class="widget-area"><div class="widget"><span class="date">01/07/2025</span>
<a href="/khac/">Tin khác</a></div></aside></body></html>""".encode()


def _ld(obj: str) -> str:
    return f'<script type="application/ld+json">{obj}</script>'


# --- 1. dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("Fri Apr 28 19:20:36 CEST 2023", "2023-04-28T19:20:36+02:00"),
    ("Fri, 28 Apr 2023 19:20:36 +0200", "2023-04-28T19:20:36+02:00"),
    ("20201123T11:02:35Z", "2020-11-23T11:02:35+00:00"),
])
def test_machine_date_forms_are_parsed(raw, expected):
    assert parse_date(raw) == expected


def test_compact_iso_is_iso():
    assert parse_iso("20201123T110235+0700") == "2020-11-23T11:02:35+07:00"


@pytest.mark.parametrize("ld", [
    # an article inside a WebPage's mainEntity
    '{"@type": "WebPage", "mainEntity": {"@type": "NewsArticle", '
    '"datePublished": "2025-03-12T08:00:00+07:00"}}',
    # a list of top-level nodes, the type as a schema.org URL
    '[{"@type": "Organization", "name": "Báo Kon Tum"}, {"@type": '
    '"http://schema.org/ReportageNewsArticle", "datePublished": "2025-03-12T08:00:00+07:00"}]',
    # Yoast: datePublished on the WebPage node, no article node at all
    '{"@graph": [{"@type": "WebPage", "datePublished": "2025-03-12T08:00:00+07:00"}]}',
])
def test_jsonld_dates_are_found_wherever_the_node_sits(ld):
    article = extract_page(_page(_ld(ld)), "http://baokontum.test/hoi-nghi/").article
    assert article.date_published == "2025-03-12T08:00:00+07:00"
    assert article.date_published_source == "jsonld"


def test_a_permalink_day_is_the_fallback_and_is_named():
    article = extract_page(_page(), "http://baokontum.test/2025/03/12/hoi-nghi/").article
    assert (article.date_published, article.date_published_source) == ("2025-03-12", "url")


def test_a_utc_structured_date_contradicting_the_permalink_day_loses_to_it():
    # 2025-03-12 23:30 in Hanoi is 16:30 UTC; a UTC stamp of the next day's early hours
    # written by a plugin is the permalink's day locally
    found = pick_date([("2025-03-13T01:00:00+00:00", "x", "jsonld")], [], (2025, 3, 12))
    assert found == ("2025-03-12", "2025-03-12", "url")


def test_a_utc_date_takes_the_offset_another_source_gives_the_same_instant():
    found = pick_date([("2025-03-12T01:30:00+00:00", "a", "jsonld"),
                       ("2025-03-12T08:30:00+07:00", "b", "meta")], [], None)
    assert found == ("2025-03-12T08:30:00+07:00", "a", "jsonld")


def test_htmldate_is_the_last_resort_and_never_reads_the_top_bar_or_widgets():
    post = "".join(f"<p>{p}</p>" for p in STORY) + \
        '<p class="updated-note">Cập nhật: 2025-03-12</p>'
    article = extract_page(_page(body=post), "http://baokontum.test/hoi-nghi/").article
    assert (article.date_published, article.date_published_source) == ("2025-03-12", "htmldate")
    bare = extract_page(_page(), "http://baokontum.test/hoi-nghi/").article
    assert bare.date_published is None  # "01/12/2025" (top bar), "01/07/2025" (widget)


# --- 2. titles -----------------------------------------------------------------------------

def test_jsonld_headline_entities_are_decoded():
    ld = _ld('{"@type": "NewsArticle", "headline": "&#8216;Kỳ tích&#8217; của '
             '&quot;Kon Tum&quot; &amp; Gia Lai"}')
    article = extract_page(_page(ld, h1="‘Kỳ tích’ của \"Kon Tum\" &amp; Gia Lai"),
                           "http://baokontum.test/ky-tich/").article
    assert article.title == "‘Kỳ tích’ của \"Kon Tum\" & Gia Lai"


# --- 3. a prune never costs text plain trafilatura finds ---------------------------------

def test_text_lost_by_the_prune_comes_back_from_plain_trafilatura_without_boilerplate():
    html = ("<html><body><article><h1>Hội nghị</h1>"
            + "".join(f"<p>{p}</p>" for p in STORY)
            + '<div class="sharedaddy">Chia sẻ bài viết này lên Facebook và Zalo cho bạn '
            "bè cùng đọc nhé</div></article></body></html>")
    tree = lxml.html.fromstring(html)
    removed = prune(tree)
    paragraphs = list(STORY)
    # what a moved main block gives: only the first paragraph (500+ characters lost)
    out = _keep_what_plain_finds(STORY[0], paragraphs, removed, html, "http://x.test/")
    assert all(p in out for p in STORY)
    assert "Chia sẻ" not in out
    # nothing lost: ours is kept as it is, plain trafilatura never runs
    assert _keep_what_plain_finds("\n".join(STORY), paragraphs, removed, "<html></html>",
                                  "http://x.test/") == "\n".join(STORY)


# --- 4. authors ----------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "names"), [
    ("Nguyễn Văn An và Trần Thị Bình", ["Nguyễn Văn An", "Trần Thị Bình"]),
    ("Anna Schmidt und Jörg Weber", ["Anna Schmidt", "Jörg Weber"]),
    ("Kari Nordmann og Ola Hansen", ["Kari Nordmann", "Ola Hansen"]),
    ("Lê Minh Tâm Twitter \n \nHôm nay 5:00", ["Lê Minh Tâm"]),
    ("Elena Graf (eg)", ["Elena Graf"]),
    ("phongvien@baokontum.test", []),
    ("12345", []),
])
def test_author_strings_are_cleaned_and_split(raw, names):
    assert clean_author(raw) == names


def test_visible_author_markup_keeps_the_name_only():
    post = ('<div class="byline"><span class="author"><a href="/tac-gia/lmt/">Lê Minh Tâm</a>'
            '<br><a href="https://twitter.com/lmt">Twitter</a><time>Hôm nay 5:00</time></span>'
            "</div>" + "".join(f"<p>{p}</p>" for p in STORY))
    article = extract_page(_page(body=post), "http://baokontum.test/hoi-nghi/").article
    assert article.authors == ["Lê Minh Tâm"]


def test_an_email_author_gives_way_to_yoasts_written_by():
    head = ('<meta name="author" content="lmt@baokontum.test">'
            '<meta name="twitter:label1" content="Được viết bởi">'
            '<meta name="twitter:data1" content="Lê Minh Tâm">')
    article = extract_page(_page(head), "http://baokontum.test/hoi-nghi/").article
    assert article.authors == ["Lê Minh Tâm"]


# --- 5. the Vietnamese standfirst (sapo) --------------------------------------------------

def test_the_sapo_printed_apart_from_the_body_opens_the_text():
    sapo = ("Kon Tum đặt mục tiêu tăng trưởng kinh tế trên 9% trong năm 2025, tập trung "
            "vào nông nghiệp công nghệ cao và du lịch sinh thái.")
    html = _page().replace(b'<div class="entry-content">',
                           f'<p class="description">{sapo}</p><div class="entry-content">'
                           .encode())
    article = extract_page(html, "http://baokontum.test/hoi-nghi/").article
    assert article.text.split("\n")[0] == sapo
    assert article.text.count(sapo) == 1


def test_read_also_lines_and_advert_labels_between_paragraphs_are_dropped():
    """"MORE: <headline>", "Les også: ...", "ALSO READ: ..." and advert labels sit between
    a story's paragraphs on many news sites; a sentence that merely starts with such a
    word stays."""
    body = "".join([
        f"<p>{STORY[0]}</p>",
        '<p>MORE : <a href="/khac-1/">Ba dự án giao thông khởi công trong tháng 5</a></p>',
        f"<p>{STORY[1]}</p>",
        "<p>Quảng cáo</p>",
        '<p>Les også: <a href="/khac-2/">Kon Tum og Quảng Ngãi slås sammen</a></p>',
        "<p>Advertisement</p>",
        f"<p>{STORY[2]}</p>",
        '<p>ALSO READ: <a href="/khac-3/">Kon Tum to merge into Quảng Ngãi in July</a></p>',
        "<p>More than 200 households received new houses: the programme will continue "
        "into 2026, the province said.</p>",
        f"<p>{STORY[3]}</p>",
    ])
    text = extract_page(_page(body=body), "https://baokontum.example/hoi-nghi/").article.text
    for gone in ("Ba dự án giao thông", "Quảng cáo", "Les også", "Advertisement",
                 "ALSO READ"):
        assert gone not in text
    assert "More than 200 households received new houses" in text
    for paragraph in STORY:
        assert paragraph in text


@pytest.mark.parametrize("heading", ["Ähnliche:", "Most read", "おすすめ情報", "Popular"])
def test_a_related_heading_late_in_the_story_ends_it_in_more_languages(heading):
    links = "".join(f'<li><a href="/khac-{i}/">Tin khác số {i} về giao thông</a></li>'
                    for i in range(3))
    body = "".join(f"<p>{p}</p>" for p in STORY) + f"<p>{heading}</p><ul>{links}</ul>"
    text = extract_page(_page(body=body), "https://baokontum.example/hoi-nghi/").article.text
    assert "Tin khác số" not in text and heading.strip(":") not in text
    assert STORY[-1] in text


def test_a_read_also_label_mid_story_goes_and_the_story_goes_on():
    body = (f"<p>{STORY[0]}</p><p>{STORY[1]}</p><p>Auch interessant</p>"
            + "".join(f"<p>{p}</p>" for p in STORY[2:]))
    text = extract_page(_page(body=body), "https://baokontum.example/hoi-nghi/").article.text
    assert "Auch interessant" not in text
    for paragraph in STORY:
        assert paragraph in text


def test_a_date_printed_between_paragraphs_leaves_the_text():
    body = (f"<p>{STORY[0]}</p><p>Thứ Hai, 01/12/2025 - 10:30</p>"
            + "".join(f"<p>{p}</p>" for p in STORY[1:]) + "<p>Stand: 02.12.2025, 06:00 Uhr</p>")
    text = extract_page(_page(body=body), "https://baokontum.example/hoi-nghi/").article.text
    assert "01/12/2025" not in text and "Stand:" not in text
    for paragraph in STORY:
        assert paragraph in text


def test_copyright_notices_and_reading_times_leave_the_text():
    body = ("<p>Thời gian đọc: 3 phút</p>" + "".join(f"<p>{p}</p>" for p in STORY)
            + "<p>Copyright law in Vietnam changed in 2022, the speaker recalled.</p>"
            + "<p>© dpa-infocom, dpa:240516-99-53606/3 (dpa)</p>"
            + "<p>Bản quyền thuộc về Báo Kon Tum</p>")
    text = extract_page(_page(body=body), "https://baokontum.example/hoi-nghi/").article.text
    for gone in ("Thời gian đọc", "dpa-infocom", "Bản quyền"):
        assert gone not in text
    assert "Copyright law in Vietnam changed in 2022" in text
    for paragraph in STORY:
        assert paragraph in text


@pytest.mark.parametrize("line", ["Von Nguyễn Văn Sơn", "By Nguyễn Văn Sơn, Kon Tum",
                                  "Par Nguyễn Văn Sơn"])
def test_a_byline_naming_the_author_leaves_the_text(line):
    body = f"<p>{line}</p>" + "".join(f"<p>{p}</p>" for p in STORY)
    head = '<meta name="author" content="Nguyễn Văn Sơn">'
    article = extract_page(_page(head, body), "https://baokontum.example/hoi-nghi/").article
    assert article.authors == ["Nguyễn Văn Sơn"]
    assert line not in article.text and article.text.startswith(STORY[0])


def test_a_sentence_opening_with_by_stays():
    body = "<p>By the end of the year, the province will finish the road.</p>" + "".join(
        f"<p>{p}</p>" for p in STORY)
    head = '<meta name="author" content="Nguyễn Văn Sơn">'
    article = extract_page(_page(head, body), "https://baokontum.example/hoi-nghi/").article
    assert "By the end of the year" in article.text
