"""Articles from captured pages: one function for the crawl and for re-extraction.

- :func:`build_article` turns a :class:`crawler.items.PostItem` (all pages of one post, as
  captured) into an :class:`~crawler.items.Article` with provenance: it extracts every page
  with ``crawler.extract.extract_article``, joins multi-page posts with
  ``crawler.extract.join_pages`` and fills ``provenance`` from each page's capture.
- :func:`iter_posts_from_warcs` / :func:`iter_extracted` / :func:`rebuild_from_warcs` do
  the same from WARC files with no network: the latest 200 HTML capture per URL, classified with
  ``crawler.pages`` into posts, multi-page posts grouped (page 1 + ``/2/`` ...), archived
  redirects followed, one article per canonical URL.
- :class:`ArticleJsonl` writes ``articles.jsonl``: one whole line per article (one
  ``write`` of the full line), a trailing partial line from a crash repaired on open, ids
  already in the file seed the dedupe set (incremental crawls append without duplicates).
- :func:`find_warc_files` resolves "WARC files or crawl folders" arguments.

Equality of the three paths (live crawl, ``crawl --replay-from``, ``newsarchive extract``):
the same pages go through the same :func:`build_article`, so the JSON is the same;
provenance is the same too when the replay does not capture (it points at the original
records). With ``ARCHIVE_CAPTURE_REPLAY`` the replayed crawl's provenance names the new
WARCs (``warc_filename``, ``warc_offset``, ``warc_length``, ``warc_record_id``,
``fetched_at`` differ; ``warc_payload_digest`` and ``url`` stay equal).

No settings are read (callers pass paths and options).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from archive.index import WARC_SUFFIXES
from crawler.errors import NewsarchiveError
from crawler.items import Article, PageCapture, PostItem, Provenance, article_to_dict

logger = logging.getLogger(__name__)



# --------------------------------------------------------------------------- provenance


def provenance_from_location(location: Any) -> Provenance:
    """``archive.writer.RecordLocation`` or ``archive.reader.Capture`` -> Provenance."""
    date = getattr(location, "date", None) or getattr(location, "fetched_at", None)
    if isinstance(date, datetime):
        date = date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Provenance(
        warc_filename=Path(location.filename).name,
        warc_offset=int(location.offset),
        warc_length=int(location.length),
        warc_record_id=location.record_id,
        warc_payload_digest=location.payload_digest,
        url=location.url,
        fetched_at=date or "",
    )


# --------------------------------------------------------------------------- building


def _fetched_at(page: PageCapture) -> str | None:
    return page.provenance.fetched_at if page.provenance and page.provenance.fetched_at else None


def build_article(post: PostItem) -> Article | None:
    """The article of one post, or None when its first page yields no article.

    Pure apart from calling the extractor. A continuation page that yields nothing is
    left out of the join (and out of provenance); ``page_count`` counts pages joined.
    """
    from crawler.extract import extract_article, join_pages  # the heavy import, in workers

    if not post.pages:
        return None
    extracted: list[tuple[Article, Provenance | None]] = []
    for number, page in enumerate(post.pages):
        article = extract_article(page.body, page.url, page.headers, _fetched_at(page))
        if article is None:
            if number == 0:
                return None
            logger.info("Page %(n)d of %(url)s yielded no text; left out",
                        {"n": number + 1, "url": post.url})
            continue
        extracted.append((article, page.provenance))
    articles = [a for a, _ in extracted]
    joined = articles[0] if len(articles) == 1 else join_pages(articles)
    provenance = [p for _, p in extracted if p is not None]
    return dataclasses.replace(joined, provenance=provenance)


def extract_post(post: PostItem) -> tuple[Article | None, list[str], str | None]:
    """:func:`build_article` for worker processes: (article or None, its quality flags,
    error text or None). Never raises: the caller counts and logs failures."""
    try:
        article = build_article(post)
        if article is None:
            return None, [], None
        from crawler.extract import quality_flags

        return article, list(quality_flags(article, post.url)), None
    except Exception as exc:
        return None, [], f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------- WARC paths


def find_warc_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """WARC files named directly, or found in folders (``DIR/warc/*.warc.gz`` or
    ``DIR/*.warc.gz``), in name order. Unfinished ``.open`` files are skipped.

    Raises NewsarchiveError (one line) for a missing path or when no WARC is found.
    """
    files: list[Path] = []
    given = [Path(p) for p in paths]
    if not given:
        raise NewsarchiveError("no WARC files or folders given")
    for path in given:
        if path.is_dir():
            folder = path / "warc" if (path / "warc").is_dir() else path
            found = sorted(p for p in folder.iterdir()
                           if p.is_file() and p.name.endswith(WARC_SUFFIXES))
            if not found:
                raise NewsarchiveError(f"{path}: no *.warc.gz files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise NewsarchiveError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


# --------------------------------------------------------------------------- JSONL output


class ArticleJsonl:
    """Append-only ``articles.jsonl`` with whole-line writes and crash repair.

    Each line is written with a single ``write`` of the full encoded line on an
    unbuffered file, so a crash cannot leave half a line from our side; a partial last
    line left by an earlier crash (or a full disk) is cut off on open. The ids of the
    lines kept seed :attr:`seen_ids`; :meth:`write` refuses an id already seen.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.seen_ids: set[str] = set()
        self.repaired_bytes = 0
        self._fh: IO[bytes] | None = None

    def open(self) -> ArticleJsonl:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists():
                self._repair_and_load()
            self._fh = open(self.path, "ab", buffering=0)  # noqa: SIM115
        except OSError as exc:
            raise NewsarchiveError(f"cannot open {self.path}: {exc.strerror or exc}") from exc
        return self

    def _repair_and_load(self) -> None:
        keep = 0
        with open(self.path, "rb") as fh:
            for line in fh:
                if not line.endswith(b"\n"):
                    break  # a partial last line: everything from here is cut off
                keep += len(line)
                try:
                    record = json.loads(line)
                except ValueError:
                    logger.warning("%(path)s: unreadable line kept as is at byte %(pos)d",
                                   {"path": self.path, "pos": keep - len(line)})
                    continue
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    self.seen_ids.add(record["id"])
        size = self.path.stat().st_size
        if size > keep:
            self.repaired_bytes = size - keep
            logger.warning("%(path)s: cut a partial last line (%(n)d bytes) left by an "
                           "interrupted write", {"path": self.path, "n": size - keep})
            with open(self.path, "r+b") as fh:
                fh.truncate(keep)

    @staticmethod
    def encode(article: Article) -> bytes:
        """One JSON line: UTF-8, non-ASCII as is, keys in schema order."""
        return (json.dumps(article_to_dict(article), ensure_ascii=False) + "\n").encode("utf-8")

    def write(self, article: Article) -> bool:
        """Append the article unless its id was seen; True when written."""
        if article.id in self.seen_ids:
            return False
        if self._fh is None:
            raise NewsarchiveError(f"{self.path} is not open")
        data = self.encode(article)
        start = self._fh.tell()
        try:
            written = self._fh.write(data)
            if written != len(data):  # a short write (disk full): undo it, never half a line
                self._fh.truncate(start)
                raise OSError(f"short write ({written} of {len(data)} bytes)")
            self._fh.flush()
        except OSError as exc:
            raise NewsarchiveError(f"cannot write to {self.path}: {exc}") from exc
        self.seen_ids.add(article.id)
        return True

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> ArticleJsonl:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- re-extraction

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_MAX_REDIRECTS = 10


def _page_capture(capture: Any) -> PageCapture:
    """A PageCapture as the spider builds it: body and headers after Scrapy's
    HttpCompressionMiddleware (Content-Encoding removed), first value per header name."""
    headers: dict[str, str] = {}
    for name, value in capture.headers:
        if name.lower() == "content-encoding":
            continue
        headers.setdefault(name, value)
    return PageCapture(url=capture.url, body=capture.decoded_body(), headers=headers,
                       provenance=provenance_from_location(capture))


@dataclasses.dataclass(frozen=True)
class _Location:
    """Where the latest 200 HTML capture of a URL sits (no body kept)."""

    path: Path
    offset: int
    content_type: str


def _read_location(location: _Location) -> Any:
    from archive.reader import read_capture

    return read_capture(location.path, location.offset)


def iter_posts_from_warcs(paths: Iterable[str | os.PathLike[str]],
                          stats: dict[str, int] | None = None) -> Iterator[PostItem]:
    """Posts (with all their pages) found in WARC files or crawl folders, no network.

    The latest 200 HTML capture per URL is classified with ``crawler.pages`` exactly as
    the spider does; each post's first page is followed by the pages its ``.page-links``
    name (through archived redirects). One post per canonical URL (``crawler.pages``), as
    the spider does; a post whose URL is its canonical URL is preferred to other copies.
    ``stats`` (optional) counts ``duplicate`` posts left out.

    Memory does not grow with page bodies: the first pass keeps only where each latest
    capture sits (and redirect targets), the second reads each candidate once with
    ``archive.reader.read_capture`` and keeps a small tuple per post, and the pages of a
    post are read again when it is yielded.
    """
    from archive.reader import iter_captures
    from crawler import pages as pg

    files = find_warc_files(paths)
    latest: dict[str, _Location] = {}  # url -> where its latest 200 HTML capture is
    redirects: dict[str, str] = {}     # url -> Location of its latest 3xx capture
    when: dict[str, datetime] = {}
    for path in files:
        for capture in iter_captures(path):
            previous = when.get(capture.url)
            if previous is not None and capture.fetched_at < previous:
                continue
            if capture.status in (301, 302, 303, 307, 308) and capture.header("Location"):
                when[capture.url] = capture.fetched_at
                redirects[capture.url] = capture.header("Location") or ""
                latest.pop(capture.url, None)
            elif capture.status == 200 and pg.media_type(capture.content_type) in _HTML_TYPES:
                when[capture.url] = capture.fetched_at
                latest[capture.url] = _Location(path, capture.offset, capture.content_type)
                redirects.pop(capture.url, None)
    del when

    def resolve(url: str) -> _Location | None:
        from urllib.parse import urljoin

        seen = set()
        while url not in latest and url in redirects and url not in seen \
                and len(seen) < _MAX_REDIRECTS:
            seen.add(url)
            url = urljoin(url, redirects[url])
        return latest.get(url)

    def html_of(url: str, capture: Any) -> tuple[bytes, str] | None:
        try:
            body = capture.decoded_body()
        except Exception as exc:  # one undecodable page must not stop a rebuild
            logger.warning("Skipping %(url)s: %(exc)s", {"url": url, "exc": exc})
            return None
        return body, pg.decode_html(body, capture.content_type)

    posts: list[tuple[int, int, str, str]] = []  # (not canonical, order, url, canonical)
    for order, (url, location) in enumerate(latest.items()):
        decoded = html_of(url, _read_location(location))
        if decoded is None:
            continue
        body, html = decoded
        info = pg.head_info(html)
        if pg.page_kind(url, location.content_type, body, info) != pg.PageKind.POST:
            continue
        if pg.post_page_number(url, info.body_classes) > 1:
            continue  # a continuation page: joined to its first page
        canonical = pg.canonical_url(url, info)
        posts.append((int(canonical != pg.normalize_url(url)), order, url, canonical))
    posts.sort(key=lambda p: (p[0], p[1]))
    yielded: set[str] = set()
    for _, _, url, canonical in posts:
        if canonical in yielded:  # as the spider does: one post per canonical URL
            if stats is not None:
                stats["duplicate"] = stats.get("duplicate", 0) + 1
            continue
        yielded.add(canonical)
        first = _read_location(latest[url])
        pages = [_page_capture(first)]
        html = pg.decode_html(pages[0].body, first.content_type)
        del first
        for page_url in pg.post_page_urls(url, html):
            location = resolve(page_url)
            if location is None:
                logger.info("Page %(page)s of %(url)s is not in the archive",
                            {"page": page_url, "url": url})
                continue
            capture = _read_location(location)
            if capture.url != url and all(p.url != capture.url for p in pages):
                pages.append(_page_capture(capture))
        yield PostItem(url=url, pages=tuple(pages))


def _extracted(posts: Iterable[PostItem], workers: int
               ) -> Iterator[tuple[PostItem, tuple[Article | None, list[str], str | None]]]:
    """(post, :func:`extract_post` result) in post order; in ``workers`` processes when
    > 1, with at most 4 posts per worker in flight (memory stays bounded)."""
    if workers <= 1:
        for post in posts:
            yield post, extract_post(post)
        return
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending: deque[tuple[PostItem, Future[Any]]] = deque()
        for post in posts:
            pending.append((post, pool.submit(extract_post, post)))
            if len(pending) >= 4 * workers:
                done_post, future = pending.popleft()
                yield done_post, future.result()
        for done_post, future in pending:
            yield done_post, future.result()


def iter_extracted(paths: Iterable[str | os.PathLike[str]],
                   stats: dict[str, int] | None = None, *, workers: int = 1,
                   ) -> Iterator[tuple[Article, list[str]]]:
    """(article, its quality flags) re-extracted from WARCs, one per canonical URL and
    id (first wins), no network; ``workers`` > 1 extracts in that many processes.

    ``stats`` (optional) receives the counts ``posts``, ``empty``, ``duplicate`` (same
    canonical URL or same id), ``failed`` (logged at error level, never raised).
    """
    counts = stats if stats is not None else {}
    seen: set[str] = set()
    for post, (article, flags, error) in _extracted(iter_posts_from_warcs(paths, counts),
                                                    workers):
        counts["posts"] = counts.get("posts", 0) + 1
        if error is not None:
            counts["failed"] = counts.get("failed", 0) + 1
            logger.error("Extraction failed for %(url)s: %(error)s",
                         {"url": post.url, "error": error})
            continue
        if article is None:
            counts["empty"] = counts.get("empty", 0) + 1
            continue
        if article.id in seen:
            counts["duplicate"] = counts.get("duplicate", 0) + 1
            continue
        seen.add(article.id)
        yield article, flags


def rebuild_from_warcs(paths: Iterable[str | os.PathLike[str]],
                       stats: dict[str, int] | None = None) -> Iterator[Article]:
    """Articles re-extracted from WARCs, one per canonical URL (first wins), in-process:
    :func:`iter_extracted` without the flags. ``stats`` as there."""
    for article, _flags in iter_extracted(paths, stats):
        yield article
