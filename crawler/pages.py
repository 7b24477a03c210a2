"""Pure functions on fetched pages: page kind, canonical URL, post pagination, link policy.

Shared by the spider (live crawl) and by re-extraction from WARCs: every function takes
plain values (URL, Content-Type, body bytes or text, an lxml tree), never a Scrapy object,
so a WARC record and a live response give the same answers.

- :func:`page_kind`: post / listing / static page / feed / sitemap / AMP copy / ... from
  WordPress body classes (``single-post``, ``postid-N``, ``home``, ``blog``, ``archive``,
  ``category``, ``tag``, ``author``, ``page-id-N``, ``error404``), then metadata
  (og:type, JSON-LD, article:published_time), then URL patterns; feeds and sitemaps from
  their content type and root element.
- :func:`normalize_url`: the one normalisation of an article URL (fragments, AMP,
  ``?replytocom=``, tracking parameters, trailing-slash variants);
  :func:`canonical_url` applies it to rel=canonical / og:url when the page has one.
  :func:`request_url` is the lighter form used to deduplicate links before fetching
  (it keeps what the server may answer differently: slashes, AMP suffixes, ``?p=``).
- :func:`post_page_urls` / :func:`post_page_number`: multi-page posts (``.page-links``,
  ``/slug/2/``, ``?page=2``).
- :func:`classify_link`: the crawl policy of docs/ARCHITECTURE.md for one link.

Regexes rather than a parser for the head: the spider calls :func:`head_info` on every
page, and the handful of ``<link>``/``<meta>``/``<body>`` tags it needs are found in a
fraction of the time a full parse takes (the spider parses the page once anyway, for its
links, with lxml).

Reads no settings.
"""

from __future__ import annotations

import enum
import gzip
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from crawler.encoding import decode_html as _decode_html
from crawler.sites import netloc_of

__all__ = [
    "HeadInfo", "LinkKind", "PageKind", "canonical_url", "classify_link", "decode_html",
    "feed_parent", "head_info", "is_listing_path", "media_type", "normalize_url",
    "page_kind", "post_page_number", "post_page_urls", "post_variant_of", "request_url",
    "sniff_xml_kind",
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


class LinkKind(enum.StrEnum):
    PAGE = "page"            # an HTML page (or a redirect to one): fetch and parse
    FEED = "feed"            # a site / category / tag feed: fetch and parse
    SITEMAP = "sitemap"
    REQUISITE = "requisite"  # stylesheet, script, image, font: fetch, archive, no parse
    SKIP = "skip"            # never fetched (reason given alongside)


# --- Decoding --------------------------------------------------------------------------

def media_type(content_type: str | bytes | None) -> str:
    """'text/html; charset=UTF-8' -> 'text/html'."""
    if content_type is None:
        return ""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return content_type.split(";", 1)[0].strip().lower()


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """HTML bytes -> NFC text by the one rule extraction uses too
    (:func:`crawler.encoding.decode_html`: BOM, valid UTF-8, then the HTTP charset,
    ``<meta>``, detection; windows-1258 included)."""
    return _decode_html(body, content_type)[0]


# --- Head information ----------------------------------------------------------------------

_TAG = re.compile(r"<(link|meta|body|html|base)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
                  re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_BODY_START = re.compile(r"<body\b", re.IGNORECASE)
_JSONLD_TYPE = re.compile(
    r'"@type"\s*:\s*(?:\[\s*)?"(NewsArticle|Article|BlogPosting|ReportageNewsArticle|'
    r'AnalysisNewsArticle|OpinionNewsArticle|LiveBlogPosting|VideoObject|'
    r'CollectionPage|WebPage|AboutPage|ContactPage|ProfilePage|SearchResultsPage)"')
_ARTICLE_LD = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle",
               "AnalysisNewsArticle", "OpinionNewsArticle", "LiveBlogPosting"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}


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
    return info


# --- Page kind ----------------------------------------------------------------------------

_LISTING_CLASSES = {"home", "blog", "archive", "category", "tag", "author", "date",
                    "search", "search-results", "post-type-archive"}
_LISTING_PATH = re.compile(
    r"(?:^|/)(?:category|tag|author|chuyen-muc|danh-muc|the|tac-gia)/[^?#]+"
    r"|/page/\d+/?$|^/(?:\d{4}/(?:\d{2}/(?:\d{2}/)?)?)?$")
_POSTID = re.compile(r"^postid-\d+$")
_PAGEID = re.compile(r"^page-id-\d+$")


def is_listing_path(path: str) -> bool:
    """URL-path heuristics for WordPress listings: home, /category/, /tag/, /author/,
    date archives (/2017/, /2017/09/), pagination (/page/N/)."""
    return bool(_LISTING_PATH.search(path or "/"))


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
    # No WordPress body classes: metadata, then the URL.
    if info.jsonld_types & _ARTICLE_LD or info.og_type == "article" or info.published_time:
        return PageKind.POST
    if is_listing_path(path) or "CollectionPage" in info.jsonld_types:
        return PageKind.LISTING
    return PageKind.PAGE


# --- URL normalisation ------------------------------------------------------------------

_TRACKING = re.compile(r"^(?:utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|"
                       r"igshid|zarsrc|zx)$", re.IGNORECASE)
_ARTICLE_NOISE = re.compile(r"^(?:replytocom|amp|noamp|share|nb|unapproved|cpage|"
                            r"moderation-hash|preview_id|preview_nonce)$", re.IGNORECASE)
_VIEW_SUFFIX = re.compile(r"(?<=.)(?:/(?:amp|comment-page-\d+))+/?$")
_VARIANT = re.compile(r"^(.+?/)(?:comment-page-\d+|embed|amp)/?$")
_VARIANT_QUERY = re.compile(r"(?:^|&)(?:cpage=\d+|embed=true|amp(?:=1)?)(?:&|$)")


def _clean_netloc(parts: SplitResult) -> str:
    """``user:password@`` (kept as given) + :func:`crawler.sites.netloc_of`."""
    userinfo = ""
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "") + "@"
    return userinfo + netloc_of(parts)


def _filter_query(query: str, drop: re.Pattern[str], drop2: re.Pattern[str] | None) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs
            if not drop.match(k) and not (drop2 is not None and drop2.match(k))]
    if len(kept) == len(pairs):
        return query
    return urlencode(kept)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4: '/a/./b/../c' -> '/a/c' (links in the wild carry them)."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") else "/" + result


def request_url(url: str) -> str:
    """The form of a link used to deduplicate before fetching: ASCII-safe, scheme and host
    lower-cased, default port and fragment dropped, tracking parameters (utm_*, fbclid,
    ...) removed. Slashes, AMP suffixes and ``?p=`` stay: the server may answer them
    differently (a redirect is worth archiving)."""
    url = safe_url_string(url.strip())
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = _clean_netloc(parts)
    query = _filter_query(parts.query, _TRACKING, None)
    return urlunsplit((scheme, netloc, remove_dot_segments(parts.path or "/"), query, ""))


def normalize_url(url: str) -> str:
    """The one normalisation of an article URL (the deduplication key).

    Idempotent. Removes the fragment, dot segments and repeated slashes,
    ``?replytocom=``, ``amp``, ``cpage`` and tracking parameters and AMP / comments-page
    suffixes (``/slug/amp/``, ``/slug/comment-page-2/`` -> ``/slug/``); lower-cases
    scheme and host; drops the default port; gives extension-less WordPress permalinks
    their trailing slash (``/slug`` -> ``/slug/``). ``/?p=ID`` stays (only the page knows
    its slug: use :func:`canonical_url`)."""
    url = safe_url_string(url.strip())
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = _clean_netloc(parts)
    path = re.sub(r"//+", "/", remove_dot_segments(parts.path or "/"))
    path = _VIEW_SUFFIX.sub("/", path)
    last = path.rsplit("/", 1)[-1]
    if last and "." not in last:
        path += "/"
    query = _filter_query(parts.query, _TRACKING, _ARTICLE_NOISE)
    return urlunsplit((scheme, netloc, path, query, ""))


def post_variant_of(url: str) -> str | None:
    """The post URL when *url* is another view of a post that is not an article of its
    own: a comments page (``/slug/comment-page-2/``, ``?cpage=2``), the oEmbed view
    (``/slug/embed/``) or an AMP view; None otherwise. (Later pages of a multi-page post
    are :func:`post_page_number`'s business.)"""
    parts = urlsplit(url)
    m = _VARIANT.match(parts.path)
    if m:
        return urlunsplit((parts.scheme, parts.netloc, m.group(1), parts.query, ""))
    if parts.query and _VARIANT_QUERY.search(parts.query):
        query = "&".join(p for p in parts.query.split("&")
                         if not re.match(r"^(?:cpage=\d+|embed=true|amp(?:=1)?)$", p))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return None


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


def post_page_urls(first_url: str, root: Any) -> list[str]:
    """URLs of pages 2..N of the post whose page 1 is *first_url*, in page order.

    *root* is an lxml HTML element (``response.selector.root``) or HTML text. Links are
    taken from WordPress's ``.page-links`` block (``wp_link_pages``, ``a.post-page-numbers``)
    and kept only when they have the ``/slug/N/`` or ``?page=N`` form of this post."""
    if isinstance(root, (str, bytes)):
        import lxml.html  # local: callers with a parsed tree never pay for it

        root = lxml.html.fromstring(root)
    hrefs = root.xpath(
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' page-links ')]//a/@href"
        " | //a[contains(concat(' ', normalize-space(@class), ' '), ' post-page-numbers ')]"
        "/@href")
    pages: dict[int, str] = {}
    for href in hrefs:
        absolute = urljoin(first_url, str(href).strip())
        number = _link_page_number(first_url, absolute)
        if number is not None and number >= 2 and number not in pages:
            pages[number] = absolute.split("#", 1)[0]
    return [pages[n] for n in sorted(pages)]


# --- Link policy -------------------------------------------------------------------------

_MEDIA_EXT = frozenset(
    "mp4 m4v mov avi wmv flv f4v mkv webm mpg mpeg 3gp 3g2 ts m3u8 mpd "
    "mp3 m4a aac wav ogg oga ogv opus flac wma amr mid midi".split())
_REQUISITE_EXT = frozenset(
    "css js mjs png jpg jpeg jpe gif webp avif svg ico bmp tif tiff heic "
    "woff woff2 ttf otf eot".split())
_SKIP_SCHEMES = ("mailto:", "javascript:", "tel:", "sms:", "data:", "fb:", "zalo:",
                 "viber:", "whatsapp:", "skype:", "callto:", "ftp:", "file:", "about:")
_FEED_SUFFIX = re.compile(r"^(.*/)feed/(?:(?:rss2?|atom|rdf)/?)?$")
_SITEMAP_PATH = re.compile(r"sitemap[^/]*\.xml(?:\.gz)?$", re.IGNORECASE)
# Tested against 'path?query'.
_NEVER = (
    (re.compile(r"[?&]replytocom="), "replytocom"),
    (re.compile(r"/wp-login\.php"), "wp-login"),
    (re.compile(r"/wp-admin(?:[/?]|$)"), "wp-admin"),
    (re.compile(r"/xmlrpc\.php"), "xmlrpc"),
    (re.compile(r"/wp-json(?:[/?]|$)|[?&]rest_route="), "wp-json"),
    (re.compile(r"/trackback/?(?:\?|$)"), "trackback"),
    (re.compile(r"[?&]share=[a-z]"), "share"),
    (re.compile(r"[?&](?:s|search)=|/search/"), "search"),
    (re.compile(r"/wp-(?:content|includes)/[^?]*\.php"), "php"),
    (re.compile(r"/comments/feed(?:[/?]|$)|[?&]feed=comments-"), "comment-feed"),
    (re.compile(r"[?&]ical=|/ical/?$|\.ics$"), "calendar"),
    (re.compile(r"[?&](?:add-to-cart|add_to_wishlist|action=(?:edit|lostpassword|register)"
                r"|_wpnonce|doing_wp_cron)="), "action"),
)


def _extension(path: str) -> str:
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def feed_parent(url: str) -> str | None:
    """The page a ``/feed/`` URL is the feed of ('/category/x/feed/' -> '/category/x/'),
    None if *url* is not a pretty-permalink feed."""
    m = _FEED_SUFFIX.match(urlsplit(url).path)
    return m.group(1) if m else None


def classify_link(url: str, on_site: Any, *, tag: str = "a", base_path: str = "/",
                  allowed_page: Any = None, from_listing: bool = False) -> tuple[LinkKind, str]:
    """What the crawl does with an absolute, already-resolved link (the crawl policy of
    docs/ARCHITECTURE.md).

    *on_site(url) -> bool* says whether the host (and port) may be fetched;
    *allowed_page(path_query) -> bool* applies a profile's allow/deny patterns;
    *tag* is where the link came from ('a', 'img', 'script', 'stylesheet', 'icon',
    'css', 'alternate', 'iframe', ...); *base_path* is the site's root path;
    *from_listing* tells that the page holding the link is a listing. Returns the kind
    and, for SKIP, the reason (a stats key).

    Feeds: the site feed and the feeds of listings (category, tag, author: a listing
    path, or advertised by a listing page's head) are fetched; any other ``/x/feed/``
    is a post's comment feed and is not.
    """
    low = url[:12].lower()
    if low.startswith(_SKIP_SCHEMES) or not low.startswith(("http://", "https://")):
        return LinkKind.SKIP, "scheme"
    try:
        if not on_site(url):
            return LinkKind.SKIP, "offsite"
        parts = urlsplit(url)
        _ = parts.port
        request_url(url)
    except ValueError:  # bad IPv6 literal, port out of range, ...
        return LinkKind.SKIP, "malformed"
    path = parts.path or "/"
    path_query = f"{path}?{parts.query}" if parts.query else path
    for pattern, reason in _NEVER:
        if pattern.search(path_query):
            return LinkKind.SKIP, reason
    ext = _extension(path)
    if ext in _MEDIA_EXT:
        return LinkKind.SKIP, "media"
    requisite = ext in _REQUISITE_EXT or tag in _REQUISITE_TAGS
    if allowed_page is not None and not allowed_page(path_query):
        # Requisites stay allowed: a page in the archive needs its stylesheets.
        if not (requisite and tag != "a"):
            return LinkKind.SKIP, "profile"
    if requisite:
        return LinkKind.REQUISITE, ""
    parent = feed_parent(url)
    if parent is not None or "feed=" in parts.query:
        if parent is None:
            return (LinkKind.FEED, "") if re.search(r"(?:^|&)feed=(?:rss2?|atom|rdf)?(?:&|$)",
                                                    parts.query) else (LinkKind.SKIP, "feed")
        if parent == base_path or is_listing_path(parent) or (
                tag == "alternate" and from_listing):
            return LinkKind.FEED, ""
        return LinkKind.SKIP, "comment-feed"
    if _SITEMAP_PATH.search(path):
        return LinkKind.SITEMAP, ""
    return LinkKind.PAGE, ""


_REQUISITE_TAGS = frozenset({"img", "script", "stylesheet", "css", "icon", "source",
                             "poster", "input"})


# --- Dates from URLs -------------------------------------------------------------------

_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(?:(0[1-9]|[12]\d|3[01])/)?")


def url_date(url: str) -> str | None:
    """'YYYY-MM-DD' (day 01 when absent) from a date permalink (/2017/09/21/slug/)."""
    m = _URL_DATE.search(urlsplit(url).path)
    if not m:
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3) or '01'}"


# --- Sitemaps and feeds -------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One URL of a sitemap or feed with its date (lastmod / news publication_date /
    pubDate / updated), as written."""

    url: str
    date: str | None = None


def open_gzip(body: bytes, max_size: int = 50 * 1024 * 1024) -> bytes:
    """Gunzip *body* if it is gzip (sitemap.xml.gz served without Content-Encoding)."""
    if body[:2] != b"\x1f\x8b":
        return body
    out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, max_size)
    if not out:
        return gzip.decompress(body)
    return out


def _xml_root(body: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=True, remove_comments=True)
    try:
        return etree.fromstring(open_gzip(body), parser=parser)
    except (etree.XMLSyntaxError, zlib.error, OSError, EOFError, ValueError):
        return None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> tuple[str, list[Entry]]:
    """('index' | 'urlset' | '', entries) of a sitemap (plain or gzip); dates are
    ``<lastmod>``, or ``<news:publication_date>`` when newer."""
    root = _xml_root(body)
    if root is None:
        return "", []
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        return "", []
    entries: list[Entry] = []
    for child in root:
        loc = date = None
        for el in child.iter():
            name = _local(el.tag)
            text = (el.text or "").strip()
            if name == "loc" and loc is None and el.getparent() is child:
                loc = text
            elif name in ("lastmod", "publication_date") and text:
                date = max(date, text) if date else text
        if loc:
            entries.append(Entry(loc, date))
    return ("index" if kind == "sitemapindex" else "urlset"), entries


def parse_feed(body: bytes) -> list[Entry]:
    """Item links of an RSS 2.0 / RDF / Atom feed with their dates."""
    root = _xml_root(body)
    if root is None:
        return []
    entries: list[Entry] = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        link = date = None
        for el in item:
            tag = _local(el.tag)
            if tag == "link":
                href = el.get("href")
                if href is not None:  # Atom
                    if el.get("rel", "alternate") == "alternate" and link is None:
                        link = href.strip()
                elif el.text and link is None:
                    link = el.text.strip()
            elif tag == "guid" and link is None and el.get("isPermaLink") == "true":
                link = (el.text or "").strip() or None
            elif tag in ("pubdate", "published", "updated", "date") and el.text and not date:
                date = el.text.strip()
        if link:
            entries.append(Entry(link, date))
    return entries


def parse_wp_posts(body: bytes) -> list[Entry]:
    """``link`` and ``modified_gmt`` / ``date_gmt`` of a /wp-json/wp/v2/posts answer."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(data, list):
        return []
    entries = []
    for post in data:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            date = post.get("modified_gmt") or post.get("date_gmt") or post.get("date")
            if isinstance(date, str) and len(date) == 19:
                date += "Z"
            entries.append(Entry(post["link"], date if isinstance(date, str) else None))
    return entries
