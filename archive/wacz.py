"""WACZ 1.1.1 packaging of WARC files.

Why hand-written: ``py-wacz`` (webrecorder's packager) depends on pywb, which pins an old
redis and would be pulled into the crawler's environment. The format is a plain zip with
four kinds of member, so we write it with :mod:`zipfile`:

- ``archive/NAME.warc.gz``        the WARCs, STORED (never recompressed: offsets stay valid)
- ``indexes/index.cdx``           the CDXJ of those WARCs (``archive.index``), filenames
                                  relative to ``archive/``. Named ``.cdx`` (content CDXJ)
                                  as py-wacz's validator and pywb's ``--unpack-wacz``
                                  expect for an uncompressed index (spec: "index files
                                  MUST contain CDXJ data and MAY be gzip compressed")
- or, once that CDXJ is larger than ``compress_index_over`` bytes (default
  :data:`COMPRESS_INDEX_OVER`), the compressed form py-wacz always writes, which
  ReplayWeb.page reads block by block instead of loading it whole:
  ``indexes/index.cdx.gz``        the CDXJ lines in blocks of :data:`INDEX_BLOCK_LINES`,
                                  one gzip member per block, STORED in the zip
  ``indexes/index.idx``           ``!meta 0 {"format": "cdxj-gzip-1.0", "filename":
                                  "index.cdx.gz"}`` then one line per block: the block's
                                  first ``KEY TIMESTAMP`` and ``{"offset", "length",
                                  "digest": "sha256:..."}`` of its gzip member
- ``pages/pages.jsonl``           header line ``{"format": "json-pages-1.0", ...}`` then one
                                  line per HTML page with status 200: id, url, ts, title
- ``datapackage.json``            frictionless data package: every member above with its
                                  ``sha256:`` hash and size, ``wacz_version`` "1.1.1"
- ``datapackage-digest.json``     the sha256 of ``datapackage.json``

``created`` (and zip member times) can be fixed for byte-deterministic output.

Page titles are read from at most :data:`TITLE_SCAN_BYTES` decoded bytes of a body
(:func:`decoded_head`): a small gzip or brotli "bomb" costs no more than that.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import brotli

from archive.errors import ArchiveError
from archive.httputil import declared_charset
from archive.index import cdxj_lines, find_warc_files
from archive.reader import Capture, iter_captures

WACZ_VERSION = "1.1.1"
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Uncompressed CDXJ up to this many bytes stays ``indexes/index.cdx`` (about 3,000
#: captures); larger ones are written as ``index.cdx.gz`` + ``index.idx``.
COMPRESS_INDEX_OVER = 1 << 20
#: CDXJ lines per gzip block of ``index.cdx.gz`` (py-wacz / cdxj-indexer's default).
INDEX_BLOCK_LINES = 1024
#: Decoded bytes of a body searched for ``<title>``.
TITLE_SCAN_BYTES = 256 * 1024
_IDX_META = {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}
_TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Page:
    """A line of pages.jsonl."""

    url: str
    ts: str
    title: str | None = None
    id: str = ""

    def to_json(self) -> str:
        data: dict[str, object] = {"id": self.id, "url": self.url, "ts": self.ts}
        if self.title:
            data["title"] = self.title
        return json.dumps(data, ensure_ascii=False)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def html_title(body: bytes, content_type: str = "") -> str | None:
    """The ``<title>`` of an HTML page, decoded (header, then meta charset, then UTF-8), NFC."""
    m = _TITLE_RE.search(body[:262144])
    if not m:
        return None
    charset = None
    ct = re.search(r"charset=([A-Za-z0-9_-]+)", content_type or "", re.IGNORECASE)
    if ct:
        charset = ct.group(1)
    else:
        charset = declared_charset(body, ".html", head_bytes=8192)
    try:
        text = m.group(1).decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = m.group(1).decode("utf-8", errors="replace")
    text = " ".join(html.unescape(text).split())
    return unicodedata.normalize("NFC", text) or None


def _encodings(capture: Capture) -> list[str]:
    """The body's Content-Encoding values, in the order they were applied."""
    return [e.strip().lower()
            for value in (v for k, v in capture.headers if k.lower() == "content-encoding")
            for e in value.split(",")
            if e.strip() and e.strip().lower() != "identity"]


_STEP = 64 * 1024  # decoded bytes produced per step of a layer


def _inflate(chunks: Iterator[bytes], wbits: int) -> Iterator[bytes]:
    """zlib/gzip layer, at most ``_STEP`` bytes per step; gzip members follow each other."""
    d = zlib.decompressobj(wbits)
    for chunk in chunks:
        data = chunk
        while data:
            yield d.decompress(data, _STEP)
            data = d.unconsumed_tail
            if d.eof:  # a new gzip member may follow
                data, d = d.unused_data + data, zlib.decompressobj(wbits)
                if not data.strip(b"\0"):
                    break


def _unbrotli(chunks: Iterator[bytes]) -> Iterator[bytes]:
    d = brotli.Decompressor()
    for chunk in chunks:
        out = d.process(chunk, output_buffer_limit=_STEP)  # the limit is approximate
        while out:
            yield out
            out = b"" if d.is_finished() else d.process(b"", output_buffer_limit=_STEP)


def _layer(chunks: Iterator[bytes], encoding: str) -> Iterator[bytes]:
    """One Content-Encoding undone lazily: only what the next layer pulls is decoded."""
    if encoding in ("gzip", "x-gzip"):
        return _inflate(chunks, zlib.MAX_WBITS | 16)
    if encoding == "deflate":  # RFC says zlib-wrapped; many servers send raw deflate
        first = next(chunks, b"")
        zlib_header = len(first) > 1 and first[0] & 0x0F == 8 and (
            first[0] * 256 + first[1]) % 31 == 0
        return _inflate(_prepend(first, chunks), zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
    if encoding == "br":
        return _unbrotli(chunks)
    raise ValueError(f"unknown Content-Encoding {encoding!r}")


def _prepend(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from chunks


def decoded_head(capture: Capture, limit: int = TITLE_SCAN_BYTES) -> bytes:
    """The first ``limit`` bytes (at most) of the decoded body.

    Unlike ``Capture.decoded_body`` the encodings are undone as a lazy pipeline that stops
    once ``limit`` bytes came out, so a body of a few KB that inflates to gigabytes costs
    about ``limit`` bytes. ArchiveError if an encoding is unknown or damaged.
    """
    chunks: Iterator[bytes] = iter([capture.body])
    encodings = _encodings(capture)
    out = bytearray()
    try:
        for enc in reversed(encodings):
            chunks = _layer(chunks, enc)
        for chunk in chunks:
            out += chunk
            if len(out) >= limit:
                break
    except (zlib.error, brotli.error, ValueError) as exc:
        raise ArchiveError(f"{capture.filename}:{capture.offset}: cannot decode "
                           f"{', '.join(encodings)} body of {capture.url}: {exc}") from exc
    return bytes(out[:limit])


def pages_from_warcs(paths: Iterable[Path], titles: Mapping[str, str] | None = None,
                     ) -> list[Page]:
    """HTML 200 responses as pages, first capture of each URL, in capture order.

    ``titles`` (url -> title) wins over the page's own ``<title>``.
    """
    titles = titles or {}
    pages: list[Page] = []
    seen: set[str] = set()
    for capture in iter_captures(paths):
        mime = capture.content_type.split(";", 1)[0].strip().lower()
        if capture.status != 200 or mime not in HTML_TYPES or capture.url in seen:
            continue
        seen.add(capture.url)
        title = titles.get(capture.url)
        if title is None:
            try:
                title = html_title(decoded_head(capture), capture.content_type)
            except ArchiveError:
                title = None
        ts = capture.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        page_id = hashlib.sha1(capture.record_id.encode("utf-8")).hexdigest()[:32]
        pages.append(Page(url=capture.url, ts=ts, title=title, id=page_id))
    return pages


def _pages_jsonl(pages: list[Page]) -> bytes:
    """``pages/pages.jsonl``: the json-pages-1.0 header line, then one line per page."""
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    pages_text = "\n".join([json.dumps(header)] + [p.to_json() for p in pages]) + "\n"
    return pages_text.encode("utf-8")


def compressed_index(lines: list[str], block_lines: int = INDEX_BLOCK_LINES,
                     ) -> tuple[bytes, bytes]:
    """``(index.cdx.gz, index.idx)`` of sorted CDXJ ``lines``, as py-wacz writes them:
    one gzip member per ``block_lines`` lines, and per block one idx line with the
    block's first ``KEY TIMESTAMP``, its offset, length and sha256."""
    data = bytearray()
    idx = ["!meta 0 " + json.dumps(_IDX_META)]
    for start in range(0, len(lines), block_lines):
        block = lines[start:start + block_lines]
        comp = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        member = comp.compress("".join(line + "\n" for line in block).encode("utf-8"))
        member += comp.flush()
        where = {"offset": len(data), "length": len(member),
                 "digest": "sha256:" + hashlib.sha256(member).hexdigest()}
        idx.append(block[0].split("{", 1)[0].strip() + " " + json.dumps(where))
        data += member
    return bytes(data), ("\n".join(idx) + "\n").encode("utf-8")


def index_members(lines: list[str], compress_over: int = COMPRESS_INDEX_OVER,
                  ) -> list[tuple[str, bytes]]:
    """The ``indexes/`` members: ``index.cdx``, or ``index.cdx.gz`` + ``index.idx`` when
    the CDXJ text is larger than ``compress_over`` bytes."""
    text = "".join(line + "\n" for line in lines).encode("utf-8")
    if len(text) <= compress_over:
        return [("indexes/index.cdx", text)]
    data, idx = compressed_index(lines)
    return [("indexes/index.cdx.gz", data), ("indexes/index.idx", idx)]


def _datapackage(files: list[Path], pages: list[Page], members: list[tuple[str, bytes]], *,
                 title: str | None, created_text: str, software: str) -> bytes:
    """``datapackage.json``: every member with its sha256 and size, and the metadata."""
    resources = []
    for path in files:
        resources.append({"name": path.name, "path": f"archive/{path.name}",
                          "hash": _sha256_file(path), "bytes": path.stat().st_size})
    for member, data in members:
        resources.append({"name": member.rsplit("/", 1)[-1], "path": member,
                          "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                          "bytes": len(data)})
    package: dict[str, object] = {
        "profile": "data-package",
        "resources": resources,
        "wacz_version": WACZ_VERSION,
        "software": software,
        "created": created_text,
    }
    if title:
        package["title"] = title
    if pages:
        package["mainPageUrl"] = pages[0].url
        package["mainPageDate"] = pages[0].ts
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _datapackage_digest(package_bytes: bytes) -> bytes:
    """``datapackage-digest.json``: the sha256 of ``datapackage.json``."""
    digest = {"path": "datapackage.json",
              "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
    return (json.dumps(digest, indent=2) + "\n").encode("utf-8")


def _write_zip(out: Path, files: list[Path], members: list[tuple[str, bytes]],
               zip_time: tuple[int, ...]) -> None:
    """The zip: the WARCs STORED under ``archive/``, then ``members`` DEFLATED (a ``.gz``
    member STORED: already compressed, and read by offset).

    Written to ``out.tmp`` then renamed, so a failed run leaves no half file behind.
    """
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            for path in files:
                info = zipfile.ZipInfo(f"archive/{path.name}", date_time=zip_time)
                info.compress_type = zipfile.ZIP_STORED
                with open(path, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        dst.write(chunk)
            for member, data in members:
                info = zipfile.ZipInfo(member, date_time=zip_time)
                info.compress_type = (zipfile.ZIP_STORED if member.endswith(".gz")
                                      else zipfile.ZIP_DEFLATED)
                zf.writestr(info, data)
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):  # its folder may be no folder at all
            tmp.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write {out}: {exc.strerror or exc}") from None


def write_wacz(warcs: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
               titles: Mapping[str, str] | None = None, title: str | None = None,
               created: datetime | None = None, software: str = "newsarchive",
               compress_index_over: int = COMPRESS_INDEX_OVER) -> Path:
    """Package ``warcs`` (files or folders) into the WACZ ``out``; returns its path.

    The index is ``indexes/index.cdx``, or ``index.cdx.gz`` + ``index.idx`` once its
    CDXJ is larger than ``compress_index_over`` bytes (0: always compressed).
    Written to ``out.tmp`` then renamed, so a failed run leaves no half file behind.
    """
    files = find_warc_files(warcs)
    names = [p.name for p in files]
    if len(set(names)) != len(names):
        raise ArchiveError("two WARC files share a name; WACZ keeps them in one folder")
    out = Path(out)
    created = (created or datetime.now(UTC)).astimezone(UTC)
    created_text = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    zip_time = (max(created.year, 1980),) + created.timetuple()[1:6]

    pages = pages_from_warcs(files, titles)
    members = [*index_members(cdxj_lines(files, replay=True), compress_index_over),
               ("pages/pages.jsonl", _pages_jsonl(pages))]
    package_bytes = _datapackage(files, pages, members, title=title,
                                 created_text=created_text, software=software)
    members += [("datapackage.json", package_bytes),
                ("datapackage-digest.json", _datapackage_digest(package_bytes))]
    _write_zip(out, files, members, zip_time)
    return out


def _member_digest(zf: zipfile.ZipFile, member: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with zf.open(member) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return "sha256:" + h.hexdigest(), size


def _check_resources(zf: zipfile.ZipFile, package: dict, names: set[str]) -> list[str]:
    """Every datapackage resource present, with its hash and size; WARCs STORED."""
    problems: list[str] = []
    for res in package.get("resources", []):
        member = res.get("path")
        if member not in names:
            problems.append(f"datapackage lists {member}, not in the zip")
            continue
        digest, size = _member_digest(zf, member)
        if res.get("hash") != digest:
            problems.append(f"{member}: hash mismatch")
        if res.get("bytes") != size:
            problems.append(f"{member}: size {size} != {res.get('bytes')}")
        if member.startswith("archive/") and zf.getinfo(member).compress_type != 0:
            problems.append(f"{member}: WARC is compressed in the zip (must be STORED)")
    return problems


def _check_idx_block(data: bytes, line: str, end: int) -> tuple[list[str], str]:
    """One ``index.idx`` line against ``index.cdx.gz``: (problems, block's last line)."""
    prefix, _, where_text = line.partition(" {")
    where = json.loads("{" + where_text)
    offset, length = where.get("offset"), where.get("length")
    if offset != end or not isinstance(length, int) or offset + length > len(data):
        return [f"index.idx: block {prefix!r} at {offset}+{length} does not follow the "
                f"previous block (ends at {end}) inside index.cdx.gz"], ""
    member = data[offset:offset + length]
    if "digest" in where and where["digest"] != ("sha256:"
                                                 + hashlib.sha256(member).hexdigest()):
        return [f"index.idx: block {prefix!r}: digest mismatch"], ""
    try:
        lines = zlib.decompress(member, 16 + zlib.MAX_WBITS).decode("utf-8").splitlines()
    except (zlib.error, UnicodeDecodeError) as exc:
        return [f"index.idx: block {prefix!r} is not one gzip member of CDXJ: {exc}"], ""
    if not lines or not lines[0].startswith(prefix + " "):
        return [f"index.idx: block {prefix!r} does not start with its key"], ""
    if lines != sorted(lines):
        return [f"index.idx: block {prefix!r} is not sorted"], ""
    return [], lines[-1]


def check_compressed_index(zf: zipfile.ZipFile) -> list[str]:
    """``indexes/index.idx`` + ``index.cdx.gz``: the meta line, blocks contiguous, digests,
    each block one gzip member of sorted CDXJ starting with its idx key, blocks in order."""
    if "indexes/index.cdx.gz" not in zf.namelist():
        return ["indexes/index.idx without indexes/index.cdx.gz"]
    if zf.getinfo("indexes/index.cdx.gz").compress_type != zipfile.ZIP_STORED:
        return ["indexes/index.cdx.gz is compressed in the zip (must be STORED)"]
    data = zf.read("indexes/index.cdx.gz")
    lines = zf.read("indexes/index.idx").decode("utf-8").splitlines()
    head = lines[0].split(" ", 2) if lines else []
    if len(head) != 3 or head[0] != "!meta" or json.loads(head[2]).get(
            "format") != "cdxj-gzip-1.0":
        return ["index.idx does not start with '!meta 0 {\"format\": \"cdxj-gzip-1.0\"...}'"]
    end, last = 0, ""
    for line in lines[1:]:
        problems, block_last = _check_idx_block(data, line, end)
        if problems:
            return problems
        if block_last < last:
            return [f"index.cdx.gz: blocks out of order at {line.split(' {')[0]!r}"]
        last = block_last
        end += json.loads("{" + line.partition(" {")[2])["length"]
    return [] if end == len(data) else [f"index.cdx.gz: {len(data) - end} bytes after "
                                        "the last block in index.idx"]


def verify_wacz(path: str | os.PathLike[str]) -> list[str]:
    """Problems found in a WACZ (empty list when it is consistent): members present,
    datapackage hashes and sizes, the datapackage digest, WARCs stored uncompressed, the
    index (``indexes/index.cdx``, or ``index.cdx.gz`` + ``index.idx`` checked block by
    block)."""
    problems: list[str] = []
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [f"not a zip file: {exc}"]
    with zf:
        names = set(zf.namelist())
        for required in ("datapackage.json", "datapackage-digest.json", "pages/pages.jsonl"):
            if required not in names:
                problems.append(f"missing {required}")
        if not names & {"indexes/index.cdx", "indexes/index.cdxj", "indexes/index.idx"}:
            problems.append("no index (indexes/index.cdx, or index.cdx.gz + index.idx)")
        if problems:
            return problems
        package_bytes = zf.read("datapackage.json")
        package = json.loads(package_bytes)
        digest = json.loads(zf.read("datapackage-digest.json"))
        if digest.get("hash") != "sha256:" + hashlib.sha256(package_bytes).hexdigest():
            problems.append("datapackage-digest.json hash does not match datapackage.json")
        problems += _check_resources(zf, package, names)
        if "indexes/index.idx" in names:
            problems += check_compressed_index(zf)
        first = zf.read("pages/pages.jsonl").decode("utf-8").split("\n", 1)[0]
        if json.loads(first).get("format") != "json-pages-1.0":
            problems.append("pages.jsonl does not start with a json-pages-1.0 header")
        if package.get("wacz_version") != WACZ_VERSION:
            problems.append(f"wacz_version {package.get('wacz_version')!r}")
    return problems
