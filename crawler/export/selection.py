"""Which records become rows: the key table, filters, versions and exact duplicates.

Pass 1 (:func:`scan_keys`) streams every record once and stores one small key row per
record in the SQLite table ``keys`` (file number, byte offset, canonical URL, capture
time, sort key, filter verdict, a 16-byte hash of the normalised text, status). Pass 2
(:func:`select`) marks, in SQL, the old versions of edited articles (the latest capture
of a canonical_url wins), the records the filters drop and the exact duplicates (the
earliest capture of a text wins); near duplicates are :mod:`crawler.export.dedup`'s.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.export.options import ExportOptions, parse_date_value, utc_key
from crawler.export.sources import Sources
from crawler.export.summary import ExportSummary, Progress
from crawler.extract.textnorm import nfc, word_count

# Status of a key row after selection.
KEPT, OLD_VERSION, FILTERED, EXACT_DUP, NEAR_DUP = (
    "kept", "old_version", "filtered", "exact_dup", "near_dup")


def normalise_text(text: str) -> str:
    """The text as compared for duplicates: NFC, casefolded, whitespace collapsed."""
    # str.split() splits on every Unicode whitespace, like \s+, several times faster
    return " ".join(nfc(text).casefold().split())


def text_hash(text: str) -> bytes | None:
    """16-byte hash of the normalised text; None for an empty text (never a duplicate)."""
    norm = normalise_text(text or "")
    if not norm:
        return None
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=16).digest()


def host_of(record: dict[str, Any]) -> str:
    url = record.get("canonical_url") or record.get("url") or ""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def capture_time(record: dict[str, Any]) -> str:
    """Earliest provenance fetched_at of the record as a sortable UTC key ('' if none)."""
    best = ""
    for prov in record.get("provenance") or ():
        parsed = parse_date_value((prov or {}).get("fetched_at"), UTC)
        if parsed:
            key = utc_key(parsed[0])
            if not best or key < best:
                best = key
    return best


class RecordFilter:
    """The --since/--until/--category/--site/--min-words/--language tests of a record."""

    def __init__(self, options: ExportOptions) -> None:
        self.since = options.since
        self.until = options.until
        self.categories = {normalise_text(c) for c in options.categories}
        self.sites = {s.lower().removeprefix("www.") for s in options.sites}
        self.site_names = {normalise_text(s) for s in options.sites}
        self.min_words = options.min_words
        self.languages = {lang.lower().split("-")[0] for lang in options.languages}
        self.offset = options.default_offset

    def __call__(self, record: dict[str, Any], published: datetime | None) -> bool:
        if self.since or self.until:
            if published is None:
                return False
            if self.since and published < self.since:
                return False
            if self.until and published >= self.until:
                return False
        if self.categories:
            cats = {normalise_text(c) for c in record.get("categories") or () if c}
            if not cats & self.categories:
                return False
        if self.sites:
            host = host_of(record)
            site_ok = any(host == s or host.endswith("." + s) for s in self.sites)
            if not site_ok and normalise_text(record.get("site_name") or "") \
                    not in self.site_names:
                return False
        if self.min_words:
            words = record.get("word_count")
            if not isinstance(words, int) or words <= 0:
                words = word_count(record.get("text") or "")
            if words < self.min_words:
                return False
        if self.languages:
            lang = (record.get("language") or "").lower().split("-")[0]
            if lang not in self.languages:
                return False
        return True


_INSERT_KEYS = ("INSERT INTO keys (src, off, canonical_url, fetched_at, sort_key,"
                " passes, hash, status) VALUES (?,?,?,?,?,?,?,?)")


def scan_keys(db: sqlite3.Connection, sources: Sources, options: ExportOptions,
              on_capture: Callable[[str, str], None], summary: ExportSummary,
              progress: Progress) -> None:
    """Pass 1: one key row per record into the table ``keys``; ``on_capture(host,
    fetched_at)`` is told of every record read (the card's crawl table)."""
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -16000")   # 16 MB page cache, spills to disk beyond
    db.execute("""CREATE TABLE keys (
        rid INTEGER PRIMARY KEY, src INTEGER, off INTEGER, canonical_url TEXT,
        fetched_at TEXT, sort_key TEXT, passes INTEGER, hash BLOB, status TEXT)""")
    keep = RecordFilter(options)
    batch: list[tuple[Any, ...]] = []
    for src, off, record in sources.scan():
        summary.input_records += 1
        parsed = parse_date_value(record.get("date_published"), options.default_offset)
        published = parsed[0] if parsed else None
        fetched = capture_time(record)
        on_capture(host_of(record), fetched)
        canonical = nfc(record.get("canonical_url") or record.get("url") or "")
        batch.append((src, off, canonical, fetched,
                      utc_key(published) if published else None,
                      int(keep(record, published)), text_hash(record.get("text") or ""),
                      KEPT))
        if len(batch) >= 5000:
            db.executemany(_INSERT_KEYS, batch)
            batch.clear()
        progress.tick("scanning", summary.input_records)
    if batch:
        db.executemany(_INSERT_KEYS, batch)
    db.execute("CREATE INDEX keys_url ON keys (canonical_url, fetched_at, rid)")
    db.commit()


def select(db: sqlite3.Connection, options: ExportOptions) -> None:
    """Pass 2 in SQL: old versions, filtered records, exact duplicates (in that order)."""
    if not options.all_versions:
        # Latest capture of each canonical_url wins (ties: the later record read).
        db.execute(f"""UPDATE keys SET status = '{OLD_VERSION}' WHERE EXISTS (
            SELECT 1 FROM keys AS k2 WHERE k2.canonical_url = keys.canonical_url AND
            (k2.fetched_at > keys.fetched_at OR
             (k2.fetched_at = keys.fetched_at AND k2.rid > keys.rid)))""")
    db.execute(f"UPDATE keys SET status = '{FILTERED}' WHERE status = '{KEPT}' AND passes = 0")
    if options.exact_dedup:
        # Earliest capture of each text wins. The candidates are fixed in a temporary
        # table first so the UPDATE does not see its own changes.
        db.execute(f"""CREATE TEMP TABLE live AS SELECT rid, hash, fetched_at FROM keys
                       WHERE status = '{KEPT}' AND hash IS NOT NULL""")
        db.execute("CREATE INDEX temp.live_hash ON live (hash, fetched_at, rid)")
        db.execute(f"""UPDATE keys SET status = '{EXACT_DUP}' WHERE status = '{KEPT}' AND
            hash IS NOT NULL AND EXISTS (
            SELECT 1 FROM live WHERE live.hash = keys.hash AND
            (live.fetched_at < keys.fetched_at OR
             (live.fetched_at = keys.fetched_at AND live.rid < keys.rid)))""")
        db.execute("DROP TABLE live")


def count_statuses(db: sqlite3.Connection, summary: ExportSummary) -> None:
    """Commit the selection and put its counts in ``summary``."""
    db.commit()
    counts = dict(db.execute("SELECT status, COUNT(*) FROM keys GROUP BY status").fetchall())
    summary.old_versions = counts.get(OLD_VERSION, 0)
    summary.filtered = counts.get(FILTERED, 0)
    summary.exact_dups = counts.get(EXACT_DUP, 0)
    summary.near_dups = counts.get(NEAR_DUP, 0)
