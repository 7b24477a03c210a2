"""archive.wacz: zip layout, STORED WARCs, hashes and sizes, pages.jsonl, the CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from datetime import UTC, datetime

import pytest

from archive.errors import ArchiveError
from archive.index import cdxj_lines
from archive.records import HttpExchange
from archive.wacz import html_title, verify_wacz, write_wacz
from archive.writer import WarcWriter
from tests.conftest import REPO

T0 = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)


def crawl(directory):
    pages = {
        "http://kontumtv.vn/": ("<html><head><title>Trang chủ – Kon Tum</title></head></html>", 200,
                                "text/html; charset=UTF-8"),
        "http://kontumtv.vn/thoi-su/a/": ("<title>Đắk Hà &amp; Sa Thầy</title>", 200, "text/html"),
        "http://kontumtv.vn/cu/": ("<title>Tin cu\u0303</title>", 200,
                                   "text/html; charset=windows-1258"),
        "http://kontumtv.vn/feed/": ("<rss/>", 200, "application/rss+xml"),
        "http://kontumtv.vn/missing/": ("<title>404</title>", 404, "text/html"),
    }
    with WarcWriter(directory, host="h", pid=1, max_size=1500) as writer:
        for url, (text, status, ctype) in pages.items():
            charset = "cp1258" if "1258" in ctype else "utf-8"
            writer.write_exchange(HttpExchange(url, status=status, body=text.encode(charset),
                                               response_headers=[("Content-Type", ctype)],
                                               fetched_at=T0))
    return writer.closed_files


def test_wacz_layout_hashes_and_pages(tmp_path):
    files = crawl(tmp_path / "warc")
    out = write_wacz([tmp_path / "warc"], tmp_path / "c.wacz", created=T0,
                     titles={"http://kontumtv.vn/thoi-su/a/": "Đắk Hà và Sa Thầy"})
    assert verify_wacz(out) == []
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert sorted(n for n in names if n.startswith("archive/")) == sorted(
            f"archive/{f.name}" for f in files)
        for f in files:
            info = zf.getinfo(f"archive/{f.name}")
            assert info.compress_type == zipfile.ZIP_STORED
            assert zf.read(info) == f.read_bytes()
        assert zf.read("indexes/index.cdx").decode().splitlines() == cdxj_lines(files)
        package = json.loads(zf.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1" and package["created"] == "2024-05-01T07:30:00Z"
        for res in package["resources"]:
            data = zf.read(res["path"])
            assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert res["bytes"] == len(data)
        digest = json.loads(zf.read("datapackage-digest.json"))
        assert digest["hash"] == "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest()
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
    assert json.loads(lines[0]) == {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    pages = [json.loads(line) for line in lines[1:]]
    assert [(p["url"], p.get("title")) for p in pages] == [
        ("http://kontumtv.vn/", "Trang chủ – Kon Tum"),
        ("http://kontumtv.vn/thoi-su/a/", "Đắk Hà và Sa Thầy"),  # caller's title wins
        ("http://kontumtv.vn/cu/", "Tin cũ"),                    # windows-1258, NFC
    ]
    assert all(p["ts"] == "2024-05-01T07:30:00Z" and p["id"] for p in pages)


def test_wacz_is_deterministic_with_fixed_created(tmp_path):
    crawl(tmp_path / "warc")
    a = write_wacz([tmp_path / "warc"], tmp_path / "a.wacz", created=T0)
    b = write_wacz([tmp_path / "warc"], tmp_path / "b.wacz", created=T0)
    assert a.read_bytes() == b.read_bytes()


def test_verify_wacz_finds_tampering(tmp_path):
    crawl(tmp_path / "warc")
    out = write_wacz([tmp_path / "warc"], tmp_path / "c.wacz", created=T0)
    tampered = tmp_path / "t.wacz"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "pages/pages.jsonl":
                data += b'{"url": "http://x/", "ts": "2024-01-01T00:00:00Z"}\n'
            dst.writestr(item, data)
    assert any("pages/pages.jsonl: hash mismatch" in p for p in verify_wacz(tampered))
    (tmp_path / "junk.wacz").write_bytes(b"junk")
    assert verify_wacz(tmp_path / "junk.wacz")[0].startswith("not a zip file")


def test_no_warcs_is_an_error(tmp_path):
    with pytest.raises(ArchiveError, match="no WARC files"):
        write_wacz([tmp_path], tmp_path / "x.wacz")
    assert not (tmp_path / "x.wacz").exists()


def test_html_title():
    assert html_title("<TITLE>\n Tin  tức </TITLE>".encode()) == "Tin tức"
    assert html_title(b"<p>none</p>") is None


def test_cli_wacz(tmp_path):
    crawl(tmp_path / "crawl" / "warc")
    (tmp_path / "crawl" / "articles.jsonl").write_text(
        json.dumps({"url": "http://kontumtv.vn/thoi-su/a/", "title": "Bài A"}) + "\n",
        encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "crawler", "wacz", str(tmp_path / "crawl")],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    out = tmp_path / "crawl" / "crawl.wacz"
    assert verify_wacz(out) == []
    with zipfile.ZipFile(out) as zf:
        assert "Bài A" in zf.read("pages/pages.jsonl").decode()
    run = subprocess.run([sys.executable, "-m", "crawler", "wacz", str(tmp_path / "nope")],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
