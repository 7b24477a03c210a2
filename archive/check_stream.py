"""Byte sources of the WARC validator (:mod:`archive.check`).

Owns reading a file as one stream of decompressed bytes: gzip members one by one
(:func:`_gzip_segments`, which notes truncated or corrupt members), plain files in chunks
(:func:`_plain_segments`), and :class:`_Stream`, a window over those bytes with random
access near the read position that remembers where each gzip member starts and ends.
Nothing here knows WARC: the record walker in ``archive.check`` drives it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK = 1 << 20


@dataclass
class _Segment:
    """A stretch of decompressed bytes: a gzip member, or a chunk of a plain file."""

    data: bytes
    start: int          # offset in the decompressed stream
    file_offset: int    # offset in the file (member start for gzip)
    member: bool        # True for gzip members


def _gzip_segments(fh: BinaryIO, problems: list[tuple[int, str]]) -> Iterator[_Segment]:
    """The gzip members of ``fh``; faults (all errors) go to ``problems`` as
    ``(file offset, message)``."""
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
                    problems.append((offset, "truncated gzip member (file ends inside it)"))
                    data = b"".join(parts) + d.flush()
                    if data:
                        yield _Segment(data, dpos, offset, True)
                    return
        except zlib.error as exc:
            problems.append((offset + consumed, f"corrupt gzip data: {exc}"))
            return
        data = b"".join(parts)
        yield _Segment(data, dpos, offset, True)
        dpos += len(data)
        offset += consumed
        if not pending:
            pending = fh.read(CHUNK)
        if pending and pending.strip(b"\0") == b"" and len(pending) < CHUNK:
            return  # zero padding after the last member (tape-block writers)


def _plain_segments(fh: BinaryIO) -> Iterator[_Segment]:
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
