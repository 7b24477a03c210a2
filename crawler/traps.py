"""Crawler traps: URL patterns that never end, recognised by generic rules.

Pure (no Scrapy): the spider asks :meth:`TrapGuard.check` before it requests a page and
tells :meth:`TrapGuard.note_listing` what each listing page links to. Rules, each a stats
key (``newsarchive/traps/<reason>``) when it bites:

- ``pagination-depth``: ``/page/N/`` (or ``?paged=N``) with N above
  ``NEWSARCHIVE_MAX_PAGINATION`` (default 2000; 0: no cap);
- ``pagination-repeats``: a listing one of whose pages links to exactly what another of
  its pages links to (pagination links aside) repeats itself: an endless ``/page/N/``
  chain serving the same page. Its later pages are not followed (the pages already asked
  for are fetched);
- ``date-archive``: a date archive (``/YYYY/``, ``/YYYY/MM/``, ``/YYYY/MM/DD/``,
  ``?m=YYYYMM``) for a year before ``NEWSARCHIVE_MIN_YEAR`` (default 1995) or after next
  year, or more than ``NEWSARCHIVE_YEAR_SLACK`` years (default 1) outside the years of
  the posts seen so far (sitemap / feed dates and permalink dates): a calendar widget
  linking every year from 1523 to 2524;
- ``repeated-segments``: a run of 1 to 3 path segments repeated more than
  ``NEWSARCHIVE_MAX_SEGMENT_REPEATS`` times in a row (default 2: ``/a/b/a/b/a/b/``), the
  signature of relative links resolved against themselves (Heritrix's
  PathologicalPathDecideRule); ``too-deep``: more than ``NEWSARCHIVE_MAX_PATH_SEGMENTS``
  segments (default 16).

None of the rules reads page content beyond links, and none is tuned to a site.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from crawler.extract.dates import url_date

__all__ = ["TrapGuard", "date_archive_year", "paged", "repeated_segments"]

_PAGED_PATH = re.compile(r"^(.*/)page/(\d{1,12})/?$")
_DATE_PATH = re.compile(r"^(?:.*/)?(\d{4})/(?:(\d{2})/(?:(\d{2})/)?)?$")


def paged(url: str) -> tuple[str, int] | None:
    """``(listing, N)`` for page N of a listing (``/x/page/N/``, ``/x/?paged=N``)."""
    parts = urlsplit(url)
    m = _PAGED_PATH.match(parts.path)
    if m:
        return f"{parts.netloc}{m.group(1)}", int(m.group(2))
    if "paged=" in parts.query:
        value = parse_qs(parts.query).get("paged", [""])[0]
        if value.isdigit() and len(value) <= 12:
            return f"{parts.netloc}{parts.path}", int(value)
    return None


def listing_page(url: str) -> tuple[str, int]:
    """``(listing, N)`` of a listing page: N is 1 for its first page."""
    where = paged(url)
    if where is not None:
        return where
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}", 1


def same_listing(page_url: str, url: str) -> bool:
    """*url* is page N >= 2 of the listing *page_url* belongs to (its pagination)."""
    where = paged(url)
    return where is not None and where[0] == listing_page(page_url)[0]


def is_next_page(page_url: str, url: str) -> bool:
    """*url* is the page after *page_url* in the same listing."""
    where, here = paged(url), listing_page(page_url)
    return where is not None and where == (here[0], here[1] + 1)


def date_archive_year(url: str) -> int | None:
    """The year of a date archive URL (its pagination included), else None."""
    parts = urlsplit(url)
    path = _PAGED_PATH.sub(r"\1", parts.path)
    m = _DATE_PATH.match(path)
    if m and (m.group(2) is None or "01" <= m.group(2) <= "12"):
        return int(m.group(1))
    if "m=" in parts.query:
        value = parse_qs(parts.query).get("m", [""])[0]
        if value.isdigit() and len(value) in (4, 6, 8):
            return int(value[:4])
    return None


def repeated_segments(path: str, max_repeats: int) -> bool:
    """True when a run of 1-3 segments occurs more than *max_repeats* times in a row."""
    segs = [s for s in path.split("/") if s]
    for width in (1, 2, 3):
        for start in range(len(segs) - width * (max_repeats + 1) + 1):
            run = segs[start:start + width]
            if all(segs[start + k * width:start + (k + 1) * width] == run
                   for k in range(1, max_repeats + 1)):
                return True
    return False


class TrapGuard:
    """The trap rules of one crawl and what they have learnt (post years, listings)."""

    def __init__(self, *, max_pagination: int = 2000, min_year: int = 1995,
                 year_slack: int = 1, max_repeats: int = 2, max_segments: int = 16,
                 now: datetime | None = None) -> None:
        self.max_pagination = max_pagination
        self.min_year = min_year
        self.max_year = (now or datetime.now(UTC)).year + 1
        self.year_slack = year_slack
        self.max_repeats = max_repeats
        self.max_segments = max_segments
        self.post_years: tuple[int, int] | None = None
        self._signatures: dict[str, set[bytes]] = {}
        self._repeating: set[str] = set()

    def note_year(self, year: int) -> None:
        """A post of this year exists (sitemap / feed date, permalink date)."""
        if not self.min_year <= year <= self.max_year:
            return
        low, high = self.post_years or (year, year)
        self.post_years = (min(low, year), max(high, year))

    def note_date(self, url: str, date: str | None = None) -> None:
        """Years from a listed URL's date (``2024-05-01...``) or its permalink date."""
        if date and date[:4].isdigit() and (len(date) == 4 or date[4:5] == "-"):
            self.note_year(int(date[:4]))
        path = urlsplit(url).path
        found = None if _DATE_PATH.match(path) else url_date(url)  # a post's permalink
        if found:                                                   # date, never an archive's
            self.note_year(int(found[:4]))

    def note_listing(self, url: str, links: Iterable[str]) -> None:
        """A listing page and its links (absolute, without fragments): the listing repeats
        when two of its pages link to the same things, their pagination aside."""
        listing = listing_page(url)[0]
        content = set()
        for link in links:
            try:
                if paged(link) is not None:
                    continue  # its pagination
                parts = urlsplit(link)
            except ValueError:  # e.g. 'http://[': skipped like any unusable link
                continue
            if f"{parts.netloc}{parts.path}" != listing:
                content.add(link)  # page 1 included
        sig = hashlib.blake2b("\n".join(sorted(content)).encode(), digest_size=12).digest()
        seen = self._signatures.setdefault(listing, set())
        if sig in seen:
            self._repeating.add(listing)
        seen.add(sig)

    def check(self, url: str) -> str | None:
        """The trap *url* falls in (a stats reason), or None to fetch it."""
        path = urlsplit(url).path
        if path.count("/") > self.max_segments + 1:
            return "too-deep"
        if repeated_segments(path, self.max_repeats):
            return "repeated-segments"
        where = paged(url)
        if where is not None:
            if self.max_pagination and where[1] > self.max_pagination:
                return "pagination-depth"
            if where[0] in self._repeating:
                return "pagination-repeats"
        year = date_archive_year(url)
        if year is not None and not self._year_ok(year):
            return "date-archive"
        return None

    def _year_ok(self, year: int) -> bool:
        if not self.min_year <= year <= self.max_year:
            return False
        if self.post_years is None:
            return True
        low, high = self.post_years
        return low - self.year_slack <= year <= high + self.year_slack
