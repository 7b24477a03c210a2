"""Retry-After on 429 and 503: Scrapy's RetryMiddleware, plus waiting as long as asked.

Scrapy 2.19's RetryMiddleware retries 429/503 at once (no ``Retry-After`` support), which
is what a server that says "come back in 30 s" least wants. This subclass (it replaces
RetryMiddleware at 550) parses ``Retry-After`` (delta-seconds or an HTTP-date), and holds
every request to that host (netloc) until then, the retry included; Scrapy's retry logic
(``RETRY_TIMES``, stats ``retry/*``) is unchanged. A wait longer than
``NEWSARCHIVE_RETRY_AFTER_MAX`` is not honoured by waiting: the response is given up on
(the crawl does not stall for hours on one host) and counted.

Settings read: ``RETRY_*`` (as RetryMiddleware), ``NEWSARCHIVE_RETRY_AFTER_MAX`` (seconds,
default 300), ``NEWSARCHIVE_RETRY_AFTER_CODES`` (default [429, 503]).

Stats: ``retry/retry_after/count``, ``retry/retry_after/seconds`` (total waited for),
``retry/retry_after/too_long``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
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
