"""Incremental re-crawls: what to fetch again, conditional requests, unchanged pages.

A crawl into a folder that already holds a crawl (``DIR/state.sqlite``,
:mod:`crawler.state`) fetches less, by three rules:

1. **Re-crawl policy** (:class:`RecrawlPolicy`, asked by the spider before it builds a
   request). New URLs are always fetched. robots.txt, feeds, sitemaps and listing pages
   are fetched again (conditionally). A post or a requisite already archived is fetched
   again only when its sitemap ``lastmod`` or feed date is later than the last fetch
   (``changed``), when the last fetch is older than ``NEWSARCHIVE_RECRAWL_AGE`` days
   (``aged``), when its last answer was an error (``retry``), or with ``--full``
   (``full``); otherwise it is left alone (``kept``). Pagination stops once a listing
   page holds no post that is new (the spider: ``newsarchive/pagination/stopped``).
   Each decision is counted: ``recrawl/<decision>``.
2. **Conditional requests** (:class:`ConditionalRequestMiddleware`): a URL with a full
   capture in the archive is asked with ``If-None-Match`` / ``If-Modified-Since`` from
   that capture's ``ETag`` / ``Last-Modified``. The capture middleware archives a 304 as a
   ``revisit`` record (server-not-modified profile) and a 200 whose payload digest equals
   the archived one as a ``revisit`` (identical-payload-digest profile), both referring
   to the archived capture (``WARC-Refers-To``, ``-Target-URI``, ``-Date``).
3. **Unchanged pages stay unchanged**: a 304 is answered to the spider with the archived
   capture (so a listing's links are still followed) and every unchanged response is
   flagged :data:`crawler.meta.UNCHANGED`; the article pipeline does not extract an
   unchanged post whose article is already written. A changed post whose extracted
   content differs becomes a new version of its article (``crawler.articles``).

Settings read: ``ARCHIVE_DIR``, ``NEWSARCHIVE_STATE`` (default True; False: no state, no
re-crawl policy), ``NEWSARCHIVE_FULL`` (``--full``), ``NEWSARCHIVE_RECRAWL_AGE`` (days;
0: never by age), ``NEWSARCHIVE_REPLAY_FROM`` (replaying: no state).
Stats: ``recrawl/<decision>``, ``http/not_modified``, ``state/urls`` (known at start),
``state/rebuilt_urls`` (state rebuilt from the WARCs).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.errors import ArchiveError
from archive.index import find_warc_files
from archive.reader import iter_captures, read_capture
from archive.records import (
    REVISIT_IDENTICAL_PAYLOAD,
    REVISIT_NOT_MODIFIED,
    HttpExchange,
    sha1_digest,
    warc_date,
)
from crawler import links, meta, pages, traps
from crawler.discovery import parse_listing_date
from crawler.handlers import response_from_capture
from crawler.items import Provenance
from crawler.state import FILENAME, CrawlState, UrlState

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

_STATE_ATTR = "_newsarchive_crawl_state"
DEFAULT_RECRAWL_AGE = 30  # days


def state_for_crawler(crawler: Crawler) -> CrawlState | None:
    """The crawl's one :class:`CrawlState` (``ARCHIVE_DIR/state.sqlite``), opened on first
    use and closed when the engine stops; None when there is no state (no ARCHIVE_DIR,
    replaying, ``NEWSARCHIVE_STATE`` false)."""
    if hasattr(crawler, _STATE_ATTR):
        return getattr(crawler, _STATE_ATTR)
    settings = crawler.settings
    state: CrawlState | None = None
    if (settings.get("ARCHIVE_DIR") and settings.getbool("NEWSARCHIVE_STATE", True)
            and not settings.get("NEWSARCHIVE_REPLAY_FROM")):
        out = Path(settings["ARCHIVE_DIR"])
        try:
            state = _open_state(out / FILENAME)
        except (sqlite3.Error, OSError) as exc:  # a full disk, an unwritable folder
            logger.warning("%(path)s cannot be opened (%(exc)s): crawling without the "
                           "state (everything is fetched)", {"path": out / FILENAME, "exc": exc})
            setattr(crawler, _STATE_ATTR, None)
            return None
        if state.created:
            state.rebuilt_urls = rebuild_state(state, out / "warc")
        state.known_at_start = len(state)
        crawler.signals.connect(state.close, signal=signals.engine_stopped)
    setattr(crawler, _STATE_ATTR, state)
    return state


def _open_state(path: Path) -> CrawlState:
    """The state at *path*; a damaged file is moved aside (kept, never deleted) and a new
    state made, which is rebuilt from the WARCs."""
    try:
        return CrawlState(path)
    except sqlite3.DatabaseError as exc:
        aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
        path.rename(aside)
        logger.warning("%(path)s is not a usable SQLite file (%(exc)s): moved to %(aside)s, "
                       "the state is rebuilt from the WARCs", {"path": path, "exc": exc,
                                                                "aside": aside.name})
        return CrawlState(path)


def rebuild_state(state: CrawlState, warc_dir: Path) -> int:
    """Fill a new state from the WARCs already in *warc_dir* (a folder crawled before the
    state existed, or whose state was deleted): the latest full capture of each URL."""
    try:
        files = find_warc_files([warc_dir]) if warc_dir.is_dir() else []
    except ArchiveError:
        return 0
    if not files:
        return 0
    n = 0
    for capture in iter_captures(files):  # file order = time order; later ones win
        state.record_capture(
            capture.url, fetched_at=capture.fetched_at, status=capture.status,
            etag=capture.header("ETag"), last_modified=capture.header("Last-Modified"),
            payload_digest=capture.payload_digest, warc_file=Path(capture.filename).name,
            warc_offset=capture.offset, warc_length=capture.length,
            record_id=capture.record_id,
            record_date=warc_date(capture.fetched_at))
        n += 1
    state.commit()
    logger.info("Crawl state rebuilt from %(n)d captures in %(dir)s", {"n": n, "dir": warc_dir})
    return n


def provenance_of(entry: UrlState) -> Provenance:
    """The archived full capture an unchanged page stands for."""
    return Provenance(warc_filename=entry.warc_file or "", warc_offset=int(entry.warc_offset or 0),
                      warc_length=int(entry.warc_length or 0),
                      warc_record_id=entry.record_id or "",
                      warc_payload_digest=entry.payload_digest, url=entry.url,
                      fetched_at=entry.record_date or "")


@dataclass
class RecrawlPolicy:
    """Whether a URL the spider found is fetched again (see the module docstring)."""

    state: CrawlState
    full: bool = False
    max_age: timedelta | None = timedelta(days=DEFAULT_RECRAWL_AGE)
    now: datetime | None = None

    def __post_init__(self) -> None:
        self.now = self.now or datetime.now(UTC)  # this crawl's start (a resumed one's: the
        self.incremental = self.state.fetched_before(self.now)  # interrupted crawl's)

    @classmethod
    def from_settings(cls, state: CrawlState, settings: Any) -> RecrawlPolicy:
        days = settings.getfloat("NEWSARCHIVE_RECRAWL_AGE", DEFAULT_RECRAWL_AGE)
        return cls(state, full=settings.getbool("NEWSARCHIVE_FULL"),
                   max_age=timedelta(days=days) if days > 0 else None,
                   now=parse_listing_date(settings.get("NEWSARCHIVE_RUN_STARTED")))

    def known(self, url: str) -> UrlState | None:
        entry = self.state.url(url)
        return entry if entry is not None and entry.fetched_at else None

    def decide(self, url: str, kind: str, listed: datetime | None = None) -> str:
        """'new', 'resumed', 'full', 'changed', 'aged', 'retry', 'revalidate' (fetch) or
        'kept'."""
        entry = self.known(url)
        if entry is None or not entry.has_capture:
            return "new" if entry is None else "retry"
        fetched = entry.fetched()
        if fetched is not None and self.now is not None and fetched >= self.now:
            return "resumed"  # fetched by this crawl before it was cut: read back, parsed
        if self.full:
            return "full"
        if entry.status is None or entry.status >= 400:
            return "retry"
        if kind != "requisite" and entry.kind != "post":
            return "revalidate"  # listings, home, other pages: cheap with a 304
        if listed is not None and fetched is not None and listed > fetched:
            return "changed"
        if self.max_age is not None and fetched is not None and self.now - fetched > self.max_age:
            return "aged"
        return "kept"

    def is_new(self, url: str) -> bool:
        """A URL this folder had not fetched before this crawl started."""
        entry = self.known(url)
        if entry is None:
            return True
        first = parse_listing_date(entry.first_seen)
        return first is not None and self.now is not None and first >= self.now


class ListingPolicy:
    """When a listing's pagination is followed, on a re-crawl or with ``--since``: only
    while its pages hold something new (a link neither archived in DIR before this crawl
    nor older than ``--since``); on a re-crawl, only the next page and pages never
    fetched (WordPress links page 1 to pages 2, 3 and the last). A first crawl without
    ``--since`` follows every page (the archive keeps the whole listing)."""

    def __init__(self, since: datetime | None, policy: RecrawlPolicy | None,
                 crawler: Crawler) -> None:
        self.since = since
        self.policy = policy if policy is not None and policy.incremental else None
        self.crawler = crawler  # its stats exist once the crawl starts
        self.too_old = links.SeenSet()   # request URLs left out by --since
        self.active = since is not None or self.policy is not None

    def is_news(self, url: str, seen: links.SeenSet) -> bool:
        """Whether a link of a listing page is new (*seen*: hrefs already decided on)."""
        try:
            key = links.request_url(url)
        except ValueError:
            return False
        if self.since is not None:
            moment = parse_listing_date(pages.url_date(url))
            if key in self.too_old or (moment is not None and moment < self.since):
                return False
        if self.policy is not None:
            return self.policy.is_new(key)
        return url not in seen  # first seen on this page: not a menu or sidebar link

    def follow(self, page_url: str, found: list[str], news: bool) -> list[str]:
        """The pagination links of *page_url* worth fetching."""
        if not found:
            return []
        if not news:
            self.crawler.stats.inc_value("newsarchive/pagination/stopped")
            return []
        keep = []
        for url in dict.fromkeys(found):
            if (self.policy is not None and not traps.is_next_page(page_url, url)
                    and not self.policy.is_new(links.request_url(url))):
                self.crawler.stats.inc_value("newsarchive/pagination/skipped")
                continue
            keep.append(url)
        return keep


class ConditionalRequestMiddleware:
    """Downloader middleware (800: below DownloaderStats, which counts the real 304, and
    above the compression middleware, which decodes the archived body): conditional headers
    for archived URLs; a 304 answered to the spider from the archived capture; the state
    updated after every exchange the capture archived."""

    def __init__(self, crawler: Crawler, state: CrawlState, warc_dir: Path) -> None:
        self.stats = crawler.stats
        self.state = state
        self.warc_dir = warc_dir
        self.stats.set_value("state/urls", state.known_at_start)
        if state.rebuilt_urls:
            self.stats.set_value("state/rebuilt_urls", state.rebuilt_urls)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        state = state_for_crawler(crawler)
        if state is None:
            raise NotConfigured
        return cls(crawler, state, Path(crawler.settings["ARCHIVE_DIR"]) / "warc")

    def process_request(self, request: Request) -> None:
        if request.method.upper() != "GET" or meta.PREVIOUS in request.meta:
            return None
        entry = self.state.url(request.url)
        if entry is None or not entry.has_capture or entry.status != 200:
            return None
        request.meta[meta.PREVIOUS] = entry
        if entry.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = entry.etag.encode("latin-1")
        if entry.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = entry.last_modified.encode("latin-1")
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if meta.ARCHIVED in response.flags:
            return response  # answered from the archive (resume): nothing fetched
        previous: UrlState | None = request.meta.get(meta.PREVIOUS)
        fetched_at = request.meta.get(meta.FETCH_START)
        if not isinstance(fetched_at, datetime):
            fetched_at = datetime.now(UTC)
        if meta.UNCHANGED in response.flags and previous is not None:
            self.state.record_unchanged(request.url, fetched_at=fetched_at)
            request.meta[meta.PROVENANCE] = provenance_of(previous)
            if response.status == 304:
                self.stats.inc_value("http/not_modified")
                return self._archived(request, previous, response)
            return response
        location = request.meta.get(meta.PROVENANCE)
        if isinstance(location, Provenance) and location.url:
            self.state.record_capture(
                request.url, fetched_at=fetched_at, status=response.status,
                etag=_header(response, b"ETag"),
                last_modified=_header(response, b"Last-Modified"),
                payload_digest=location.warc_payload_digest,
                warc_file=location.warc_filename, warc_offset=location.warc_offset,
                warc_length=location.warc_length, record_id=location.warc_record_id,
                record_date=location.fetched_at)
        return response

    def _archived(self, request: Request, previous: UrlState, response: Response) -> Response:
        """The archived capture a 304 confirmed, as the response the spider parses."""
        try:
            capture = read_capture(self.warc_dir / (previous.warc_file or ""),
                                   int(previous.warc_offset or 0))
        except (OSError, ArchiveError) as exc:
            logger.warning("304 for %(url)s but its capture cannot be read (%(exc)s)",
                           {"url": request.url, "exc": exc})
            return response
        answer = response_from_capture(request, capture, meta.ARCHIVED)
        answer.flags.append(meta.UNCHANGED)
        return answer


def unchanged(response: Response) -> bool:
    """The page is the one already archived: found unchanged by a re-crawl (a 304, the
    same payload), or read back from the archive by a resumed crawl."""
    return meta.UNCHANGED in response.flags or meta.ARCHIVED in response.flags


def revisit_profile(exchange: HttpExchange, previous: UrlState | None) -> str | None:
    """The revisit profile an exchange is archived with, or None for a full response:
    a 304 to our conditional request, or a whole 200 whose payload digest is the archived
    capture's."""
    if previous is None or not previous.has_capture:
        return None
    if exchange.status == 304:
        return REVISIT_NOT_MODIFIED
    if (exchange.status == 200 and not exchange.truncated and previous.payload_digest
            and sha1_digest(exchange.body) == previous.payload_digest):
        return REVISIT_IDENTICAL_PAYLOAD
    return None


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
