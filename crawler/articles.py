"""Articles from captured pages: one function for the crawl and for re-extraction.

- :func:`build_article` turns a :class:`crawler.items.PostItem` (all pages of one post, as
  captured) into an :class:`~crawler.items.Article` with provenance: it extracts every page
  with ``crawler.extract.extract_article``, joins multi-page posts with
  ``crawler.extract.join_pages`` and fills ``provenance`` from each page's capture.
- :class:`ArticleJsonl` writes ``articles.jsonl``: one whole line per article (one
  ``write`` of the full line), a trailing partial line from a crash repaired on open, ids
  already in the file seed the dedupe set (incremental crawls append without duplicates).

Equality of the three paths (live crawl, ``crawl --replay-from``, ``newsarchive extract``):
the same pages go through the same :func:`build_article` (re-extraction: ``crawler.rebuild``),
so the JSON is the same;
provenance is the same too when the replay does not capture (it points at the original
records). With ``ARCHIVE_CAPTURE_REPLAY`` the replayed crawl's provenance names the new
WARCs (``warc_filename``, ``warc_offset``, ``warc_length``, ``warc_record_id``,
``fetched_at`` differ; ``warc_payload_digest`` and ``url`` stay equal).

No settings are read (callers pass paths and options).
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from crawler.errors import NewsarchiveError
from crawler.items import Article, PageCapture, PostItem, Provenance, article_to_dict
from crawler.links import SeenSet

if TYPE_CHECKING:
    from archive.scratch import ScratchSet

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


# --------------------------------------------------------------------------- JSONL output


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records of an ``articles.jsonl``, in file order: blank lines skipped, a
    partial last line (a crash's, see :class:`ArticleJsonl`) left out, any other line that
    is not a JSON object a one-line NewsarchiveError naming the file and line."""
    path = Path(path)
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if not line.endswith(b"\n"):
                return  # a partial last line: not an article
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict):
                raise NewsarchiveError(f"{path}:{number}: not a JSON object line")
            yield record


CONTENT_FIELDS = ("title", "text", "authors", "byline", "date_published", "categories",
                  "tags", "images")


def content_digest(record: Article | dict[str, Any]) -> str:
    """What makes an edit a new version: a digest of the article's content fields
    (:data:`CONTENT_FIELDS`; not the fetch, the extractor version or the modified date)."""
    data = article_to_dict(record) if isinstance(record, Article) else record
    images = [(i.get("url"), i.get("caption")) for i in data.get("images") or []]
    content = [data.get(k) for k in CONTENT_FIELDS[:-1]] + [images]
    return hashlib.blake2b(json.dumps(content, ensure_ascii=False).encode("utf-8"),
                           digest_size=8).hexdigest()


class Latest(NamedTuple):
    """An article's latest version in the file: its number and content digest (as an
    int: one entry per article of the site stays small)."""

    version: int
    digest: int

    def record_id(self, article_id: str) -> str:
        return f"{article_id}.{self.version}"


# Outcomes of ArticleJsonl.write
WRITTEN, NEW_VERSION, UNCHANGED, DUPLICATE = "written", "new_version", "unchanged", "duplicate"


def version_rows(path: str | os.PathLike[str]) -> Iterator[tuple[str, int, str, str, str]]:
    """(id, version, record id, content digest, url) of every line of an articles.jsonl
    (for ``crawler.state.CrawlState.add_versions``)."""
    for record in read_records(path):
        if isinstance(record.get("id"), str):
            version = record.get("version") if isinstance(record.get("version"), int) else 1
            yield (record["id"], version, record.get("record_id") or f"{record['id']}.{version}",
                   content_digest(record), record.get("url") or "")


class ArticleJsonl:
    """Append-only ``articles.jsonl`` with whole-line writes, crash repair and versions.

    Each line is written with a single ``write`` of the full encoded line on an
    unbuffered file, so a crash cannot leave half a line from our side; a partial last
    line left by an earlier crash (or a full disk) is cut off on open. Each line is one
    version of an article: :meth:`write` appends version 1 of an id the file does not
    hold, the next version of an id whose content changed since its latest line
    (``version``, ``record_id``, ``previous_version``), nothing for an unchanged one or an
    id already written by this run (a duplicate post).
    """

    def __init__(self, path: str | os.PathLike[str],
                 seen_ids: SeenSet | ScratchSet | None = None) -> None:
        self.path = Path(path)
        # ids written by this run (``newsarchive extract`` passes a set kept on disk)
        self.seen_ids = SeenSet() if seen_ids is None else seen_ids
        self.latest: dict[str, Latest] = {}  # every id in the file: its latest version
        self.repaired_bytes = 0
        self.lines = 0                       # whole article lines in the file at open
        self.last_written: Article | None = None
        self._fh: IO[bytes] | None = None

    @property
    def loaded_ids(self) -> dict[str, Latest]:
        """Ids in the file before this run (with their latest version)."""
        return self.latest

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
                    self._note(record)
                    self.lines += 1
        size = self.path.stat().st_size
        if size > keep:
            self.repaired_bytes = size - keep
            logger.warning("%(path)s: cut a partial last line (%(n)d bytes) left by an "
                           "interrupted write", {"path": self.path, "n": size - keep})
            with open(self.path, "r+b") as fh:
                fh.truncate(keep)

    def _note(self, record: dict[str, Any]) -> None:
        version = record.get("version") if isinstance(record.get("version"), int) else 1
        old = self.latest.get(record["id"])
        if old is None or version >= old.version:
            self.latest[record["id"]] = Latest(version, int(content_digest(record), 16))

    @staticmethod
    def encode(article: Article) -> bytes:
        """One JSON line: UTF-8, non-ASCII as is, keys in schema order."""
        return (json.dumps(article_to_dict(article), ensure_ascii=False) + "\n").encode("utf-8")

    def write(self, article: Article) -> str:
        """Append the article as its next version: :data:`WRITTEN` (version 1),
        :data:`NEW_VERSION`, :data:`UNCHANGED` or :data:`DUPLICATE` (nothing written).

        A new version with no modification date of its own gets the fetch time that
        saw the change (a bound: the edit happened before it)."""
        if article.id in self.seen_ids:
            return DUPLICATE
        if self._fh is None:
            raise NewsarchiveError(f"{self.path} is not open")
        digest = int(content_digest(article), 16)
        old = self.latest.get(article.id)
        if old is not None and old.digest == digest:
            return UNCHANGED
        version = 1 if old is None else old.version + 1
        article = dataclasses.replace(
            article, version=version, record_id=f"{article.id}.{version}",
            previous_version=None if old is None else old.record_id(article.id),
            date_modified=article.date_modified or (
                None if old is None or not article.provenance
                else article.provenance[0].fetched_at or None))
        self._append(self.encode(article))
        self.seen_ids.add(article.id)
        self.latest[article.id] = Latest(version, digest)
        self.last_written = article
        return WRITTEN if old is None else NEW_VERSION

    def _append(self, data: bytes) -> None:
        assert self._fh is not None
        fd = self._fh.fileno()
        start = os.fstat(fd).st_size  # the true end: tell() can run past it after a failure
        try:
            view = memoryview(data)
            while view:
                written = self._fh.write(view)
                if not written:
                    raise OSError(errno.ENOSPC, "no space left on device")
                view = view[written:]
        except OSError as exc:
            try:  # never half a line: cut back to where this line started
                os.ftruncate(fd, start)
            except OSError:
                pass
            raise NewsarchiveError(f"cannot write to {self.path}: "
                                   f"{exc.strerror or exc}") from exc

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> ArticleJsonl:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()
