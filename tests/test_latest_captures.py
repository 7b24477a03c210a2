"""The latest-capture rule (archive.index.LatestCaptures) and the on-disk table behind it
(archive.scratch.CaptureTable): upsert, latest wins, first-seen order, the temporary
file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive import scratch
from archive.errors import ArchiveError
from archive.index import LatestCaptures, write_cdxj
from archive.records import HttpExchange
from archive.scratch import CaptureTable, ScratchSet
from archive.writer import WarcWriter
from tests.conftest import REPO

T0 = datetime(2024, 5, 1, 7, 30, 0, tzinfo=UTC)
HTML = [("Content-Type", "text/html; charset=UTF-8")]


def rows(table: CaptureTable) -> list[tuple]:
    return list(table)


@pytest.fixture(params=[1, 2000], ids=["batch1", "batch2000"])
def table(request, monkeypatch):
    monkeypatch.setattr(scratch, "BATCH_ROWS", request.param)  # flushes mid-fill, or once
    t = CaptureTable()
    yield t
    t.close()


def test_latest_wins_and_first_seen_order_is_kept(table):
    table.offer("http://a/", 0, 100, 200, "text/html", "20240501000000")
    table.offer("http://b/", 0, 200, 200, "text/html", "20240501000000")
    table.offer("http://a/", 0, 300, 301, "text/html", "20240502000000")  # later: wins
    table.offer("http://b/", 0, 400, 404, "text/html", "20240430000000")  # earlier: loses
    table.offer("http://c/", 0, 500, 200, "text/css", "20240501000000")
    table.finish()
    assert rows(table) == [("http://a/", 0, 300, 301, "text/html", "20240502000000"),
                           ("http://b/", 0, 200, 200, "text/html", "20240501000000"),
                           ("http://c/", 0, 500, 200, "text/css", "20240501000000")]
    assert len(table) == 3
    assert table.get("http://b/") == ("http://b/", 0, 200, 200, "text/html", "20240501000000")
    assert table.get("http://d/") is None


def test_within_one_second_the_later_file_then_offset_wins(table):
    stamp = "20240501000000"
    table.offer("http://a/", 1, 900, 503, "text/html", stamp)
    table.offer("http://a/", 0, 999, 200, "text/html", stamp)  # earlier file: loses
    table.offer("http://b/", 1, 500, 503, "text/html", stamp)
    table.offer("http://b/", 1, 600, 200, "text/html", stamp)  # later in the file: wins
    table.offer("http://c/", 1, 700, 200, "text/html", stamp)
    table.offer("http://c/", 1, 700, 302, "text/html", stamp)  # same rank: the last offered
    table.finish()
    assert [(r[0], r[3]) for r in rows(table)] == [("http://a/", 503), ("http://b/", 200),
                                                   ("http://c/", 302)]


def test_iteration_is_lazy_and_get_works_meanwhile(table):
    for i in range(50):
        table.offer(f"http://x/{i}", 0, i, 200, "text/html", "20240501000000")
    table.finish()
    found = []
    for row in table:  # a cursor open while other queries run on the same connection
        found.append(table.get(row[0])[2])
    assert found == list(range(50))


def test_a_full_temporary_folder_is_one_archive_error(monkeypatch):
    real = scratch.scratch_database

    def tiny():
        db = real()
        db.execute("PRAGMA max_page_count=3")  # as a full disk: SQLITE_FULL
        return db

    monkeypatch.setattr(scratch, "scratch_database", tiny)
    monkeypatch.setattr(scratch, "BATCH_ROWS", 10)
    table = CaptureTable()
    with pytest.raises(ArchiveError, match="temporary table: .*full.* TMPDIR"):
        for i in range(5000):
            table.offer(f"http://example.test/{i:06d}/" + "x" * 60, 0, i, 200, "text/html",
                        "20240501000000")


TEMP_FILE_CHILD = textwrap.dedent("""
    import os, sys
    from archive import scratch
    scratch.CACHE_KIB = 64  # spill to the file early
    def temp_files():
        out = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith(sys.argv[1]):
                out.append(target)
        return out
    table = scratch.CaptureTable()
    for i in range(20000):
        table.offer(f"http://example.test/post-{i}/", 0, i, 200, "text/html", "20240501000000")
    table.finish()
    assert table.get("http://example.test/post-19999/")[2] == 19999
    print("open:", temp_files())
    table.close()
    print("closed:", temp_files())
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd")
def test_the_table_spills_to_an_unlinked_temporary_file_gone_on_close(tmp_path):
    folder = tmp_path / "tmp"
    folder.mkdir()
    out = subprocess.run([sys.executable, "-c", TEMP_FILE_CHILD, str(folder)], cwd=REPO,
                         env={"TMPDIR": str(folder), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True).stdout.splitlines()
    opened = out[0].removeprefix("open: ")
    assert str(folder) in opened and "(deleted)" in opened  # on disk, already unlinked
    assert out[1] == "closed: []"
    assert list(folder.iterdir()) == []  # nothing left behind


def test_an_unusable_tmpdir_falls_back_to_another_temporary_folder(tmp_path):
    # SQLite tries SQLITE_TMPDIR, TMPDIR, /var/tmp, /usr/tmp, /tmp, "." in turn
    child = ("from archive import scratch\n"
             "scratch.CACHE_KIB = 64\n"
             "t = scratch.CaptureTable()\n"
             "[t.offer(f'http://e.test/{i}/', 0, i, 200, 'text/html', '2024') "
             "for i in range(20000)]\n"
             "t.finish(); print(len(t)); t.close()\n")
    out = subprocess.run([sys.executable, "-c", child], cwd=REPO,
                         env={"TMPDIR": str(tmp_path / "missing"), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "20000"


# ----------------------------------------------------------------- LatestCaptures


def write_archive(folder: Path) -> Path:
    """Two WARC files: the second re-fetches a page; a 404 and a revisit-free redirect."""
    warc = folder / "warc"

    def exchange(url, status=200, days=0, headers=HTML, body=b"<html></html>"):
        return HttpExchange(url, status=status, response_headers=headers, body=body,
                            fetched_at=T0 + timedelta(days=days))

    with WarcWriter(warc, host="h", pid=1, prefix="a") as writer:
        writer.write_exchange(exchange("http://k.test/"))
        writer.write_exchange(exchange("http://k.test/a/", body=b"<html>old</html>"))
        writer.write_exchange(exchange("http://k.test/old/", 301,
                                       headers=[("Location", "/a/")]))
        writer.write_exchange(exchange("http://k.test/style.css",
                                       headers=[("Content-Type", "text/css")]))
    with WarcWriter(warc, host="h", pid=1, prefix="b") as writer:
        writer.write_exchange(exchange("http://k.test/a/", days=1, body=b"<html>new</html>"))
        writer.write_exchange(exchange("http://k.test/", 404, days=1))  # not accepted below
        writer.write_exchange(exchange("http://k.test/b/", days=1))
    return folder


def html_or_redirect(status: int, mime: str) -> bool:
    return status in (301, 302) or (status == 200 and mime == "text/html")


def summary(latest: LatestCaptures) -> list[tuple[str, int, str]]:
    return [(loc.url, loc.status, loc.path.name[0]) for loc in latest]


@pytest.mark.parametrize("with_index", [False, True], ids=["scan", "cdxj"])
def test_latest_captures_from_warcs_or_index(tmp_path, with_index):
    folder = write_archive(tmp_path)
    if with_index:
        files = sorted((folder / "warc").iterdir())
        write_cdxj(files, folder / "index.cdxj")
    with LatestCaptures([folder], accept=html_or_redirect) as latest:
        assert bool(latest.from_cdxj) == with_index
        # first-seen order (the index's lines are in SURT order); the re-fetched page
        # from file b; the later 404 is not accepted and does not hide the earlier 200;
        # the CSS is not accepted at all
        expected = [("http://k.test/", 200, "a"), ("http://k.test/a/", 200, "b"),
                    ("http://k.test/old/", 301, "a"), ("http://k.test/b/", 200, "b")]
        if with_index:
            expected = [expected[i] for i in (0, 1, 3, 2)]
        assert summary(latest) == expected
        assert len(latest) == 4
        found = latest.get("http://k.test/a/")
        assert found is not None and found.rank[1] == 1 and found.mime == "text/html"
        assert latest.get("http://k.test/style.css") is None
        assert latest.get("http://k.test/nowhere/") is None
    with LatestCaptures([folder]) as every:  # no accept: the latest of anything
        assert ("http://k.test/", 404, "b") in summary(every)
        assert ("http://k.test/style.css", 200, "a") in summary(every)


def test_scratch_set():
    with ScratchSet() as seen:
        assert seen.add("a1b2c3") and seen.add(b"bytes too")
        assert not seen.add("a1b2c3")  # already there: not new
        assert "a1b2c3" in seen and "other" not in seen
        assert len(seen) == 2
