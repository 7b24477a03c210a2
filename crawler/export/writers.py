"""Shard writers: rows -> ``data/train-0000i-of-0000n.<ext>`` files in JSONL, Parquet
(also ``--format hf``) or CSV, rotated by rows or bytes; JSON values coerced to what
Arrow expects (timestamps parsed; lists and structs JSON-encoded in CSV cells)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timezone
from pathlib import Path
from typing import Any

import pyarrow as pa

from archive.errors import ArchiveError
from crawler.export.options import EXTENSIONS, SPLIT, ExportOptions, parse_date_value


def coerce(value: Any, typ: pa.DataType, offset: timezone, bad: list[int]) -> Any:
    """A JSON value -> the Python value pyarrow expects for ``typ`` (timestamps parsed)."""
    if value is None:
        return None
    if pa.types.is_timestamp(typ):
        parsed = parse_date_value(value, offset)
        if parsed is None:
            bad[0] += 1
            return None
        return parsed[0]
    if pa.types.is_list(typ) or pa.types.is_large_list(typ):
        if not isinstance(value, list):
            return None
        return [coerce(v, typ.value_type, offset, bad) for v in value]
    if pa.types.is_struct(typ):
        if not isinstance(value, dict):
            return None
        return {typ.field(i).name: coerce(value.get(typ.field(i).name), typ.field(i).type,
                                           offset, bad)
                for i in range(typ.num_fields)}
    return value


def is_nested(typ: pa.DataType) -> bool:
    return pa.types.is_list(typ) or pa.types.is_large_list(typ) or pa.types.is_struct(typ)


def text_schema(schema: pa.Schema, *, flat: bool) -> pa.Schema:
    """The schema as a text format carries it: timestamps are ISO strings; with ``flat``
    (CSV) lists and structs are JSON strings too."""
    def conv(typ: pa.DataType) -> pa.DataType:
        if pa.types.is_timestamp(typ):
            return pa.string()
        if is_nested(typ) and flat:
            return pa.string()
        if pa.types.is_list(typ) or pa.types.is_large_list(typ):
            return pa.list_(conv(typ.value_type))
        if pa.types.is_struct(typ):
            return pa.struct([pa.field(f.name, conv(f.type), f.nullable) for f in typ])
        return typ
    return pa.schema([pa.field(f.name, conv(f.type), f.nullable) for f in schema])


class ShardWriter:
    """Rows -> numbered shard files in one format; rotation by rows or bytes."""

    def __init__(self, data_dir: Path, fmt: str, schema: pa.Schema, options: ExportOptions,
                 bad_dates: list[int]) -> None:
        """``schema`` is the typed row schema; the file's own schema follows the format."""
        self.dir = data_dir
        self.fmt = fmt
        self.ext = EXTENSIONS[fmt]
        self.schema = schema if self.ext == "parquet" else \
            text_schema(schema, flat=self.ext == "csv")
        self.names = schema.names
        self.nested = {f.name for f in schema if is_nested(f.type)}
        self.shard_rows = options.shard_rows
        self.shard_bytes = options.shard_bytes
        self.row_group = max(1, min(options.row_group_rows, options.shard_rows or 10**9))
        self.offset = options.default_offset
        self.bad = bad_dates
        self.files: list[Path] = []
        self._rows_in_shard = 0
        self._sink: Any = None
        self._writer: Any = None
        self._batch: list[dict[str, Any]] = []
        self._batch_bytes = 0
        self._groups_in_shard = 0
        # A row group is flushed at row_group_rows rows or at this many bytes of text
        # (a quarter of a byte-sized shard, so rotation has several groups to cut at).
        self.group_bytes = (max(1, options.shard_bytes // 4) if options.shard_bytes
                            else 64 * 2**20)

    # shard lifecycle
    def _open(self) -> None:
        path = self.dir / f"{SPLIT}-{len(self.files):05d}.{self.ext}.part"
        self.files.append(path)
        self._rows_in_shard = 0
        self._groups_in_shard = 0
        if self.ext == "parquet":
            import pyarrow.parquet as pq
            self._sink = pa.OSFile(str(path), "wb")
            self._writer = pq.ParquetWriter(self._sink, self.schema, compression="zstd")
        else:
            self._sink = open(path, "w", encoding="utf-8", newline="")
            if self.ext == "csv":
                self._writer = csv.writer(self._sink, lineterminator="\n")
                self._writer.writerow(self.names)

    def _size(self) -> int:
        return self._sink.tell() if self._sink is not None else 0

    def _close_shard(self) -> None:
        if self._sink is None:
            return
        self._flush_batch()
        if self.ext == "parquet":
            self._writer.close()
        self._sink.close()
        self._sink = self._writer = None

    def _flush_batch(self) -> None:
        """Write the pending rows as one Parquet row group."""
        if not self._batch:
            return
        rows = [{n: coerce(r.get(n), self.schema.field(n).type, self.offset, self.bad)
                 for n in self.names} for r in self._batch]
        try:
            table = pa.Table.from_pylist(rows, schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            first = self._batch[0].get("canonical_url") or self._batch[0].get("url")
            detail = " ".join(str(exc).split())[:200]
            raise ArchiveError(f"a record does not fit the schema (row group starting at "
                               f"{first}): {detail}") from None
        self._writer.write_table(table)
        self._batch = []
        self._batch_bytes = 0
        self._groups_in_shard += 1

    def write(self, row: dict[str, Any]) -> None:
        if self._sink is not None and self.shard_rows and \
                self._rows_in_shard >= self.shard_rows:
            self._close_shard()
        if self._sink is None:
            self._open()
        self._rows_in_shard += 1
        if self.ext == "parquet":
            self._batch.append(row)
            self._batch_bytes += len(row.get("text") or "") + 512
            if len(self._batch) >= self.row_group or self._batch_bytes >= self.group_bytes:
                self._flush_batch()
                # rotate when one more group of the average size would pass the limit
                size = self._size()
                if self.shard_bytes and \
                        size + size / self._groups_in_shard > self.shard_bytes:
                    self._close_shard()
            return
        if self.ext == "jsonl":
            line = json.dumps({n: row.get(n) for n in self.names}, ensure_ascii=False) + "\n"
        else:
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(
                [self._csv_cell(n, row.get(n)) for n in self.names])
            line = buf.getvalue()
        if (self.shard_bytes and self._rows_in_shard > 1
                and self._size() + len(line.encode("utf-8")) > self.shard_bytes):
            self._rows_in_shard -= 1
            self._close_shard()
            self._open()
            self._rows_in_shard = 1
        self._sink.write(line)

    def _csv_cell(self, name: str, value: Any) -> Any:
        if value is None:
            return ""
        if name in self.nested:
            return json.dumps(value, ensure_ascii=False)
        return value

    def finish(self) -> list[Path]:
        """Close the last shard; name shards '<split>-0000i-of-0000n.<ext>'."""
        self._close_shard()
        if not self.files:   # an empty dataset still has one (empty) shard with a schema
            self._open()
            self._close_shard()
        final = []
        n = len(self.files)
        for i, part in enumerate(self.files):
            target = self.dir / f"{SPLIT}-{i:05d}-of-{n:05d}.{self.ext}"
            part.rename(target)
            final.append(target)
        self.files = final
        return final
