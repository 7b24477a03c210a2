"""Small, pure HTTP/1.1 helpers (no I/O, no state): the fixture server's and the reader's.

Header lookup in ``(name, value)`` lists (:func:`header_value`, also used by the reader),
parsing of request heads, ``Accept-Encoding`` negotiation, conditional-request checks,
HTTP dates and content types by extension. Written by hand rather than taken from
``http.server``/``email`` because the fixture server needs them on the hot path
(thousands of requests per second) and ``http.server`` parses with ``email.parser``,
which is several times slower and cannot be used from an ``asyncio.Protocol``.
"""

from __future__ import annotations

import email.utils
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus

MAX_HEAD_BYTES = 64 * 1024

# Default content types by file extension (docs/ARCHITECTURE.md "Fixture sites").
# Text types get a charset; the server may replace it with the one the file declares.
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=UTF-8",
    ".htm": "text/html; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".xsl": "application/xml; charset=UTF-8",
    ".rss": "application/rss+xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".css": "text/css; charset=UTF-8",
    ".js": "application/javascript; charset=UTF-8",
    ".json": "application/json; charset=UTF-8",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mp3": "audio/mpeg",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".gz": "application/gzip",
    ".zip": "application/zip",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

_COMPRESSIBLE_PREFIXES = ("text/", "application/xml", "application/rss+xml",
                          "application/atom+xml", "application/json",
                          "application/javascript", "image/svg+xml")


def media_type(content_type: str | bytes | None) -> str:
    """The media type of a Content-Type value, lower case: 'text/html; charset=UTF-8' ->
    'text/html' ('' for none)."""
    if content_type is None:
        return ""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return content_type.split(";", 1)[0].strip().lower()


def header_value(headers: Iterable[tuple[str, str]], name: str,
                 default: str | None = None) -> str | None:
    """The first value of header ``name`` (case-insensitive) in ``(name, value)`` pairs."""
    lname = name.lower()
    for key, value in headers:
        if key.lower() == lname:
            return value
    return default


class BadRequest(Exception):
    """The request head cannot be parsed; ``status`` is the answer to give."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(slots=True)
class RequestHead:
    method: str
    target: str          # as sent (path + query, percent-encoding kept)
    version: str         # "HTTP/1.1" or "HTTP/1.0"
    headers: dict[str, str]   # lower-case names; repeated headers joined with ", "

    @property
    def keep_alive(self) -> bool:
        conn = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in conn
        return "close" not in conn


def parse_request_head(raw: bytes) -> RequestHead:
    """Parse the bytes before ``\\r\\n\\r\\n`` of an HTTP/1.x request."""
    try:
        text = raw.decode("latin-1")
    except UnicodeDecodeError as exc:  # pragma: no cover - latin-1 decodes anything
        raise BadRequest(400, "undecodable request head") from exc
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise BadRequest(400, f"malformed request line {lines[0][:80]!r}")
    method, target, version = parts
    if not version.startswith("HTTP/1."):
        raise BadRequest(505 if version.startswith("HTTP/") else 400,
                         f"unsupported version {version[:20]!r}")
    if version not in ("HTTP/1.0", "HTTP/1.1"):
        version = "HTTP/1.1"
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip() or line[0] in " \t":
            raise BadRequest(400, f"malformed header line {line[:80]!r}")
        key = name.lower()
        value = value.strip()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return RequestHead(method, target, version, headers)


def split_target(target: str) -> tuple[str, str]:
    """``(path, query)`` of a request target; absolute-form targets keep only the path."""
    if not target.startswith("/"):
        m = re.match(r"(?i)^https?://[^/?#]*", target)
        if not m:
            raise BadRequest(400, f"bad request target {target[:80]!r}")
        target = target[m.end():] or "/"
        if not target.startswith("/"):
            target = "/" + target
    target = target.partition("#")[0]
    path, _, query = target.partition("?")
    return path, query


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True when ``Accept-Encoding`` allows gzip (RFC 9110 §12.5.3, q-values honoured)."""
    if not accept_encoding:
        return False
    star: float | None = None
    for item in accept_encoding.split(","):
        coding, *params = (p.strip() for p in item.split(";"))
        q = 1.0
        for p in params:
            k, _, v = p.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        coding = coding.lower()
        if coding in ("gzip", "x-gzip"):
            return q > 0
        if coding == "*":
            star = q
    return star is not None and star > 0


def is_compressible(content_type: str) -> bool:
    return content_type.lower().startswith(_COMPRESSIBLE_PREFIXES)


def http_date(timestamp: float) -> str:
    """IMF-fixdate, e.g. ``Wed, 01 May 2024 00:00:00 GMT``."""
    return email.utils.formatdate(timestamp, usegmt=True)


def parse_http_date(value: str) -> float | None:
    """Seconds since the epoch of an HTTP date (any of the three RFC formats), or None."""
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:  # pragma: no cover - older Pythons
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def parse_iso_timestamp(value: str) -> float:
    """Seconds since the epoch of an ISO 8601 date-time (``Z`` allowed; naive = UTC)."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def etag_matches(if_none_match: str, etags: tuple[str, ...]) -> bool:
    """Weak comparison (RFC 9110 §13.1.2): any listed tag equal to one of ``etags``."""
    if if_none_match.strip() == "*":
        return True
    wanted = {_opaque(t) for t in etags}
    return any(_opaque(t) in wanted for t in if_none_match.split(",") if t.strip())


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag[:2] in ("W/", "w/") else tag


def not_modified_since(if_modified_since: str, last_modified: float) -> bool:
    """True when the resource has not changed since the client's date (second precision)."""
    since = parse_http_date(if_modified_since)
    return since is not None and int(last_modified) <= int(since)


_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def declared_charset(body: bytes, suffix: str, head_bytes: int = 4096) -> str | None:
    """The charset an HTML (``<meta charset>``) or XML (declaration) file names for itself,
    looked for in the first ``head_bytes``."""
    head = body[:head_bytes]
    if suffix in (".html", ".htm"):
        m = _META_CHARSET.search(head)
    elif suffix in (".xml", ".xsl", ".rss"):
        m = _XML_ENCODING.match(head.lstrip(b"\xef\xbb\xbf"))
    else:
        return None
    return m.group(1).decode("ascii") if m else None


def content_type_for(suffix: str, body: bytes) -> str:
    """Default ``Content-Type`` by extension, with the charset the file itself declares."""
    ctype = CONTENT_TYPES.get(suffix.lower(), DEFAULT_CONTENT_TYPE)
    if ctype.startswith("application/xml") and b"<rss" in body[:1024]:
        ctype = "application/rss+xml; charset=UTF-8"  # WordPress serves feeds so
    if "charset=" in ctype:
        charset = declared_charset(body, suffix.lower())
        if charset and charset.lower() not in ("utf-8", "utf8"):
            ctype = ctype.split(";")[0] + f"; charset={charset}"
    return ctype


def render_headers(headers: list[tuple[str, str]]) -> bytes:
    """``Name: value\r\n`` lines of a response head (latin-1, as HTTP/1.1 sends them)."""
    return "".join(f"{k}: {v}\r\n" for k, v in headers).encode("latin-1")


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
