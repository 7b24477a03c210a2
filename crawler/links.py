"""Links: URL normalisation, the crawl's link policy, and finding a page's links.

Pure functions (no Scrapy), shared by the spider and by re-extraction from WARCs.

- :func:`normalize_url`: the one normalisation of an article URL (fragments, AMP,
  ``?replytocom=``, tracking parameters, trailing-slash variants; the dedupe key);
  :func:`request_url` is the lighter form used to deduplicate links before fetching
  (it keeps what the server may answer differently: slashes, AMP suffixes, ``?p=``);
  :func:`post_variant_of`: a comments page / oEmbed / AMP view -> its post.
- :func:`classify_link`: the crawl policy of docs/ARCHITECTURE.md for one link.
- :func:`html_links` / :func:`css_links`: every link of an HTML page (with the tag it
  came from, which the policy needs) or of a stylesheet.

Reads no settings.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import safe_url_string

from archive.httputil import media_type
from crawler.sites import netloc_of

__all__ = [
    "LinkKind", "classify_link", "css_links", "feed_parent", "html_links", "is_listing_path",
    "join_url", "normalize_url", "post_variant_of", "remove_dot_segments", "request_url",
]


class LinkKind(enum.StrEnum):
    PAGE = "page"            # an HTML page (or a redirect to one): fetch and parse
    FEED = "feed"            # a site / category / tag feed: fetch and parse
    SITEMAP = "sitemap"
    REQUISITE = "requisite"  # stylesheet, script, image, font: fetch, archive, no parse
    SKIP = "skip"            # never fetched (reason given alongside)


class SeenSet:
    """A set of strings or bytes (URLs, fingerprints, ids) kept as their 64-bit hashes.

    What a crawl has decided on grows with the site (about three URLs per post: 155,000
    for 50,000 posts, in several sets); an int costs about a third of a URL string. Two
    strings share a 64-bit hash with a chance of about n^2 / 2^65 (1e-9 for 155,000),
    which would leave one URL unfetched; Python's own ``hash`` of a str (SipHash, cached
    on the string) is used, stable within the process, which is the set's lifetime.
    Hand-written because no maintained library offers a set of hashes smaller than this.
    """

    __slots__ = ("_hashes",)

    def __init__(self, items: Iterator[str] | list[str] | tuple[str, ...] = ()) -> None:
        self._hashes: set[int] = {hash(item) for item in items}

    def __contains__(self, item: object) -> bool:
        return hash(item) in self._hashes

    def add(self, item: str | bytes) -> None:
        self._hashes.add(hash(item))

    def discard(self, item: str | bytes) -> None:
        self._hashes.discard(hash(item))

    def __len__(self) -> int:
        return len(self._hashes)


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


def join_url(base: str, url: str) -> str | None:
    """urljoin, None for a URL Python cannot parse (bad IPv6 literal, ...)."""
    try:
        return urljoin(base, url.strip())
    except ValueError:
        return None


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


@functools.lru_cache(maxsize=1024)  # asked twice for each new link (classify, then request)
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


_LISTING_PATH = re.compile(
    r"(?:^|/)(?:category|tag|author|chuyen-muc|danh-muc|the|tac-gia)/[^?#]+"
    r"|/page/\d+/?$|^/(?:\d{4}/(?:\d{2}/(?:\d{2}/)?)?)?$")


def is_listing_path(path: str) -> bool:
    """URL-path heuristics for WordPress listings: home, /category/, /tag/, /author/,
    date archives (/2017/, /2017/09/), pagination (/page/N/)."""
    return bool(_LISTING_PATH.search(path or "/"))


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


# --- Finding links -------------------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
_LINKS_XPATH = (
    "//a/@href | //area/@href | //link/@href | //script/@src | //img/@src"
    " | //img/@srcset | //img/@data-src | //img/@data-lazy-src | //img/@data-srcset"
    " | //source/@src | //source/@srcset | //iframe/@src | //video/@poster"
    " | //input[@type='image']/@src | //embed/@src | //object/@data"
)
_FEED_MEDIA_TYPES = ("application/rss+xml", "application/atom+xml")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` attribute ('a.jpg 300w, b.jpg 600w' -> [a.jpg, b.jpg])."""
    out = []
    for candidate in value.split(","):
        part = candidate.strip().split()
        if part:
            out.append(part[0])
    return out


def css_links(text: str) -> list[str]:
    """``url(...)`` and ``@import`` targets of a stylesheet, as written."""
    return [u for pair in _CSS_URL.findall(text) for u in pair if u]


def _link_tag(parent: Any, attr: str, srcset: bool) -> Iterator[tuple[str, str] | str]:
    """The link tag(s) ('a', 'stylesheet', 'img', ...) one attribute value stands for."""
    tag = parent.tag.lower() if isinstance(parent.tag, str) else ""
    if tag in ("a", "area"):
        yield "a"
    elif tag == "link":
        rels = (parent.get("rel") or "").lower().split()
        if "stylesheet" in rels:
            yield "stylesheet"
        elif "icon" in rels or "apple-touch-icon" in rels:
            yield "icon"
        elif "alternate" in rels and media_type(parent.get("type")) in _FEED_MEDIA_TYPES:
            yield "alternate"
        elif rels and rels[0] in ("amphtml", "next", "prev", "canonical"):
            yield "a"
        # preconnect, dns-prefetch, shortlink, EditURI, api.w.org, oEmbed: not links a
        # reader follows; the API is handled apart.
    elif tag in ("script", "img", "source", "embed", "object", "input"):
        if attr.endswith("srcset"):
            if srcset:
                yield "srcset"
        else:
            yield "img" if tag != "script" else "script"
    elif tag == "video":
        yield "poster"
    elif tag == "iframe":
        yield "iframe"


def resolve_links(found: Iterable[tuple[str, str]], base: str
                  ) -> tuple[list[tuple[str, str]], int]:
    """(absolute URL without its fragment, tag) of each usable link of *found* (hrefs as
    written, from :func:`html_links` or :func:`css_links`), and how many were malformed.
    Empty and fragment-only hrefs are dropped."""
    resolved: list[tuple[str, str]] = []
    malformed = 0
    for href, tag in found:
        href = href.strip()
        if not href or href.startswith("#"):
            continue
        try:
            absolute = href if href.startswith(("http://", "https://")) else urljoin(base, href)
        except ValueError:  # e.g. '//[::1/': skipped like any unusable link
            malformed += 1
            continue
        resolved.append((absolute.split("#", 1)[0], tag))
    return resolved, malformed


def html_links(root: Any, *, srcset: bool = True) -> list[tuple[str, str]]:
    """(href as written, tag) of every link of a parsed HTML page (an lxml element), in
    document order; ``srcset`` candidates are ``img`` links when *srcset* is true."""
    found: list[tuple[str, str]] = []
    if root is None:
        return found
    for value in root.xpath(_LINKS_XPATH):
        for tag in _link_tag(value.getparent(), value.attrname, srcset):
            if tag == "srcset":
                found.extend((u, "img") for u in srcset_urls(value))
            else:
                found.append((value, tag))
    return found

