"""Many sites at once (``crawler.commands.multisite``): several URLs or a sites file
crawled in one process, each site into its own folder as if crawled alone.

Three generated sites, each served by its own fixture server (its own port: its own host
for politeness), plus a closed port (a site that is down), crawled by one ``newsarchive
crawl URL1 URL2 ... --out DIR`` subprocess; compared with each site crawled alone.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.commands.multisite import SiteRouter, site_folder
from tests.conftest import REPO, fixture_server
from tests.test_interrupt import articles, assert_whole, captures, group_gone

pytestmark = [pytest.mark.integration]

FAST = ["--delay", "0", "--concurrency", "8", "--progress", "0"]


def crawl(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", "crawl", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def closed_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Three generated 10-post sites, each on its own server; their base URLs."""
    root = tmp_path_factory.mktemp("sites")
    with contextlib.ExitStack() as stack:
        bases = []
        for seed in (1, 2, 3):
            subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate",
                            "--articles", "10", "--seed", str(seed), str(root / f"s{seed}")],
                           check=True, cwd=REPO, capture_output=True)
            bases.append(stack.enter_context(fixture_server(root / f"s{seed}")))
        yield bases


@pytest.fixture(scope="module")
def alone(sites: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each site crawled by itself (``crawl URL -o DIR``, as before)."""
    out = {}
    for base in sites:
        folder = tmp_path_factory.mktemp("alone") / site_folder(base)
        proc = crawl(base, "-o", str(folder), *FAST)
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[base] = folder
    return out


@pytest.fixture(scope="module")
def together(sites: list[str], tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[subprocess.CompletedProcess[str], Path, str]:
    """The three sites and a down one in one process. A small delay (AutoThrottle on)
    makes each site's crawl last a few seconds, so overlap shows in WARC-Dates."""
    down = f"http://127.0.0.1:{closed_port()}/"
    out = tmp_path_factory.mktemp("together")
    proc = crawl(*sites, down, "--out", str(out), "--delay", "0.05", "--concurrency", "2",
                 "--progress", "0")
    return proc, out, down


def records(folder: Path) -> list[tuple[str, str, str]]:
    """(WARC-Type, WARC-Target-URI, WARC-Date) of every record of every WARC in folder."""
    found = []
    for warc in sorted((folder / "warc").glob("*.warc.gz")):
        with open(warc, "rb") as fh:
            for rec in ArchiveIterator(fh):
                h = rec.rec_headers
                found.append((h.get_header("WARC-Type"), h.get_header("WARC-Target-URI") or "",
                              h.get_header("WARC-Date")))
    return found


def test_each_site_folder_is_what_a_crawl_of_that_site_alone_leaves(sites, alone, together):
    proc, out, _down = together
    for base in sites:
        folder = out / site_folder(base)
        for name in ("index.cdxj", "articles.jsonl", "crawl.log", "stats.json"):
            assert (folder / name).is_file(), (folder, name)
        assert not (folder / "crawl.running").exists()  # finished: nothing to resume
        assert_whole(folder)  # newsarchive check, warcio, FastWARC; provenance files exist
        ids = [a["id"] for a in articles(folder)]
        assert len(ids) == len(set(ids)) == 10
        assert set(ids) == {a["id"] for a in articles(alone[base])}
        assert set(captures(folder)) == set(captures(alone[base]))
        kept = {uri for kind, uri, _ in records(folder) if kind == "resource"}
        assert {"metadata://newsarchive/crawl.log", "metadata://newsarchive/stats.json"} <= kept
        stats = json.loads((folder / "stats.json").read_text("utf-8"))
        assert stats["articles/written"] == 10 and stats["finish_reason"] == "finished"
        assert f"Crawled {base} -> {folder}" in proc.stdout


def test_no_record_log_line_or_error_count_of_another_site(sites, together):
    proc, out, down = together
    netlocs = {urlsplit(u).netloc for u in (*sites, down)}
    for base in (*sites, down):
        folder, own = out / site_folder(base), urlsplit(base).netloc
        hosts = {urlsplit(uri).netloc for _k, uri, _d in records(folder)
                 if uri.startswith("http")}
        assert hosts == {own}, (base, hosts)
        log = (folder / "crawl.log").read_text("utf-8")
        # this crawl's engine records once (four sites' would be there four times)
        assert log.count("Spider opened") == 1 and log.count("Dumping Scrapy stats") == 1
        assert [n for n in netlocs - {own} if f"//{n}/" in log] == []
    assert f"//{urlsplit(down).netloc}/" in (out / site_folder(down) / "crawl.log").read_text()
    # the down site's logged errors are counted in its stats, not in the others'
    assert json.loads((out / site_folder(down) / "stats.json").read_text("utf-8")
                      ).get("log_count/ERROR", 0) > 0
    for base in sites:
        stats = json.loads((out / site_folder(base) / "stats.json").read_text("utf-8"))
        assert stats.get("log_count/ERROR", 0) == 0, base


def test_a_down_site_fails_alone_and_the_exit_status_says_so(sites, together):
    proc, out, down = together
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    name = site_folder(down)
    assert f"site {name}: error: no response from {down}" in proc.stderr
    assert f"All 4 sites at once: 3 finished, 1 failed ({name})" in proc.stdout
    assert proc.stdout.count("\nCrawled ") + proc.stdout.startswith("Crawled ") == 4


def test_the_sites_were_crawled_at_the_same_time(sites, together):
    """From the archives alone: crawled one after another, two sites could share at most
    the one second where the first ends and the second begins; here every pair of sites
    wrote responses in several of the same seconds."""
    _proc, out, _down = together
    seconds: dict[str, set[str]] = defaultdict(set)
    for base in sites:
        for kind, _uri, date in records(out / site_folder(base)):
            if kind == "response":
                seconds[base].add(date)
    for a, b in combinations(sites, 2):
        assert len(seconds[a] & seconds[b]) >= 2, (a, sorted(seconds[a]), sorted(seconds[b]))


def test_config_runs_its_sites_at_once_and_one_at_a_time(sites, tmp_path):
    """The first site's spider refuses its settings: it fails, the other two run."""
    config = tmp_path / "sites.toml"
    config.write_text(f'[[site]]\nname = "bad"\nurl = "{sites[2]}"\nout = "out/bad"\n'
                      'settings = { NEWSARCHIVE_WPJSON = "sometimes" }\n\n'
                      + "".join(f'[[site]]\nname = "site-{i}"\nurl = "{base}"\n'
                                f'out = "out/site-{i}"\n\n' for i, base in enumerate(sites[:2])),
                      encoding="utf-8")
    proc = crawl("--config", str(config), *FAST)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "All 3 sites at once: 2 finished, 1 failed (bad)" in proc.stdout
    assert "site bad: error: bad NEWSARCHIVE_WPJSON 'sometimes'" in proc.stderr
    assert "Traceback" not in proc.stderr
    for i in range(2):
        assert len(articles(tmp_path / "out" / f"site-{i}")) == 10
        record = json.loads((tmp_path / "out" / f"site-{i}" / "schedule.json").read_text())
        assert record["exit"] == 0 and record["articles"] == 10  # the scheduler's clock
    again = crawl("--config", str(config), "--one-at-a-time", "--site", "site-1", *FAST)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "All " not in again.stdout  # the old runner: one crawl process, its summary


def test_interrupted_sites_stop_whole_and_the_same_command_resumes_each(sites, alone,
                                                                         tmp_path):
    out = tmp_path / "out"
    argv = [sys.executable, "-m", "crawler", "crawl", *sites[:2], "--out", str(out),
            "--delay", "0.3", "--concurrency", "1", "--progress", "0"]
    proc = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    folders = [out / site_folder(base) for base in sites[:2]]
    deadline = time.monotonic() + 60
    while not all(list((f / "warc").glob("*.open")) for f in folders if f.is_dir()) \
            or not all(f.is_dir() for f in folders):
        assert time.monotonic() < deadline, "no WARC written"
        time.sleep(0.05)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)
    out_text, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    assert "All 2 sites at once: 0 finished, 2 interrupted, 0 failed" in out_text
    assert group_gone(proc.pid)
    for folder in folders:
        assert (folder / "crawl.running").exists()
        assert_whole(folder)
    again = subprocess.run(argv[:-6] + FAST, cwd=REPO, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    assert again.stderr.count("resuming the interrupted crawl") == 2
    for base, folder in zip(sites[:2], folders, strict=True):
        assert not (folder / "crawl.running").exists()
        assert_whole(folder)
        assert set(captures(folder)) == set(captures(alone[base]))
        assert [u for u, n in captures(folder).items() if n > 1] == []
        assert sorted(a["id"] for a in articles(folder)) == sorted(
            a["id"] for a in articles(alone[base]))


def test_command_line_mistakes_are_one_line_before_anything_is_fetched(tmp_path):
    same = crawl("http://127.0.0.1:9/", "http://127.0.0.1:9/a/", "--out", str(tmp_path))
    assert same.returncode == 2 and "would share the folder" in same.stderr
    assert len(same.stderr.strip().splitlines()) == 1
    no_out = crawl("http://127.0.0.1:9/", "http://127.0.0.1:8/")
    assert no_out.returncode == 2 and "several URLs need --out DIR" in no_out.stderr
    bad = crawl("http://127.0.0.1:9/", "ftp://x/", "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert not (tmp_path / "x").exists()
    lonely = crawl("http://127.0.0.1:9/", "-o", str(tmp_path / "y"), "--one-at-a-time")
    assert lonely.returncode == 2 and "--one-at-a-time goes with --config" in lonely.stderr


def test_site_folder_names():
    assert site_folder("https://kontumtv.vn/") == "kontumtv.vn"
    assert site_folder("http://127.0.0.1:8001/") == "127.0.0.1_8001"
    assert site_folder("http://Báo.Example:80/tin/") == "báo.example_80"


def test_router_tells_sites_apart_by_spider_then_by_host_port_or_folder(tmp_path):
    class Crawler:
        def __init__(self) -> None:
            self.spider = object()

    a, b = Crawler(), Crawler()
    router = SiteRouter()
    router.add(a, "http://127.0.0.1:800/", tmp_path / "127.0.0.1_800")
    router.add(b, "http://127.0.0.1:8001/", tmp_path / "127.0.0.1_8001")

    def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
        rec = logging.LogRecord("x", logging.INFO, __file__, 1, msg, args or None, None)
        rec.__dict__.update(extra)
        return rec

    assert router.owner(record("Spider opened", spider=b.spider)) is b
    assert router.owner(record("Crawled %s", "http://127.0.0.1:8001/tin-tuc/")) is b
    assert router.owner(record("Crawled http://127.0.0.1:800/tin-tức/")) is a
    assert router.owner(record(f"Appending to {tmp_path}/127.0.0.1_8001/articles.jsonl")) is b
    assert router.owner(record("Telnet console listening")) is None
    keep_a = router.filter_for(a)
    assert keep_a(record("Telnet console listening"))
    assert not keep_a(record("Crawled http://127.0.0.1:8001/"))


def test_the_crawls_of_one_process_share_one_extraction_pool():
    from crawler.rebuild import ExtractionPool, PoolLease, SharedPool

    class Crawler:
        pass

    shared, one, two, lone = SharedPool(1), Crawler(), Crawler(), Crawler()
    shared.attach(one)
    shared.attach(two)
    first, second = SharedPool.for_crawler(one, 3), SharedPool.for_crawler(two, 3)
    assert isinstance(first, PoolLease) and first.workers == 1  # the shared pool's size
    assert isinstance(SharedPool.for_crawler(lone, 3), ExtractionPool)  # one site: its own
    try:
        first.start()
        second.start()
        started = shared.pool._executor
        assert started is not None
        first.shutdown()
        assert shared.pool._executor is started  # still running for the second crawl
        with pytest.raises(RuntimeError):
            first.submit(None)  # type: ignore[arg-type]
    finally:
        first.shutdown()
        second.shutdown()
    assert shared.pool._executor is None  # the last lease stopped the processes


def test_one_site_whose_spider_refuses_its_settings_is_one_line(tmp_path):
    """The same failure for one site: one line, exit 2 (it was a traceback: the crawl's
    stats did not exist yet when the command read them)."""
    proc = crawl("http://127.0.0.1:9/", "-o", str(tmp_path / "x"),
                 "-s", "NEWSARCHIVE_WPJSON=sometimes", "--progress", "0")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        "newsarchive crawl: error: bad NEWSARCHIVE_WPJSON 'sometimes' (valid: auto, "
        "always, never)")
    assert "Traceback" not in proc.stderr
