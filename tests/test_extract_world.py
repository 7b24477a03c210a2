"""Issue 11, second round: patterns of the real pages in other languages than Vietnamese.

Found by grouping the misses of bench/extraction_quality.py (sets fundus and htmldate) by
cause; every page here is hand-written, never copied from a real one.
"""

from __future__ import annotations

import html

import pytest

from crawler.extract import extract_page
from crawler.extract.boilerplate import clean_lines
from crawler.extract.dates import parse_date
from crawler.extract.textnorm import strip_site_suffix

STORY = [
    "Der Gemeinderat hat am Dienstagabend nach langer Debatte beschlossen, die alte "
    "Turnhalle neben der Grundschule bis zum Herbst des kommenden Jahres zu sanieren.",
    "Die Kosten von rund zwei Millionen Euro teilen sich die Gemeinde und das Land, "
    "wie der Bürgermeister nach der Sitzung vor zahlreichen Zuhörern erklärte.",
    "Eltern und Vereine hatten seit Jahren auf die Sanierung gedrängt, weil Wasser durch "
    "das Dach dringt und die Heizung im Winter mehrmals ausgefallen war.",
]


def _page(meta_line: str = "", head: str = "", *, lang: str = "de") -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in STORY)
    return f"""<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<title>Turnhalle wird saniert – Dorfbote</title>{head}</head>
<body><header class="site-header"><nav><a href="/">Start</a></nav></header>
<main><article class="post"><h1 class="entry-title">Turnhalle wird saniert</h1>
<div class="entry-meta">{meta_line}</div>
<div class="entry-content">{paras}</div></article></main>
<footer class="site-footer">Impressum</footer></body></html>""".encode()


# --- dates: month names of other languages -------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("13. Januar 2014", "2014-01-13"),
    ("Mittwoch, 20. März 2021 - 15:00 Uhr", "2021-03-20T15:00:00+07:00"),
    ("3. Dezember 2011", "2011-12-03"),
    ("12 mars 2020", "2020-03-12"),
    ("1er avril 2020", "2020-04-01"),
    ("15 août 2019", "2019-08-15"),
    ("5 de marzo de 2020", "2020-03-05"),
    ("3 maggio 2019", "2019-05-03"),
    ("7 de dezembro de 2018", "2018-12-07"),
    ("21 maart 2017", "2017-03-21"),
    ("21 September 2017", "2017-09-21"),  # English, as before
])
def test_day_first_dates_with_month_names_of_other_languages(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["Mai 2020", "Sie kam im März", "13. Januar"])
def test_a_month_name_without_day_or_year_is_no_date(raw):
    assert parse_date(raw) is None


def test_a_visible_german_date_is_the_post_date():
    line = '<span class="entry-date">13. Januar 2014</span>'
    article = extract_page(_page(line), "http://dorfbote.test/turnhalle/").article
    assert (article.date_published, article.date_published_source) == ("2014-01-13", "visible")


def test_a_bare_time_element_in_the_post_is_read_when_nothing_else_dates_it():
    line = '<time datetime="2022-01-25">25.1.</time>'
    article = extract_page(_page(line), "http://dorfbote.test/turnhalle/").article
    assert (article.date_published, article.date_published_source) == ("2022-01-25", "visible")


def test_a_bare_time_element_before_the_headline_or_after_the_story_opens_is_not_read():
    top_bar = _page().replace(b'<nav>', b'<time datetime="2026-05-01">1.5.</time><nav>')
    assert extract_page(top_bar, "http://dorfbote.test/turnhalle/").article \
        .date_published is None
    comment = _page().replace(b'</div></article>',
                              b'<p><time datetime="2022-02-03">3.2.</time> Leser</p>'
                              b'</div></article>')
    # not read as the post's meta line (htmldate, the last resort, may still read it)
    assert extract_page(comment, "http://dorfbote.test/turnhalle/").article \
        .date_published_source != "visible"


def test_a_bare_time_element_never_overrides_a_structured_date():
    line = '<time datetime="2022-01-25">25.1.</time>'
    head = '<meta property="article:published_time" content="2022-01-20T08:00:00+01:00">'
    article = extract_page(_page(line, head), "http://dorfbote.test/turnhalle/").article
    assert (article.date_published, article.date_published_source) == (
        "2022-01-20T08:00:00+01:00", "meta")


# --- titles: site-name suffixes ----------------------------------------------------------

@pytest.mark.parametrize(("title", "sites", "expected"), [
    # the site name followed by the day of the page
    ("Turnhalle wird saniert | DB | 28.04.2023", ["dorfbote.test", "db"],
     ("Turnhalle wird saniert", "DB")),
    ("Turnhalle wird saniert – DB – 28.04.2023", ["DB"], ("Turnhalle wird saniert", "DB")),
    # Japanese sites separate the site name with a full-width colon or bar
    ("体育館を改修へ：村新聞Web", ["村新聞Web"], ("体育館を改修へ", "村新聞Web")),
    ("体育館を改修へ｜村新聞", ["村新聞"], ("体育館を改修へ", "村新聞")),
    # a day that follows no site name stays
    ("Rückblick | 28.04.2023", ["dorfbote.test"], ("Rückblick | 28.04.2023", None)),
])
def test_site_suffixes_with_a_day_or_a_full_width_separator(title, sites, expected):
    assert strip_site_suffix(title, sites) == expected


def _blogger_page(date_header: str) -> bytes:
    paras = "".join(f"<p>{p}</p>" for p in STORY)
    return f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Dorfblog: Turnhalle wird saniert</title></head><body>
<div class="sidebar"><div class="widget HTML"><span class="date">01.07.2025</span></div></div>
<div class="main"><div class="widget Blog" id="Blog1"><div class="date-outer">
<h2 class="date-header"><span>{date_header}</span></h2><div class="post hentry">
<h3 class="post-title entry-title">Turnhalle wird saniert</h3>
<div class="post-body entry-content">{paras}</div></div></div></div></div>
</body></html>""".encode()


def test_bloggers_date_header_in_its_blog_widget_dates_the_post():
    article = extract_page(_blogger_page("Freitag, 5. Juni 2015"),
                           "http://dorfblog.test/2015/06/turnhalle.html").article
    assert (article.date_published, article.date_published_source) == ("2015-06-05", "visible")
    assert "01.07.2025" not in (article.date_published_raw or "")  # the sidebar's widget


def test_the_old_default_themes_postmetadata_line_dates_the_post():
    # printed after the post's text, as the old default theme (Kubrick) does
    line = ('<p class="postmetadata">Dieser Beitrag wurde am Samstag, 3. Dezember 2011 '
            'veröffentlicht.</p>')
    page = _page().replace(b"</div></article>", b"</div>" + line.encode() + b"</article>")
    article = extract_page(page, "http://dorfbote.test/?p=12").article
    assert (article.date_published, article.date_published_source) == ("2011-12-03", "visible")


# --- titles: the JSON-LD headline and og:title differ ---------------------------------------

def _titled_page(headline: str, og_title: str, h1: str | None) -> bytes:
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", '
          f'"@type": "NewsArticle", "headline": "{headline}"}}</script>')
    head = f'<meta property="og:title" content="{html.escape(og_title)} | Dorfbote">{ld}'
    page = _page(head=head).replace(b"<title>Turnhalle wird saniert",
                                    f"<title>{headline}".encode())
    if h1 is None:  # no recognisable headline: a plain heading outside the post
        return page.replace(b'<h1 class="entry-title">Turnhalle wird saniert</h1>', b"") \
            .replace(b"<nav>", b"<nav><h1>Dorfbote</h1><h1>Aktuell</h1>")
    return page.replace(b">Turnhalle wird saniert</h1>", f">{h1}</h1>".encode())


@pytest.mark.parametrize(("h1", "expected"), [
    # the visible headline repeats og:title (its quotes and dashes may differ)
    ("Turnhalle wird bis Herbst saniert – \u201eendlich\u201c",
     'Turnhalle wird bis Herbst saniert - "endlich"'),
    # ... or the JSON-LD headline
    ("Gemeinderat beschließt Sanierung der Turnhalle",
     "Gemeinderat beschließt Sanierung der Turnhalle"),
])
def test_the_visible_headline_decides_between_json_ld_headline_and_og_title(h1, expected):
    page = _titled_page("Gemeinderat beschließt Sanierung der Turnhalle",
                        'Turnhalle wird bis Herbst saniert - "endlich"', h1)
    assert extract_page(page, "http://dorfbote.test/turnhalle/").article.title == expected


@pytest.mark.parametrize(("h1", "expected"), [
    # no visible headline to ask: og:title is the headline without the kicker
    (None, "Turnhalle wird saniert"),
    # the page prints the kicker in its headline: the title keeps it
    ("Gemeinderat: Turnhalle wird saniert", "Gemeinderat: Turnhalle wird saniert"),
])
def test_og_title_without_the_kicker_of_the_json_ld_headline(h1, expected):
    page = _titled_page("Gemeinderat: Turnhalle wird saniert", "Turnhalle wird saniert", h1)
    assert extract_page(page, "http://dorfbote.test/turnhalle/").article.title == expected


def test_differing_headlines_without_a_witness_keep_the_json_ld_one():
    page = _titled_page("Gemeinderat beschließt Sanierung der Turnhalle",
                        "Turnhalle wird bis Herbst saniert", None)
    assert extract_page(page, "http://dorfbote.test/turnhalle/").article.title == \
        "Gemeinderat beschließt Sanierung der Turnhalle"


def test_a_first_line_repeating_the_title_after_a_kicker_is_not_text():
    # the title is og:title (the headline without its kicker); the body opens with the
    # headline as printed, kicker included (its markup may leave no space), or with a
    # breadcrumb trail
    for kicker in ("Gemeinderat: ", "Gemeinderat", "Start > Gemeinde > "):
        lines = clean_lines(kicker + "Turnhalle wird saniert\n" + "\n".join(STORY),
                            "Turnhalle wird saniert", set())
        assert lines == STORY
    # words before the title with no separator between are no kicker: the line is text
    for line in ("Seit Dienstag steht fest, die Turnhalle wird saniert.",
                 "Alles zum Thema Turnhalle wird saniert"):
        assert clean_lines(line, "Turnhalle wird saniert", set()) == [line]


# --- dates: the publisher's published-date statements disagree on the day ------------------

_TWO_DAYS = ('<script type="application/ld+json">{"@context": "https://schema.org", '
             '"@type": "NewsArticle", "datePublished": "2022-01-20T08:00:00+01:00"}</script>'
             '<meta property="article:published_time" content="2022-01-25T09:00:00+01:00">')


@pytest.mark.parametrize(("printed", "expected"), [
    ("25.01.2022", ("2022-01-25T09:00:00+01:00", "meta")),  # the day the post prints
    ("20.01.2022", ("2022-01-20T08:00:00+01:00", "jsonld")),
    ("", ("2022-01-20T08:00:00+01:00", "jsonld")),  # nothing printed: the usual order
])
def test_the_printed_day_decides_between_published_dates_that_disagree(printed, expected):
    page = _page(f"<span>{printed}</span>" if printed else "", _TWO_DAYS)
    article = extract_page(page, "http://dorfbote.test/turnhalle/").article
    assert (article.date_published, article.date_published_source) == expected
    # the same without a recognisable content container (the meta line is read between
    # the headline and the story's first long paragraph)
    bare = page.replace(b'class="entry-content"', b'class="x"')
    article = extract_page(bare, "http://dorfbote.test/turnhalle/").article
    assert (article.date_published, article.date_published_source) == expected


def test_a_time_element_in_the_post_decides_between_published_dates_that_disagree():
    head = '<meta property="article:published_time" content="2022-01-21T09:00:00+01:00">'
    time = ('<p>Veröffentlicht: <time itemprop="datePublished" '
            'datetime="2022-01-27T10:00:00+01:00">27.1.</time></p>')  # after the story
    page = _page(head=head).replace(b"</div></article>", f"</div>{time}</article>".encode())
    article = extract_page(page, "http://dorfbote.test/turnhalle/").article
    assert (article.date_published, article.date_published_source) == (
        "2022-01-27T10:00:00+01:00", "visible")


def _teasers_page(days: list[str]) -> bytes:
    """A page with no recognisable post headline: the text, then dated teasers."""
    teasers = "".join(f'<li><a href="/k{i}/">Kolumne {i}</a> <span class="date">{day}</span></li>'
                      for i, day in enumerate(days))
    page = _page().replace(b'<h1 class="entry-title">Turnhalle wird saniert</h1>', b"")
    return page.replace(b'<article class="post">', b'<div class="post">') \
        .replace(b"</article>", f"</div><ul>{teasers}</ul>".encode())


def test_dates_of_several_days_on_a_page_without_a_post_headline_are_teasers():
    article = extract_page(_teasers_page(["24. Oktober 2023", "18. Oktober 2023"]),
                           "http://dorfbote.test/kolumne/").article
    assert article.date_published_source != "visible"
    # one date printed: still the page's date
    article = extract_page(_teasers_page(["24. Oktober 2023"]),
                           "http://dorfbote.test/kolumne/").article
    assert (article.date_published, article.date_published_source) == ("2023-10-24", "visible")


@pytest.mark.parametrize(("head", "printed", "url", "expected"), [
    # one moment written in UTC and, without a zone, in the page's time: no disagreement
    ('<meta property="article:published_time" content="2023-11-09T03:28:35Z">'
     '<meta name="pubdate" content="2023-11-08 22:28:35">', "08.11.2023",
     "http://dorfbote.test/turnhalle/", ("2023-11-09T03:28:35+00:00", "meta")),
    # a permalink on the first one's day confirms it
    (_TWO_DAYS, "25.01.2022", "http://dorfbote.test/2022/01/20/turnhalle/",
     ("2022-01-20T08:00:00+01:00", "jsonld")),
])
def test_published_dates_that_only_seem_to_disagree_keep_their_order(head, printed, url,
                                                                      expected):
    article = extract_page(_page(f"<span>{printed}</span>", head), url).article
    assert (article.date_published, article.date_published_source) == expected


# --- dates: a date the post labels as its publication ---------------------------------------
# (third round: pages whose metadata and meta line state no date; htmldate, the last
# resort, took a "Letzte Änderung" day or a day in the story instead)

def _after_story(html: str) -> bytes:
    return _page().replace(b"</div></article>", b"</div>" + html.encode() + b"</article>")


@pytest.mark.parametrize(("printed", "expected"), [
    # the labelled publication day, not the last change printed beside it
    ("<p>Letzte Änderung: 31.10.2023 - 14:49:39</p><p>Erschienen am: 01.11.2023</p>",
     "2023-11-01"),
    ("<p>Veröffentlicht am Samstag, 3. Dezember 2011</p>", "2011-12-03"),
    # label and date in neighbouring elements
    ("<p><strong>Datum:</strong> <span>18.10.2021</span></p>", "2021-10-18"),
    ("<p>Published on March 3, 2020</p>", "2020-03-03"),
    ("<p>Publié le 29 juin 2019</p>", "2019-06-29"),
])
def test_a_date_the_post_labels_as_its_publication_dates_it(printed, expected):
    article = extract_page(_after_story(printed), "http://dorfbote.test/turnhalle/").article
    assert (article.date_published[:10], article.date_published_source) == (
        expected, "visible")


@pytest.mark.parametrize("printed", [
    # a label inside a word ("Corona-Update") is no label
    "<p>Corona-Update 31.01.2022</p>",
    # only the last change is labelled
    "<p>Aktualisiert: 11.04.2020</p>",
    # a sentence of the story, not a label line
    "<p>Die Studie, veröffentlicht am 3. März 2020 in einer Fachzeitschrift, fand wenig.</p>",
])
def test_a_date_labelled_as_no_publication_is_not_read_as_one(printed):
    article = extract_page(_after_story(printed), "http://dorfbote.test/turnhalle/").article
    assert article.date_published_source != "visible"


def test_a_labelled_date_outside_the_post_or_beside_a_stated_date_is_not_read():
    aside = '<aside class="sidebar"><p>Veröffentlicht am 01.07.2025</p></aside>'
    sidebar = _page().replace(b"</main>", b"</main>" + aside.encode())
    article = extract_page(sidebar, "http://dorfbote.test/turnhalle/").article
    assert "2025" not in (article.date_published_raw or "")
    head = '<meta property="article:published_time" content="2022-01-20T08:00:00+01:00">'
    stated = _page(head=head).replace(b"</div></article>",
                                      b"</div><p>Erschienen am 01.11.2023</p></article>")
    article = extract_page(stated, "http://dorfbote.test/turnhalle/").article
    assert (article.date_published, article.date_published_source) == (
        "2022-01-20T08:00:00+01:00", "meta")
