"""Article extraction: HTML bytes + URL (+ headers, fetch time) -> ``Article``.

The only module of the project that imports trafilatura. Used alike by the crawl
pipeline and by re-extraction from WARC files; it never touches the network.

Steps (``extract_page``):
1. decode: a BOM; else bytes that are valid UTF-8 (and not ASCII) are UTF-8 whatever
   the page claims (mislabelled pages are common; legacy single-byte Vietnamese never
   forms valid UTF-8); else the charset from the HTTP header, then ``<meta charset>`` /
   http-equiv, then detection (charset-normalizer); WHATWG labels (latin1 ->
   windows-1252; windows-1258 -> Python's cp1258); the result is NFC (decomposed input
   included);
2. metadata: JSON-LD, Open Graph / ``article:`` meta, then visible WordPress markup
   scoped to the post (entry-meta dates, rel=tag / rel="category tag" links, authors);
3. images (with captions and alt) and video addresses from the post content container;
4. WordPress knowledge trafilatura lacks: the comment area, related posts, share bars,
   ads, tag lists, post navigation, author boxes, images and embeds are pruned with lxml;
5. trafilatura (comments excluded) on the pruned page; when the post content container
   (``.entry-content``, ``.td-post-content``, itemprop=articleBody...) holds its output,
   lines after the container are dropped; when trafilatura keeps too little of the
   container (a video post with two sentences) our own block renderer is used;
6. text clean-up: NFC, one ``\n`` between paragraphs, source prefix and end-of-article
   signature moved to ``source_prefix`` / ``byline``, caption lines, "Read more:"
   lines, related-post headings and known boilerplate lines dropped.

No Scrapy settings are read here; ``ExtractOptions`` carries the few choices made by
measurement (``bench/extraction_quality.py``), with defaults set from those runs.
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

from crawler.dates import date_from_url, parse_date, parse_iso, to_datetime
from crawler.encoding import decode_html
from crawler.items import Article, Image
from crawler.textnorm import (
    clean_author,
    clean_line,
    clean_text,
    fold,
    is_vietnamese,
    split_byline,
    split_source_prefix,
    strip_site_suffix,
    word_count,
)

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"1.0+trafilatura-{trafilatura.__version__}"

#: Known boilerplate strings (WordPress comment forms in Vietnamese and English, share
#: bars, related-post headings). An article text containing one is flagged by
#: ``quality_flags``; lines made of them are dropped from the text as a last guard.
_COMMENT_FORM_MARKERS: tuple[str, ...] = (
    "Email của bạn sẽ không được hiển thị công khai",
    "Các trường bắt buộc được đánh dấu",
    "Để lại một bình luận",
    "Để lại bình luận",
    "Gửi bình luận",
    "Lưu tên của tôi, email, và trang web",
    "Bình luận của bạn",
    "Hủy trả lời",
    "Your email address will not be published",
    "Required fields are marked",
    "Leave a Reply",
    "Leave a Comment",
    "Cancel reply",
    "Save my name, email, and website",
    "Post Comment",
)
BOILERPLATE_MARKERS: tuple[str, ...] = _COMMENT_FORM_MARKERS + (
    "Share this:",
    "Click to share on",
    "Like this:",
    "Chia sẻ bài viết",
    "Chia sẻ lên Facebook",
    "Tin liên quan",
    "Bài viết liên quan",
    "Tin cùng chuyên mục",
    "Related posts",
    "Related Articles",
)

# A line equal to one of these (case-insensitive, after trimming punctuation) is
# boilerplate even though the word can occur inside real sentences.
_BOILERPLATE_LINES = frozenset(s.casefold() for s in (
    "Trả lời", "Reply", "Bình luận", "Comments", "Chia sẻ", "Share", "Share this",
    "Tweet", "Facebook", "Twitter", "Zalo", "In bài viết", "Print", "Email",
    "Tags", "Thẻ", "Từ khóa", "Tin liên quan", "Bài viết liên quan", "Xem thêm",
    "Related", "Related posts", "Like this", "Thích điều này", "Trang chủ", "Home",
    "Menu", "Danh mục", "Tìm kiếm", "Search",
))


@dataclass(frozen=True)
class ExtractOptions:
    """Choices made by measurement (see bench/extraction_quality.py)."""

    prune: bool = True               # WordPress boilerplate pruning before trafilatura
    prefer_container: bool = True    # restrict the text to the post content container
    favor_precision: bool = False
    favor_recall: bool = False
    min_container_ratio: float = 0.5  # trafilatura output shorter than this share of the
    #                                   container's own text -> use the container renderer
    recall_in_certain_container: bool = True  # favor_recall when the page has one sure
    #                                   WordPress post body (our restriction gives precision)


DEFAULT_OPTIONS = ExtractOptions()


@dataclass(frozen=True)
class ExtractResult:
    """An article, or None with the reason (``empty-body``, ``not-html``, ``no-text``)."""

    article: Article | None
    reason: str | None = None
    encoding: str | None = None


# --- decoding ---------------------------------------------------------------------------

# decode_html (crawler.encoding): the same rule as page classification in crawler.pages

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


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """lxml document from decoded text (None when there is no element to parse).

    The leading DOCTYPE is removed first: some doctypes make libxml2 drop most of the
    document (lxml bug 1955915; trafilatura's own loader does the same repair).
    """
    if not text.strip():
        return None
    text = _DOCTYPE_RE.sub("", _INVALID_XML_RE.sub("", text), count=1)
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


def _cls(*tokens: str) -> str:
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


def _ids(*values: str) -> str:
    return " or ".join(f"@id='{v}'" for v in values)


# Post content containers, most specific first.
# Post content containers, most specific first (class tokens; itemprop=articleBody first).
_CONTAINER_GROUPS: tuple[frozenset[str], ...] = (
    frozenset(("td-post-content", "jeg_post_content", "tdb_single_content",
               "elementor-widget-theme-post-content", "entry-content", "single-entry-content")),
    frozenset(("post-content", "article-content", "single-post-content", "post-entry",
               "entry-body", "article-body", "post-body", "the-content", "post_content",
               "content-detail", "detail-content", "single-content", "story-content",
               "news-content", "article__content", "article-body-content",
               "td-post-text-content")),
)

_OUTSIDE_CONTENT = lxml.etree.XPath(
    "ancestor::*[self::aside or self::nav or ((self::footer or self::header) and "
    "not(ancestor::article or ancestor::main)) or "
    + _cls("widget", "sidebar", "comments-area", "comment", "comment-body",
           "related-posts", "jp-relatedposts") + " or " + _ids("comments", "respond", "sidebar")
    + "]")

# Removed before trafilatura sees the page (WordPress and theme conventions). Matched
# in one Python pass over class tokens: an XPath of ~150 class predicates took four
# times as long as trafilatura itself.
_PRUNE_TAGS = frozenset(("script", "style", "template", "iframe", "object", "embed", "video",
                         "audio", "img", "picture", "svg"))
_PRUNE_IDS = frozenset(("comments", "respond", "disqus_thread", "wpdiscuz", "jp-relatedposts",
                        "related-posts", "post-navigation", "comments-section", "reply-title",
                        "commentform"))
_PRUNE_CLASSES = frozenset((
    # comment area
    "comments-area", "comment-respond", "comment-list", "commentlist", "comments-list",
    "comment-form", "comments", "wpdiscuz_top_clearing", "fb-comments", "td-comments-title",
    "comments-title", "jeg_comment_container", "comment-reply-title", "logged-in-as",
    "comment-notes", "search-form",
    # related posts
    "jp-relatedposts", "related-posts", "relatedposts", "related-post", "related_posts",
    "td-related", "td_block_related_posts", "jeg_related_post", "jeg_postblock_related",
    "yarpp-related", "crp_related", "rp4wp-related-posts", "post-related", "related-articles",
    "related-news", "tin-lien-quan", "wp-block-related-posts", "related_post", "wp_rp",
    "wp_rp_wrap", "wp_rp_content", "related-posts-container", "jnews_related_post_container",
    # share bars
    "sharedaddy", "sd-sharing-enabled", "sd-sharing", "share-buttons", "td-post-sharing",
    "td-post-sharing-top", "td-post-sharing-bottom", "jeg_share_button",
    "jeg_share_top_container", "jeg_share_bottom_container", "addtoany_share_save_container",
    "a2a_kit", "heateor_sss_sharing_container", "ssba", "ssba-wrap", "shareaholic-canvas",
    "social-share", "social-sharing", "share-post", "post-share", "entry-share",
    "sharing-buttons", "wp-block-social-links", "fb-like", "fb-share-button",
    "zalo-share-button", "essb_links", "swp_social_panel", "sfsi_widget",
    # ads
    "adsbygoogle", "td-a-rec", "jeg_ad", "advertisement", "advert", "ads-container",
    "ad-container", "code-block", "quads-location",
    # tag lists
    "tags-links", "post-tags", "td-tags", "td-post-source-tags", "jeg_post_tags",
    "entry-tags", "tag-links", "tagcloud", "post-tag",
    # post navigation, pagination inside posts, breadcrumbs
    "nav-links", "post-navigation", "td-post-next-prev", "jeg_prevnext_post", "page-links",
    "post-nav-links", "nav-previous", "nav-next", "breadcrumb", "breadcrumbs",
    # author boxes
    "author-box", "author-info", "about-author", "td-author-by", "jeg_authorbox",
    "saboxplugin-wrap", "author-bio", "post-author-box",
    # common plugins inside the post body: ratings, view counters, tables of contents,
    # print buttons, likes, AddThis
    "kk-star-ratings", "yasr-visitor-votes", "post-ratings", "post-views",
    "post-views-counter", "td-post-views", "ez-toc-container",
    "lwptoc", "printfriendly", "pf-button", "wpulike", "addthis_inline_share_toolbox",
    "addthis_toolbox", "fb-save", "td-post-comments",
))
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none", re.I)


def _classes(el: lxml.html.HtmlElement) -> list[str]:
    value = el.get("class")
    return value.split() if value else []


def _is_boilerplate(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _PRUNE_TAGS or el.get("id") in _PRUNE_IDS:
        return True
    if any(token in _PRUNE_CLASSES for token in _classes(el)):
        return True
    style = el.get("style")
    return bool(style) and _HIDDEN_STYLE_RE.search(style) is not None


_RELATED_HEADINGS = frozenset(s.casefold() for s in (
    "Tin liên quan", "Bài viết liên quan", "Bài liên quan", "Tin cùng chuyên mục",
    "Các tin khác", "Tin khác", "Xem thêm", "Có thể bạn quan tâm", "Đọc thêm",
    "Tin mới nhất", "Tin mới", "Bài viết cùng chuyên mục", "Tin đã đưa", "Tin nổi bật",
    "Tin đọc nhiều", "Đọc nhiều nhất", "Bài viết mới", "Bài viết khác",
    "Related posts", "Related articles", "Related stories", "Related", "You may also like",
    "You might also like", "More stories", "Read more", "Read next", "More from",
    "Most popular", "Trending", "Trending now", "Popular posts", "Recent posts",
))
# Line-level only (the tree-level pruning above uses the WordPress vi/en headings:
# pruning more blocks made trafilatura pick a wrong main block on two benchmark pages)
_RELATED_LINE_HEADINGS = _RELATED_HEADINGS | frozenset(s.casefold() for s in (
    # other languages of the benchmark corpora (generic news vocabulary)
    "Contenido relacionado", "Notas relacionadas", "Noticias relacionadas",
    "Artículos relacionados", "Te puede interesar", "Le puede interesar",
    "Schon gelesen", "Das könnte Sie auch interessieren", "Mehr zum Thema",
    "Weitere Artikel", "Ähnliche Beiträge", "À lire aussi", "Sur le même sujet",
    "Czytaj także", "Zobacz także", "Leia também", "Veja também",
))
# "Read more: <linked headline>" lines inside a story, in the same languages
_READ_ALSO_PREFIXES = frozenset(s.casefold() for s in (
    "Xem thêm", "Đọc thêm", "Tin liên quan", "Bài liên quan", "Có thể bạn quan tâm",
    "Read more", "Read also", "See also", "Related", "Lea también", "Lea más", "Lea",
    "Mire", "Vea también", "Le puede interesar", "Te puede interesar", "Mira",
    "Puedes ver", "À lire aussi", "Lire aussi", "Lesen Sie auch", "Auch interessant",
    "Czytaj też", "Czytaj także", "Leia também", "Veja também",
))


def _text_len(el: lxml.html.HtmlElement) -> int:
    return len("".join(el.itertext()).strip())


def _has_text(el: lxml.html.HtmlElement) -> bool:
    """``_text_len(el) > 0``, stopping at the first piece of visible text."""
    return any(not piece.isspace() for piece in el.itertext() if piece)


def _text_longer(el: lxml.html.HtmlElement, limit: int) -> bool:
    """``_text_len(el) > limit`` without joining the whole text of a large element: the
    stripped text of a prefix is a part of the stripped whole."""
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit and len("".join(parts).strip()) > limit:
            return True
    return len("".join(parts).strip()) > limit


def _link_density(el: lxml.html.HtmlElement) -> float:
    total = _text_len(el)
    if not total:
        return 0.0
    linked = sum(_text_len(a) for a in el.iter("a"))
    return linked / total


def _drop(el: lxml.html.HtmlElement) -> None:
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


def _attached(el: lxml.html.HtmlElement) -> bool:
    """Still in the document (not inside a block removed earlier)."""
    ancestors = list(el.iterancestors())
    return bool(ancestors) and ancestors[-1].tag == "html"


def _heading_key(text: str) -> str:
    return " ".join(text.split()).strip(" :»›>-–—.?!¿¡").casefold()


def _prune_related(root: lxml.html.HtmlElement, stop: lxml.html.HtmlElement | None) -> None:
    """Remove "Tin liên quan"-style blocks: a related heading and the links after it."""
    for el in list(root.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span",
                             "strong", "b", "section", "header")):
        if el.getparent() is None or _text_longer(el, 60):
            continue
        if _heading_key("".join(el.itertext())) not in _RELATED_HEADINGS:
            continue
        if not _attached(el):
            continue  # inside a block removed already
        target = el
        parent = el.getparent()
        while parent is not None and parent is not stop and parent.tag not in ("body", "html") \
                and _link_density(parent) > 0.5 and _text_len(parent) < 3000:
            target, parent = parent, parent.getparent()
        if target is el:
            sibling = el.getnext()
            while sibling is not None and _text_len(sibling) and _link_density(sibling) > 0.6:
                following = sibling.getnext()
                _drop(sibling)
                sibling = following
        _drop(target)


def _prune(root: lxml.html.HtmlElement, stop: lxml.html.HtmlElement | None = None) -> None:
    doomed = [el for el in root.iter(lxml.etree.Element)
              if el is not stop and el is not root and _is_boilerplate(el)]
    for el in doomed:
        _drop(el)
    _prune_related(root, stop)


# --- metadata ---------------------------------------------------------------------------

_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenews", "analysisnewsarticle",
                  "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
                  "techarticle", "scholarlyarticle", "liveblogposting", "videoobject",
                  "socialmediaposting"}


def _jsonld_nodes(tree: lxml.html.HtmlElement) -> list[dict]:
    nodes: list[dict] = []

    def walk(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            nodes.append(value)
            if "@graph" in value:
                walk(value["@graph"])

    for script in tree.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), "
                             "'ld+json')]"):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            try:  # trailing commas are a common hand-written JSON-LD mistake
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
            except ValueError:
                continue
        walk(data)
    return nodes


def _types(node: dict) -> set[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).casefold() for v in values}


def _ld_text(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, (str, int, float)) and str(value).strip():
        return clean_line(str(value))
    return None


def _ld_names(value: object, by_id: dict[str, dict]) -> list[str]:
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict) and "name" not in item and item.get("@id") in by_id:
            item = by_id[item["@id"]]
        name = _ld_text(item)
        if name and not name.startswith(("http://", "https://")):
            out.append(name)
    return out


def _ld_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [clean_line(v) for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [t for v in value if (t := _ld_text(v))]
    return []


def _metas(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") \
            or meta.get("http-equiv")
        content = meta.get("content")
        if key and content is not None and content.strip():
            out.setdefault(key.strip().lower(), []).append(clean_line(content))
    return out


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _absolute(url: str | None, base: str) -> str | None:
    if not url or not url.strip() or url.strip().startswith(("data:", "javascript:")):
        return None
    try:
        return urldefrag(urljoin(base, url.strip()))[0]
    except ValueError:
        return None


def _visible(el: lxml.html.HtmlElement) -> str:
    return clean_line(" ".join(el.itertext()))


def _in_page_content(el: lxml.html.HtmlElement) -> bool:
    return not _OUTSIDE_CONTENT(el)


_DATE_VISIBLE_XPATH = lxml.etree.XPath(
    ".//*[" + _cls("entry-date", "posted-on", "td-post-date", "jeg_meta_date", "post-date",
                  "entry-meta-date", "meta-date", "date-post", "post-time", "published",
                  "article-date", "news-date", "time-post", "post-meta-date", "ngay-dang",
                  "date") + "]")
_MODIFIED_VISIBLE_XPATH = lxml.etree.XPath(
    ".//*[" + _cls("updated", "entry-date-modified", "modified", "post-modified") + "]")
_AUTHOR_VISIBLE_XPATH = lxml.etree.XPath(
    ".//*[@rel='author' or @itemprop='author' or " + _cls(
        "author", "td-post-author-name", "jeg_meta_author", "byline", "post-author",
        "author-name", "entry-author", "tac-gia") + "]")
_CATEGORY_FALLBACK_XPATH = lxml.etree.XPath(
    ".//*[" + _cls("cat-links", "td-category", "jeg_meta_category", "post-categories",
                  "entry-categories", "category-links", "tdb-category") + "]//a")
_TAG_FALLBACK_XPATH = lxml.etree.XPath(
    ".//*[" + _cls("tags-links", "td-tags", "jeg_post_tags", "post-tags", "entry-tags",
                  "tag-links", "tdb-tags") + "]//a")
_HEADLINE_XPATH = lxml.etree.XPath(
    "//h1[" + _cls("entry-title", "post-title", "td-post-title", "jeg_post_title",
                   "tdb-title-text", "single-post-title", "article-title") + " or "
    "@itemprop='headline'] | //*[" + _cls("entry-title", "td-post-title", "post-title")
    + "]//h1")


@dataclass
class _Meta:
    title: str | None = None
    site_name: str | None = None
    authors: list[str] = dataclasses.field(default_factory=list)
    authors_raw: str | None = None
    published: str | None = None
    published_raw: str | None = None
    modified: str | None = None
    modified_raw: str | None = None
    categories: list[str] = dataclasses.field(default_factory=list)
    tags: list[str] = dataclasses.field(default_factory=list)
    canonical: str | None = None
    language: str | None = None
    description: str | None = None


def _bcp47(value: str | None) -> str | None:
    if not value:
        return None
    parts = re.split(r"[-_]", value.strip())
    if not parts[0].isalpha() or not 2 <= len(parts[0]) <= 3:
        return None
    tag = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 2 and part.isalpha():
            tag.append(part.upper())
        elif part:
            tag.append(part)
    return "-".join(tag)


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


_ACCOUNT_RE = re.compile(r"^(?:admin\w*|administrator|quản trị viên|quan tri|webmaster|"
                         r"editor|user\d*|root)$", re.I)


def _people(names: Iterable[str]) -> list[str]:
    """Author names without WordPress account names ('admin', 'webmaster'), deduplicated."""
    return _dedupe(n for n in names if not _ACCOUNT_RE.match(n.strip()))


def _pick_date(structured: list[tuple[str, str]], visible: list[tuple[str, str]],
               url_date: tuple[int, int, int | None] | None) -> tuple[str | None, str | None]:
    """(iso, raw): structured first, unless it contradicts the URL and a visible date doesn't."""

    def agrees(iso: str) -> bool:
        if url_date is None:
            return True
        y, m, d = url_date
        value = iso[:10].split("-")
        return (int(value[0]), int(value[1])) == (y, m) and (d is None or int(value[2]) == d)

    if structured:
        iso, raw = structured[0]
        if agrees(iso) or not any(agrees(v) for v, _ in visible):
            return iso, raw
        return next((v, r) for v, r in visible if agrees(v))
    if visible:
        return visible[0]
    return None, None


def _post_root(tree: lxml.html.HtmlElement, headline: lxml.html.HtmlElement | None,
               container: lxml.html.HtmlElement | None) -> lxml.html.HtmlElement:
    """The element holding the post: the <article> around the content container or the
    headline, else the nearest ancestor of the container that holds the headline."""
    for start in (container, headline):
        if start is None:
            continue
        for ancestor in start.iterancestors("article"):
            return ancestor
    if container is not None and headline is not None:
        for ancestor in container.iterancestors():
            if ancestor.tag == "body":
                break
            if headline in ancestor.iterdescendants():
                return ancestor
    return tree


_FULL_DATE_RE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{4}-\d{2}-\d{2}"
                           r"|\d{1,2}\s+tháng\s+\S+\s*,?\s*(?:năm\s+)?\d{4}", re.I)


def _dates_between(headline: lxml.html.HtmlElement, container: lxml.html.HtmlElement,
                   default_year: int | None, now: datetime | None) -> list[tuple[str, str]]:
    """A full date in the text between the headline and the post body (the post's meta
    line, whatever its class), as (iso, raw)."""
    started = False
    for el in headline.getroottree().getroot().iter(lxml.etree.Element):
        if el is headline:
            started = True
            continue
        if el is container:
            break
        if not started or headline in el.iterancestors():
            continue
        for piece in (el.text, el.tail):
            if piece and _FULL_DATE_RE.search(piece):
                line = clean_line(piece)
                iso = parse_date(line, default_year=default_year, now=now)
                if iso and len(line) <= 120:
                    return [(iso, line)]
    return []


def _metadata(tree: lxml.html.HtmlElement, url: str, now: datetime | None,
              container: lxml.html.HtmlElement | None) -> _Meta:
    meta = _Meta()
    metas = _metas(tree)
    nodes = _jsonld_nodes(tree)
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    article = next((n for n in nodes if _types(n) & _ARTICLE_TYPES), {})
    website = next((n for n in nodes if "website" in _types(n)), {})
    publisher = article.get("publisher") if article else None
    if isinstance(publisher, dict) and "name" not in publisher:
        publisher = by_id.get(publisher.get("@id", ""), publisher)

    def m(*keys: str) -> str | None:
        return _first(*(metas.get(k, [None])[0] for k in keys))

    url_date = date_from_url(url)

    # canonical, language, site name, description
    canonical = tree.xpath("//link[contains(concat(' ', normalize-space(@rel), ' '), "
                           "' canonical ')]/@href")
    meta.canonical = _absolute(_first(canonical[0] if canonical else None, m("og:url")), url)
    html_lang = tree.get("lang") or tree.get("xml:lang")
    meta.language = _bcp47(_first(html_lang, m("og:locale", "content-language", "language"),
                                  _ld_text(article.get("inLanguage"))))
    meta.site_name = _first(m("og:site_name"), _ld_text(publisher),
                            _ld_text(website.get("name")), m("application-name"))
    meta.description = _first(m("description"), m("og:description"),
                              _ld_text(article.get("description")))

    # title
    heads = [h for h in _HEADLINE_XPATH(tree) if _visible(h)]
    if not heads:
        h1s = [h for h in tree.iter("h1") if _visible(h) and _in_page_content(h)]
        heads = h1s[:1] if len(h1s) == 1 else []
    headline = _visible(heads[0]) if heads else None
    # visible dates, authors, categories: inside the post (never a teaser's or a
    # widget's), when the post can be told from the rest of the page
    scope = _post_root(tree, heads[0] if heads else None, container)
    title_tag = tree.find(".//title")
    title_text = clean_line(title_tag.text_content()) if title_tag is not None else None
    host = urlsplit(url).hostname or ""
    host = host[4:] if host.startswith("www.") else host
    names = [n for n in (meta.site_name, host, host.split(".")[0]) if n]
    candidates = [_ld_text(article.get("headline")), m("og:title", "twitter:title"),
                  headline, title_text]
    for candidate in candidates:
        if not candidate:
            continue
        title, removed = strip_site_suffix(candidate, names, headline=headline)
        if removed and not meta.site_name and candidate == title_text:
            meta.site_name = removed
        # a truncated JSON-LD/OG headline: the visible one is the whole of it
        stem = title.rstrip(" .…")
        if headline and title != headline and len(stem) > 10 \
                and headline.casefold().startswith(stem.casefold()):
            title = headline
        meta.title = title
        break
    if not meta.site_name and title_text:
        _, removed = strip_site_suffix(title_text, names, headline=headline)
        meta.site_name = removed

    # authors: JSON-LD, meta, visible markup
    ld_authors = _ld_names(article.get("author"), by_id) if article else []
    if ld_authors:
        meta.authors_raw = ", ".join(ld_authors)
        meta.authors = _people(n for a in ld_authors for n in clean_author(a))
    else:
        raw = m("author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
        if raw and not raw.startswith(("http://", "https://")):
            meta.authors_raw = raw
            meta.authors = _people(clean_author(raw))
    if not meta.authors:
        for el in _AUTHOR_VISIBLE_XPATH(scope):
            if not _in_page_content(el) or el.xpath("ancestor::*[" + _cls(
                    "comment-author", "comment-meta", "author-box") + "]"):
                continue
            inner = el.xpath(".//*[@itemprop='name' or " + _cls("fn", "url") + "]")
            raw = _visible(inner[0]) if inner else _visible(el)
            names_found = _people(clean_author(raw)) if 0 < len(raw) <= 80 else []
            if names_found:
                meta.authors_raw, meta.authors = raw, names_found
                break

    # dates
    default_year = url_date[0] if url_date else None

    def structured(*values: str | None) -> list[tuple[str, str]]:
        out = []
        for raw in values:
            iso = parse_iso(raw) if raw else None
            if iso:
                out.append((iso, raw))
        return out

    def visible(xpath: lxml.etree.XPath) -> list[tuple[str, str]]:
        out = []
        for el in xpath(scope):
            if not _in_page_content(el):
                continue
            for raw in (el.get("datetime"), el.get("content"), el.get("title"), _visible(el)):
                if not raw or len(raw) > 120:
                    continue
                iso = parse_iso(raw) if raw == el.get("datetime") else parse_date(
                    raw, default_year=default_year, now=now)
                if iso:
                    out.append((iso, raw))
                    break
        return out

    time_published = scope.xpath(".//time[@datetime and (" + _cls("published", "entry-date")
                                + " or @itemprop='datePublished')]/@datetime")
    time_modified = scope.xpath(".//time[@datetime and (" + _cls("updated")
                               + " or @itemprop='dateModified')]/@datetime")
    pub_structured = structured(
        _ld_text(article.get("datePublished")), m("article:published_time"),
        m("og:published_time", "datepublished", "pubdate", "publishdate", "dc.date.issued",
          "dcterms.created", "date", "parsely-pub-date", "sailthru.date"),
        time_published[0] if time_published else None,
        _ld_text(article.get("dateCreated")))
    pub_visible = visible(_DATE_VISIBLE_XPATH)
    if not pub_visible and heads and container is not None:
        pub_visible = _dates_between(heads[0], container, default_year, now)
    meta.published, meta.published_raw = _pick_date(pub_structured, pub_visible, url_date)
    mod_structured = structured(
        _ld_text(article.get("dateModified")), m("article:modified_time"), m("og:updated_time"),
        m("datemodified", "dc.date.modified", "dcterms.modified", "last-modified"),
        time_modified[0] if time_modified else None)
    if mod_structured:
        meta.modified, meta.modified_raw = mod_structured[0]
    else:
        mod_visible = visible(_MODIFIED_VISIBLE_XPATH)
        if mod_visible and mod_visible[0][0] != meta.published:
            meta.modified, meta.modified_raw = mod_visible[0]

    # categories and tags: links in page order, then meta / JSON-LD
    cats, tags = [], []
    for a in scope.iter("a"):
        rel = (a.get("rel") or "").lower().split()
        if not rel or not _in_page_content(a):
            continue
        name = _visible(a)
        if "category" in rel:
            cats.append(name)
        elif "tag" in rel:
            tags.append(name)
    if not cats:
        cats = [_visible(a) for a in _CATEGORY_FALLBACK_XPATH(scope)]
    if not cats:
        cats = metas.get("article:section", []) + _ld_list(article.get("articleSection"))
    if not tags:
        tags = [_visible(a) for a in _TAG_FALLBACK_XPATH(scope)]
    if not tags:
        tags = metas.get("article:tag", []) + (
            _ld_list(article.get("keywords")) if not metas.get("article:tag") else [])
    meta.categories = _dedupe(c for c in cats if c and len(c) <= 100)
    meta.tags = _dedupe(t for t in tags if t and len(t) <= 100)
    return meta


# --- content ----------------------------------------------------------------------------


def _container_candidates(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Elements of the first container group present (with text, outside widgets)."""
    groups: list[list[lxml.html.HtmlElement]] = [[] for _ in range(len(_CONTAINER_GROUPS) + 1)]
    for el in tree.iter(lxml.etree.Element):
        if el.get("itemprop") == "articleBody":
            groups[0].append(el)
            continue
        tokens = _classes(el)
        if not tokens:
            continue
        for index, group in enumerate(_CONTAINER_GROUPS, start=1):
            if any(t in group for t in tokens):
                groups[index].append(el)
                break
    for found in groups:
        found = [el for el in found if _in_page_content(el) and _has_text(el)]
        if found:
            return found
    return []


def _find_container(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    found = _container_candidates(tree)
    return max(found, key=_text_len) if found else None


def _container_is_certain(tree: lxml.html.HtmlElement,
                          container: lxml.html.HtmlElement) -> bool:
    """True when the container is the page's only post body by a WordPress convention
    (itemprop=articleBody, entry-content, td-post-content...): a single post page."""
    found = _container_candidates(tree)
    if found != [container]:
        return False
    return container.get("itemprop") == "articleBody" or any(
        t in _CONTAINER_GROUPS[0] for t in _classes(container))


def _largest_srcset(srcset: str) -> str | None:
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts:
            continue
        size = 0.0
        if len(parts) > 1 and parts[1][:-1].replace(".", "", 1).isdigit():
            size = float(parts[1][:-1])
        if size > best_size:
            best, best_size = parts[0], size
    return best


def _caption_for(img: lxml.html.HtmlElement) -> str | None:
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            cap = ancestor.find(".//figcaption")
            if cap is not None and _visible(cap):
                return _visible(cap)
        if ancestor.tag == "body":
            break
        if ancestor.tag == "figure" or "wp-caption" in (ancestor.get("class") or "").split():
            caps = ancestor.xpath(".//*[" + _cls("wp-caption-text", "wp-element-caption",
                                                  "gallery-caption", "image-caption") + "]")
            if caps and _visible(caps[0]):
                return _visible(caps[0])
            break
    sibling = img.getparent().getnext() if img.getparent() is not None else None
    if sibling is not None and sibling.get("class") and "caption" in sibling.get("class"):
        return _visible(sibling) or None
    return None


def _images(root: lxml.html.HtmlElement, base: str) -> list[Image]:
    out: list[Image] = []
    seen: set[str] = set()
    for img in root.iter("img"):
        classes = (img.get("class") or "").split()
        if "wp-smiley" in classes or "emoji" in classes:
            continue
        if img.get("width") == "1" or img.get("height") == "1":
            continue
        src = None
        for attr in ("data-src", "data-lazy-src", "data-original", "src"):
            value = img.get(attr)
            if value and not value.strip().startswith("data:"):
                src = value
                break
        if not src:
            srcset = img.get("data-srcset") or img.get("srcset")
            src = _largest_srcset(srcset) if srcset else None
        absolute = _absolute(src, base)
        if not absolute or absolute in seen or "/emoji/" in absolute:
            continue
        seen.add(absolute)
        alt = clean_line(img.get("alt") or "") or None
        out.append(Image(url=absolute, caption=_caption_for(img), alt=alt))
    return out


_VIDEO_SRC_RE = re.compile(
    r"youtube|youtu\.be|vimeo|dailymotion|facebook\.com/plugins/video|video|player|"
    r"\.mp4|\.m3u8|\.webm|[?&]l=", re.I)


def _video_urls(root: lxml.html.HtmlElement, base: str) -> list[str]:
    out: list[str] = []
    for el in root.iter("iframe", "video", "source", "embed"):
        src = el.get("src") or el.get("data-src") or el.get("data-lazy-src")
        if el.tag == "source" and el.getparent() is not None \
                and el.getparent().tag not in ("video",):
            continue
        absolute = _absolute(src, base)
        if not absolute:
            continue
        if el.tag in ("iframe", "embed") and not _VIDEO_SRC_RE.search(absolute):
            continue
        query = parse_qs(urlsplit(absolute).query)
        if query.get("l"):
            inner = _absolute(query["l"][0], absolute)
            if inner:
                absolute = inner
        if absolute not in out:
            out.append(absolute)
    for a in root.xpath(".//*[" + _cls("wp-video", "wp-video-shortcode") + "]//a[@href]"):
        absolute = _absolute(a.get("href"), base)
        if absolute and absolute not in out:
            out.append(absolute)
    return out


_BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
    "blockquote", "pre", "table", "tr", "figure", "header", "footer", "dd", "dt", "dl",
    "address", "main"))
_CELL_TAGS = frozenset(("td", "th"))
_WS_RE = re.compile(r"\s+")  # one table row = one line, cells space-separated


def render_text(root: lxml.html.HtmlElement) -> str:
    """Visible text of an element, one line per block element (``<br>`` too).

    Whitespace in the source (line breaks included) is one space, as a browser shows
    it, except inside ``<pre>``.
    """
    parts: list[str] = []

    def text(value: str | None, pre: bool) -> str:
        if not value:
            return ""
        return value if pre else _WS_RE.sub(" ", value)

    def walk(el: lxml.html.HtmlElement, pre: bool = False) -> None:
        if not isinstance(el.tag, str):
            parts.append(text(el.tail, pre))
            return
        inner_pre = pre or el.tag == "pre"
        block = el.tag in _BLOCK_TAGS
        if el.tag == "br":
            parts.append("\n")
        elif el.tag in _CELL_TAGS:
            parts.append(" ")
        if block:
            parts.append("\n")
        parts.append(text(el.text, inner_pre))
        for child in el:
            walk(child, inner_pre)
        if block:
            parts.append("\n")
        parts.append(text(el.tail, pre))

    parts.append(text(root.text, root.tag == "pre"))
    for child in root:
        walk(child, root.tag == "pre")
    return clean_text("".join(parts))


def _trafilatura_text(doc: lxml.html.HtmlElement, url: str, options: ExtractOptions) -> str:
    try:
        result = trafilatura.extract(
            doc, url=url, include_comments=False, include_tables=True, include_images=False,
            include_formatting=False, include_links=False, output_format="txt",
            favor_precision=options.favor_precision, favor_recall=options.favor_recall,
            deduplicate=False, with_metadata=False)
    except Exception as exc:  # noqa: BLE001 - trafilatura raises many types on odd input
        logger.debug("trafilatura failed on %(url)s: %(exc)r", {"url": url, "exc": exc})
        return ""
    return result or ""


def baseline_text(html: bytes | str, url: str | None = None) -> str:
    """Plain ``trafilatura.extract(html, include_comments=False)``: the benchmark baseline."""
    try:
        return trafilatura.extract(html, url=url, include_comments=False) or ""
    except Exception:  # noqa: BLE001 - a crash counts as empty output in the benchmarks
        return ""


_CAPTION_XPATH = lxml.etree.XPath(
    "//figcaption | //*[" + _cls("wp-caption-text", "wp-element-caption", "gallery-caption",
                                 "image-caption", "caption-text") + "]")


def _caption_texts(tree: lxml.html.HtmlElement) -> set[str]:
    """Folded caption texts of the whole page (never body text).

    Alt text needs no such filter: trafilatura never outputs it with
    ``include_images=False`` (a line equal to an alt text is a real paragraph).

    Captions are dropped from the extracted lines rather than pruned from the tree:
    removing them beforehand changes which block trafilatura picks as the main
    content on some pages (measured on trafilatura-eval).
    """
    out = set()
    for item in _CAPTION_XPATH(tree):
        text = item if isinstance(item, str) else " ".join(item.itertext())
        folded = fold(text)
        if folded:
            out.add(folded)
    return out


def _clean_body(text: str, title: str | None, captions: set[str]) -> list[str]:
    drop = captions
    lines = [line for line in clean_text(text).split("\n") if line]
    out = []
    for index, line in enumerate(lines):
        folded = fold(line)
        if folded in drop:
            continue
        if index == 0 and title and folded == fold(title):
            continue
        key = _heading_key(line)
        if key in _BOILERPLATE_LINES or line.startswith(_COMMENT_FORM_MARKERS):
            continue
        if key in _RELATED_LINE_HEADINGS:
            if index >= len(lines) / 2:
                break  # a related-posts heading in the second half: the story is over
            continue
        head, colon, _ = line.partition(":")
        if colon and len(line) < 250 and _heading_key(head) in _READ_ALSO_PREFIXES:
            continue
        out.append(line)
    return out


def _body_text(tree: lxml.html.HtmlElement, url: str, options: ExtractOptions,
               container: lxml.html.HtmlElement | None) -> str:
    """Pruned text of the page, restricted to the post content container when it is
    the main content.

    trafilatura runs on the whole pruned page (it judges the main block better than a
    class name can: teaser lists also use ``post-content``). When most of its output
    lies inside the container, lines outside the container are dropped; when
    trafilatura keeps less than ``min_container_ratio`` of the container's text (a
    video post with two sentences), the container's own text is used.
    """
    if not options.prefer_container:
        container = None
    if options.prune:
        _prune(tree, stop=container)
    # Everything read from the pruned tree is read before trafilatura runs: it then gets
    # the tree itself, not a copy (trafilatura rewrites the tree it is given; the copy
    # was ~5% of the extraction time).
    certain = container is not None and _container_is_certain(tree, container)
    attached = container is not None and container.getparent() is not None
    own = render_text(container) if attached else ""
    run_options = options
    if options.recall_in_certain_container and certain:
        run_options = dataclasses.replace(options, favor_recall=True, favor_precision=False)
    text = _trafilatura_text(tree, url, run_options)
    if not own:
        return text
    folded_own = fold(own)
    own_lines = {fold(line) for line in own.split("\n")}

    def is_inside(line: str) -> bool:
        # whole container lines, or long pieces of them (trafilatura may split or join
        # lines differently); a short line such as a menu entry must match a whole line
        folded = fold(line)
        return bool(folded) and (folded in own_lines or (len(folded) >= 40
                                                         and folded in folded_own))

    lines = [line for line in clean_text(text).split("\n") if line]
    inside = [line for line in lines if is_inside(line)]
    inside_len = sum(len(line) for line in inside)
    if lines and inside_len < 0.5 * sum(len(line) for line in lines) and not certain:
        return text  # the container is not the main content (a teaser, a widget)
    if inside_len < options.min_container_ratio * len(own):
        return own
    first = min(i for i, line in enumerate(lines) if line in inside) if inside else 0
    if certain:
        # before a sure post body, only paragraph-like lines (a standfirst) are kept:
        # short ones there are menus, dates and breadcrumbs
        lead = [line for line in lines[:first] if len(line) >= 80]
        return "\n".join(lead + inside)
    # keep what trafilatura found before the container (a lead, a standfirst), drop
    # what it kept after the container's last line (related posts, comments, tags)
    last = max(i for i, line in enumerate(lines) if line in inside)
    return "\n".join(lines[:last + 1])


def _article_id(canonical_url: str) -> str:
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


_BODY_DATE_RE = re.compile(r"(?:ngày|hôm)\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?", re.I)
_UPLOADS_RE = re.compile(r"/wp-content/uploads/((?:19|20)\d{2})/(\d{2})/")


def _year_hint(url: str, images: list[Image], day_month: str,
               modified: str | None = None) -> int | None:
    """The year of a "ngày 21/9" in the lead: from a date permalink, else from the
    WordPress uploads folder (/wp-content/uploads/YYYY/MM/) of a body image uploaded in
    that month (or in January for a December date), else the latest year not after the
    modification date."""
    url_date = date_from_url(url)
    if url_date:
        return url_date[0]
    month = int(re.findall(r"\d+", day_month)[1])
    for image in images:
        found = _UPLOADS_RE.search(image.url)
        if not found:
            continue
        year, uploaded = int(found.group(1)), int(found.group(2))
        if uploaded == month:
            return year
        if month == 12 and uploaded == 1:
            return year - 1
    if modified:
        year, modified_month = int(modified[:4]), int(modified[5:7])
        return year if month <= modified_month else year - 1
    return None


def extract_page(html: bytes, url: str, headers: Mapping[str, str] | None = None,
                 fetched_at: str | None = None, *,
                 options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractResult:
    """Extract one page; ``ExtractResult.reason`` says why when there is no article."""
    if not html or not html.strip():
        return ExtractResult(None, "empty-body")
    head = html[:2048]
    if (b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))) \
            or b"<" not in head:
        return ExtractResult(None, "not-html")
    text, encoding = decode_html(html, headers)
    tree = parse_html(text)
    if tree is None or tree.find(".//body") is None:
        return ExtractResult(None, "not-html", encoding)
    now = to_datetime(fetched_at) if fetched_at else None
    container = _find_container(tree)
    meta = _metadata(tree, url, now, container)
    media_root = container if container is not None else (
        tree.find(".//article") if tree.find(".//article") is not None else None)
    images = _images(media_root, url) if media_root is not None else []
    videos = _video_urls(media_root, url) if media_root is not None else []

    captions = _caption_texts(tree)
    body = _body_text(tree, url, options, container)
    lines = _clean_body(body, meta.title, captions)
    if not lines:
        return ExtractResult(None, "no-text", encoding)
    text = "\n".join(lines)
    vietnamese = (meta.language or "").startswith("vi") or is_vietnamese(text)
    language = meta.language or ("vi" if vietnamese else None)

    prefix, first = split_source_prefix(lines[0], vietnamese=vietnamese)
    if prefix:
        lines = ([first.strip()] if first.strip() else []) + lines[1:]
    byline, byline_names = None, []
    if vietnamese and len(lines) > 1:
        byline, byline_names, rest = split_byline("\n".join(lines))
        lines = rest.split("\n") if byline else lines
    text = "\n".join(lines)
    if not text:
        return ExtractResult(None, "no-text", encoding)

    authors, authors_raw = meta.authors, meta.authors_raw
    if byline_names:
        authors, authors_raw = _dedupe(byline_names), byline

    published, published_raw = meta.published, meta.published_raw
    if published is None:
        match = _BODY_DATE_RE.search(text[:300])
        if match:
            year = _year_hint(url, images, match.group(0), meta.modified)
            published = parse_date(match.group(0), default_year=year)
            published_raw = match.group(0) if published else None

    canonical = meta.canonical or urldefrag(url)[0]
    article = Article(
        id=_article_id(canonical),
        url=url,
        canonical_url=canonical,
        title=meta.title or "",
        text=text,
        language=language,
        site_name=meta.site_name,
        authors=authors,
        authors_raw=authors_raw,
        byline=byline,
        date_published=published,
        date_published_raw=published_raw,
        date_modified=meta.modified,
        date_modified_raw=meta.modified_raw,
        categories=meta.categories,
        tags=meta.tags,
        description=meta.description,
        source_prefix=prefix,
        images=images,
        video_urls=videos,
        page_count=1,
        word_count=word_count(text),
        extractor_version=EXTRACTOR_VERSION,
        provenance=[],
    )
    return ExtractResult(article, None, encoding)


def extract_article(html: bytes, url: str, headers: Mapping[str, str] | None = None,
                    fetched_at: str | None = None) -> Article | None:
    """One page -> Article, or None (the reason is logged at debug level)."""
    result = extract_page(html, url, headers, fetched_at)
    if result.article is None:
        logger.debug("No article in %(url)s: %(reason)s", {"url": url, "reason": result.reason})
    return result.article


def join_pages(pages: Sequence[Article]) -> Article:
    """A multi-page post as one Article: texts joined by '\\n', media deduplicated in order,
    metadata from page 1, provenance of every page in page order."""
    if not pages:
        raise ValueError("join_pages needs at least one page")
    first = pages[0]
    if len(pages) == 1:
        return first
    text = "\n".join(p.text for p in pages if p.text)
    images: list[Image] = []
    seen_images: set[str] = set()
    videos: list[str] = []
    for page in pages:
        for image in page.images:
            if image.url not in seen_images:
                seen_images.add(image.url)
                images.append(image)
        for video in page.video_urls:
            if video not in videos:
                videos.append(video)
    byline = next((p.byline for p in reversed(pages) if p.byline), None)
    authors = first.authors
    if byline and not first.byline:
        authors = next(p.authors for p in reversed(pages) if p.byline)
    return dataclasses.replace(
        first, text=text, images=images, video_urls=videos, byline=first.byline or byline,
        authors=authors, page_count=sum(p.page_count for p in pages),
        word_count=word_count(text),
        provenance=[prov for p in pages for prov in p.provenance])


def quality_flags(article: Article | None, url: str, now: datetime | None = None) -> list[str]:
    """Quality problems of one record, for the crawl's monitors (stats keys).

    ``empty_text``, ``boilerplate``, ``no_title``, ``date_in_future``,
    ``date_before_url_date``. ``now`` defaults to the fetch time of the first
    provenance entry, else the current time.
    """
    if article is None or not article.text.strip():
        return ["empty_text"]
    flags = []
    if any(marker.casefold() in article.text.casefold() for marker in BOILERPLATE_MARKERS):
        flags.append("boilerplate")
    if not article.title.strip():
        flags.append("no_title")
    published = to_datetime(article.date_published) if article.date_published else None
    if published is not None:
        if now is None and article.provenance and article.provenance[0].fetched_at:
            now = to_datetime(article.provenance[0].fetched_at.replace("Z", "+00:00"))
        now = now or datetime.now(UTC)
        # a bare day may be "today" anywhere on Earth: allow one day of slack
        if (published - now).total_seconds() > 86400:
            flags.append("date_in_future")
        url_date = date_from_url(url)
        if url_date:
            y, m, d = url_date
            day = published.date()
            if (day.year, day.month, day.day if d else 0) < (y, m, d or 0):
                flags.append("date_before_url_date")
    return flags
