"""Posts from WARC files or crawl folders, no network (what re-extraction extracts).

:func:`iter_posts_from_warcs`: the latest 200 HTML capture per URL
(``archive.index.LatestCaptures``), classified with ``crawler.pages`` exactly as the
spider does, multi-page posts grouped (page 1 + ``/2/`` ...), archived redirects
followed, one post per canonical URL, copies whose URL is their canonical URL first.

Memory does not grow with the archive: the latest-capture table, the canonical URLs
handed on (their hashes) and the first pages waiting for their turn are kept on disk
(``archive.scratch``, temporary files removed at the end), candidates are read once to
classify them, and the pages of a post are read again when it is yielded.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing
from urllib.parse import urljoin

from archive.index import CaptureLocation, LatestCaptures
from archive.reader import Capture, read_capture
from archive.scratch import ScratchSet, scratch_error, scratch_table
from crawler import pages as pg
from crawler.articles import provenance_from_location
from crawler.items import PageCapture, PostItem

logger = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 10


def _page_or_redirect(status: int, mime: str) -> bool:
    """The captures re-extraction looks at: 200 HTML pages and redirects."""
    return status in _REDIRECTS or (status == 200 and mime in _HTML_TYPES)


def _page_capture(capture: Capture) -> PageCapture:
    """A PageCapture as the spider builds it: body and headers after Scrapy's
    HttpCompressionMiddleware (Content-Encoding removed), first value per header name."""
    headers: dict[str, str] = {}
    for name, value in capture.headers:
        if name.lower() == "content-encoding":
            continue
        headers.setdefault(name, value)
    return PageCapture(url=capture.url, body=capture.decoded_body(), headers=headers,
                       provenance=provenance_from_location(capture))


def _read(location: CaptureLocation) -> Capture:
    return read_capture(location.path, location.offset)


def _count(stats: dict[str, int] | None, key: str) -> None:
    if stats is not None:
        stats[key] = stats.get(key, 0) + 1


class _Waiting:
    """The first pages that are not their canonical URL's own copy, waiting on disk
    (``archive.scratch``) until every canonical copy went first; read back in the order
    they were added. Writes are one transaction never committed (see ScratchSet)."""

    def __init__(self) -> None:
        self._db = scratch_table("CREATE TABLE waiting (url TEXT NOT NULL, "
                                 "canonical TEXT NOT NULL)")

    def add(self, url: str, canonical: str) -> None:
        try:
            self._db.execute("INSERT INTO waiting VALUES (?, ?)", (url, canonical))
        except sqlite3.Error as exc:  # its temporary folder is full
            raise scratch_error(exc) from exc

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._db.execute("SELECT url, canonical FROM waiting ORDER BY rowid"))

    def close(self) -> None:
        self._db.close()


class _ArchivedSite:
    """The latest page or redirect of each URL of an archive, read on demand."""

    def __init__(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        self.latest = LatestCaptures(paths, accept=_page_or_redirect)

    def close(self) -> None:
        self.latest.close()

    def page(self, url: str) -> CaptureLocation | None:
        """The 200 HTML capture answering ``url``, through archived redirects."""
        seen: set[str] = set()
        location = self.latest.get(url)
        while (location is not None and location.status in _REDIRECTS
               and url not in seen and len(seen) < _MAX_REDIRECTS):
            seen.add(url)
            target = _read(location).header("Location")
            if not target:
                return None
            url = urljoin(url, target)
            location = self.latest.get(url)
        return location if location is not None and location.status == 200 else None

    def first_page(self, location: CaptureLocation, stats: dict[str, int] | None
                   ) -> tuple[str, bool] | None:
        """(its canonical URL, whether the URL is its canonical URL) when ``location`` is
        a post's first page, else None."""
        if location.status != 200:
            return None
        capture = _read(location)
        try:
            body = capture.decoded_body()
        except Exception as exc:  # one undecodable page must not stop a rebuild
            logger.warning("Skipping %(url)s: %(exc)s", {"url": location.url, "exc": exc})
            _count(stats, "undecodable")  # a damaged body, or one past the reader's cap
            return None
        html = pg.decode_html(body, capture.content_type)
        info = pg.head_info(html)
        if pg.page_kind(location.url, capture.content_type, body, info) != pg.PageKind.POST:
            return None
        if (pg.post_page_number(location.url, info.body_classes) > 1
                or pg.first_page_of(location.url, html) is not None):
            return None  # a continuation page: joined to its first page
        canonical = pg.canonical_url(location.url, info)
        return canonical, canonical == pg.normalize_url(location.url)

    def first_pages(self, stats: dict[str, int] | None = None
                    ) -> Iterator[tuple[str, str]]:
        """(url, canonical URL) of every post's first page: the canonical copies as the
        scan finds them (first-seen order), then the others, which wait on disk until
        then (first-seen order too)."""
        with closing(_Waiting()) as waiting:
            for location in self.latest:
                found = self.first_page(location, stats)
                if found is None:
                    continue
                canonical, own = found
                if own:
                    yield location.url, canonical
                else:
                    waiting.add(location.url, canonical)
            yield from waiting

    def post(self, url: str) -> PostItem:
        """The post whose first page is ``url``, with the later pages it names."""
        location = self.latest.get(url)
        assert location is not None
        first = _read(location)
        pages = [_page_capture(first)]
        html = pg.decode_html(pages[0].body, first.content_type)
        del first
        for page_url in pg.post_page_urls(url, html):
            found = self.page(page_url)
            if found is None:
                logger.info("Page %(page)s of %(url)s is not in the archive",
                            {"page": page_url, "url": url})
                continue
            capture = _read(found)
            if capture.url != url and all(p.url != capture.url for p in pages):
                pages.append(_page_capture(capture))
        return PostItem(url=url, pages=tuple(pages))


def iter_posts_from_warcs(paths: Iterable[str | os.PathLike[str]],
                          stats: dict[str, int] | None = None) -> Iterator[PostItem]:
    """Posts (with all their pages) found in WARC files or crawl folders, no network.

    One post per canonical URL, as the spider does; a post whose URL is its canonical URL
    is preferred to other copies. ``stats`` (optional) counts ``duplicate`` posts left
    out and ``undecodable`` pages. Raises ArchiveError when the WARCs cannot be read or
    the temporary tables cannot be written.
    """
    with closing(_ArchivedSite(paths)) as site, ScratchSet() as handed:
        for url, canonical in site.first_pages(stats):
            if handed.add(canonical):  # as the spider does: one post per canonical URL
                yield site.post(url)
            else:
                _count(stats, "duplicate")
