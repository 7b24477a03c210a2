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
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ERROR, WARNING, NOTICE = "error", "warning", "notice"

KNOWN_VERSIONS = ("1.1", "1.0", "0.18", "0.17")
KNOWN_TYPES = ("warcinfo", "response", "resource", "request", "metadata", "revisit",
               "conversion", "continuation")
MANDATORY = ("warc-record-id", "content-length", "warc-date", "warc-type")
TARGET_URI_REQUIRED = ("response", "resource", "request", "revisit", "conversion",
                       "continuation")
REPEATABLE = frozenset({"warc-concurrent-to"})
WARC_FIELDS = frozenset({
    "warc-type", "warc-record-id", "warc-date", "content-length", "content-type",
    "warc-concurrent-to", "warc-block-digest", "warc-payload-digest", "warc-ip-address",
    "warc-refers-to", "warc-refers-to-target-uri", "warc-refers-to-date",
    "warc-target-uri", "warc-truncated", "warc-warcinfo-id", "warc-filename",
    "warc-profile", "warc-identified-payload-type", "warc-segment-number",
    "warc-segment-origin-id", "warc-segment-total-length",
})
#: fields a record type SHALL NOT carry (WARC 1.1 section 5)
FORBIDDEN_ON = {
    "warc-concurrent-to": ("warcinfo", "conversion", "continuation"),
    "warc-refers-to": ("warcinfo", "response", "resource", "request", "continuation"),
    "warc-warcinfo-id": ("warcinfo",),
    "warc-segment-origin-id": tuple(t for t in KNOWN_TYPES if t != "continuation"),
    "warc-segment-total-length": tuple(t for t in KNOWN_TYPES if t != "continuation"),
}
TRUNCATED_REASONS = ("length", "time", "disconnect", "unspecified")
DIGESTS = {"sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256",
           "sha512": "sha512", "sha-512": "sha512", "md5": "md5"}

_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
TOKEN_RE = re.compile(rf"^{_TOKEN}$")
MEDIA_TYPE_RE = re.compile(
    rf'^{_TOKEN}/{_TOKEN}(\s*;\s*{_TOKEN}=({_TOKEN}|"([^"\\]|\\.)*"))*\s*;?\s*$')
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"]*$")
ID_RE = re.compile(r"^<[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>]+>$")
DATE_RE = re.compile(
    r"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
    r"([Zz]|[+-]\d{2}:\d{2}))?)?)?$")
VERSION_RE = re.compile(rb"^WARC/(\d+\.\d+)$", re.IGNORECASE)

MAX_HEADER = 1 << 20  # a WARC header larger than 1 MiB is treated as garbage
CHUNK = 1 << 20


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


# --------------------------------------------------------------------------- byte sources


@dataclass
class _Segment:
    """A stretch of decompressed bytes: a gzip member, or a chunk of a plain file."""

    data: bytes
    start: int          # offset in the decompressed stream
    file_offset: int    # offset in the file (member start for gzip)
    member: bool        # True for gzip members


def _gzip_segments(fh, problems: list[tuple[int, str, str]]) -> Iterator[_Segment]:
    offset = 0
    dpos = 0
    pending = fh.read(CHUNK)
    while pending:
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        parts: list[bytes] = []
        consumed = 0
        try:
            while True:
                parts.append(d.decompress(pending))
                if d.eof:
                    consumed += len(pending) - len(d.unused_data)
                    pending = d.unused_data
                    break
                consumed += len(pending)
                pending = fh.read(CHUNK)
                if not pending:
                    problems.append((offset, ERROR, "truncated gzip member (file ends inside it)"))
                    data = b"".join(parts) + d.flush()
                    if data:
                        yield _Segment(data, dpos, offset, True)
                    return
        except zlib.error as exc:
            problems.append((offset + consumed, ERROR, f"corrupt gzip data: {exc}"))
            return
        data = b"".join(parts)
        yield _Segment(data, dpos, offset, True)
        dpos += len(data)
        offset += consumed
        if not pending:
            pending = fh.read(CHUNK)
        if pending and pending.strip(b"\0") == b"" and len(pending) < CHUNK:
            return  # zero padding after the last member (tape-block writers)


def _plain_segments(fh) -> Iterator[_Segment]:
    pos = 0
    while True:
        data = fh.read(CHUNK)
        if not data:
            return
        yield _Segment(data, pos, pos, False)
        pos += len(data)


class _Stream:
    """Decompressed bytes with random access near the read position."""

    def __init__(self, segments: Iterator[_Segment]) -> None:
        self._segments = segments
        self.buf = bytearray()
        self.base = 0  # decompressed offset of buf[0]
        self.members: list[_Segment] = []  # gzip members seen (their data not kept)
        self.member_ends: set[int] = set()
        self.done = False

    def fill(self, upto: int) -> bool:
        """Make bytes up to absolute offset ``upto`` available; False if the stream ends."""
        while self.base + len(self.buf) < upto and not self.done:
            try:
                seg = next(self._segments)
            except StopIteration:
                self.done = True
                break
            if seg.member:
                self.members.append(_Segment(b"", seg.start, seg.file_offset, True))
                self.member_ends.add(seg.start + len(seg.data))
            self.buf += seg.data
        return self.base + len(self.buf) >= upto

    def get(self, start: int, end: int) -> bytes:
        self.fill(end)
        return bytes(self.buf[start - self.base:end - self.base])

    def find(self, needle: bytes, start: int, limit: int) -> int:
        """Absolute offset of ``needle`` at or after ``start`` (within ``limit`` bytes)."""
        while True:
            idx = self.buf.find(needle, start - self.base, start - self.base + limit)
            if idx >= 0:
                return idx + self.base
            if self.done or len(self.buf) - (start - self.base) >= limit:
                return -1
            self.fill(self.base + len(self.buf) + CHUNK)

    def drop(self, upto: int) -> None:
        if upto > self.base:
            del self.buf[:upto - self.base]
            self.base = upto

    def at_end(self, pos: int) -> bool:
        self.fill(pos + 1)
        return self.done and pos >= self.base + len(self.buf)

    def member_at(self, pos: int) -> int | None:
        """Index of the gzip member whose decompressed span starts exactly at ``pos``."""
        for i in range(len(self.members) - 1, -1, -1):
            if self.members[i].start == pos:
                return i
            if self.members[i].start < pos:
                return None
        return None

    def file_offset(self, pos: int) -> int:
        """File offset to report for decompressed ``pos`` (its member's start for gzip)."""
        if not self.members:
            return pos
        for seg in reversed(self.members):
            if seg.start <= pos:
                return seg.file_offset
        return 0


# --------------------------------------------------------------------------- field checks


def _valid_date(value: str) -> bool:
    m = DATE_RE.match(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) if g else None for g in m.groups()[:6])
    try:
        datetime(year, month or 1, day or 1, hour or 0, minute or 0, second or 0)
    except ValueError:
        return False
    return True


def _decode_digest(value: str) -> bytes | None:
    value = value.strip()
    for decoder in (
        lambda v: base64.b32decode(v.upper() + "=" * (-len(v) % 8)),
        lambda v: base64.b16decode(v.upper()),
        lambda v: base64.b64decode(v + "=" * (-len(v) % 4), validate=True),
    ):
        try:
            return decoder(value)
        except (binascii.Error, ValueError):
            continue
    return None


def _dechunk(data: bytes) -> bytes | None:
    out = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\r\n", pos)
        if eol < 0:
            return None
        try:
            size = int(data[pos:eol].split(b";")[0].strip(), 16)
        except ValueError:
            return None
        pos = eol + 2
        if size == 0:
            return bytes(out)
        out += data[pos:pos + size]
        pos += size + 2


def _http_payload(block: bytes) -> tuple[bytes, bool]:
    """Payload after the HTTP head, and whether the head says chunked."""
    end = block.find(b"\r\n\r\n")
    if end < 0:
        return b"", False
    head = block[:end].lower()
    chunked = bool(re.search(rb"\r\ntransfer-encoding:[^\r\n]*chunked", head))
    return block[end + 4:], chunked


class _Checker:
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
            gz_problems: list[tuple[int, str, str]] = []
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
            pos = 0
            first = True
            while True:
                pos = self._skip_blank(pos, first)
                if pos is None or stream.at_end(pos):
                    break
                if first and not gzipped and not stream.get(pos, pos + 5).upper().startswith(
                        b"WARC/") and stream.get(pos, pos + 11).lower() != b"filedesc://":
                    raise _Unreadable("not a WARC file (no WARC/ version line at the start)")
                if first and stream.get(pos, pos + 11).lower() == b"filedesc://":
                    raise _Unreadable(
                        "ARC file (filedesc://...): unsupported, only WARC is checked")
                first = False
                pos = self._record(pos)
                if pos is None:
                    break
                stream.drop(pos)
            for offset, level, message in gz_problems:
                self.add(offset, level, message)

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
        stream = self.stream
        off = stream.file_offset(pos)
        self.result.records += 1
        member_index = stream.member_at(pos) if self.gzipped else None
        if self.gzipped and member_index is None:
            self.add(off, WARNING, "record does not start a gzip member (one record per member)")

        # version line
        eol = stream.find(b"\n", pos, MAX_HEADER)
        if eol < 0:
            self.add(off, ERROR, "truncated record: no complete version line")
            return None
        line = stream.get(pos, eol + 1)
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
        version = m.group(1).decode()
        bad_eol = not crlf_ok

        # header lines
        fields: list[tuple[str, str]] = []
        p = eol + 1
        while True:
            eol = stream.find(b"\n", p, MAX_HEADER)
            if eol < 0:
                self.add(off, ERROR, "truncated record: header block does not end")
                return None
            raw = stream.get(p, eol + 1)
            if not raw.endswith(b"\r\n"):
                bad_eol = True
            content = raw.rstrip(b"\r\n")
            p = eol + 1
            if not content:
                break
            try:
                decoded = content.decode("utf-8")
            except UnicodeDecodeError:
                self.add(off, ERROR, f"header line is not UTF-8: {content[:60]!r}")
                decoded = content.decode("latin-1")
            if decoded[:1] in (" ", "\t"):
                if not fields:
                    self.add(off, ERROR, "continuation line before any field")
                    continue
                name, value = fields[-1]
                fields[-1] = (name, (value + " " + decoded.strip()).strip())
                continue
            name, colon, value = decoded.partition(":")
            if not colon:
                self.add(off, ERROR, f"header line without ':': {decoded[:60]!r}")
                continue
            if not TOKEN_RE.match(name):
                self.add(off, ERROR, f"invalid field name {name!r}")
            fields.append((name, value.strip()))
        if bad_eol:
            self.add(off, ERROR, "header lines must end with CRLF (found bare LF)")
        header_end = p

        lengths = [v for n, v in fields if n.lower() == "content-length"]
        length: int | None = None
        if lengths and lengths[0].isdigit():
            length = int(lengths[0])
        self._check_fields(off, version, fields, length)

        if length is None:
            # no usable length: the block runs to the next version line
            return self._resync(header_end, off, quiet=True)
        if not stream.fill(header_end + length):
            have = stream.base + len(stream.buf) - header_end
            self.add(off, ERROR, f"truncated record: block has {have} of {length} bytes")
            return None
        block = stream.get(header_end, header_end + length)
        self._check_block(off, fields, block)
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

    # ------------------------------------------------------------------ field rules

    def _check_fields(self, off: int, version: str, fields: list[tuple[str, str]],
                      length: int | None) -> None:
        by_name: dict[str, list[str]] = {}
        for name, value in fields:
            by_name.setdefault(name.lower(), []).append(value)

        def one(name: str) -> str | None:
            values = by_name.get(name)
            return values[0] if values else None

        for name in MANDATORY:
            if name not in by_name:
                self.add(off, ERROR, f"mandatory field {_title(name)} missing")
        for name, values in by_name.items():
            if name in WARC_FIELDS and name not in REPEATABLE and len(values) > 1:
                self.add(off, ERROR, f"{_title(name)} appears {len(values)} times")
            if name in WARC_FIELDS:
                for value in values:
                    if not value:
                        self.add(off, ERROR, f"{_title(name)} is empty")

        rec_type_raw = one("warc-type") or ""
        rec_type = rec_type_raw.lower()
        if rec_type and rec_type not in KNOWN_TYPES:
            self.add(off, NOTICE, f"unknown WARC-Type {rec_type_raw!r} (readers skip it)")

        rid = one("warc-record-id")
        if rid:
            if not ID_RE.match(rid):
                self.add(off, ERROR, f"WARC-Record-ID {rid!r} is not a <URI>")
            elif rid in self.seen_ids:
                other = self.seen_ids[rid]
                self.add(off, ERROR, f"WARC-Record-ID {rid} already used at {other[0]}:{other[1]}")
            else:
                self.seen_ids[rid] = (str(self.path), off)
        for name in ("warc-concurrent-to", "warc-refers-to", "warc-warcinfo-id",
                     "warc-segment-origin-id"):
            for value in by_name.get(name, []):
                if value and not ID_RE.match(value):
                    self.add(off, ERROR, f"{_title(name)} {value!r} is not a <URI>")
                elif value:
                    self.refs.append((str(self.path), off, _title(name), value))
        for name in ("warc-date", "warc-refers-to-date"):
            value = one(name)
            if value and not _valid_date(value):
                self.add(off, ERROR, f"{_title(name)} {value!r} is not a W3C-ISO8601 date")
            elif value and version in ("1.0", "0.17", "0.18") and "." in value:
                self.add(off, WARNING, f"{_title(name)} has fractional seconds, a WARC/1.1 "
                                       f"feature, in a WARC/{version} record")
        value = one("content-length")
        if value and not value.isdigit():
            self.add(off, ERROR, f"Content-Length {value!r} is not a number")
        for name in ("warc-target-uri", "warc-refers-to-target-uri", "warc-profile"):
            value = one(name)
            if value:
                bracketed = value.startswith("<") and value.endswith(">")
                target = value[1:-1] if bracketed else value
                if bracketed and version == "1.1":
                    # WARC/1.0's grammar put URIs in <>, 1.1 dropped them (wget writes <>)
                    self.add(off, ERROR, f"{_title(name)} in <> in a WARC/1.1 record")
                elif not URI_RE.match(target):
                    self.add(off, ERROR, f"{_title(name)} {value!r} is not a URI")
                elif not target.isascii():
                    self.add(off, WARNING, f"{_title(name)} has non-ASCII characters (IRI)")
        value = one("warc-ip-address")
        if value:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                self.add(off, ERROR, f"WARC-IP-Address {value!r} is not an IP address")
        for name in ("content-type", "warc-identified-payload-type"):
            value = one(name)
            if value and not MEDIA_TYPE_RE.match(value):
                self.add(off, ERROR, f"{_title(name)} {value!r} is not a media type")
        for name in ("warc-block-digest", "warc-payload-digest"):
            value = one(name)
            if value:
                alg, colon, digest = value.partition(":")
                if not colon or not TOKEN_RE.match(alg.strip() or "-") or not alg.strip():
                    self.add(off, ERROR, f"{_title(name)} {value!r} is not algorithm:value")
                elif not digest.strip() or not TOKEN_RE.match(digest.strip().rstrip("=")):
                    self.add(off, ERROR, f"{_title(name)} {value!r} has no digest value")
        value = one("warc-truncated")
        if value:
            if not TOKEN_RE.match(value):
                self.add(off, ERROR, f"WARC-Truncated {value!r} is not a token")
            elif value.lower() not in TRUNCATED_REASONS:
                self.add(off, NOTICE, f"WARC-Truncated reason {value!r} is not one of "
                                      f"{', '.join(TRUNCATED_REASONS)}")
        seg = one("warc-segment-number")
        if seg:
            if not seg.isdigit() or int(seg) < 1:
                self.add(off, ERROR, f"WARC-Segment-Number {seg!r} is not a positive integer")
            elif rec_type == "continuation" and int(seg) < 2:
                self.add(off, ERROR, f"continuation record with WARC-Segment-Number {seg} "
                                     f"(must be 2 or more)")
            elif rec_type != "continuation" and int(seg) != 1:
                self.add(off, ERROR, f"{rec_type or 'record'} with WARC-Segment-Number {seg} "
                                     f"(a first segment must be 1)")
        value = one("warc-segment-total-length")
        if value and not value.isdigit():
            self.add(off, ERROR, f"WARC-Segment-Total-Length {value!r} is not a number")

        if rec_type in KNOWN_TYPES:
            self._check_type_rules(off, rec_type, by_name, length)

    def _check_type_rules(self, off: int, rec_type: str, by_name: dict[str, list[str]],
                          length: int | None) -> None:
        if rec_type in TARGET_URI_REQUIRED and "warc-target-uri" not in by_name:
            self.add(off, ERROR, f"{rec_type} record without WARC-Target-URI")
        for name, types in FORBIDDEN_ON.items():
            if name in by_name and rec_type in types:
                self.add(off, ERROR, f"{_title(name)} shall not be used in a {rec_type} record")
        if rec_type == "revisit":
            if "warc-profile" not in by_name:
                self.add(off, ERROR, "revisit record without WARC-Profile")
            if "warc-refers-to" not in by_name and not (
                    "warc-refers-to-target-uri" in by_name and "warc-refers-to-date" in by_name):
                self.add(off, WARNING, "revisit record names no original (WARC-Refers-To or "
                                       "WARC-Refers-To-Target-URI + WARC-Refers-To-Date)")
        if rec_type == "continuation":
            for name in ("warc-segment-origin-id", "warc-segment-number"):
                if name not in by_name:
                    self.add(off, ERROR, f"continuation record without {_title(name)}")
        content_type = (by_name.get("content-type") or [""])[0].lower()
        if rec_type != "continuation" and length and "content-type" not in by_name:
            self.add(off, WARNING, f"{rec_type} record with a {length}-byte block has no "
                                   f"Content-Type")
        if rec_type == "warcinfo" and content_type and not content_type.startswith(
                "application/warc-fields"):
            self.add(off, WARNING, f"warcinfo Content-Type {content_type!r} "
                                   f"(should be application/warc-fields)")

    # ------------------------------------------------------------------ digests

    def _check_block(self, off: int, fields: list[tuple[str, str]], block: bytes) -> None:
        get = {n.lower(): v for n, v in reversed(fields)}
        rec_type = get.get("warc-type", "").lower()
        ctype = get.get("content-type", "").lower()
        if ctype.startswith("application/warc-fields"):
            self._check_warc_fields(off, block)
        elif ctype.startswith("application/http") and rec_type in ("response", "request"):
            self._check_http_block(off, rec_type, ctype, block)
        value = get.get("warc-block-digest")
        if value:
            self._verify(off, "WARC-Block-Digest", value, [block])
        value = get.get("warc-payload-digest")
        if value and rec_type not in ("revisit", "continuation"):
            if get.get("warc-segment-number", "1") != "1" or "warc-truncated" in get:
                return
            ctype = get.get("content-type", "").lower()
            if rec_type in ("response", "request") and (
                    ctype.startswith("application/http")
                    or get.get("warc-target-uri", "").lower().startswith("http")):
                payload, chunked = _http_payload(block)
                candidates = [payload]
                if chunked:
                    dechunked = _dechunk(payload)
                    if dechunked is not None:
                        candidates.append(dechunked)
            else:
                candidates = [block]
            self._verify(off, "WARC-Payload-Digest", value, candidates)

    def _check_http_block(self, off: int, rec_type: str, ctype: str, block: bytes) -> None:
        """An ``application/http`` block must be an HTTP message of the record's kind."""
        msgtype = re.search(r"msgtype\s*=\s*\"?(\w+)", ctype)
        if msgtype and msgtype.group(1) != rec_type:
            self.add(off, ERROR, f"{rec_type} record with Content-Type msgtype="
                                 f"{msgtype.group(1)}")
        first = block.split(b"\n", 1)[0].rstrip(b"\r")
        if rec_type == "response":
            ok = re.match(rb"^HTTP/\d(\.\d)? \d{3}( |$)", first) is not None
        else:
            ok = re.match(rb"^[A-Z][A-Z0-9_-]* \S+ HTTP/\d(\.\d)?$", first) is not None
        if not ok:
            self.add(off, ERROR, f"application/http block does not start with an HTTP "
                                 f"{'status' if rec_type == 'response' else 'request'} line: "
                                 f"{first[:60]!r}")
        elif b"\r\n\r\n" not in block and b"\n\n" not in block:
            # an HTTP-level flaw (old pywb/wget request records lack the blank line), not a
            # WARC one: noted, not failed
            self.add(off, NOTICE, "application/http block ends inside the HTTP header "
                                  "(no empty line)")

    def _check_warc_fields(self, off: int, block: bytes) -> None:
        """An ``application/warc-fields`` block must be ``name: value`` CRLF lines."""
        if not block:
            return
        body = block[:-2] if block.endswith(b"\r\n\r\n") else block
        if not body.endswith(b"\r\n"):
            self.add(off, ERROR, "application/warc-fields block does not end with CRLF")
        lines = body.split(b"\r\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for number, line in enumerate(lines, 1):
            problem = None
            if b"\n" in line or b"\r" in line:
                problem = "bare CR or LF inside a line"
            elif not line:
                problem = "empty line inside the fields"
            elif line[:1] in (b" ", b"\t"):
                problem = None if number > 1 else "continuation line before any field"
            else:
                name, colon, _ = line.partition(b":")
                if not colon or not TOKEN_RE.match(name.decode("latin-1")):
                    problem = f"not a 'name: value' line: {line[:40]!r}"
            if problem is None:
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    problem = "line is not UTF-8"
            if problem:
                self.add(off, ERROR, f"application/warc-fields block, line {number}: {problem}")
                return

    def _verify(self, off: int, name: str, value: str, candidates: list[bytes]) -> None:
        alg, colon, encoded = value.partition(":")
        if not colon or not encoded.strip() or not alg.strip():
            return  # format already reported
        hname = DIGESTS.get(alg.strip().lower())
        if hname is None:
            self.add(off, NOTICE, f"{name} algorithm {alg!r} not verified")
            return
        expected = _decode_digest(encoded)
        size = hashlib.new(hname).digest_size
        if expected is None or len(expected) != size:
            self.add(off, ERROR, f"{name} {value!r}: value is not base32/base16/base64 of a "
                                 f"{alg} digest")
            return
        if not any(hashlib.new(hname, c).digest() == expected for c in candidates):
            computed = base64.b32encode(hashlib.new(hname, candidates[0]).digest()).decode()
            self.add(off, ERROR, f"{name} mismatch: recorded {value}, computed {alg}:{computed}")


_CANONICAL = {n.lower(): n for n in (
    "WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length", "Content-Type",
    "WARC-Concurrent-To", "WARC-Block-Digest", "WARC-Payload-Digest", "WARC-IP-Address",
    "WARC-Refers-To", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "WARC-Target-URI",
    "WARC-Truncated", "WARC-Warcinfo-ID", "WARC-Filename", "WARC-Profile",
    "WARC-Identified-Payload-Type", "WARC-Segment-Number", "WARC-Segment-Origin-ID",
    "WARC-Segment-Total-Length")}


def _title(name: str) -> str:
    return _CANONICAL.get(name, name)


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
