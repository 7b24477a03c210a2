"""Unfinished WARC files: find them, and repair the ones a dead writer left behind.

``archive.writer`` writes ``NAME.warc.gz.open`` and renames it to ``NAME.warc.gz`` when
the file is finished. A crawl killed with SIGKILL (or a machine that lost power) leaves
the ``.open`` file: every record in it is whole (records are written with one unbuffered
write each) except, possibly, the last one. :func:`repair` cuts the file after its last
whole record and gives it its final name, so the archive and everything that names
``NAME.warc.gz`` are whole again; what was cut is reported.

Whether the writer is still alive is read from the file name
(``PREFIX-TIMESTAMP-SERIAL-HOST-PID.warc.gz.open``): a file of a live process on this
host is never touched (:func:`is_stale`).
"""

from __future__ import annotations

import os
import re
import socket
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError
from archive.reader import iter_parsed
from archive.writer import OPEN_SUFFIX, safe_host

_NAME = re.compile(r"-(?P<host>[^-]+)-(?P<pid>\d+)\.warc(?:\.gz)?" + re.escape(OPEN_SUFFIX) + "$")


@dataclass(frozen=True)
class Repaired:
    """What :func:`repair` did to one file."""

    path: Path          # the finished file (the name without ``.open``)
    records: int        # whole records kept
    cut_bytes: int      # bytes cut off after the last whole record (0: none)


def unfinished(folder: str | os.PathLike[str]) -> list[Path]:
    """The ``.open`` WARC files in a folder and its subfolders, in path order."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*" + OPEN_SUFFIX)
                  if p.name.endswith((".warc" + OPEN_SUFFIX, ".warc.gz" + OPEN_SUFFIX))
                  and p.is_file())


def process_alive(pid: object) -> bool:
    """Whether a process with this id runs on this host (a pid that is not a number: no)."""
    try:
        os.kill(int(pid), 0)  # type: ignore[call-overload]
    except (ProcessLookupError, TypeError, ValueError, OverflowError):
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def is_stale(path: str | os.PathLike[str]) -> bool:
    """True when the ``.open`` file's writer is gone: its name names this host and a
    process that no longer runs. A file of another host, or with a name we did not write,
    is not judged stale (a shared folder may hold another machine's live crawl)."""
    m = _NAME.search(Path(path).name)
    if not m or m.group("host") != safe_host(socket.gethostname()):
        return False
    pid = int(m.group("pid"))
    return pid != os.getpid() and not process_alive(pid)


def _member_whole(path: Path, offset: int, length: int) -> bool:
    """Whether the gzip member at ``offset`` ends with its full trailer (the reader
    checks the last member's trailer only after it has yielded the record)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    if data[:2] != b"\x1f\x8b":
        return True  # an uncompressed record: its block was checked whole
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        d.decompress(data)
    except zlib.error:
        return False
    return d.eof


def _whole_prefix(path: Path) -> tuple[int, int]:
    """(records, bytes) of the longest run of whole records from the start of ``path``."""
    spans: list[tuple[int, int]] = []
    try:
        for _record, _rest, offset, length in iter_parsed(path):
            spans.append((offset, length))
    except ArchiveError:  # the damaged tail: everything before it is kept
        if spans and not _member_whole(path, *spans[-1]):
            spans.pop()
    return len(spans), (spans[-1][0] + spans[-1][1]) if spans else 0


def repair(path: str | os.PathLike[str]) -> Repaired:
    """Cut ``NAME.warc.gz.open`` after its last whole record and rename it ``NAME.warc.gz``.

    Checks its own work: the kept part must read back whole (a record cut inside its gzip
    trailer is dropped too). Raises ArchiveError when the final name is taken or the file
    cannot be written.
    """
    path = Path(path)
    if not path.name.endswith(OPEN_SUFFIX):
        raise ArchiveError(f"{path}: not an unfinished WARC (*{OPEN_SUFFIX})")
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    if final.exists():
        raise ArchiveError(f"{path}: cannot repair, {final.name} already exists")
    try:
        size = path.stat().st_size
        records, end = _whole_prefix(path)
        while True:
            with open(path, "r+b") as fh:
                fh.truncate(end)
            kept, check_end = _whole_prefix(path)
            if (kept, check_end) == (records, end):
                break
            records, end = kept, check_end  # a trailer cut: one record less
        os.replace(path, final)
    except OSError as exc:
        raise ArchiveError(f"cannot repair {path}: {exc.strerror or exc}") from exc
    return Repaired(final, records, size - end)


def repair_stale(paths: Iterable[str | os.PathLike[str]]) -> list[Repaired]:
    """:func:`repair` every stale ``.open`` file among ``paths`` (files or folders)."""
    done = []
    for raw in paths:
        item = Path(raw)
        candidates = unfinished(item) if item.is_dir() else [item]
        done.extend(repair(p) for p in candidates
                    if p.name.endswith(OPEN_SUFFIX) and is_stale(p))
    return done
