"""HTML bytes -> text: the one decoding rule for page classification and extraction.

Pure (no trafilatura, no Scrapy); no settings are read. :func:`decode_html` is used by
``crawler.pages`` (classification, the spider's head parsing, re-extraction from WARCs)
and ``crawler.extract`` alike, so a page is never read one way to classify it and
another way to extract it.

Precedence: a BOM, then valid UTF-8 (non-ASCII bytes that form valid UTF-8 are UTF-8
whatever the page declares), then the HTTP charset, then ``<meta charset>``, then
detection with charset-normalizer. w3lib's ``html_to_unicode`` (what Scrapy's
``response.text`` uses) trusts the HTTP charset first, which turns mislabelled UTF-8
pages into mojibake; hence this hand-written order.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from crawler.textnorm import nfc

__all__ = ["charset_codec", "decode_html"]

_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_META_RE = re.compile(rb"<meta\b[^>]*>", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
# WHATWG encoding labels that differ from Python's codec of the same name
_LABELS = {
    "latin1": "cp1252", "latin-1": "cp1252", "iso-8859-1": "cp1252", "iso8859-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
    "x-cp1258": "cp1258", "windows-1258": "cp1258", "iso-8859-9": "cp1254",
    "tis-620": "cp874", "x-sjis": "shift_jis", "gb2312": "gb18030", "gbk": "gb18030",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}


def charset_codec(label: str | None) -> str | None:
    """A charset label (WHATWG aliases included) -> Python codec name, or None."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _LABELS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        key = key.decode("latin-1") if isinstance(key, bytes) else key
        if key.lower() == name:
            if isinstance(value, (list, tuple)):
                value = value[0] if value else ""
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


def _meta_charset(body: bytes) -> str | None:
    head = body[:8192]
    for tag in _META_RE.findall(head):
        match = _CHARSET_RE.search(tag)
        if match:
            return match.group(1).decode("ascii", "replace")
    return None


def decode_html(body: bytes, headers: Mapping[str, str] | str | None = None,
                ) -> tuple[str, str]:
    """(NFC text, codec used): BOM, valid UTF-8, HTTP charset, meta charset, detection.

    *headers*: the response headers (any-case names) or just the Content-Type value.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return nfc(body[len(bom):].decode(name, "replace")), name
    if not body.isascii():
        # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page declares: legacy
        # single-byte text (windows-1258 included) practically never forms valid UTF-8
        # multi-byte sequences, while pages mislabelled "charset=windows-125x" are
        # common (the trafilatura-eval corpus has several).
        try:
            return nfc(body.decode("utf-8")), "utf-8"
        except UnicodeDecodeError:
            pass
    declared = []
    content_type = headers if isinstance(headers, str) else _header(headers, "content-type")
    if content_type:
        match = _CHARSET_RE.search(content_type.encode("latin-1", "replace"))
        if match:
            declared.append(charset_codec(match.group(1).decode("ascii", "replace")))
    declared.append(charset_codec(_meta_charset(body)))
    for name in declared:
        if not name:
            continue
        try:
            return nfc(body.decode(name)), name
        except UnicodeDecodeError:
            if name == "utf-8":
                # declared UTF-8 with a few broken bytes: keep UTF-8, replace the bytes
                return nfc(body.decode(name, "replace")), name
            # a wrong declaration: let detection decide (a UTF-8 page served as
            # ISO-8859-1 decodes without error, so only impossible bytes get here)
            continue
    try:
        return nfc(body.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    # charset-normalizer: the detector trafilatura itself relies on
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    name = charset_codec(best.encoding) if best is not None else None
    name = name or next((n for n in declared if n), None) or "cp1252"
    return nfc(body.decode(name, "replace")), name
