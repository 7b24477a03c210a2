"""Article extraction: HTML bytes + URL (+ headers, fetch time) -> ``Article``.

Used alike by the crawl pipeline and by re-extraction from WARC files; it never touches
the network and reads no Scrapy settings. Public API (importable from here):

- ``extract_page(html: bytes, url: str, headers=None, fetched_at=None, *, options=
  DEFAULT_OPTIONS) -> ExtractResult(article, reason, encoding)``; ``reason`` is
  ``empty-body``, ``not-html`` or ``no-text`` when ``article`` is None;
  ``extract_article(...)`` is the thin wrapper returning the Article or None (the reason
  logged at debug level). ``provenance`` is left empty (the caller fills it); ``id`` =
  sha256(canonical_url)[:16]; ``extractor_version`` = ``EXTRACTOR_VERSION``.
- ``join_pages(pages)``: a multi-page post as one Article.
- ``quality_flags(article, url, now=None) -> list[str]``: ``empty_text``, ``boilerplate``
  (a ``BOILERPLATE_MARKERS`` string in the text), ``no_title``, ``date_in_future``,
  ``date_before_url_date``.
- ``baseline_text(html, url)``: plain trafilatura, the benchmark baseline;
  ``baseline_record(html, url)``: the same with trafilatura's title, date and authors.
- ``ExtractOptions`` / ``DEFAULT_OPTIONS``: the few choices made by measurement
  (bench/extraction_quality.py).
- ``decode_html(body, headers) -> (NFC text, codec)`` (THE decoding rule),
  ``parse_html(text)``, ``render_text(element)``; ``ARTICLE_TYPES`` (schema.org JSON-LD
  article types); ``url_date(url)``, ``date_from_url(url)``, ``VN_TZ``.

Modules, each owning one concept: ``html`` (decoding, parsing, tree helpers), ``dates``
(date parsing, URL dates, the +07:00 default, picking the post date), ``textnorm``
(string rules), ``jsonld`` (JSON-LD nodes and article types), ``boilerplate`` (every
pruning rule and boilerplate marker), ``media`` (images, captions, videos), ``metadata``
(one reader per field group), ``postdates`` (where a post states its dates: the
candidates :func:`~crawler.extract.dates.pick_date` decides between), ``body``
(the only importer of trafilatura: container, trafilatura, block renderer) and ``page``
(assembly, ``join_pages``, ``quality_flags``).

The names are loaded lazily (PEP 562): ``import crawler.extract.dates`` (or ``.html``,
``.textnorm``, ``.jsonld``) does not import trafilatura, so the crawl's main process can
use the decoding, URL-date and JSON-LD helpers cheaply.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "ARTICLE_TYPES", "BOILERPLATE_MARKERS", "DEFAULT_OPTIONS", "EXTRACTOR_VERSION", "VN_TZ",
    "ExtractOptions", "ExtractResult", "baseline_record", "baseline_text", "date_from_url",
    "decode_html", "extract_article", "extract_page", "join_pages", "parse_html", "quality_flags",
    "render_text", "url_date",
]

# public name -> the module of this package defining it
_HOMES = {
    "ARTICLE_TYPES": "jsonld",
    "BOILERPLATE_MARKERS": "boilerplate",
    "DEFAULT_OPTIONS": "body",
    "EXTRACTOR_VERSION": "body",
    "ExtractOptions": "body",
    "baseline_record": "body",
    "baseline_text": "body",
    "render_text": "body",
    "VN_TZ": "dates",
    "date_from_url": "dates",
    "url_date": "dates",
    "decode_html": "html",
    "parse_html": "html",
    "ExtractResult": "page",
    "extract_article": "page",
    "extract_page": "page",
    "join_pages": "page",
    "quality_flags": "page",
}

if TYPE_CHECKING:  # for type checkers and IDEs; at run time see __getattr__
    from crawler.extract.body import (
        DEFAULT_OPTIONS,
        EXTRACTOR_VERSION,
        ExtractOptions,
        baseline_record,
        baseline_text,
        render_text,
    )
    from crawler.extract.boilerplate import BOILERPLATE_MARKERS
    from crawler.extract.dates import VN_TZ, date_from_url, url_date
    from crawler.extract.html import decode_html, parse_html
    from crawler.extract.jsonld import ARTICLE_TYPES
    from crawler.extract.page import (
        ExtractResult,
        extract_article,
        extract_page,
        join_pages,
        quality_flags,
    )


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
