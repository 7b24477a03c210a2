"""The Article record as a dataset row: Arrow schema, column docs, rows, re-extraction.

Derived from the dataclasses of :mod:`crawler.items` (types and ``metadata["doc"]``), so a
new Article field shows up in every export format and in the dataset card without an
edit here. A row is every Article field in schema order (``images`` and ``provenance``
as lists of structs) followed by the provenance of the first page flattened into
columns (``warc_filename``, ``warc_offset``, ``warc_length``, ``warc_record_id``,
``warc_payload_digest``, ``fetched_at``), so a CSV user can find the WARC record
without decoding JSON.

Types: ``str`` -> string, ``int`` -> int64, ``list[str]`` -> list<string>, nested
dataclasses -> struct; ``date_published``, ``date_modified`` and ``fetched_at`` are
timestamps with zone (:data:`DATASET_TZ`, the offset of ``VN_TZ``, the schema's default
zone; ``fetched_at`` is UTC). Settings read: none.

Crawl folders as export input: ``DIR/articles.jsonl`` (:func:`crawl_dirs_jsonl`), or
records re-extracted from the WARCs of ``DIR/warc/`` (:func:`reextracted_records`, files
found by :func:`archive.index.find_warc_files`), and the crawl lines of the dataset card
(:func:`warcinfo_notes`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from archive.errors import ArchiveError
from archive.index import find_warc_files
from crawler.errors import NewsarchiveError
from crawler.export.options import offset_text
from crawler.extract.dates import VN_TZ
from crawler.items import Article, Image, Provenance, article_to_dict

DATASET_TZ = offset_text(VN_TZ)
TIMESTAMP_FIELDS = frozenset({"date_published", "date_modified"})
FLAT_PROVENANCE = ("warc_filename", "warc_offset", "warc_length", "warc_record_id",
                   "warc_payload_digest", "fetched_at")

RebuildFn = Callable[[list[Path]], Iterable[Article]]


def _arrow_type(cls: type, name: str, hint: Any) -> pa.DataType:
    origin = typing.get_origin(hint)
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and args:
        return _arrow_type(cls, name, args[0])
    if name in TIMESTAMP_FIELDS and cls is Article:
        return pa.timestamp("us", tz=DATASET_TZ)
    if name == "fetched_at" and cls is Provenance:
        return pa.timestamp("us", tz="UTC")
    if origin is list:
        return pa.list_(_arrow_type(cls, name, args[0]))
    if dataclasses.is_dataclass(hint):
        return pa.struct(_fields(hint))
    if hint is str:
        return pa.string()
    if hint is int:
        return pa.int64()
    if hint is bool:
        return pa.bool_()
    if hint is float:
        return pa.float64()
    raise TypeError(f"no Arrow type for {cls.__name__}.{name}: {hint!r}")


def _fields(cls: type) -> list[pa.Field]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        required = f.metadata.get("required", False)
        out.append(pa.field(f.name, _arrow_type(cls, f.name, hints[f.name]),
                            nullable=not required))
    return out


def article_schema() -> pa.Schema:
    """Arrow schema of an export row (Article fields, then flattened provenance)."""
    fields = _fields(Article)
    prov = {f.name: f for f in _fields(Provenance)}
    for name in FLAT_PROVENANCE:
        fields.append(prov[name].with_nullable(True))   # null when a record has none
    return pa.schema(fields)


def field_docs() -> dict[str, str]:
    """Column name -> description, from the dataclass field docs."""
    docs = {f.name: f.metadata.get("doc", "") for f in dataclasses.fields(Article)}
    docs["images"] += " Struct fields: " + "; ".join(
        f"{f.name}: {f.metadata.get('doc', '')}" for f in dataclasses.fields(Image))
    docs["provenance"] += " Struct fields: " + "; ".join(
        f"{f.name}: {f.metadata.get('doc', '')}" for f in dataclasses.fields(Provenance))
    prov = {f.name: f.metadata.get("doc", "") for f in dataclasses.fields(Provenance)}
    for name in FLAT_PROVENANCE:
        docs[name] = f"First page's provenance: {prov[name]}"
    return docs


_ARTICLE_FIELDS = [(f.name, f) for f in dataclasses.fields(Article)]
_IMAGE_FIELDS = [f.name for f in dataclasses.fields(Image)]
_PROV_FIELDS = [f.name for f in dataclasses.fields(Provenance)]


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return f.default_factory()  # type: ignore[misc]
    if f.default is not dataclasses.MISSING:
        return f.default
    return None


def article_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record of articles.jsonl -> an export row (keys in schema order).

    Missing optional fields take their schema default, unknown keys are ignored (a
    record written by another schema version still exports); nested lists keep only the
    schema's keys."""
    row: dict[str, Any] = {}
    for name, f in _ARTICLE_FIELDS:
        value = record.get(name, _default(f))
        if name == "images":
            value = [{k: (i or {}).get(k) for k in _IMAGE_FIELDS} for i in value or ()]
        elif name == "provenance":
            value = [{k: (p or {}).get(k) for k in _PROV_FIELDS} for p in value or ()]
        if value is None and f.metadata.get("required"):
            where = record.get("canonical_url") or record.get("url") or "a record"
            raise NewsarchiveError(f"{where}: required field {name!r} is missing")
        row[name] = value
    first = row["provenance"][0] if row["provenance"] else {}
    for name in FLAT_PROVENANCE:
        row[name] = first.get(name)
    return row


def crawl_dirs_jsonl(dirs: list[Path]) -> list[Path]:
    """DIR/articles.jsonl of each crawl folder; a one-line error for a bad folder."""
    paths = []
    for d in dirs:
        if not d.is_dir():
            raise NewsarchiveError(f"{d}: no such crawl folder")
        path = d / "articles.jsonl"
        if not path.is_file():
            raise NewsarchiveError(f"{d}: no articles.jsonl (crawl not run here? "
                                   "use --reextract to rebuild records from its WARCs)")
        paths.append(path)
    return paths


def _crawl_warcs(d: Path) -> list[Path]:
    """The WARC files of the crawl folder ``d`` (in ``d/warc/``; [] if none)."""
    folder = d / "warc"
    if not folder.is_dir():
        return []
    try:
        return find_warc_files([folder])
    except ArchiveError:   # a folder holding no WARC file: the caller says so its own way
        return []


def warc_paths(d: Path) -> list[Path]:
    """The WARC files of the crawl folder ``d``; a one-line error when there are none."""
    if not d.is_dir():
        raise NewsarchiveError(f"{d}: no such crawl folder")
    paths = _crawl_warcs(d)
    if not paths:
        raise NewsarchiveError(f"{d}: no WARC files in {d / 'warc'}")
    return paths


def _default_rebuild() -> RebuildFn:
    from crawler.rebuild import rebuild_from_warcs  # imports the extractor: only when used

    return rebuild_from_warcs


def reextracted_records(dirs: list[Path], rebuild: RebuildFn | None = None
                        ) -> Iterator[dict[str, Any]]:
    """Article records rebuilt from the WARCs of DIR/warc/ (no network), as dicts.

    ``rebuild`` defaults to :func:`crawler.rebuild.rebuild_from_warcs`. An unreadable,
    corrupt or truncated WARC ends the export with one line naming the folder."""
    rebuild = rebuild or _default_rebuild()
    for d in dirs:
        paths = warc_paths(d)
        try:
            for article in rebuild(paths):
                yield article_to_dict(article) if isinstance(article, Article) else article
        except ArchiveError:
            raise
        except Exception as exc:  # warcio/zlib/EOF errors of a damaged file
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise NewsarchiveError(f"{d / 'warc'}: cannot re-extract (corrupt or "
                                   f"truncated WARC?): {detail}") from None


def warcinfo_notes(dirs: list[Path]) -> list[str]:
    """One line per crawl folder from the warcinfo record of its first WARC file
    (software, operator, hostname, isPartOf, date), for the dataset card."""
    from archive.reader import first_record, warcinfo_fields

    notes = []
    for d in dirs:
        paths = _crawl_warcs(d) if d.is_dir() else []
        if not paths:
            continue
        note = f"{d.name}: {len(paths)} WARC file(s)"
        try:
            record = first_record(paths[0])
        except ArchiveError as exc:  # the card is informative; a bad first record is noted
            note += f" (warcinfo unreadable: {type(exc).__name__})"
            record = None
        if record is not None and record.rec_type == "warcinfo":
            fields = warcinfo_fields(record.block)
            last = {k: v[-1] for k, v in fields.items()}
            keep = [f"{k}={last[k]}" for k in
                    ("software", "operator", "isPartOf", "hostname", "robots") if last.get(k)]
            note += f", warcinfo {record.get('WARC-Date') or ''} " + ", ".join(keep)
        notes.append(note)
    return notes
