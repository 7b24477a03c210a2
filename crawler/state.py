"""The crawl state of an output folder: ``DIR/state.sqlite`` (SQLite, WAL, no server).

What a later crawl into the same folder needs to fetch less, per URL: when it was last
fetched and with what status, the validators the server gave (``ETag``,
``Last-Modified``), the payload digest, where the last *full* capture is in the WARCs
(file, offset, record id, date: what a ``revisit`` record refers to), what the spider
made of the page (its kind: post, listing, page, requisite...) and the post's canonical
URL; per article, every version written to ``articles.jsonl`` (version number, record
id, content digest).

The WARC files and ``articles.jsonl`` stay the source of truth: this file is a cache of
facts read off them, kept so that a re-crawl does not have to read the whole archive
again. When it is missing (deleted, or a folder archived before it existed), it is
rebuilt from ``DIR/warc`` (``archive.index.LatestCaptures``: no validators then, so the
first re-crawl sends no conditional request but still writes revisits for unchanged
payloads) and from ``articles.jsonl``.

Writes are batched: committed every :data:`COMMIT_EVERY` seconds or
:data:`COMMIT_ROWS` rows and on close. After kill -9 at most that much is lost, and what
is lost costs one unconditional fetch next time (the digest still finds an unchanged
payload), never a wrong answer.

Why SQLite and not a dict: a 50,000-article site has about 155,000 URLs; the state stays
on disk (point lookups through the primary key) and the crawl's memory does not grow
with it. Python's ``sqlite3`` module is the made-for-the-job library here.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.records import warc_date
from crawler.discovery import parse_listing_date

logger = logging.getLogger(__name__)

FILENAME = "state.sqlite"
COMMIT_EVERY = 1.0   # seconds between commits
COMMIT_ROWS = 500    # ... or this many writes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,          -- the request URL (after Scrapy's canonical form)
    fetched_at TEXT,               -- last fetch, ISO 8601 UTC
    status INTEGER,                -- last HTTP status (a 304 keeps the full capture's)
    etag TEXT,                     -- validators of the last full capture
    last_modified TEXT,
    payload_digest TEXT,           -- WARC-Payload-Digest of the last full capture
    warc_file TEXT,                -- where that capture is (base name in DIR/warc)
    warc_offset INTEGER,
    warc_length INTEGER,
    record_id TEXT,                -- its WARC-Record-ID
    record_date TEXT,              -- its WARC-Date
    kind TEXT,                     -- what the spider made of the page (post, listing...)
    canonical TEXT,                -- a post's canonical URL
    first_seen TEXT                -- first fetch, ISO 8601 UTC
);
CREATE TABLE IF NOT EXISTS versions (
    id TEXT NOT NULL,              -- the article id
    version INTEGER NOT NULL,
    record_id TEXT NOT NULL,       -- '<id>.<version>'
    content_digest TEXT NOT NULL,
    url TEXT,
    PRIMARY KEY (id, version)
);
"""


@dataclass(frozen=True)
class UrlState:
    """What the state knows of one URL."""

    url: str
    fetched_at: str | None
    status: int | None
    etag: str | None
    last_modified: str | None
    payload_digest: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    record_id: str | None
    record_date: str | None
    kind: str | None
    canonical: str | None
    first_seen: str | None

    @property
    def has_capture(self) -> bool:
        """A full capture to refer to (a revisit needs one)."""
        return bool(self.warc_file and self.record_id and self.warc_offset is not None)

    def fetched(self) -> datetime | None:
        """The last fetch time (aware, UTC), or None."""
        return parse_listing_date(self.fetched_at)


_URL_COLUMNS = ("url", "fetched_at", "status", "etag", "last_modified", "payload_digest",
                "warc_file", "warc_offset", "warc_length", "record_id", "record_date", "kind",
                "canonical", "first_seen")


class CrawlState:
    """``DIR/state.sqlite``, opened once per crawl (one writer: the crawl's process)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.created = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the pipeline's thread fallback may write versions.
        self._db = sqlite3.connect(self.path, isolation_level="DEFERRED",
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.commit()
        self._pending = 0
        self._last_commit = time.monotonic()
        self.closed = False
        self.failed = False        # a write failed (a full disk): no more writes
        self.rebuilt_urls = 0      # rows rebuilt from the WARCs when the file was new
        self.known_at_start = 0    # URLs known when the crawl started

    # -- reading -----------------------------------------------------------------------

    def url(self, url: str) -> UrlState | None:
        row = self._db.execute(f"SELECT {', '.join(_URL_COLUMNS)} FROM urls WHERE url = ?",
                               (url,)).fetchone()
        return UrlState(*row) if row else None

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM urls").fetchone()[0])

    def latest_version(self, article_id: str) -> tuple[int, str, str] | None:
        """(version, record id, content digest) of the article's latest version."""
        row = self._db.execute(
            "SELECT version, record_id, content_digest FROM versions WHERE id = ? "
            "ORDER BY version DESC LIMIT 1", (article_id,)).fetchone()
        return (int(row[0]), row[1], row[2]) if row else None

    def fetched_before(self, moment: datetime) -> bool:
        """Whether any URL was first fetched before *moment* (by an earlier crawl)."""
        return self._db.execute("SELECT 1 FROM urls WHERE first_seen < ? LIMIT 1",
                                (warc_date(moment),)).fetchone() is not None

    def version_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM versions").fetchone()[0])

    # -- writing -----------------------------------------------------------------------

    def record_capture(self, url: str, *, fetched_at: datetime, status: int,
                       etag: str | None, last_modified: str | None,
                       payload_digest: str | None, warc_file: str, warc_offset: int,
                       warc_length: int, record_id: str, record_date: str) -> None:
        """A full capture (a ``response`` record) of *url* was written."""
        self._write(
            "INSERT INTO urls (url, fetched_at, status, etag, last_modified, payload_digest,"
            " warc_file, warc_offset, warc_length, record_id, record_date, first_seen)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(url) DO UPDATE SET fetched_at=excluded.fetched_at,"
            " status=excluded.status, etag=excluded.etag,"
            " last_modified=excluded.last_modified, payload_digest=excluded.payload_digest,"
            " warc_file=excluded.warc_file, warc_offset=excluded.warc_offset,"
            " warc_length=excluded.warc_length,"
            " record_id=excluded.record_id, record_date=excluded.record_date,"
            " first_seen=COALESCE(first_seen, excluded.first_seen)",
            (url, warc_date(fetched_at), status, etag, last_modified, payload_digest,
             warc_file, warc_offset, warc_length, record_id, record_date,
             warc_date(fetched_at)))
        self._wrote()

    def record_unchanged(self, url: str, *, fetched_at: datetime) -> None:
        """*url* was fetched again and found unchanged (a 304, or the same payload): only
        the fetch time moves; the full capture referred to stays."""
        self._write("UPDATE urls SET fetched_at = ? WHERE url = ?",
                         (warc_date(fetched_at), url))
        self._wrote()

    def note_page(self, url: str, kind: str, canonical: str | None = None) -> None:
        """What the spider made of the page at *url*."""
        self._write(
            "INSERT INTO urls (url, kind, canonical) VALUES (?,?,?) ON CONFLICT(url) DO "
            "UPDATE SET kind=excluded.kind, canonical=COALESCE(excluded.canonical, canonical)",
            (url, kind, canonical))
        self._wrote()

    def add_version(self, article_id: str, version: int, record_id: str,
                    content_digest: str, url: str | None) -> None:
        self._write("INSERT OR REPLACE INTO versions VALUES (?,?,?,?,?)",
                         (article_id, version, record_id, content_digest, url))
        self._wrote()

    def add_versions(self, rows: Iterable[tuple[str, int, str, str, str | None]]) -> None:
        self._write("INSERT OR REPLACE INTO versions VALUES (?,?,?,?,?)", rows, many=True)
        self._wrote(force=True)

    def _write(self, sql: str, params: Any = (), many: bool = False) -> None:
        """One write; a failure (a full disk) stops the state's writes with one warning:
        the state is a cache, and what it misses costs the next crawl a full fetch."""
        if self.failed or self.closed:
            return
        try:
            (self._db.executemany if many else self._db.execute)(sql, params)
        except sqlite3.Error as exc:
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        if not self.failed:
            self.failed = True
            logger.warning("%(path)s: %(exc)s; the crawl state is not updated further (the "
                           "next crawl fetches more)", {"path": self.path, "exc": exc})

    def _wrote(self, force: bool = False) -> None:
        self._pending += 1
        now = time.monotonic()
        if force or self._pending >= COMMIT_ROWS or now - self._last_commit >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        if self.closed or self.failed:
            return
        try:
            self._db.commit()
        except sqlite3.Error as exc:
            self._fail(exc)
        self._pending = 0
        self._last_commit = time.monotonic()

    def close(self) -> None:
        if self.closed:
            return
        self.commit()
        try:
            self._db.close()
        except sqlite3.Error:
            pass
        self.closed = True

    def __enter__(self) -> CrawlState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
