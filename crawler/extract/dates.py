"""Date parsing for news pages: ISO/structured values and Vietnamese visible dates.

Pure functions (no trafilatura, no Scrapy). Output format, as fixed in
``crawler/items.py``: ISO 8601 with the UTC offset the page gave
(``2017-09-21T16:30:00+07:00``), Asia/Ho_Chi_Minh (+07:00) when the page gives a time
but no zone, or a bare ``YYYY-MM-DD`` when the page gives a day but no time.

Forms understood (case-insensitive, NFC input): ISO 8601 (``2017-09-21T16:30:00Z``,
``2017-09-21 16:30``), ``Thứ Năm, 21/09/2017 - 16:30``, ``21/09/2017 16:30``,
``16:30 21/09/2017``, ``21-09-2017``, ``21.09.2017``, ``ngày 21 tháng 9 năm 2017``,
``21 Tháng Chín, 2017`` (WordPress' Vietnamese month names), ``Tháng Chín 21, 2017``,
English month names, ``16h30`` / ``16 giờ 30`` / ``4:30 PM`` / ``3:30 chiều`` times,
day-month without a year (``Chiều ngày 21/9``) when a default year is supplied, and
relative ages (``2 giờ trước``, ``3 days ago``) when the fetch time is known; also the
machine forms pages print in metadata: compact ISO (``20201123T11:02:35Z``), RFC 2822
(``Fri, 28 Apr 2023 19:20:36 +0200``) and C ``ctime`` with a zone name
(``Fri Apr 28 19:20:36 CEST 2023``); numeric offsets after a time (``+0200``) and
unambiguous zone names (``CEST``, ``EDT``...) set the offset.

Also owns THE time-zone default (:data:`VN_TZ`, +07:00: the export and the fixture
generator import it from here), THE date-permalink regex (:func:`date_from_url` for
extraction, :func:`url_date` for the crawl's ``--since`` filter), and the choice of a
post's publication date among candidates (:func:`pick_date`; the readers of a page's
dates, htmldate last, are in :mod:`crawler.extract.postdates`).

No settings are read.

Hand-written rather than dateutil/htmldate: dateutil's fuzzy parser guesses month/day
order (US-first) and knows no Vietnamese, and htmldate searches a whole page, while we
need to parse one string seen in a known place and keep the day-first convention.
htmldate is the last resort after :func:`pick_date`'s order of trust, for pages whose
markup we read gives no date at all (``crawler.extract.postdates.htmldate_date``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urlsplit

__all__ = [
    "BODY_DATE_RE", "FULL_DATE_RE", "VN_TZ", "DateCandidate", "date_from_url", "is_date_line",
    "parse_date", "parse_iso", "pick_date", "to_datetime", "url_date",
]

#: The one default time zone: Asia/Ho_Chi_Minh (no daylight saving time).
VN_TZ = timezone(timedelta(hours=7))

_VN_MONTH_WORDS = {
    # WordPress vi locale: "Tháng Một" ... "Tháng Mười Hai" (longest first in the regex)
    "một": 1, "giêng": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
    "bảy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12,
}
_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

# Month names of the other languages news pages print day-first ("13. Januar 2014",
# "5 de marzo de 2020", "12 mars 2020"): German, French, Spanish, Italian, Portuguese,
# Dutch, with their usual abbreviations (without the dot). English names are in
# _EN_MONTHS (also read month-first); a name meaning the same month in two languages is
# listed once.
_OTHER_MONTHS = {
    # de
    "januar": 1, "jänner": 1, "februar": 2, "feber": 2, "märz": 3, "mär": 3, "mai": 5,
    "juni": 6, "juli": 7, "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
    # fr
    "janvier": 1, "janv": 1, "février": 2, "févr": 2, "fevrier": 2, "mars": 3, "avril": 4,
    "avr": 4, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "octobre": 10, "novembre": 11, "décembre": 12, "déc": 12, "decembre": 12,
    # es
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11,
    "diciembre": 12,
    # it
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
    # pt
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7,
    "setembro": 9, "outubro": 10, "dezembro": 12,
    # nl
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}
_DAY_FIRST_MONTHS = {**_EN_MONTHS, **_OTHER_MONTHS}
_DAY_FIRST_ALT = "|".join(sorted(_DAY_FIRST_MONTHS, key=len, reverse=True))

_ISO_RE = re.compile(
    r"(?<!\d)(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?(?!\d)",
    re.I,
)
# 21/09/2017, 21-9-2017, 21.09.2017 (day first, as in Vietnam and most of the world)
_DMY_RE = re.compile(r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d/])")
# 2017/09/21
_YMD_SLASH_RE = re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)")
# ngày 21 tháng 9 năm 2017 / 21 tháng 9, 2017 / 21 Tháng Chín, 2017
_VN_MONTH_ALT = "|".join(sorted(map(re.escape, _VN_MONTH_WORDS), key=len, reverse=True))
_VN_WORDY_RE = re.compile(
    r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2}|" + _VN_MONTH_ALT + r")\b\s*(?:,|năm)?\s*(\d{4})?",
    re.I,
)
# Tháng Chín 21, 2017 / tháng 9 21, 2017 (WordPress "F j, Y" in the vi locale)
_VN_MONTH_FIRST_RE = re.compile(
    r"\btháng\s+(\d{1,2}|" + _VN_MONTH_ALT + r")\s+(\d{1,2})\s*,\s*(\d{4})", re.I)
_EN_MDY_RE = re.compile(
    r"\b(" + "|".join(sorted(_EN_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})"
    r"(?:st|nd|rd|th)?,?\s+(\d{4})\b", re.I)
# 21 September 2017, 13. Januar 2014, 5 de marzo de 2020, 1er avril 2020
_EN_DMY_RE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?(" + _DAY_FIRST_ALT
    + r")\.?,?\s+(?:de\s+)?(\d{4})\b", re.I)
# day/month without a year: "ngày 21/9", "21/9" (only used with a default year)
_DM_RE = re.compile(r"(?<![\d/.-])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
_TIME_RE = re.compile(
    r"(?<![\d:])(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})(?:\s*(?::|phút)\s*(\d{2}))?(?:\s*phút)?"
    r"(?:\s*(am|pm|sáng|chiều|tối|trưa|SA|CH)\b)?(?![\d])", re.I)
_ZONE_RE = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)
# "19:20:36 +0200", "19:20 -05:00" (RFC 2822 and friends: an offset right after a time)
_TIME_OFFSET_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*([+-])(\d{2}):?(\d{2})(?!\d)")
# zone names with one meaning (CST, IST, BST... name several zones: left out)
_ZONE_NAMES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "MEZ": 1,
    "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "ICT": 7,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}
_ZONE_NAME_RE = re.compile(r"(?<![\w-])(" + "|".join(
    sorted((z for z in _ZONE_NAMES if len(z) > 1), key=len, reverse=True)) + r")(?![\w-])")
# C ctime / Java Date.toString(): "Fri Apr 28 19:20:36 CEST 2023" (time between day and year)
_CTIME_RE = re.compile(
    r"\b(" + "|".join(sorted(_EN_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})\s+"
    r"(\d{1,2}:\d{2}(?::\d{2})?)(?:\s+[A-Z]{2,5}(?:[+-]\d{1,4})?)?\s+(\d{4})\b", re.I)
# compact ISO 8601 (basic format): 20201123T11:02:35Z, 20201123T110235+0100
_COMPACT_ISO_RE = re.compile(
    r"(?<!\d)(\d{4})(\d{2})(\d{2})T(\d{2}):?(\d{2})(?::?(\d{2}))?(?:[.,]\d+)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?(?![\d:])", re.I)
_RELATIVE_RE = re.compile(
    r"(\d+)\s*(phút|giờ|tiếng|ngày|tuần|minutes?|mins?|hours?|days?|weeks?)\s*(?:trước|ago)",
    re.I)

_RELATIVE_UNITS = {
    "phút": "minutes", "minute": "minutes", "minutes": "minutes", "min": "minutes",
    "mins": "minutes", "giờ": "hours", "tiếng": "hours", "hour": "hours", "hours": "hours",
    "ngày": "days", "day": "days", "days": "days", "tuần": "weeks", "week": "weeks",
    "weeks": "weeks",
}

# THE date-permalink pattern (/2017/09/21/slug/, /2017/09/slug/), for extraction and for
# crawler.pages alike. Month and day may lack their leading zero (/2017/9/21/): WordPress
# always pads them, other sites do not, and extraction has always read both. (Until the
# extractor became a package, crawler.pages had a copy requiring the zero, so
# ``url_date`` ignored /2017/9/21/ and read /2017/09/3/ as 2017-09-01; no test of
# either module depended on that, and both suites pass with this pattern.)
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/(?:(0?[1-9]|[12]\d|3[01])/)?")
_URL_COMPACT_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return 1990 <= year <= 2100


def _month_value(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        value = int(token)
        return value if 1 <= value <= 12 else None
    return _VN_MONTH_WORDS.get(token) or _DAY_FIRST_MONTHS.get(token.rstrip("."))


def _format(day: date, clock: tuple[int, int, int] | None, tz: timezone | None) -> str:
    if clock is None:
        return day.isoformat()
    hour, minute, second = clock
    value = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz or VN_TZ)
    return value.isoformat()


def _parse_zone(text: str) -> timezone | None:
    if not text:
        return None
    if text.upper() == "Z":
        return UTC
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _find_time(text: str) -> tuple[int, int, int] | None:
    for match in _TIME_RE.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2))
        second = int(match.group(3) or 0)
        marker = (match.group(4) or "").lower()
        if marker in ("pm", "chiều", "tối", "ch") and hour < 12:
            hour += 12
        elif marker in ("am", "sáng", "sa") and hour == 12:
            hour = 0
        elif marker == "trưa" and hour < 11:
            hour += 12
        if hour < 24 and minute < 60 and second < 60:
            return hour, minute, second
    return None


def _find_zone(text: str) -> timezone | None:
    """The UTC offset a date string states: "GMT+7", "+0200" after a time, "CEST"."""
    match = _ZONE_RE.search(text) or _TIME_OFFSET_RE.search(text)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        hours, minutes = int(match.group(2)), int(match.group(3) or 0)
        if hours <= 14 and minutes < 60:
            return timezone(sign * timedelta(hours=hours, minutes=minutes))
        return None
    named = _ZONE_NAME_RE.search(text)
    return timezone(timedelta(hours=_ZONE_NAMES[named.group(1)])) if named else None


def parse_iso(value: str) -> str | None:
    """Normalise an ISO 8601 value (JSON-LD, meta, ``<time datetime>``; the compact form
    ``20201123T11:02:35Z`` too); None if not one."""
    match = _ISO_RE.search(value.strip()) or _COMPACT_ISO_RE.search(value.strip())
    if not match:
        return None
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    if not _valid(year, month, day):
        return None
    if match.group(4) is None:
        return date(year, month, day).isoformat()
    hour, minute, second = int(match.group(4)), int(match.group(5)), int(match.group(6) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return date(year, month, day).isoformat()
    zone = _parse_zone(match.group(7) or "")
    return _format(date(year, month, day), (hour, minute, second), zone)


def parse_date(raw: str, *, default_year: int | None = None,
               now: datetime | None = None) -> str | None:
    """Parse a date as seen on a page into the schema's ISO form, or None.

    ``default_year`` completes a day-month without a year ("Chiều ngày 21/9");
    ``now`` (the fetch time) resolves relative ages ("2 giờ trước").
    """
    text = " ".join(raw.split())
    if not text:
        return None
    iso = parse_iso(text) if _ISO_RE.search(text) else None
    if iso:
        return iso
    if _COMPACT_ISO_RE.search(text):
        return parse_iso(text)
    day: date | None = None
    rest = text
    ctime = _CTIME_RE.search(text)
    if ctime:  # "Apr 28 19:20:36 CEST 2023": the year after the time
        text = text[:ctime.start()] + f"{ctime.group(1)} {ctime.group(2)}, {ctime.group(4)} " \
            + ctime.group(3) + text[ctime.end():] + " " + ctime.group(0)
    for regex, order in ((_DMY_RE, "dmy"), (_YMD_SLASH_RE, "ymd"), (_VN_WORDY_RE, "dmy"),
                         (_VN_MONTH_FIRST_RE, "mdy"), (_EN_MDY_RE, "mdy"), (_EN_DMY_RE, "dmy")):
        match = regex.search(text)
        if not match:
            continue
        groups = match.groups()
        if order == "dmy":
            d, m, y = groups
        elif order == "ymd":
            y, m, d = groups
        else:
            m, d, y = groups
        month = _month_value(m)
        year = int(y) if y else default_year
        if month is None or year is None or not _valid(year, month, int(d)):
            continue
        day = date(year, month, int(d))
        rest = text[:match.start()] + " " + text[match.end():]
        break
    if day is None and default_year is not None:
        match = _DM_RE.search(text)
        if match and _valid(default_year, int(match.group(2)), int(match.group(1))):
            day = date(default_year, int(match.group(2)), int(match.group(1)))
            rest = text[:match.start()] + " " + text[match.end():]
    if day is None:
        match = _RELATIVE_RE.search(text)
        if match and now is not None:
            unit = _RELATIVE_UNITS[match.group(2).lower()]
            moment = now.astimezone(VN_TZ) - timedelta(**{unit: int(match.group(1))})
            if unit in ("minutes", "hours"):
                return moment.replace(microsecond=0).isoformat()
            return moment.date().isoformat()
        return None
    return _format(day, _find_time(rest), _find_zone(rest))


def _permalink_date(path: str) -> tuple[int, int, int | None] | None:
    match = _URL_DATE_RE.search(path)
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), (
        int(match.group(3)) if match.group(3) else None)


def date_from_url(url: str) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) from a WordPress date permalink (or a compact
    ``slug-20170921.html`` date), or None."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    found = _permalink_date(path)
    if found:
        return found
    match = _URL_COMPACT_RE.search(path)
    if match and _valid(int(match.group(1)), int(match.group(2)), int(match.group(3))):
        return int(match.group(1)), int(match.group(2)), int(match.group(3))
    return None


def url_date(url: str) -> str | None:
    """'YYYY-MM-DD' (day 01 when absent) from a date permalink (/2017/09/21/slug/) in the
    URL's path, or None; compact dates in slugs are not read (crawler.pages' rule)."""
    found = _permalink_date(urlsplit(url).path)
    if not found:
        return None
    year, month, day = found
    return f"{year:04d}-{month:02d}-{day or 1:02d}"


def to_datetime(value: str) -> datetime | None:
    """Schema date string back to an aware datetime (a bare day is 00:00 +07:00)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    return parsed


# --- picking a post's date ----------------------------------------------------------------

#: "ngày 21/9" / "hôm 21/9/2017" in the first lines of a story
BODY_DATE_RE = re.compile(r"(?:ngày|hôm)\s+\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?", re.I)
#: a full date (day, month and year) somewhere in a line of text
FULL_DATE_RE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{4}-\d{2}-\d{2}"
                          r"|\d{1,2}\s+tháng\s+\S+\s*,?\s*(?:năm\s+)?\d{4}|"
                          + _EN_DMY_RE.pattern + "|" + _EN_MDY_RE.pattern, re.I)

# The words a line holding nothing but a date may carry besides it: month and weekday
# names, times of day, zones, and the labels printed before a date ("Stand:", "Updated",
# "Cập nhật lúc"); in the languages of the month tables above.
_DATE_LINE_WORDS = frozenset([
    *_DAY_FIRST_MONTHS, *_VN_MONTH_WORDS, *(z.casefold() for z in _ZONE_NAMES),
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun", "montag", "dienstag", "mittwoch",
    "donnerstag", "freitag", "samstag", "sonntag", "thứ", "chủ", "nhật", "tháng", "năm",
    "giờ", "phút", "lúc", "sáng", "chiều", "tối", "trưa", "sa", "ch", "am", "pm", "uhr",
    "h", "stand", "updated", "update", "published", "posted", "aktualisiert",
    "veröffentlicht", "publicerad", "uppdaterad", "publié", "cập", "đăng", "um", "at",
    "on", "le", "à", "de", "del", "el",
])
_WORD_RE = re.compile(r"[^\W\d_]+")


def is_date_line(line: str) -> bool:
    """A line holding a date and nothing else but a time, a zone, month and weekday
    names and a label ("Stand: 22.04.2024, 06:00 Uhr", "Thứ Năm, 21/09/2017 - 16:30",
    "30. Januar 2024"): a page's date printed between paragraphs, not story text. A
    "ngày 21/9/2025" (:data:`BODY_DATE_RE`) is not one: it dates a post from its lead."""
    if len(line) > 80 or not any(c.isdigit() for c in line) or BODY_DATE_RE.search(line):
        return False
    if not all(word in _DATE_LINE_WORDS for word in _WORD_RE.findall(line.casefold())):
        return False
    return parse_date(line) is not None


#: (iso, raw as seen, source): a publication date candidate; the sources, in the order of
#: trust :func:`pick_date` and ``crawler.extract.page`` apply, are ``jsonld``, ``meta``,
#: ``visible``, ``url``, ``text`` (a "ngày 21/9" in the lead) and ``htmldate``
DateCandidate = tuple[str, str, str]


def pick_date(structured: Sequence[DateCandidate], visible: Sequence[DateCandidate],
              url_date: tuple[int, int, int | None] | None,
              ) -> tuple[str | None, str | None, str | None]:
    """(iso, raw, source) of a post's publication date, or Nones.

    Order of trust, when sources disagree: the structured candidates as given (the
    publisher's statements tied to the post: JSON-LD article ``datePublished``, a Yoast
    ``WebPage``'s ``datePublished``, ``article:published_time`` and other meta, a
    ``<time datetime>`` in the post, JSON-LD ``dateCreated``), then dates printed in the
    post's markup, then the day of a date permalink (``/2025/04/01/slug/``). Exceptions:
    a structured date on another day than the permalink's loses to a visible date on that
    day, else to the permalink's day itself (the permalink is the post's local day; the
    structured value is often UTC or the modification time); structured candidates that
    disagree on the day (no permalink day confirming the first) are decided by the
    first date the post prints (a visible date, else a ``<time datetime>`` among them)
    on one of their days; and
    a UTC value is given in the page's own offset when another candidate states the same
    instant in it.
    The caller then tries a "ngày 21/9" in the lead and, last, htmldate
    (``crawler.extract.postdates``).
    """

    def agrees(iso: str) -> bool:
        if url_date is None:
            return True
        y, m, d = url_date
        value = iso[:10].split("-")
        return (int(value[0]), int(value[1])) == (y, m) and (d is None or int(value[2]) == d)

    url_day = None
    if url_date is not None and url_date[2] is not None:
        day = date(url_date[0], url_date[1], url_date[2]).isoformat()
        url_day = (day, day, "url")
    if structured and not (url_day and agrees(structured[0][0])):  # (a permalink's day
        printed = [*visible, *(c for c in structured if c[2] == "visible")]  # confirms it)
        structured = _printed_first(structured, printed)
    if structured:
        if agrees(structured[0][0]):
            return _local_offset(structured[0], [*structured[1:], *visible])
        chosen = next((c for c in visible if agrees(c[0])), url_day)
        return chosen or _local_offset(structured[0], [*structured[1:], *visible])
    if visible:
        return visible[0]
    return url_day or (None, None, None)


def _printed_first(structured: Sequence[DateCandidate], visible: Sequence[DateCandidate]
                   ) -> Sequence[DateCandidate]:
    """``structured`` with the candidate on the day the post prints moved first, when
    the structured candidates name more than one day (a JSON-LD ``datePublished`` and an
    ``article:published_time`` a few days apart: the printed day says which one the
    publisher shows)."""
    if len({c[0][:10] for c in structured}) < 2:
        return structured
    for printed in visible:
        for index, candidate in enumerate(structured):
            if candidate[0][:10] == printed[0][:10]:
                if index == 0 or not _other_day(structured[0], candidate):
                    return structured
                return [candidate, *structured[:index], *structured[index + 1:]]
    return structured


def _other_day(first: DateCandidate, second: DateCandidate) -> bool:
    """The two candidates name different days for certain: bare days that differ, or
    times a day or more apart, or on different days in the same offset (not the same
    moment written in two zones: "...T03:28Z" and a zone-less "...T22:28", the page's
    local time taken as +07:00)."""
    one, two = to_datetime(first[0]), to_datetime(second[0])
    if len(first[0]) <= 10 or len(second[0]) <= 10 or one is None or two is None:
        return first[0][:10] != second[0][:10]
    return abs((one - two).total_seconds()) >= 86400 or (
        one.utcoffset() == two.utcoffset() and first[0][:10] != second[0][:10])


def _local_offset(best: DateCandidate, others: Sequence[DateCandidate]) -> DateCandidate:
    """``best`` in the offset another candidate gives the same instant in, when ``best``
    is UTC (``...Z`` in JSON-LD, the page's local time in its meta)."""
    if not best[0].endswith("+00:00"):
        return best
    moment = to_datetime(best[0])
    for other in others:
        if len(other[0]) <= 10 or other[0].endswith("+00:00"):
            continue
        there = to_datetime(other[0])
        if moment and there and abs((there - moment).total_seconds()) < 60:
            return moment.astimezone(there.tzinfo).isoformat(), best[1], best[2]
    return best
