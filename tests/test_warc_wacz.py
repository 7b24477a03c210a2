"""archive.wacz: zip layout, STORED WARCs, hashes and sizes, pages.jsonl, the CLI."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from datetime import UTC, datetime

import brotli
import pytest

from archive.errors import ArchiveError
from archive.index import cdxj_lines
from archive.reader import iter_captures
from archive.records import HttpExchange
from archive.wacz import (
    TITLE_SCAN_BYTES,
    compressed_index,
    decoded_head,
    html_title,
    index_members,
    pages_from_warcs,
    verify_wacz,
    write_wacz,
)
from archive.writer import WarcWriter
from tests.conftest import REPO
from tests.pywbutil import PYWB_VENV

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


# --- the compressed index (index.cdx.gz + index.idx) -------------------------------------


def test_compressed_index_blocks_as_py_wacz_writes_them(tmp_path):
    lines = cdxj_lines(crawl(tmp_path / "warc"))
    data, idx = compressed_index(lines, block_lines=2)
    idx_lines = idx.decode().splitlines()
    assert idx_lines[0] == '!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}'
    blocks = [json.loads("{" + line.partition(" {")[2]) for line in idx_lines[1:]]
    assert len(blocks) == 3  # 5 lines in blocks of 2
    assert [b["offset"] for b in blocks] == [0, blocks[0]["length"],
                                             blocks[0]["length"] + blocks[1]["length"]]
    assert sum(b["length"] for b in blocks) == len(data)
    got: list[str] = []
    for line, block in zip(idx_lines[1:], blocks, strict=True):
        member = data[block["offset"]:block["offset"] + block["length"]]
        assert block["digest"] == "sha256:" + hashlib.sha256(member).hexdigest()
        text = zlib.decompress(member, 31).decode()   # one gzip member per block
        assert text.split("{")[0].strip() == line.partition(" {")[0]  # "KEY TIMESTAMP"
        got += text.splitlines()
    assert got == lines
    assert gzip.decompress(data).decode().splitlines() == lines  # also one gzip stream


def test_index_is_compressed_above_the_threshold(tmp_path):
    lines = cdxj_lines(crawl(tmp_path / "warc"))
    size = len("".join(line + "\n" for line in lines).encode())
    assert [m for m, _ in index_members(lines, size)] == ["indexes/index.cdx"]
    assert [m for m, _ in index_members(lines, size - 1)] == ["indexes/index.cdx.gz",
                                                             "indexes/index.idx"]
    out = write_wacz([tmp_path / "warc"], tmp_path / "big.wacz", created=T0,
                     compress_index_over=0)
    assert verify_wacz(out) == []
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "indexes/index.cdx" not in names
        assert zf.getinfo("indexes/index.cdx.gz").compress_type == zipfile.ZIP_STORED
        assert gzip.decompress(zf.read("indexes/index.cdx.gz")).decode().splitlines() == lines
        package = json.loads(zf.read("datapackage.json"))
    assert {"indexes/index.cdx.gz", "indexes/index.idx"} <= {r["path"] for r in
                                                            package["resources"]}


def _rewrite(src, dst, member, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, change(data) if item.filename == member else data)


def test_verify_wacz_checks_the_compressed_index(tmp_path):
    crawl(tmp_path / "warc")
    out = write_wacz([tmp_path / "warc"], tmp_path / "c.wacz", created=T0,
                     compress_index_over=0)
    bad = tmp_path / "bad.wacz"
    _rewrite(out, bad, "indexes/index.idx", lambda d: d.replace(b'"offset": 0', b'"offset": 3'))
    assert any("does not follow" in p for p in verify_wacz(bad))
    _rewrite(out, bad, "indexes/index.idx", lambda d: d.replace(b"sha256:", b"sha256:0"))
    assert any("digest mismatch" in p for p in verify_wacz(bad))
    _rewrite(out, bad, "indexes/index.idx", lambda d: d.replace(b"cdxj-gzip-1.0", b"x"))
    assert any("!meta" in p for p in verify_wacz(bad))


WACZ_TOOL = PYWB_VENV / "bin" / "wacz"


@pytest.mark.skipif(not WACZ_TOOL.exists(),
                    reason=f"py-wacz not installed in the pywb virtualenv ({WACZ_TOOL}; "
                           f"`{PYWB_VENV}/bin/pip install wacz` adds it)")
@pytest.mark.parametrize("compress_over", [1 << 20, 0], ids=["index.cdx", "index.cdx.gz"])
def test_py_wacz_validator_accepts_both_index_forms(tmp_path, compress_over):
    crawl(tmp_path / "warc")
    out = write_wacz([tmp_path / "warc"], tmp_path / "c.wacz", created=T0,
                     compress_index_over=compress_over)
    run = subprocess.run([str(WACZ_TOOL), "validate", "-f", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "the passed WACZ is valid" in run.stdout, (
        run.stdout + run.stderr)[-2000:]


# --- titles: bounded decoding -------------------------------------------------------------


def _bomb() -> bytes:
    """``Content-Encoding: gzip, gzip``: 1 GiB of zeros after a <title>, in a few KB."""
    head = gzip.compress(b"<html><head><title>Bom</title></head><body>", 9)
    zeros = gzip.compress(b"\0" * (1 << 20), 9)          # 1 MiB in about 1 KB
    inner = head + zeros * 1024                            # several members are legal
    return gzip.compress(inner, 9)


def _brotli_bomb() -> bytes:
    """``Content-Encoding: br``: 256 MiB of zeros after a <title>, in about 50 KB."""
    c = brotli.Compressor(quality=1)
    parts = [c.process(b"<html><head><title>Bom</title></head><body>")]
    parts += [c.process(b"\0" * (1 << 24)) for _ in range(16)]
    return b"".join(parts) + c.finish()


@pytest.mark.parametrize("encoding, make, max_size", [("gzip, gzip", _bomb, 8192),
                                                      ("br", _brotli_bomb, 65536)])
def test_title_of_a_decompression_bomb_costs_little(tmp_path, encoding, make, max_size):
    body = make()
    assert len(body) < max_size
    with WarcWriter(tmp_path / "warc", host="h", pid=1) as writer:
        writer.write_exchange(HttpExchange(
            "http://kontumtv.vn/bom/", body=body, fetched_at=T0,
            response_headers=[("Content-Type", "text/html; charset=UTF-8"),
                              ("Content-Encoding", encoding)]))
    capture = next(iter_captures(writer.closed_files))
    tracemalloc.start()
    try:
        pages = pages_from_warcs(writer.closed_files)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [p.title for p in pages] == ["Bom"]
    assert peak < 16 * TITLE_SCAN_BYTES, f"peak {peak} bytes for a {len(body)}-byte body"
    assert len(decoded_head(capture)) == TITLE_SCAN_BYTES
    assert decoded_head(capture, 10) == b"<html><hea"


@pytest.mark.parametrize("encoding, encode", [
    ("gzip", lambda b: gzip.compress(b)),
    ("deflate", zlib.compress),
    ("deflate", lambda b: zlib.compress(b)[2:-4]),   # raw deflate, as many servers send
    ("br", brotli.compress),
    ("identity", lambda b: b),
])
def test_decoded_head_is_a_bounded_prefix(tmp_path, encoding, encode):
    page = b"<title>T</title>" + b"x" * 100_000
    with WarcWriter(tmp_path / "warc", host="h", pid=1) as writer:
        writer.write_exchange(HttpExchange(
            "http://kontumtv.vn/a/", body=encode(page), fetched_at=T0,
            response_headers=[("Content-Type", "text/html"), ("Content-Encoding", encoding)]))
    capture = next(iter_captures(writer.closed_files))
    assert decoded_head(capture, 1000) == page[:1000]
    assert decoded_head(capture, 10**6) == page == capture.decoded_body()
