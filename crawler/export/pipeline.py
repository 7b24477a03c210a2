"""The export run: the three passes (scan, select, write) in a temporary sibling folder of
``OUT``, renamed to ``OUT`` at the end; the dataset card last. Generic over records: the
caller gives the Arrow schema of a row, a doc string per column and ``to_row``."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa

from archive.errors import ArchiveError
from crawler.export.card import CardStats, render_card
from crawler.export.dedup import near_dedup
from crawler.export.options import DATA_DIR, EXTENSIONS, ExportOptions
from crawler.export.selection import KEPT, count_statuses, scan_keys, select
from crawler.export.sources import Sources, spool_records
from crawler.export.summary import ExportSummary, Progress
from crawler.export.writers import ShardWriter, text_schema
from crawler.extract.textnorm import nfc

RowFn = Callable[[dict[str, Any]], dict[str, Any]]


def nfc_deep(value: Any) -> Any:
    """Every string inside ``value`` in NFC (lists and dicts walked)."""
    if isinstance(value, str):
        return value if unicodedata.is_normalized("NFC", value) else nfc(value)
    if isinstance(value, list):
        return [nfc_deep(v) for v in value]
    if isinstance(value, dict):
        return {k: nfc_deep(v) for k, v in value.items()}
    return value


def check_export_target(out: Path, force: bool) -> None:
    """Refuse an existing OUT unless ``force``; the parent must exist."""
    if out.exists() and not force:
        raise ArchiveError(f"{out} already exists (use --force to replace it)")
    if out.exists() and not out.is_dir():
        raise ArchiveError(f"{out} exists and is not a folder")
    if not out.parent.is_dir():
        raise ArchiveError(f"parent folder of {out} does not exist")


def work_dir_for(out: Path) -> Path:
    """The temporary sibling folder the dataset is built in (renamed to OUT at the end)."""
    return out.parent / f".{out.name}.tmp-{os.getpid()}"


def export_dataset(
    jsonl_paths: list[Path],
    out: Path,
    *,
    options: ExportOptions,
    schema: pa.Schema,
    docs: dict[str, str],
    to_row: RowFn,
    records: Iterable[dict[str, Any]] | None = None,
    title: str = "News articles",
    crawl_notes: list[str] | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ExportSummary:
    """Export the records of ``jsonl_paths`` (and of ``records``) to the folder ``out``.

    ``schema`` is the Arrow schema of a row (timestamps typed); ``to_row`` turns a record
    into a row dict with those keys. ``records`` (e.g. re-extracted from WARCs) are
    first spooled to a JSONL file in the temporary folder, so every record can be read
    back by offset. The temporary folder becomes ``out`` on success and is removed on
    failure (also on Ctrl-C)."""
    started = clock()
    progress = progress or Progress(None)
    check_export_target(out, options.force)
    work = work_dir_for(out)
    try:
        if work.exists():
            shutil.rmtree(work)
        work.mkdir()
    except OSError as exc:
        raise ArchiveError(f"cannot create {work}: {exc.strerror or exc}") from None
    try:
        paths = list(jsonl_paths)
        spool = work / ".spool.jsonl"
        if records is not None:
            n = spool_records(records, spool, progress)
            progress.note(f"re-extracted {n:,} records")
            paths.append(spool)
        summary = _export(paths, out, work, options, schema, docs, to_row, title,
                          crawl_notes or [], progress)
        spool.unlink(missing_ok=True)
        _replace(work, out)
    except (OSError, sqlite3.Error) as exc:   # disk full, permissions: one line, no debris
        shutil.rmtree(work, ignore_errors=True)
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ArchiveError(f"export failed: {reason}{where}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    summary.seconds = clock() - started
    return summary


def _replace(work: Path, out: Path) -> None:
    if out.exists():
        trash = out.parent / f".{out.name}.old-{os.getpid()}"
        out.rename(trash)
        work.rename(out)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        work.rename(out)


def _export(paths: list[Path], out: Path, work: Path, options: ExportOptions,
            schema: pa.Schema, docs: dict[str, str], to_row: RowFn, title: str,
            crawl_notes: list[str], progress: Progress) -> ExportSummary:
    summary = ExportSummary(out=out, fmt=options.fmt)
    stats = CardStats()
    sources = Sources(paths)
    db_path = work / ".keys.sqlite"
    db = sqlite3.connect(db_path)
    try:
        _select_records(db, sources, options, stats, summary, progress)
        files = _write_rows(db, sources, work / DATA_DIR, options, schema, to_row, stats,
                            summary, progress)
    finally:
        db.close()
        sources.close()
        db_path.unlink(missing_ok=True)
    summary.shards = [f"{DATA_DIR}/{p.name}" for p in files]
    data_bytes = sum(p.stat().st_size for p in files)
    file_schema = schema if EXTENSIONS[options.fmt] == "parquet" else \
        text_schema(schema, flat=options.fmt == "csv")
    card = render_card(title=title, fmt=options.fmt, schema=schema, file_schema=file_schema,
                       docs=docs, summary=summary, stats=stats, options=options,
                       crawl_notes=crawl_notes, data_bytes=data_bytes)
    (work / "README.md").write_text(card, encoding="utf-8")
    summary.bytes = data_bytes + len(card.encode("utf-8"))
    return summary


def _dropped(summary: ExportSummary) -> int:
    return (summary.filtered + summary.old_versions + summary.exact_dups
            + summary.near_dups)


def _select_records(db: sqlite3.Connection, sources: Sources, options: ExportOptions,
                    stats: CardStats, summary: ExportSummary, progress: Progress) -> None:
    """Passes 1 and 2: the key table, then the status of every record."""
    scan_keys(db, sources, options, stats.add_capture, summary, progress)
    select(db, options)
    if options.near_dedup:
        near_dedup(db, sources, options, progress)
    count_statuses(db, summary)
    if summary.input_records == _dropped(summary):
        # an empty split cannot be loaded (datasets refuses it): say so instead
        raise ArchiveError(
            f"nothing to export: {summary.input_records:,} records read, "
            f"{summary.filtered:,} dropped by filter, {summary.old_versions:,} old "
            f"versions, {summary.exact_dups + summary.near_dups:,} duplicates")


def _write_rows(db: sqlite3.Connection, sources: Sources, data_dir: Path,
                options: ExportOptions, schema: pa.Schema, to_row: RowFn, stats: CardStats,
                summary: ExportSummary, progress: Progress) -> list[Path]:
    """Pass 3: kept records in the stable order (date_published instant, canonical_url,
    capture time; SQLite sorts the keys on disk) -> rows -> shards."""
    data_dir.mkdir()
    bad = [0]
    writer = ShardWriter(data_dir, options.fmt, schema, options, bad)
    order = db.execute(
        f"SELECT src, off FROM keys WHERE status = '{KEPT}' "
        "ORDER BY sort_key IS NULL, sort_key, canonical_url, fetched_at, rid")
    keep = summary.input_records - _dropped(summary)
    for n, (src, off) in enumerate(order, 1):
        record = nfc_deep(sources.read(src, off))
        stats.add_row(record)
        writer.write(to_row(record))
        summary.rows = n
        progress.tick("writing", n, keep)
    files = writer.finish()
    summary.bad_dates = bad[0]
    return files
