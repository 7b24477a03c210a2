"""``WarcWriter``: one open gzip-per-record WARC stream per file, rotation, injected clock/ids.

File names: ``PREFIX-YYYYMMDDhhmmssffffff-SERIAL-HOST-PID.warc.gz``. The microsecond
timestamp, the host and the process id make names unique across concurrent crawler
processes; the file is created exclusively (``x`` mode) as ``NAME.warc.gz.open`` and
renamed to ``NAME.warc.gz`` when closed or rotated, so a finished name never names a
half-written file. A ``warcinfo`` record opens every file.

Each record is its own gzip member (the WARC/gzip convention that lets readers seek to
an offset). The members are compressed here with :mod:`zlib` at ``gzip_level`` (default
6) because ``warcio``'s ``GzippingWrapper`` hard-codes level 9; zlib's gzip header has a
zero mtime, so the bytes depend only on the input (golden tests rely on it).

Rotation: before an exchange is written, a file that has reached ``max_size`` is closed
and the next serial opened, so request, response and metadata of one exchange always
share a file.

Failure policy: a record is compressed in memory and written with one ``write``; if the
write fails the file is truncated back to the end of the last complete record and the
error is raised as ``ArchiveError``; records already written are never touched.

Index sidecar (``index_sidecar=True``, the crawl's choice): each indexed record's CDXJ
line is written beside the file as it is written (:mod:`archive.sidecar`), so indexing a
finished crawl does not read its WARCs back.

Thread-safety: none. The crawler calls the writer from the Twisted reactor thread only;
other users must serialise calls themselves.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from archive import sidecar
from archive.errors import ArchiveError
from archive.records import (
    HttpExchange,
    WarcRecord,
    build_metadata,
    build_request,
    build_response,
    build_revisit,
    build_warcinfo,
    warc_date,
    warc_target_uri,
)

OPEN_SUFFIX = ".open"


@dataclass(frozen=True)
class RecordLocation:
    """Where a record landed: enough for a CDXJ line and for ``reader.read_capture``.

    ``filename`` is the final name (without ``.open``) even while the file is still open;
    ``offset``/``length`` are those of the record's gzip member.
    """

    filename: str
    offset: int
    length: int
    record_id: str
    payload_digest: str | None
    url: str
    date: str


def default_clock() -> datetime:
    return datetime.now(UTC)


def default_id_factory() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def safe_host(host: str) -> str:
    """Host part of a file name: letters, digits, dots and underscores only (no '-')."""
    cleaned = re.sub(r"[^A-Za-z0-9.]+", "_", host).strip("._")
    return cleaned or "localhost"


def _write_all(fh: BinaryIO, data: bytes) -> None:
    """Write all of ``data`` to an unbuffered file (a raw write may be short); a short
    write that makes no progress is an error (the disk is full)."""
    view = memoryview(data)
    while view:
        written = fh.write(view)
        if not written:
            raise OSError(errno.ENOSPC, "short write: no space left on device")
        view = view[written:]


def gzip_member(data: bytes, level: int) -> bytes:
    """One complete gzip member holding ``data`` (mtime 0, deterministic)."""
    comp = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return comp.compress(data) + comp.flush()


class WarcWriter:
    """Write HTTP exchanges (and other records) into rotating ``.warc.gz`` files.

    ``clock()`` returns an aware UTC datetime; ``id_factory()`` returns ``<urn:uuid:...>``
    strings. Both default to the real thing; tests inject fixed ones to get identical
    bytes. ``warcinfo`` is the dict of fields of each file's warcinfo record (software,
    format, isPartOf/crawl id, robots, operator, ...). ``host`` and ``pid`` default to
    this machine and process (name uniqueness); tests fix them.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        prefix: str = "newsarchive",
        max_size: int = 1_000_000_000,
        clock: Callable[[], datetime] | None = None,
        id_factory: Callable[[], str] | None = None,
        warcinfo: Mapping[str, object] | None = None,
        gzip_level: int = 6,
        host: str | None = None,
        pid: int | None = None,
        index_sidecar: bool = False,
    ) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.]+", prefix or ""):
            raise ArchiveError(f"WARC prefix {prefix!r}: use letters, digits, '_' and '.' only")
        if max_size <= 0:
            raise ArchiveError(f"max_size must be positive, got {max_size}")
        if not 0 <= gzip_level <= 9:
            raise ArchiveError(f"gzip_level must be 0..9, got {gzip_level}")
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"cannot create WARC directory {self.directory}: {exc}") from exc
        self.prefix = prefix
        self.max_size = max_size
        self.clock = clock or default_clock
        self.id_factory = id_factory or default_id_factory
        self.warcinfo_fields = dict(warcinfo or {"software": "newsarchive",
                                                  "format": "WARC File Format 1.0"})
        self.gzip_level = gzip_level
        self.host = safe_host(host if host is not None else socket.gethostname())
        self.pid = os.getpid() if pid is None else pid
        self._serial = -1
        self._fh = None  # the open binary file, or None between files
        self._name: str | None = None
        self._size = 0
        self._warcinfo_id: str | None = None
        self.index_sidecar = index_sidecar
        self._sidecar: sidecar.SidecarWriter | None = None
        self.closed_files: list[Path] = []
        self.records_written = 0
        self.bytes_written = 0
        self._closed = False

    # ------------------------------------------------------------------ files

    @property
    def current_path(self) -> Path | None:
        """The ``.open`` path being written, or ``None``."""
        return self.directory / (self._name + OPEN_SUFFIX) if self._name else None

    def _next_name(self) -> str:
        now = self.clock().astimezone(UTC)
        stamp = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond:06d}"
        return f"{self.prefix}-{stamp}-{self._serial:05d}-{self.host}-{self.pid}.warc.gz"

    def _open(self) -> None:
        if self._closed:
            raise ArchiveError("WarcWriter is closed")
        self._serial += 1
        name = self._next_name()
        path = self.directory / (name + OPEN_SUFFIX)
        if (self.directory / name).exists():
            raise ArchiveError(f"WARC file {self.directory / name} already exists")
        try:
            # unbuffered: a failed write leaves nothing in a buffer that a later flush or
            # close would push out again (a full disk must not corrupt the file's end)
            self._fh = open(path, "xb", buffering=0)  # noqa: SIM115 - kept open across calls
        except OSError as exc:
            raise ArchiveError(f"cannot create WARC file {path}: {exc}") from exc
        self._name = name
        self._size = 0
        if self.index_sidecar:
            self._sidecar = sidecar.SidecarWriter(self.directory / name)
        self._warcinfo_id = self.id_factory()
        info = build_warcinfo(self.warcinfo_fields, record_id=self._warcinfo_id,
                              date=self.clock(), filename=name)
        self._append([info])

    def _finish_file(self) -> None:
        if self._fh is None:
            return
        fh, name = self._fh, self._name
        self._fh = None
        self._name = None
        assert name is not None
        lines, self._sidecar = self._sidecar, None  # this file's index sidecar, if any
        try:
            fh.close()  # unbuffered: nothing left to flush, closing cannot lose data
        finally:
            try:
                os.replace(self.directory / (name + OPEN_SUFFIX), self.directory / name)
            except OSError as exc:
                if lines is not None:
                    lines.abandon()
                raise ArchiveError(f"cannot close WARC file {self.directory / name}: "
                                   f"{exc}") from exc
        self.closed_files.append(self.directory / name)
        if lines is not None:
            lines.finish()  # after the rename: it records the finished file

    def _ensure_room(self) -> None:
        if self._fh is not None and self._size >= self.max_size:
            self._finish_file()
        if self._fh is None:
            self._open()

    def _append(self, records: list[WarcRecord]) -> list[tuple[int, int]]:
        """Write records as gzip members in one write; return (offset, length) of each."""
        assert self._fh is not None and self._name is not None
        chunks: list[bytes] = []
        spans: list[tuple[int, int]] = []
        pos = self._size
        for record in records:
            member = gzip_member(record.to_bytes(), self.gzip_level)
            spans.append((pos, len(member)))
            pos += len(member)
            chunks.append(member)
        data = b"".join(chunks)
        try:
            _write_all(self._fh, data)
        except OSError as exc:
            # cut back to the last complete record (the size the file had), so the file
            # stays valid whatever part of ``data`` reached the disk
            try:
                os.ftruncate(self._fh.fileno(), self._size)
                self._fh.seek(self._size)
            except OSError:
                pass
            raise ArchiveError(f"cannot write to {self.current_path}: "
                               f"{exc.strerror or exc}") from exc
        self._size = pos
        if self._sidecar is not None:
            for record, (offset, length) in zip(records, spans, strict=True):
                self._sidecar.add(record, offset, length)
        self.records_written += len(spans)
        self.bytes_written += len(data)
        return spans

    # ------------------------------------------------------------------ public API

    def write_exchange(self, exchange: HttpExchange,
                       metadata: Mapping[str, object] | None = None) -> RecordLocation:
        """Write response, request (linked both ways by WARC-Concurrent-To) and, when
        ``metadata`` is given, a metadata record referring to the response.

        Returns the response record's location.
        """
        self._ensure_room()
        date = exchange.fetched_at or self.clock()
        response_id = self.id_factory()
        request_id = self.id_factory()
        response = build_response(exchange, record_id=response_id, date=date,
                                  concurrent_to=[request_id], warcinfo_id=self._warcinfo_id)
        records = [response,
                   build_request(exchange, record_id=request_id, date=date,
                                 concurrent_to=[response_id], warcinfo_id=self._warcinfo_id)]
        if metadata is not None:
            records.append(build_metadata(exchange.url, metadata, record_id=self.id_factory(),
                                          date=date, refers_to=response_id,
                                          concurrent_to=[response_id],
                                          warcinfo_id=self._warcinfo_id))
        spans = self._append(records)
        assert self._name is not None
        return RecordLocation(
            filename=self._name, offset=spans[0][0], length=spans[0][1], record_id=response_id,
            payload_digest=response.get("WARC-Payload-Digest"),
            url=warc_target_uri(exchange.url), date=warc_date(date),
        )

    def write_revisit(self, exchange: HttpExchange, *, profile: str, refers_to: str,
                      refers_to_uri: str, refers_to_date: datetime) -> RecordLocation:
        """Write ``revisit`` (of the capture ``refers_to``, see
        :func:`archive.records.build_revisit`) + ``request``, linked both ways by
        WARC-Concurrent-To. Returns the revisit record's location."""
        self._ensure_room()
        date = exchange.fetched_at or self.clock()
        revisit_id = self.id_factory()
        request_id = self.id_factory()
        revisit = build_revisit(exchange, record_id=revisit_id, date=date,
                                refers_to_uri=refers_to_uri, refers_to_date=refers_to_date,
                                refers_to=refers_to, concurrent_to=[request_id],
                                warcinfo_id=self._warcinfo_id, profile=profile)
        request = build_request(exchange, record_id=request_id, date=date,
                                concurrent_to=[revisit_id], warcinfo_id=self._warcinfo_id)
        spans = self._append([revisit, request])
        assert self._name is not None
        return RecordLocation(
            filename=self._name, offset=spans[0][0], length=spans[0][1], record_id=revisit_id,
            payload_digest=revisit.get("WARC-Payload-Digest"),
            url=warc_target_uri(exchange.url), date=warc_date(date),
        )

    def write_record(self, record: WarcRecord) -> RecordLocation:
        """Write one already-built record (resource, revisit, metadata ...)."""
        self._ensure_room()
        (offset, length), = self._append([record])
        assert self._name is not None
        return RecordLocation(
            filename=self._name, offset=offset, length=length, record_id=record.record_id,
            payload_digest=record.get("WARC-Payload-Digest"),
            url=record.get("WARC-Target-URI") or "", date=record.get("WARC-Date") or "",
        )

    @property
    def warcinfo_id(self) -> str | None:
        """Record id of the current file's warcinfo (for ``WARC-Warcinfo-ID``)."""
        return self._warcinfo_id

    def new_record_id(self) -> str:
        return self.id_factory()

    def now(self) -> datetime:
        return self.clock()

    def close(self) -> list[Path]:
        """Close and rename the open file; idempotent. Returns every file finished."""
        self._finish_file()
        self._closed = True
        return list(self.closed_files)

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def append_records(path: str | os.PathLike[str], records: Iterable[WarcRecord],
                   gzip_level: int = 6) -> list[tuple[int, int]]:
    """Append records to a finished ``.warc.gz`` (one gzip member each, as the writer
    writes them); their (offset, length). On failure the file is cut back to its size
    before, so it stays whole, and ArchiveError says why. A sidecar index that described
    the file before is extended with the new records (:func:`archive.sidecar.extend`)."""
    path = Path(path)
    records = list(records)
    data, spans = b"", []
    sealed = sidecar.seal(path)
    try:
        with open(path, "ab", buffering=0) as fh:
            start = pos = os.fstat(fh.fileno()).st_size
            for record in records:
                member = gzip_member(record.to_bytes(), gzip_level)
                spans.append((pos, len(member)))
                pos += len(member)
                data += member
            try:
                _write_all(fh, data)
            except OSError:
                os.ftruncate(fh.fileno(), start)
                raise
    except OSError as exc:
        raise ArchiveError(f"cannot append to {path}: {exc.strerror or exc}") from exc
    if sealed is not None:
        sidecar.extend(path, sealed, list(zip(records, spans, strict=True)))
    return spans
