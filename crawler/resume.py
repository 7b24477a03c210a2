"""Resume an interrupted crawl from its own archive: the WARC is the crawl state.

A crawl into ``DIR`` leaves ``DIR/crawl.running`` (who runs it, since when) while it
runs and removes it when it finishes. If the marker is still there at the next
``newsarchive crawl`` into the same folder, that crawl was interrupted (Ctrl-C, SIGTERM,
kill -9, a full disk, a power cut) and the new one resumes it:

- the ``.open`` WARC a killed crawl left is repaired first (``archive.repair``: cut after
  its last whole record, renamed), so every capture it holds counts;
- :class:`ResumeFromArchiveMiddleware` answers every request whose URL already has a
  usable capture in ``DIR``'s WARCs from that capture (no network, nothing written
  again) and lets the rest go to the network and into the archive as usual. The spider
  walks the same site from the archived pages, so discovery, multi-page posts and the
  article pipeline see what a crawl without interruption would have seen; articles
  already in ``articles.jsonl`` are not written twice (it dedupes by id).

Why not Scrapy's JOBDIR: its request queue and seen-set files are flushed on a clean
close, so after kill -9 they are stale or half written; the WARC records, written
whole with one unbuffered write each, are exactly what was fetched.
(``newsarchive crawl`` does set ``JOBDIR``, to an emptied ``DIR/jobdir``, for Scrapy's
disk queues only: ``crawler.queues``.)

A capture counts when its status is below 500 and not 429 (a server error or a
rate-limit answer is fetched again). Settings read: ``ARCHIVE_DIR``,
``NEWSARCHIVE_RESUME`` (set by ``newsarchive crawl`` when it finds the marker; a list
of WARC folders). Stats: ``resume/from_archive``, ``resume/archived_urls``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from archive.errors import ArchiveError
from archive.index import LatestCaptures, find_warc_files
from archive.reader import read_capture
from crawler import meta
from crawler.discovery import parse_listing_date
from crawler.handlers import response_from_capture

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

MARKER = "crawl.running"


def _usable(status: int, mime: str) -> bool:
    return status < 500 and status != 429


class CrawlMarker:
    """``DIR/crawl.running``: present while a crawl into DIR runs or after it was cut."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.path = Path(out) / MARKER

    def interrupted(self) -> dict[str, Any] | None:
        """The earlier crawl's note when it did not finish, else None."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}  # a marker cut short by the crash itself still means "resume"

    def start(self, url: str) -> None:
        note = {"url": url, "pid": os.getpid(), "host": socket.gethostname(),
                "started": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        tmp = self.path.with_name(MARKER + ".tmp")
        tmp.write_text(json.dumps(note) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)

    def finish(self) -> None:
        self.path.unlink(missing_ok=True)


def resumable_files(warc_dir: Path, note: dict[str, Any]) -> list[Path]:
    """The WARC files the interrupted crawl wrote (modified since it started; all of them
    when its note is unreadable): earlier crawls' captures are a re-crawl's business
    (``crawler.incremental``), not the resumed crawl's."""
    try:
        files = find_warc_files([warc_dir])
    except ArchiveError:
        return []
    started = parse_listing_date(note.get("started")) if note else None
    if started is None:
        return files
    since = started.timestamp() - 2  # file times and the note's seconds: a little slack
    return [f for f in files if f.stat().st_mtime >= since]


class ResumeFromArchiveMiddleware:
    """Downloader middleware (closest to the downloader): archived URLs are answered
    from the archive; the capture middleware does not archive them again."""

    def __init__(self, crawler: Crawler, sources: list[str]) -> None:
        self.stats = crawler.stats
        self.index = LatestCaptures(sources, accept=_usable)
        self.stats.set_value("resume/archived_urls", len(self.index))
        logger.info("Resuming an interrupted crawl: %(n)d URLs already archived are read "
                    "from %(files)d WARC file(s), not fetched again",
                    {"n": len(self.index), "files": len(self.index.files)})

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResumeFromArchiveMiddleware:
        sources = crawler.settings.getlist("NEWSARCHIVE_RESUME")
        if not sources:
            raise NotConfigured  # not resuming: nothing to say
        try:
            middleware = cls(crawler, sources)
        except ArchiveError as exc:  # e.g. the crawl was cut before its first WARC closed
            raise NotConfigured(f"nothing archived to resume from: {exc}") from None
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        self.index.close()  # its table on disk

    def process_request(self, request: Request) -> Response | None:
        if request.method.upper() not in ("GET", "HEAD"):
            return None
        entry = self.index.get(request.url)
        if entry is None:
            return None
        self.stats.inc_value("resume/from_archive")
        return response_from_capture(request, read_capture(entry.path, entry.offset),
                                     meta.ARCHIVED)
