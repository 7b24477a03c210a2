"""Politeness as Scrapy components: ``Retry-After`` and robots.txt ``Crawl-delay``.

Scrapy obeys robots.txt rules (RobotsTxtMiddleware, Protego) and limits concurrency per
host, but ignores two things a server says about pace; the components here add them.

``RetryAfterMiddleware`` (downloader middleware): Retry-After on 429 and 503, Scrapy's
RetryMiddleware plus waiting as long as asked.

Scrapy 2.19's RetryMiddleware retries 429/503 at once (no ``Retry-After`` support), which
is what a server that says "come back in 30 s" least wants. This subclass (it replaces
RetryMiddleware at 550) parses ``Retry-After`` (delta-seconds or an HTTP-date), and holds
every request to that host (netloc) until then, the retry included; Scrapy's retry logic
(``RETRY_TIMES``, stats ``retry/*``) is unchanged. A wait longer than
``NEWSARCHIVE_RETRY_AFTER_MAX`` is not honoured by waiting: the response is given up on
(the crawl does not stall for hours on one host) and counted.

``RobotsCrawlDelay`` (extension): the ``Crawl-delay`` of the robots.txt that
RobotsTxtMiddleware fetched, for our User-Agent: the download slots' delay and
AutoThrottle's floor are raised to it, up to ``NEWSARCHIVE_MAX_CRAWL_DELAY`` seconds. Off
when replaying from WARCs (nobody to be polite to) or when robots.txt is not obeyed.

Settings read: ``RETRY_*`` (as RetryMiddleware), ``NEWSARCHIVE_RETRY_AFTER_MAX`` (seconds,
default 300), ``NEWSARCHIVE_RETRY_AFTER_CODES`` (default [429, 503]),
``NEWSARCHIVE_MAX_CRAWL_DELAY`` (default 10), ``ROBOTSTXT_OBEY``,
``NEWSARCHIVE_REPLAY_FROM``, ``USER_AGENT``.

Stats: ``retry/retry_after/count``, ``retry/retry_after/seconds`` (total waited for),
``retry/retry_after/too_long``, ``newsarchive/robots/crawl_delay``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from typing import TYPE_CHECKING, Any

from protego import Protego
from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: dt.datetime | None = None
                        ) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 10.2.3): delta-seconds or
    an HTTP-date; None when absent or unparseable. Dates in the past give 0."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    """RetryMiddleware honouring ``Retry-After`` host-wide."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 300.0)
        self.after_codes = {int(c) for c in settings.getlist(
            "NEWSARCHIVE_RETRY_AFTER_CODES", [429, 503])}
        self.not_before: dict[str, float] = {}   # netloc -> monotonic time
        self.clock = time.monotonic

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        o = cls(crawler.settings)
        o.crawler = crawler
        return o

    def wait_for(self, request: Request) -> float:
        """Seconds *request* must still wait because its host asked us to."""
        key = urlparse_cached(request).netloc
        until = self.not_before.get(key)
        if until is None:
            return 0.0
        wait = until - self.clock()
        if wait <= 0:
            del self.not_before[key]
            return 0.0
        return wait

    async def process_request(self, request: Request) -> None:
        wait = self.wait_for(request)
        if wait > 0:
            from twisted.internet import reactor

            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return None

    def process_response(self, request: Request, response: Response  # type: ignore[override]
                         ) -> Request | Response:
        if (response.status in self.after_codes and response.status in self.retry_http_codes
                and not request.meta.get("dont_retry", False)):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                stats = self.crawler.stats
                if wait > self.max_wait:
                    stats.inc_value("retry/retry_after/too_long")
                    logger.warning(
                        "Not retrying %(request)s: Retry-After %(wait).0f s is longer than "
                        "NEWSARCHIVE_RETRY_AFTER_MAX (%(max).0f s)",
                        {"request": request, "wait": wait, "max": self.max_wait})
                    return response
                key = urlparse_cached(request).netloc
                self.not_before[key] = max(self.not_before.get(key, 0.0),
                                           self.clock() + wait)
                stats.inc_value("retry/retry_after/count")
                stats.inc_value("retry/retry_after/seconds", wait)
                logger.info("%(host)s asked to wait %(wait).1f s (HTTP %(status)d)",
                            {"host": key, "wait": wait, "status": response.status})
        return super().process_response(request, response)


class RobotsCrawlDelay:
    """Extension: robots.txt ``Crawl-delay`` honoured (Scrapy ignores it)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY") or settings.get("NEWSARCHIVE_REPLAY_FROM"):
            raise NotConfigured("robots.txt not obeyed, or replaying from WARCs")
        self.crawler = crawler
        self.max_delay = settings.getfloat("NEWSARCHIVE_MAX_CRAWL_DELAY", 10.0)
        self.agent = settings.get("USER_AGENT") or "*"
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsCrawlDelay:
        return cls(crawler)

    def response_received(self, response: Response, request: Request,
                          spider: Any = None) -> None:
        """robots.txt comes from RobotsTxtMiddleware (``dont_obey_robotstxt`` set)."""
        if (response.status != 200 or not request.meta.get("dont_obey_robotstxt")
                or urlparse_cached(response).path != "/robots.txt"):
            return
        self.apply(response.body)

    def apply(self, robots_txt: bytes) -> float | None:
        """Raise the slots' delay and AutoThrottle's floor to the file's Crawl-delay for
        our User-Agent (at most ``NEWSARCHIVE_MAX_CRAWL_DELAY``); the delay applied."""
        try:
            robots = Protego.parse(robots_txt.decode("utf-8", "replace"))
            delay = robots.crawl_delay(self.agent)
        except Exception:  # noqa: BLE001 - a malformed robots.txt must not stop the crawl
            return None
        if not delay or delay <= 0:
            return None
        delay = min(float(delay), self.max_delay)
        self.crawler.stats.set_value("newsarchive/robots/crawl_delay", delay)
        downloader = getattr(self.crawler.engine, "downloader", None)
        for slot in getattr(downloader, "slots", {}).values():
            slot.delay = max(slot.delay, delay)
        for ext in getattr(getattr(self.crawler, "extensions", None), "middlewares", ()):
            if isinstance(ext, AutoThrottle):
                ext.mindelay = max(ext.mindelay, delay)
        logger.info("robots.txt asks for %(delay).1f s between requests", {"delay": delay})
        return delay
