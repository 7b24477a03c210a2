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
- ``pages/pages.jsonl``           header line ``{"format": "json-pages-1.0", ...}`` then one
                                  line per HTML page with status 200: id, url, ts, title
- ``datapackage.json``            frictionless data package: every member above with its
                                  ``sha256:`` hash and size, ``wacz_version`` "1.1.1"
- ``datapackage-digest.json``     the sha256 of ``datapackage.json``

``created`` (and zip member times) can be fixed for byte-deterministic output.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.errors import ArchiveError
from archive.httputil import declared_charset
from archive.index import cdxj_lines, find_warc_files
from archive.reader import iter_captures

WACZ_VERSION = "1.1.1"
HTML_TYPES = ("text/html", "application/xhtml+xml")
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
                title = html_title(capture.decoded_body(), capture.content_type)
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


def _datapackage(files: list[Path], pages: list[Page], pages_bytes: bytes,
                 index_bytes: bytes, *, title: str | None, created_text: str,
                 software: str) -> bytes:
    """``datapackage.json``: every member with its sha256 and size, and the metadata."""
    resources = []
    for path in files:
        resources.append({"name": path.name, "path": f"archive/{path.name}",
                          "hash": _sha256_file(path), "bytes": path.stat().st_size})
    for name, member, data in (("pages.jsonl", "pages/pages.jsonl", pages_bytes),
                               ("index.cdx", "indexes/index.cdx", index_bytes)):
        resources.append({"name": name, "path": member,
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
    """The zip: the WARCs STORED under ``archive/``, then ``members`` DEFLATED.

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
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write {out}: {exc.strerror or exc}") from exc


def write_wacz(warcs: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
               titles: Mapping[str, str] | None = None, title: str | None = None,
               created: datetime | None = None, software: str = "newsarchive") -> Path:
    """Package ``warcs`` (files or folders) into the WACZ ``out``; returns its path.

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

    index_text = "".join(line + "\n" for line in cdxj_lines(files)).encode("utf-8")
    pages = pages_from_warcs(files, titles)
    pages_bytes = _pages_jsonl(pages)
    package_bytes = _datapackage(files, pages, pages_bytes, index_text, title=title,
                                 created_text=created_text, software=software)
    _write_zip(out, files, [("indexes/index.cdx", index_text),
                            ("pages/pages.jsonl", pages_bytes),
                            ("datapackage.json", package_bytes),
                            ("datapackage-digest.json", _datapackage_digest(package_bytes))],
               zip_time)
    return out


def verify_wacz(path: str | os.PathLike[str]) -> list[str]:
    """Problems found in a WACZ (empty list when it is consistent): members present,
    datapackage hashes and sizes, the datapackage digest, WARCs stored uncompressed."""
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
        if not any(n.startswith("indexes/") for n in names):
            problems.append("no indexes/ member")
        if problems:
            return problems
        package_bytes = zf.read("datapackage.json")
        package = json.loads(package_bytes)
        digest = json.loads(zf.read("datapackage-digest.json"))
        if digest.get("hash") != "sha256:" + hashlib.sha256(package_bytes).hexdigest():
            problems.append("datapackage-digest.json hash does not match datapackage.json")
        for res in package.get("resources", []):
            member = res.get("path")
            if member not in names:
                problems.append(f"datapackage lists {member}, not in the zip")
                continue
            data = zf.read(member)
            if res.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest():
                problems.append(f"{member}: hash mismatch")
            if res.get("bytes") != len(data):
                problems.append(f"{member}: size {len(data)} != {res.get('bytes')}")
            if member.startswith("archive/") and zf.getinfo(member).compress_type != 0:
                problems.append(f"{member}: WARC is compressed in the zip (must be STORED)")
        first = zf.read("pages/pages.jsonl").decode("utf-8").split("\n", 1)[0]
        if json.loads(first).get("format") != "json-pages-1.0":
            problems.append("pages.jsonl does not start with a json-pages-1.0 header")
        if package.get("wacz_version") != WACZ_VERSION:
            problems.append(f"wacz_version {package.get('wacz_version')!r}")
    return problems
