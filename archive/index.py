"""CDXJ indexes of WARC files, in the format ``cdxj-indexer`` (and pywb) write.

A line is ``SURT-KEY TIMESTAMP14 {json}`` with the JSON keys, in this order, ``url``,
``mime``, ``status``, ``digest``, ``length``, ``offset``, ``filename`` (a key whose value
is unknown is left out, as cdxj-indexer does). Indexed records, as cdxj-indexer's
defaults: ``response``, ``revisit``, ``resource`` and ``metadata``, except resource and
metadata records of type ``application/warc-fields``. ``mime`` is the HTTP Content-Type
without parameters (``warc/revisit`` for revisits, the WARC Content-Type for resources);
``digest`` the WARC-Payload-Digest as written (``sha1:...``), computed when absent;
``filename`` the WARC's base name (or its path relative to ``dir_root``). Lines are sorted
as strings, which is the order pywb's binary search needs.

The key is ``surt.surt(url)`` (the package pywb and cdxj-indexer use; we do not rewrite
SURT canonicalisation). Records are read with warcio through ``archive.reader``.

``CdxjIndex`` loads an index (or builds one from WARC paths in memory) and answers
``lookup(url)`` for the replay-from download handler.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import surt

from archive.errors import ArchiveError
from archive.reader import iter_parsed
from archive.records import sha1_digest, warc_target_uri

INDEXED_TYPES = ("response", "revisit", "resource", "metadata")
_MIME_SPLIT = re.compile(r"[;\s]")
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True, order=True)
class CdxjEntry:
    """One CDXJ line. ``length``/``offset`` are ints; ``status`` a string or None."""

    urlkey: str
    timestamp: str
    url: str = field(compare=False)
    mime: str | None = field(default=None, compare=False)
    status: str | None = field(default=None, compare=False)
    digest: str | None = field(default=None, compare=False)
    length: int = field(default=0, compare=False)
    offset: int = field(default=0, compare=False)
    filename: str = field(default="", compare=False)
    extra: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def to_line(self) -> str:
        data: dict[str, object] = {"url": self.url}
        for key in ("mime", "status", "digest"):
            value = getattr(self, key)
            if value:
                data[key] = value
        data["length"] = str(self.length)
        data["offset"] = str(self.offset)
        data["filename"] = self.filename
        data.update(self.extra)
        return f"{self.urlkey} {self.timestamp} {json.dumps(data)}"

    @classmethod
    def from_line(cls, line: str, where: str = "") -> CdxjEntry:
        try:
            urlkey, timestamp, rest = line.rstrip("\r\n").split(" ", 2)
            data = json.loads(rest)
            extra = {k: v for k, v in data.items() if k not in
                     ("url", "mime", "status", "digest", "length", "offset", "filename")}
            return cls(
                urlkey=urlkey, timestamp=timestamp, url=data["url"], mime=data.get("mime"),
                status=data.get("status"), digest=data.get("digest"),
                length=int(data.get("length", 0)), offset=int(data.get("offset", 0)),
                filename=data.get("filename", ""), extra=extra,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ArchiveError(f"{where}: not a CDXJ line: {line[:80]!r}") from exc


def url_key(url: str) -> str:
    """The SURT key pywb and cdxj-indexer use (``vn,kontumtv)/thoi-su/abc``)."""
    try:
        return surt.surt(url)
    except Exception:  # noqa: BLE001 - surt raises bare exceptions on odd URLs; cdxj-indexer
        return url     # falls back to the URL itself, and so do we


def timestamp14(warc_date: str) -> str:
    """``2024-05-01T07:30:00Z`` (or with fraction) -> ``20240501073000``."""
    digits = re.sub(r"\D", "", warc_date or "")
    return (digits + "0" * 14)[:14]


def _mime(rec_type: str, record) -> str | None:
    if rec_type == "revisit":
        return "warc/revisit"
    if rec_type in ("response", "request"):
        value = record.http_headers.get_header("Content-Type") if record.http_headers else None
    else:
        value = record.rec_headers.get_header("Content-Type")
    if not value:
        return None
    return _MIME_SPLIT.split(value, 1)[0].strip() or None


def _filename(path: Path, dir_root: Path | None) -> str:
    if dir_root is None:
        return path.name
    return Path(os.path.relpath(path, dir_root)).as_posix()


def iter_entries(paths: Iterable[str | os.PathLike[str]], *,
                 dir_root: str | os.PathLike[str] | None = None) -> Iterator[CdxjEntry]:
    """Index entries of the WARC files, in file order (unsorted)."""
    root = Path(dir_root) if dir_root is not None else None
    for raw in paths:
        path = Path(raw)
        name = _filename(path, root)
        for record, rest, offset, length in iter_parsed(path):
            rec_type = record.rec_type
            if rec_type not in INDEXED_TYPES:
                continue
            if (rec_type in ("resource", "metadata")
                    and record.rec_headers.get_header("Content-Type") == "application/warc-fields"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            if not url:
                continue
            status = None
            if rec_type in ("response", "revisit") and record.http_headers:
                status = record.http_headers.get_statuscode() or None
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            if not digest and rec_type != "revisit":
                digest = sha1_digest(rest)
            yield CdxjEntry(
                urlkey=url_key(url),
                timestamp=timestamp14(record.rec_headers.get_header("WARC-Date") or ""),
                url=url, mime=_mime(rec_type, record), status=status, digest=digest,
                length=length, offset=offset, filename=name,
            )


def expand_warc_paths(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; directories walked for ``*.warc`` / ``*.warc.gz`` (sorted).

    ``.open`` files (still being written) are skipped; a missing input is an error.
    """
    out: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file()
                              and p.name.endswith(WARC_SUFFIXES)))
        elif path.is_file():
            out.append(path)
        else:
            raise ArchiveError(f"{path}: no such file or folder")
    return out


def cdxj_lines(paths: Iterable[str | os.PathLike[str]], *,
               dir_root: str | os.PathLike[str] | None = None) -> list[str]:
    """Sorted CDXJ lines (no newline) for the WARC files."""
    return sorted(e.to_line() for e in iter_entries(paths, dir_root=dir_root))


def write_cdxj(paths: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *,
               dir_root: str | os.PathLike[str] | None = None) -> int:
    """Write the sorted index of ``paths`` to ``out`` atomically; return the line count."""
    lines = cdxj_lines(paths, dir_root=dir_root)
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line + "\n")
        os.replace(tmp, out)
    except OSError as exc:
        raise ArchiveError(f"cannot write index {out}: {exc.strerror or exc}") from exc
    return len(lines)


class CdxjIndex:
    """An in-memory CDXJ index: ``load(path)``, ``from_warcs(paths)``, ``lookup(url)``.

    ``search_dirs`` are where ``path_of(entry)`` looks for an entry's WARC file; ``load``
    adds the index's folder and its ``warc/`` subfolder, ``from_warcs`` each WARC's folder.
    """

    def __init__(self, entries: Iterable[CdxjEntry], search_dirs: Iterable[Path] = ()) -> None:
        self.entries: list[CdxjEntry] = sorted(entries)
        self._keys = [e.urlkey for e in self.entries]
        self.search_dirs = list(search_dirs)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CdxjIndex:
        path = Path(path)
        entries = []
        try:
            with open(path, encoding="utf-8") as fh:
                for number, line in enumerate(fh, 1):
                    if line.strip() and not line.startswith("!"):
                        entries.append(CdxjEntry.from_line(line, f"{path}:{number}"))
        except OSError as exc:
            raise ArchiveError(f"cannot read index {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"{path}: index is not UTF-8 text") from exc
        return cls(entries, [path.parent, path.parent / "warc"])

    @classmethod
    def from_warcs(cls, paths: Iterable[str | os.PathLike[str]]) -> CdxjIndex:
        files = expand_warc_paths(paths)
        return cls(iter_entries(files), dict.fromkeys(p.parent for p in files))

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, url: str) -> list[CdxjEntry]:
        """Captures of ``url``, latest first.

        All entries sharing the URL's SURT key are returned (SURT folds ``www.``, scheme,
        query order ...); those whose ``url`` is exactly the one asked come first.
        """
        key = url_key(url)
        lo = bisect.bisect_left(self._keys, key)
        hi = bisect.bisect_right(self._keys, key)
        found = self.entries[lo:hi]
        wanted = warc_target_uri(url)
        found.sort(key=lambda e: e.timestamp, reverse=True)
        return sorted(found, key=lambda e: e.url != wanted)

    def path_of(self, entry: CdxjEntry) -> Path:
        """The WARC file holding ``entry``; ArchiveError if none of the folders has it."""
        for folder in self.search_dirs:
            candidate = Path(folder) / entry.filename
            if candidate.is_file():
                return candidate
        raise ArchiveError(f"WARC file {entry.filename} not found in "
                           f"{', '.join(str(d) for d in self.search_dirs) or 'no folder'}")
