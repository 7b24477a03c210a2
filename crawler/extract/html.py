"""HTML bytes -> text -> lxml tree, and the small tree helpers every extraction step uses.

Owns THE decoding rule (:func:`decode_html`), used by ``crawler.pages`` (classification,
the spider's head parsing, re-extraction from WARCs) and by extraction alike, so a page
is never read one way to classify it and another way to extract it; the lxml parse
(:func:`parse_html`); XPath class/id predicates; text measures and element removal.

Decoding precedence: a BOM, then valid UTF-8 (non-ASCII bytes that form valid UTF-8 are
UTF-8 whatever the page declares), then the HTTP charset, then ``<meta charset>``, then
detection with charset-normalizer. w3lib's ``html_to_unicode`` (what Scrapy's
``response.text`` uses) trusts the HTTP charset first, which turns mislabelled UTF-8
pages into mojibake; hence this hand-written order. WHATWG labels (latin1 ->
windows-1252; windows-1258 -> Python's cp1258); the result is NFC.

Pure (lxml only: no trafilatura, no Scrapy); no settings are read.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from urllib.parse import urldefrag, urljoin

import lxml.etree
import lxml.html

from crawler.extract.textnorm import clean_line, nfc

__all__ = [
    "ClassIndex", "absolute_url", "attached", "charset_codec", "class_pred", "classes",
    "decode_html", "drop", "first_line", "has_text", "id_pred", "link_density", "parse_html",
    "text_len", "text_longer", "visible",
]

# --- decoding ---------------------------------------------------------------------------

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


# --- parsing ----------------------------------------------------------------------------

_DOCTYPE_RE = re.compile(r"^\s*<!DOCTYPE[^>]*>", re.I)
_INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _html_class_lookup() -> lxml.etree.ElementNamespaceClassLookup:
    """The element classes of ``lxml.html`` (HtmlElement, FormElement for <form>, ...)
    chosen in C: lxml.html's own lookup is a Python method called for every element
    proxy created (~3% of the extraction time)."""
    lookup = lxml.etree.ElementNamespaceClassLookup(lxml.etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
    tags = lookup.get_namespace(None)
    for name, cls in lxml.html.HtmlElementClassLookup._default_element_classes.items():
        tags[name] = cls
    return lookup


_CLASS_LOOKUP = _html_class_lookup()


# A run of 64 or more <div ...> (or </div>) with nothing but white space between. Written
# with a literal first character outside any group and the case rule inline (not
# re.IGNORECASE) so that re searches for "<" at C speed instead of trying the whole
# pattern at every character: 1.7 -> 0.13 ms on a 20 KB page, the same matches.
_DIV_OPEN_RUN = re.compile(r"<(?i:div)\b[^>]*>\s*(?:<(?i:div)\b[^>]*>\s*){63,}")
_DIV_CLOSE_RUN = re.compile(r"</(?i:div)\s*>\s*(?:</(?i:div)\s*>\s*){63,}")


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """lxml document from decoded text (None when there is no element to parse).

    The leading DOCTYPE is removed first: some doctypes make libxml2 drop most of the
    document (lxml bug 1955915; trafilatura's own loader does the same repair).
    """
    if not text.strip():
        return None
    text = _DOCTYPE_RE.sub("", _INVALID_XML_RE.sub("", text), count=1)
    if "<div" in text or "<DIV" in text:
        # Hundreds of wrappers in a row say nothing: libxml2 stops at 256 levels (a few
        # thousand with huge_tree) and trafilatura gives up on deep trees, so one page of
        # 5,000 nested divs would yield no article. A run is folded into one wrapper.
        text = _DIV_OPEN_RUN.sub("<div>", _DIV_CLOSE_RUN.sub("</div>", text))
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                                  collect_ids=False, default_doctype=False)
    parser.set_element_class_lookup(_CLASS_LOOKUP)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", "surrogatepass"),
                                             parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None
    return tree


# --- selectors --------------------------------------------------------------------------


def class_pred(*tokens: str) -> str:
    """XPath predicate: the class attribute holds one of ``tokens`` as a whole token.

    A plain substring test on the raw attribute comes first: it is necessary for the
    token test and much cheaper than ``concat(normalize-space())`` on every element (the
    class predicates were a quarter of the extraction time; bench/extract_speed.py).
    Tokens containing another token are implied by it in that pre-test.
    """
    needles = [t for t in dict.fromkeys(tokens)
               if not any(u != t and u in t for u in tokens)]
    pre = " or ".join(f"contains(@class, '{t}')" for t in needles)
    exact = " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {t} ')" for t in tokens)
    return f"(({pre}) and ({exact}))"


def id_pred(*values: str) -> str:
    """XPath predicate: the id is one of ``values``."""
    return " or ".join(f"@id='{v}'" for v in values)


def classes(el: lxml.html.HtmlElement) -> list[str]:
    value = el.get("class")
    return value.split() if value else []


_XPATH_SPACES = str.maketrans("\t\r\n", "   ")


class ClassIndex:
    """The elements of a parsed page by class token, in document order, found in one
    pass: what ``//*[class_pred(...)]`` selects, without an XPath walking the whole tree
    and testing every class attribute once per lookup (six such lookups were ~11 ms of
    a page's extraction; bench/extract_speed.py). Valid while the tree is unchanged:
    extraction builds it after parsing and uses it before pruning."""

    def __init__(self, tree: lxml.html.HtmlElement) -> None:
        self._by_token: dict[str, list[tuple[int, lxml.html.HtmlElement]]] = {}
        by_token = self._by_token
        for position, el in enumerate(tree.iter(lxml.etree.Element)):
            value = el.get("class")
            if value:
                # tokens as XPath's normalize-space() splits them (space, tab, CR, LF;
                # not U+00A0, which str.split() would take as a separator)
                for token in value.translate(_XPATH_SPACES).split(" "):
                    if token:
                        by_token.setdefault(token, []).append((position, el))

    def find(self, tokens: frozenset[str], *, within: lxml.html.HtmlElement | None = None,
             tags: frozenset[str] | None = None) -> list[lxml.html.HtmlElement]:
        """Elements holding one of ``tokens`` as a whole class token, in document order,
        each once; only descendants of ``within`` (``.//*``) and only ``tags`` when
        given."""
        found: dict[int, lxml.html.HtmlElement] = {}
        for token in tokens:
            for position, el in self._by_token.get(token, ()):
                found[position] = el
        out = [found[position] for position in sorted(found)]
        if tags is not None:
            out = [el for el in out if el.tag in tags]
        if within is not None:
            out = [el for el in out if any(a is within for a in el.iterancestors())]
        return out


# --- text measures, element removal, URLs -------------------------------------------------


def text_len(el: lxml.html.HtmlElement) -> int:
    return len("".join(el.itertext()).strip())


def has_text(el: lxml.html.HtmlElement) -> bool:
    """``text_len(el) > 0``, stopping at the first piece of visible text."""
    return any(not piece.isspace() for piece in el.itertext() if piece)


def text_longer(el: lxml.html.HtmlElement, limit: int) -> bool:
    """``text_len(el) > limit`` without joining the whole text of a large element: the
    stripped text of a prefix is a part of the stripped whole."""
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit and len("".join(parts).strip()) > limit:
            return True
    return len("".join(parts).strip()) > limit


def link_density(el: lxml.html.HtmlElement) -> float:
    total = text_len(el)
    if not total:
        return 0.0
    linked = sum(text_len(a) for a in el.iter("a"))
    return linked / total


def visible(el: lxml.html.HtmlElement) -> str:
    """The element's text as one cleaned line."""
    return clean_line(" ".join(el.itertext()))


_LINE_BREAKS = frozenset(("br", "p", "div", "li", "ul", "ol", "time", "section", "header",
                          "footer", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "table"))


def first_line(el: lxml.html.HtmlElement) -> str:
    """The element's visible text up to its first block break (``<br>``, a block or
    ``<time>`` child): a name, not the profile links and date printed after it."""
    parts: list[str] = [el.text or ""]

    def walk(node: lxml.html.HtmlElement) -> bool:
        if isinstance(node.tag, str):
            if node.tag in _LINE_BREAKS:
                return False
            parts.append(node.text or "")
            if not all(walk(child) for child in node):
                return False
        parts.append(node.tail or "")
        return True

    for child in el:
        if not walk(child):
            break
    return clean_line(" ".join(parts))


def drop(el: lxml.html.HtmlElement) -> None:
    """Remove an element but keep its tail text (the text after it belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def attached(el: lxml.html.HtmlElement) -> bool:
    """Still in the document (not inside a block removed earlier)."""
    ancestors = list(el.iterancestors())
    return bool(ancestors) and ancestors[-1].tag == "html"


def absolute_url(url: str | None, base: str) -> str | None:
    """``url`` resolved against ``base``, fragment removed; None for data:/javascript:."""
    if not url or not url.strip() or url.strip().startswith(("data:", "javascript:")):
        return None
    try:
        return urldefrag(urljoin(base, url.strip()))[0]
    except ValueError:
        return None
