"""The ``wordpress`` spider: discovery and multi-page post chaining, nothing else.

Discovery, in order of preference: robots.txt ``Sitemap:`` lines and ``/wp-sitemap.xml``
(Yoast ``sitemap_index.xml`` and news sitemaps, plain and ``.gz``, when robots.txt or an
index names them), RSS/Atom feeds (``/feed/``, category and tag feeds), the links of the
home page and of every listing with its ``/page/N/`` pagination, and, only when the site
advertises it (``Link: <...wp-json/>; rel="https://api.w.org/"`` or the same ``<link>``)
and nothing else listed posts, the REST API (``/wp-json/wp/v2/posts``).

Everything fetched is archived by the capture middleware; the spider classifies each
response (``crawler.pages.page_kind``) and yields one ``crawler.items.PostItem`` per post
(all its pages, for multi-page posts, fetched in order with chained requests). Extraction
happens in the article pipeline, off the reactor thread.

What is fetched follows docs/ARCHITECTURE.md "Crawl policy" (``crawler.links.classify_link``);
what sitemaps, feeds and the REST API list comes from ``crawler.discovery``; politeness
(Retry-After, robots.txt Crawl-delay) is ``crawler.politeness``'s.
Links are deduplicated by the spider before any ``Request`` is built: menus and sidebars
repeat the same links on every page, and building a Request per link is most of what a
naive Scrapy crawl spends its time on.

A crawl into a folder crawled before is a re-crawl: ``crawler.incremental`` says which
archived URLs are fetched again (``RecrawlPolicy``, asked in ``_make``) and when a
listing's pagination stops (``ListingPolicy``). Multi-page posts: ``crawler.posts``.

Spider arguments (``-a``): ``url`` (base URL, required unless the profile has one),
``site`` (profile name, default: by host, else ``generic``), ``since`` (ISO date:
skip posts whose sitemap lastmod / feed date / URL date is older), ``max_pages``.

Settings read: ``NEWSARCHIVE_CONTACT_URL`` (into the default ``USER_AGENT``),
``NEWSARCHIVE_SITE``, ``NEWSARCHIVE_SINCE``, ``NEWSARCHIVE_MAX_PAGES``
(used when the argument is not given), ``NEWSARCHIVE_REQUISITES`` (fetch stylesheets,
scripts, images; default True), ``NEWSARCHIVE_SRCSET`` ('all' | 'none': also fetch srcset
candidates), ``NEWSARCHIVE_WPJSON`` ('auto' | 'always' | 'never'), ``ROBOTSTXT_OBEY``,
``USER_AGENT``, and the trap limits ``NEWSARCHIVE_MAX_PAGINATION``, ``NEWSARCHIVE_MIN_YEAR``,
``NEWSARCHIVE_YEAR_SLACK``, ``NEWSARCHIVE_MAX_SEGMENT_REPEATS``,
``NEWSARCHIVE_MAX_PATH_SEGMENTS`` (``crawler.traps``).

Stats: ``newsarchive/pages/<kind>``, ``newsarchive/requests/<kind>``,
``newsarchive/links/skipped/<reason>``, ``newsarchive/posts``,
``newsarchive/posts/duplicate``, ``newsarchive/posts/multipage``,
``newsarchive/posts/incomplete``, ``newsarchive/posts/before_since``,
``newsarchive/since/skipped``, ``newsarchive/offsite/filtered``,
``newsarchive/max_pages/reached``, ``newsarchive/traps/<reason>`` (``crawler.traps``),
``recrawl/<decision>``, ``newsarchive/pagination/stopped``, ``.../skipped``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import Request, Response, TextResponse
from scrapy.utils.response import get_base_url

from crawler import discovery, incremental, links, meta, pages, traps
from crawler.discovery import parse_listing_date
from crawler.errors import NewsarchiveError
from crawler.items import PostItem
from crawler.links import LinkKind
from crawler.pages import HeadInfo, PageKind
from crawler.posts import PostChainMixin
from crawler.sites import SiteProfile, profile_from_setting, resolve_site

# Scheduler priorities: discovery documents first, then pages, then the rest of a
# multi-page post as soon as its first page is in, requisites last.
PRIORITY = {"robots": 100, "sitemap": 90, "feed": 80, "api": 70, "post-page": 60,
            "page": 0, "requisite": -10}


class WordPressSpider(PostChainMixin, scrapy.Spider):
    name = "wordpress"

    def __init__(self, url: str | None = None, site: str | None = None,
                 since: str | None = None, max_pages: str | int | None = None,
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._args = {"url": url, "site": site, "since": since, "max_pages": max_pages}

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """``-s NEWSARCHIVE_CONTACT_URL=...`` alone puts the contact into the default
        User-Agent (an explicit USER_AGENT is left alone)."""
        super().update_settings(settings)
        from crawler import settings as defaults

        contact = settings.get("NEWSARCHIVE_CONTACT_URL")
        if (contact and contact != defaults.NEWSARCHIVE_CONTACT_URL
                and settings.get("USER_AGENT") == defaults.USER_AGENT):
            settings.set("USER_AGENT", defaults.USER_AGENT.replace(
                defaults.NEWSARCHIVE_CONTACT_URL, contact), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> WordPressSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._configure(crawler.settings)
        state = spider.crawl_state = incremental.state_for_crawler(crawler)
        spider.policy = (incremental.RecrawlPolicy.from_settings(state, crawler.settings)
                         if state is not None else None)
        spider.listings = incremental.ListingPolicy(spider.since, spider.policy, crawler)
        crawler.signals.connect(spider._response_received, signal=signals.response_received)
        crawler.signals.connect(spider._request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    # --- configuration ------------------------------------------------------------------
    def _configure(self, settings: Any) -> None:
        a = self._args
        self.site: SiteProfile = resolve_site(a["url"], a["site"] or settings.get(
            "NEWSARCHIVE_SITE"), profile_from_setting(settings.get("NEWSARCHIVE_PROFILE")))
        self.start_url = (a["url"] or self.site.base_url).strip()
        # Scrapy's OffsiteMiddleware compares host names only (no port); it stays as a
        # first line, and the spider checks the full netloc (host AND port) itself.
        self.allowed_domains = self.site.hostnames()
        self.since = discovery.parse_since(a["since"] or settings.get("NEWSARCHIVE_SINCE"))
        max_pages = a["max_pages"] or settings.getint("NEWSARCHIVE_MAX_PAGES", 0)
        try:
            self.max_pages = int(max_pages or 0)
        except ValueError:
            raise NewsarchiveError(f"bad max_pages {max_pages!r}") from None
        self.requisites = settings.getbool("NEWSARCHIVE_REQUISITES", True)
        self.srcset = str(settings.get("NEWSARCHIVE_SRCSET", "all")).lower()
        self.wpjson = str(settings.get("NEWSARCHIVE_WPJSON", "auto")).lower()
        if self.wpjson not in ("auto", "always", "never"):
            raise NewsarchiveError(
                f"bad NEWSARCHIVE_WPJSON {self.wpjson!r} (valid: auto, always, never)")
        self.obey_robots = settings.getbool("ROBOTSTXT_OBEY")
        self.base_path = urlsplit(self.site.base_url).path or "/"
        # What grows with the site is kept as 64-bit hashes (links.SeenSet):
        self.seen = links.SeenSet()        # request_url() of every link decided on
        self.raw_seen = links.SeenSet()    # exact absolute hrefs already decided on
        self.articles = links.SeenSet()    # canonical URLs of posts handed on
        self.page_budget_used = 0
        self.api_root: str | None = None
        self.api_started = False
        self.posts_listed = 0              # post URLs that sitemaps/feeds named
        self.robots_seen = False
        self.crawl_state: Any = None       # crawler.state.CrawlState of DIR, if any
        self.policy: incremental.RecrawlPolicy | None = None
        self.kept = links.SeenSet()        # archived URLs the re-crawl policy left alone
        self.traps = traps.TrapGuard(
            max_pagination=settings.getint("NEWSARCHIVE_MAX_PAGINATION", 2000),
            min_year=settings.getint("NEWSARCHIVE_MIN_YEAR", 1995),
            year_slack=settings.getint("NEWSARCHIVE_YEAR_SLACK", 1),
            max_repeats=settings.getint("NEWSARCHIVE_MAX_SEGMENT_REPEATS", 2),
            max_segments=settings.getint("NEWSARCHIVE_MAX_PATH_SEGMENTS", 16))

    # --- signals -------------------------------------------------------------------------
    def _request_scheduled(self, request: Request, spider: Any = None) -> None:
        """Off-site guard for every scheduled request, redirects included (a redirect's
        target is scheduled like a new request): netloc, host AND port."""
        if not self.site.on_site(request.url):
            self.crawler.stats.inc_value("newsarchive/offsite/filtered")
            self.logger.debug("Filtered off-site request %s", request.url)
            raise IgnoreRequest(f"off-site: {request.url}")

    def _response_received(self, response: Response, request: Request,
                           spider: Any = None) -> None:
        """robots.txt fetched by Scrapy's RobotsTxtMiddleware (not via the scheduler):
        read its ``Sitemap:`` lines so robots.txt is fetched once, by the middleware."""
        if (not request.meta.get("dont_obey_robotstxt")
                or urlsplit(response.url).path != "/robots.txt"
                or not self.site.on_site(response.url) or self.robots_seen):
            return
        self.robots_seen = True
        self.seen.add(links.request_url(response.url))
        if response.status == 200:  # its Crawl-delay: crawler.politeness.RobotsCrawlDelay
            for req in self._robots_requests(response):
                self.crawler.engine.crawl(req)

    def _idle(self, spider: Any = None) -> None:
        """When everything else is done: the REST API, if the site advertised it and no
        sitemap or feed listed any post."""
        if self.api_started or not self.api_root or self.wpjson == "never":
            return
        if self.posts_listed and self.wpjson == "auto":
            return
        self.api_started = True
        req = self._api_request(1)
        if req is not None:
            self.crawler.engine.crawl(req)
            raise DontCloseSpider

    # --- start ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for req in self.start_requests_list():
            yield req

    def start_requests_list(self) -> list[Request]:
        reqs: list[Request] = []
        if not self.obey_robots:
            # RobotsTxtMiddleware is off: fetch robots.txt ourselves for its sitemaps.
            self.robots_seen = True
            reqs += self._make(self.site.robots_url(), "robots")
        for url in self.site.sitemap_urls():
            reqs += self._make(url, "sitemap")
        for url in self.site.feed_urls():
            reqs += self._make(url, "feed")
        for url in [self.start_url, *self.site.start_urls()]:
            reqs += self._make(url, "page")
        return reqs

    # --- request making --------------------------------------------------------------------
    def _make(self, url: str, kind: str, *, date: str | None = None,
              extra: dict[str, Any] | None = None, force: bool = False,
              errback: Any = None) -> list[Request]:
        """[Request] for *url* unless already decided on / over budget / before --since."""
        try:
            key = links.request_url(url)
            _ = urlsplit(key).port
        except ValueError:
            self.crawler.stats.inc_value("newsarchive/links/skipped/malformed")
            return []
        if not force:
            if key in self.seen and not (date and key in self.kept):
                return []
            self.seen.add(key)
        if kind == "page" and self._trapped(key, date):
            return []
        if kind == "page" and self.since is not None:
            moment = parse_listing_date(date) or parse_listing_date(pages.url_date(url))
            if moment is not None and moment < self.since:
                self.crawler.stats.inc_value("newsarchive/since/skipped")
                self.listings.too_old.add(key)
                return []
        if kind in ("page", "requisite") and self.policy and self.policy.incremental \
                and not force:
            decision = self.policy.decide(key, kind, parse_listing_date(date))
            if decision == "kept":  # a sitemap or feed may still date it later
                if key not in self.kept:
                    self.kept.add(key)
                    self.crawler.stats.inc_value("recrawl/kept")
                return []
            self.kept.discard(key)
            self.crawler.stats.inc_value(f"recrawl/{decision}")
        if kind in ("page", "post-page") and self.max_pages:
            if self.page_budget_used >= self.max_pages:
                self.crawler.stats.inc_value("newsarchive/max_pages/reached")
                return []
            self.page_budget_used += 1
        self.crawler.stats.inc_value(f"newsarchive/requests/{kind}")
        callback = self.parse_requisite if kind == "requisite" else self.parse
        m = {meta.KIND: kind}
        if extra:
            m.update(extra)
        return [Request(key, callback=callback, errback=errback, priority=PRIORITY[kind],
                        meta=m, dont_filter=force)]

    def _trapped(self, url: str, date: str | None) -> bool:
        """A crawler trap (crawler.traps): counted, never requested."""
        self.traps.note_date(url, date)
        reason = self.traps.check(url)
        if reason:
            self.crawler.stats.inc_value(f"newsarchive/traps/{reason}")
        return reason is not None

    def _api_request(self, page: int) -> Request | None:
        if not self.api_root:
            return None
        url = discovery.api_posts_url(self.api_root, page)
        reqs = self._make(url, "api", extra={meta.API_PAGE: page})
        return reqs[0] if reqs else None

    # --- callbacks -----------------------------------------------------------------------
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        self.seen.add(links.request_url(response.url))  # after redirects
        content_type = response.headers.get(b"Content-Type")
        ctype = content_type.decode("latin-1") if content_type else None
        info: HeadInfo | None = None
        if isinstance(response, TextResponse) and "html" in pages.media_type(ctype):
            info = pages.head_info(pages.decode_html(response.body, ctype))
        kind = pages.page_kind(response.url, ctype, response.body, info)
        self.crawler.stats.inc_value(f"newsarchive/pages/{kind}")
        if self.crawl_state is not None and info is not None:
            self.crawl_state.note_page(links.request_url(response.url), str(kind))
        self._note_api(response, info)
        if kind is PageKind.SITEMAP:
            yield from self._sitemap(response)
        elif kind is PageKind.FEED:
            yield from self._feed(response)
        elif kind is PageKind.ROBOTS:
            yield from self._robots_requests(response)
        elif kind is PageKind.API:
            yield from self._api(response)
        elif info is not None:
            yield from self._html(response, info, kind)
        elif pages.media_type(ctype) == "text/css":
            yield from self.parse_requisite(response)

    def parse_requisite(self, response: Response, **kwargs: Any) -> Iterator[Request]:
        """Stylesheets: their fonts, background images and @imports are requisites too."""
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if pages.media_type(ctype) != "text/css" or not isinstance(response, TextResponse):
            return
        found = [(u, "css") for u in links.css_links(response.text)]
        yield from self._links(response.url, found, response)

    # --- discovery documents --------------------------------------------------------------
    def _robots_requests(self, response: Response) -> list[Request]:
        text = response.body.decode("utf-8", "replace")
        reqs: list[Request] = []
        for url in discovery.robots_sitemaps(text):
            absolute = links.join_url(response.url, url)
            if absolute is not None and self.site.on_site(absolute):
                reqs += self._make(absolute, "sitemap")
        return reqs

    def _sitemap(self, response: Response) -> Iterator[Request]:
        kind, entries = discovery.parse_sitemap(response.body)
        for entry in entries:
            url = links.join_url(response.url, entry.url)
            if url is None or not self.site.on_site(url):
                self.crawler.stats.inc_value("newsarchive/links/skipped/offsite")
                continue
            if kind == "index":
                moment = parse_listing_date(entry.date)
                if self.since is not None and moment is not None and moment < self.since:
                    # A child sitemap last modified before --since lists nothing newer.
                    self.crawler.stats.inc_value("newsarchive/since/skipped")
                    continue
                yield from self._make(url, "sitemap")
            else:
                yield from self._listed(url, entry.date, response)

    def _feed(self, response: Response) -> Iterator[Request]:
        for entry in discovery.parse_feed(response.body):
            url = links.join_url(response.url, entry.url)
            if url is not None:
                yield from self._listed(url, entry.date, response)

    def _listed(self, url: str, date: str | None, response: Response) -> list[Request]:
        """A URL that a sitemap, feed or the API names: usually a post."""
        link_kind, reason = links.classify_link(
            url, self.site.on_site, base_path=self.base_path,
            allowed_page=self.site.allowed_page)
        if link_kind is LinkKind.SKIP:
            self.crawler.stats.inc_value(f"newsarchive/links/skipped/{reason}")
            return []
        self.posts_listed += 1
        kind = str(link_kind)  # LinkKind values are the request kinds
        if kind == "requisite" and not self.requisites:
            return []
        return self._make(url, kind, date=date)

    def _note_api(self, response: Response, info: HeadInfo | None) -> None:
        if self.api_root or self.wpjson == "never":
            return
        root = discovery.api_root(v.decode("latin-1") for v in response.headers.getlist(b"Link"))
        if root is None and info is not None and info.api_root:
            root = info.api_root
        if root:
            absolute = links.join_url(response.url, root)
            if absolute is not None and self.site.on_site(absolute):
                self.api_root = absolute if absolute.endswith("/") else absolute + "/"
                if self.wpjson == "always" and not self.api_started:
                    self.api_started = True
                    req = self._api_request(1)
                    if req is not None:
                        self.crawler.engine.crawl(req)

    def _api(self, response: Response) -> Iterator[Request]:
        entries = discovery.parse_wp_posts(response.body)
        for entry in entries:
            url = links.join_url(response.url, entry.url)
            if url is not None:
                yield from self._listed(url, entry.date, response)
        page = response.meta.get(meta.API_PAGE)
        if page and entries:
            total = response.headers.get(b"X-WP-TotalPages")
            if discovery.api_has_more(total.decode("latin-1") if total else None, page,
                                      len(entries)):
                req = self._api_request(page + 1)
                if req is not None:
                    yield req

    # --- HTML pages ---------------------------------------------------------------------
    def _html(self, response: TextResponse, info: HeadInfo, kind: PageKind) -> Iterator[Any]:
        root = response.selector.root
        post_meta = response.meta.get(meta.POST)
        if post_meta is not None:
            yield from self._page_links(response, info, root, kind)
            yield from self._post_continued(response, post_meta)
            return
        post_items: list[Any] = []
        if kind is PageKind.POST:
            # First: the post's own later pages are claimed by the chain before its links
            # are followed, so they are fetched once, in order.
            post_items = list(self._post(response, info, root))
        yield from self._page_links(response, info, root, kind)
        yield from post_items

    def _page_links(self, response: TextResponse, info: HeadInfo, root: Any,
                    kind: PageKind) -> Iterator[Request]:
        found = links.html_links(root, srcset=self.srcset == "all")
        yield from self._links(response.url, found, response, info=info, kind=kind)

    def _links(self, page_url: str, found: Iterable[tuple[str, str]], response: Response,
               *, info: HeadInfo | None = None, kind: PageKind | None = None
               ) -> Iterator[Request]:
        base = page_url
        if info is not None and info.base:
            base = get_base_url(response)
        stats = self.crawler.stats
        resolved, malformed = links.resolve_links(found, base)
        if malformed:
            stats.inc_value("newsarchive/links/skipped/malformed", malformed)
        from_listing = kind is PageKind.LISTING
        if from_listing:
            self.traps.note_listing(page_url, [u for u, t in resolved if t == "a"])
        stops = from_listing and self.listings.active
        news = False             # a listing page holding something new: its pages follow
        pagination: list[str] = []
        for absolute, tag in resolved:
            if stops and tag == "a":
                if traps.same_listing(page_url, absolute):
                    pagination.append(absolute)
                    continue
                news = news or (self._is_page_link(absolute)
                                and self.listings.is_news(absolute, self.raw_seen))
            if absolute in self.raw_seen:
                continue
            link_kind, reason = links.classify_link(
                absolute, self.site.on_site, tag=tag, base_path=self.base_path,
                allowed_page=self.site.allowed_page, from_listing=from_listing)
            if link_kind is LinkKind.SKIP:
                stats.inc_value(f"newsarchive/links/skipped/{reason}")
                if reason != "comment-feed":  # the same URL may be a listing's feed
                    self.raw_seen.add(absolute)
                continue
            self.raw_seen.add(absolute)
            if link_kind is not LinkKind.REQUISITE or self.requisites:
                yield from self._make(absolute, str(link_kind))  # values = request kinds
        response.meta[meta.OUTLINKS] = list(dict.fromkeys(u for u, _ in resolved))
        for url in self.listings.follow(page_url, pagination, news):
            yield from self._make(url, "page")

    def _is_page_link(self, url: str) -> bool:
        kind, _ = links.classify_link(url, self.site.on_site, base_path=self.base_path,
                                      allowed_page=self.site.allowed_page, from_listing=True)
        return kind is LinkKind.PAGE

    # --- posts --------------------------------------------------------------------------
    def _post(self, response: TextResponse, info: HeadInfo, root: Any) -> Iterator[Any]:
        first = pages.first_page_of(response.url, root)  # also when it names itself
        if first or pages.post_page_number(response.url, info.body_classes) > 1:  # canonical
            # Page N of a post reached by a link of its own: archived; the article is
            # made from page 1 (requested here if nothing has asked for it yet).
            path = re.sub(r"/\d{1,3}/?$", "/", urlsplit(response.url).path)
            yield from self._make(first or urljoin(response.url, path), "page")
            return
        variant = links.post_variant_of(response.url)
        if variant is not None:
            # Comments page / oEmbed view of a post: archived; the article comes from the
            # post itself (requested here if nothing has asked for it yet).
            self.crawler.stats.inc_value("newsarchive/posts/variant")
            yield from self._make(variant, "page")
            return
        canonical = pages.canonical_url(response.url, info)
        if canonical in self.articles:
            self.crawler.stats.inc_value("newsarchive/posts/duplicate")
            return
        if self.since is not None:
            moment = (parse_listing_date(info.modified_time)
                      or parse_listing_date(info.published_time))
            if moment is not None and moment < self.since:
                self.crawler.stats.inc_value("newsarchive/posts/before_since")
                return
        self.articles.add(canonical)
        if self.crawl_state is not None:  # the URL's article, in DIR/state.sqlite
            self.crawl_state.note_page(links.request_url(response.url), "post", canonical)
        capture = self._capture(response)
        text = response.text
        rest = pages.post_page_urls(response.url, root) if (
            "page-links" in text or "post-page-numbers" in text) else []
        unchanged = incremental.unchanged(response)
        if not rest:
            self.crawler.stats.inc_value("newsarchive/posts")
            yield PostItem(url=response.url, pages=(capture,), canonical=canonical,
                           unchanged=unchanged)
            return
        self.crawler.stats.inc_value("newsarchive/posts/multipage")
        for url in rest:
            key = links.request_url(url)
            self.seen.add(key)
            self.raw_seen.add(url)
        yield from self._chain(response.url, [capture], rest, canonical, unchanged)
