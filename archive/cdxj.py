"""The CDXJ line format and THE rule for which records are indexed, and how.

A line is ``SURT-KEY TIMESTAMP14 {json}`` with the JSON keys, in this order, ``url``,
``mime``, ``status``, ``digest``, ``length``, ``offset``, ``filename`` (a key whose value
is unknown is left out, as cdxj-indexer does). Indexed records, as cdxj-indexer's
defaults: ``response``, ``revisit``, ``resource`` and ``metadata``, except resource and
metadata records of type ``application/warc-fields``. ``mime`` is the HTTP Content-Type
without parameters (``warc/revisit`` for revisits, the WARC Content-Type for resources);
``digest`` the WARC-Payload-Digest as written (``sha1:...``), computed when absent.

The key is ``surt.surt(url)`` (the package pywb and cdxj-indexer use; we do not rewrite
SURT canonicalisation). :mod:`archive.index` builds indexes of files from records read
back; :mod:`archive.sidecar` from records as the writer writes them: both through
:func:`make_entry`, so the two give the same lines.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import surt

from archive.errors import ArchiveError
from archive.records import sha1_digest

INDEXED_TYPES = ("response", "revisit", "resource", "metadata")
_MIME_SPLIT = re.compile(r"[;\s]")


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


@functools.lru_cache(maxsize=256)
def url_key(url: str) -> str:
    """The SURT key pywb and cdxj-indexer use (``vn,kontumtv)/thoi-su/abc``). Memoised:
    a capture's request, response and metadata records share their URL, and surt is
    about a third of the writer's index work per record."""
    try:
        return surt.surt(url)
    except Exception:  # noqa: BLE001 - surt raises bare exceptions on odd URLs; cdxj-indexer
        return url     # falls back to the URL itself, and so do we


def timestamp14(warc_date: str) -> str:
    """``2024-05-01T07:30:00Z`` (or with fraction) -> ``20240501073000``."""
    digits = re.sub(r"\D", "", warc_date or "")
    return (digits + "0" * 14)[:14]


def make_entry(rec_type: str, header: Callable[[str], str | None], http_status: str | None,
               http_type: str | None, payload: Callable[[], bytes], *, length: int,
               offset: int, filename: str) -> CdxjEntry | None:
    """THE rule for a record's index entry, or None when the record is not indexed.

    ``header(name)`` reads the WARC header; ``http_status``/``http_type`` are the status
    code and Content-Type of the record's HTTP head (None without one); ``payload()``
    is called only when the record carries no payload digest. Used by :func:`iter_entries`
    (records read back) and by the writer's index sidecar (records as written)."""
    if rec_type not in INDEXED_TYPES:
        return None
    if rec_type in ("resource", "metadata") and header("Content-Type") == "application/warc-fields":
        return None
    url = header("WARC-Target-URI")
    if not url:
        return None
    status = (http_status or None) if rec_type in ("response", "revisit") else None
    digest = header("WARC-Payload-Digest")
    if not digest and rec_type != "revisit":
        digest = sha1_digest(payload())
    if rec_type == "revisit":
        mime: str | None = "warc/revisit"
    else:
        value = http_type if rec_type in ("response", "request") else header("Content-Type")
        mime = (_MIME_SPLIT.split(value, 1)[0].strip() or None) if value else None
    return CdxjEntry(urlkey=url_key(url), timestamp=timestamp14(header("WARC-Date") or ""),
                     url=url, mime=mime, status=status, digest=digest, length=length,
                     offset=offset, filename=filename)
