"""Field tables and rule checks of the WARC validator (:mod:`archive.check`).

Owns what a record's header and block must look like: the problem levels, the WARC 1.1
field tables (mandatory, repeatable, forbidden per record type, ...), the syntax regexes
(tokens, media types, URIs, record ids, W3C-ISO8601 dates), and :class:`_RuleChecks`, the
checks run on one parsed record: field presence and formats, record-type rules,
``application/warc-fields`` and ``application/http`` blocks, and the block and payload
digests. The record walker in ``archive.check`` inherits it and supplies ``add``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
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
#: fields whose value is a record id, checked as ``<URI>`` and resolved across files
ID_REFERENCES = ("warc-concurrent-to", "warc-refers-to", "warc-warcinfo-id",
                 "warc-segment-origin-id")
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

_CANONICAL = {n.lower(): n for n in (
    "WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length", "Content-Type",
    "WARC-Concurrent-To", "WARC-Block-Digest", "WARC-Payload-Digest", "WARC-IP-Address",
    "WARC-Refers-To", "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "WARC-Target-URI",
    "WARC-Truncated", "WARC-Warcinfo-ID", "WARC-Filename", "WARC-Profile",
    "WARC-Identified-Payload-Type", "WARC-Segment-Number", "WARC-Segment-Origin-ID",
    "WARC-Segment-Total-Length")}


def _title(name: str) -> str:
    return _CANONICAL.get(name, name)


def _first(by_name: dict[str, list[str]], name: str) -> str | None:
    """The first value of field ``name`` (lower case), None when the record lacks it."""
    values = by_name.get(name)
    return values[0] if values else None


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


class _RuleChecks:
    """The checks of one record's fields and block; the class using it supplies ``add``
    (report a problem), ``path``, ``seen_ids`` (record id -> where first seen, across the
    file set) and ``refs`` (id references to resolve once every file is read)."""

    path: Path
    seen_ids: dict[str, tuple[str, int]]
    refs: list[tuple[str, int, str, str]]

    def add(self, offset: int, level: str, message: str) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ field rules

    def _check_fields(self, off: int, version: str, fields: list[tuple[str, str]],
                      length: int | None) -> None:
        by_name: dict[str, list[str]] = {}
        for name, value in fields:
            by_name.setdefault(name.lower(), []).append(value)
        self._check_presence(off, by_name)
        rec_type_raw = _first(by_name, "warc-type") or ""
        rec_type = rec_type_raw.lower()
        if rec_type and rec_type not in KNOWN_TYPES:
            self.add(off, NOTICE, f"unknown WARC-Type {rec_type_raw!r} (readers skip it)")
        self._check_ids(off, by_name)
        self._check_dates(off, version, by_name)
        value = _first(by_name, "content-length")
        if value and not value.isdigit():
            self.add(off, ERROR, f"Content-Length {value!r} is not a number")
        self._check_uris(off, version, by_name)
        self._check_value_syntax(off, by_name)
        self._check_segments(off, rec_type, by_name)
        if rec_type in KNOWN_TYPES:
            self._check_type_rules(off, rec_type, by_name, length)

    def _check_presence(self, off: int, by_name: dict[str, list[str]]) -> None:
        """Mandatory fields present, non-repeatable ones once, WARC fields not empty."""
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

    def _check_ids(self, off: int, by_name: dict[str, list[str]]) -> None:
        """WARC-Record-ID: a ``<URI>`` used once; references: ``<URI>``s, kept to resolve."""
        rid = _first(by_name, "warc-record-id")
        if rid:
            if not ID_RE.match(rid):
                self.add(off, ERROR, f"WARC-Record-ID {rid!r} is not a <URI>")
            elif rid in self.seen_ids:
                other = self.seen_ids[rid]
                self.add(off, ERROR, f"WARC-Record-ID {rid} already used at {other[0]}:{other[1]}")
            else:
                self.seen_ids[rid] = (str(self.path), off)
        for name in ID_REFERENCES:
            for value in by_name.get(name, []):
                if value and not ID_RE.match(value):
                    self.add(off, ERROR, f"{_title(name)} {value!r} is not a <URI>")
                elif value:
                    self.refs.append((str(self.path), off, _title(name), value))

    def _check_dates(self, off: int, version: str, by_name: dict[str, list[str]]) -> None:
        for name in ("warc-date", "warc-refers-to-date"):
            value = _first(by_name, name)
            if value and not _valid_date(value):
                self.add(off, ERROR, f"{_title(name)} {value!r} is not a W3C-ISO8601 date")
            elif value and version in ("1.0", "0.17", "0.18") and "." in value:
                self.add(off, WARNING, f"{_title(name)} has fractional seconds, a WARC/1.1 "
                                       f"feature, in a WARC/{version} record")

    def _check_uris(self, off: int, version: str, by_name: dict[str, list[str]]) -> None:
        for name in ("warc-target-uri", "warc-refers-to-target-uri", "warc-profile"):
            value = _first(by_name, name)
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

    def _check_value_syntax(self, off: int, by_name: dict[str, list[str]]) -> None:
        """IP address, media types, ``algorithm:value`` digests, WARC-Truncated reason."""
        value = _first(by_name, "warc-ip-address")
        if value:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                self.add(off, ERROR, f"WARC-IP-Address {value!r} is not an IP address")
        for name in ("content-type", "warc-identified-payload-type"):
            value = _first(by_name, name)
            if value and not MEDIA_TYPE_RE.match(value):
                self.add(off, ERROR, f"{_title(name)} {value!r} is not a media type")
        for name in ("warc-block-digest", "warc-payload-digest"):
            value = _first(by_name, name)
            if value:
                alg, colon, digest = value.partition(":")
                if not colon or not TOKEN_RE.match(alg.strip() or "-") or not alg.strip():
                    self.add(off, ERROR, f"{_title(name)} {value!r} is not algorithm:value")
                elif not digest.strip() or not TOKEN_RE.match(digest.strip().rstrip("=")):
                    self.add(off, ERROR, f"{_title(name)} {value!r} has no digest value")
        value = _first(by_name, "warc-truncated")
        if value:
            if not TOKEN_RE.match(value):
                self.add(off, ERROR, f"WARC-Truncated {value!r} is not a token")
            elif value.lower() not in TRUNCATED_REASONS:
                self.add(off, NOTICE, f"WARC-Truncated reason {value!r} is not one of "
                                      f"{', '.join(TRUNCATED_REASONS)}")

    def _check_segments(self, off: int, rec_type: str, by_name: dict[str, list[str]]) -> None:
        seg = _first(by_name, "warc-segment-number")
        if seg:
            if not seg.isdigit() or int(seg) < 1:
                self.add(off, ERROR, f"WARC-Segment-Number {seg!r} is not a positive integer")
            elif rec_type == "continuation" and int(seg) < 2:
                self.add(off, ERROR, f"continuation record with WARC-Segment-Number {seg} "
                                     f"(must be 2 or more)")
            elif rec_type != "continuation" and int(seg) != 1:
                self.add(off, ERROR, f"{rec_type or 'record'} with WARC-Segment-Number {seg} "
                                     f"(a first segment must be 1)")
        value = _first(by_name, "warc-segment-total-length")
        if value and not value.isdigit():
            self.add(off, ERROR, f"WARC-Segment-Total-Length {value!r} is not a number")

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
