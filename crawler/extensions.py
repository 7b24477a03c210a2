"""Scrapy extensions of the crawl: progress lines.

``CrawlProgress`` prints :func:`crawler.summary.progress_line` on stderr every
``NEWSARCHIVE_PROGRESS_INTERVAL`` seconds (off when 0, the default for ``scrapy crawl``;
``newsarchive crawl --progress`` sets it). Politeness extensions are in
``crawler.politeness``.

Settings read: ``NEWSARCHIVE_PROGRESS_INTERVAL``, ``NEWSARCHIVE_PROGRESS_LABEL`` (put
before each line: the site's name when several sites are crawled at once).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.summary import progress_line


class CrawlProgress:
    """Scrapy extension: one progress line on stderr every N seconds (like LogStats, but
    visible when the log is quiet and saying what an archivist wants to see)."""

    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.task: Any = None
        self.started = time.monotonic()
        self.previous = (self.started, 0)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        interval = crawler.settings.getfloat("NEWSARCHIVE_PROGRESS_INTERVAL", 0)
        if interval <= 0:
            raise NotConfigured
        o = cls(crawler, interval)
        crawler.signals.connect(o.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(o.spider_closed, signal=signals.spider_closed)
        return o

    def spider_opened(self, spider: Any) -> None:
        self.started = time.monotonic()
        self.previous = (self.started, 0)
        self.task = create_looping_call(self.report)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()

    def report(self) -> None:
        line = progress_line(self.crawler.stats.get_stats(), time.monotonic() - self.started,
                             self.previous, time.monotonic())
        label = self.crawler.settings.get("NEWSARCHIVE_PROGRESS_LABEL")  # many sites: which
        print(f"{label}: {line}" if label else line, file=sys.stderr, flush=True)
        self.previous = (time.monotonic(),
                         self.crawler.stats.get_value("response_received_count", 0))
