"""Pure builders of WARC records from HTTP exchanges, and the named header rules.

Nothing here touches the clock, the network or the disk: every builder takes the record
id and date it stamps, so output is byte-deterministic and golden-testable.

Why records are serialised here and not by ``warcio.WARCWriter``: warcio re-serialises the
HTTP head it parsed (non-ASCII header values are %-encoded, continuation lines folded,
header case kept but bytes not), which would break byte-faithfulness; and its gzip level
is fixed at 9. The WARC record format itself is a handful of ``Name: value`` lines, so we
write it directly and let warcio (and FastWARC, warctools, ``archive.check``) read it back
in the tests.

WARC version: ``WARC/1.0``. It is what warcio writes by default and what every reader we
test accepts; warctools' ``warcvalid`` rejects ``WARC/1.1``. Consequence: ``WARC-Date``
has second precision (the metadata record keeps the fetch time in milliseconds).

Header rules applied to what goes into the record (each a small function below, each
tested in tests/test_warc_records.py):

- :func:`status_line_protocol`      the real protocol; ALPN ``h2`` is written ``HTTP/2``
- :func:`reason_phrase`             the server's reason, or the standard phrase if empty
- :func:`clean_header_value`        strip surrounding whitespace, CR/LF become spaces
- :func:`rename_transfer_encoding`  ``Transfer-Encoding`` -> ``X-Archive-Orig-Transfer-Encoding``
- :func:`fix_content_length`        ``Content-Length`` = stored body length (original kept)
- :func:`rename_content_encoding`   only when the caller stored a *decoded* body
- :func:`ensure_host_header`        ``Host`` added to the request when missing
- :func:`request_target`            origin-form request target (path?query, no fragment)
- :func:`warc_target_uri`           non-ASCII / spaces in the URL %-encoded (RFC 3986)
"""

from __future__ import annotations

import base64
import hashlib
import http
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit, urlunsplit

from archive.errors import ArchiveError
from archive.httputil import header_value

WARC_VERSION = "WARC/1.0"
CRLF = "\r\n"

HeaderValue = str | bytes
Headers = list[tuple[str, HeaderValue]]

#: Prefix given to HTTP headers the archive had to change (StormCrawler / warcprox habit).
ORIG_PREFIX = "X-Archive-Orig-"

#: Statuses (and HEAD) whose message has no body whatever Content-Length says.
_BODYLESS_STATUSES = frozenset({204, 304}) | frozenset(range(100, 200))


@dataclass(frozen=True)
class HttpExchange:
    """One HTTP request/response pair as the client saw it.

    ``body`` is the entity exactly as received: still content-encoded (a gzip body stays
    gzip), but de-chunked (clients de-chunk; :func:`rename_transfer_encoding` records
    that). Header values may be ``str`` (written UTF-8) or ``bytes`` (written verbatim).
    ``fetched_at`` is an aware UTC datetime; ``None`` lets the writer's clock stamp it.
    ``body_decoded=True`` says the caller stored the *decoded* body instead; the
    ``Content-Encoding`` header is then renamed (:func:`rename_content_encoding`).
    ``truncated`` is a ``WARC-Truncated`` reason (``length``, ``time``, ``disconnect``,
    ``unspecified``) when the body arrived cut short; the response record then says so.
    """

    url: str
    method: str = "GET"
    request_headers: Sequence[tuple[str, HeaderValue]] = field(default_factory=list)
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    status: int = 200
    reason: str = ""
    response_headers: Sequence[tuple[str, HeaderValue]] = field(default_factory=list)
    body: bytes = b""
    ip_address: str | None = None
    fetched_at: datetime | None = None
    body_decoded: bool = False
    truncated: str | None = None


@dataclass(frozen=True)
class WarcRecord:
    """A WARC record ready to serialise: ordered WARC header fields plus the block."""

    headers: list[tuple[str, str]]
    block: bytes

    def get(self, name: str) -> str | None:
        return header_value(self.headers, name)

    @property
    def record_id(self) -> str:
        return self.get("WARC-Record-ID") or ""

    @property
    def rec_type(self) -> str:
        return self.get("WARC-Type") or ""

    def to_bytes(self) -> bytes:
        """Version line, fields, blank line, block, then the CRLF CRLF record end."""
        head = WARC_VERSION + CRLF + "".join(f"{k}: {v}{CRLF}" for k, v in self.headers) + CRLF
        return head.encode("utf-8") + self.block + b"\r\n\r\n"


# --------------------------------------------------------------------------- digests, dates


def sha1_digest(data: bytes) -> str:
    """``sha1:BASE32`` as WARC-Block-Digest / WARC-Payload-Digest (the common convention)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    """W3C ISO 8601 at second precision in UTC, as WARC/1.0 requires: 2024-05-01T07:30:00Z."""
    if moment.tzinfo is None:
        raise ArchiveError(f"naive datetime {moment.isoformat()} given as a WARC date (need UTC)")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_record_id(record_id: str) -> str:
    if not (record_id.startswith("<") and record_id.endswith(">") and ":" in record_id):
        raise ArchiveError(f"record id {record_id!r} is not a <URI>")
    return record_id


# --------------------------------------------------------------------------- header rules


def _bytes(value: HeaderValue) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _text(value: HeaderValue) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def status_line_protocol(protocol: str) -> str:
    """The protocol as written in the status line: the real one, never a made-up HTTP/1.0.

    Clients report it as ``HTTP/1.1`` / ``HTTP/1.0`` (kept) or by ALPN id (``h2`` is
    ``HTTP/2``, ``h3`` is ``HTTP/3``). An empty protocol is an error, not a guess.
    """
    proto = (protocol or "").strip()
    alpn = {"h2": "HTTP/2", "h2c": "HTTP/2", "h3": "HTTP/3"}
    if proto.lower() in alpn:
        return alpn[proto.lower()]
    if not proto.upper().startswith("HTTP/"):
        raise ArchiveError(f"unknown HTTP protocol {protocol!r} (expected HTTP/x.y, h2 or h3)")
    return "HTTP/" + proto[5:]


def reason_phrase(status: int, reason: str) -> str:
    """The server's reason phrase; the standard phrase only when the server sent none."""
    reason = (reason or "").strip().replace("\r", " ").replace("\n", " ")
    if reason:
        return reason
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def clean_header_value(value: HeaderValue) -> HeaderValue:
    """Strip surrounding whitespace; a CR or LF inside a value becomes a space.

    Clients never hand these over, but a value with a bare newline would end the header
    block early and corrupt the record.
    """
    if isinstance(value, bytes):
        return value.replace(b"\r", b" ").replace(b"\n", b" ").strip(b" \t")
    return value.replace("\r", " ").replace("\n", " ").strip(" \t")


def clean_header_name(name: str) -> str:
    """Header names are tokens; anything else (spaces, colons, controls) is an error."""
    if not name or any(c in name for c in ' :\t\r\n') or not name.isascii():
        raise ArchiveError(f"invalid HTTP header name {name!r}")
    return name


def rename_transfer_encoding(headers: Headers) -> tuple[Headers, bool]:
    """``Transfer-Encoding`` -> ``X-Archive-Orig-Transfer-Encoding``.

    The client already removed the chunked framing, so the stored body is not chunked:
    keeping the header would make every reader try to de-chunk it. Returns the headers
    and whether a rename happened.
    """
    out: Headers = []
    renamed = False
    for name, value in headers:
        if name.lower() == "transfer-encoding":
            out.append((ORIG_PREFIX + name, value))
            renamed = True
        else:
            out.append((name, value))
    return out, renamed


def fix_content_length(headers: Headers, body_length: int, *, add_if_missing: bool) -> Headers:
    """Make ``Content-Length`` equal the stored body length.

    A differing original is kept as ``X-Archive-Orig-Content-Length`` and the true length
    appended; a matching one is left alone. When ``add_if_missing`` (the framing header
    was renamed) and no Content-Length exists, one is appended.
    """
    lengths = [v for n, v in headers if n.lower() == "content-length"]
    if not lengths:
        return [*headers, ("Content-Length", str(body_length))] if add_if_missing else list(headers)
    if all(_text(v).strip() == str(body_length) for v in lengths) and len(lengths) == 1:
        return list(headers)
    out: Headers = []
    for name, value in headers:
        if name.lower() == "content-length":
            out.append((ORIG_PREFIX + name, value))
        else:
            out.append((name, value))
    out.append(("Content-Length", str(body_length)))
    return out


def rename_content_encoding(headers: Headers) -> Headers:
    """``Content-Encoding`` -> ``X-Archive-Orig-Content-Encoding`` for a decoded body.

    Only used when the caller stored the decoded entity (``body_decoded=True``): a plain
    body under ``Content-Encoding: gzip`` does not replay.
    """
    return [
        ((ORIG_PREFIX + n) if n.lower() == "content-encoding" else n, v) for n, v in headers
    ]


def ensure_host_header(headers: Headers, url: str) -> Headers:
    """Add ``Host`` (first, as HTTP/1.1 clients send it) when the request lacks it.

    Scrapy leaves Host to Twisted, so the request headers it reports lack it; the value
    is the URL's netloc without userinfo (default ports are not in the netloc).
    """
    if any(n.lower() == "host" for n, _ in headers):
        return list(headers)
    host = urlsplit(url).netloc.rpartition("@")[2]
    return [("Host", host), *headers]


def request_target(url: str) -> str:
    """Origin-form request target: ``/path?query`` (never the fragment)."""
    parts = urlsplit(warc_target_uri(url))
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target


_URI_SAFE = "!#$%&'()*+,-./:;=?@[]_~"


def warc_target_uri(url: str) -> str:
    """The URL as an RFC 3986 URI: non-ASCII (NFC, UTF-8) and spaces %-encoded.

    Existing %-escapes and reserved characters are kept as they are, so a URL that is
    already a URI is returned unchanged.
    """
    url = url.strip()
    if not url:
        raise ArchiveError("empty URL given for a WARC record")
    if all(32 < ord(c) < 127 for c in url):
        return url
    parts = urlsplit(unicodedata.normalize("NFC", url))
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        netloc = userinfo + at + host.encode("idna").decode("ascii") + colon + port
    def q(text: str) -> str:
        return quote(text, safe=_URI_SAFE)

    return urlunsplit((parts.scheme, netloc, q(parts.path), q(parts.query), q(parts.fragment)))


def _header_block(first_line: str, headers: Headers) -> bytes:
    lines = [first_line.encode("utf-8")]
    for name, value in headers:
        lines.append(clean_header_name(name).encode("ascii") + b": " + _bytes(value))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def response_headers_for_record(exchange: HttpExchange) -> Headers:
    """All response header rules applied in order; the headers the record will hold."""
    headers: Headers = [(n, clean_header_value(v)) for n, v in exchange.response_headers]
    if exchange.body_decoded:
        headers = rename_content_encoding(headers)
    headers, renamed = rename_transfer_encoding(headers)
    bodyless = exchange.method.upper() == "HEAD" or exchange.status in _BODYLESS_STATUSES
    if not bodyless:
        headers = fix_content_length(headers, len(exchange.body), add_if_missing=renamed)
    return headers


def request_headers_for_record(exchange: HttpExchange) -> Headers:
    headers: Headers = [(n, clean_header_value(v)) for n, v in exchange.request_headers]
    headers = ensure_host_header(headers, exchange.url)
    if exchange.request_body:
        headers, _ = rename_transfer_encoding(headers)
        headers = fix_content_length(headers, len(exchange.request_body), add_if_missing=True)
    return headers


def http_response_head(exchange: HttpExchange) -> bytes:
    """Status line and headers (with the rules applied), ending with the blank line."""
    status = int(exchange.status)
    if not 100 <= status <= 999:
        raise ArchiveError(f"HTTP status {status} out of range for {exchange.url}")
    line = f"{status_line_protocol(exchange.protocol)} {status}"
    reason = reason_phrase(status, exchange.reason)
    if reason:
        line += " " + reason
    return _header_block(line, response_headers_for_record(exchange))


def http_request_head(exchange: HttpExchange) -> bytes:
    method = exchange.method.strip().upper() or "GET"
    line = f"{method} {request_target(exchange.url)} {status_line_protocol(exchange.protocol)}"
    return _header_block(line, request_headers_for_record(exchange))


# --------------------------------------------------------------------------- builders


def _common(rec_type: str, record_id: str, date: datetime,
            url: str | None) -> list[tuple[str, str]]:
    headers = [
        ("WARC-Type", rec_type),
        ("WARC-Record-ID", check_record_id(record_id)),
        ("WARC-Date", warc_date(date)),
    ]
    if url is not None:
        headers.append(("WARC-Target-URI", warc_target_uri(url)))
    return headers


def _finish(headers: list[tuple[str, str]], block: bytes, content_type: str,
            payload: bytes | None) -> WarcRecord:
    headers = list(headers)
    headers.append(("WARC-Block-Digest", sha1_digest(block)))
    if payload is not None:
        headers.append(("WARC-Payload-Digest", sha1_digest(payload)))
    headers.append(("Content-Type", content_type))
    headers.append(("Content-Length", str(len(block))))
    return WarcRecord(headers, block)


def build_response(exchange: HttpExchange, *, record_id: str, date: datetime,
                   concurrent_to: Iterable[str] = (), warcinfo_id: str | None = None,
                   ) -> WarcRecord:
    """``response`` record: HTTP head + body as received; payload digest over the body."""
    headers = _common("response", record_id, date, exchange.url)
    if exchange.ip_address:
        headers.append(("WARC-IP-Address", exchange.ip_address))
    if warcinfo_id:
        headers.append(("WARC-Warcinfo-ID", check_record_id(warcinfo_id)))
    headers += [("WARC-Concurrent-To", check_record_id(c)) for c in concurrent_to]
    if exchange.truncated:
        headers.append(("WARC-Truncated", exchange.truncated))
    block = http_response_head(exchange) + exchange.body
    return _finish(headers, block, "application/http; msgtype=response", exchange.body)


def build_request(exchange: HttpExchange, *, record_id: str, date: datetime,
                  concurrent_to: Iterable[str] = (), warcinfo_id: str | None = None,
                  ) -> WarcRecord:
    """``request`` record: request line with the real protocol, headers (Host ensured)."""
    headers = _common("request", record_id, date, exchange.url)
    if exchange.ip_address:
        headers.append(("WARC-IP-Address", exchange.ip_address))
    if warcinfo_id:
        headers.append(("WARC-Warcinfo-ID", check_record_id(warcinfo_id)))
    headers += [("WARC-Concurrent-To", check_record_id(c)) for c in concurrent_to]
    block = http_request_head(exchange) + exchange.request_body
    return _finish(headers, block, "application/http; msgtype=request", exchange.request_body)


#: WARC-Profile of a revisit whose payload is byte-identical to an earlier capture.
REVISIT_IDENTICAL_PAYLOAD = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
REVISIT_NOT_MODIFIED = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"


def build_revisit(exchange: HttpExchange, *, record_id: str, date: datetime,
                  refers_to_uri: str, refers_to_date: datetime, refers_to: str | None = None,
                  concurrent_to: Iterable[str] = (), warcinfo_id: str | None = None,
                  profile: str = REVISIT_IDENTICAL_PAYLOAD) -> WarcRecord:
    """``revisit`` record of an earlier capture (``refers_to_uri`` at ``refers_to_date``,
    record ``refers_to``). The block is the HTTP head only.

    - identical-payload-digest profile (the default): the response came again with the
      payload of that capture; ``exchange.body`` (that same payload) gives the
      WARC-Payload-Digest but is not stored.
    - server-not-modified profile (:data:`REVISIT_NOT_MODIFIED`): the server answered a
      conditional request with 304; the block is the 304's head, no payload digest.
    """
    if profile not in (REVISIT_IDENTICAL_PAYLOAD, REVISIT_NOT_MODIFIED):
        raise ValueError(f"unknown revisit profile {profile!r}")
    headers = _common("revisit", record_id, date, exchange.url)
    headers.append(("WARC-Profile", profile))
    headers.append(("WARC-Refers-To-Target-URI", warc_target_uri(refers_to_uri)))
    headers.append(("WARC-Refers-To-Date", warc_date(refers_to_date)))
    if refers_to:
        headers.append(("WARC-Refers-To", check_record_id(refers_to)))
    if exchange.ip_address:
        headers.append(("WARC-IP-Address", exchange.ip_address))
    if warcinfo_id:
        headers.append(("WARC-Warcinfo-ID", check_record_id(warcinfo_id)))
    headers += [("WARC-Concurrent-To", check_record_id(c)) for c in concurrent_to]
    payload = exchange.body if profile == REVISIT_IDENTICAL_PAYLOAD else None
    return _finish(headers, http_response_head(exchange), "application/http; msgtype=response",
                   payload)


def format_warc_fields(fields: Mapping[str, object]) -> bytes:
    """``application/warc-fields``: one ``key: value`` line per value (Heritrix convention).

    A list or tuple value gives one line per item (``outlink: URL`` lines); ``None`` and
    empty values are skipped; text is NFC, newlines become spaces.
    """
    lines: list[str] = []
    for key, value in fields.items():
        clean_header_name(key)
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None or item == "":
                continue
            text = str(item).replace("\r", " ").replace("\n", " ").strip()
            lines.append(f"{key}: {unicodedata.normalize('NFC', text)}\r\n")
    return "".join(lines).encode("utf-8")


def build_metadata(url: str, fields: Mapping[str, object], *, record_id: str, date: datetime,
                   refers_to: str | None = None, concurrent_to: Iterable[str] = (),
                   warcinfo_id: str | None = None) -> WarcRecord:
    """``metadata`` record about a capture: e.g. ``{"outlink": [...], "fetchTimeMs": 12}``."""
    headers = _common("metadata", record_id, date, url)
    if warcinfo_id:
        headers.append(("WARC-Warcinfo-ID", check_record_id(warcinfo_id)))
    if refers_to:
        headers.append(("WARC-Refers-To", check_record_id(refers_to)))
    headers += [("WARC-Concurrent-To", check_record_id(c)) for c in concurrent_to]
    return _finish(headers, format_warc_fields(fields), "application/warc-fields", None)


def build_resource(uri: str, block: bytes, content_type: str, *, record_id: str,
                   date: datetime, warcinfo_id: str | None = None) -> WarcRecord:
    """``resource`` record: a document kept as it is, named by ``uri`` (e.g. the crawl's
    own log, ``metadata://newsarchive/crawl.log``, as wget keeps its log)."""
    headers = _common("resource", record_id, date, uri)
    if warcinfo_id:
        headers.append(("WARC-Warcinfo-ID", check_record_id(warcinfo_id)))
    return _finish(headers, block, content_type, block)


def build_warcinfo(fields: Mapping[str, object], *, record_id: str, date: datetime,
                   filename: str | None = None) -> WarcRecord:
    """``warcinfo`` record, first in each file: software, format, crawl id, robots, ..."""
    headers = _common("warcinfo", record_id, date, None)
    if filename:
        headers.append(("WARC-Filename", filename))
    return _finish(headers, format_warc_fields(fields), "application/warc-fields", None)
