"""archive.index: CDXJ identical to cdxj-indexer's, lookups latest-first, the CLI."""

from __future__ import annotations

import gzip
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.cdxj import CdxjEntry, url_key
from archive.errors import ArchiveError
from archive.index import CdxjIndex, cdxj_lines, update_cdxj, write_cdxj
from archive.records import HttpExchange
from archive.writer import WarcWriter
from tests.conftest import REPO, require_benchmarks

CDXJ_INDEXER = Path(sys.executable).parent / "cdxj-indexer"
T0 = datetime(2024, 5, 1, 7, 30, 0, tzinfo=UTC)


def crawl(directory: Path) -> list[Path]:
    html = "<html><title>Tin tức</title></html>".encode()
    with WarcWriter(directory, host="h", pid=1, max_size=2000) as writer:
        for day, url in enumerate(["http://kontumtv.vn/", "http://kontumtv.vn/thoi-su/a/",
                                   "http://kontumtv.vn/", "https://www.kontumtv.vn/",
                                   "http://kontumtv.vn/tin-tức/"]):
            body = gzip.compress(html) if day % 2 else html
            headers = [("Content-Type", "text/html; charset=UTF-8")]
            if day % 2:
                headers.append(("Content-Encoding", "gzip"))
            writer.write_exchange(HttpExchange(
                url, response_headers=headers, body=body, fetched_at=T0 + timedelta(days=day)),
                {"outlink": ["http://kontumtv.vn/x/"]})
        writer.write_exchange(HttpExchange("http://kontumtv.vn/old/", status=301,
                                           response_headers=[("Location", "/new/")],
                                           fetched_at=T0))
    return writer.closed_files


def reference(paths: list[Path]) -> list[str]:
    if not CDXJ_INDEXER.exists():
        pytest.skip(f"{CDXJ_INDEXER} not installed (pip install cdxj-indexer)")
    out = subprocess.run([str(CDXJ_INDEXER), "-s", *map(str, paths)], capture_output=True,
                         text=True, check=True).stdout
    return out.splitlines()


def test_same_as_cdxj_indexer_on_our_warcs(tmp_path):
    files = crawl(tmp_path)
    assert len(files) > 1  # rotation made several files
    ours = cdxj_lines(files)
    assert ours == reference(files)
    assert len(ours) == 6 and all(" 2024050" in line for line in ours)


@pytest.mark.parametrize("name", [
    "pywb-sample-archive/iana.warc.gz", "pywb-sample-archive/example.warc.gz",
    "pywb-sample-archive/dupes.warc.gz", "pywb-sample-archive/post-test.warc.gz",
    "pywb-sample-archive/httpbin-resource.warc.gz", "warcio-test-data/example-resource.warc.gz",
    "warcio-test-data/example-iana.org-chunked.warc", "fastwarc-test-data/warcfile.warc.gz",
    "jwat-warc-test-files/IAH-20080430204825-00000-blackbook.warc.gz",
])
def test_same_as_cdxj_indexer_on_other_crawlers_warcs(name):
    path = require_benchmarks(name)
    assert cdxj_lines([path]) == reference([path])


def test_lookup_latest_first_exact_url_first(tmp_path):
    files = crawl(tmp_path)
    index = CdxjIndex.from_warcs([tmp_path])
    hits = index.lookup("http://kontumtv.vn/")
    # SURT folds https and www. into the same key; the exact URL comes first, latest first
    assert [h.url for h in hits] == ["http://kontumtv.vn/", "http://kontumtv.vn/",
                                     "https://www.kontumtv.vn/"]
    assert hits[0].timestamp == "20240503073000" and hits[1].timestamp == "20240501073000"
    assert index.path_of(hits[0]) in files
    assert index.lookup("http://kontumtv.vn/tin-tức/")[0].url == (
        "http://kontumtv.vn/tin-t%E1%BB%A9c/")
    assert index.lookup("http://kontumtv.vn/nothing/") == []
    (redirect,) = index.lookup("http://kontumtv.vn/old/")
    assert redirect.status == "301" and redirect.mime is None


def test_write_load_round_trip(tmp_path):
    crawl(tmp_path / "warc")
    out = tmp_path / "index.cdxj"
    count = write_cdxj(sorted((tmp_path / "warc").iterdir()), out)
    loaded = CdxjIndex.load(out)
    assert len(loaded) == count == 6
    assert [e.to_line() for e in loaded.entries] == out.read_text().splitlines()
    entry = loaded.lookup("http://kontumtv.vn/thoi-su/a/")[0]
    assert loaded.path_of(entry).parent == tmp_path / "warc"  # DIR/warc/ is searched
    assert entry.digest.startswith("sha1:") and entry.mime == "text/html"


def test_an_updated_index_is_the_index_written_anew(tmp_path):
    """A re-crawl indexes only its new WARCs; the result is what indexing all gives."""
    import os
    import shutil

    first = crawl(tmp_path / "a")
    second = crawl(tmp_path / "b")
    warc = tmp_path / "warc"
    warc.mkdir()
    for path in first[:3]:
        shutil.copy(path, warc / path.name)
    out = tmp_path / "index.cdxj"
    write_cdxj(sorted(warc.iterdir()), out)
    past = out.stat().st_mtime - 60
    for path in warc.iterdir():
        os.utime(path, (past, past))  # written before the index
    for path in second[:2]:          # a later crawl's files (same names: renamed)
        shutil.copy(path, warc / ("later-" + path.name))
    old = [warc / p.name for p in first[:3]]
    old[0].unlink()                  # a file removed since: its lines go
    gone = old[0]
    shutil.copy(second[2], old[1])   # a file changed since (a repair): indexed again
    files = sorted(warc.iterdir())
    count = update_cdxj(files, out)
    assert out.read_text().splitlines() == cdxj_lines(files)
    assert count == len(cdxj_lines(files)) and count > 0
    assert not any(gone.name in line for line in out.read_text().splitlines())
    # a damaged index is not merged into: the index is written anew
    out.write_text("not an index\n")
    assert update_cdxj(files, out) == count
    assert out.read_text().splitlines() == cdxj_lines(files)


def test_bad_index_and_missing_warc(tmp_path):
    bad = tmp_path / "bad.cdxj"
    bad.write_text("com,example)/ 2024 {not json}\n")
    with pytest.raises(ArchiveError, match=r"bad.cdxj:1: not a CDXJ line"):
        CdxjIndex.load(bad)
    index = CdxjIndex([CdxjEntry("k", "20240101000000", url="http://k/", filename="gone.warc.gz")],
                      [tmp_path])
    with pytest.raises(ArchiveError, match="gone.warc.gz not found"):
        index.path_of(index.entries[0])
    with pytest.raises(ArchiveError, match="cannot read index"):
        CdxjIndex.load(tmp_path / "missing.cdxj")


def test_url_key_matches_pywb_convention():
    assert url_key("http://www.kontumtv.vn/Thoi-Su/?b=2&a=1") == "vn,kontumtv)/thoi-su?a=1&b=2"


def test_cli_index(tmp_path):
    crawl(tmp_path / "warc")
    run = subprocess.run([sys.executable, "-m", "crawler", "index", str(tmp_path / "warc"),
                          "--out", "-"], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0 and len(run.stdout.splitlines()) == 6
    run = subprocess.run([sys.executable, "-m", "crawler", "index", str(tmp_path / "nope")],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "no such file" in run.stderr
