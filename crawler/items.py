"""The Article schema: one normalised record per canonical news article.

Every field is defined once, here, with its type, its format and whether it is
required (``metadata["doc"]`` is the field's documentation; ``crawler/article.schema.json``
is generated from these dataclasses by ``newsarchive schema --update``).

Conventions:
- all text is Unicode NFC; paragraphs in ``text`` are separated by a single ``\\n``;
- dates are ISO 8601 with a UTC offset (``2017-09-21T16:30:00+07:00``); a page that
  gives no zone is taken to be in Asia/Ho_Chi_Minh (+07:00);
- ``*_raw`` fields keep the value exactly as seen on the page (after decoding and NFC),
  so a normalisation can be audited and redone;
- keys are written in the order of the fields below (stable order in JSONL).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"


def _f(doc: str, *, required: bool = False, default: Any = dataclasses.MISSING,
       default_factory: Any = dataclasses.MISSING) -> Any:
    """A dataclass field carrying its documentation."""
    meta = {"doc": doc, "required": required}
    if default_factory is not dataclasses.MISSING:
        return field(default_factory=default_factory, metadata=meta)
    if default is not dataclasses.MISSING:
        return field(default=default, metadata=meta)
    return field(metadata=meta)


@dataclass(frozen=True)
class Image:
    """An image of the article body (kept out of ``text``)."""

    url: str = _f("Absolute URL of the image (src, or the largest srcset candidate).",
                  required=True)
    caption: str | None = _f("Visible caption (figcaption / wp-caption-text), NFC.",
                             default=None)
    alt: str | None = _f("The img alt attribute, NFC.", default=None)


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: enough to find the exact WARC response again."""

    warc_filename: str = _f("Base name of the WARC file holding the response record.",
                            required=True)
    warc_offset: int = _f("Byte offset of the response record (its gzip member) in the file.",
                          required=True)
    warc_length: int = _f("Length in bytes of the record as stored (compressed member).",
                          required=True)
    warc_record_id: str = _f("WARC-Record-ID of the response record, '<urn:uuid:...>'.",
                             required=True)
    warc_payload_digest: str | None = _f(
        "WARC-Payload-Digest of the response ('sha1:BASE32').", default=None)
    url: str = _f("WARC-Target-URI of the response record.", default="")
    fetched_at: str = _f("WARC-Date of the response, ISO 8601 UTC ('...Z').", default="")


@dataclass(frozen=True)
class Article:
    """One news article (a WordPress post), normalised."""

    id: str = _f("Stable id: first 16 hex digits of sha256(canonical_url).", required=True)
    url: str = _f("URL of the first page as fetched (after redirects).", required=True)
    canonical_url: str = _f(
        "Canonical URL (rel=canonical / og:url, made absolute, fragment removed); "
        "the key for deduplication.", required=True)
    title: str = _f("Headline without the site-name suffix, NFC.", required=True)
    text: str = _f(
        "Body text as a reader sees it: paragraphs separated by '\\n', NFC; no menus, "
        "sidebars, related posts, share buttons, comments or comment form, no image "
        "captions or alt text, no source prefix and no end-of-article byline (those "
        "have fields of their own).", required=True)
    language: str | None = _f("BCP 47 language tag of the text ('vi').", default=None)
    site_name: str | None = _f("Site name (og:site_name, JSON-LD publisher, or <title> suffix).",
                               default=None)
    authors: list[str] = _f("Author names, without prefixes such as 'Bởi', 'Tác giả:'.",
                            default_factory=list)
    authors_raw: str | None = _f("Author string as seen (meta, JSON-LD, byline).",
                                 default=None)
    byline: str | None = _f(
        "End-of-article signature line as seen (e.g. 'Thanh Tùng – Công Luận'); its names "
        "are in 'authors' and the line is not repeated in 'text'.", default=None)
    date_published: str | None = _f(
        "Publication date-time, ISO 8601 with offset (+07:00 when the page gives no zone).",
        default=None)
    date_published_raw: str | None = _f("Publication date as seen.", default=None)
    date_published_source: str | None = _f(
        "Where 'date_published' came from: 'jsonld' (JSON-LD datePublished/dateCreated), "
        "'meta' (article:published_time and other <meta>), 'visible' (<time datetime> or a "
        "date printed in the post's markup), 'url' (a /YYYY/MM/DD/ permalink), 'text' (a "
        "'ngày 21/9' in the lead), 'htmldate' (the htmldate library on the whole page, the "
        "last resort); None when there is no date.", default=None)
    date_modified: str | None = _f("Last modification date-time, ISO 8601 with offset.",
                                   default=None)
    date_modified_raw: str | None = _f("Modification date as seen.", default=None)
    categories: list[str] = _f("Category names, in page order, NFC.", default_factory=list)
    tags: list[str] = _f("Tag names, in page order, NFC.", default_factory=list)
    description: str | None = _f("Summary from meta description / og:description, NFC.",
                                 default=None)
    source_prefix: str | None = _f(
        "Source prefix that opened the body, as seen ('(kontumtv.vn) –', 'KTO –'); removed "
        "from 'text'.", default=None)
    images: list[Image] = _f("Body images with their captions and alt text.",
                             default_factory=list)
    video_urls: list[str] = _f(
        "Video addresses found in the body (iframe/video src, or the MP4 in an "
        "embed's '?l=' parameter), absolute.", default_factory=list)
    page_count: int = _f("Number of pages joined into this article (multi-page posts).",
                         default=1)
    word_count: int = _f("Number of words in 'text' (Unicode \\w+ tokens).", default=0)
    extractor_version: str = _f("Version of the newsarchive extractor that made this record.",
                                default="")
    version: int = _f(
        "Version of the article: 1 when first archived; a re-crawl that finds its content "
        "(title, text, authors, dates, categories, tags, images) changed writes the next.",
        default=1)
    record_id: str = _f("Id of this version of the article: '<id>.<version>'.", default="")
    previous_version: str | None = _f(
        "record_id of the version this one replaces; None for version 1.", default=None)
    provenance: list[Provenance] = _f(
        "One entry per page, in page order: the WARC response each page came from.",
        default_factory=list)

    def __post_init__(self) -> None:
        if not self.record_id:  # frozen: set once, from the id and the version
            object.__setattr__(self, "record_id", f"{self.id}.{self.version}")


def article_to_dict(article: Article) -> dict[str, Any]:
    """The record as a plain dict, keys in schema order (nested dataclasses too)."""
    return dataclasses.asdict(article)


def article_from_dict(data: dict[str, Any]) -> Article:
    """Inverse of :func:`article_to_dict`; unknown keys are an error."""
    data = dict(data)
    data["images"] = [Image(**i) for i in data.get("images", [])]
    data["provenance"] = [Provenance(**p) for p in data.get("provenance", [])]
    return Article(**data)


# --- Crawl-internal items (not part of the published schema) --------------------------


def article_id(canonical_url: str) -> str:
    """An article's ``id``: the first 16 hex digits of sha256(canonical URL)."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PageCapture:
    """One fetched page of a post, as the spider hands it to the article pipeline."""

    url: str                      # URL of the response (after redirects)
    body: bytes                   # HTML bytes with Content-Encoding removed
    headers: dict[str, str]       # response headers, first value per name
    provenance: Provenance | None  # the WARC response record holding these bytes

    def __repr__(self) -> str:  # never the page itself in a log line (Scrapy logs items)
        return f"PageCapture(url={self.url!r}, body=<{len(self.body)} bytes>)"


@dataclass(frozen=True)
class PostItem:
    """A post (all of its pages, in page order) ready for extraction."""

    url: str
    pages: tuple[PageCapture, ...]
    canonical: str | None = None  # the canonical URL the spider read from page 1's head
    unchanged: bool = False       # every page unchanged since its archived capture (a 304
                                  # or the same payload: crawler.incremental)

    def __repr__(self) -> str:
        return f"PostItem(url={self.url!r}, pages={len(self.pages)})"
