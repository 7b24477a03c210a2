"""Crawl limits as Scrapy components: response size (as received and decoded), cut bodies,
redirect loops, and the ranges of the pace settings.

Scrapy does the limiting; this module counts what it does and fills the gaps.

- Size. ``DOWNLOAD_MAXSIZE`` / ``DOWNLOAD_WARNSIZE`` cap the body as received (Scrapy
  cancels the download), and Scrapy 2.19's ``HttpCompressionMiddleware`` applies the
  same ``DOWNLOAD_MAXSIZE`` (or ``meta["download_maxsize"]``) to the *decoded* body while
  it decompresses, 64 KiB at a time, so a gzip bomb costs at most that much memory.
  :class:`LimitedHttpCompressionMiddleware` is that middleware plus counting: a body
  stopped by the decoded-size cap is ``newsarchive/limits/decoded_size``; a body that
  does not decode at all (``Content-Encoding: gzip`` on something else: Scrapy lets the
  zlib/OSError escape as an unhandled error) is ``newsarchive/limits/undecodable`` and
  dropped with ``IgnoreRequest``. Both were archived as received by the capture
  middleware before.
- :class:`ResponseLimitsMiddleware` (downloader middleware at 900: below the capture,
  above everything else):

  - cut bodies: with ``DOWNLOAD_FAIL_ON_DATALOSS = False`` Scrapy hands over what arrived
    (flag ``dataloss``); the capture middleware archived it with ``WARC-Truncated``. Here
    it is counted (``newsarchive/limits/truncated``) and retried as Scrapy retries a
    ``ResponseDataLossError`` (``get_retry_request``, ``RETRY_TIMES``); once retries are
    exhausted the cut page is dropped: archived, never parsed into a partial article.
  - a download cancelled by ``DOWNLOAD_MAXSIZE`` is ``newsarchive/limits/received_size``
    (not retried: the page would be as large again).
  - redirects: one back to a URL of its own chain is ``newsarchive/limits/redirect_loop``
    (the duplicate filter then drops it); one past ``REDIRECT_MAX_TIMES`` is
    ``newsarchive/limits/redirect_max`` (RedirectMiddleware drops it).
- :class:`ContentChecksMiddleware` (580: after decompression) looks at what a response
  says it is: HTML whose first KiB holds NUL bytes (binary served as ``text/html``:
  ``newsarchive/limits/binary_html``, dropped, never parsed); HTML with no charset in
  ``Content-Type`` nor in a ``<meta>`` (``newsarchive/charset/missing``) or naming one
  the bytes contradict (not UTF-8 while the body is valid non-ASCII UTF-8, or UTF-8 while
  it is not: ``newsarchive/charset/wrong``; the page is still decoded by
  ``crawler.extract.html.decode_html``'s rule); XML (sitemaps, feeds) that is not
  well-formed (``newsarchive/limits/malformed_xml``; still parsed, leniently, by
  ``crawler.discovery``).
- :func:`check_pace_settings`: delay, concurrency, timeout and size settings within their
  ranges, checked by :class:`ResponseLimitsMiddleware` when the crawl is built (so
  ``-s`` and ``scrapy crawl`` are covered too): an error lists the valid range.

Settings read: ``DOWNLOAD_MAXSIZE``, ``DOWNLOAD_WARNSIZE``, ``COMPRESSION_ENABLED``,
``REDIRECT_MAX_TIMES``, ``RETRY_*``, and those of :data:`PACE_RANGES`.
"""

from __future__ import annotations

import codecs
import logging
import math
import re
import struct
import zlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.internet.defer import CancelledError

from archive.httputil import declared_charset, media_type
from crawler.errors import NewsarchiveError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

# setting -> (minimum, maximum, kind); every value must also be finite.
PACE_RANGES: dict[str, tuple[float, float, type]] = {
    "DOWNLOAD_DELAY": (0, 3600, float),
    "AUTOTHROTTLE_START_DELAY": (0, 3600, float),
    "AUTOTHROTTLE_MAX_DELAY": (0, 3600, float),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": (0.01, 1000, float),
    "CONCURRENT_REQUESTS": (1, 1000, int),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (1, 1000, int),
    "DOWNLOAD_TIMEOUT": (0.01, 86400, float),
    "DOWNLOAD_MAXSIZE": (0, 1 << 40, int),
    "DOWNLOAD_WARNSIZE": (0, 1 << 40, int),
    "REDIRECT_MAX_TIMES": (0, 100, int),
    "RETRY_TIMES": (0, 100, int),
}
_UNDECODABLE = (OSError, EOFError, zlib.error, struct.error, ValueError)


def check_pace_settings(settings: BaseSettings) -> None:
    """Raise ``NewsarchiveError`` naming the setting and its range when one is out of it
    (``nan``, ``inf``, negative delays, zero concurrency, ...)."""
    for name, (low, high, kind) in PACE_RANGES.items():
        raw = settings.get(name)
        if raw is None:
            continue
        try:
            value = float(raw)
            if kind is int and value != int(value):
                raise ValueError
        except (TypeError, ValueError, OverflowError):
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            what = "an integer" if kind is int else "a number"
            raise NewsarchiveError(f"{name} must be {what} from {low:g} to {high:g}, "
                                   f"got {raw!r}")


class LimitedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware (its decoded-size cap is ``DOWNLOAD_MAXSIZE``),
    counting when that cap bites and dropping bodies that do not decode."""

    def process_response(self, request: Request, response: Response,
                         spider: Any = None) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            # Scrapy says so only in the message ("... exceeded DOWNLOAD_MAXSIZE (N B)
            # during decompression"); its exception class is private.
            if "during decompression" in str(exc) and self.stats:
                self.stats.inc_value("newsarchive/limits/decoded_size")
            raise
        except _UNDECODABLE as exc:
            if self.stats:
                self.stats.inc_value("newsarchive/limits/undecodable")
            encoding = response.headers.get(b"Content-Encoding", b"").decode("latin-1")
            logger.warning("Dropped %(url)s: body does not decode as %(enc)s (%(exc)s)",
                           {"url": response.url, "enc": encoding, "exc": exc})
            raise IgnoreRequest(f"undecodable {encoding} body: {response.url}") from exc


class ResponseLimitsMiddleware:
    """Cut bodies retried then dropped, size cancellations and redirect loops counted."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseLimitsMiddleware:
        check_pace_settings(crawler.settings)
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if "dataloss" in response.flags:
            return self._cut_body(request, response)
        if 300 <= response.status < 400 and b"Location" in response.headers:
            self._redirect(request, response)
        return response

    def _cut_body(self, request: Request, response: Response) -> Request:
        self.stats.inc_value("newsarchive/limits/truncated")
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason="truncated body")
        if retry is not None:
            return retry
        raise IgnoreRequest(f"body cut short ({len(response.body)} bytes arrived, "
                            f"archived with WARC-Truncated): {request.url}")

    def _redirect(self, request: Request, response: Response) -> None:
        location = response.headers[b"Location"].decode("latin-1")
        try:
            target = urljoin(request.url, location).split("#", 1)[0]
        except ValueError:
            return
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            self.stats.inc_value("newsarchive/limits/redirect_loop")
        elif request.meta.get("redirect_times", 0) >= self.max_redirects:
            self.stats.inc_value("newsarchive/limits/redirect_max")

    def process_exception(self, request: Request, exception: Exception) -> None:
        if (isinstance(exception, DownloadCancelledError | CancelledError)
                and "max size" in str(exception)):
            self.stats.inc_value("newsarchive/limits/received_size")
        return None


_XML_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml")
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def charset_problem(body: bytes, content_type: str) -> str | None:
    """'missing' (no charset declared anywhere), 'wrong' (the declared one contradicts
    the bytes, judged by UTF-8 validity only) or None."""
    m = _HTTP_CHARSET.search(content_type)
    declared = m.group(1) if m else declared_charset(body, ".html")
    if declared is None:
        return "missing"
    codec = _codec(declared)
    if codec is None:
        return "wrong"
    if body.isascii():
        return None
    try:
        body.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    return None if utf8 == (codec == "utf-8") else "wrong"


def xml_well_formed(body: bytes) -> bool:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return False
    return True


class ContentChecksMiddleware:
    """Binary bodies served as HTML dropped; wrong or missing charsets and malformed XML
    counted (the page goes on to the spider)."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentChecksMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 200 or not response.body:
            return response
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        media = media_type(ctype)
        if media in ("text/html", "application/xhtml+xml"):
            if b"\0" in response.body[:1024]:
                self.stats.inc_value("newsarchive/limits/binary_html")
                raise IgnoreRequest(f"binary body served as {media}: {response.url}")
            problem = charset_problem(response.body, ctype)
            if problem:
                self.stats.inc_value(f"newsarchive/charset/{problem}")
        elif media in _XML_TYPES and not xml_well_formed(response.body):
            self.stats.inc_value("newsarchive/limits/malformed_xml")
        return response
