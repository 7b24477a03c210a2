"""crawler.pages and crawler.sites: page kinds, canonical URLs, post pages, link policy."""

from __future__ import annotations

import gzip
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import discovery, links, pages
from crawler.errors import NewsarchiveError
from crawler.links import LinkKind
from crawler.pages import PageKind
from crawler.sites import PROFILES, netloc_of, profile_for_url, resolve_site

BASE = "http://127.0.0.1:8765/"


def html(body_class: str = "", head: str = "", body: str = "", html_attrs: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="vi"{html_attrs}><head><meta charset="UTF-8">'
            f"<title>Tin Kon Tum</title>{head}</head><body class=\"{body_class}\">{body}"
            "</body></html>").encode()


HTML_CT = "text/html; charset=UTF-8"


# --- page kinds ----------------------------------------------------------------------------

@pytest.mark.parametrize("classes, kind", [
    ("post-template-default single single-post postid-123 single-format-standard",
     PageKind.POST),
    ("single single-video postid-9", PageKind.POST),              # custom post type
    ("home blog", PageKind.LISTING),
    ("home page-template-default page page-id-5", PageKind.LISTING),  # static front page
    ("archive category category-thoi-su category-3", PageKind.LISTING),
    ("archive paged category category-thoi-su paged-2 category-paged-2", PageKind.LISTING),
    ("archive tag tag-mang-den tag-12", PageKind.LISTING),
    ("archive author author-admin author-1", PageKind.LISTING),
    ("archive date", PageKind.LISTING),
    ("search search-results", PageKind.LISTING),
    ("archive tax-video_category term-5", PageKind.LISTING),
    ("page-template-default page page-id-2", PageKind.PAGE),
    ("error404", PageKind.ERROR),
    ("attachment single single-attachment postid-44 attachmentid-44", PageKind.OTHER),
])
def test_page_kind_from_wordpress_body_classes(classes: str, kind: PageKind) -> None:
    assert pages.page_kind(BASE + "x/", HTML_CT, html(classes)) is kind


def test_page_kind_without_body_classes_uses_metadata_then_url() -> None:
    article = html(head='<meta property="og:type" content="article"><meta property='
                        '"article:published_time" content="2017-09-21T16:30:00+07:00">')
    assert pages.page_kind(BASE + "tin/abc/", HTML_CT, article) is PageKind.POST
    ld = html(head='<script type="application/ld+json">{"@type": "NewsArticle"}</script>')
    assert pages.page_kind(BASE + "tin/abc/", HTML_CT, ld) is PageKind.POST
    assert pages.page_kind(BASE + "category/thoi-su/page/3/", HTML_CT, html()) is PageKind.LISTING
    assert pages.page_kind(BASE + "2017/09/", HTML_CT, html()) is PageKind.LISTING
    assert pages.page_kind(BASE + "lien-he/", HTML_CT, html()) is PageKind.PAGE


def test_amp_copy_is_never_a_post() -> None:
    amp = html("single single-post postid-5", html_attrs=" amp")
    assert pages.page_kind(BASE + "thoi-su/a/amp/", HTML_CT, amp) is PageKind.AMP
    bolt = html("", html_attrs=" \u26a1")
    assert pages.page_kind(BASE + "thoi-su/a/?amp=1", HTML_CT, bolt) is PageKind.AMP


def test_feeds_sitemaps_robots_api() -> None:
    rss = b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'
    atom = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>'
    urlset = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
    assert pages.page_kind(BASE + "feed/", "application/rss+xml; charset=UTF-8", rss) \
        is PageKind.FEED
    assert pages.page_kind(BASE + "feed/", "text/xml", rss) is PageKind.FEED
    assert pages.page_kind(BASE + "feed/atom/", "application/xml", atom) is PageKind.FEED
    assert pages.page_kind(BASE + "s.xml", "application/xml", urlset) is PageKind.SITEMAP
    assert pages.page_kind(BASE + "s.xml.gz", "application/gzip", gzip.compress(urlset)) \
        is PageKind.SITEMAP
    assert pages.page_kind(BASE + "robots.txt", "text/plain", b"User-agent: *") \
        is PageKind.ROBOTS
    assert pages.page_kind(BASE + "wp-json/wp/v2/posts", "application/json", b"[]") \
        is PageKind.API
    assert pages.page_kind(BASE + "a.css", "text/css", b"body{}") is PageKind.OTHER
    assert pages.page_kind(BASE + "a.jpg", "image/jpeg", b"\xff\xd8") is PageKind.OTHER


def test_head_info_reads_links_and_meta_in_any_attribute_order() -> None:
    head = ("<link href='http://x.test/a/' rel=canonical>"
            '<link rel="amphtml" href="http://x.test/a/amp/">'
            '<link rel="alternate" type="application/rss+xml" title="Dòng thông tin" '
            'href="http://x.test/feed/">'
            '<link rel="https://api.w.org/" href="http://x.test/wp-json/">'
            '<meta content="article" property="og:type">'
            '<link rel="stylesheet" href="/s.css?ver=1&amp;b=2">')
    info = pages.head_info(html("single postid-1", head).decode())
    assert info.canonical == "http://x.test/a/"
    assert info.amphtml == "http://x.test/a/amp/"
    assert info.feeds == [("http://x.test/feed/", "Dòng thông tin")]
    assert info.api_root == "http://x.test/wp-json/"
    assert info.og_type == "article"
    assert info.stylesheets == ["/s.css?ver=1&b=2"]
    assert "postid-1" in info.body_classes


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """windows-1258 as Vietnamese legacy pages use it: base letters precomposed, tone marks
    as combining characters."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
            out += (base + "".join(c for c in nfd if c in _TONES)).encode("cp1258")
    return bytes(out)


def test_windows_1258_page_decodes() -> None:
    text = "Thời sự Kon Tum"
    body = html("single postid-3", body=f"<p>{text}</p>").replace(b'charset="UTF-8"', b"")
    body = to_cp1258(body.decode())
    assert "Thời".encode() not in body and body.decode("cp1258") != text
    decoded = pages.decode_html(body, "text/html; charset=windows-1258")
    assert unicodedata.normalize("NFC", decoded).count("Thời sự") == 1


def test_classification_decodes_as_extraction_does() -> None:
    """One rule (crawler.extract.html): valid UTF-8 served as windows-1258 is UTF-8 for the
    classifier too, so the canonical URL read from the head is the one extraction sees."""
    from crawler.extract import decode_html as extract_decode

    canonical = "http://kontumtv.test/thời-sự/bài-một/"
    body = html("single postid-3", body="<p>Thời sự Kon Tum</p>").replace(
        b"<head>", f'<head><link rel="canonical" href="{canonical}">'.encode(), 1)
    body = unicodedata.normalize("NFD", body.decode()).encode("utf-8")
    ctype = "text/html; charset=windows-1258"
    decoded = pages.decode_html(body, ctype)
    assert decoded == extract_decode(body, {"Content-Type": ctype})[0]
    assert "Thời sự Kon Tum" in decoded  # NFC, not mojibake
    assert pages.head_info(decoded).canonical == canonical
    assert pages.page_kind("http://kontumtv.test/x/", ctype, body) is PageKind.POST


# --- canonical URLs -------------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("http://Kontumtv.VN:80/thoi-su/bai/#comments", "http://kontumtv.vn/thoi-su/bai/"),
    ("https://kontumtv.vn/thoi-su/bai/?replytocom=42#respond", "https://kontumtv.vn/thoi-su/bai/"),
    ("https://kontumtv.vn/thoi-su/bai/amp/", "https://kontumtv.vn/thoi-su/bai/"),
    ("https://kontumtv.vn/thoi-su/bai/?amp=1", "https://kontumtv.vn/thoi-su/bai/"),
    ("https://kontumtv.vn/thoi-su/bai", "https://kontumtv.vn/thoi-su/bai/"),
    ("https://kontumtv.vn/thoi-su/bai/?utm_source=fb&fbclid=x", "https://kontumtv.vn/thoi-su/bai/"),
    ("https://kontumtv.vn/?p=123", "https://kontumtv.vn/?p=123"),
    ("https://kontumtv.vn/wp-content/uploads/a.jpg", "https://kontumtv.vn/wp-content/uploads/a.jpg"),
    ("https://kontumtv.vn/amp/", "https://kontumtv.vn/amp/"),  # a page called 'amp'
    ("https://kontumtv.vn/a/comment-page-2/#comments", "https://kontumtv.vn/a/"),
    ("https://kontumtv.vn/a/amp/comment-page-1", "https://kontumtv.vn/a/"),
    ("https://kontumtv.vn/?p=5&cpage=2", "https://kontumtv.vn/?p=5"),
    ("https://kontumtv.vn/thời-sự/bài/", "https://kontumtv.vn/th%E1%BB%9Di-s%E1%BB%B1/b%C3%A0i/"),
])
def test_normalize_url(url: str, expected: str) -> None:
    assert links.normalize_url(url) == expected


def test_canonical_url_prefers_rel_canonical_and_resolves_it() -> None:
    head = '<link rel="canonical" href="/thoi-su/bai/">'
    assert pages.canonical_url(BASE + "?p=12", html("single postid-12", head).decode()) \
        == BASE + "thoi-su/bai/"
    amp = '<link rel="canonical" href="http://127.0.0.1:8765/thoi-su/bai/">'
    assert pages.canonical_url(BASE + "thoi-su/bai/amp/", html("", amp).decode()) \
        == BASE + "thoi-su/bai/"
    og = '<meta property="og:url" content="http://127.0.0.1:8765/thoi-su/bai/">'
    assert pages.canonical_url(BASE + "thoi-su/bai/?replytocom=5", html("", og).decode()) \
        == BASE + "thoi-su/bai/"


def test_canonical_url_ignores_a_theme_pointing_everything_home() -> None:
    head = '<link rel="canonical" href="http://127.0.0.1:8765/">'
    assert pages.canonical_url(BASE + "thoi-su/bai/", html("", head).decode()) \
        == BASE + "thoi-su/bai/"
    assert pages.canonical_url(BASE + "thoi-su/bai/", html("").decode()) \
        == BASE + "thoi-su/bai/"


_segment = st.one_of(st.text(alphabet=st.sampled_from("abcdếờ-_.0123456789%~ "), max_size=8),
                     st.sampled_from(["amp", "comment-page-2", "embed", "feed", "2"]))
_urls = st.builds(
    lambda host, port, segs, slash, query, frag: (
        f"http://{host}{port}/" + "/".join(segs) + ("/" if slash else "") + query + frag),
    st.sampled_from(["kontumtv.vn", "KontumTV.vn", "127.0.0.1", "www.baokontum.com.vn"]),
    st.sampled_from(["", ":80", ":8080"]),
    st.lists(_segment, max_size=4),
    st.booleans(),
    st.sampled_from(["", "?replytocom=7", "?p=12", "?amp", "?a=1&utm_source=x",
                     "?replytocom=1&x=2", "?page=2", "?s=t%C3%ACm"]),
    st.sampled_from(["", "#", "#comments", "#respond-ồ"]),
)


@settings(max_examples=300, deadline=None)
@given(_urls)
def test_normalize_url_properties(url: str) -> None:
    once = links.normalize_url(url)
    assert links.normalize_url(once) == once                 # idempotent
    assert "#" not in once                                   # fragment-free
    assert "replytocom" not in once and "utm_" not in once
    assert once.isascii()
    path = once.split("?", 1)[0].split("/", 3)[-1]
    assert not path.rstrip("/").endswith(("/amp", "comment-page-2")) or path in ("amp/",
                                                                                 "comment-page-2/")
    assert "/./" not in once and "/../" not in once
    # slash variants of the same extension-less permalink agree
    if "?" not in once and once.endswith("/") and "." not in once.rstrip("/").rsplit("/", 1)[-1]:
        assert links.normalize_url(once.rstrip("/") or once) == once


@settings(max_examples=200, deadline=None)
@given(_urls)
def test_request_url_properties(url: str) -> None:
    once = links.request_url(url)
    assert links.request_url(once) == once
    assert "#" not in once and "utm_" not in once
    assert once.isascii()


# --- multi-page posts -------------------------------------------------------------------------

def test_post_page_urls_from_page_links_in_order() -> None:
    body = ('<div class="page-links">Trang: <span class="post-page-numbers current">1</span>'
            '<a href="http://127.0.0.1:8765/thoi-su/bai/3/" class="post-page-numbers">3</a>'
            '<a href="/thoi-su/bai/2/" class="post-page-numbers">2</a>'
            '<a href="/thoi-su/khac/2/">other post</a></div>'
            '<a href="/thoi-su/bai/4/">not in page-links</a>')
    got = pages.post_page_urls(BASE + "thoi-su/bai/", html("single postid-1", body=body).decode())
    assert got == [BASE + "thoi-su/bai/2/", BASE + "thoi-su/bai/3/"]


def test_post_page_urls_plain_permalinks_and_none() -> None:
    body = '<p class="page-links"><a href="/?p=5&amp;page=2">2</a></p>'
    assert pages.post_page_urls(BASE + "?p=5", html(body=body).decode()) == [BASE + "?p=5&page=2"]
    assert pages.post_page_urls(BASE + "thoi-su/bai/", html(body="<p>x</p>").decode()) == []


def test_post_variants_are_not_articles_of_their_own() -> None:
    assert links.post_variant_of(BASE + "thoi-su/a/comment-page-2/") == BASE + "thoi-su/a/"
    assert links.post_variant_of(BASE + "thoi-su/a/embed/") == BASE + "thoi-su/a/"
    assert links.post_variant_of(BASE + "thoi-su/a/?cpage=3") == BASE + "thoi-su/a/"
    assert links.post_variant_of(BASE + "?p=5&cpage=2") == BASE + "?p=5"
    assert links.post_variant_of(BASE + "thoi-su/a/") is None
    assert links.post_variant_of(BASE + "thoi-su/a/2/") is None


def test_post_page_number() -> None:
    assert pages.post_page_number(BASE + "thoi-su/bai/2/", {"single", "single-paged-2"}) == 2
    assert pages.post_page_number(BASE + "?p=5&page=3", set()) == 3
    assert pages.post_page_number(BASE + "2024/", {"single", "postid-2024"}) == 1


# --- link policy -------------------------------------------------------------------------------

SITE = resolve_site(BASE, "kontumtv")


def kind(url: str, **kw: object) -> tuple[LinkKind, str]:
    return links.classify_link(url, SITE.on_site, allowed_page=SITE.allowed_page, **kw)


@pytest.mark.parametrize("url, tag, expected", [
    (BASE + "thoi-su/bai/", "a", (LinkKind.PAGE, "")),
    (BASE + "?p=12", "a", (LinkKind.PAGE, "")),
    (BASE + "thoi-su/bai", "a", (LinkKind.PAGE, "")),
    (BASE + "thoi-su/bai/amp/", "a", (LinkKind.PAGE, "")),
    (BASE + "wp-content/themes/k/style.css?ver=1", "stylesheet", (LinkKind.REQUISITE, "")),
    (BASE + "wp-includes/js/jquery/jquery.min.js?ver=3.7.1", "script", (LinkKind.REQUISITE, "")),
    (BASE + "wp-content/uploads/2017/09/a.jpg", "a", (LinkKind.REQUISITE, "")),
    (BASE + "feed/", "alternate", (LinkKind.FEED, "")),
    (BASE + "category/thoi-su/feed/", "a", (LinkKind.FEED, "")),
    (BASE + "tag/mang-den/feed/", "alternate", (LinkKind.FEED, "")),
    (BASE + "thoi-su/bai/feed/", "alternate", (LinkKind.SKIP, "comment-feed")),
    (BASE + "comments/feed/", "alternate", (LinkKind.SKIP, "comment-feed")),
    (BASE + "thoi-su/bai/?replytocom=5#respond", "a", (LinkKind.SKIP, "replytocom")),
    (BASE + "wp-login.php?redirect_to=x", "a", (LinkKind.SKIP, "wp-login")),
    (BASE + "wp-admin/", "a", (LinkKind.SKIP, "wp-admin")),
    (BASE + "wp-content/uploads/2020/01/clip.mp4", "a", (LinkKind.SKIP, "media")),
    (BASE + "wp-content/uploads/2020/01/tin.MP3", "source", (LinkKind.SKIP, "media")),
    (BASE + "xmlrpc.php?rsd", "a", (LinkKind.SKIP, "xmlrpc")),
    (BASE + "wp-json/oembed/1.0/embed?url=x", "a", (LinkKind.SKIP, "wp-json")),
    (BASE + "?s=kon+tum", "a", (LinkKind.SKIP, "search")),
    ("http://127.0.0.1:9999/thoi-su/bai/", "a", (LinkKind.SKIP, "offsite")),  # other port
    ("https://www.facebook.com/sharer/sharer.php?u=x", "a", (LinkKind.SKIP, "offsite")),
    ("mailto:toasoan@kontumtv.vn", "a", (LinkKind.SKIP, "scheme")),
    ("javascript:window.print()", "a", (LinkKind.SKIP, "scheme")),
    (BASE + "wp-sitemap-posts-post-1.xml", "a", (LinkKind.SITEMAP, "")),
])
def test_classify_link(url: str, tag: str, expected: tuple[LinkKind, str]) -> None:
    assert kind(url, tag=tag) == expected


def test_listing_advertised_feed_with_custom_category_base() -> None:
    url = BASE + "thoi-su/feed/"
    assert kind(url, tag="alternate", from_listing=True) == (LinkKind.FEED, "")
    assert kind(url, tag="alternate", from_listing=False) == (LinkKind.SKIP, "comment-feed")


# --- site profiles --------------------------------------------------------------------------------

def test_profiles_bind_to_a_local_origin_with_its_port() -> None:
    site = resolve_site("http://127.0.0.1:8765/", "kontumtv")
    assert site.domains == ("127.0.0.1:8765",)
    assert site.on_site("http://127.0.0.1:8765/a/")
    assert not site.on_site("http://127.0.0.1:8766/a/")
    assert not site.on_site("https://kontumtv.vn/a/")
    assert site.hostnames() == ["127.0.0.1"]
    assert site.robots_url() == "http://127.0.0.1:8765/robots.txt"
    assert site.sitemap_urls() == ["http://127.0.0.1:8765/wp-sitemap.xml"]
    assert site.feed_urls() == ["http://127.0.0.1:8765/feed/"]
    assert site.denied("/?s=abc")


def test_profile_by_host_and_generic() -> None:
    assert profile_for_url("https://www.kontumtv.vn/thoi-su/").name == "kontumtv"
    assert profile_for_url("https://baokontum.com.vn/").name == "generic"
    site = resolve_site("https://kontumtv.vn/", None)
    assert site.on_site("https://www.kontumtv.vn/x/") and site.on_site("http://kontumtv.vn/")
    generic = resolve_site("https://Bao.Example.vn/tin/", None)
    assert generic.name == "generic"
    assert generic.domains == ("bao.example.vn", "www.bao.example.vn")  # redirects either way
    assert resolve_site("http://www.x.vn/", None).domains == ("www.x.vn", "x.vn")
    assert resolve_site("http://localhost:8080/", None).domains == ("localhost:8080",)
    assert generic.sitemap_urls() == ["https://bao.example.vn/tin/wp-sitemap.xml"]
    assert generic.robots_url() == "https://bao.example.vn/robots.txt"
    assert netloc_of("HTTPS://Bao.vn:443/x") == "bao.vn"
    assert set(PROFILES) >= {"generic", "kontumtv"}


@pytest.mark.parametrize("url, name, message", [
    ("ftp://kontumtv.vn/", None, "not an http(s) URL"),
    ("kontumtv.vn", None, "not an http(s) URL"),
    ("http://127.0.0.1:99999/", None, "bad port"),
    ("http://127.0.0.1/", "khong-co", "unknown site profile 'khong-co' (valid: generic, kontumtv)"),
])
def test_bad_urls_and_profiles_are_one_line_errors(url: str, name: str | None,
                                                   message: str) -> None:
    with pytest.raises(NewsarchiveError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_site(url, name)


def test_url_date() -> None:
    assert pages.url_date(BASE + "2017/09/21/bai/") == "2017-09-21"
    assert pages.url_date(BASE + "2017/09/bai/") == "2017-09-01"
    assert pages.url_date(BASE + "thoi-su/bai-2017/") is None


def test_parse_sitemap_index_urlset_news_and_gzip() -> None:
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             b'sitemap/0.9"><sitemap><loc>http://x/a.xml</loc><lastmod>2024-01-01</lastmod>'
             b'</sitemap></sitemapindex>')
    assert discovery.parse_sitemap(index) == (
        "index", [discovery.Entry("http://x/a.xml", "2024-01-01")])
    news = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            '<url><loc>http://x/thời-sự/</loc><news:news><news:publication>'
            '<news:name>Kon Tum</news:name></news:publication>'
            '<news:publication_date>2024-05-01T08:00:00+07:00</news:publication_date>'
            '</news:news></url></urlset>').encode()
    kind_, entries = discovery.parse_sitemap(gzip.compress(news))
    assert kind_ == "urlset"
    assert entries == [discovery.Entry("http://x/thời-sự/", "2024-05-01T08:00:00+07:00")]
    assert discovery.parse_sitemap(b"<html>not xml") == ("", [])
    assert discovery.parse_sitemap(b"\x1f\x8b garbage") == ("", [])


OLD_THEME_ENTRY = (
    '<html><head><title>Lễ hội cồng chiêng</title></head><body><div id="content">'
    '<div class="post-123 post type-post status-publish hentry" id="post-123">'
    "<h2>Lễ hội cồng chiêng</h2><p>Đồng bào Ba Na tổ chức lễ hội.</p></div></div></body></html>")


def test_an_old_theme_post_is_a_post_by_its_entry_class_and_date_permalink() -> None:
    # no body classes, no Open Graph, no JSON-LD: only post_class() and the permalink
    body = OLD_THEME_ENTRY.encode()
    assert pages.page_kind(BASE + "2025/04/01/le-hoi/", HTML_CT, body) is PageKind.POST
    assert pages.page_kind(BASE + "le-hoi/", HTML_CT, body) is PageKind.POST  # one entry
    entry = '<div class="post-124 post type-post hentry"><h2>Tin khác</h2></div>'
    two = OLD_THEME_ENTRY.replace('<div id="content">', '<div id="content">' + entry).encode()
    assert pages.page_kind(BASE + "le-hoi/", HTML_CT, two) is PageKind.PAGE  # two teasers
    assert pages.page_kind(BASE + "2025/04/", HTML_CT, body) is PageKind.LISTING


def test_page_two_canonical_to_itself_is_still_page_two_of_its_post() -> None:
    # Yoast prints <link rel="canonical" href=".../le-hoi/2/"> on page 2
    page2 = ('<html><head><link rel="canonical" href="https://example.vn/le-hoi/2/"></head>'
             '<body><div class="entry-content"><p>Phần hai.</p><div class="page-links">'
             '<a href="https://example.vn/le-hoi/" class="post-page-numbers">1</a>'
             '<span class="post-page-numbers current">2</span></div></div></body></html>')
    assert pages.first_page_of("https://example.vn/le-hoi/2/", page2) == \
        "https://example.vn/le-hoi/"
    lone = "<html><body><p>Bài số 2 của năm.</p></body></html>"
    assert pages.first_page_of("https://example.vn/top-10/2/", lone) is None


def test_post_entries_are_class_tokens_of_a_tag_counted_up_to_two() -> None:
    count = pages._post_entries
    assert count('<div class="post-1 post type-post hentry">', 0) == 1
    assert count("<ARTICLE CLASS='type-post'>", 0) == 1             # attribute name: any case
    assert count('<div class=type-post>', 0) == 0                     # unquoted: not post_class()
    assert count('<div class="entry-type-post">', 0) == 0             # another class
    assert count('<div class="type-posts">', 0) == 0
    assert count('<p>type-post</p><div id="type-post">', 0) == 0       # text, another attribute
    assert count('<div data-x="a" class="a\ntype-post">' * 5, 0) == 2   # capped: none/one/many
    assert count('<div class="type-post">', 5) == 0                   # from the given start
