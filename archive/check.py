"""Strict WARC validator (WARC 1.1, also accepting 1.0 / 0.17 / 0.18 files).

Why hand-written: ``warcio check`` only verifies digests, and warcio's parser is lenient
by design (it folds case, tolerates LF line ends, ignores bad fields), so it cannot tell
a conformant record from one it merely manages to read. This module parses the raw
bytes itself and reports, per record:

- the version line (``WARC/1.1``, ``1.0``, ``0.18``, ``0.17``) and CRLF line ends;
- header encoding (UTF-8), field syntax (token names, continuation lines);
- mandatory fields (WARC-Record-ID, Content-Length, WARC-Date, WARC-Type), empty values,
  duplicated non-repeatable fields (only WARC-Concurrent-To may repeat);
- field formats: ids as ``<URI>``, W3C-ISO8601 dates, digits, IP addresses, media types,
  ``algorithm:value`` digests, segment numbers, WARC-Truncated reasons, URIs;
- record-type rules: WARC-Target-URI where required, WARC-Profile on revisits, a revisit
  target (WARC-Refers-To or WARC-Refers-To-Target-URI + Date), segment fields on
  continuations, fields a type shall not carry, Content-Type recommendations;
- WARC-Block-Digest and WARC-Payload-Digest (sha1/sha256/sha512/md5, base32/base16/base64)
  recomputed and compared;
- the CRLF CRLF after each block; gzip: one record per gzip member, truncated members;
- across the file set: duplicate record ids (error), and WARC-Concurrent-To /
  WARC-Refers-To / WARC-Warcinfo-ID / WARC-Segment-Origin-ID targets not found (notice:
  the spec does not require them to be in the same files).

Levels: ``error`` (a SHALL/MUST is broken), ``warning`` (a SHOULD is broken),
``notice`` (worth knowing, not a fault). A file is *valid* when it has no error and no
warning (``lenient=True`` ignores warnings), *invalid* otherwise, and *unreadable* when it
cannot be opened or is not a WARC (ARC and LZ4 files are reported as unsupported).

This module holds the public API (:class:`Problem`, :class:`FileResult`,
:class:`CheckReport`, :func:`check_files`, the levels) and the record walker, which
splits a file into version line, header lines, block and trailer. The bytes come from
``archive.check_stream`` (plain or gzip); the field tables and the field, block and
digest rules live in ``archive.check_rules``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archive.check_rules import (
    ERROR,
    KNOWN_VERSIONS,
    NOTICE,
    TOKEN_RE,
    VERSION_RE,
    WARNING,
    _RuleChecks,
)
from archive.check_stream import _gzip_segments, _plain_segments, _Stream

__all__ = ["ERROR", "NOTICE", "WARNING", "CheckReport", "FileResult", "Problem",
           "check_files"]

MAX_HEADER = 1 << 20  # a WARC header larger than 1 MiB is treated as garbage


@dataclass(frozen=True)
class Problem:
    path: str
    offset: int
    level: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.offset}: {self.level}: {self.message}"


@dataclass
class FileResult:
    path: str
    status: str = "valid"  # valid | invalid | unreadable
    records: int = 0
    problems: list[Problem] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(1 for p in self.problems if p.level == level)


@dataclass
class CheckReport:
    files: list[FileResult]
    lenient: bool = False

    @property
    def problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems]

    @property
    def exit_code(self) -> int:
        if any(f.status == "unreadable" for f in self.files):
            return 2
        if any(f.status == "invalid" for f in self.files):
            return 1
        return 0

    def summary(self) -> str:
        n = len(self.files)
        valid = sum(f.status == "valid" for f in self.files)
        invalid = sum(f.status == "invalid" for f in self.files)
        unreadable = sum(f.status == "unreadable" for f in self.files)
        records = sum(f.records for f in self.files)
        probs = self.problems
        counts = ", ".join(f"{sum(p.level == lv for p in probs)} {lv}s"
                           for lv in (ERROR, WARNING, NOTICE))
        return (f"{n} file{'s' * (n != 1)}, {records} records: {valid} valid, {invalid} invalid,"
                f" {unreadable} unreadable ({counts})")


class _Unreadable(Exception):
    pass


@dataclass
class _Head:
    """A record's head as read so far: its version, its fields, and ``end``, the offset
    after the last line read (the block start once the header lines are read)."""

    version: str
    end: int
    bad_eol: bool  # a line ended with a bare LF
    fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def length(self) -> int | None:
        """The first Content-Length, when it is a number."""
        lengths = [v for n, v in self.fields if n.lower() == "content-length"]
        if lengths and lengths[0].isdigit():
            return int(lengths[0])
        return None


class _Checker(_RuleChecks):
    """Walks the records of one file, checking each (rules from ``_RuleChecks``)."""

    def __init__(self, path: Path, result: FileResult, seen: dict[str, tuple[str, int]],
                 refs: list[tuple[str, int, str, str]]) -> None:
        self.path = path
        self.result = result
        self.seen_ids = seen
        self.refs = refs

    def add(self, offset: int, level: str, message: str) -> None:
        self.result.problems.append(Problem(str(self.path), offset, level, message))

    # ------------------------------------------------------------------ record parsing

    def run(self) -> None:
        try:
            fh = open(self.path, "rb")  # noqa: SIM115
        except OSError as exc:
            raise _Unreadable(f"cannot open: {exc.strerror or exc}") from exc
        with fh:
            magic = fh.read(4)
            fh.seek(0)
            gz_problems: list[tuple[int, str]] = []
            if magic[:2] == b"\x1f\x8b":
                stream = _Stream(_gzip_segments(fh, gz_problems))
                gzipped = True
            elif magic == b"\x04\x22\x4d\x18":
                raise _Unreadable("LZ4-compressed WARC: unsupported (decompress it first)")
            elif magic[:4].lower() == b"file":
                raise _Unreadable("ARC file (filedesc://...): unsupported, only WARC is checked")
            elif not magic:
                raise _Unreadable("empty file")
            else:
                stream = _Stream(_plain_segments(fh))
                gzipped = False
            self.stream = stream
            self.gzipped = gzipped
            self._walk()
            for offset, message in gz_problems:
                self.add(offset, ERROR, message)

    def _walk(self) -> None:
        """Check record after record until the stream ends or cannot be resynchronised."""
        stream = self.stream
        nxt: int | None = 0
        first = True
        while nxt is not None:
            pos = self._skip_blank(nxt, first)
            if pos is None or stream.at_end(pos):
                break
            if first and not self.gzipped and not stream.get(pos, pos + 5).upper().startswith(
                    b"WARC/") and stream.get(pos, pos + 11).lower() != b"filedesc://":
                raise _Unreadable("not a WARC file (no WARC/ version line at the start)")
            if first and stream.get(pos, pos + 11).lower() == b"filedesc://":
                raise _Unreadable(
                    "ARC file (filedesc://...): unsupported, only WARC is checked")
            first = False
            nxt = self._record(pos)
            if nxt is not None:
                stream.drop(nxt)

    def _skip_blank(self, pos: int, first: bool) -> int | None:
        """Skip blank lines between records (reported); return the next record start."""
        start = pos
        while True:
            chunk = self.stream.get(pos, pos + 2)
            if chunk == b"\r\n":
                pos += 2
            elif chunk[:1] == b"\n":
                pos += 1
            else:
                break
        if pos != start and not first:
            self.add(self.stream.file_offset(start), WARNING,
                     f"{pos - start} extra blank byte(s) between records")
        return pos

    def _record(self, pos: int) -> int | None:
        """Check the record at ``pos``; return where the next one starts (None: stop)."""
        off = self.stream.file_offset(pos)
        self.result.records += 1
        if self.gzipped and self.stream.member_at(pos) is None:
            self.add(off, WARNING, "record does not start a gzip member (one record per member)")
        head = self._version_line(pos, off)
        if not isinstance(head, _Head):
            return head
        if not self._header_lines(head, off):
            return None
        length = head.length
        self._check_fields(off, head.version, head.fields, length)
        return self._block(pos, off, head, length)

    def _version_line(self, pos: int, off: int) -> _Head | int | None:
        """The record's head after its version line, or (when that line is missing or
        broken) where to go on: the next record start, or None to stop."""
        eol = self.stream.find(b"\n", pos, MAX_HEADER)
        if eol < 0:
            self.add(off, ERROR, "truncated record: no complete version line")
            return None
        line = self.stream.get(pos, eol + 1)
        crlf_ok = line.endswith(b"\r\n")
        text = line.rstrip(b"\r\n")
        m = VERSION_RE.match(text)
        if not m:
            self.add(off, ERROR, f"expected a WARC/x.y version line, found {text[:40]!r}")
            return self._resync(eol + 1, off)
        if m.group(1).decode() not in KNOWN_VERSIONS:
            self.add(off, ERROR, f"unknown WARC version {text.decode('latin-1')!r}")
        elif not text.startswith(b"WARC/"):
            self.add(off, NOTICE, f"version line in lower case: {text.decode('latin-1')!r}")
        return _Head(m.group(1).decode(), eol + 1, not crlf_ok)

    def _header_lines(self, head: _Head, off: int) -> bool:
        """Read the header lines into ``head`` up to the empty line; False if the file
        ends first."""
        while True:
            eol = self.stream.find(b"\n", head.end, MAX_HEADER)
            if eol < 0:
                self.add(off, ERROR, "truncated record: header block does not end")
                return False
            raw = self.stream.get(head.end, eol + 1)
            if not raw.endswith(b"\r\n"):
                head.bad_eol = True
            content = raw.rstrip(b"\r\n")
            head.end = eol + 1
            if not content:
                break
            self._header_line(head.fields, off, content)
        if head.bad_eol:
            self.add(off, ERROR, "header lines must end with CRLF (found bare LF)")
        return True

    def _header_line(self, fields: list[tuple[str, str]], off: int, content: bytes) -> None:
        """Add one non-empty header line to ``fields`` (a field, or a continuation)."""
        try:
            decoded = content.decode("utf-8")
        except UnicodeDecodeError:
            self.add(off, ERROR, f"header line is not UTF-8: {content[:60]!r}")
            decoded = content.decode("latin-1")
        if decoded[:1] in (" ", "\t"):
            if not fields:
                self.add(off, ERROR, "continuation line before any field")
                return
            name, value = fields[-1]
            fields[-1] = (name, (value + " " + decoded.strip()).strip())
            return
        name, colon, value = decoded.partition(":")
        if not colon:
            self.add(off, ERROR, f"header line without ':': {decoded[:60]!r}")
            return
        if not TOKEN_RE.match(name):
            self.add(off, ERROR, f"invalid field name {name!r}")
        fields.append((name, value.strip()))

    def _block(self, pos: int, off: int, head: _Head, length: int | None) -> int | None:
        """Check the block and the CRLF CRLF after it; return where the next record starts."""
        stream = self.stream
        header_end = head.end
        if length is None:
            # no usable length: the block runs to the next version line
            return self._resync(header_end, off, quiet=True)
        if not stream.fill(header_end + length):
            have = stream.base + len(stream.buf) - header_end
            self.add(off, ERROR, f"truncated record: block has {have} of {length} bytes")
            return None
        block = stream.get(header_end, header_end + length)
        self._check_block(off, head.fields, block)
        end = header_end + length
        trailer = stream.get(end, end + 4)
        if trailer != b"\r\n\r\n":
            if trailer[:2] == b"\n\n" or trailer[:1] == b"\n":
                self.add(off, ERROR, "record not ended by CRLF CRLF (bare LF)")
                end += len(trailer) - len(trailer.lstrip(b"\n"))
            else:
                self.add(off, ERROR, f"record not ended by CRLF CRLF: {trailer!r} after "
                                     f"{length} block bytes (wrong Content-Length or garbage)")
                return self._resync(end, off, quiet=True)
        else:
            end += 4
        if self.gzipped:
            self._check_member_end(off, pos, end)
        return end

    def _check_member_end(self, off: int, start: int, end: int) -> None:
        stream = self.stream
        stream.fill(end + 1)
        if end not in stream.member_ends:
            self.add(off, WARNING, "record does not end its gzip member (one record per member)")
        elif start not in [m.start for m in stream.members]:
            pass  # already reported at the start

    def _resync(self, pos: int, off: int, quiet: bool = False) -> int | None:
        """Skip to the next line that starts with WARC/ (after a damaged record)."""
        stream = self.stream
        while True:
            idx = stream.find(b"\nWARC/", pos - 1 if pos else 0, 1 << 30)
            if idx < 0:
                rest = stream.get(pos, pos + 64)
                if rest.strip(b"\r\n") and not quiet:
                    self.add(off, ERROR, f"garbage after record: {rest[:40]!r}")
                elif rest.strip(b"\r\n"):
                    self.add(stream.file_offset(pos), ERROR,
                             f"data that is not a WARC record: {rest[:40]!r}")
                return None
            nxt = idx + 1
            skipped = stream.get(pos, nxt)
            if skipped.strip(b"\r\n"):
                self.add(stream.file_offset(pos), ERROR,
                         f"{len(skipped)} bytes that are not a WARC record: {skipped[:40]!r}")
            return nxt


def check_files(paths: Iterable[str | os.PathLike[str]], *, lenient: bool = False,
                ) -> CheckReport:
    """Check every file; references are resolved across the whole set."""
    seen: dict[str, tuple[str, int]] = {}
    refs: list[tuple[str, int, str, str]] = []
    results: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        result = FileResult(str(path))
        results.append(result)
        if path.is_dir():
            result.status = "unreadable"
            result.problems.append(Problem(str(path), 0, ERROR, "is a directory, not a WARC file"))
            continue
        try:
            _Checker(path, result, seen, refs).run()
        except _Unreadable as exc:
            result.status = "unreadable"
            result.problems.append(Problem(str(path), 0, ERROR, str(exc)))
            continue
        except MemoryError:
            result.status = "unreadable"
            result.problems.append(Problem(str(path), 0, ERROR, "record too large to check"))
            continue
    by_path = {r.path: r for r in results}
    for path, off, name, target in refs:
        if target not in seen:
            by_path[path].problems.append(Problem(
                path, off, NOTICE, f"{name} target {target} is not in the checked files"))
    for result in results:
        if result.status == "unreadable":
            continue
        failing = (ERROR,) if lenient else (ERROR, WARNING)
        if any(p.level in failing for p in result.problems):
            result.status = "invalid"
        elif result.records == 0:
            result.status = "invalid"
            result.problems.append(Problem(result.path, 0, ERROR, "no WARC records"))
        result.problems.sort(key=lambda p: p.offset)
    return CheckReport(results, lenient)
