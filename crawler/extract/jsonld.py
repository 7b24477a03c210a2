"""JSON-LD: the schema.org types of an article, and reading a page's JSON-LD nodes.

Owns THE set of JSON-LD article types (:data:`ARTICLE_TYPES`, schema.org spelling; also
used by ``crawler.pages`` to classify a page as a post), the walk over ``<script
type="application/ld+json">`` blocks (``@graph`` included, hand-written trailing commas
repaired; objects nested anywhere, e.g. ``mainEntity``, are nodes too) and the readers of
values (text with HTML entities decoded, names behind ``@id`` references, lists).

Pure (lxml trees in, strings out; no trafilatura, no Scrapy); no settings are read.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import lxml.html

from crawler.extract.textnorm import clean_line

__all__ = [
    "ARTICLE_TYPES", "POST_TYPES", "JsonLd", "folded_types", "jsonld_nodes", "ld_list",
    "ld_names", "ld_text", "node_types", "read_jsonld",
]

#: schema.org types of an article: ``Article`` and the subtypes news and blog sites use.
ARTICLE_TYPES: frozenset[str] = frozenset((
    "Article", "NewsArticle", "AnalysisNewsArticle", "BackgroundNewsArticle",
    "OpinionNewsArticle", "ReportageNewsArticle", "ReviewNewsArticle", "BlogPosting",
    "LiveBlogPosting", "SocialMediaPosting", "ScholarlyArticle", "TechArticle",
))
#: the types of the node a post's metadata is read from: an article, or the
#: ``VideoObject`` of a video post (not an article to classify a page by)
POST_TYPES: frozenset[str] = ARTICLE_TYPES | {"VideoObject"}


def folded_types(types: Iterable[str]) -> frozenset[str]:
    """Case-folded type names, the form :func:`node_types` returns (pages vary the case)."""
    return frozenset(t.casefold() for t in types)


_POST_TYPES_FOLDED = folded_types(POST_TYPES)
#: the page node of a single post (not ``CollectionPage``: a listing)
_WEBPAGE_TYPES = folded_types(("WebPage", "ItemPage"))
_JSONLD_XPATH = ("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")


def jsonld_nodes(tree: lxml.html.HtmlElement) -> list[dict]:
    """Every JSON object of the page's JSON-LD blocks (``@graph`` members and objects
    nested in any property, such as a ``WebPage``'s ``mainEntity``, included), the
    shallowest first, in document order within a depth (invalid blocks skipped): a
    top-level article comes before an article mentioned inside another node."""
    found: list[tuple[int, int, dict]] = []

    def walk(value: object, depth: int) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item, depth)
        elif isinstance(value, dict):
            found.append((depth, len(found), value))
            for key, item in value.items():
                if isinstance(item, (dict, list)) and key != "@context":
                    walk(item, depth + (key != "@graph"))

    for script in tree.xpath(_JSONLD_XPATH):
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
        walk(data, 0)
    found.sort(key=lambda item: (item[0], item[1]))
    return [node for _, _, node in found]


def node_types(node: dict) -> set[str]:
    """The node's ``@type`` values, case-folded, without a ``schema.org/`` prefix
    (``"http://schema.org/NewsArticle"`` is ``newsarticle``)."""
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).strip().rsplit("/", 1)[-1].removeprefix("schema:").casefold()
            for v in values}


def ld_text(value: object) -> str | None:
    """A JSON-LD value as one clean line (first of a list, ``name``/``@value`` of an
    object), HTML entities decoded (WordPress plugins write ``&#8216;``, ``&quot;``), or
    None."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, (str, int, float)) and str(value).strip():
        text = str(value)
        return clean_line(html.unescape(text) if "&" in text else text) or None
    return None


def ld_names(value: object, by_id: dict[str, dict]) -> list[str]:
    """Names of people/organisations (``@id`` references resolved), URLs left out."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, dict) and "name" not in item and item.get("@id") in by_id:
            item = by_id[item["@id"]]
        name = ld_text(item)
        if name and not name.startswith(("http://", "https://")):
            out.append(name)
    return out


def ld_list(value: object) -> list[str]:
    """A comma-separated string or a list (``keywords``, ``articleSection``) as lines."""
    if isinstance(value, str):
        return [clean_line(v) for v in value.split(",") if v.strip()]
    if isinstance(value, list):
        return [t for v in value if (t := ld_text(v))]
    return []


@dataclass
class JsonLd:
    """The nodes metadata is read from: the post's (an article or a video), the
    ``WebPage`` (Yoast puts ``datePublished`` there, even when no article node is
    given), the ``WebSite`` and the post's publisher (``{}`` / None when absent)."""

    article: dict = field(default_factory=dict)
    website: dict = field(default_factory=dict)
    publisher: object = None
    by_id: dict[str, dict] = field(default_factory=dict)
    webpage: dict = field(default_factory=dict)


def read_jsonld(tree: lxml.html.HtmlElement) -> JsonLd:
    """The page's post, website and publisher nodes (first of each in document order)."""
    nodes = jsonld_nodes(tree)
    by_id: dict[str, dict] = {}
    for node in nodes:  # the defining node, not a bare {"@id": ...} reference to it
        if isinstance(node.get("@id"), str) and len(node) > 1:
            by_id.setdefault(node["@id"], node)
    article = next((n for n in nodes if node_types(n) & _POST_TYPES_FOLDED), {})
    website = next((n for n in nodes if "website" in node_types(n)), {})
    webpage = next((n for n in nodes if node_types(n) & _WEBPAGE_TYPES), {})
    publisher = article.get("publisher") if article else None
    if isinstance(publisher, dict) and "name" not in publisher:
        publisher = by_id.get(publisher.get("@id", ""), publisher)
    return JsonLd(article, website, publisher, by_id, webpage)
