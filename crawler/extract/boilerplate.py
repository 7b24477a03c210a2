"""Boilerplate: every rule telling WordPress furniture from a post's text, tables first.

Owns the tables (comment-form and share-bar markers, pruned tags/ids/classes, the
"outside the post" ancestors, related-post headings, "Read more:" prefixes, lines that
are boilerplate on their own) and the three places they are applied:

1. :func:`in_page_content`: an element inside a widget, sidebar, comment area or site
   header/footer is never read for metadata or taken as the post container;
2. :func:`prune`: before trafilatura, boilerplate elements and "Tin liên quan"-style
   blocks are removed from the tree;
3. :func:`clean_lines`: after it, caption lines, boilerplate lines, lines holding only
   a date, copyright notices, reading times, related-post headings and "Read more:"
   lines are dropped; :func:`has_boilerplate` is the quality check.

Pure (lxml only: no trafilatura, no Scrapy); no settings are read.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from crawler.extract.dates import is_date_line
from crawler.extract.html import (
    attached,
    class_pred,
    drop,
    id_pred,
    link_density,
    text_len,
    text_longer,
)
from crawler.extract.textnorm import clean_text, fold

__all__ = [
    "BOILERPLATE_MARKERS", "clean_lines", "has_boilerplate", "heading_key", "in_page_content",
    "is_boilerplate", "post_only_html", "prune", "pruned_text",
]

# --- tables -------------------------------------------------------------------------------

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
    # advertising labels and platform furniture left between paragraphs
    "Quảng cáo", "Advertisement", "Advertisements", "Anzeige", "Werbung", "Publicidad",
    "Publicité", "Passer la publicité", "Pubblicità", "Annons", "Annonse", "Reklame",
    "Reklama", "Story continues below", "Article continues below", "Continue reading below",
    "Recommended Videos", "Article content",
))

# Copyright notices and reading-time labels on a line of their own ("© dpa-infocom, ...",
# "Copyright © AFP 2017-2026. ...", "Bản quyền thuộc về ...", "Lesedauer: 4 Minuten",
# "5 min read"): every such line in the trafilatura evaluation set is annotated as
# boilerplate, none as text
_COPYRIGHT_RE = re.compile(
    r"\s*(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|:|\d{4}|by\b)|bản quyền thuộc về\b)", re.I)
_READING_TIME_RE = re.compile(
    r"\s*(?:(?:lesedauer|lesezeit|reading time|read time|temps de lecture|tiempo de lectura|"
    r"thời gian đọc)\s*:?\s*(?:ca\.\s*)?\d+\s*(?:min\w*|phút)\.?|\d+\s*(?:min\w*|phút)\.?\s*"
    r"(?:read|lesezeit|lesedauer|de lecture|de lectura|đọc))\s*$", re.I)

# An element below one of these is outside the post (never metadata, never the body).
# Blogger's main column is a widget too ("widget Blog"): it is not outside the post.
_OUTSIDE_CONTENT = lxml.etree.XPath(
    "ancestor::*[self::aside or self::nav or ((self::footer or self::header) and "
    "not(ancestor::article or ancestor::main)) or (" + class_pred("widget") + " and not("
    + class_pred("Blog") + ")) or "
    + class_pred("sidebar", "comments-area", "comment", "comment-body",
                 "related-posts", "jp-relatedposts")
    + " or " + id_pred("comments", "respond", "sidebar") + "]")

# The outermost elements outside the post (_OUTSIDE_CONTENT without the bare "widget"
# class: Blogger wraps its posts in one), and images (an uploads folder's month is not
# a publication date): left out of post_only_html
_OUTSIDE_ROOTS = lxml.etree.XPath(
    "//*[(self::aside or self::nav or ((self::footer or self::header) and "
    "not(ancestor::article or ancestor::main)) or "
    + class_pred("sidebar", "widget-area", "comments-area", "related-posts", "jp-relatedposts")
    + " or " + id_pred("comments", "respond", "sidebar", "secondary")
    + " or self::img or self::picture)]")

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
    "Czytaj także", "Zobacz także", "Leia também", "Veja também", "Noticia relacionada",
    "Ähnliche", "Weiterführende Links", "Meistgelesen", "Most read", "Popular",
    "Lo más leído", "Les plus lus", "Più letti", "Mest lest", "Mest läst",
    "関連記事", "関連キーワード", "おすすめ情報",
))
# "Read more: <linked headline>" lines inside a story (or the label alone on its line), in
# the languages of the news met
_READ_ALSO_PREFIXES = frozenset(s.casefold() for s in (
    "Xem thêm", "Đọc thêm", "Tin liên quan", "Bài liên quan", "Có thể bạn quan tâm",
    "Read more", "Read also", "See also", "Related", "Lea también", "Lea más", "Lea",
    "Mire", "Vea también", "Le puede interesar", "Te puede interesar", "Mira",
    "Puedes ver", "À lire aussi", "Lire aussi", "Lesen Sie auch", "Auch interessant",
    "Czytaj też", "Czytaj także", "Leia também", "Veja também", "Also read", "Read next",
    "More", "See more", "Les også", "Les mer", "Se også", "Läs också", "Läs mer", "Lees ook",
    "Lees meer", "Leggi anche", "Читайте также", "Читайте також", "Přečtěte si také",
    "Čtěte také", "Przeczytaj także", "Przeczytaj też", "Weiterlesen", "Lire la suite",
    "Voir aussi", "Ver también", "Leer más", "Leia mais",
))


# --- applying them ------------------------------------------------------------------------


def in_page_content(el: lxml.html.HtmlElement) -> bool:
    """Not inside a widget, sidebar, comment area, nav or site header/footer."""
    return not _OUTSIDE_CONTENT(el)


def post_only_html(root: lxml.html.HtmlElement) -> str:
    """The page serialised without what lies outside the post (site header, menus,
    sidebars, widgets, comments) nor images: what a whole-page date finder (htmldate)
    may read without taking the top bar's "today" or a teaser's date. ``root`` is left
    as it was."""
    removed: list[lxml.html.HtmlElement] = []
    removed_ids: set[int] = set()
    for el in _OUTSIDE_ROOTS(root):
        if el.getparent() is None or any(id(a) in removed_ids for a in el.iterancestors()):
            continue
        removed.append(el)
        removed_ids.add(id(el))
    places = [(el.getparent(), el.getparent().index(el), el) for el in removed]
    for parent, _, el in places:
        parent.remove(el)
    try:
        return lxml.html.tostring(root, encoding="unicode")
    finally:
        for parent, index, el in places:  # document order: each index is right again
            parent.insert(index, el)


def is_boilerplate(el: lxml.html.HtmlElement) -> bool:
    """An element :func:`prune` removes (by tag, id, class token or ``display:none``)."""
    # Asked of every element of every page: C-level set tests, no generator.
    get = el.get
    if el.tag in _PRUNE_TAGS or get("id") in _PRUNE_IDS:
        return True
    value = get("class")
    if value and not _PRUNE_CLASSES.isdisjoint(value.split()):
        return True
    style = get("style")
    return bool(style) and _HIDDEN_STYLE_RE.search(style) is not None


def heading_key(text: str) -> str:
    """Comparison key of a short heading-like line: spaces collapsed, edge punctuation
    trimmed, case-folded."""
    return " ".join(text.split()).strip(" :»›>-–—.?!¿¡").casefold()


_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b",
                 "section", "header")
# What a text of the page must be, as a heading key, to be part of a related heading:
# a piece of one (an element whose whole text is a heading holds only such texts, and
# at least one that is not empty)
_HEADING_PIECES = frozenset(h[i:j] for h in _RELATED_HEADINGS
                            for i in range(len(h)) for j in range(i + 1, len(h) + 1))


def _is_heading_piece(text: str | None) -> bool:
    if not text or text.isspace() or (len(text) > 60 and len(text.strip()) > 60):
        return False  # most texts are white space; a long one is in no heading
    key = heading_key(text)
    return bool(key) and key in _HEADING_PIECES


def _heading_candidates(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The elements of :data:`_HEADING_TAGS` that may be a related heading, in document
    order: those holding a text (an element's text or a child's tail) that is a piece of
    one, with at most 60 characters of text. Asking this of each text instead of each
    element's whole text is what keeps :func:`_prune_related` cheap (about half the
    time on news pages)."""
    holders = []
    for node in root.iter():
        if isinstance(node.tag, str) and _is_heading_piece(node.text):
            holders.append(node)
        if node is not root and _is_heading_piece(node.tail):
            holders.append(node.getparent())
    found: set[lxml.html.HtmlElement] = set()
    for el in holders:
        while el is not None and el not in found and not text_longer(el, 60):
            found.add(el)
            el = el.getparent()
    return [el for el in root.iter(*_HEADING_TAGS) if el in found] if found else []


def _prune_related(root: lxml.html.HtmlElement, stop: lxml.html.HtmlElement | None,
                   removed: list[lxml.html.HtmlElement]) -> None:
    """Remove "Tin liên quan"-style blocks: a related heading and the links after it
    (appended to ``removed``)."""
    for el in _heading_candidates(root):
        if el.getparent() is None or text_longer(el, 60):
            continue
        if heading_key("".join(el.itertext())) not in _RELATED_HEADINGS:
            continue
        if not attached(el):
            continue  # inside a block removed already
        target = el
        parent = el.getparent()
        while parent is not None and parent is not stop and parent.tag not in ("body", "html") \
                and link_density(parent) > 0.5 and text_len(parent) < 3000:
            target, parent = parent, parent.getparent()
        if target is el:
            sibling = el.getnext()
            while sibling is not None and text_len(sibling) and link_density(sibling) > 0.6:
                following = sibling.getnext()
                drop(sibling)
                removed.append(sibling)
                sibling = following
        drop(target)
        removed.append(target)


def prune(root: lxml.html.HtmlElement, stop: lxml.html.HtmlElement | None = None
          ) -> list[lxml.html.HtmlElement]:
    """Remove boilerplate elements and related-post blocks from ``root`` (in place),
    never ``stop`` itself (the post container) nor ``root``; returns the removed
    elements that held text (not scripts and styles), for :func:`pruned_text`."""
    doomed = [el for el in root.iter(lxml.etree.Element)
              if el is not stop and el is not root and is_boilerplate(el)]
    for el in doomed:
        drop(el)
    related: list[lxml.html.HtmlElement] = []
    _prune_related(root, stop, related)
    return [el for el in doomed if el.tag not in _PRUNE_TAGS] + related


def pruned_text(removed: list[lxml.html.HtmlElement]) -> str:
    """The folded text (:func:`crawler.extract.textnorm.fold`) of what :func:`prune`
    removed: a line found in it is boilerplate by our tables."""
    return "\x00".join(fold(" ".join(el.itertext())) for el in removed)


def _repeats_title(line: str, folded_line: str, title: str) -> bool:
    """The line is the title (compared folded), or ends with it as printed after at most
    60 characters of a kicker ending in a separator ("Parteitag: <title>", "... | ") or
    in no space at all (the kicker's own element): the title may be og:title, the
    headline without its kicker."""
    if folded_line == fold(title):
        return True
    kicker = line[:-len(title)] if len(title) >= 10 and line.endswith(title) else ""
    return 0 < len(kicker) <= 60 and (not kicker[-1].isspace()
                                       or kicker.rstrip()[-1:] in _KICKER_ENDS)


_KICKER_ENDS = frozenset(":|/>·–—-")


def clean_lines(text: str, title: str | None, captions: set[str]) -> list[str]:
    """The text's non-empty lines without captions (``captions``: folded texts), a first
    line repeating the title (a kicker before it or not), boilerplate lines, lines
    holding only a date (:func:`crawler.extract.dates.is_date_line`), copyright notices
    and reading times, related-post
    headings (the story ends at one in its second half) and "Read more: <headline>"
    lines."""
    drop_folded = captions
    lines = [line for line in clean_text(text).split("\n") if line]
    out = []
    for index, line in enumerate(lines):
        folded = fold(line)
        if folded in drop_folded:
            continue
        if index == 0 and title and _repeats_title(line, folded, title):
            continue
        key = heading_key(line)
        if key in _BOILERPLATE_LINES or line.startswith(_COMMENT_FORM_MARKERS):
            continue
        if is_date_line(line):
            continue  # the page's date printed between paragraphs
        if (len(line) < 200 and _COPYRIGHT_RE.match(line)) or _READING_TIME_RE.match(line):
            continue
        if key in _RELATED_LINE_HEADINGS:
            if index >= len(lines) / 2:
                break  # a related-posts heading in the second half: the story is over
            continue
        head, colon, _ = line.partition(":")
        if key in _READ_ALSO_PREFIXES or (
                colon and len(line) < 250 and heading_key(head) in _READ_ALSO_PREFIXES):
            continue  # "Read more: <headline>", or the label alone above its link
        out.append(line)
    return out


def has_boilerplate(text: str) -> bool:
    """The text holds one of :data:`BOILERPLATE_MARKERS` (case-insensitive)."""
    return any(marker.casefold() in text.casefold() for marker in BOILERPLATE_MARKERS)
