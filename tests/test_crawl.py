"""``newsarchive crawl``: whole crawls of the fixture site through the fixture server.

One crawl of fixtures/kontumtv (``newsarchive demo`` as a subprocess, module-scoped), then
checks on what it wrote;
one replay of that archive (``--replay-from``); one crawl of a small site built here with
an off-site redirect and a 503 + Retry-After fault; bad input handled in-process.
"""

from __future__ import annotations

import collections
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main as cli_main
from tests.conftest import KONTUM, REPO, fixture_server, run_crawl

pytestmark = pytest.mark.integration

GOLD = KONTUM / "gold"
ORIGIN = json.loads((KONTUM / "routes.json").read_text(encoding="utf-8"))["origin"]


def fetched_urls(out: Path) -> collections.Counter[str]:
    from archive.reader import iter_captures

    warcs = sorted((out / "warc").glob("*.warc.gz"))
    return collections.Counter(c.url for c in iter_captures(warcs))


def articles(out: Path) -> list[dict]:
    with open(out / "articles.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def gold_lines(name: str) -> list[str]:
    return [ln.strip() for ln in (GOLD / name).read_text(encoding="utf-8").splitlines()
            if ln.strip()]


@pytest.fixture(scope="module")
def kontum_crawl(tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[str, Path, subprocess.CompletedProcess[str]]:
    """The README's main job, ``newsarchive demo`` (fixture server + ``crawl``), run once;
    the tests below check what it wrote."""
    if not (GOLD / "expected_urls.txt").exists():
        pytest.skip("fixtures/kontumtv gold not built")
    out = tmp_path_factory.mktemp("crawl") / "demo"
    proc = subprocess.run([sys.executable, "-m", "crawler", "demo", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    first = proc.stdout.splitlines()[0]
    assert first.startswith("Fixture server: http://127.0.0.1:"), first
    return first.split()[2], out, proc


def test_fetches_exactly_the_expected_urls_each_once(kontum_crawl) -> None:
    base, out, _ = kontum_crawl
    fetched = collections.Counter({url.replace(base.rstrip("/"), ORIGIN): n
                                   for url, n in fetched_urls(out).items()})
    expected = gold_lines("expected_urls.txt")
    forbidden = set(gold_lines("forbidden_urls.txt"))
    missing = [u for u in expected if u not in fetched]
    extra = [u for u in fetched if u not in set(expected)]
    assert not missing, f"expected but not fetched: {missing[:10]}"
    assert not extra, f"fetched but not expected: {extra[:10]}"
    assert not forbidden & set(fetched), sorted(forbidden & set(fetched))[:10]
    assert [u for u, n in fetched.items() if n > 1] == []


def test_one_article_per_gold_article_without_duplicates(kontum_crawl) -> None:
    base, out, _ = kontum_crawl
    records = articles(out)
    gold = {}
    for path in (GOLD / "articles").glob("*.json"):
        expected = json.loads(path.read_text(encoding="utf-8"))["expected"]
        gold[expected["canonical_url"]] = expected
    got = [r["canonical_url"].replace(base.rstrip("/"), ORIGIN) for r in records]
    assert len(got) == len(set(got)), "duplicate articles (AMP, ?replytocom=, ?p=, slash)"
    assert len({r["id"] for r in records}) == len(records)
    assert sorted(got) == sorted(gold)
    by_url = {r["canonical_url"].replace(base.rstrip("/"), ORIGIN): r for r in records}
    for canonical, expected in gold.items():
        assert by_url[canonical]["page_count"] == expected.get("page_count", 1), canonical
        assert by_url[canonical]["title"] == expected["title"], canonical


def test_summary_index_and_warc_layout(kontum_crawl) -> None:
    _, out, proc = kontum_crawl
    summary = proc.stdout
    n_gold = len(list((GOLD / "articles").glob("*.json")))
    assert f"articles   {n_gold} written" in summary
    assert "responses  " in summary and "WARC       " in summary
    assert "errors     HTTP 404 1" in summary  # the fixture's one dead link
    assert len(summary.splitlines()) <= 24      # one screen
    index = (out / "index.cdxj").read_text(encoding="utf-8").splitlines()
    assert index and index == sorted(index)
    assert len(index) >= len(gold_lines("expected_urls.txt"))
    assert list((out / "warc").glob("*.warc.gz")) and not list((out / "warc").glob("*.open"))
    assert proc.stderr.count("Traceback") == 0


def test_replay_from_the_archive_yields_the_same_articles(kontum_crawl, tmp_path: Path) -> None:
    base, out, _ = kontum_crawl
    out2 = tmp_path / "replayed"
    proc = run_crawl(base, "--out", str(out2), "--replay-from", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "replayed from WARC" in proc.stdout
    first = {r["canonical_url"]: (r["title"], r["text"], r["date_published"])
             for r in articles(out)}
    second = {r["canonical_url"]: (r["title"], r["text"], r["date_published"])
              for r in articles(out2)}
    assert second == first
    assert "not in the replayed archive" not in proc.stdout


def test_second_theme_fixture_exact_urls_and_articles(tmp_path: Path) -> None:
    """fixtures/tintaynguyen: another theme (tagDiv Newspaper), date permalinks."""
    fixture = REPO / "fixtures" / "tintaynguyen"
    if not (fixture / "gold" / "expected_urls.txt").exists():
        pytest.skip("fixtures/tintaynguyen not built")
    origin = json.loads((fixture / "routes.json").read_text(encoding="utf-8"))["origin"]
    out = tmp_path / "out"
    with fixture_server(fixture) as base:
        proc = run_crawl(base, "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    fetched = collections.Counter({u.replace(base.rstrip("/"), origin): n
                                   for u, n in fetched_urls(out).items()})
    expected = [ln for ln in (fixture / "gold" / "expected_urls.txt").read_text(
        encoding="utf-8").split() if ln]
    forbidden = set((fixture / "gold" / "forbidden_urls.txt").read_text(
        encoding="utf-8").split())
    assert sorted(fetched) == sorted(expected)
    assert max(fetched.values()) == 1 and not forbidden & set(fetched)
    gold = {json.loads(p.read_text(encoding="utf-8"))["expected"]["canonical_url"]
            for p in (fixture / "gold" / "articles").glob("*.json")}
    got = [r["canonical_url"].replace(base.rstrip("/"), origin) for r in articles(out)]
    assert sorted(got) == sorted(gold)


# --- a small site with the awkward cases ---------------------------------------------------

MINI_HEAD = '<link rel="stylesheet" href="/style.css">'


def mini_page(classes: str, body: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'>{MINI_HEAD}</head>"
            f"<body class=\"{classes}\"><a href=\"/\">Trang chủ</a>{body}</body></html>")


def build_mini(root: Path) -> Path:
    files = {
        "index.html": mini_page("home blog", '<a href="/tin/mot/">Một</a>'
                                '<a href="/ra-ngoai/">ra ngoài</a><a href="/tin/hai/">Hai</a>'),
        "tin/mot/index.html": mini_page("single single-post postid-1", "<p>Bài một.</p>"),
        "tin/hai/index.html": mini_page("single single-post postid-2", "<p>Bài hai.</p>"),
        "style.css": "body{color:#333}",
        "robots.txt": "User-agent: *\nDisallow:\n",
        "404.html": mini_page("error404", "Không tìm thấy"),
    }
    for name, text in files.items():
        path = root / "site" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    routes = {"origin": "http://mini.test",
              "redirects": {"/ra-ngoai/": ["http://khac.test/trang/", 301]},
              "faults": [{"match": "/tin/hai/", "mode": "status", "status": 503,
                          "retry_after": 1, "times": 1}]}
    (root / "routes.json").write_text(json.dumps(routes), encoding="utf-8")
    return root


def test_offsite_redirect_not_followed_and_retry_after_waited(tmp_path: Path) -> None:
    site = build_mini(tmp_path / "mini")
    out = tmp_path / "out"
    with fixture_server(site) as base:
        proc = run_crawl(base, "--out", str(out), progress=0.4)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert re.search(r"^\[0:00:0\d\] \d+ responses \(\d+/s\), \d+ articles, .* WARC, \d+ queued$",
                     proc.stderr, re.MULTILINE), proc.stderr   # progress while waiting
    from archive.reader import iter_captures

    captures = list(iter_captures(sorted((out / "warc").glob("*.warc.gz"))))
    hosts = {c.url.split("/")[2] for c in captures}
    assert hosts == {base.split("/")[2]}, hosts          # khac.test never asked
    assert any(c.status == 301 and c.url.endswith("/ra-ngoai/") for c in captures)
    hai = [c for c in captures if c.url.endswith("/tin/hai/")]
    assert [c.status for c in hai] == [503, 200]
    waited = (hai[1].fetched_at - hai[0].fetched_at).total_seconds()
    assert waited >= 0.9, f"retried after {waited:.2f} s despite Retry-After: 1"
    assert len(articles(out)) == 2
    assert "off-site redirect 1" in proc.stdout


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["kontumtv.vn", "--out", "{tmp}/o"], "not an http(s) URL"),
    (["http://127.0.0.1:1/", "--out", "{tmp}/o", "--site", "vnexpress"],
     "unknown site profile 'vnexpress' (valid: generic, kontumtv)"),
    (["http://127.0.0.1:1/", "--out", "{tmp}/file/o"], "cannot write to output folder"),
    (["http://127.0.0.1:1/", "--out", "{tmp}/o", "--since", "hôm qua"], "bad --since date"),
    (["http://127.0.0.1:1/", "--out", "{tmp}/o", "--replay-from", "{tmp}/khong-co"], ""),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    argv = ["crawl", *[a.replace("{tmp}", str(tmp_path)) for a in args]]
    assert cli_main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("newsarchive crawl: error: ") and message in err


# --- the demo and the summary --------------------------------------------------------------

def test_demo_output_and_its_folder_rule(kontum_crawl, tmp_path: Path) -> None:
    _, out, proc = kontum_crawl
    n_gold = len(list((GOLD / "articles").glob("*.json")))
    assert len(articles(out)) == n_gold
    assert (out / ".newsarchive-demo").exists()
    assert "first articles:" in proc.stdout
    # a folder the demo did not make is never emptied
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "precious.warc.gz").write_bytes(b"x")
    assert cli_main(["demo", "--out", str(tmp_path / "archive")]) == 2
    assert (tmp_path / "archive" / "precious.warc.gz").read_bytes() == b"x"


def test_summary_and_progress_lines_from_stats() -> None:
    from crawler.summary import format_summary, progress_line

    stats = {
        "elapsed_time_seconds": 10.0, "finish_reason": "finished",
        "downloader/response_count": 120, "downloader/response_status_count/200": 110,
        "downloader/response_status_count/404": 4, "downloader/response_status_count/503": 6,
        "downloader/exception_type_count/twisted.internet.error.TimeoutError": 2,
        "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 3,
        "newsarchive/pages/post": 40, "newsarchive/pages/listing": 20,
        "warc/records": 250, "warc/bytes": 2_500_000, "warc/files": 1,
        "articles/written": 39, "articles/duplicate": 1,
        "articles/quality/no_date": 2, "robotstxt/forbidden": 3,
        "newsarchive/links/skipped/offsite": 17, "retry/count": 6,
        "retry/retry_after/seconds": 12.0,
    }
    text = format_summary(stats, url="http://127.0.0.1:1/", out=Path("out"), index_lines=249)
    assert "responses  120 (12.0/s)  by status: 200 110, 503 6, 404 4" in text
    assert "WARC       250 records, 2.5 MB in 1 file -> out/warc" in text
    assert "articles   39 written (1 duplicate) -> out/articles.jsonl" in text
    assert "quality    no_date 2" in text
    assert "not fetched offsite 17, robots.txt 3" in text
    assert "errors     HTTP 503 6, HTTP 404 4, TimeoutError 2" in text
    assert "retries    6 (waited 12 s for Retry-After)" in text
    assert text.splitlines()[-1] == "  time       10.0 s (finished)"
    line = progress_line({"response_received_count": 50, "articles/written": 7,
                          "warc/bytes": 1_200_000, "scheduler/enqueued": 80,
                          "scheduler/dequeued": 50}, 75.0, (10.0, 30), 20.0)
    assert line == "[0:01:15] 50 responses (2/s), 7 articles, 1.2 MB WARC, 30 queued"


def test_unreachable_site_is_an_error_without_tracebacks(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_crawl(f"http://127.0.0.1:{port}/", "--out", str(tmp_path / "o"),
                     "-s", "RETRY_TIMES=0")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"newsarchive crawl: error: no response from http://127.0.0.1:{port}/ "
        "(DownloadConnectionRefusedError)")


def test_the_crawl_keeps_its_log_and_stats_in_the_folder_and_the_warc(kontum_crawl) -> None:
    """As wget and Browsertrix do: the archive says how it was made."""
    from archive.reader import iter_records

    _, out, proc = kontum_crawl
    log = (out / "crawl.log").read_text(encoding="utf-8")
    assert "Spider opened" in log and "Spider closed (finished)" in log
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    assert stats["finish_reason"] == "finished" and stats["warc/records"] > 0
    kept = {r.get("WARC-Target-URI"): r for r in iter_records(sorted(out.glob("warc/*.warc.gz")))
            if r.rec_type == "resource"}
    assert kept["metadata://newsarchive/stats.json"].block == (out / "stats.json").read_bytes()
    assert b"Spider opened" in kept["metadata://newsarchive/crawl.log"].block
    assert kept["metadata://newsarchive/crawl.log"].get("WARC-Warcinfo-ID")
    assert f"WARC       {stats['warc/records'] + 2:,} records" in proc.stdout
