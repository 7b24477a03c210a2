"""``--replay-from``: the download handler on hand-written WARCs, and whole crawls replayed
from their own archive (no server running) giving the same articles as the live crawl
and as ``newsarchive extract``.

Provenance in the comparison: a replay without capture and ``newsarchive extract`` point
at the latest archived capture of each page, so every provenance field equals the live
crawl's unless the live crawl fetched a page twice (then they may name the later copy:
``warc_offset``, ``warc_length``, ``warc_record_id`` and ``fetched_at`` differ, while
``url`` and ``warc_payload_digest`` are equal). The comparison therefore checks all
article fields and all provenance fields, except for pages captured more than once, where
only ``warc_filename``, ``url`` and ``warc_payload_digest`` are compared.
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.utils.test import get_crawler

from archive.errors import ArchiveError
from archive.index import write_cdxj
from archive.reader import iter_captures, iter_records, read_capture
from archive.records import HttpExchange
from archive.writer import WarcWriter
from crawler import meta
from crawler.cli import main
from crawler.handlers import MISS_HEADER, WarcReplayDownloadHandler, replay_settings
from crawler.items import Provenance
from tests.conftest import REPO, fixture_server

BASE = "http://kontumtv.test"
T0 = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)
HTML = "<html><body><p>Tết ở Kon Tum</p></body></html>".encode()


# --- the handler on a hand-written archive ------------------------------------------------

@pytest.fixture
def archive_dir(tmp_path) -> Path:
    ids = itertools.count(1)
    writer = WarcWriter(tmp_path / "warc", clock=lambda: T0,
                        id_factory=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>",
                        host="test", pid=1)

    def w(path, status=200, body=b"", headers=(), minutes=0):
        writer.write_exchange(HttpExchange(
            url=BASE + path, protocol="HTTP/1.1", status=status, body=body,
            response_headers=list(headers), fetched_at=T0 + timedelta(minutes=minutes)))

    w("/robots.txt", body=b"User-agent: *\n", headers=[("Content-Type", "text/plain")])
    w("/a/", body=b"<html>old</html>", headers=[("Content-Type", "text/html")], minutes=1)
    w("/a/", 503, body=b"busy", headers=[("Content-Type", "text/plain")], minutes=2)
    w("/a/", body=gzip.compress(HTML, mtime=0), minutes=3,
      headers=[("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip")])
    w("/?p=1", 301, headers=[("Location", f"{BASE}/a/")])
    writer.close()
    return tmp_path


def make_handler(paths) -> WarcReplayDownloadHandler:
    crawler = get_crawler(settings_dict=replay_settings(paths))
    return WarcReplayDownloadHandler.from_crawler(crawler)


def fetch(handler, url: str, method: str = "GET"):
    request = Request(url, method=method)
    return request, asyncio.run(handler.download_request(request))


def test_latest_capture_served_as_stored(archive_dir):
    handler = make_handler([archive_dir])
    request, response = fetch(handler, f"{BASE}/a/")
    assert response.status == 200
    assert response.body == gzip.compress(HTML, mtime=0)  # as stored: still gzip
    assert response.headers[b"Content-Encoding"] == b"gzip"
    assert response.protocol == "HTTP/1.1"
    assert "replayed" in response.flags
    # HttpCompressionMiddleware decodes it, as in the live crawl
    mw = HttpCompressionMiddleware.from_crawler(handler.crawler)
    decoded = mw.process_response(request, response)
    assert decoded.body == HTML
    assert decoded.text == "<html><body><p>Tết ở Kon Tum</p></body></html>"
    assert handler.stats.get_value("replay/hit") == 1
    assert handler.stats.get_value("replay/index/urls") == 3


def test_provenance_of_the_archived_record(archive_dir):
    handler = make_handler([archive_dir])
    request, response = fetch(handler, f"{BASE}/a/")
    prov = request.meta[meta.PROVENANCE]
    assert isinstance(prov, Provenance)
    (path,) = (archive_dir / "warc").glob("*.warc.gz")
    assert prov.warc_filename == path.name
    cap = read_capture(path, prov.warc_offset)
    assert cap.record_id == prov.warc_record_id
    assert cap.status == 200 and cap.header("Content-Encoding") == "gzip"
    assert prov.fetched_at == "2024-05-01T01:03:00Z"
    with path.open("rb") as fh:  # offset and length delimit the record's gzip member
        fh.seek(prov.warc_offset)
        assert gzip.decompress(fh.read(prov.warc_length)).startswith(b"WARC/1.0\r\n")


def test_redirect_replayed_and_miss_marked(archive_dir):
    handler = make_handler([archive_dir / "warc"])
    _, response = fetch(handler, f"{BASE}/?p=1")
    assert response.status == 301
    assert response.headers[b"Location"] == f"{BASE}/a/".encode()
    _, response = fetch(handler, f"{BASE}/not-archived/")
    assert response.status == 404
    assert response.headers[MISS_HEADER] == b"miss"
    assert "replay-miss" in response.flags
    assert handler.stats.get_value("replay/miss") == 1
    _, response = fetch(handler, f"{BASE}/robots.txt")
    assert response.status == 200 and response.body == b"User-agent: *\n"


def test_head_and_post(archive_dir):
    handler = make_handler([archive_dir])
    _, response = fetch(handler, f"{BASE}/a/", method="HEAD")
    assert response.status == 200 and response.body == b""
    _, response = fetch(handler, f"{BASE}/a/", method="POST")
    assert response.status == 404  # only GET/HEAD exchanges are replayed


def test_replay_settings_validate_paths(tmp_path, archive_dir):
    settings = replay_settings([archive_dir])
    assert settings["NEWSARCHIVE_REPLAY_FROM"] == [str(archive_dir)]
    assert settings["DOWNLOAD_HANDLERS"]["https"] == "crawler.handlers.WarcReplayDownloadHandler"
    with pytest.raises(ArchiveError, match="no such file or folder"):
        replay_settings([tmp_path / "missing"])


def test_fresh_cdxj_index_is_used_and_gives_the_same_answers(archive_dir):
    scanned = make_handler([archive_dir])
    assert scanned.index.from_cdxj == []
    write_cdxj(sorted((archive_dir / "warc").glob("*.warc.gz")), archive_dir / "index.cdxj")
    indexed = make_handler([archive_dir])
    assert indexed.index.from_cdxj == [archive_dir / "index.cdxj"]
    for path in ("/a/", "/?p=1", "/robots.txt", "/nope/"):
        (r1, a), (r2, b) = fetch(scanned, BASE + path), fetch(indexed, BASE + path)
        assert (a.status, a.body, a.headers) == (b.status, b.body, b.headers)
        assert r1.meta.get(meta.PROVENANCE) == r2.meta.get(meta.PROVENANCE)
    # an index older than the WARCs is not trusted
    (warc,) = (archive_dir / "warc").glob("*.warc.gz")
    os.utime(warc, (time.time() + 60, time.time() + 60))
    assert make_handler([archive_dir]).index.from_cdxj == []


def test_same_second_retry_replays_the_later_capture(tmp_path):
    writer = WarcWriter(tmp_path / "warc", clock=lambda: T0, host="test", pid=1)
    for status, body in ((503, b"busy"), (200, b"<html>ok</html>")):
        writer.write_exchange(HttpExchange(url=f"{BASE}/r/", protocol="HTTP/1.1",
                                           status=status, body=body, fetched_at=T0))
    writer.close()
    _, response = fetch(make_handler([tmp_path]), f"{BASE}/r/")
    assert (response.status, response.body) == (200, b"<html>ok</html>")
    write_cdxj(sorted((tmp_path / "warc").glob("*.warc.gz")), tmp_path / "index.cdxj")
    handler = make_handler([tmp_path])
    assert handler.index.from_cdxj
    _, response = fetch(handler, f"{BASE}/r/")
    assert (response.status, response.body) == (200, b"<html>ok</html>")


# --- whole crawls -------------------------------------------------------------------------

def read_articles(path: Path) -> dict[str, dict]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    assert len(by_id) == len(records), "duplicate article ids in one file"
    return by_id


def recaptured_urls(crawl_dir: Path) -> set[str]:
    """URLs with more than one response record in the crawl's WARCs."""
    counts = Counter(c.url for c in iter_captures(sorted((crawl_dir / "warc").glob("*.gz"))))
    return {url for url, n in counts.items() if n > 1}


def comparable(articles: dict[str, dict], recaptured: set[str]) -> dict[str, dict]:
    """Records with provenance reduced, for pages fetched more than once, to the fields
    that stay equal whichever copy is named (see the module docstring)."""
    out = {}
    for key, record in articles.items():
        record = dict(record)
        record["provenance"] = [
            (p["warc_filename"], p["url"], p["warc_payload_digest"])
            if p["url"] in recaptured else p for p in record["provenance"]]
        out[key] = record
    return out


def run(cmd: list[str], timeout: int = 240) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}"
    return proc


def scrapy_crawl(base: str, out: Path, *settings: str) -> None:
    """The spider as ``scrapy crawl wordpress`` with the output folder as a setting."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "wordpress", "-a", f"url={base}",
           "-s", f"ARCHIVE_DIR={out}", "-s", "LOG_LEVEL=WARNING", "-s", "DOWNLOAD_DELAY=0",
           "-s", "AUTOTHROTTLE_ENABLED=False"]
    for setting in settings:
        cmd += ["-s", setting]
    run(cmd)


def replay_crawl_settings(src: Path) -> list[str]:
    settings = replay_settings([src])
    return [f"NEWSARCHIVE_REPLAY_FROM={','.join(settings['NEWSARCHIVE_REPLAY_FROM'])}",
            f"DOWNLOAD_HANDLERS={json.dumps(settings['DOWNLOAD_HANDLERS'])}"]


def assert_same_articles(live_dir: Path, other: Path) -> None:
    a, b = read_articles(live_dir / "articles.jsonl"), read_articles(other)
    assert sorted(a) == sorted(b), "different sets of articles"
    recaptured = recaptured_urls(live_dir)
    ca, cb = comparable(a, recaptured), comparable(b, recaptured)
    for key in a:
        for field in ca[key]:
            assert ca[key][field] == cb[key][field], f"{a[key]['url']}: field {field} differs"


def write_mini_site(root: Path) -> None:
    """A tiny WordPress-like site: home, a two-page post, a windows-1258 post behind a
    /?p= redirect, a 404."""
    from test_articles import LEHOI, POST_CLASS, TET_P1, TET_P2, page, to_cp1258

    site = root / "site"

    def w(path: str, data: str | bytes) -> None:
        p = site / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode())

    root.mkdir(parents=True, exist_ok=True)
    (root / "routes.json").write_text(json.dumps({
        "origin": BASE, "redirects": {"/?p=13": ["/xa-hoi/le-hoi/", 301]},
        "headers": {"/xa-hoi/le-hoi/": {"Content-Type": "text/html; charset=windows-1258"}},
        "not_found": "404.html"}))
    w("robots.txt", "User-agent: *\nDisallow: /wp-admin/\n")
    home = page("/", "Trang chủ", ["Tin mới"], body_class="home blog", canonical=None)
    w("index.html", home.replace("</article>", (
        f'</article><a href="{BASE}/thoi-su/tet/">Tết</a> <a href="{BASE}/?p=13">Lễ hội</a>'
        f' <a href="{BASE}/missing/">?</a>')))
    tet_links = [f"{BASE}/thoi-su/tet/", f"{BASE}/thoi-su/tet/2/"]
    w("thoi-su/tet/index.html", page("/thoi-su/tet/", "Tết ở Kon Tum", TET_P1,
                                     body_class=POST_CLASS, canonical=f"{BASE}/thoi-su/tet/",
                                     page_links=tet_links))
    w("thoi-su/tet/2/index.html", page("/thoi-su/tet/2/", "Tết ở Kon Tum", TET_P2,
                                       body_class=POST_CLASS + " paged-2 single-paged-2",
                                       canonical=f"{BASE}/thoi-su/tet/2/", page_links=tet_links))
    w("xa-hoi/le-hoi/index.html", to_cp1258(page(
        "/xa-hoi/le-hoi/", "Lễ hội mừng lúa mới", LEHOI,
        body_class=POST_CLASS.replace("12", "13"), canonical=f"{BASE}/xa-hoi/le-hoi/",
        charset="windows-1258")))
    w("404.html", "<html><body class='error404'>Không tìm thấy</body></html>")


@pytest.mark.integration
@pytest.mark.slow
def test_mini_site_replayed_and_reextracted(tmp_path):
    write_mini_site(tmp_path / "site")
    live, replayed = tmp_path / "live", tmp_path / "replayed"
    faults = [{"match": "/thoi-su/tet/2/", "mode": "status", "status": 503, "times": 1}]
    fault_args = [arg for f in faults for arg in ("--fault", json.dumps(f))]
    with fixture_server(tmp_path / "site", *fault_args) as base:
        scrapy_crawl(base, live)
    # what went over the wire: codings every WARC reader can undo, and the gzip body the
    # server sent, stored as received
    records = list(iter_records(sorted((live / "warc").glob("*.warc.gz"))))
    requests = [r for r in records if r.rec_type == "request"]
    assert requests and all(b"\r\nAccept-Encoding: gzip, deflate\r\n" in r.block
                            for r in requests)
    captures = list(iter_captures(sorted((live / "warc").glob("*.warc.gz"))))
    home = next(c for c in captures if c.url == base and c.status == 200)
    assert home.header("Content-Encoding") == "gzip" and home.body[:2] == b"\x1f\x8b"
    # the 503 and its successful retry are both archived (replay serves the later one)
    assert [c.status for c in captures if c.url == f"{base}thoi-su/tet/2/"] == [503, 200]
    # the server is stopped: everything below is served from the archive
    scrapy_crawl(base, replayed, *replay_crawl_settings(live))
    assert not (replayed / "warc").exists()  # no capture while replaying
    articles = read_articles(live / "articles.jsonl")
    assert len(articles) == 2
    tet = next(a for a in articles.values() if a["url"].endswith("/thoi-su/tet/"))
    assert tet["page_count"] == 2 and len(tet["provenance"]) == 2
    assert_same_articles(live, replayed / "articles.jsonl")
    # provenance of the replayed crawl names the records of the live archive
    for record in read_articles(replayed / "articles.jsonl").values():
        for prov in record["provenance"]:
            cap = read_capture(live / "warc" / prov["warc_filename"], prov["warc_offset"])
            assert cap.record_id == prov["warc_record_id"] and cap.url == prov["url"]
    assert main(["extract", str(live), "--out", str(tmp_path / "extracted.jsonl")]) == 0
    assert_same_articles(live, tmp_path / "extracted.jsonl")

    # asked to, a replay captures again: new WARCs, provenance naming them
    recaptured = tmp_path / "recaptured"
    scrapy_crawl(base, recaptured, *replay_crawl_settings(live), "ARCHIVE_CAPTURE_REPLAY=True")
    new_files = {p.name for p in (recaptured / "warc").glob("*.warc.gz")}
    assert new_files and not new_files & {p.name for p in (live / "warc").glob("*.warc.gz")}
    again = read_articles(recaptured / "articles.jsonl")
    assert sorted(again) == sorted(articles)
    for key, record in again.items():
        old = articles[key]
        assert {**record, "provenance": None} == {**old, "provenance": None}
        for prov, old_prov in zip(record["provenance"], old["provenance"], strict=True):
            assert prov["warc_filename"] in new_files
            assert (prov["url"], prov["warc_payload_digest"]) == (
                old_prov["url"], old_prov["warc_payload_digest"])


@pytest.mark.integration
@pytest.mark.slow
def test_kontum_fixture_replayed_from_its_archive(tmp_path, kontum_archive):
    base, live = kontum_archive   # that server is stopped: replay must not fetch
    replayed = tmp_path / "replayed"
    run([sys.executable, "-m", "crawler", "crawl", base, "--out", str(replayed),
         "--replay-from", str(live)])
    live_articles = read_articles(live / "articles.jsonl")
    assert live_articles, "the live crawl produced no articles"
    assert_same_articles(live, replayed / "articles.jsonl")
    assert main(["extract", str(live), "--out", str(tmp_path / "extracted.jsonl")]) == 0
    assert_same_articles(live, tmp_path / "extracted.jsonl")
