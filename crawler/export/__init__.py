"""Dataset export: article records -> filtered, deduplicated, ordered, sharded dataset.

The one home of ``newsarchive export`` (the command only parses arguments and wires).

Public API:

- :func:`export_dataset` ``(jsonl_paths, out, *, options, schema, docs, to_row,
  records=None, title=, crawl_notes=, progress=) -> ExportSummary``: generic over record
  dicts as written to ``articles.jsonl`` (keys used: ``canonical_url``, ``url``, ``text``,
  ``date_published``, ``categories``, ``language``, ``site_name``, ``word_count``,
  ``provenance[*].fetched_at``); the caller gives the Arrow ``schema`` of a row, a doc
  string per column and ``to_row(record) -> row``. Writes
  ``OUT/data/train-0000i-of-0000n.<ext>`` and ``OUT/README.md`` (Hugging Face card).
  :func:`check_export_target` is its check of ``OUT`` (refused if it exists, unless
  ``force``), also run by the command before any work.
- :class:`ExportOptions` (format, shard size, filters, dedup settings; validated),
  :data:`FORMATS`; :func:`parse_shard_size`, :func:`parse_bound` (``--since/--until``),
  :func:`parse_date_value`; :class:`ExportSummary` (``lines()`` for stdout);
  :class:`Progress` (throttled lines on stderr).
- The Article row (:mod:`crawler.export.rows`): :func:`article_schema`,
  :func:`field_docs`, :func:`article_row`; crawl folders as input:
  :func:`crawl_dirs_jsonl`, :func:`warc_paths`, :func:`reextracted_records`,
  :func:`warcinfo_notes`.
- Pieces with tests of their own: :func:`normalise_text`, :func:`text_hash`,
  :func:`shingles`, :func:`hf_features`, :func:`text_schema`.

Modules: ``options`` (options, layout, parsing), ``sources`` (JSONL read back by offset),
``selection`` (key table, filters, versions, exact duplicates), ``dedup`` (near
duplicates), ``writers`` (shards per format), ``card`` (the dataset card), ``summary``
(progress and summary), ``pipeline`` (the run), ``rows`` (the Article row).

How it works (three passes; memory does not grow with the texts of the archive):

1. *scan*: each JSONL file is streamed; for every record one small key row (file number,
   byte offset, canonical URL, capture time, sort key, filter verdict, a 16-byte hash of
   the normalised text) goes into a SQLite table on disk.
2. *select*: SQL marks old versions of edited articles, filtered records and exact
   duplicates; near duplicates are found with MinHash LSH (datasketch), visiting records
   earliest capture first and reading each text back by its offset. The LSH holds band
   keys per kept record, never texts.
3. *write*: kept records are read back by offset in the stable order
   (date_published instant, canonical_url, capture time) that SQLite sorts on disk
   (an external sort of keys only; records are never all in memory), converted to rows
   and written shard by shard (Parquet row group by row group).

Trade-off of sorting keys only: each record is parsed three times (scan, near-dup check,
write) and the write pass reads the input in sorted, not file, order (random reads the
page cache mostly absorbs), in exchange for memory that does not grow with the archive:
the key table (~150 bytes a record) and the LSH band index are SQLite tables on disk
with a bounded page cache.

Everything is written into a temporary sibling folder of ``OUT`` and renamed at the end,
so a folder named ``OUT`` is always a complete dataset. Settings read: none (not a Scrapy
component); everything comes in :class:`ExportOptions`.
"""

from __future__ import annotations

import importlib
from typing import Any

# What the package offers, by the module that defines it: imported when first used (PEP
# 562), so that the CLI, which registers every command, does not load pyarrow for a crawl.
_WHERE = {
    "hf_features": "card", "render_card": "card", "shingles": "dedup",
    "DATA_DIR": "options", "EXTENSIONS": "options", "FORMATS": "options", "SPLIT": "options",
    "ExportOptions": "options", "parse_bound": "options", "parse_date_value": "options",
    "parse_shard_size": "options", "check_export_target": "pipeline",
    "export_dataset": "pipeline", "FLAT_PROVENANCE": "rows", "RebuildFn": "rows",
    "article_row": "rows", "article_schema": "rows", "crawl_dirs_jsonl": "rows",
    "field_docs": "rows", "reextracted_records": "rows", "warc_paths": "rows",
    "warcinfo_notes": "rows", "normalise_text": "selection", "text_hash": "selection",
    "ExportSummary": "summary", "Progress": "summary", "text_schema": "writers",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "DATA_DIR", "EXTENSIONS", "FLAT_PROVENANCE", "FORMATS", "SPLIT", "ExportOptions",
    "ExportSummary", "Progress", "RebuildFn", "article_row", "article_schema",
    "check_export_target", "crawl_dirs_jsonl", "export_dataset", "field_docs",
    "hf_features", "normalise_text", "parse_bound", "parse_date_value", "parse_shard_size",
    "reextracted_records", "render_card", "shingles", "text_hash", "text_schema",
    "warc_paths", "warcinfo_notes",
]
