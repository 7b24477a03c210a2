"""``--replay-from``: a download handler that answers every request from existing WARCs.

No network at all: each request is answered with the latest archived ``response`` record
for its URL (status, headers and body exactly as stored, so HttpCompressionMiddleware
decodes a gzip body as in the live crawl and RedirectMiddleware follows archived 301s).
A URL that is not in the archive gets a synthetic 404, clearly marked (header
``X-Newsarchive-Replay: miss``, response flag ``replay-miss``) and counted
(``replay/miss``). robots.txt is replayed like any other URL (a miss means "allow all",
as for a live 404).

Each replayed response carries the :class:`crawler.items.Provenance` of the archived record
in ``request.meta["newsarchive_warc"]``, so articles built from a replay point at the
original archive. WARC capture is off while replaying unless ``ARCHIVE_CAPTURE_REPLAY``
is true (see crawler.middlewares); with it on, provenance points at the new WARCs.

The index (URL -> file and offset of the latest capture) is
``archive.index.LatestCaptures``: a crawl folder's ``index.cdxj`` when it is newer than
the folder's WARCs, else one pass over the WARCs; bodies are read back on demand with
``archive.reader.read_capture``.

Settings read: ``NEWSARCHIVE_REPLAY_FROM`` (list of WARC files, or folders holding
``warc/*.warc.gz`` or ``*.warc.gz``). :func:`replay_settings` gives the settings the crawl
command applies for ``--replay-from``.

Stats: ``replay/hit``, ``replay/miss``, ``replay/index/urls``.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from archive.index import LatestCaptures, find_warc_files
from archive.reader import Capture, read_capture
from crawler import meta
from crawler.articles import provenance_from_location

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MISS_HEADER = "X-Newsarchive-Replay"


def replay_sources(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The paths as given, checked: each must be a WARC file or a folder holding WARCs.

    Raises ArchiveError (one line) otherwise (``archive.index.find_warc_files``).
    """
    sources = [Path(p) for p in paths]
    for source in sources:
        find_warc_files([source])
    return sources


def replay_settings(paths: Iterable[str | os.PathLike[str]]) -> dict[str, Any]:
    """Settings that make a crawl replay from ``paths`` (validated: raises on bad paths)."""
    handler = "crawler.handlers.WarcReplayDownloadHandler"
    return {
        "NEWSARCHIVE_REPLAY_FROM": [str(p) for p in replay_sources(paths)],
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        # nothing to be polite to: no delays, no throttling
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
    }


def response_from_capture(request: Request, capture: Capture, flag: str) -> Response:
    """The Scrapy response an archived capture stands for (status, headers and body as
    stored, so HttpCompressionMiddleware and RedirectMiddleware act as on the live
    response), flagged ``flag``; the request's provenance names the archived record."""
    headers = Headers()
    for name, value in capture.headers:
        headers.appendlist(name, value)
    body = b"" if request.method.upper() == "HEAD" else capture.body
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    ip = None
    if capture.ip_address:
        try:
            ip = ipaddress.ip_address(capture.ip_address)
        except ValueError:
            ip = None
    request.meta[meta.PROVENANCE] = provenance_from_location(capture)
    return cls(url=request.url, status=capture.status, headers=headers, body=body,
               flags=[flag], request=request, ip_address=ip, protocol=capture.protocol or None)


class WarcReplayDownloadHandler:
    """Scrapy download handler (http/https) serving responses from WARC files."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        paths = crawler.settings.getlist("NEWSARCHIVE_REPLAY_FROM")
        if not paths:
            raise NotConfigured("NEWSARCHIVE_REPLAY_FROM is not set")
        self.crawler = crawler
        self.stats = crawler.stats
        self.index = LatestCaptures(replay_sources(paths))
        files = self.index.files
        self.stats.set_value("replay/index/urls", len(self.index))
        capture = crawler.settings.getbool("ARCHIVE_CAPTURE_REPLAY")
        logger.info("Replaying from %(n)d WARC file(s), %(urls)d archived URLs; no network; "
                    "%(capture)s", {"n": len(files), "urls": len(self.index),
                                    "capture": "capturing to new WARCs" if capture else
                                    "no new WARCs (ARCHIVE_CAPTURE_REPLAY is off)"})

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayDownloadHandler:
        return cls(crawler)

    async def download_request(self, request: Request) -> Response:
        entry = None
        if request.method.upper() in ("GET", "HEAD"):
            entry = self.index.get(request.url)
        if entry is None:
            return self._miss(request)
        self.stats.inc_value("replay/hit")
        return response_from_capture(request, read_capture(entry.path, entry.offset),
                                     "replayed")

    def _miss(self, request: Request) -> Response:
        self.stats.inc_value("replay/miss")
        logger.debug("Not in the archive: %(url)s", {"url": request.url})
        body = f"newsarchive --replay-from: {request.url} is not in the archive\n".encode()
        headers = Headers({MISS_HEADER: "miss", "Content-Type": "text/plain; charset=utf-8",
                           "Content-Length": str(len(body))})
        return Response(url=request.url, status=404, headers=headers, body=body,
                        flags=["replay-miss"], request=request)

    async def close(self) -> None:
        self.index.close()  # its table on disk
