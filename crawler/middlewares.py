"""WARC capture: every HTTP exchange of the crawl goes into WARC files, byte-faithfully.

Two Scrapy components share one crawler-scoped :class:`WarcSession` (one
``archive.writer.WarcWriter`` per crawl, opened on ``spider_opened``, closed on
``spider_closed`` / ``engine_stopped``):

- :class:`WarcCaptureMiddleware` (downloader middleware, 950: above RedirectMiddleware,
  HttpCompressionMiddleware and RetryMiddleware, so it sees every exchange, redirects,
  404s and retried 503s included, with the body exactly as it came over the wire) writes a
  ``request`` + ``response`` pair per exchange and puts the response record's location in
  ``request.meta["newsarchive_warc"]`` as a :class:`crawler.items.Provenance`.
- :class:`WarcMetadataMiddleware` (spider middleware) writes, after the spider callback
  has run over an HTML response, a ``metadata`` record (``WARC-Refers-To`` and
  ``WARC-Concurrent-To`` the response) with the page's outlinks and fetch time. Outlinks
  are the links the spider recorded in ``response.meta["newsarchive_outlinks"]``; when
  the spider recorded none, the URLs of the requests the callback yielded.

Failure policy: the archive is the source of truth, so a failed WARC write is not a
"count and go on" error: it is logged, counted (``warc/errors``), the response is dropped
(``IgnoreRequest``: nothing unarchived reaches the spider) and the crawl is closed
cleanly with the finish reason ``warc_write_error``.

Replay (``NEWSARCHIVE_REPLAY_FROM`` set): the capture is off unless
``ARCHIVE_CAPTURE_REPLAY`` is true. Replayed responses carry the provenance of the
archived record they came from (set by ``crawler.handlers.WarcReplayDownloadHandler``), so
articles of a replayed crawl point at the original archive.

Settings read (once, in ``from_crawler``): ``ARCHIVE_DIR`` (unset: NotConfigured),
``ARCHIVE_PREFIX``, ``ARCHIVE_MAX_SIZE``, ``ARCHIVE_GZIP_LEVEL``, ``ARCHIVE_OPERATOR``,
``ARCHIVE_CLOCK`` / ``ARCHIVE_ID_FACTORY`` (callables or import paths, for deterministic
tests), ``ARCHIVE_CAPTURE_REPLAY``, ``NEWSARCHIVE_CRAWL_ID``, ``NEWSARCHIVE_REPLAY_FROM``,
``USER_AGENT``, ``ROBOTSTXT_OBEY``.

Stats: ``warc/records``, ``warc/bytes``, ``warc/files``, ``warc/responses/status/<code>``,
``warc/metadata``, ``warc/errors``, ``warc/exceptions/<name>``, ``warc/truncated/<reason>``
(responses archived with ``WARC-Truncated``: ``disconnect`` = the body was cut short).
"""

from __future__ import annotations

import http
import logging
import platform
import re
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object

from archive.errors import ArchiveError
from archive.records import (
    WARC_VERSION,
    HttpExchange,
    build_metadata,
)
from archive.repair import repair_stale
from archive.writer import WarcWriter
from crawler import __version__, meta
from crawler.articles import provenance_from_location
from crawler.discovery import parse_listing_date
from crawler.errors import NewsarchiveError
from crawler.incremental import revisit_profile
from crawler.state import UrlState

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

FINISH_REASON_WRITE_ERROR = "warc_write_error"
_SESSION_ATTR = "_newsarchive_warc_session"


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _callable_setting(settings: BaseSettings, name: str, default: Callable[[], Any]
                      ) -> Callable[[], Any]:
    value = settings.get(name)
    if value is None:
        return default
    return load_object(value) if isinstance(value, str) else value


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - every dependency is installed
        return "unknown"


def crawl_warcinfo(*, crawl_id: str, user_agent: str, robots: str,
                   operator: str | None) -> dict[str, object]:
    """The ``warcinfo`` record's fields (application/warc-fields, Heritrix-style names)."""
    software = (f"newsarchive/{__version__} (scrapy/{scrapy.__version__}; "
                f"warcio/{_package_version('warcio')}; python/{platform.python_version()})")
    number = WARC_VERSION.partition("/")[2]
    return {
        "software": software,
        "format": f"WARC File Format {number}",
        "conformsTo": ("https://iipc.github.io/warc-specifications/specifications/"
                       f"warc-format/warc-{number}/"),
        "isPartOf": crawl_id,
        "robots": robots,
        "hostname": socket.gethostname(),
        "operator": operator,
        "http-header-user-agent": user_agent,
    }


class WarcSession:
    """The crawl's one WARC writer, shared by the capture and metadata middlewares.

    Crawler-scoped (stored on the crawler object, never in a module global); opened on
    ``spider_opened`` and closed once on ``spider_closed`` or ``engine_stopped``.
    """

    def __init__(self, crawler: Crawler, settings: BaseSettings) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.directory = Path(settings["ARCHIVE_DIR"]) / "warc"
        self.prefix: str = settings.get("ARCHIVE_PREFIX", "newsarchive")
        if not re.fullmatch(r"[A-Za-z0-9_.]+", self.prefix or ""):
            raise NewsarchiveError(f"ARCHIVE_PREFIX {self.prefix!r}: use letters, digits, "
                                   "'_' and '.' only")
        self.max_size: int = settings.getint("ARCHIVE_MAX_SIZE", 1_000_000_000)
        self.gzip_level: int = settings.getint("ARCHIVE_GZIP_LEVEL", 6)
        self.clock: Callable[[], datetime] = _callable_setting(settings, "ARCHIVE_CLOCK",
                                                               utc_now)
        self.id_factory: Callable[[], str] = _callable_setting(settings, "ARCHIVE_ID_FACTORY",
                                                               new_record_id)
        self.crawl_id: str = settings.get("NEWSARCHIVE_CRAWL_ID") or self.id_factory()
        self.warcinfo = crawl_warcinfo(
            crawl_id=self.crawl_id,
            user_agent=settings.get("USER_AGENT", ""),
            robots="obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            operator=settings.get("ARCHIVE_OPERATOR"),
        )
        self.writer: Any = None
        self.failed = False
        self.closed = False
        self._stats_pushed = 0.0  # time.monotonic() of the last warc/* stats update
        crawler.signals.connect(self.open, signal=signals.spider_opened)
        crawler.signals.connect(self.close, signal=signals.spider_closed)
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def finish(cls, crawler: Crawler) -> None:
        """Close the crawler's session if the crawl ended without ``spider_closed`` (a
        forced stop: a second Ctrl-C), so no ``.open`` file is left behind."""
        session = getattr(crawler, _SESSION_ATTR, None)
        if session is not None:
            session.close()

    @classmethod
    def last_file(cls, crawler: Crawler) -> Path | None:
        """The last WARC file the crawl finished (None when it wrote none)."""
        session = getattr(crawler, _SESSION_ATTR, None)
        writer = getattr(session, "writer", None)
        return writer.closed_files[-1] if writer is not None and writer.closed_files else None

    @staticmethod
    def stop(crawler: Crawler, reason: str) -> None:
        """Close the spider cleanly with ``reason`` (pending requests dropped, signals
        sent, files closed): the one way a component stops the crawl on a fatal error."""
        try:
            engine = crawler.engine
        except RuntimeError:  # no crawl running (unit tests)
            return
        if engine is None or getattr(engine, "spider", None) is None:
            return
        d = deferred_from_coro(engine.close_spider_async(reason=reason))
        d.addErrback(lambda f: logger.error("Closing the crawl failed: %s", f.value))

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> WarcSession | None:
        """The crawler's session, created on first use; None when capture is off."""
        if hasattr(crawler, _SESSION_ATTR):
            return getattr(crawler, _SESSION_ATTR)
        settings = crawler.settings
        session: WarcSession | None = None
        replaying = bool(settings.get("NEWSARCHIVE_REPLAY_FROM"))
        if settings.get("ARCHIVE_DIR") and (
                not replaying or settings.getbool("ARCHIVE_CAPTURE_REPLAY")):
            session = cls(crawler, settings)
        setattr(crawler, _SESSION_ATTR, session)
        return session

    # -- lifecycle ---------------------------------------------------------------------

    def open(self, spider: Any = None) -> None:
        """Open the writer (``spider_opened``); a folder that cannot be written stops the
        crawl before anything is fetched unarchived."""
        if self.writer is not None or self.closed or self.failed:
            return
        try:
            self._start()
        except (OSError, ArchiveError) as exc:
            self.fail("opening", str(self.directory), exc)

    def _writer(self) -> WarcWriter:
        if self.writer is None:
            if self.failed or self.closed:
                raise ArchiveError("the WARC writer is not open")
            self._start()
        return self.writer

    def _start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for done in repair_stale([self.directory]):  # left by a killed crawl into DIR
            logger.warning("Repaired %(path)s left unfinished by a killed crawl: %(n)d whole "
                           "records kept, %(cut)d bytes cut",
                           {"path": done.path, "n": done.records, "cut": done.cut_bytes})
            self.stats.inc_value("warc/repaired_files")
        self.writer = WarcWriter(
            self.directory, prefix=self.prefix, max_size=self.max_size, clock=self.clock,
            id_factory=self.id_factory, warcinfo=self.warcinfo, gzip_level=self.gzip_level,
            index_sidecar=True,  # the crawl's index.cdxj without reading the WARCs back
        )
        logger.info("Writing WARC files to %(dir)s (crawl %(id)s)",
                    {"dir": self.directory, "id": self.crawl_id})

    def close(self, spider: Any = None, reason: str | None = None) -> None:
        if self.closed:
            return
        self.closed = True
        if self.writer is None:
            return
        try:
            self.writer.close()
        except (OSError, ArchiveError) as exc:
            logger.error("Closing the WARC file failed: %(exc)s", {"exc": exc})
            self.stats.inc_value("warc/errors")
        self._update_stats(force=True)

    # -- writing -----------------------------------------------------------------------

    def write_exchange(self, exchange: HttpExchange) -> Any:
        """Request + response records (a cut body: ``exchange.truncated`` says why)."""
        location = self._writer().write_exchange(exchange)
        if exchange.truncated:
            self.stats.inc_value(f"warc/truncated/{exchange.truncated}")
        self._update_stats()
        return location

    def write_revisit(self, exchange: HttpExchange, previous: UrlState, profile: str) -> Any:
        """Revisit + request records for an exchange that found *previous* unchanged."""
        location = self._writer().write_revisit(
            exchange, profile=profile, refers_to=previous.record_id or "",
            refers_to_uri=previous.url,
            refers_to_date=parse_listing_date(previous.record_date) or self.clock())
        self._update_stats()
        return location

    def write_metadata(self, url: str, fields: dict[str, object], *, refers_to: str,
                       date: datetime | None) -> None:
        writer = self._writer()
        record = build_metadata(url, fields, record_id=writer.new_record_id(),
                                date=date or self.clock(), refers_to=refers_to,
                                concurrent_to=[refers_to], warcinfo_id=writer.warcinfo_id)
        writer.write_record(record)
        self.stats.inc_value("warc/metadata")
        self._update_stats()

    def write_failure(self, url: str, fields: dict[str, object], *,
                      date: datetime | None) -> None:
        """A ``metadata`` record for a fetch that got no response (no Refers-To)."""
        writer = self._writer()
        record = build_metadata(url, fields, record_id=writer.new_record_id(),
                                date=date or self.clock(), warcinfo_id=writer.warcinfo_id)
        writer.write_record(record)
        self.stats.inc_value("warc/metadata")
        self._update_stats()

    def _update_stats(self, *, force: bool = False) -> None:
        """warc/records, warc/bytes, warc/files: at most every 0.2 s while writing (each
        Scrapy 2.19 stats call goes through a deprecation shim: three per record were 1% of
        a crawl), always at the end."""
        now = time.monotonic()
        if not force and now - self._stats_pushed < 0.2:
            return
        self._stats_pushed = now
        writer = self.writer
        self.stats.set_value("warc/records", writer.records_written)
        self.stats.set_value("warc/bytes", writer.bytes_written)
        self.stats.set_value("warc/files", len(writer.closed_files)
                             + (1 if writer.current_path is not None else 0))

    def fail(self, what: str, url: str, exc: BaseException) -> None:
        """A write failed: count, log, and close the crawl cleanly (once)."""
        self.stats.inc_value("warc/errors")
        logger.error("WARC writing failed (%(what)s %(url)s): %(exc)s; stopping the crawl",
                     {"what": what, "url": url, "exc": exc})
        if self.failed:
            return
        self.failed = True
        self.stop_crawl(FINISH_REASON_WRITE_ERROR)

    def stop_crawl(self, reason: str) -> None:
        """Close the spider cleanly (pending requests dropped, signals sent, files closed)."""
        self.stop(self.crawler, reason)


def _headers_list(headers: Any) -> list[tuple[str, bytes]]:
    """Scrapy Headers -> ordered (name, value) pairs, repeats kept (bytes verbatim)."""
    out: list[tuple[str, bytes]] = []
    for name, values in headers.items():
        text = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values or [b""]:
            out.append((text, value if isinstance(value, bytes) else str(value).encode()))
    return out


def exchange_from(request: Request, response: Response, fetched_at: datetime | None
                  ) -> HttpExchange:
    """The exchange as the client saw it: request as sent, response as received.

    ``response.body`` below HttpCompressionMiddleware is the entity still content-encoded
    (de-chunked by Twisted; ``archive.records`` renames Transfer-Encoding for that, and
    adds the Host header Twisted adds).
    """
    reason = ""
    try:  # Scrapy keeps no reason phrase; the standard one (H3's rule does the same)
        reason = http.HTTPStatus(response.status).phrase
    except ValueError:
        pass
    ip = getattr(response, "ip_address", None)
    return HttpExchange(
        url=request.url,
        method=request.method,
        request_headers=_headers_list(request.headers),
        request_body=request.body or b"",
        protocol=response.protocol or "HTTP/1.1",
        status=response.status,
        reason=reason,
        response_headers=_headers_list(response.headers),
        body=response.body,
        ip_address=str(ip) if ip is not None else None,
        fetched_at=fetched_at,
        truncated="disconnect" if "dataloss" in response.flags else None,
    )


class WarcCaptureMiddleware:
    """Downloader middleware writing each exchange as WARC request + response records."""

    def __init__(self, crawler: Crawler, session: WarcSession) -> None:
        self.crawler = crawler
        self.session = session
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        if not settings.get("ARCHIVE_DIR"):
            raise NotConfigured("ARCHIVE_DIR is not set")
        session = WarcSession.for_crawler(crawler)
        if session is None:
            raise NotConfigured  # replaying: the replay handler says so (no warning here)
        return cls(crawler, session)

    def process_request(self, request: Request) -> None:
        request.meta[meta.FETCH_START] = self.session.clock()
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if self.session.failed:
            raise IgnoreRequest(f"not archived (WARC writing failed): {request.url}")
        if not request.url.startswith(("http://", "https://")) or meta.ARCHIVED in response.flags:
            return response  # nothing fetched, or answered from this crawl's own archive
        fetched_at = request.meta.get(meta.FETCH_START) or self.session.clock()
        if response.protocol is None:
            self.stats.inc_value("warc/protocol_unknown")
        # A body cut short (Content-Length not reached, reset mid-body: Scrapy's
        # 'dataloss' flag, DOWNLOAD_FAIL_ON_DATALOSS = False) is kept as it arrived.
        exchange = exchange_from(request, response, fetched_at)
        previous = request.meta.get(meta.PREVIOUS)  # crawler.incremental: a re-crawl
        profile = revisit_profile(exchange, previous)
        try:
            if profile is not None:
                location = self.session.write_revisit(exchange, previous, profile)
            else:
                location = self.session.write_exchange(exchange)
        except Exception as exc:
            self.session.fail("exchange", request.url, exc)
            raise IgnoreRequest(f"not archived (WARC write failed): {request.url}") from exc
        self.stats.inc_value(f"warc/responses/status/{response.status}")
        request.meta[meta.RECORD_ID] = location.record_id
        if profile is not None:  # the page is the archived capture's, unchanged
            self.stats.inc_value(f"warc/revisits/{profile.rsplit('/', 1)[-1]}")
            response.flags.append(meta.UNCHANGED)
        else:
            request.meta[meta.PROVENANCE] = provenance_from_location(location)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """No response to archive (DNS error, timeout, refused connection): the failure is
        counted and noted in a ``metadata`` record (``fetchError``) for the URL."""
        if isinstance(exception, IgnoreRequest) or self.session.failed:
            return None  # robots.txt refusals, off-site filters: nothing was fetched
        if not request.url.startswith(("http://", "https://")):
            return None
        name = type(exception).__name__
        self.stats.inc_value(f"warc/exceptions/{name}")
        start = request.meta.get(meta.FETCH_START)
        detail = " ".join(str(exception).split())[:300]
        fields: dict[str, object] = {"fetchError": f"{name}: {detail}" if detail else name}
        if isinstance(start, datetime):
            fields["fetchTime"] = _iso_ms(start)
        try:
            self.session.write_failure(request.url, fields,
                                       date=start if isinstance(start, datetime) else None)
        except Exception as exc:
            self.session.fail("failure note", request.url, exc)
        return None


def _iso_ms(moment: datetime) -> str:
    """Fetch time in UTC with milliseconds (WARC/1.0 dates have seconds only)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _is_html(response: Response) -> bool:
    ctype = (response.headers.get(b"Content-Type") or b"").split(b";")[0].strip().lower()
    return ctype in (b"text/html", b"application/xhtml+xml") or (
        not ctype and isinstance(response, TextResponse))


class WarcMetadataMiddleware:
    """Spider middleware: a ``metadata`` record per archived HTML page, after the callback.

    Outlinks are known only once the spider has parsed the page, hence a spider middleware
    that wraps the callback output and writes when the output is exhausted.
    """

    def __init__(self, crawler: Crawler, session: WarcSession) -> None:
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMetadataMiddleware:
        if not crawler.settings.get("ARCHIVE_DIR"):
            raise NotConfigured("ARCHIVE_DIR is not set")
        session = WarcSession.for_crawler(crawler)
        if session is None:
            raise NotConfigured  # replaying without capture
        return cls(crawler, session)

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]
                                    ) -> AsyncIterator[Any]:
        followed: list[str] = []
        try:
            async for obj in result:
                if isinstance(obj, Request):
                    followed.append(obj.url)
                yield obj
        finally:
            self._write(response, followed)

    def _write(self, response: Response, followed: list[str]) -> None:
        record_id = response.meta.get(meta.RECORD_ID)
        if not record_id or self.session.failed or not _is_html(response):
            return
        if meta.UNCHANGED in response.flags:
            return  # a revisit: the outlinks are those of the capture it refers to
        outlinks = response.meta.get(meta.OUTLINKS)
        if outlinks is None:
            outlinks = followed
        links = list(dict.fromkeys(str(u) for u in outlinks))
        fields: dict[str, object] = {"outlink": links}
        start = response.meta.get(meta.FETCH_START)
        if isinstance(start, datetime):
            fields["fetchTime"] = _iso_ms(start)
        latency = response.meta.get("download_latency")
        if latency is not None:
            fields["fetchTimeMs"] = int(round(latency * 1000))
        try:
            self.session.write_metadata(response.url, fields, refers_to=record_id, date=start)
        except Exception as exc:
            self.session.fail("metadata", response.url, exc)
