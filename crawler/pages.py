"""Pure functions on fetched pages: page kind, head information, canonical URL, post pages.

Shared by the spider (live crawl) and by re-extraction from WARCs: every function takes
plain values (URL, Content-Type, body bytes or text, an lxml tree), never a Scrapy object,
so a WARC record and a live response give the same answers.

- :func:`page_kind`: post / listing / static page / feed / sitemap / AMP copy / ... from
  WordPress body classes (``single-post``, ``postid-N``, ``home``, ``blog``, ``archive``,
  ``category``, ``tag``, ``author``, ``page-id-N``, ``error404``), then metadata
  (og:type, JSON-LD, article:published_time), then an entry's ``type-post`` class with
  a date permalink (or as the page's only entry), then URL patterns; feeds and sitemaps
  from their content type and root element.
- :func:`canonical_url`: rel=canonical / og:url when the page has one, normalised with
  ``crawler.links.normalize_url`` (URLs and the link policy live in ``crawler.links``;
  sitemaps, feeds and the REST API in ``crawler.discovery``).
- :func:`post_page_urls` / :func:`post_page_number`: multi-page posts (``.page-links``,
  ``/slug/2/``, ``?page=2``).

Regexes rather than a parser for the head: the spider calls :func:`head_info` on every
page, and the handful of ``<link>``/``<meta>``/``<body>`` tags it needs are found in a
fraction of the time a full parse takes (the spider parses the page once anyway, for its
links, with lxml).

Reads no settings.
"""

from __future__ import annotations

import enum
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

from archive.httputil import media_type
from crawler.extract.dates import url_date
from crawler.extract.html import decode_html as _decode_html
from crawler.extract.jsonld import ARTICLE_TYPES
from crawler.links import is_listing_path, normalize_url

__all__ = [
    "HeadInfo", "PageKind", "canonical_url", "decode_html", "head_info", "media_type",
    "first_page_of", "page_kind", "post_page_number", "post_page_urls", "sniff_xml_kind",
    "url_date",
]


class PageKind(enum.StrEnum):
    """What a fetched resource is, for the crawl and for article extraction."""

    POST = "post"          # a news article (WordPress post, any post type)
    LISTING = "listing"    # home, category, tag, author, date archive, search, pagination
    PAGE = "page"          # a static WordPress page (about, contact)
    AMP = "amp"            # an AMP copy: archived, never an article
    FEED = "feed"          # RSS / Atom / RDF
    SITEMAP = "sitemap"    # urlset or sitemapindex (plain or gzip)
    ROBOTS = "robots"      # robots.txt
    API = "api"            # WordPress REST API JSON
    ERROR = "error"        # a themed error page (error404)
    OTHER = "other"        # stylesheets, scripts, images, attachments, anything else


# --- Decoding --------------------------------------------------------------------------

def decode_html(body: bytes, content_type: str | None = None) -> str:
    """HTML bytes -> NFC text by the one rule extraction uses too
    (:func:`crawler.extract.html.decode_html`: BOM, valid UTF-8, then the HTTP charset,
    ``<meta>``, detection; windows-1258 included)."""
    return _decode_html(body, content_type)[0]


# --- Head information ----------------------------------------------------------------------

_TAG = re.compile(r"<(link|meta|body|html|base)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
                  re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_BODY_START = re.compile(r"<body\b", re.IGNORECASE)
# The JSON-LD types that classify a page: the article types (crawler.extract.jsonld, the
# one list), a video post, and the WordPress page types.
_PAGE_LD = ("VideoObject", "CollectionPage", "WebPage", "AboutPage", "ContactPage",
            "ProfilePage", "SearchResultsPage")
_JSONLD_TYPE = re.compile(r'"@type"\s*:\s*(?:\[\s*)?"(' + "|".join(
    sorted(ARTICLE_TYPES | set(_PAGE_LD), key=len, reverse=True)) + r')"')
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
# WordPress post_class() on an entry: class="post-123 post type-post status-publish ...".
# The class token is found first (a plain literal search, ~30x faster than one pattern
# that starts at every "class"), then checked to sit in a class attribute of its tag.
_TYPE_POST = "type-post"
_TOKEN_EDGE = frozenset(" \t\n\r\f\"'")
_IN_CLASS = re.compile(r"""\bclass\s*=\s*["'][^"'<>]*$""", re.IGNORECASE)
# a date permalink ending in a slug: /2025/04/01/slug/
_DATED_SLUG = re.compile(r"/(?:19|20)\d{2}/\d{1,2}/\d{1,2}/[^/]+/?$")


def _attrs(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(raw):
        name = m.group(1).lower()
        if name not in out:
            value = m.group(2) if m.group(2) is not None else (
                m.group(3) if m.group(3) is not None else (m.group(4) or ""))
            out[name] = unescape(value)
    return out


@dataclass
class HeadInfo:
    """What the ``<head>`` and the ``<body>`` tag say about a page."""

    body_classes: frozenset[str] = frozenset()
    is_amp: bool = False
    base: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    og_type: str | None = None
    amphtml: str | None = None
    shortlink: str | None = None
    api_root: str | None = None          # <link rel="https://api.w.org/">
    prev: str | None = None
    next: str | None = None
    published_time: str | None = None    # article:published_time
    modified_time: str | None = None
    feeds: list[tuple[str, str]] = field(default_factory=list)  # (href, title)
    stylesheets: list[str] = field(default_factory=list)
    icons: list[str] = field(default_factory=list)
    jsonld_types: frozenset[str] = frozenset()
    post_entries: int = 0                # elements of class "type-post" (post_class()), up to 2


def head_info(html: str) -> HeadInfo:
    """Parse the head (and the ``<html>`` / ``<body>`` start tags) of *html*. Hrefs are
    returned as written (unescaped, not resolved)."""
    info = HeadInfo()
    m = _BODY_START.search(html)
    end = html.find(">", m.end()) + 1 if m else min(len(html), 200_000)
    head = html[:end] if end > 0 else html
    types: set[str] = set()
    for tag in _TAG.finditer(head):
        name = tag.group(1).lower()
        a = _attrs(tag.group(2))
        if name == "link":
            rels = a.get("rel", "").lower().split()
            href = a.get("href", "").strip()
            if not href:
                continue
            if "canonical" in rels and info.canonical is None:
                info.canonical = href
            if "amphtml" in rels and info.amphtml is None:
                info.amphtml = href
            if "shortlink" in rels:
                info.shortlink = href
            if "https://api.w.org/" in rels and info.api_root is None:
                info.api_root = href
            if "prev" in rels:
                info.prev = href
            if "next" in rels:
                info.next = href
            if "alternate" in rels and media_type(a.get("type")) in _FEED_TYPES:
                info.feeds.append((href, a.get("title", "")))
            if "stylesheet" in rels:
                info.stylesheets.append(href)
            if "icon" in rels or "apple-touch-icon" in rels:
                info.icons.append(href)
        elif name == "meta":
            prop = (a.get("property") or a.get("name") or "").lower()
            content = a.get("content")
            if content is None:
                continue
            if prop == "og:url" and info.og_url is None:
                info.og_url = content.strip()
            elif prop == "og:type" and info.og_type is None:
                info.og_type = content.strip().lower()
            elif prop == "article:published_time" and info.published_time is None:
                info.published_time = content.strip()
            elif prop == "article:modified_time" and info.modified_time is None:
                info.modified_time = content.strip()
        elif name == "html":
            info.is_amp = "amp" in a or "\u26a1" in a
        elif name == "base":
            info.base = a.get("href") or info.base
        elif name == "body":
            info.body_classes = frozenset(a.get("class", "").split())
    for t in _JSONLD_TYPE.finditer(head):
        types.add(t.group(1))
    info.jsonld_types = frozenset(types)
    info.post_entries = _post_entries(html, end if end > 0 else 0)
    return info


def _post_entries(html: str, start: int, most: int = 2) -> int:
    """Elements of class ``type-post`` from ``start`` on, counted up to ``most`` (page
    kinds need to know none, one or several)."""
    count = 0
    at = html.find(_TYPE_POST, start)
    while at >= 0 and count < most:
        after = at + len(_TYPE_POST)
        if html[at - 1] in _TOKEN_EDGE and after < len(html) and html[after] in _TOKEN_EDGE:
            tag = html.rfind("<", start, at)
            if tag >= 0 and _IN_CLASS.search(html, tag, at):
                count += 1
        at = html.find(_TYPE_POST, after)
    return count


# --- Page kind ----------------------------------------------------------------------------

_LISTING_CLASSES = {"home", "blog", "archive", "category", "tag", "author", "date",
                    "search", "search-results", "post-type-archive"}
_POSTID = re.compile(r"^postid-\d+$")
_PAGEID = re.compile(r"^page-id-\d+$")


def sniff_xml_kind(body: bytes) -> PageKind | None:
    """SITEMAP / FEED from an XML body's root element (gzip bodies are opened)."""
    head = body[:4096]
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body[:65536], 4096)
        except zlib.error:
            return None
    lowered = head.lower()
    for marker, kind in ((b"<urlset", PageKind.SITEMAP), (b"<sitemapindex", PageKind.SITEMAP),
                         (b"<rss", PageKind.FEED), (b"<feed", PageKind.FEED),
                         (b"<rdf:rdf", PageKind.FEED)):
        if marker in lowered:
            return kind
    return None


def page_kind(url: str, content_type: str | None, body: bytes,
              info: HeadInfo | None = None) -> PageKind:
    """The kind of a fetched resource. *body* is the decoded payload (no
    Content-Encoding); pass *info* when the head is already parsed."""
    mtype = media_type(content_type)
    path = urlsplit(url).path
    if mtype in _FEED_TYPES:
        return PageKind.FEED
    if "html" not in mtype:
        if path.endswith("/robots.txt") and mtype in ("text/plain", ""):
            return PageKind.ROBOTS
        if "json" in mtype:
            return PageKind.API if "/wp-json/" in url or "rest_route=" in url else PageKind.OTHER
        if "xml" in mtype or "gzip" in mtype or mtype in ("", "text/plain",
                                                           "application/octet-stream"):
            return sniff_xml_kind(body) or PageKind.OTHER
        return PageKind.OTHER
    if info is None:
        info = head_info(decode_html(body, content_type))
    return html_kind(path, info)


def html_kind(path: str, info: HeadInfo) -> PageKind:
    """Kind of an HTML page from its head information and URL path."""
    classes = info.body_classes
    if info.is_amp:
        return PageKind.AMP
    if classes:
        if "error404" in classes:
            return PageKind.ERROR
        if "attachment" in classes or "single-attachment" in classes:
            return PageKind.OTHER
        has_postid = any(_POSTID.match(c) for c in classes)
        if classes & _LISTING_CLASSES and not has_postid:
            return PageKind.LISTING
        if "single" in classes or has_postid:
            return PageKind.POST
        if "page" in classes or any(_PAGEID.match(c) for c in classes):
            return PageKind.PAGE
        if any(c.startswith("tax-") for c in classes):
            return PageKind.LISTING
    # No WordPress body classes: metadata, then the post_class() entries and the URL
    # (old themes print neither body classes nor Open Graph, only the entry's classes).
    if info.jsonld_types & ARTICLE_TYPES or info.og_type == "article" or info.published_time:
        return PageKind.POST
    if info.post_entries and (_DATED_SLUG.search(path) or (
            info.post_entries == 1 and not is_listing_path(path))):
        return PageKind.POST
    if is_listing_path(path) or "CollectionPage" in info.jsonld_types:
        return PageKind.LISTING
    return PageKind.PAGE


# --- Canonical URL ------------------------------------------------------------------------

def canonical_url(url: str, info: HeadInfo | str | None = None) -> str:
    """Canonical URL of a page fetched from *url*: its rel=canonical (else og:url), made
    absolute and normalised; *url* normalised when the page names none or names one
    that cannot be right (not http(s), or the site's home for a deeper page)."""
    if isinstance(info, str):
        info = head_info(info)
    if info is not None:
        base = urljoin(url, info.base) if info.base else url
        own_path = urlsplit(url).path or "/"
        for candidate in (info.canonical, info.og_url):
            if not candidate:
                continue
            absolute = urljoin(base, candidate.strip())
            parts = urlsplit(absolute)
            if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
                continue
            if (parts.path or "/") == "/" and not parts.query and own_path != "/" \
                    and not own_path.endswith("/amp/"):
                continue  # a theme that points every page at the home page
            return normalize_url(absolute)
    return normalize_url(url)


# --- Multi-page posts --------------------------------------------------------------------

_PAGED_CLASS = re.compile(r"^(?:single-)?paged-(\d+)$")
_PAGE_SUFFIX = re.compile(r"^(.*/)(\d{1,3})/?$")
_PAGE_QUERY = re.compile(r"(?:^|&)page=(\d{1,3})(?:&|$)")


def post_page_number(url: str, body_classes: Iterable[str] = ()) -> int:
    """Page number of a post page: WordPress's ``single-paged-N`` / ``paged-N`` body
    class, else ``?page=N``, else 1. (A bare ``/N/`` suffix alone is ambiguous: a slug
    may be a number; :func:`post_page_urls` uses it only inside ``.page-links``.)"""
    for c in body_classes:
        m = _PAGED_CLASS.match(c)
        if m:
            return int(m.group(1))
    m = _PAGE_QUERY.search(urlsplit(url).query)
    return int(m.group(1)) if m else 1


def _link_page_number(first_url: str, link: str) -> int | None:
    """N if *link* is page N of the post whose first page is *first_url*."""
    first = urlsplit(first_url)
    target = urlsplit(link)
    if (target.hostname or "") != (first.hostname or ""):
        return None
    m = _PAGE_QUERY.search(target.query)
    if m and target.path == first.path:
        return int(m.group(1))
    m = _PAGE_SUFFIX.match(target.path)
    if m:
        base = first.path if first.path.endswith("/") else first.path + "/"
        if m.group(1) == base:
            return int(m.group(2))
    return None


def _page_link_hrefs(root: Any) -> list[str]:
    """The hrefs of WordPress's ``.page-links`` block (``wp_link_pages``) and of
    ``a.post-page-numbers``; *root* is an lxml element or HTML text."""
    if isinstance(root, (str, bytes)):
        import lxml.html  # local: callers with a parsed tree never pay for it

        root = lxml.html.fromstring(root)
    return [str(h) for h in root.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' page-links ')]//a/@href"
        " | //a[contains(concat(' ', normalize-space(@class), ' '), ' post-page-numbers ')]"
        "/@href")]


def post_page_urls(first_url: str, root: Any) -> list[str]:
    """URLs of pages 2..N of the post whose page 1 is *first_url*, in page order.

    *root* is an lxml HTML element (``response.selector.root``) or HTML text. Links are
    taken from WordPress's ``.page-links`` block (``wp_link_pages``, ``a.post-page-numbers``)
    and kept only when they have the ``/slug/N/`` or ``?page=N`` form of this post."""
    hrefs = _page_link_hrefs(root)
    pages: dict[int, str] = {}
    for href in hrefs:
        absolute = urljoin(first_url, str(href).strip())
        number = _link_page_number(first_url, absolute)
        if number is not None and number >= 2 and number not in pages:
            pages[number] = absolute.split("#", 1)[0]
    return [pages[n] for n in sorted(pages)]


def first_page_of(url: str, root: Any) -> str | None:
    """The first page of the multi-page post whose page N (N >= 2) *url* is, by the
    ``/slug/N/`` form and the page's own ``.page-links`` (which link page 1, or pages of
    the same post), whatever the page's canonical says (Yoast makes page 2 canonical to
    itself); None when *url* is not such a page."""
    match = _PAGE_SUFFIX.match(urlsplit(url).path)
    if not match or int(match.group(2)) < 2:
        return None
    first = urljoin(url, match.group(1))
    hrefs = _page_link_hrefs(root)
    for href in hrefs:
        absolute = urljoin(url, str(href).strip()).split("#", 1)[0]
        if urlsplit(absolute).path == urlsplit(first).path or _link_page_number(
                first, absolute) is not None:
            return first
    return None
