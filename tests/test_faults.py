"""The hostile web: one crawl per fault of the fixture server (``fixtures.server.faults``).

A small site is built here (home, a category listing, four date-permalink posts, a
static page, robots.txt, sitemap, feed, a stylesheet); each test serves it with one
fault rule on 127.0.0.1 port 0 and crawls it with ``newsarchive crawl`` (no politeness
delay, ``DOWNLOAD_TIMEOUT=2``). Every test checks the same contract:

- the crawl finishes (exit 0, no traceback) and its summary counts the fault by kind;
- every WARC is valid by ``newsarchive check``, warcio (digests) and FastWARC (digests);
- every page the fault did not touch is archived exactly once (one 200 response record)
  and every untouched post is extracted (one article each);
- what arrived for the faulted URL is archived exactly once per exchange: a body cut short
  is a response record with ``WARC-Truncated``; nothing arrives twice.

Then the limits and trap rules on their own (``crawler.limits``, ``crawler.traps``), and
the new fault modes from the command line.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest

from tests.conftest import check_all_readers, fixture_server, run_crawl

ORIGIN = "http://fault.test"
NAMES = ("Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một",
         "Mười Hai", "Mười Ba", "Mười Bốn", "Mười Lăm", "Mười Sáu")
POSTS = {f"/2024/05/{n:02d}/bai-{n}/": name for n, name in enumerate(NAMES, 1)}
POST = list(POSTS)  # POST[i]: the victim of one fault
LISTING = "/chuyen-muc/tin/"
PAGES = ["/", LISTING, "/gioi-thieu/", *POSTS]
FAST = ("-s", "DOWNLOAD_TIMEOUT=2", "-s", "RETRY_TIMES=1", "--workers", "1")


# --- the site -------------------------------------------------------------------------------

def _html(classes: str, title: str, body: str, head: str = "") -> str:
    menu = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in
                   (("/", "Trang chủ"), (LISTING, "Tin tức"), ("/gioi-thieu/", "Giới thiệu")))
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>{title}</title>'
            f'<link rel="stylesheet" href="/style.css">{head}</head><body class="{classes}">'
            f'<nav><ul>{menu}</ul></nav><main>{body}</main>'
            f'<footer><p>Báo Thử Nghiệm</p></footer></body></html>\n')


def _post(path: str, name: str, n: int) -> str:
    date = f"2024-05-{n:02d}T08:00:00+07:00"
    paragraphs = "".join(
        f"<p>Đoạn {k} của bài {name}: người dân trong tỉnh tiếp tục thực hiện các chương "
        f"trình phát triển kinh tế, xã hội và văn hóa tại địa phương, năm thứ {k + n}.</p>"
        for k in range(1, 6))
    return _html(f"single single-post postid-{n}", f"Bài {name} – Báo Thử Nghiệm",
                 f'<article class="post"><h1 class="entry-title">Bài {name}</h1>'
                 f'<time class="entry-date" datetime="{date}">{n:02d}/05/2024</time>'
                 f'<div class="entry-content">{paragraphs}</div></article>',
                 f'<meta property="article:published_time" content="{date}">'
                 f'<link rel="canonical" href="{ORIGIN}{path}">')


def build_site(root: Path) -> Path:
    """The fault site: 19 HTML pages (16 posts), robots.txt, sitemap, feed, stylesheet."""
    links = "".join(f'<h2><a href="{p}">Bài {t}</a></h2>' for p, t in POSTS.items())
    files = {
        "index.html": _html("home blog", "Báo Thử Nghiệm", links),
        "chuyen-muc/tin/index.html": _html("archive category category-tin", "Tin tức", links),
        "gioi-thieu/index.html": _html("page page-id-2", "Giới thiệu",
                                       "<p>Trang giới thiệu của tòa soạn.</p>"),
        "robots.txt": f"User-agent: *\nDisallow: /wp-admin/\nSitemap: {ORIGIN}/wp-sitemap.xml\n",
        "wp-sitemap.xml": '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                          '"http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(
                              f"<url><loc>{ORIGIN}{p}</loc><lastmod>2024-05-{i:02d}</lastmod>"
                              f"</url>" for i, p in enumerate(POSTS, 1)) + "</urlset>\n",
        "feed/index.xml": '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                          f"<title>Báo Thử Nghiệm</title><link>{ORIGIN}/</link>" + "".join(
                              f"<item><title>Bài {t}</title><link>{ORIGIN}{p}</link></item>"
                              for p, t in POSTS.items()) + "</channel></rss>\n",
        "style.css": "body{font-family:sans-serif}\n",
        "404.html": _html("error404", "Không tìm thấy", "<p>Không tìm thấy trang.</p>"),
    }
    for n, (path, name) in enumerate(POSTS.items(), 1):
        files[path.strip("/") + "/index.html"] = _post(path, name, n)
    for name, text in files.items():
        target = root / "site" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    routes = {"origin": ORIGIN, "not_found": "404.html"}
    (root / "routes.json").write_text(json.dumps(routes), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("fault-site"))


# --- one crawl and what it left -----------------------------------------------------------------

@dataclass
class Crawl:
    base: str
    out: Path
    proc: subprocess.CompletedProcess[str]
    records: list[dict] = field(default_factory=list)   # WARC records: type, path, status...
    articles: list[dict] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return self.proc.stdout

    def responses(self, path: str) -> list[dict]:
        return [r for r in self.records if r["type"] == "response" and r["path"] == path]


def _records(out: Path, base: str) -> list[dict]:
    from warcio.archiveiterator import ArchiveIterator

    found = []
    for warc in sorted((out / "warc").glob("*.warc.gz")):
        with open(warc, "rb") as fh:
            for rec in ArchiveIterator(fh):
                url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                status = (rec.http_headers.get_statuscode()
                          if rec.rec_type == "response" and rec.http_headers else None)
                raw = rec.raw_stream.read()
                found.append({"type": rec.rec_type, "url": url,
                              "path": url.replace(base.rstrip("/"), "", 1),
                              "status": int(status) if status else None,
                              "truncated": rec.rec_headers.get_header("WARC-Truncated"),
                              "length": len(raw),
                              "text": raw.decode("utf-8", "replace")
                              if rec.rec_type == "metadata" else ""})
    return found


def crawl_with(site: Path, out: Path, *faults: dict, args: tuple[str, ...] = (),
               subprocess_server: bool = False) -> Crawl:
    """Serve *site* with *faults* and crawl it into *out*. The server runs in a thread of
    this process (starting ``newsarchive fixtures serve`` costs more than most crawls
    here); ``subprocess_server`` uses the command line, ``--fault`` options and all."""
    if subprocess_server:
        extra = [a for f in faults for a in ("--fault", json.dumps(f))]
        server = fixture_server(site, *extra)
    else:
        server = _thread_server(site, faults)
    with server as base:
        proc = run_crawl(base, "--out", str(out), *FAST, *args, timeout=60)
    crawl = Crawl(base, out, proc)
    if (out / "warc").is_dir():
        crawl.records = _records(out, base)
    if (out / "articles.jsonl").exists():
        crawl.articles = [json.loads(line) for line in
                          (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    return crawl


@contextlib.contextmanager
def _thread_server(site: Path, faults: tuple[dict, ...]) -> Iterator[str]:
    from fixtures.server.faults import Fault
    from fixtures.server.http import serve_in_thread
    from fixtures.server.site import FixtureSite

    rules = tuple(Fault.from_obj(f, "test") for f in faults)
    with serve_in_thread(FixtureSite(site, faults=rules)) as server:
        yield server.base_url


def assert_survived(crawl: Crawl, counted: str, *, touched: tuple[str, ...] = ()) -> None:
    """The shared contract; *touched*: pages the fault may have kept from the archive
    or from extraction."""
    proc = crawl.proc
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert counted in crawl.summary, crawl.summary
    check_all_readers(crawl.out)
    for path in PAGES:
        if path in touched:
            continue
        ok = [r for r in crawl.responses(path) if r["status"] == 200]
        assert len(ok) == 1, (path, crawl.responses(path))
    got = Counter(a["url"].replace(crawl.base.rstrip("/"), "", 1) for a in crawl.articles)
    for path in POSTS:
        if path not in touched:
            assert got[path] == 1, (path, sorted(got))
    assert max(got.values(), default=1) == 1, got
    records = Counter((r["type"], r["path"]) for r in crawl.records
                      if r["type"] in ("request", "response"))
    responses = Counter(r["path"] for r in crawl.records if r["type"] == "response")
    for (kind, path), n in records.items():  # request and response always in pairs
        assert n == responses[path], (kind, path, n)


# --- the faults, three crawls -----------------------------------------------------------------
# Each crawl serves the site with several fault rules, each on its own victim page (so one
# crawl covers many faults and the file stays fast); each test below checks one fault.

def _on(i: int, mode: str, **keys: object) -> dict:
    return {"match": POST[i], "mode": mode, **keys}


GROUPS: dict[str, tuple[tuple[dict, ...], tuple[str, ...]]] = {
    "transport": ((
        _on(0, "status", status=500, times=1),
        _on(1, "status", status=502, times=1),
        _on(2, "status", status=503, retry_after=1, times=1),
        _on(3, "status", status=429, retry_after=1, times=1),
        _on(4, "hang", times=1),
        _on(5, "drip", seconds=4, chunk=100, times=1),
        # every time: Twisted silently retries a GET once when a kept-alive connection
        # fails before any answer, so a one-off reset may never reach the crawler
        _on(6, "reset"),
        _on(7, "reset_body", times=1),
        _on(8, "truncate", times=1),
        _on(9, "empty"),
        _on(10, "redirect_loop"),
        _on(11, "offsite_redirect"),
        _on(12, "port_redirect"),
        _on(13, "redirect_loop", hops=2),
    ), ()),
    "content": ((
        _on(0, "bad_gzip"),
        _on(1, "gzip_bomb"),
        _on(2, "oversized", size=3_000_000),
        _on(3, "wrong_charset"),
        _on(4, "no_charset"),
        _on(5, "binary", seed=7),
        _on(6, "nested"),
        {"match": "/wp-sitemap.xml", "mode": "malformed_xml"},
        {"match": "/feed/", "mode": "cut_xml"},
    ), ("-s", "DOWNLOAD_MAXSIZE=2000000")),
    "traps": ((
        {"match": "/chuyen-muc/*", "mode": "pagination_trap"},
        {"match": "/", "mode": "calendar_trap"},
        {"match": "/[0-9][0-9][0-9][0-9]/*", "mode": "calendar_trap"},
        {"match": "/gioi-thieu/*", "mode": "relative_trap"},
    ), ()),
}
VICTIMS = {group: [f["match"] for f in faults if f["match"] in POSTS]
           for group, (faults, _) in GROUPS.items()}


@pytest.fixture(scope="module")
def crawls(site: Path, tmp_path_factory: pytest.TempPathFactory,
           request: pytest.FixtureRequest) -> dict[str, Crawl]:
    """The groups the selected tests need, crawled side by side."""
    from concurrent.futures import ThreadPoolExecutor

    needed = {item.callspec.params["case"].group for item in request.session.items
              if item.module is request.module and hasattr(item, "callspec")
              and "case" in item.callspec.params}
    root = tmp_path_factory.mktemp("fault-crawls")

    def run(group: str) -> tuple[str, Crawl]:
        faults, args = GROUPS[group]
        return group, crawl_with(site, root / group, *faults, args=args)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(run, sorted(needed)))


@dataclass(frozen=True)
class Case:
    group: str
    victim: str
    counted: str           # what the summary says about it

    def __str__(self) -> str:
        return self.victim


def statuses(crawl: Crawl, path: str) -> list[tuple[int | None, str | None]]:
    return [(r["status"], r["truncated"]) for r in crawl.responses(path)]


def fetch_errors(crawl: Crawl, path: str) -> list[str]:
    return [r["text"] for r in crawl.records
            if r["type"] == "metadata" and r["path"] == path and "fetchError" in r["text"]]


def extracted(crawl: Crawl, path: str) -> int:
    return sum(a["url"] == crawl.base.rstrip("/") + path for a in crawl.articles)


# case -> what must hold for its victim (beyond the shared contract)
def _retried(code: int):
    def check(crawl: Crawl, path: str) -> None:
        assert statuses(crawl, path) == [(code, None), (200, None)]
        assert extracted(crawl, path) == 1
    return check


def _no_answer_then_ok(error: str):
    def check(crawl: Crawl, path: str) -> None:
        assert statuses(crawl, path) == [(200, None)]       # the retry
        notes = fetch_errors(crawl, path)
        assert len(notes) == 1 and error in notes[0], notes  # the failure, noted once
        assert extracted(crawl, path) == 1
    return check


def _never_answered(crawl: Crawl, path: str) -> None:
    assert statuses(crawl, path) == []                        # nothing arrived
    notes = fetch_errors(crawl, path)                         # one note per attempt
    assert len(notes) == 2 and all("DownloadFailedError" in n for n in notes), notes
    assert extracted(crawl, path) == 0


def _cut_then_ok(crawl: Crawl, path: str) -> None:
    got = crawl.responses(path)
    assert [(r["status"], r["truncated"]) for r in got] == [(200, "disconnect"), (200, None)]
    assert got[0]["length"] < got[1]["length"]               # what arrived, kept once
    assert extracted(crawl, path) == 1                       # from the whole body


def _redirected_away(crawl: Crawl, path: str) -> None:
    assert statuses(crawl, path) == [(302, None)]
    assert {r["url"].split("/")[2] for r in crawl.records                # nothing else
            if r["url"].startswith("http")} == {crawl.base.split("/")[2]}  # asked
    assert extracted(crawl, path) == 0


def _endless_redirects(crawl: Crawl, path: str) -> None:
    chain = [r for r in crawl.records if r["type"] == "response"
             and r["path"].split("?")[0] == path]
    assert [r["status"] for r in chain] == [302] * 11        # REDIRECT_MAX_TIMES = 10
    assert len({r["path"] for r in chain}) == 11             # each hop archived once
    assert extracted(crawl, path) == 0


def _redirect_cycle(crawl: Crawl, path: str) -> None:
    hops = sorted(r["path"] for r in crawl.records if r["type"] == "response"
                  and r["path"].split("?")[0] == path)
    assert hops == [path, path + "?loop=1"]                  # A -> A?loop=1 -> A: stop
    assert extracted(crawl, path) == 0


def _archived_not_parsed(crawl: Crawl, path: str) -> None:
    assert statuses(crawl, path) == [(200, None)]
    assert extracted(crawl, path) == 0


def _archived_and_extracted(crawl: Crawl, path: str) -> None:
    assert statuses(crawl, path) == [(200, None)]
    assert extracted(crawl, path) == 1


def _not_downloaded(crawl: Crawl, path: str) -> None:
    assert statuses(crawl, path) == []                       # cancelled at the headers
    notes = fetch_errors(crawl, path)
    assert len(notes) == 1 and "max size" in notes[0], notes


def _nested(crawl: Crawl, path: str) -> None:
    assert statuses(crawl, path) == [(200, None)]
    assert extracted(crawl, path) == 1  # the text 5,000 divs deep is extracted


def _bomb(crawl: Crawl, path: str) -> None:
    got = crawl.responses(path)
    assert [r["status"] for r in got] == [200]
    assert 1_000_000 < got[0]["length"] < 1_200_000          # 1 GiB of spaces, as sent
    assert extracted(crawl, path) == 0


CASES: dict[str, tuple[Case, object]] = {
    "status-500": (Case("transport", POST[0], "HTTP 500 1"), _retried(500)),
    "status-502": (Case("transport", POST[1], "HTTP 502 1"), _retried(502)),
    "status-503-retry-after": (Case("transport", POST[2], "HTTP 503 1"), _retried(503)),
    "status-429-retry-after": (Case("transport", POST[3], "HTTP 429 1"), _retried(429)),
    "hang": (Case("transport", POST[4], "DownloadTimeoutError 2"),
             _no_answer_then_ok("DownloadTimeoutError")),
    "slow-drip": (Case("transport", POST[5], "DownloadTimeoutError 2"),
                  _no_answer_then_ok("DownloadTimeoutError")),
    "reset-before-headers": (Case("transport", POST[6], "DownloadFailedError 4"),
                             _never_answered),
    "reset-mid-body": (Case("transport", POST[7], "body cut short 2"), _cut_then_ok),
    "content-length-longer": (Case("transport", POST[8], "body cut short 2"), _cut_then_ok),
    "empty-reply": (Case("transport", POST[9], "DownloadFailedError 4"), _never_answered),
    "redirect-endless": (Case("transport", POST[10], "too many redirects 1"),
                         _endless_redirects),
    "redirect-offsite": (Case("transport", POST[11], "off-site redirect 2"), _redirected_away),
    "redirect-other-port": (Case("transport", POST[12], "off-site redirect 2"),
                            _redirected_away),
    "redirect-loop": (Case("transport", POST[13], "redirect loop 1"), _redirect_cycle),
    "gzip-not-gzip": (Case("content", POST[0], "undecodable body 1"), _archived_not_parsed),
    "gzip-bomb": (Case("content", POST[1], "decoded over DOWNLOAD_MAXSIZE 1"), _bomb),
    "oversized-page": (Case("content", POST[2], "over DOWNLOAD_MAXSIZE 1"), _not_downloaded),
    "wrong-charset": (Case("content", POST[3], "wrong charset 1"), _archived_and_extracted),
    "missing-charset": (Case("content", POST[4], "no charset 1"), _archived_and_extracted),
    "binary-as-html": (Case("content", POST[5], "binary as HTML 1"), _archived_not_parsed),
    "nested-5000-divs": (Case("content", POST[6], "written"), _nested),
    "malformed-sitemap": (Case("content", "/wp-sitemap.xml", "malformed XML 2"), None),
    "truncated-feed": (Case("content", "/feed/", "malformed XML 2"), None),
}


@pytest.mark.integration
@pytest.mark.parametrize("case, check", list(CASES.values()), ids=list(CASES))
def test_fault(case: Case, check, crawls: dict[str, Crawl]) -> None:
    crawl = crawls[case.group]
    touched = tuple(VICTIMS[case.group])
    assert_survived(crawl, case.counted, touched=touched)
    if check is not None:
        check(crawl, case.victim)
    else:  # a discovery document: archived once, every post still found and extracted
        assert statuses(crawl, case.victim) == [(200, None)]


# --- crawler traps -----------------------------------------------------------------------------

def _fetched(crawl: Crawl) -> list[str]:
    return [r["path"] for r in crawl.records if r["type"] == "response"]


def _pagination(crawl: Crawl) -> None:
    pages = sorted(p for p in _fetched(crawl) if p.startswith(LISTING + "page/"))
    # page 2 (the way in) and page 3 (same links as page 2: the listing repeats), no more
    assert pages == [LISTING + "page/2/", LISTING + "page/3/"], pages


def _calendar(crawl: Crawl) -> None:
    import datetime as dt
    import re

    years = [int(m.group(1)) for p in _fetched(crawl)
             if (m := re.fullmatch(r"/(\d{4})/(?:\d{2}/)?", p))]
    assert years, "no date archive fetched at all"
    assert min(years) >= 1995 and max(years) <= dt.date.today().year + 1, sorted(set(years))
    assert len(years) <= 3 * 13 + 33, len(years)  # 2023-2025 once the posts' year is known


def _relative(crawl: Crawl) -> None:
    deep = sorted(p for p in _fetched(crawl) if p.startswith("/gioi-thieu/more/"))
    assert deep == ["/gioi-thieu/more/", "/gioi-thieu/more/more/"], deep


TRAPS: dict[str, tuple[Case, object]] = {
    "pagination-trap": (Case("traps", LISTING, "trap pagination-repeats"), _pagination),
    "calendar-trap": (Case("traps", "/", "trap date-archive"), _calendar),
    "relative-link-trap": (Case("traps", "/gioi-thieu/", "trap repeated-segments"), _relative),
}


@pytest.mark.integration
@pytest.mark.parametrize("case, check", list(TRAPS.values()), ids=list(TRAPS))
def test_trap(case: Case, check, crawls: dict[str, Crawl]) -> None:
    crawl = crawls[case.group]
    assert_survived(crawl, case.counted)
    check(crawl)


@pytest.mark.integration
def test_fault_modes_from_the_command_line(site: Path) -> None:
    """``newsarchive fixtures serve DIR --fault JSON``: the same rules, seed included."""
    import gzip
    import urllib.request

    rules = [{"match": POST[0], "mode": "gzip_bomb", "size": 1 << 20},
             {"match": POST[1], "mode": "binary", "size": 64, "seed": 3}]
    with crawl_server(site, rules) as base:
        with urllib.request.urlopen(base + POST[0][1:]) as resp:
            assert gzip.decompress(resp.read()) == b" " * (1 << 20)
        with urllib.request.urlopen(base + POST[1][1:]) as resp:
            first = resp.read()
        with urllib.request.urlopen(base + POST[1][1:]) as resp:
            assert resp.read() == first and len(first) == 64


def crawl_server(site: Path, rules: list[dict]):
    return fixture_server(site, *[a for r in rules for a in ("--fault", json.dumps(r))])


# --- limits and trap rules, unit by unit ------------------------------------------------------

def test_trap_rules() -> None:
    import datetime as dt

    from crawler.traps import TrapGuard, date_archive_year, paged

    guard = TrapGuard(max_pagination=50, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    b = "http://h.test"
    assert paged(b + "/tag/x/page/7/") == ("h.test/tag/x/", 7)
    assert paged(b + "/?paged=3") == ("h.test/", 3)
    assert date_archive_year(b + "/2019/05/page/2/") == 2019
    assert date_archive_year(b + "/?m=201905") == 2019
    assert date_archive_year(b + "/2019/05/12/bai-viet/") is None       # a post
    assert guard.check(b + "/tag/x/page/50/") is None
    assert guard.check(b + "/tag/x/page/51/") == "pagination-depth"
    assert guard.check(b + "/1523/") == "date-archive"                 # before 1995
    assert guard.check(b + "/2524/01/") == "date-archive"              # after next year
    assert guard.check(b + "/2003/") is None                           # no posts seen yet
    guard.note_date(b + "/2019/05/12/bai/")
    guard.note_date(b + "/x/", "2021-03-01T00:00:00Z")
    assert guard.check(b + "/2018/") is None and guard.check(b + "/2022/") is None
    assert guard.check(b + "/2003/") == "date-archive"                 # far from 2019-2021
    assert guard.check(b + "/a/b/a/b/") is None
    assert guard.check(b + "/a/b/a/b/a/b/") == "repeated-segments"
    assert guard.check(b + "/more/more/more/") == "repeated-segments"
    assert guard.check(b + "/" + "/".join("abcdefghijklmnopq") + "/") == "too-deep"


def test_pagination_that_repeats_itself_stops() -> None:
    from crawler.traps import TrapGuard

    guard = TrapGuard()
    listing = "http://h.test/chuyen-muc/x/"

    def note(url: str, hrefs: list[str]) -> None:
        guard.note_listing(url, [urljoin(url, h) for h in hrefs])

    note(listing, ["/bai-1/", "/bai-2/", "page/2/"])
    note(listing + "page/2/", ["/bai-3/", "/bai-4/", "/chuyen-muc/x/", "../3/"])
    assert guard.check(listing + "page/3/") is None          # page 2 brought new posts
    note(listing + "page/3/", ["/bai-3/", "/bai-4/", "/chuyen-muc/x/page/4/"])
    assert guard.check(listing + "page/4/") == "pagination-repeats"
    assert guard.check("http://h.test/chuyen-muc/y/page/4/") is None   # another listing


@pytest.mark.parametrize("name, value, message", [
    ("DOWNLOAD_DELAY", "nan", "DOWNLOAD_DELAY must be a number from 0 to 3600, got 'nan'"),
    ("DOWNLOAD_DELAY", "inf", "from 0 to 3600"),
    ("DOWNLOAD_DELAY", "-1", "from 0 to 3600"),
    ("CONCURRENT_REQUESTS", "0", "CONCURRENT_REQUESTS must be an integer from 1 to 1000"),
    ("CONCURRENT_REQUESTS_PER_DOMAIN", "2.5", "an integer"),
    ("DOWNLOAD_TIMEOUT", "abc", "DOWNLOAD_TIMEOUT must be a number"),
    ("AUTOTHROTTLE_TARGET_CONCURRENCY", "0", "from 0.01 to 1000"),
])
def test_pace_settings_ranges(name: str, value: str, message: str) -> None:
    from scrapy.settings import Settings

    from crawler.errors import NewsarchiveError
    from crawler.limits import check_pace_settings

    settings = Settings()
    settings.setmodule("crawler.settings")
    check_pace_settings(settings)                            # the defaults are in range
    settings.set(name, value)
    with pytest.raises(NewsarchiveError, match=message.replace("(", r"\(")):
        check_pace_settings(settings)


@pytest.mark.parametrize("body, ctype, problem", [
    ("<p>Tiếng Việt</p>".encode(), "text/html; charset=UTF-8", None),
    ("<p>Tiếng Việt</p>".encode(), "text/html; charset=iso-8859-1", "wrong"),
    ("<p>Đà, Đô</p>".encode("cp1258"), "text/html; charset=utf-8", "wrong"),
    ("<p>Đà, Đô</p>".encode("cp1258"), "text/html; charset=windows-1258", None),
    (b"<meta charset='utf-8'><p>ok</p>", "text/html", None),
    (b"<p>ok</p>", "text/html", "missing"),
    (b"<p>ok</p>", "text/html; charset=klingon", "wrong"),
])
def test_charset_problem(body: bytes, ctype: str, problem: str | None) -> None:
    from crawler.limits import charset_problem

    assert charset_problem(body, ctype) == problem


def test_size_and_cut_body_limits_are_counted() -> None:
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.http import Response
    from scrapy.utils.test import get_crawler

    from crawler.limits import LimitedHttpCompressionMiddleware, ResponseLimitsMiddleware
    from fixtures.server.faults import gzip_bomb

    crawler = get_crawler(settings_dict={"DOWNLOAD_MAXSIZE": 1 << 20, "RETRY_TIMES": 1})
    crawler.spider = crawler._create_spider("x")
    stats = crawler.stats
    gz = LimitedHttpCompressionMiddleware.from_crawler(crawler)
    req = Request("http://h.test/a/")
    bomb = Response(req.url, body=gzip_bomb(8 << 20), request=req,
                    headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})
    with pytest.raises(IgnoreRequest, match="DOWNLOAD_MAXSIZE"):
        gz.process_response(req, bomb)
    junk = bomb.replace(body=b"\x1f\x8b\x08\0" + bytes(range(256)) * 4)
    with pytest.raises(IgnoreRequest, match="undecodable gzip"):
        gz.process_response(req, junk)
    assert stats.get_value("newsarchive/limits/decoded_size") == 1
    assert stats.get_value("newsarchive/limits/undecodable") == 1

    limits = ResponseLimitsMiddleware.from_crawler(crawler)
    cut = Response(req.url, body=b"<html>", request=req, flags=["dataloss"])
    retry = limits.process_response(req, cut)
    assert isinstance(retry, Request) and retry.url == req.url      # retried once
    with pytest.raises(IgnoreRequest, match="WARC-Truncated"):
        limits.process_response(retry, cut)                         # then given up
    assert stats.get_value("newsarchive/limits/truncated") == 2
    hop = Request(req.url + "?loop=1", meta={"redirect_urls": [req.url], "redirect_times": 1})
    limits.process_response(hop, Response(hop.url, status=302, request=hop,
                                          headers={"Location": "/a/"}))
    assert stats.get_value("newsarchive/limits/redirect_loop") == 1
