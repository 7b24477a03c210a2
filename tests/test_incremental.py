"""Scheduled re-crawls of the same site into the same folder (crawler.incremental).

One copy of the kontumtv fixture, served for the module, crawled into one folder:

- run 1: a full crawl;
- run 2: the site unchanged: no article body fetched again (304s and revisits only), no
  new article line, under 30% of run 1's downloaded bytes;
- two articles edited in the copy (text, and their sitemap ``lastmod``, as WordPress
  does), run 3: exactly those two get a version 2, linked to version 1;
- run 4 with ``--full``: every archived post asked again (conditionally): 304s, archived
  as server-not-modified revisits, nothing new.

Every WARC stays valid for our checker, warcio and FastWARC; ``extract``, ``export`` and
``--replay-from`` read revisits; pywb replays a 304 revisit with the original payload.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from fixtures.sitegen.edit import EDIT, edit_posts
from tests.conftest import KONTUM, REPO, check_all_readers, fixture_server, run_crawl
from tests.pywbutil import pywb_missing_reason, pywb_replay, replay_url

pytestmark = pytest.mark.integration

EDITED = ("du-lich/chinh-phuc-dinh-ngoc-linh", "du-lich/du-lich-long-ho-thuy-dien-ya-ly")
NOT_MODIFIED = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"
IDENTICAL = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"


def _records(files: list[Path]) -> list[dict]:
    out = []
    for path in files:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                h = rec.rec_headers
                out.append({"type": rec.rec_type, "uri": h.get_header("WARC-Target-URI"),
                            "id": h.get_header("WARC-Record-ID"),
                            "date": h.get_header("WARC-Date"),
                            "profile": h.get_header("WARC-Profile"),
                            "refers_to": h.get_header("WARC-Refers-To"),
                            "refers_uri": h.get_header("WARC-Refers-To-Target-URI"),
                            "refers_date": h.get_header("WARC-Refers-To-Date"),
                            "status": rec.http_headers.get_statuscode()
                            if rec.http_headers else None})
    return out


def _run(base: str, out: Path, *extra: str) -> dict:
    before = set((out / "warc").glob("*.warc.gz")) if (out / "warc").exists() else set()
    started = time.monotonic()
    proc = run_crawl(base, "--out", str(out), *extra, timeout=240)
    wall = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    files = sorted(set((out / "warc").glob("*.warc.gz")) - before)
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    records = _records(files)
    by_type: dict[str, int] = {}
    for rec in records:
        by_type[rec["type"]] = by_type.get(rec["type"], 0) + 1
    lines = (out / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return {"stats": stats, "files": files, "records": records, "by_type": by_type,
            "lines": lines, "wall": wall, "summary": proc.stdout}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("recrawl")
    site = root / "site"
    shutil.copytree(KONTUM, site)
    out = root / "crawl"
    with fixture_server(site) as base:
        first = _run(base, out)
        second = _run(base, out)
        time.sleep(1.1)  # the edit is a second after run 2's fetches, as in life
        edit_posts(site, list(EDITED))
        third = _run(base, out)
        fourth = _run(base, out, "--full")
    return {"base": base, "out": out, "site": site, 1: first, 2: second, 3: third, 4: fourth}


def _post_urls(run: dict) -> set[str]:
    return {json.loads(line)["url"] for line in run["lines"]}


def test_run_2_fetches_no_article_again_and_writes_nothing_new(runs):
    first, second = runs[1], runs[2]
    assert len(first["lines"]) == 50
    assert second["lines"] == first["lines"]  # articles.jsonl untouched
    posts = _post_urls(first)
    responses = [r for r in second["records"] if r["type"] == "response"]
    assert not [r for r in responses if r["uri"] in posts]  # no article body again
    assert second["stats"].get("recrawl/kept", 0) >= 50
    assert second["stats"]["newsarchive/pagination/stopped"] > 0
    ratio = (second["stats"]["downloader/response_bytes"]
             / first["stats"]["downloader/response_bytes"])
    assert ratio < 0.30, ratio
    assert "re-crawl" in second["summary"]


def test_unchanged_pages_are_archived_as_revisits_of_the_archived_capture(runs):
    earlier = {r["id"]: r for n in (1, 2, 3, 4) for r in runs[n]["records"]}
    revisits = [r for n in (2, 3, 4) for r in runs[n]["records"] if r["type"] == "revisit"]
    assert revisits
    assert {r["profile"] for r in revisits} == {NOT_MODIFIED}  # the fixture answers 304s
    for rev in revisits:
        original = earlier[rev["refers_to"]]
        assert original["type"] == "response" and original["status"] == "200"
        assert rev["refers_uri"] == original["uri"] == rev["uri"]
        assert rev["refers_date"] == original["date"]
        assert rev["status"] == "304"
    check_all_readers(runs["out"])  # our checker, warcio, FastWARC: every file valid


def test_run_3_writes_exactly_the_two_edited_articles_as_new_versions(runs):
    before, third = runs[2]["lines"], runs[3]["lines"]
    assert third[:len(before)] == before  # appended only
    new = [json.loads(line) for line in third[len(before):]]
    assert sorted(r["url"].split("/", 3)[3].rstrip("/") for r in new) == sorted(EDITED)
    first = {json.loads(line)["id"]: json.loads(line) for line in before}
    for record in new:
        old = first[record["id"]]
        assert record["version"] == 2 and old["version"] == 1
        assert record["previous_version"] == old["record_id"] == f"{record['id']}.1"
        assert record["record_id"] == f"{record['id']}.2"
        assert record["text"].startswith(EDIT.strip()) and not old["text"].startswith(EDIT[:9])
        assert record["provenance"][0]["warc_filename"] in {p.name for p in runs[3]["files"]}
    stats = runs[3]["stats"]
    assert stats["recrawl/changed"] == 2 and stats["articles/new_versions"] == 2
    db = sqlite3.connect(runs["out"] / "state.sqlite")
    try:
        assert db.execute("SELECT COUNT(*), MAX(version) FROM versions").fetchone() == (52, 2)
        posts = db.execute("SELECT COUNT(*) FROM urls WHERE kind = 'post' AND canonical IS "
                           "NOT NULL AND etag IS NOT NULL AND record_id IS NOT NULL").fetchone()
        assert posts[0] >= 50  # every post: its canonical article, validators, capture
    finally:
        db.close()


def test_full_recrawl_asks_every_post_again_and_finds_it_unchanged(runs):
    fourth = runs[4]
    assert fourth["lines"] == runs[3]["lines"]
    posts = _post_urls(runs[1])
    asked = {r["uri"] for r in fourth["records"] if r["type"] == "revisit"}
    assert posts <= asked  # every post asked, every one a 304
    assert fourth["stats"]["recrawl/full"] >= len(posts)
    assert fourth["stats"]["http/not_modified"] >= len(posts)


def test_extract_export_and_replay_read_the_archive_with_revisits(runs, tmp_path):
    out = runs["out"]
    rebuilt = tmp_path / "articles.jsonl"
    proc = subprocess.run([sys.executable, "-m", "crawler", "extract", str(out), "--out",
                           str(rebuilt)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = [json.loads(line) for line in rebuilt.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 50  # the latest full capture of each post
    edited = [r for r in records if r["text"].startswith(EDIT.strip())]
    assert len(edited) == 2
    for flags, rows in (([], 50), (["--all-versions"], 52)):
        dest = tmp_path / f"export{len(flags)}"
        proc = subprocess.run([sys.executable, "-m", "crawler", "export", str(out), "--out",
                               str(dest), "-q", "--no-exact-dedup", "--no-near-dedup", *flags],
                              cwd=REPO, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
        lines = [json.loads(line) for f in sorted((dest / "data").glob("*.jsonl"))
                 for line in f.read_text(encoding="utf-8").splitlines()]
        assert len(lines) == rows
        if not flags:
            assert sum(r["text"].startswith(EDIT.strip()) for r in lines) == 2
            assert {r["version"] for r in lines if r["text"].startswith(EDIT.strip())} == {2}
    replayed = tmp_path / "replayed"
    proc = run_crawl(runs["base"], "--out", str(replayed), "--replay-from", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    again = (replayed / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(again) == 50


def test_a_lost_state_is_rebuilt_from_the_warcs(runs, tmp_path):
    """state.sqlite is a cache of the archive: deleted, it is rebuilt from the WARCs, with
    each URL's latest full capture and its validators."""
    out = tmp_path / "crawl"
    shutil.copytree(runs["out"], out)
    for name in ("state.sqlite", "state.sqlite-wal", "state.sqlite-shm"):
        (out / name).unlink(missing_ok=True)
    from crawler.incremental import rebuild_state
    from crawler.state import CrawlState

    with CrawlState(out / "state.sqlite") as state:
        n = rebuild_state(state, out / "warc")
        assert n > 200
        post = json.loads(runs[1]["lines"][0])["url"]
        entry = state.url(post)
        assert entry is not None and entry.has_capture and entry.status == 200
        assert entry.etag  # validators come back from the archived headers


@pytest.mark.pywb
@pytest.mark.skipif(pywb_missing_reason() is not None, reason=pywb_missing_reason() or "")
def test_pywb_replays_a_304_revisit_with_the_original_payload(runs):
    revisit = next(r for r in runs[4]["records"]
                   if r["type"] == "revisit" and r["uri"] in _post_urls(runs[1]))
    stamp = re.sub(r"\D", "", revisit["date"])[:14]
    files = sorted((runs["out"] / "warc").glob("*.warc.gz"))
    import urllib.request

    with pywb_replay(files) as base:
        with urllib.request.urlopen(replay_url(base, stamp, revisit["uri"]), timeout=30) as r:
            status, body = r.status, r.read()
    assert status == 200
    text = body.decode("utf-8", "replace")
    assert "entry-content" in text  # the archived article page, not an empty 304


def test_wacz_of_a_recrawled_folder_is_valid_and_replays_without_304s(runs, tmp_path):
    """The WACZ index is a replay index: the 304 revisits are left out (pywb would serve
    them as empty pages), every other record is listed; py-wacz validates the package."""
    import zipfile

    from archive.index import cdxj_lines, find_warc_files
    from tests.pywbutil import PYWB_VENV

    out = tmp_path / "c.wacz"
    proc = subprocess.run([sys.executable, "-m", "crawler", "wacz", str(runs["out"]), "--out",
                           str(out)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with zipfile.ZipFile(out) as z:
        name = next(n for n in z.namelist() if n.startswith("indexes/index.cdx"))
        data = z.read(name)
    if name.endswith(".gz"):
        import gzip

        data = gzip.decompress(data)
    lines = data.decode("utf-8").splitlines()
    full = cdxj_lines(find_warc_files([runs["out"]]))
    assert len([ln for ln in full if '"status": "304"' in ln and "warc/revisit" in ln]) > 50
    assert not [ln for ln in lines if '"status": "304"' in ln and "warc/revisit" in ln]
    assert len(lines) == len(full) - sum(1 for ln in full if '"status": "304"' in ln
                                         and "warc/revisit" in ln)
    tool = PYWB_VENV / "bin" / "wacz"
    if tool.exists():
        run = subprocess.run([str(tool), "validate", "-f", str(out)], capture_output=True,
                             text=True, timeout=300)
        assert run.returncode == 0 and "the passed WACZ is valid" in run.stdout, (
            run.stdout + run.stderr)[-2000:]


def test_a_damaged_state_file_is_moved_aside_and_rebuilt(tmp_path):
    """Garbage in DIR/state.sqlite (a disk error, a stray copy) is kept aside, never
    deleted, and a new state is made; nothing else in DIR is touched."""
    from crawler.incremental import _open_state
    from crawler.state import CrawlState

    path = tmp_path / "state.sqlite"
    path.write_bytes(b"not a database, but someone's data all the same\n" * 20)
    state = _open_state(path)
    try:
        assert isinstance(state, CrawlState) and len(state) == 0
    finally:
        state.close()
    (aside,) = tmp_path.glob("state.sqlite.damaged-*")
    assert aside.read_bytes().startswith(b"not a database")
