"""Text normalisation for article records: NFC, whitespace, prefixes, bylines, titles.

Owns every string-level rule of the extractor (comparison keys included: :func:`fold`).
Pure functions (no lxml, no trafilatura, no Scrapy); no settings are read.

Decisions (see ``crawler/items.py``): paragraphs are joined by a single ``\\n``; a source
prefix opening the body ("(kontumtv.vn) –", "KTO –") and an end-of-article signature
line ("Thanh Tùng – Công Luận") are cut out of the text and kept in fields of their own.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "WORD_RE", "clean_author", "clean_line", "clean_text", "fold", "is_vietnamese",
    "names_the_authors", "nfc",
    "parse_byline", "pick_headline", "split_byline", "split_source_prefix", "strip_site_suffix",
    "word_count",
]

WORD_RE = re.compile(r"\w+")
_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

# "(kontumtv.vn) –", "(Baokontum.com.vn) -", "(PLVN) -", "(Dân trí) –"
_PAREN_PREFIX_RE = re.compile(r"^\(\s*([^()\n]{2,40}?)\s*\)\s*[-–—]+\s*")
# "KTO –", "TTXVN -", "VOV.VN –", "KTO- " (acronym: upper-case letters, digits, dots)
_ACRONYM_PREFIX_RE = re.compile(r"^([A-ZĐ][A-ZĐ0-9.]{1,14})\s*[-–—]+\s*(?=\S)")
# "Kontumtv.vn –", "Baokontum.com.vn -" (a bare domain)
_DOMAIN_PREFIX_RE = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:vn|com|net|org|info))"
    r"\s*[-–—]+\s*(?=\S)", re.I)
# "KTO:" is a common variant too
_ACRONYM_COLON_PREFIX_RE = re.compile(r"^([A-ZĐ][A-ZĐ0-9.]{1,14})\s*:\s+(?=\S)")

# byline lead-ins: "Tin, ảnh: X", "Bài và ảnh: X", "Nhóm PV:"
_BYLINE_LEAD_RE = re.compile(
    r"^(?:(?:tin|bài|ảnh|video|clip|thực hiện|nhóm pv)(?:\s*(?:,|và|-|–|/|&)\s*"
    r"(?:tin|bài|ảnh|video|clip))*\s*:\s*)", re.I)
_AUTHOR_PREFIX_RE = re.compile(
    r"^\s*(?:đăng bởi|viết bởi|người viết|người đăng|tác giả|bởi|posted by|written by|"
    r"author|by|phóng viên|pv)\s*[:\-–]?\s+", re.I)
_NAME_SPLIT_RE = re.compile(r"\s+[-–—]\s+|\s*[,;/&]\s*|\s+và\s+|\s+and\s+", re.I)
_TRAILING_PAREN_RE = re.compile(r"\s*\(([^()]{1,30})\)\s*$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """NFC, odd spaces to one space, stripped."""
    return _SPACE_RE.sub(" ", nfc(text)).strip()


def clean_text(text: str) -> str:
    """Each line cleaned, empty lines dropped, joined by a single newline."""
    lines = (clean_line(line) for line in nfc(text).splitlines())
    return "\n".join(line for line in lines if line)


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text))


def is_vietnamese(text: str) -> bool:
    """Cheap test: enough letters only Vietnamese uses (ă â đ ê ô ơ ư and tone marks)."""
    sample = nfc(text[:3000]).lower()
    letters = sum(map(str.isalpha, sample))  # map: the loops run in C
    if letters < 20:
        return False
    marked = sum(map(_VI_LETTERS.__contains__, sample))
    return marked / letters > 0.06


_VI_LETTERS = set(
    "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


def split_source_prefix(text: str, *, vietnamese: bool) -> tuple[str | None, str]:
    """(prefix as seen, text without it) for a source prefix opening the text.

    Only on Vietnamese pages: elsewhere "(Leipzig) -" or "LONDON —" is a dateline that
    belongs to the story.
    """
    match = _PAREN_PREFIX_RE.match(text) if vietnamese else None
    if match and not any(ch.isdigit() for ch in match.group(1).replace(".vn", "")):
        inner = match.group(1)
        # a source, not a parenthetical remark: short, no sentence inside
        if len(inner.split()) <= 5:
            return match.group(0).rstrip(), text[match.end():]
    if vietnamese:
        for regex in (_DOMAIN_PREFIX_RE, _ACRONYM_PREFIX_RE, _ACRONYM_COLON_PREFIX_RE):
            match = regex.match(text)
            if match and sum(ch.isalpha() for ch in match.group(1)) >= 2:
                return match.group(0).rstrip(), text[match.end():]
    return None, text


def _is_name(segment: str) -> bool:
    words = segment.split()
    if not 1 <= len(words) <= 5:
        return False
    for word in words:
        if not word[0].isupper() or any(ch.isdigit() for ch in word):
            return False
        if not all(ch.isalpha() or ch in ".'-" for ch in word):
            return False
    return True


def parse_byline(line: str) -> list[str] | None:
    """Author names if ``line`` looks like an end-of-article signature, else None.

    Accepted: capitalised names (1-5 words each) separated by dashes, commas, '/',
    'và'; an optional lead-in ("Tin, ảnh:") and an optional trailing source in
    parentheses ("Minh Hương (TTXVN)").
    """
    text = clean_line(line)
    if not text or len(text) > 80 or text[-1] in ".!?:;…\"”":
        return None
    text = _BYLINE_LEAD_RE.sub("", text)
    text = _TRAILING_PAREN_RE.sub("", text)
    if not text:
        return None
    segments = [seg.strip() for seg in _NAME_SPLIT_RE.split(text) if seg.strip()]
    if not 1 <= len(segments) <= 4 or sum(len(s.split()) for s in segments) > 10:
        return None
    if not all(_is_name(seg) for seg in segments):
        return None
    return segments


def split_byline(text: str) -> tuple[str | None, list[str], str]:
    """(byline as seen, names, text without it) when the last paragraph is a signature."""
    head, _, last = text.rpartition("\n")
    if not head:
        return None, [], text
    names = parse_byline(last)
    if names is None:
        return None, [], text
    return clean_line(last), names, head


# "A und B", "A og B", "A och B" (split only when every part is capitalised)
_CONJUNCTION_SPLIT_RE = re.compile(r"\s+(?:und|og|och)\s+")
# what follows a name in visible author markup: profile links, a date, a time
_AUTHOR_TAIL_RE = re.compile(
    r"\s*(?:\b(?:Twitter|Facebook|Instagram|LinkedIn|Threads|Bluesky|Mastodon|E-?Mail|"
    r"Follow|Folgen)\b|\d{1,2}[:./]\d{2}|\b(?:Today|Yesterday|Hôm nay)\b).*$", re.I)
# "Elena Oberholzer (obe)": a trailing short-hand in parentheses
_AUTHOR_INITIALS_RE = re.compile(r"\s*\(\s*[a-zäöüß.]{1,6}\s*\)$")
_EMAIL_RE = re.compile(r"\S+@\S+\.\w+")


def _is_name_like(part: str) -> bool:
    """Not an e-mail address, a URL or a numeric id; has a letter."""
    return (not _EMAIL_RE.search(part) and not part.startswith(("http://", "https://", "www."))
            and any(ch.isalpha() for ch in part))


def clean_author(raw: str) -> list[str]:
    """Names from an author string: the first line only, without what follows the name
    in visible markup (profile links, a date), prefixes ('Bởi', 'Tác giả:', 'By') and
    trailing initials removed, split at separators and conjunctions ('và', 'and', 'und',
    'og', 'och'); e-mail addresses, URLs and numeric ids are not names."""
    text = clean_line(nfc(raw).strip().split("\n", 1)[0])
    text = _AUTHOR_PREFIX_RE.sub("", text)
    text = _BYLINE_LEAD_RE.sub("", text)
    text = _AUTHOR_TAIL_RE.sub("", text) or text
    if not text or text.startswith(("http://", "https://")):
        return []
    names = []
    for part in _NAME_SPLIT_RE.split(text):
        part = _AUTHOR_PREFIX_RE.sub("", part.strip()).strip(" .:-–")
        pieces = [p.strip() for p in _CONJUNCTION_SPLIT_RE.split(part)]
        if len(pieces) > 1 and not all(p[:1].isupper() for p in pieces):
            pieces = [part]
        for piece in pieces:
            piece = _AUTHOR_INITIALS_RE.sub("", piece).strip(" .:-–")
            if piece and piece not in names and len(piece) <= 60 and _is_name_like(piece):
                names.append(piece)
    return names


# "Von", "By", "Par", ... opening a byline printed in a story's text
_BY_WORD_RE = re.compile(r"\s*(?:von|by|par|por|di|door|av|af|od|bởi)\s+", re.I)


def names_the_authors(line: str, authors: list[str]) -> bool:
    """The line is a byline naming the article's authors ("Von Nina Magoley", "By A and
    B", "Par Les Echos", "Von Anna Sleegers, Frankfurt"): a by-word, then one of the
    authors first, in a line of at most 12 words."""
    match = _BY_WORD_RE.match(line)
    if not authors or not match or len(line.split()) > 12:
        return False
    names = clean_author(line[match.end():])
    return bool(names) and fold(names[0]) in {fold(author) for author in authors}


_TITLE_SEPARATORS = (" | ", " – ", " — ", " - ", " :: ", " » ", " · ", "：", "｜")
# a title part that is only a day ("News title | DW | 28.04.2023")
_DATE_PART_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")


def fold(text: str) -> str:
    """A comparison key: NFC, case-folded, everything but letters and digits removed."""
    return re.sub(r"\W+", "", nfc(text).casefold())


def strip_site_suffix(title: str, site_names: list[str], *,
                      headline: str | None = None) -> tuple[str, str | None]:
    """(title without the site-name suffix/prefix, the site name removed or None).

    A part is removed only when it names the site (one of ``site_names``, e.g.
    og:site_name or the host) or when the other part equals the visible headline.
    """
    title = clean_line(title)
    wanted = {fold(name) for name in site_names if name and fold(name)}
    for sep in _TITLE_SEPARATORS:  # a day after the site name goes with it
        head, _, tail = title.rpartition(sep)
        if head and _DATE_PART_RE.match(tail.strip()):
            site_head, _, site = head.rpartition(sep)
            if site_head and fold(site) in wanted:
                return site_head.strip(), site.strip()
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        if head and fold(tail) in wanted:
            return head.strip(), tail.strip()
        first, _, rest = title.partition(sep)
        if rest and fold(first) in wanted:
            return rest.strip(), first.strip()
        if headline and head and fold(head) == fold(headline) and len(tail.split()) <= 6:
            return head.strip(), tail.strip()
    return title, None


# "Kicker: Headline": a topic line some sites put before the headline proper
_KICKER_RE = re.compile(r"^(.{2,80}?):\s+(\S.*)$")


def pick_headline(structured: str, social: str, visible: str | None,
                  site_names: list[str]) -> str:
    """Which of two differing headlines a post's title is: ``structured`` (JSON-LD
    ``headline``) or ``social`` (og:title / twitter:title). The one the ``visible``
    headline repeats (compared by :func:`fold`, site-name parts removed); with no such
    witness, ``social`` when it is ``structured`` without a leading kicker ("Parteitag:
    Turnhalle wird saniert" / "Turnhalle wird saniert"); else ``structured``."""
    keys = [fold(strip_site_suffix(value, site_names, headline=visible)[0])
            for value in (structured, social)]
    if keys[0] == keys[1]:
        return structured
    if visible:
        seen = fold(visible)
        if seen == keys[1]:
            return social
        if seen == keys[0]:
            return structured
    kicker = _KICKER_RE.match(strip_site_suffix(structured, site_names)[0])
    return social if kicker and fold(kicker.group(2)) == keys[1] else structured
