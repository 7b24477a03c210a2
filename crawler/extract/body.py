"""The post's body text: content container, trafilatura, our own block renderer.

The only module of the project that imports trafilatura. Owns the choices of
:class:`ExtractOptions`, finding the post content container (``.entry-content``,
``.td-post-content``, itemprop=articleBody...), running trafilatura (comments excluded)
on the pruned page and restricting its output to the container (:func:`body_text`),
:func:`render_text` (a browser-like rendering used when trafilatura keeps too little of
the container: a video post with two sentences) and :func:`baseline_text` (plain
trafilatura, the benchmark baseline). :data:`EXTRACTOR_VERSION` names the trafilatura
release, since it shapes the text.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass

import lxml.etree
import lxml.html
import trafilatura

from crawler.extract.boilerplate import in_page_content, prune, pruned_text
from crawler.extract.html import ClassIndex, attached, classes, has_text, text_len, text_longer
from crawler.extract.textnorm import clean_line, clean_text, fold

__all__ = [
    "DEFAULT_OPTIONS", "EXTRACTOR_VERSION", "ExtractOptions", "baseline_record", "baseline_text",
    "body_text", "find_container", "render_text",
]

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"1.0+trafilatura-{trafilatura.__version__}"


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


_ARTICLE_BODY_XPATH = lxml.etree.XPath("//*[@itemprop='articleBody']")


def _container_candidates(tree: lxml.html.HtmlElement, index: ClassIndex, *,
                          pruned: bool = False) -> list[lxml.html.HtmlElement]:
    """Elements of the first container group present (with text, outside widgets): an
    element belongs to the first group it qualifies for (``itemprop=articleBody``, then
    the class groups in order). ``pruned``: the tree was pruned since ``index`` was
    built; what the prune removed is left out."""
    taken = _ARTICLE_BODY_XPATH(tree)
    groups = [taken]
    seen = set(taken)
    for tokens in _CONTAINER_GROUPS:
        found = [el for el in index.find(tokens) if el not in seen]
        seen.update(found)
        groups.append(found)
    for found in groups:
        found = [el for el in found if (not pruned or attached(el)) and in_page_content(el)
                 and has_text(el)]
        if found:
            return found
    return []


def find_container(tree: lxml.html.HtmlElement,
                   index: ClassIndex | None = None) -> lxml.html.HtmlElement | None:
    """The post content container: the candidate with the most text, or None (``index``:
    the page's class index, built here when not given)."""
    found = _container_candidates(tree, index or ClassIndex(tree))
    return max(found, key=text_len) if found else None


def _container_is_certain(tree: lxml.html.HtmlElement, container: lxml.html.HtmlElement,
                          index: ClassIndex) -> bool:
    """True when the container is the page's only post body by a WordPress convention
    (itemprop=articleBody, entry-content, td-post-content...): a single post page.
    Asked of the pruned tree (``index``: the class index of the tree before the prune)."""
    found = _container_candidates(tree, index, pruned=True)
    if found != [container]:
        return False
    return container.get("itemprop") == "articleBody" or any(
        t in _CONTAINER_GROUPS[0] for t in classes(container))


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
    """trafilatura's plain text of ``doc`` (which it rewrites), "" when it fails."""
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


def baseline_record(html: bytes | str, url: str | None = None) -> dict[str, object]:
    """Plain trafilatura with its metadata (one ``bare_extraction(include_comments=False,
    with_metadata=True)`` call): ``text``, ``title``, ``date``, ``authors`` (its
    ``author`` string split at ``;``); the benchmark baseline for the real-pages sets."""
    try:
        doc = trafilatura.bare_extraction(html, url=url, include_comments=False,
                                          with_metadata=True)
    except Exception:  # noqa: BLE001 - a crash counts as empty output in the benchmarks
        doc = None
    if doc is None:
        return {"text": "", "title": None, "date": None, "authors": []}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"text": doc.text or "", "title": doc.title, "date": doc.date, "authors": authors}


def body_text(tree: lxml.html.HtmlElement, url: str, options: ExtractOptions,
              container: lxml.html.HtmlElement | None, html: str | None = None,
              index: ClassIndex | None = None) -> str:
    """Pruned text of the page, restricted to the post content container when it is
    the main content.

    trafilatura runs on the whole pruned page (it judges the main block better than a
    class name can: teaser lists also use ``post-content``). When most of its output
    lies inside the container, lines outside the container are dropped; when
    trafilatura keeps less than ``min_container_ratio`` of the container's text (a
    video post with two sentences), the container's own text is used. A prune must never
    cost text that plain trafilatura finds (:func:`_keep_what_plain_finds`, given the
    decoded page ``html``). ``index``: the page's class index, built before the prune
    (here when not given).
    """
    if not options.prefer_container:
        container = None
    if index is None and container is not None:
        index = ClassIndex(tree)
    paragraphs = [p for p in tree.iter("p") if text_longer(p, _LONG_PARAGRAPH)]
    removed = prune(tree, stop=container) if options.prune else []
    # Everything read from the pruned tree is read before trafilatura runs: it then gets
    # the tree itself, not a copy (trafilatura rewrites the tree it is given; the copy
    # was ~5% of the extraction time).
    kept = [clean_line(" ".join(p.itertext())) for p in paragraphs if attached(p)]
    certain = index is not None and container is not None \
        and _container_is_certain(tree, container, index)
    is_attached = container is not None and container.getparent() is not None
    own = render_text(container) if is_attached else ""
    run_options = options
    if options.recall_in_certain_container and certain:
        run_options = dataclasses.replace(options, favor_recall=True, favor_precision=False)
    text = _trafilatura_text(tree, url, run_options)
    if own:
        text = _restrict_to_container(text, own, certain, options.min_container_ratio)
    if html is None or not options.prune:
        return text
    return _keep_what_plain_finds(text, kept, removed, html, url)


_LONG_PARAGRAPH = 150  # characters: a story's paragraph, not a teaser or a caption


def _keep_what_plain_finds(text: str, paragraphs: list[str],
                           removed: list[lxml.html.HtmlElement], html: str, url: str) -> str:
    """``text``, or plain trafilatura's text of the unpruned page when pruning moved
    trafilatura's choice of the main block and lost story text.

    Cheap test first: the long paragraphs the prune kept (``paragraphs``) that ``text``
    lacks. Only when they add up to more than a quarter of ``text`` (and 400
    characters) does plain trafilatura run on ``html``; its lines found inside what the
    prune removed (``removed``: boilerplate by our tables) are dropped, and its text
    replaces ours when it recovers most of the lost paragraphs.
    """
    folded = fold(text)
    lost = [p for p in paragraphs if fold(p)[:80] not in folded]
    lost_len = sum(len(p) for p in lost)
    if lost_len < max(400, 0.25 * len(text)):
        return text
    boiler = pruned_text(removed)
    plain = [line for line in clean_text(baseline_text(html, url)).split("\n")
             if line and (len(fold(line)) < 20 or fold(line) not in boiler)]
    folded_plain = fold("\n".join(plain))
    recovered = sum(len(p) for p in lost if fold(p)[:80] in folded_plain)
    if recovered < 0.5 * lost_len or len(folded_plain) <= len(folded):
        return text
    return "\n".join(plain)


def _restrict_to_container(text: str, own: str, certain: bool, min_ratio: float) -> str:
    """trafilatura's ``text`` restricted to the container whose own rendering is ``own``
    (``certain``: the page's only post body); ``own`` itself when trafilatura kept less
    than ``min_ratio`` of it."""
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
    if inside_len < min_ratio * len(own):
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
