"""Index sidecars: a WARC file's index entries, written while the file is written.

A crawl writes with ``WarcWriter(index_sidecar=True)``: beside ``NAME.warc.gz.open`` it
appends one CDXJ line (:func:`archive.cdxj.make_entry`, the rule every index uses) per
indexed record to ``NAME.warc.gz.cdxj.part``. When the WARC is finished, a last line
``!warc SIZE MTIME_NS`` records the finished file and the sidecar becomes
``NAME.warc.gz.cdxj``. Building an index (:func:`archive.index.iter_entries`) then takes
that file's entries from its sidecar instead of reading the file back (decompressing and
parsing every record: about half a millisecond per record, the better part of the time a
crawl spent after its last response).

The sidecar is trusted only while it ends with that line and the WARC still has that size
and modification time: a sidecar cut short by a kill, or a WARC changed since (repaired,
appended to), is ignored and the WARC read as before. ``!`` lines are comments to CDXJ
readers, so a sidecar is itself an (unsorted) CDXJ file. ``archive.index.update_cdxj``
removes the sidecars whose lines it has merged into ``index.cdxj``;
``archive.writer.append_records`` extends a sealed sidecar with what it appends.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from archive.cdxj import CdxjEntry, make_entry
from archive.errors import ArchiveError
from archive.records import WarcRecord

SUFFIX = ".cdxj"
PART_SUFFIX = ".part"
_TAIL_BYTES = 128  # the "!warc SIZE MTIME_NS" line is well under this


def path_for(warc: str | os.PathLike[str]) -> Path:
    """The finished sidecar of a WARC file (``NAME.warc.gz`` -> ``NAME.warc.gz.cdxj``)."""
    warc = Path(warc)
    return warc.with_name(warc.name + SUFFIX)


def _stamp(warc: Path) -> str:
    st = warc.stat()
    return f"!warc {st.st_size} {st.st_mtime_ns}"


def _http_head(block: bytes) -> tuple[str | None, str | None]:
    """(status code, first Content-Type value) of an HTTP head at the start of a block,
    as warcio reads them back (``get_statuscode()``, ``get_header("Content-Type")``)."""
    end = block.find(b"\r\n\r\n")
    lines = [_decode(line) for line in block[: end if end >= 0 else len(block)].split(b"\r\n")]
    parts = lines[0].split(" ", 2)
    status = parts[1] if len(parts) > 1 and lines[0].startswith("HTTP/") else None
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "content-type":
            return status, value.strip()
    return status, None


def _decode(line: bytes) -> str:
    """A header line as warcio decodes it: UTF-8, else ISO-8859-1."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("iso-8859-1")


def record_entry(record: WarcRecord, *, offset: int, length: int,
                 filename: str) -> CdxjEntry | None:
    """The index entry of a record as written (None when it is not indexed)."""
    rec_type = record.rec_type
    status = ctype = None
    if rec_type in ("response", "request", "revisit") and (
            record.get("Content-Type") or "").startswith("application/http"):
        status, ctype = _http_head(record.block)
    return make_entry(rec_type, record.get, status, ctype, lambda: _payload(record),
                      length=length, offset=offset, filename=filename)


def _payload(record: WarcRecord) -> bytes:
    """What follows the HTTP head of an HTTP record, the block otherwise (what the reader
    digests when a record carries no payload digest)."""
    if (record.get("Content-Type") or "").startswith("application/http"):
        end = record.block.find(b"\r\n\r\n")
        return record.block[end + 4:] if end >= 0 else b""
    return record.block


class SidecarWriter:
    """The sidecar of one WARC file being written. Never raises: a sidecar that cannot
    be written is dropped (its WARC is then read back when indexed)."""

    def __init__(self, warc: Path) -> None:
        self.warc = warc
        self.part = path_for(warc).with_name(path_for(warc).name + PART_SUFFIX)
        self._fh: TextIO | None
        try:
            self._fh = open(self.part, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        except OSError:
            self._fh = None

    def add(self, record: WarcRecord, offset: int, length: int) -> None:
        if self._fh is None:
            return
        try:
            entry = record_entry(record, offset=offset, length=length, filename=self.warc.name)
            if entry is not None:
                self._fh.write(entry.to_line() + "\n")
        except (OSError, ValueError, ArchiveError):
            self.abandon()

    def finish(self) -> None:
        """Seal the sidecar against the finished WARC (call after it is renamed)."""
        if self._fh is None:
            return
        try:
            self._fh.write(_stamp(self.warc) + "\n")
            self._fh.close()
            os.replace(self.part, path_for(self.warc))
        except OSError:
            self.abandon()
        self._fh = None

    def abandon(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
        self._fh = None
        with contextlib.suppress(OSError):
            self.part.unlink(missing_ok=True)


def seal(warc: str | os.PathLike[str]) -> str | None:
    """The seal line of a WARC file's sidecar when it describes the file as it is now,
    else None."""
    warc = Path(warc)
    try:
        with open(path_for(warc), "rb") as fh:
            fh.seek(max(0, fh.seek(0, os.SEEK_END) - _TAIL_BYTES))
            tail = fh.read().decode("utf-8", "replace").rstrip("\n").rsplit("\n", 1)[-1]
        return tail if tail == _stamp(warc) else None
    except OSError:
        return None


def entries(warc: str | os.PathLike[str]) -> Iterator[CdxjEntry] | None:
    """The entries of a WARC file from its sidecar, streamed; None when it has no sidecar
    that describes the file as it is now, or one with a line that is not CDXJ (checked
    before the first entry is given: a damaged sidecar means reading the WARC, never a
    failed index)."""
    path = path_for(warc)
    if seal(warc) is None:
        return None
    try:
        for _ in _read(path):
            pass
    except (OSError, UnicodeDecodeError, ArchiveError):
        return None
    return _read(path)


def extend(warc: str | os.PathLike[str], sealed: str,
           appended: list[tuple[WarcRecord, tuple[int, int]]]) -> None:
    """Add the entries of records just appended to a finished WARC file to its sidecar,
    sealed (``sealed``: the seal it had before the append) against the file as it is now.
    Anything amiss drops the sidecar: the file is then read back when indexed."""
    warc = Path(warc)
    path = path_for(warc)
    try:
        with open(path, "r+b") as fh:
            end = fh.seek(0, os.SEEK_END) - len(sealed) - 1
            fh.seek(end)
            if fh.read() != (sealed + "\n").encode("utf-8"):
                raise OSError("the sidecar changed")
            fh.seek(end)
            fh.truncate()
            for record, (offset, length) in appended:
                entry = record_entry(record, offset=offset, length=length, filename=warc.name)
                if entry is not None:
                    fh.write((entry.to_line() + "\n").encode("utf-8"))
            fh.write((_stamp(warc) + "\n").encode("utf-8"))
    except (OSError, ValueError, ArchiveError):
        remove(warc)


def _read(path: Path) -> Iterator[CdxjEntry]:
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip() and not line.startswith("!"):
                yield CdxjEntry.from_line(line, f"{path}:{number}")


def remove(warc: str | os.PathLike[str]) -> None:
    """Delete a WARC file's sidecar (finished or not), if any."""
    path = path_for(warc)
    for p in (path, path.with_name(path.name + PART_SUFFIX)):
        with contextlib.suppress(OSError):
            p.unlink(missing_ok=True)
