"""Where a post states its dates: the readers of its publication and modification
dates in the page (JSON-LD, ``<meta>``, ``<time datetime>``, the dates printed in the
post's markup, a date the post labels as its publication), handing the candidates to
:func:`crawler.extract.dates.pick_date`.

:mod:`crawler.extract.dates` parses date strings and decides between candidates; this
module finds the candidates on a page read once by :mod:`crawler.extract.metadata`
(its ``_Page``). Pure (lxml only); no settings are read. Last, for a post whose markup
states no date: the year of a "ngày 21/9" in its lead (:func:`year_hint`) and htmldate's
guess from the whole page (:func:`htmldate_date`).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import lxml.etree

from crawler.extract.boilerplate import in_page_content
from crawler.extract.dates import (
    FULL_DATE_RE,
    VN_TZ,
    DateCandidate,
    date_from_url,
    parse_date,
    parse_iso,
    pick_date,
)
from crawler.extract.html import class_pred, text_longer, visible
from crawler.extract.jsonld import ld_text
from crawler.extract.textnorm import clean_line

if TYPE_CHECKING:
    from crawler.extract.metadata import _Page as Page
    from crawler.items import Image

logger = logging.getLogger(__name__)

__all__ = ["modified_date", "published_date"]

DateCandidates = list[DateCandidate]  # (iso, raw, source) in order of preference

# A date the post labels as its publication, in the words pages print before it:
# "Veröffentlicht am 16.08.2019", "Erschienen am: 01.11.2023", "Publiziert am",
# "Erstellt am", "Published on 3 March 2020", "Posted: ...", "Publié le 29 juin 2019",
# "Publicado el", "Pubblicato il", "Gepubliceerd op", "Ngày đăng:", and a bare "Datum:" /
# "Date:" (the one date a post states about itself). The label opens a text of the page
# (a label line: not "Corona-Update 31.01.2022", nor "the study, published on 3 March
# 2020, ..." in a sentence); an optional weekday may stand between ("am Samstag, 3.
# Dezember 2011"). Labels of the last change ("Letzte Änderung", "Updated",
# "Stand", "Aktualisiert") are not publication dates and are not here.
_PUBLICATION_LABELS = (
    "datum", "date", "veröffentlicht", "veroffentlicht", "erschienen", "publiziert", "erstellt",
    "published", "posted", "publié", "publicado", "pubblicato", "gepubliceerd", "ngày đăng",
    "đăng ngày")
_LABELLED_DATE_RE = re.compile(
    "(?:" + "|".join(map(re.escape, _PUBLICATION_LABELS)) + ")"
    r"(?:\s+(?:am|on|le|el|il|op|at|lúc))?\s*:?\s*(?:\w+,\s*)?(" + FULL_DATE_RE.pattern + ")",
    re.I)
_NO_TEXT_TAGS = frozenset(("script", "style", "template", "noscript"))
_TEXTS_XPATH = lxml.etree.XPath(".//text()")

_DATE_VISIBLE_CLASSES = frozenset((
    "entry-date", "posted-on", "td-post-date", "jeg_meta_date", "post-date", "entry-meta-date",
    "meta-date", "date-post", "post-time", "published", "article-date", "news-date",
    "time-post", "post-meta-date", "ngay-dang", "date", "date-header", "postmetadata"))
_MODIFIED_VISIBLE_CLASSES = frozenset(("updated", "entry-date-modified", "modified",
                                       "post-modified"))
_TIME_PUBLISHED_XPATH = lxml.etree.XPath(
    ".//time[@datetime and (" + class_pred("published", "entry-date")
    + " or @itemprop='datePublished')]/@datetime")
_TIME_MODIFIED_XPATH = lxml.etree.XPath(
    ".//time[@datetime and (" + class_pred("updated") + " or @itemprop='dateModified')]"
    "/@datetime")


def _structured(*values: tuple[str, str | None]) -> DateCandidates:
    """The dates among ``(source, raw)`` values (JSON-LD, meta, ``<time datetime>``),
    normalised: ISO 8601 first, then the other machine and human forms."""
    out = []
    for source, raw in values:
        iso = (parse_iso(raw) or parse_date(raw)) if raw else None
        if iso:
            out.append((iso, raw, source))
    return out


def _visible_dates(page: Page, tokens: frozenset[str]) -> DateCandidates:
    """A date from each element of the post holding one of these classes (its
    datetime/content/title attribute, else its text)."""
    default_year = page.url_date[0] if page.url_date else None
    out = []
    for el in page.classes.find(tokens, within=page.scope):
        if not in_page_content(el):
            continue
        for raw in (el.get("datetime"), el.get("content"), el.get("title"), visible(el)):
            if not raw or len(raw) > 120:
                continue
            iso = parse_iso(raw) if raw == el.get("datetime") else parse_date(
                raw, default_year=default_year, now=page.now)
            if iso:
                out.append((iso, raw, "visible"))
                break
    return out


def _dates_between(page: Page) -> DateCandidates:
    """The post's meta line, whatever its class: a full date in the text between the
    headline and the story (the post content container, else its first long
    paragraph), else a ``<time datetime>`` there. A date before the headline is the top
    bar's; one after the story opens, a comment's or a teaser's."""
    headline, container = page.heads[0], page.container
    default_year = page.url_date[0] if page.url_date else None
    started, times = False, []
    for el in headline.getroottree().getroot().iter(lxml.etree.Element):
        if el is headline:
            started = True
            continue
        if el is container or (started and el.tag == "p" and text_longer(el, 150)):
            break
        if not started or headline in el.iterancestors():
            continue
        if el.tag == "time" and el.get("datetime") and not times and in_page_content(el):
            times = [(iso, el.get("datetime"), "visible")] \
                if (iso := parse_iso(el.get("datetime"))) else []
        for piece in (el.text, el.tail):
            if piece and FULL_DATE_RE.search(piece):
                line = clean_line(piece)
                iso = parse_date(line, default_year=default_year, now=page.now)
                if iso and len(line) <= 120:
                    return [(iso, line, "visible")]
    return times


def published_date(page: Page) -> tuple[str | None, str | None, str | None]:
    """(iso, raw, source) by :func:`crawler.extract.dates.pick_date`'s order of trust."""
    article, webpage = page.ld.article, page.ld.webpage
    times = _TIME_PUBLISHED_XPATH(page.scope)
    structured = _structured(
        ("jsonld", ld_text(article.get("datePublished"))),
        ("jsonld", ld_text(webpage.get("datePublished"))),
        ("meta", page.meta("article:published_time")),
        ("meta", page.meta("og:published_time", "datepublished", "pubdate", "publishdate",
                           "dc.date.issued", "dcterms.created", "date", "parsely-pub-date",
                           "sailthru.date", "article.published", "publish-date",
                           "dc.date", "dcterms.date", "citation_publication_date")),
        ("visible", times[0] if times else None),
        ("jsonld", ld_text(article.get("dateCreated"))))
    seen = _visible_dates(page, _DATE_VISIBLE_CLASSES)
    if not page.heads and page.scope is page.tree and len({c[0][:10] for c in seen}) > 1:
        seen = []  # no post found: dates of several days are a list's teasers
    if not seen and page.heads and (page.container is not None or not structured
                                    or len({c[0][:10] for c in structured}) > 1):
        seen = _dates_between(page)  # (without a container: to decide between days)
    if not structured and not seen:
        seen = _labelled_date(page)
    return pick_date(structured, seen, page.url_date)


def _labelled_date(page: Page) -> DateCandidates:
    """The first date the post labels as its publication ("Veröffentlicht am ...",
    "Published on ...", "Datum: ..."; :data:`_LABELLED_DATE_RE`), in the post's text
    outside widgets, sidebars, menus and comments; for pages whose metadata and meta
    line state no date (else htmldate would guess one from the whole page: on such pages
    it took a "Letzte Änderung" day printed beside "Erschienen am", or a day in the
    story). The label opens a text, as a label line does; label and date may sit in
    neighbouring elements ("<b>Datum:</b> 18.10.2021")."""
    pieces, owners, starts, size = [], [], [], 0
    for piece in _TEXTS_XPATH(page.scope):
        owner = piece.getparent()
        if piece.is_tail:
            owner = owner.getparent()
        if owner is None or owner.tag in _NO_TEXT_TAGS or not piece.strip():
            continue
        pieces.append(piece)
        owners.append(owner)
        starts.append(size)
        size += len(piece) + 1
    text = " ".join(pieces)
    for piece, start in zip(pieces, starts, strict=True):
        label = piece.lstrip()
        if not label[:16].lower().startswith(_PUBLICATION_LABELS):
            continue  # no label opens this text (inside a sentence, "Corona-Update ...")
        match = _LABELLED_DATE_RE.match(text, start + len(piece) - len(label))
        owner = owners[bisect_right(starts, match.start(1)) - 1] if match else None
        iso = parse_date(match.group(1), now=page.now) if match else None
        if iso and in_page_content(owner):
            return [(iso, " ".join(match.group(0).split()), "visible")]
    return []


def modified_date(page: Page, published: str | None) -> tuple[str | None, str | None]:
    article = page.ld.article
    times = _TIME_MODIFIED_XPATH(page.scope)
    structured = _structured(
        ("jsonld", ld_text(article.get("dateModified"))),
        ("jsonld", ld_text(page.ld.webpage.get("dateModified"))),
        ("meta", page.meta("article:modified_time")), ("meta", page.meta("og:updated_time")),
        ("meta", page.meta("datemodified", "dc.date.modified", "dcterms.modified",
                           "last-modified")),
        ("visible", times[0] if times else None))
    if structured:
        return structured[0][:2]
    seen = _visible_dates(page, _MODIFIED_VISIBLE_CLASSES)
    if seen and seen[0][0] != published:
        return seen[0][:2]
    return None, None


# --- the last resorts, for a post whose markup states no date ---------------------------

_UPLOADS_RE = re.compile(r"/wp-content/uploads/((?:19|20)\d{2})/(\d{2})/")


def htmldate_date(html: str, url: str | None, now: datetime | None = None) -> str | None:
    """htmldate's publication day (``YYYY-MM-DD``: original date, extensive search, no
    later than ``now``) of a whole page, or None: the last resort of the order of trust
    (:func:`pick_date`), for pages whose markup we read gives no date. A 1 January is
    not taken: it is what htmldate makes of a bare year in the text."""
    from htmldate import find_date  # local: the crawl's main process never needs it

    max_date = (now or datetime.now(UTC)).astimezone(VN_TZ).date() + timedelta(days=1)
    try:
        found = find_date(html, original_date=True, extensive_search=True, url=url,
                          max_date=max_date.isoformat())
    except Exception as exc:  # noqa: BLE001 - htmldate raises many types on odd input
        logger.debug("htmldate failed on %(url)s: %(exc)r", {"url": url, "exc": exc})
        return None
    if not found or found.endswith("-01-01"):
        return None  # January 1st is htmldate's reading of a bare year ("năm 2025")
    return parse_iso(found)


def year_hint(url: str, images: Sequence[Image], day_month: str,
              modified: str | None = None) -> int | None:
    """The year of a "ngày 21/9" in the lead: from a date permalink, else from the
    WordPress uploads folder (/wp-content/uploads/YYYY/MM/) of a body image uploaded in
    that month (or in January for a December date), else the latest year not after the
    modification date."""
    found = date_from_url(url)
    if found:
        return found[0]
    month = int(re.findall(r"\d+", day_month)[1])
    for image in images:
        uploads = _UPLOADS_RE.search(image.url)
        if not uploads:
            continue
        year, uploaded = int(uploads.group(1)), int(uploads.group(2))
        if uploaded == month:
            return year
        if month == 12 and uploaded == 1:
            return year - 1
    if modified:
        year, modified_month = int(modified[:4]), int(modified[5:7])
        return year if month <= modified_month else year - 1
    return None
