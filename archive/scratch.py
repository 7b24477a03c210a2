"""Scratch tables on disk, for what would otherwise grow with the archive in memory.

- :func:`scratch_database`: THE way to open one: a private temporary SQLite database;
  :func:`scratch_table`: one holding a single table, its fill's transaction open;
- :class:`CaptureTable`: the table behind :class:`archive.index.LatestCaptures`: URL ->
  the best-ranked capture offered so far, in the order URLs were first offered;
- :class:`ScratchSet`: a set of strings kept as their 64-bit hashes, on disk.

Why on disk: re-extraction keeps the latest capture of every page and redirect of the
archive (about three per post, 150,000 for 50,000 posts); in a dict that cost about
330 B each and the process grew with the archive. A temporary database (SQLite's
``sqlite3.connect("")``, the made-for-the-job tool in the standard library) keeps its
pages in a bounded cache (``cache_size``) and spills the rest to a file that SQLite
creates in its temporary folder (``SQLITE_TMPDIR``, ``TMPDIR``, ``/var/tmp``, ``/tmp``:
the first one it can write to) and unlinks at once: nothing is left behind, not even
after kill -9, and the file is gone when the connection closes. Nothing in it must
survive the process, so there is no journal and no sync.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from archive.errors import ArchiveError

CACHE_KIB = 4096      # the page cache of one scratch database (its share of memory)
BATCH_ROWS = 2000     # rows written per executemany while a table is being filled

Row = tuple[str, int, int, int, str, str]  # url, file rank, offset, status, mime, stamp


def scratch_database() -> sqlite3.Connection:
    """A new private temporary database (see the module docstring), in autocommit mode:
    callers group their writes with ``BEGIN`` / ``COMMIT``. Usable from any one thread
    at a time (``check_same_thread=False``: a Scrapy component may be built in one
    thread and asked in another)."""
    try:
        db = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=OFF")  # scratch: no rollback, no recovery
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"PRAGMA cache_size=-{int(CACHE_KIB)}")
    except sqlite3.Error as exc:
        raise scratch_error(exc) from exc
    return db


def scratch_table(create: str) -> sqlite3.Connection:
    """A new scratch database holding the one table ``create`` (a CREATE TABLE statement)
    makes, with a transaction open for the writes that fill it; one-line ArchiveError
    when that fails."""
    db = scratch_database()
    try:
        db.execute(create)
        db.execute("BEGIN")
    except sqlite3.Error as exc:
        db.close()
        raise scratch_error(exc) from exc
    return db


def scratch_error(exc: sqlite3.Error) -> ArchiveError:
    """A failed scratch table as the one-line error of the command that needed it."""
    return ArchiveError(f"temporary table: {exc} (it is kept in SQLite's temporary folder: "
                        f"set TMPDIR to a writable folder with free space)")


class CaptureTable:
    """URL -> (file rank, offset, status, media type, 14-digit stamp) of the capture with
    the largest rank (stamp, file rank, offset) offered for it; iterated in the order the
    URLs were first offered (a later capture replaces the row in place).

    Fill with :meth:`offer` (rows are written in batches), then :meth:`finish`; then
    :meth:`get` and iteration. :meth:`close` drops the table and its file.
    """

    def __init__(self) -> None:
        # rowid: first-offered order (an upsert keeps a row's rowid); url UNIQUE: the index
        # get() and the upsert use. The whole fill is one transaction.
        self._db = scratch_table("CREATE TABLE captures (url TEXT NOT NULL UNIQUE, "
                                 "file INTEGER NOT NULL, pos INTEGER NOT NULL, "
                                 "status INTEGER NOT NULL, mime TEXT NOT NULL, "
                                 "stamp TEXT NOT NULL)")
        self._pending: list[Row] = []
        self._count = 0

    def offer(self, url: str, file_rank: int, offset: int, status: int, mime: str,
              stamp: str) -> None:
        """A capture of ``url``; it replaces the one kept when its rank is not smaller
        (a later capture wins, and of two alike the last offered)."""
        self._pending.append((url, file_rank, offset, status, mime, stamp))
        if len(self._pending) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        try:
            self._db.executemany(
                "INSERT INTO captures VALUES (?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET "
                "file=excluded.file, pos=excluded.pos, status=excluded.status, "
                "mime=excluded.mime, stamp=excluded.stamp "
                "WHERE (excluded.stamp, excluded.file, excluded.pos) "
                ">= (captures.stamp, captures.file, captures.pos)", self._pending)
        except sqlite3.Error as exc:
            self.close()
            raise scratch_error(exc) from exc
        self._pending.clear()

    def finish(self) -> None:
        """Write what is pending and end the fill."""
        self._flush()
        try:
            self._db.execute("COMMIT")
            self._count = self._db.execute("SELECT COUNT(*) FROM captures").fetchone()[0]
        except sqlite3.Error as exc:
            self.close()
            raise scratch_error(exc) from exc

    def __len__(self) -> int:
        return self._count

    def get(self, url: str) -> Row | None:
        return self._db.execute("SELECT * FROM captures WHERE url = ?", (url,)).fetchone()

    def __iter__(self) -> Iterator[Row]:
        """Rows in first-offered order, read lazily (a cursor, not a list)."""
        return iter(self._db.execute("SELECT * FROM captures ORDER BY rowid"))

    def close(self) -> None:
        self._db.close()  # SQLite removes the temporary file



class ScratchSet:
    """A set of strings (URLs, ids) kept on disk as their 64-bit hashes: the in-memory
    hash set's rule (Python's ``hash``, stable for the process, the set's lifetime; two
    strings share a hash with a chance of about n^2 / 2^65) at a few bytes of disk per
    item instead of about 140 B of memory. For sets that grow with the archive and are
    asked once per post (a SQLite round trip costs microseconds, an extraction
    milliseconds). Hand-written: a 20-line wrapper of a one-column SQLite table.

    Its writes are one transaction never committed: nobody else reads the table, SQLite
    reads its own uncommitted rows, and :meth:`close` drops it all.
    """

    def __init__(self) -> None:
        self._db = scratch_table("CREATE TABLE hashes (h INTEGER PRIMARY KEY)")
        self._len = 0

    def add(self, item: str | bytes) -> bool:
        """Add ``item``; whether it was new."""
        try:
            new = self._db.execute("INSERT OR IGNORE INTO hashes VALUES (?)",
                                   (hash(item),)).rowcount == 1
        except sqlite3.Error as exc:  # its temporary folder is full
            raise scratch_error(exc) from exc
        self._len += new
        return new

    def __contains__(self, item: object) -> bool:
        return self._db.execute("SELECT 1 FROM hashes WHERE h = ?",
                                (hash(item),)).fetchone() is not None

    def __len__(self) -> int:
        return self._len

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ScratchSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
