"""Read captures back from WARC files (warcio underneath).

- :func:`iter_captures` yields a :class:`Capture` per ``response`` record (HTTP(S) URLs);
- :func:`read_capture` reads the one at a given offset (the CDXJ ``offset``);
- :func:`iter_records` yields every record (:class:`RawRecord`) for tools;
- :func:`iter_parsed` yields warcio's parsed records (for the indexer);
- :func:`read_warcinfo` returns the fields of a file's warcinfo record
  (:func:`first_record`, :func:`warcinfo_fields`).

Parsing is warcio's (``ArchiveIterator``). On top of it each record's block is checked
to be complete (warcio silently returns short blocks from truncated files), and any
failure becomes an :class:`ArchiveError` whose one line names the file and the offset.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import brotli
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.errors import ArchiveError
from archive.httputil import header_value


@dataclass(frozen=True)
class RawRecord:
    """Any WARC record: its fields, the full block and where it sits."""

    rec_type: str
    headers: list[tuple[str, str]]
    block: bytes
    filename: str
    offset: int
    length: int

    def get(self, name: str) -> str | None:
        return header_value(self.headers, name)


#: The most a response body may decode to (``Capture.decoded_body``): larger than any
#: news page, far smaller than a decompression bomb.
MAX_DECODED_BODY = 64 * 1024 * 1024
#: The largest record block read into memory (Scrapy's default DOWNLOAD_MAXSIZE: every
#: response the crawl can receive fits); a larger block is an error, not gigabytes.
MAX_BLOCK = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Capture:
    """A ``response`` record: the HTTP response as archived.

    ``headers`` are the HTTP headers as stored (after the archive's header rules, e.g.
    ``X-Archive-Orig-Transfer-Encoding``); ``body`` is the entity as stored (still
    content-encoded); :meth:`decoded_body` removes the Content-Encoding.
    """

    url: str
    status: int
    reason: str
    protocol: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    record_id: str
    payload_digest: str | None
    filename: str
    offset: int
    length: int
    ip_address: str | None = None
    warc_headers: list[tuple[str, str]] = field(default_factory=list, repr=False)

    def header(self, name: str, default: str | None = None) -> str | None:
        return header_value(self.headers, name, default)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type", "") or ""

    def decoded_body(self, max_size: int | None = None) -> bytes:
        """The body with its Content-Encoding (gzip, x-gzip, deflate, br) removed.

        Encodings are undone last-applied first. An unknown encoding, a damaged body, or
        one that decodes to more than ``max_size`` bytes (default
        :data:`MAX_DECODED_BODY`: a few KB of gzip can unpack to gigabytes) raises
        ArchiveError naming the record.
        """
        limit = MAX_DECODED_BODY if max_size is None else max_size
        encodings = [
            e.strip().lower()
            for value in (v for k, v in self.headers if k.lower() == "content-encoding")
            for e in value.split(",")
            if e.strip() and e.strip().lower() != "identity"
        ]
        data = self.body
        for enc in reversed(encodings):
            try:
                data = _decode(data, enc, limit)
            except (zlib.error, OSError, ValueError, brotli.error) as exc:
                raise ArchiveError(
                    f"{self.filename}:{self.offset}: cannot decode {enc} body of {self.url}: "
                    f"{exc}") from exc
        return data


def _decode(data: bytes, encoding: str, limit: int) -> bytes:
    """One content coding undone, never more than ``limit`` bytes of output (zlib's and
    brotli's own output limits: a bomb is stopped before it is unpacked)."""
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _inflate(data, encoding, limit)
    if encoding == "br":
        d = brotli.Decompressor()
        out = d.process(data, output_buffer_limit=limit + 1)
        if len(out) > limit or not d.is_finished() and not d.can_accept_more_data():
            raise ValueError(f"decodes to more than {limit} bytes (limit)")
        return out
    raise ValueError(f"unknown Content-Encoding {encoding!r}")


def _inflate(data: bytes, encoding: str, limit: int) -> bytes:
    out = bytearray()
    if encoding == "deflate":  # RFC says zlib-wrapped; many servers send raw deflate
        wbits = [zlib.MAX_WBITS, -zlib.MAX_WBITS] if data[:1] in (b"\x78", b"\x58",
                                                                  b"\x68", b"\x08") else \
            [-zlib.MAX_WBITS, zlib.MAX_WBITS]
        for bits in wbits:
            try:
                d = zlib.decompressobj(bits)
                out = bytearray(d.decompress(data, limit + 1))
                break
            except zlib.error:
                if bits == wbits[-1]:
                    raise
    else:
        while data:  # several gzip members are legal; decode them all
            d = zlib.decompressobj(zlib.MAX_WBITS | 16)
            out += d.decompress(data, limit + 1 - len(out))
            if len(out) > limit:
                break
            if not d.eof:
                raise ValueError("truncated gzip body")
            data = d.unused_data
    if len(out) > limit:
        raise ValueError(f"decodes to more than {limit} bytes (limit)")
    return bytes(out)


def _parse_date(value: str | None) -> datetime:
    if not value:
        return datetime.fromtimestamp(0, UTC)
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return datetime.fromtimestamp(0, UTC)


def _open(path: str | os.PathLike[str]):
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise ArchiveError(f"cannot open {path}: {exc.strerror or exc}") from exc


def _iter_file(path: Path, offset: int | None = None,
               parse_http: bool = True) -> Iterator[tuple[object, bytes, int, int]]:
    """Yield (warcio record, block rest, offset, length) checking each block is complete."""
    fh = _open(path)
    with fh:
        if offset is not None:
            fh.seek(offset)
        it = ArchiveIterator(fh, no_record_parse=not parse_http)
        where = offset or 0
        last: tuple[int, int] | None = None
        try:
            for record in it:
                # warcio knows the offset only once the record is consumed
                if record.format not in ("warc", "arc", "arc2warc"):
                    raise ArchiveError(f"{path}:{where}: not a WARC record")
                rest, missing = _read_block(record, path, where)
                it.read_to_end(record)
                where = it.get_record_offset()  # absolute: warcio uses fh.tell()
                if record.format == "warc" and record.length is None:
                    raise ArchiveError(f"{path}:{where}: record without a usable Content-Length "
                                       f"(truncated or corrupt header)")
                if missing:
                    raise ArchiveError(
                        f"{path}:{where}: truncated record: block lacks {missing} of "
                        f"{record.length} bytes")
                length = it.get_record_length()
                yield record, rest, where, length
                if offset is not None:
                    return
                last = (where, length)
                where += length
            if last is None and offset is None and where == 0:
                raise ArchiveError(f"{path}: no WARC record (empty file)")
            if last is not None and _is_gzip(fh, last[0]):
                # warcio does not check the gzip trailer: a file cut inside the last
                # member's CRC/size bytes would pass unnoticed
                fh.seek(last[0])
                d = zlib.decompressobj(zlib.MAX_WBITS | 16)
                d.decompress(fh.read(last[1]))
                if not d.eof:
                    raise ArchiveError(f"{path}:{last[0]}: truncated gzip member")
            # warcio ends quietly when a record's header is cut short: whatever follows
            # the last complete record must be blank
            fh.seek(where)
            tail = fh.read(65536)
            if tail.strip(b"\r\n \t\0"):
                raise ArchiveError(f"{path}:{where}: truncated or corrupt data after the last "
                                   f"complete record ({len(tail)}+ bytes)")
        except ArchiveError:
            raise
        except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError, OverflowError,
                AttributeError, TypeError, IndexError) as exc:  # warcio trips on bad headers
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
            reason = lines[0] if lines else type(exc).__name__
            raise ArchiveError(f"{path}:{max(where, 0)}: unreadable WARC data: {reason}") from exc


def _read_block(record: Any, path: Path, where: int) -> tuple[bytes, int]:
    """(the record's block as far as the file holds it, bytes missing from it).

    At most :data:`MAX_BLOCK` bytes are read. warcio's block reader counts down from
    Content-Length: anything left after reading to EOF means the file ended inside the
    block."""
    rest = record.raw_stream.read(MAX_BLOCK + 1)
    if len(rest) > MAX_BLOCK:
        raise ArchiveError(f"{path}:{where}: record block larger than {MAX_BLOCK} bytes "
                           f"(limit)")
    return rest, getattr(record.raw_stream, "limit", 0) or 0


def _is_gzip(fh, offset: int) -> bool:
    fh.seek(offset)
    return fh.read(2) == b"\x1f\x8b"


def iter_parsed(path: str | os.PathLike[str]) -> Iterator[tuple[object, bytes, int, int]]:
    """warcio records of one file with their payload, offset and length (for indexers).

    Yields ``(record, payload, offset, length)``: the payload is what follows the HTTP
    head for HTTP records (the whole block otherwise); blocks are checked to be complete.
    """
    return _iter_file(Path(path))


def iter_records(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
                 ) -> Iterator[RawRecord]:
    """Every record of every file, block unparsed (tools, indexers)."""
    for path in _paths(paths):
        for record, rest, where, length in _iter_file(path, parse_http=False):
            yield RawRecord(
                rec_type=record.rec_type or "",
                headers=list(record.rec_headers.headers),
                block=rest,
                filename=path.name,
                offset=where,
                length=length,
            )


def read_warcinfo(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Fields of the file's first ``warcinfo`` record (``{"software": [...], ...}``).

    Values are lists (a field may repeat, e.g. several ``http-header-*`` lines); a file
    whose first record is not a warcinfo gives ``{}``.
    """
    record = first_record(path)
    if record is None or record.rec_type != "warcinfo":
        return {}
    return warcinfo_fields(record.block)


def first_record(path: str | os.PathLike[str]) -> RawRecord | None:
    """The first record of a file (checked like any other), or None for an empty file."""
    with contextlib.closing(iter_records(path)) as records:
        return next(records, None)


def warcinfo_fields(block: bytes) -> dict[str, list[str]]:
    """``name: value`` lines of a warcinfo block (application/warc-fields), values listed."""
    fields: dict[str, list[str]] = {}
    for line in block.decode("utf-8", errors="replace").splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip():
            fields.setdefault(name.strip(), []).append(value.strip())
    return fields


def _paths(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> list[Path]:
    if isinstance(paths, str | os.PathLike):
        return [Path(paths)]
    return [Path(p) for p in paths]


def _capture(record, rest: bytes, path: Path, where: int, length: int) -> Capture | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if not url.lower().startswith(("http:", "https:")):
        return None
    http_headers = record.http_headers
    status_text = http_headers.statusline or ""
    code, _, reason = status_text.partition(" ")
    try:
        status = int(code)
    except ValueError as exc:
        raise ArchiveError(f"{path}:{where}: bad HTTP status line {status_text!r}") from exc
    return Capture(
        url=url,
        status=status,
        reason=reason.strip(),
        protocol=http_headers.protocol or "",
        headers=list(http_headers.headers),
        body=rest,
        fetched_at=_parse_date(record.rec_headers.get_header("WARC-Date")),
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
        filename=path.name,
        offset=where,
        length=length,
        ip_address=record.rec_headers.get_header("WARC-IP-Address"),
        warc_headers=list(record.rec_headers.headers),
    )


def iter_captures(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
                  ) -> Iterator[Capture]:
    """Every ``response`` record with an http(s) target, file by file, in file order."""
    for path in _paths(paths):
        for record, rest, where, length in _iter_file(path):
            capture = _capture(record, rest, path, where, length)
            if capture is not None:
                yield capture


def read_capture(path: str | os.PathLike[str], offset: int) -> Capture:
    """The response record at ``offset`` of ``path`` (offset as in the CDXJ index)."""
    path = Path(path)
    for record, rest, where, length in _iter_file(path, offset=offset):
        capture = _capture(record, rest, path, where, length)
        if capture is None:
            raise ArchiveError(f"{path}:{offset}: record is a {record.rec_type}, not a response")
        return capture
    raise ArchiveError(f"{path}:{offset}: no record at this offset")
