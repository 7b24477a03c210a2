"""archive.writer: golden bytes, file naming, .open + rename, rotation, one member per record.

Golden file: tests/golden/warc_writer.warc holds the *decompressed* bytes of the writer's
output for fixed inputs (clock, ids, host, pid injected). The compressed bytes depend on
the zlib build, so members are compared after decompression, and the member layout is
checked separately. Regenerate only on purpose:

    .venv/bin/python tests/test_warc_writer.py --update-golden
"""

from __future__ import annotations

import gzip
import itertools
import re
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

if __package__ in (None, ""):  # run as a script for --update-golden
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.errors import ArchiveError
from archive.records import HttpExchange
from archive.writer import WarcWriter

GOLDEN = Path(__file__).parent / "golden" / "warc_writer.warc"
T0 = datetime(2024, 5, 1, 7, 30, 0, tzinfo=UTC)
NAME_RE = re.compile(r"^newsarchive-\d{20}-\d{5}-[A-Za-z0-9._]+-\d+\.warc\.gz$")


def fixed_writer(directory: Path, **kw) -> WarcWriter:
    ticks = itertools.count()
    ids = itertools.count(1)
    return WarcWriter(
        directory, clock=lambda: T0 + timedelta(seconds=next(ticks)),
        id_factory=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>",
        warcinfo={"software": "newsarchive/0.1.0 (warcio 1.8.1)", "format": "WARC File Format 1.0",
                  "isPartOf": "crawl-golden", "robots": "obey", "operator": "Kon Tum test"},
        host="testhost", pid=4242, **kw)


def sample_exchanges() -> list[tuple[HttpExchange, dict | None]]:
    html = "<html><head><title>Tin tức Kon Tum</title></head><body>Đắk Tô</body></html>"
    return [
        (HttpExchange(
            "http://kontumtv.vn/robots.txt", request_headers=[("User-Agent", "newsarchive")],
            response_headers=[("Content-Type", "text/plain"), ("Content-Length", "26")],
            body=b"User-agent: *\nDisallow: /x", ip_address="127.0.0.1", fetched_at=T0), None),
        (HttpExchange(
            "http://kontumtv.vn/thời-sự/bài-viết/", request_headers=[("User-Agent", "newsarchive"),
                                                                  ("Accept-Encoding", "gzip")],
            response_headers=[("Content-Type", "text/html; charset=UTF-8"),
                              ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
            body=gzip.compress(html.encode("utf-8"), mtime=0), ip_address="127.0.0.1",
            fetched_at=T0), {"outlink": ["http://kontumtv.vn/", "http://kontumtv.vn/feed/"],
                             "fetchTimeMs": 42}),
        (HttpExchange("http://kontumtv.vn/?p=123", status=301, reason="Moved Permanently",
                      response_headers=[("Location", "http://kontumtv.vn/thoi-su/a/"),
                                        ("Content-Length", "0")], fetched_at=T0), None),
    ]


def write_sample(directory: Path) -> list[Path]:
    with fixed_writer(directory) as writer:
        for exchange, meta in sample_exchanges():
            writer.write_exchange(exchange, meta)
    return writer.closed_files


def members(data: bytes) -> list[bytes]:
    out = []
    while data:
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out.append(d.decompress(data))
        assert d.eof, "truncated gzip member"
        data = d.unused_data
    return out


def test_golden_bytes(tmp_path):
    files = write_sample(tmp_path)
    assert [f.name for f in files] == [
        "newsarchive-20240501073000000000-00000-testhost-4242.warc.gz"]
    parts = members(files[0].read_bytes())
    assert len(parts) == 1 + 3 + 2 + 2  # warcinfo, exchange+metadata, two exchanges
    for part in parts:
        assert part.startswith(b"WARC/1.0\r\n") and part.endswith(b"\r\n\r\n")
        assert part.count(b"WARC/1.0\r\nWARC-Type") == 1, "one record per gzip member"
    if not GOLDEN.exists():
        pytest.fail(f"{GOLDEN} missing: run `.venv/bin/python tests/test_warc_writer.py "
                    f"--update-golden` and review the diff")
    got = b"".join(parts)
    want = GOLDEN.read_bytes()
    if got != want:
        got_lines, want_lines = got.split(b"\r\n"), want.split(b"\r\n")
        for number, (a, b) in enumerate(zip(got_lines, want_lines, strict=False), 1):
            assert a == b, (f"line {number} differs from {GOLDEN.name}: got {a!r}, want {b!r}; "
                            f"if the change is intended run tests/test_warc_writer.py "
                            f"--update-golden")
        assert len(got_lines) == len(want_lines), "output length differs from the golden file"


def test_warcinfo_first_in_each_file_and_rotation(tmp_path):
    with fixed_writer(tmp_path, max_size=600) as writer:
        locations = [writer.write_exchange(ex, meta) for ex, meta in sample_exchanges()]
        assert writer.current_path is not None and writer.current_path.name.endswith(".open")
    files = sorted(tmp_path.iterdir())
    assert len(files) == 3, "each exchange passes 600 bytes, so each gets its own file"
    assert [f.name.split("-")[2] for f in files] == ["00000", "00001", "00002"]
    for path in files:
        assert NAME_RE.match(path.name)
        first = members(path.read_bytes())[0]
        assert b"WARC-Type: warcinfo\r\n" in first
        assert f"WARC-Filename: {path.name}\r\n".encode() in first
    assert [loc.filename for loc in locations] == [f.name for f in files]
    for loc in locations:  # the location points at the response member
        data = (tmp_path / loc.filename).read_bytes()[loc.offset:loc.offset + loc.length]
        record = members(data)
        assert len(record) == 1 and b"WARC-Type: response\r\n" in record[0]
        assert loc.record_id.encode() in record[0]


def test_open_suffix_until_close_and_no_overwrite(tmp_path):
    writer = fixed_writer(tmp_path)
    exchange, _ = sample_exchanges()[0]
    writer.write_exchange(exchange)
    assert [p.suffix for p in tmp_path.iterdir()] == [".open"]
    writer.close()
    writer.close()  # idempotent
    assert [p.name.endswith(".warc.gz") for p in tmp_path.iterdir()] == [True]
    with pytest.raises(ArchiveError, match="closed"):
        writer.write_exchange(exchange)
    again = fixed_writer(tmp_path)  # same clock, host, pid: the name exists already
    with pytest.raises(ArchiveError, match="already exists"):
        again.write_exchange(exchange)


def test_default_names_unique_and_real_clock(tmp_path):
    a = WarcWriter(tmp_path)
    b = WarcWriter(tmp_path)
    exchange, _ = sample_exchanges()[0]
    a.write_exchange(exchange)
    b.write_exchange(exchange)
    a.close()
    b.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 2 and all(NAME_RE.match(n) for n in names)


def test_bad_arguments(tmp_path):
    with pytest.raises(ArchiveError, match="prefix"):
        WarcWriter(tmp_path, prefix="a-b")
    with pytest.raises(ArchiveError, match="gzip_level"):
        WarcWriter(tmp_path, gzip_level=11)
    with pytest.raises(ArchiveError, match="max_size"):
        WarcWriter(tmp_path, max_size=0)


def test_gzip_level_changes_size_not_content(tmp_path):
    sizes = {}
    for level in (1, 9):
        out = tmp_path / str(level)
        with fixed_writer(out, gzip_level=level) as writer:
            for ex, meta in sample_exchanges():
                writer.write_exchange(ex, meta)
        (path,) = writer.closed_files
        sizes[level] = members(path.read_bytes())
    assert sizes[1] == sizes[9]


def _update_golden() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        (path,) = write_sample(Path(tmp))
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(b"".join(members(path.read_bytes())))
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--update-golden"]:
        sys.exit("usage: python tests/test_warc_writer.py --update-golden")
    _update_golden()
