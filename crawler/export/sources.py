"""The input records: JSONL files streamed once, then read back by (file number, byte
offset), so no pass keeps texts in memory; re-extracted records are spooled to a JSONL
file first so that they can be read back the same way."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from archive.errors import ArchiveError
from crawler.export.summary import Progress


class Sources:
    """Random access to records of several JSONL files by (file number, offset)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._handles: dict[int, IO[bytes]] = {}

    def scan(self) -> Iterator[tuple[int, int, dict[str, Any]]]:
        for src, path in enumerate(self.paths):
            try:
                handle = open(path, "rb")
            except OSError as exc:
                raise ArchiveError(f"cannot read {path}: {exc.strerror}") from None
            with handle:
                offset = 0
                for lineno, line in enumerate(handle, 1):
                    start, offset = offset, offset + len(line)
                    if not line.strip():
                        continue
                    yield src, start, self._decode(line, path, lineno)

    def read(self, src: int, offset: int) -> dict[str, Any]:
        handle = self._handles.get(src)
        if handle is None:
            handle = self._handles[src] = open(self.paths[src], "rb")
        handle.seek(offset)
        return self._decode(handle.readline(), self.paths[src], None)

    @staticmethod
    def _decode(line: bytes, path: Path, lineno: int | None) -> dict[str, Any]:
        where = f"{path}:{lineno}" if lineno else str(path)
        try:
            record = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            hint = "" if line.endswith(b"\n") else " (truncated last line?)"
            raise ArchiveError(f"{where}: not a JSON record{hint}") from None
        if not isinstance(record, dict):
            raise ArchiveError(f"{where}: not a JSON object")
        if not isinstance(record.get("canonical_url") or record.get("url"), str):
            raise ArchiveError(f"{where}: record has no canonical_url")
        return record

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()


def spool_records(records: Iterable[dict[str, Any]], path: Path,
                  progress: Progress | None = None) -> int:
    """Write records to a JSONL file (streaming); return how many."""
    n = 0
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
            n += 1
            if progress:
                progress.tick("re-extracted", n)
    return n
