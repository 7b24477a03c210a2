"""The wordpress spider's callbacks on hand-built responses (no network, no reactor)."""

from __future__ import annotations

import gzip
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler import meta
from crawler.discovery import parse_listing_date, parse_since
from crawler.items import PostItem, Provenance
from crawler.politeness import RobotsCrawlDelay
from crawler.spiders.wordpress import WordPressSpider

BASE = "http://127.0.0.1:8765/"


class FakeEngine:
    def __init__(self) -> None:
        self.crawled: list[Request] = []

    def crawl(self, request: Request) -> None:
        self.crawled.append(request)


def make_spider(**kwargs: Any) -> WordPressSpider:
    settings = {"ROBOTSTXT_OBEY": True, **kwargs.pop("settings", {})}
    crawler = get_crawler(WordPressSpider, settings)
    spider = WordPressSpider.from_crawler(crawler, url=kwargs.pop("url", BASE), **kwargs)
    crawler.spider = spider
    crawler.engine = FakeEngine()  # type: ignore[assignment]
    return spider


def page(url: str, body: str, *, meta: dict[str, Any] | None = None,
         headers: dict[str, str] | None = None, status: int = 200) -> HtmlResponse:
    request = Request(url, meta=meta or {})
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=request,
                        status=status,
                        headers={"Content-Type": "text/html; charset=UTF-8", **(headers or {})})


def xml(url: str, body: bytes, content_type: str = "application/xml") -> Response:
    cls = XmlResponse if not body.startswith(b"\x1f\x8b") else Response
    return cls(url, body=body, request=Request(url), headers={"Content-Type": content_type})


def urls(output: Any) -> list[str]:
    return [r.url for r in output if isinstance(r, Request)]


def items(output: Any) -> list[PostItem]:
    return [i for i in output if isinstance(i, PostItem)]


CHROME = (
    '<link rel="stylesheet" href="/wp-content/themes/k/style.css?ver=1.2">'
    '<link rel="alternate" type="application/rss+xml" title="Kon Tum » Dòng thông tin" '
    'href="http://127.0.0.1:8765/feed/">'
    '<link rel="alternate" type="application/rss+xml" title="Kon Tum » Dòng phản hồi" '
    'href="http://127.0.0.1:8765/comments/feed/">'
    '<link rel="https://api.w.org/" href="http://127.0.0.1:8765/wp-json/">'
    '<link rel="shortlink" href="http://127.0.0.1:8765/?p=5">'
    '<script src="/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"></script>'
    '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>'
)
MENU = (
    '<nav><a href="/">Trang chủ</a><a href="/category/thoi-su/">Thời sự</a>'
    '<a href="http://127.0.0.1:8765/gioi-thieu/#top">Giới thiệu</a>'
    '<a href="https://www.facebook.com/kontumtv">Facebook</a>'
    '<a href="http://127.0.0.1:8765/wp-login.php">Đăng nhập</a>'
    '<a href="mailto:toasoan@kontumtv.vn">Liên hệ</a></nav>'
)


def listing(path: str, extra: str = "", classes: str = "archive category") -> HtmlResponse:
    return page(BASE + path, f"<html><head>{CHROME}</head><body class=\"{classes}\">{MENU}"
                             f"{extra}</body></html>")


def test_start_requests_discovery_documents_and_home() -> None:
    spider = make_spider()
    got = [r.url for r in spider.start_requests_list()]
    assert got == [BASE + "wp-sitemap.xml", BASE + "feed/", BASE]
    spider = make_spider(settings={"ROBOTSTXT_OBEY": False})
    assert spider.start_requests_list()[0].url == BASE + "robots.txt"


def test_robots_sitemaps_read_from_the_middlewares_fetch() -> None:
    spider = make_spider()
    body = (b"User-agent: *\nDisallow: /wp-admin/\nSitemap: http://127.0.0.1:8765/sitemap_index.xml"
            b"\nSitemap: http://other.test/sitemap.xml\n")
    robots = TextResponse(BASE + "robots.txt", body=body, headers={"Content-Type": "text/plain"})
    request = Request(BASE + "robots.txt", meta={"dont_obey_robotstxt": True})
    spider._response_received(robots, request)
    assert [r.url for r in spider.crawler.engine.crawled] == [BASE + "sitemap_index.xml"]
    spider._response_received(robots, request)           # once only
    assert len(spider.crawler.engine.crawled) == 1


def test_robots_crawl_delay_raises_the_slot_delay_and_throttle_floor() -> None:
    from scrapy.extensions.throttle import AutoThrottle

    spider = make_spider(settings={"NEWSARCHIVE_MAX_CRAWL_DELAY": 5})

    class Slot:
        delay = 0.25

    class Downloader:
        slots = {"127.0.0.1": Slot()}

    class Extensions:
        middlewares = [AutoThrottle.__new__(AutoThrottle)]

    spider.crawler.engine.downloader = Downloader()  # type: ignore[attr-defined]
    spider.crawler.extensions = Extensions()  # type: ignore[assignment]
    Extensions.middlewares[0].mindelay = 0.25
    body = b"User-agent: *\nCrawl-delay: 3\n\nUser-agent: other\nCrawl-delay: 60\n"
    robots = TextResponse(BASE + "robots.txt", body=body, headers={"Content-Type": "text/plain"})
    RobotsCrawlDelay.from_crawler(spider.crawler).response_received(
        robots, Request(BASE + "robots.txt", meta={"dont_obey_robotstxt": True}))
    assert Downloader.slots["127.0.0.1"].delay == 3.0
    assert Extensions.middlewares[0].mindelay == 3.0
    assert spider.crawler.stats.get_value("newsarchive/robots/crawl_delay") == 3.0


def test_sitemap_index_plain_and_gzip_children() -> None:
    spider = make_spider(since="2020-01-01")
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             b'sitemap/0.9"><sitemap><loc>http://127.0.0.1:8765/post-sitemap.xml.gz</loc>'
             b'<lastmod>2024-05-01T00:00:00+00:00</lastmod></sitemap><sitemap>'
             b'<loc>http://127.0.0.1:8765/post-sitemap-2015.xml</loc><lastmod>2015-12-31'
             b'</lastmod></sitemap><sitemap><loc>http://other.test/s.xml</loc></sitemap>'
             b'</sitemapindex>')
    assert urls(spider.parse(xml(BASE + "sitemap_index.xml", index))) == [
        BASE + "post-sitemap.xml.gz"]
    assert spider.crawler.stats.get_value("newsarchive/since/skipped") == 1
    urlset = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              '<url><loc>http://127.0.0.1:8765/thoi-su/moi/</loc><lastmod>2024-04-30</lastmod>'
              '</url><url><loc>http://127.0.0.1:8765/thoi-su/cu/</loc><lastmod>2019-02-01'
              '</lastmod></url><url><loc>http://127.0.0.1:8765/2016/05/12/khong-lastmod/</loc>'
              '</url><url><loc>http://127.0.0.1:8765/thời-sự/có-dấu/</loc></url>'
              '</urlset>').encode()
    got = urls(spider.parse(xml(BASE + "post-sitemap.xml.gz", gzip.compress(urlset),
                                "application/gzip")))
    assert got == [BASE + "thoi-su/moi/", BASE + "th%E1%BB%9Di-s%E1%BB%B1/c%C3%B3-d%E1%BA%A5u/"]
    assert spider.crawler.stats.get_value("newsarchive/since/skipped") == 3


def test_rss_and_atom_feeds() -> None:
    spider = make_spider()
    rss = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item>'
           b'<link>http://127.0.0.1:8765/thoi-su/a/</link><pubDate>Thu, 21 Sep 2017 09:30:00 '
           b'+0000</pubDate></item><item><guid isPermaLink="true">http://127.0.0.1:8765/b/'
           b'</guid></item></channel></rss>')
    assert urls(spider.parse(xml(BASE + "feed/", rss, "application/rss+xml"))) == [
        BASE + "thoi-su/a/", BASE + "b/"]
    atom = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry>'
            b'<link rel="replies" href="http://127.0.0.1:8765/c/#comments"/>'
            b'<link rel="alternate" href="http://127.0.0.1:8765/c/"/>'
            b'<updated>2024-01-01T00:00:00Z</updated></entry><entry>'
            b'<link href="http://127.0.0.1:8765/thoi-su/a/"/></entry></feed>')
    assert urls(spider.parse(xml(BASE + "feed/atom/", atom, "application/atom+xml"))) == [
        BASE + "c/"]  # thoi-su/a/ already requested


def test_listing_links_policy_and_dedupe_across_pages() -> None:
    spider = make_spider()
    body = ('<div class="post-thumb"><a href="/thoi-su/a/"><img src="/wp-content/uploads/2024/'
            '05/a-300x200.jpg" srcset="/wp-content/uploads/2024/05/a-300x200.jpg 300w, '
            '/wp-content/uploads/2024/05/a.jpg 800w"></a></div>'
            '<a href="/thoi-su/a/?replytocom=3#respond">Trả lời</a>'
            '<a href="/wp-content/uploads/2024/05/clip.mp4">video</a>'
            '<a href="/category/thoi-su/feed/">RSS</a>'
            '<nav class="pagination"><a class="next" href="/category/thoi-su/page/2/">Trang sau'
            '</a></nav>')
    first = listing("category/thoi-su/", body)
    got = urls(spider.parse(first))
    assert got == [
        BASE + "wp-content/themes/k/style.css?ver=1.2",
        BASE + "feed/",
        BASE + "wp-includes/js/jquery/jquery.min.js?ver=3.7.1",
        BASE, BASE + "gioi-thieu/",
        BASE + "thoi-su/a/",
        BASE + "wp-content/uploads/2024/05/a-300x200.jpg",
        BASE + "wp-content/uploads/2024/05/a.jpg",
        BASE + "category/thoi-su/feed/",
        BASE + "category/thoi-su/page/2/",
    ]
    # same chrome on page 2, another post: the new post and its own next page
    second = listing("category/thoi-su/page/2/", body.replace("/page/2/", "/page/3/")
                     .replace('href="/thoi-su/a/"', 'href="/thoi-su/b/"'),
                     classes="archive paged category paged-2")
    assert urls(spider.parse(second)) == [BASE + "thoi-su/b/", BASE + "category/thoi-su/page/3/"]
    # page 3 links to what page 2 did (a trap repeating itself): its next page is not asked
    third = listing("category/thoi-su/page/3/", body.replace("/page/2/", "/page/4/")
                    .replace('href="/thoi-su/a/"', 'href="/thoi-su/b/"'),
                    classes="archive paged category paged-3")
    assert urls(spider.parse(third)) == []
    assert spider.crawler.stats.get_value("newsarchive/traps/pagination-repeats") == 1
    stats = spider.crawler.stats
    for reason in ("offsite", "replytocom", "media", "wp-login", "scheme", "comment-feed"):
        assert stats.get_value(f"newsarchive/links/skipped/{reason}"), reason
    assert stats.get_value("newsarchive/pages/listing") == 3
    # outlinks recorded for the WARC metadata record, fragments dropped, skipped ones too
    assert "https://www.facebook.com/kontumtv" in first.meta["newsarchive_outlinks"]
    assert BASE + "gioi-thieu/" in first.meta["newsarchive_outlinks"]


def post_html(body: str, classes: str = "single single-post postid-5",
              head: str = "") -> str:
    return (f"<html><head>{CHROME}{head}</head><body class=\"{classes}\">{MENU}"
            f"<article><h1>Tiêu đề</h1>{body}</article></body></html>")


def test_single_page_post_becomes_one_item_with_headers_and_provenance() -> None:
    spider = make_spider()
    prov = Provenance(warc_filename="a.warc.gz", warc_offset=10, warc_length=99,
                      warc_record_id="<urn:uuid:1>")
    response = page(BASE + "thoi-su/a/", post_html("<p>Nội dung.</p>"),
                    meta={"newsarchive_warc": prov},
                    headers={"X-Test": "một"})
    out = list(spider.parse(response))
    (item,) = items(out)
    assert item.url == BASE + "thoi-su/a/"
    assert item.canonical == BASE + "thoi-su/a/"  # read once here, used by the pipeline
    assert len(item.pages) == 1
    capture = item.pages[0]
    assert capture.body == response.body and capture.provenance == prov
    assert capture.headers["Content-Type"] == "text/html; charset=UTF-8"
    # the same article again (AMP canonical, ?p= redirect target, slash variant): no item
    again = page(BASE + "?p=5", post_html("<p>Nội dung.</p>", head=(
        '<link rel="canonical" href="http://127.0.0.1:8765/thoi-su/a">')))
    assert items(spider.parse(again)) == []
    assert spider.crawler.stats.get_value("newsarchive/posts/duplicate") == 1


def test_multi_page_post_is_fetched_in_order_and_joined() -> None:
    spider = make_spider()
    links = ('<div class="page-links">Trang: <span class="post-page-numbers current">1</span>'
             '<a href="/thoi-su/dai/2/" class="post-page-numbers">2</a>'
             '<a href="/thoi-su/dai/3/" class="post-page-numbers">3</a></div>')
    first = page(BASE + "thoi-su/dai/", post_html("<p>Một.</p>" + links))
    out = list(spider.parse(first))
    assert items(out) == []
    chain = [r for r in out if isinstance(r, Request) and meta.POST in r.meta]
    assert [r.url for r in chain] == [BASE + "thoi-su/dai/2/"]
    # the page links are not requested a second time as ordinary links
    assert urls(out).count(BASE + "thoi-su/dai/2/") == 1
    assert BASE + "thoi-su/dai/3/" not in urls(out)

    second = page(BASE + "thoi-su/dai/2/", post_html(
        "<p>Hai.</p>" + links, "single single-post postid-5 paged-2 single-paged-2"),
        meta=dict(chain[0].meta))
    out2 = list(spider.parse(second))
    (third_req,) = [r for r in out2 if isinstance(r, Request) and meta.POST in r.meta]
    assert third_req.url == BASE + "thoi-su/dai/3/"
    third = page(BASE + "thoi-su/dai/3/", post_html(
        "<p>Ba.</p>" + links, "single single-post postid-5 paged-3 single-paged-3"),
        meta=dict(third_req.meta))
    (item,) = items(spider.parse(third))
    assert item.url == BASE + "thoi-su/dai/" and item.canonical == BASE + "thoi-su/dai/"
    assert [p.url for p in item.pages] == [BASE + "thoi-su/dai/", BASE + "thoi-su/dai/2/",
                                           BASE + "thoi-su/dai/3/"]
    assert spider.crawler.stats.get_value("newsarchive/posts/multipage") == 1


def test_multi_page_post_with_a_failed_page_keeps_what_arrived() -> None:
    spider = make_spider()
    links = '<div class="page-links"><a href="/thoi-su/dai/2/">2</a></div>'
    out = list(spider.parse(page(BASE + "thoi-su/dai/", post_html("<p>Một.</p>" + links))))
    (req,) = [r for r in out if isinstance(r, Request) and meta.POST in r.meta]

    class Failure:
        request = req

        def getErrorMessage(self) -> str:  # noqa: N802 (Twisted's name)
            return "404"

    (item,) = items(req.errback(Failure()))
    assert [p.url for p in item.pages] == [BASE + "thoi-su/dai/"]
    assert spider.crawler.stats.get_value("newsarchive/posts/incomplete") == 1


def test_continuation_page_reached_alone_asks_for_page_one() -> None:
    spider = make_spider()
    response = page(BASE + "thoi-su/dai/2/", post_html(
        "<p>Hai.</p>", "single single-post postid-5 paged-2 single-paged-2"))
    out = list(spider.parse(response))
    assert items(out) == []
    assert BASE + "thoi-su/dai/" in urls(out)


def test_comments_page_and_embed_view_ask_for_the_post() -> None:
    spider = make_spider()
    for view in ("thoi-su/a/comment-page-2/", "thoi-su/a/embed/"):
        out = list(spider.parse(page(BASE + view, post_html("<p>Bình luận</p>", head=(
            f'<link rel="canonical" href="{BASE}{view}">')))))
        assert items(out) == []
    assert urls(out) == [] and spider.crawler.stats.get_value("newsarchive/posts/variant") == 2
    (item,) = items(spider.parse(page(BASE + "thoi-su/a/", post_html("<p>Bài</p>"))))
    assert item.url == BASE + "thoi-su/a/"


def test_rest_api_only_when_advertised_and_nothing_else_listed_posts() -> None:
    spider = make_spider()
    list(spider.parse(listing("", "", classes="home blog")))
    assert spider.api_root == BASE + "wp-json/"
    with pytest.raises(DontCloseSpider):
        spider._idle()
    (api,) = spider.crawler.engine.crawled
    assert api.url == BASE + "wp-json/wp/v2/posts?per_page=100&page=1"
    spider._idle()  # once
    body = (b'[{"id": 5, "link": "http://127.0.0.1:8765/thoi-su/a/", "modified_gmt": '
            b'"2024-01-01T00:00:00"}, {"id": 6, "link": "http://other.test/x/"}]')
    response = TextResponse(api.url, body=body, request=api,
                            headers={"Content-Type": "application/json; charset=UTF-8",
                                     "X-WP-TotalPages": "2"})
    assert urls(spider.parse(response)) == [
        BASE + "thoi-su/a/", BASE + "wp-json/wp/v2/posts?per_page=100&page=2"]

    # a site whose sitemap listed posts never gets its API asked
    other = make_spider()
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b'<url><loc>http://127.0.0.1:8765/thoi-su/a/</loc></url></urlset>')
    list(other.parse(xml(BASE + "wp-sitemap-posts-post-1.xml", urlset)))
    list(other.parse(listing("", "", classes="home blog")))
    other._idle()
    assert other.crawler.engine.crawled == []


def test_api_root_from_link_header() -> None:
    spider = make_spider()
    response = page(BASE + "lien-he/", "<html><body class='page page-id-2'></body></html>",
                    headers={"Link": '<http://127.0.0.1:8765/wp-json/>; rel="https://api.w.org/"'})
    list(spider.parse(response))
    assert spider.api_root == BASE + "wp-json/"


def test_offsite_guard_checks_host_and_port_of_every_scheduled_request() -> None:
    spider = make_spider()
    spider._request_scheduled(Request(BASE + "thoi-su/a/"))
    for url in ("http://127.0.0.1:9999/thoi-su/a/", "https://kontumtv.vn/thoi-su/a/"):
        with pytest.raises(IgnoreRequest):
            spider._request_scheduled(Request(url))
    assert spider.crawler.stats.get_value("newsarchive/offsite/filtered") == 2
    assert spider.allowed_domains == ["127.0.0.1"]


def test_max_pages_budget() -> None:
    spider = make_spider(max_pages="2")
    body = "".join(f'<a href="/thoi-su/{i}/">{i}</a>' for i in range(5))
    got = [u for u in urls(spider.parse(listing("", body, classes="home blog")))
           if "/thoi-su/" in u or u == BASE or u.endswith("gioi-thieu/")]
    assert len(got) == 2
    assert spider.crawler.stats.get_value("newsarchive/max_pages/reached") >= 1


def test_css_requisites() -> None:
    spider = make_spider()
    css = (b"@import '/wp-content/themes/k/base.css';\nbody{background:url(\"../img/bg.png\")}"
           b" .x{background:url(data:image/png;base64,AAA)} @font-face{src:url(/f.woff2)}")
    url = BASE + "wp-content/themes/k/style.css"
    response = TextResponse(url, body=css, request=Request(url),
                            headers={"Content-Type": "text/css"})
    assert sorted(urls(spider.parse_requisite(response))) == [
        BASE + "f.woff2", BASE + "wp-content/themes/img/bg.png",
        BASE + "wp-content/themes/k/base.css"]


def test_since_and_dates() -> None:
    assert parse_since("2024-05-01").isoformat() == "2024-05-01T00:00:00+00:00"
    assert parse_listing_date("Thu, 21 Sep 2017 09:30:00 +0000").isoformat() == \
        "2017-09-21T09:30:00+00:00"
    assert parse_listing_date("2017-09-21T16:30:00+07:00").utcoffset().total_seconds() == 7 * 3600
    assert parse_listing_date("không phải ngày") is None
    from crawler.errors import NewsarchiveError
    with pytest.raises(NewsarchiveError, match="bad --since"):
        parse_since("21/09/2017")


_hrefs = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["http://[bad/x", "//[::1/", "http://127.0.0.1:99999/", "http://127.0.0.1:8765:/x",
                     "javascript:void(0)", "#", " /thời-sự/ ", "?replytocom=1", "..", "/a/../b",
                     "http://127.0.0.1:8765/wp-content/uploads/x.mp4", "data:,x"]),
    st.builds(lambda a, b: f"/{a}/{b}/", st.text(max_size=6), st.text(max_size=6)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_hrefs, max_size=12))
@example(["replytocom", "?replytocom=1", "a/?x=1&replytocom=2#respond"])  # found by hypothesis
def test_any_href_is_handled_without_raising(hrefs: list[str]) -> None:
    import html as html_mod

    spider = make_spider()
    body = "".join(f'<a href="{html_mod.escape(h, quote=True)}">x</a>'
                   f'<img src="{html_mod.escape(h, quote=True)}" srcset="{html_mod.escape(h)} 2x">'
                   for h in hrefs)
    out = list(spider.parse(listing("category/x/", body)))
    for request in out:
        assert isinstance(request, Request)
        assert spider.site.on_site(request.url)
        # comment-reply views are never requested; a page named "replytocom" may be
        assert "replytocom" not in parse_qs(urlsplit(request.url).query)
        assert not request.url.endswith(".mp4")
    got = urls(out)
    assert len(got) == len(set(got))


def test_contact_url_goes_into_the_default_user_agent() -> None:
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NEWSARCHIVE_CONTACT_URL", "https://baokontum.vn/lien-he", priority="cmdline")
    WordPressSpider.update_settings(settings)
    assert settings["USER_AGENT"].startswith("newsarchive/")
    assert "(+https://baokontum.vn/lien-he;" in settings["USER_AGENT"]
    explicit = Settings({"USER_AGENT": "Bot/1", "NEWSARCHIVE_CONTACT_URL": "https://x.vn/"})
    WordPressSpider.update_settings(explicit)
    assert explicit["USER_AGENT"] == "Bot/1"
