"""Page assembly: HTML bytes + URL (+ headers, fetch time) -> ``Article``, multi-page
posts, quality flags.

Owns the order of the steps (:func:`extract_page`): decode and parse
(:mod:`crawler.extract.html`), metadata (:mod:`~crawler.extract.metadata`), images and
videos (:mod:`~crawler.extract.media`) read before the tree is pruned, body text
(:mod:`~crawler.extract.body`), line clean-up (:mod:`~crawler.extract.boilerplate`),
source prefix and signature byline (:mod:`~crawler.extract.textnorm`), a "ngày 21/9"
date in the lead, else htmldate, when the page's markup gives none
(:mod:`~crawler.extract.dates`, with ``date_published_source``); then the
record's id (sha256 of the canonical URL), :func:`join_pages` and :func:`quality_flags`.
"""

from __future__ import annotations

import codecs
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urldefrag

from crawler.extract.body import (
    DEFAULT_OPTIONS,
    EXTRACTOR_VERSION,
    ExtractOptions,
    body_text,
    find_container,
)
from crawler.extract.boilerplate import clean_lines, has_boilerplate
from crawler.extract.dates import BODY_DATE_RE, date_from_url, parse_date, to_datetime
from crawler.extract.html import ClassIndex, decode_html, parse_html
from crawler.extract.media import caption_texts, post_media
from crawler.extract.metadata import Meta, dedupe, metadata
from crawler.extract.postdates import htmldate_date, year_hint
from crawler.extract.textnorm import (
    fold,
    is_vietnamese,
    names_the_authors,
    split_byline,
    split_source_prefix,
    word_count,
)
from crawler.items import Article, Image, article_id

__all__ = ["ExtractResult", "extract_article", "extract_page", "join_pages", "quality_flags"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractResult:
    """An article, or None with the reason (``empty-body``, ``not-html``, ``no-text``)."""

    article: Article | None
    reason: str | None = None
    encoding: str | None = None




def _not_html(html: bytes) -> bool:
    """Binary (NUL bytes without a UTF-16 BOM) or no markup in the first 2 KiB."""
    head = html[:2048]
    binary = b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    return binary or b"<" not in head


@dataclass
class _Body:
    """The post's text lines and what was cut out of them."""

    lines: list[str]
    language: str | None
    prefix: str | None
    byline: str | None
    byline_names: list[str]


def _split_body(lines: list[str], meta: Meta) -> _Body:
    """Language; the source prefix opening the text, a "By <the authors>" line and, on
    Vietnamese pages, the signature line closing it, moved out of the lines."""
    text = "\n".join(lines)
    vietnamese = (meta.language or "").startswith("vi") or is_vietnamese(text)
    language = meta.language or ("vi" if vietnamese else None)
    prefix, first = split_source_prefix(lines[0], vietnamese=vietnamese)
    if prefix:
        lines = ([first.strip()] if first.strip() else []) + lines[1:]
    lines = [line for line in lines if not names_the_authors(line, meta.authors)] or lines
    byline, byline_names = None, []
    if vietnamese and len(lines) > 1:
        byline, byline_names, rest = split_byline("\n".join(lines))
        lines = rest.split("\n") if byline else lines
    return _Body(lines, language, prefix, byline, byline_names)


def _publication_date(meta: Meta, text: str, url: str, images: list[Image],
                      now: datetime | None) -> tuple[str | None, str | None, str | None]:
    """(iso, raw, source): the metadata's publication date (JSON-LD, meta, visible
    markup, URL day: :func:`crawler.extract.dates.pick_date`), else a "ngày 21/9" in the
    lead (year from the URL, the uploads folder of an image, or the modification date),
    else htmldate's reading of the page without what lies outside the post."""
    if meta.published is not None:
        return meta.published, meta.published_raw, meta.published_source
    match = BODY_DATE_RE.search(text[:300])
    if match:
        year = year_hint(url, images, match.group(0), meta.modified)
        published = parse_date(match.group(0), default_year=year)
        if published:
            return published, match.group(0), "text"
    found = htmldate_date(meta.date_page, url, now) if meta.date_page else None
    return (found, found, "htmldate") if found else (None, None, None)


def _article(url: str, meta: Meta, body: _Body, text: str, media: tuple[list[Image], list[str]],
             dated: tuple[str | None, str | None, str | None]) -> Article:
    images, videos = media
    authors, authors_raw = meta.authors, meta.authors_raw
    if body.byline_names:
        authors, authors_raw = dedupe(body.byline_names), body.byline
    published, published_raw, published_source = dated
    canonical = meta.canonical or urldefrag(url)[0]
    return Article(
        id=article_id(canonical), url=url, canonical_url=canonical,
        title=meta.title or "", text=text, language=body.language,
        site_name=meta.site_name, authors=authors, authors_raw=authors_raw,
        byline=body.byline, date_published=published, date_published_raw=published_raw,
        date_published_source=published_source,
        date_modified=meta.modified, date_modified_raw=meta.modified_raw,
        categories=meta.categories, tags=meta.tags, description=meta.description,
        source_prefix=body.prefix, images=images, video_urls=videos, page_count=1,
        word_count=word_count(text), extractor_version=EXTRACTOR_VERSION, provenance=[],
    )


def extract_page(html: bytes, url: str, headers: Mapping[str, str] | None = None,
                 fetched_at: str | None = None, *,
                 options: ExtractOptions = DEFAULT_OPTIONS) -> ExtractResult:
    """Extract one page; ``ExtractResult.reason`` says why when there is no article."""
    if not html or not html.strip():
        return ExtractResult(None, "empty-body")
    if _not_html(html):
        return ExtractResult(None, "not-html")
    html_text, encoding = decode_html(html, headers)
    tree = parse_html(html_text)
    if tree is None or tree.find(".//body") is None:
        return ExtractResult(None, "not-html", encoding)
    now = to_datetime(fetched_at) if fetched_at else None
    index = ClassIndex(tree)  # the class lookups below, before the tree is pruned
    container = find_container(tree, index)
    meta = metadata(tree, url, now, container, index)
    images, videos = post_media(tree, container, url)
    captions = caption_texts(tree, index)
    # from here on the tree is pruned: everything else was read above
    lines = clean_lines(body_text(tree, url, options, container, html_text, index), meta.title,
                        captions)
    if lines and meta.standfirst and fold(meta.standfirst) not in fold("\n".join(lines)):
        lines.insert(0, meta.standfirst)  # the sapo, printed apart from the body
    if not lines:
        return ExtractResult(None, "no-text", encoding)
    body = _split_body(lines, meta)
    text = "\n".join(body.lines)
    if not text:
        return ExtractResult(None, "no-text", encoding)
    dated = _publication_date(meta, text, url, images, now)
    return ExtractResult(_article(url, meta, body, text, (images, videos), dated), None,
                         encoding)


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
    if has_boilerplate(article.text):
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
