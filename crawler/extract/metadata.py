"""Post metadata: canonical URL, language, site name, description, title, authors, dates,
categories and tags.

Precedence, field by field: JSON-LD, then Open Graph / ``article:`` / other ``<meta>``,
then visible WordPress markup scoped to the post (the ``<article>`` around the content
container or the headline: never a teaser's or a widget's). A structured date that
contradicts the URL date loses to a visible date that agrees with it
(:func:`crawler.extract.dates.pick_date`); the date readers are in
:mod:`crawler.extract.postdates`.

:func:`metadata` reads the page once (:class:`_Page`) and composes one reader per field
group. Pure (lxml only: no trafilatura, no Scrapy); no settings are read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import lxml.etree
import lxml.html

from crawler.extract.boilerplate import in_page_content, post_only_html
from crawler.extract.dates import date_from_url
from crawler.extract.html import ClassIndex, absolute_url, class_pred, first_line, visible
from crawler.extract.jsonld import JsonLd, ld_list, ld_names, ld_text, read_jsonld
from crawler.extract.postdates import modified_date, published_date
from crawler.extract.textnorm import clean_author, clean_line, pick_headline, strip_site_suffix

__all__ = ["Meta", "dedupe", "metadata"]

_AUTHOR_VISIBLE_XPATH = lxml.etree.XPath(
    ".//*[@rel='author' or @itemprop='author' or " + class_pred(
        "author", "td-post-author-name", "jeg_meta_author", "byline", "post-author",
        "author-name", "entry-author", "tac-gia") + "]")
_NOT_AUTHOR_XPATH = lxml.etree.XPath(
    "ancestor::*[" + class_pred("comment-author", "comment-meta", "author-box") + "]")
_AUTHOR_NAME_XPATH = lxml.etree.XPath(
    ".//*[@itemprop='name' or " + class_pred("fn", "url") + "]")
# Theme markup around category and tag links (their links, when no rel=category/tag)
_CATEGORY_CLASSES = frozenset(("cat-links", "td-category", "jeg_meta_category",
                               "post-categories", "entry-categories", "category-links",
                               "tdb-category"))
_TAG_CLASSES = frozenset(("tags-links", "td-tags", "jeg_post_tags", "post-tags", "entry-tags",
                          "tag-links", "tdb-tags"))
# The visible headline: an <h1> of a headline class (or itemprop=headline), or an <h1>
# inside an element of a headline class
_HEADLINE_H1_CLASSES = frozenset(("entry-title", "post-title", "td-post-title",
                                  "jeg_post_title", "tdb-title-text", "single-post-title",
                                  "article-title"))
_HEADLINE_AROUND_CLASSES = frozenset(("entry-title", "td-post-title", "post-title"))
_H1 = frozenset(("h1",))
# The standfirst (sapo) printed between the headline and the body: VnExpress-style
# p.description, .sapo, and the lead classes of other news themes
_STANDFIRST_CLASSES = frozenset((
    "description", "sapo", "detail-sapo", "article-sapo", "article__sapo", "sapo-detail",
    "singular-sapo", "standfirst", "article-lead", "lead", "td-post-sub-title", "entry-sapo",
    "post-excerpt-single"))
_STANDFIRST_TAGS = frozenset(("p", "h2", "div", "span"))
_CANONICAL_XPATH = lxml.etree.XPath(
    "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
_ACCOUNT_RE = re.compile(r"^(?:admin\w*|administrator|quản trị viên|quan tri|webmaster|"
                         r"editor|user\d*|root)$", re.I)


@dataclass
class Meta:
    """A post's metadata (None / [] when the page does not give it)."""

    title: str | None = None
    site_name: str | None = None
    authors: list[str] = dataclasses.field(default_factory=list)
    authors_raw: str | None = None
    published: str | None = None
    published_raw: str | None = None
    published_source: str | None = None
    standfirst: str | None = None  # the lead paragraph printed apart from the body
    date_page: str | None = None  # the page without what is outside the post, serialised
    #                               when no date was found (for htmldate, the last resort)
    modified: str | None = None
    modified_raw: str | None = None
    categories: list[str] = dataclasses.field(default_factory=list)
    tags: list[str] = dataclasses.field(default_factory=list)
    canonical: str | None = None
    language: str | None = None
    description: str | None = None


# --- small helpers ------------------------------------------------------------------------


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v), None)


def _metas(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """``<meta>`` contents by lower-case property/name/itemprop/http-equiv, in order."""
    out: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") \
            or meta.get("http-equiv")
        content = meta.get("content")
        if key and content is not None and content.strip():
            out.setdefault(key.strip().lower(), []).append(clean_line(content))
    return out


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


def dedupe(values: Iterable[str]) -> list[str]:
    """Non-empty values in order, case-insensitive duplicates dropped."""
    seen: set[str] = set()
    out = []
    for value in values:
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            out.append(value)
    return out


def _people(names: Iterable[str]) -> list[str]:
    """Author names without WordPress account names ('admin', 'webmaster'), deduplicated."""
    return dedupe(n for n in names if not _ACCOUNT_RE.match(n.strip()))


# --- what every field reader shares -------------------------------------------------------


@dataclass
class _Page:
    """A page read once: its ``<meta>`` values, JSON-LD nodes, URL date, visible headline
    and the element holding the post (``scope``: where visible metadata is looked for)."""

    tree: lxml.html.HtmlElement
    url: str
    now: datetime | None
    container: lxml.html.HtmlElement | None
    metas: dict[str, list[str]]
    ld: JsonLd
    url_date: tuple[int, int, int | None] | None
    heads: list[lxml.html.HtmlElement]
    headline: str | None
    scope: lxml.html.HtmlElement
    classes: ClassIndex

    def meta(self, *keys: str) -> str | None:
        """The first ``<meta>`` value of the first key present."""
        return _first(*(self.metas.get(k, [None])[0] for k in keys))


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


def _headlines(tree: lxml.html.HtmlElement, index: ClassIndex) -> list[lxml.html.HtmlElement]:
    """The ``<h1>``s of a headline class or ``itemprop=headline``, or inside an element
    of a headline class, in document order."""
    chosen = set(index.find(_HEADLINE_H1_CLASSES, tags=_H1))
    for el in index.find(_HEADLINE_AROUND_CLASSES):
        chosen.update(el.iterdescendants("h1"))
    return [h for h in tree.iter("h1") if h in chosen or h.get("itemprop") == "headline"]


def _read_page(tree: lxml.html.HtmlElement, url: str, now: datetime | None,
               container: lxml.html.HtmlElement | None, index: ClassIndex) -> _Page:
    heads = [h for h in _headlines(tree, index) if visible(h)]
    if not heads:
        h1s = [h for h in tree.iter("h1") if visible(h) and in_page_content(h)]
        heads = h1s[:1] if len(h1s) == 1 else []
    return _Page(
        tree=tree, url=url, now=now, container=container, metas=_metas(tree),
        ld=read_jsonld(tree), url_date=date_from_url(url), heads=heads,
        headline=visible(heads[0]) if heads else None,
        scope=_post_root(tree, heads[0] if heads else None, container), classes=index)


# --- one reader per field group -----------------------------------------------------------


def _canonical(page: _Page) -> str | None:
    links = _CANONICAL_XPATH(page.tree)
    return absolute_url(_first(links[0] if links else None, page.meta("og:url")), page.url)


def _language(page: _Page) -> str | None:
    html_lang = page.tree.get("lang") or page.tree.get("xml:lang")
    return _bcp47(_first(html_lang, page.meta("og:locale", "content-language", "language"),
                         ld_text(page.ld.article.get("inLanguage"))))


def _site_name(page: _Page) -> str | None:
    return _first(page.meta("og:site_name"), ld_text(page.ld.publisher),
                  ld_text(page.ld.website.get("name")), page.meta("application-name"))


def _description(page: _Page) -> str | None:
    return _first(page.meta("description"), page.meta("og:description"),
                  ld_text(page.ld.article.get("description")))


def _title(page: _Page, site_name: str | None) -> tuple[str | None, str | None]:
    """(title, site name): the first of JSON-LD headline (entities decoded), og:title,
    the visible headline and ``<title>``, without its site-name part (which names the
    site when nothing else did); where the JSON-LD headline and og:title differ, the one
    :func:`~crawler.extract.textnorm.pick_headline` picks goes first. Measured
    (bench/extraction_quality.py, fundus): this order matches the truth on more pages
    than og:title first or the ``<h1>`` first."""
    title_tag = page.tree.find(".//title")
    title_text = clean_line(title_tag.text_content()) if title_tag is not None else None
    host = urlsplit(page.url).hostname or ""
    host = host[4:] if host.startswith("www.") else host
    names = [n for n in (site_name, host, host.split(".")[0]) if n]
    headline = page.headline
    structured, social = ld_text(page.ld.article.get("headline")), \
        page.meta("og:title", "twitter:title")
    if structured and social and pick_headline(structured, social, headline, names) == social:
        structured, social = social, structured
    candidates = [structured, social, headline, title_text]
    title = None
    for candidate in candidates:
        if not candidate:
            continue
        title, removed = strip_site_suffix(candidate, names, headline=headline)
        if removed and not site_name and candidate == title_text:
            site_name = removed
        # a truncated JSON-LD/OG headline: the visible one is the whole of it
        stem = title.rstrip(" .…")
        if headline and title != headline and len(stem) > 10 \
                and headline.casefold().startswith(stem.casefold()):
            title = headline
        break
    if not site_name and title_text:
        _, removed = strip_site_suffix(title_text, names, headline=headline)
        site_name = removed
    return title, site_name


# Yoast's "Written by" label (twitter:label1 / twitter:data1), in a few site languages
_WRITTEN_BY = ("written by", "verfasst von", "được viết bởi", "écrit par", "escrito por",
               "scritto da", "geschreven door")


def _meta_author(page: _Page) -> str | None:
    """The author ``<meta>`` value, else Yoast's "Written by" Twitter label."""
    value = page.meta("author", "article:author", "dc.creator", "parsely-author",
                      "sailthru.author", "twitter:misc:written by")
    if value and not value.startswith(("http://", "https://")) and "@" not in value:
        return value
    for n in (1, 2):
        label = page.meta(f"twitter:label{n}")
        if label and label.casefold() in _WRITTEN_BY:
            return page.meta(f"twitter:data{n}") or value
    return value


def _authors(page: _Page) -> tuple[str | None, list[str]]:
    """(authors as seen, names): JSON-LD, else ``<meta>``, else visible markup in the
    post; a source giving only e-mail addresses or ids gives no name."""
    article = page.ld.article
    ld_authors = ld_names(article.get("author"), page.ld.by_id) if article else []
    raw = None
    if ld_authors:
        raw = ", ".join(ld_authors)
        authors = _people(n for a in ld_authors for n in clean_author(a))
        if authors:
            return raw, authors
    value = _meta_author(page)
    if value and not value.startswith(("http://", "https://")):
        authors = _people(clean_author(value))
        if authors:
            return value, authors
        raw = raw or value
    for el in _AUTHOR_VISIBLE_XPATH(page.scope):
        if not in_page_content(el) or _NOT_AUTHOR_XPATH(el):
            continue
        inner = _AUTHOR_NAME_XPATH(el)
        value = first_line(inner[0] if inner else el)
        found = _people(clean_author(value)) if 0 < len(value) <= 80 else []
        if found:
            return value, found
    return raw, []


def _standfirst(page: _Page) -> str | None:
    """The first standfirst element after the headline and before the content container
    (one of them must exist), outside widgets, 30-600 characters: the sapo that
    trafilatura drops because it sits outside the body."""
    head = page.heads[0] if page.heads else None
    found = page.classes.find(_STANDFIRST_CLASSES, tags=_STANDFIRST_TAGS) \
        if head is not None or page.container is not None else []
    if not found:
        return None
    order = {el: i for i, el in enumerate(page.tree.iter())}
    start = order.get(head, -1) if head is not None else -1
    container = page.container
    for el in found:
        if order.get(el, -1) <= start:
            continue
        if container is not None and (order.get(el, -1) >= order.get(container, -1)
                                      or container in el.iterdescendants()):
            continue
        text = visible(el)
        if 30 <= len(text) <= 600 and in_page_content(el):
            return text
    return None


# --- taxonomy -----------------------------------------------------------------------------


def _taxonomy(page: _Page) -> tuple[list[str], list[str]]:
    """(categories, tags): rel=category/rel=tag links in page order, then theme markup,
    then ``article:section`` / ``article:tag`` meta and JSON-LD."""
    cats, tags = [], []
    for a in page.scope.iter("a"):
        rel = (a.get("rel") or "").lower().split()
        found = cats if "category" in rel else tags if "tag" in rel else None
        if found is not None and in_page_content(a):  # the costly test last
            found.append(visible(a))
    article = page.ld.article
    if not cats:
        cats = [visible(a) for a in _links_in(page, _CATEGORY_CLASSES)]
    if not cats:
        cats = page.metas.get("article:section", []) + ld_list(article.get("articleSection"))
    if not tags:
        tags = [visible(a) for a in _links_in(page, _TAG_CLASSES)]
    if not tags:
        tags = page.metas.get("article:tag", []) + (
            ld_list(article.get("keywords")) if not page.metas.get("article:tag") else [])
    return (dedupe(c for c in cats if c and len(c) <= 100),
            dedupe(t for t in tags if t and len(t) <= 100))


def _links_in(page: _Page, tokens: frozenset[str]) -> list[lxml.html.HtmlElement]:
    """The links inside the post's elements of one of these classes, in document order,
    each once (nested matches hold no link of their own)."""
    out: dict[lxml.html.HtmlElement, None] = {}
    for el in page.classes.find(tokens, within=page.scope):
        out.update(dict.fromkeys(el.iterdescendants("a")))
    return list(out)


def metadata(tree: lxml.html.HtmlElement, url: str, now: datetime | None,
             container: lxml.html.HtmlElement | None, index: ClassIndex | None = None
             ) -> Meta:
    """The post's metadata (``container``: the post content container, if found;
    ``index``: the page's class index, built here when not given)."""
    page = _read_page(tree, url, now, container, index or ClassIndex(tree))
    meta = Meta(canonical=_canonical(page), language=_language(page),
                site_name=_site_name(page), description=_description(page))
    meta.title, meta.site_name = _title(page, meta.site_name)
    meta.authors_raw, meta.authors = _authors(page)
    meta.published, meta.published_raw, meta.published_source = published_date(page)
    if meta.published is None:
        meta.date_page = post_only_html(tree)
    meta.modified, meta.modified_raw = modified_date(page, meta.published)
    meta.categories, meta.tags = _taxonomy(page)
    meta.standfirst = _standfirst(page)
    return meta
