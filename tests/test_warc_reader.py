"""archive.reader: read(write(x)) == x, decoded bodies, truncated and corrupt files."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime
from pathlib import Path

import brotli
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.errors import ArchiveError
from archive.reader import iter_captures, iter_records, read_capture
from archive.records import HttpExchange
from archive.writer import WarcWriter

T0 = datetime(2024, 5, 1, 7, 30, 0, tzinfo=UTC)
HTML = "<html><title>Thời sự Kon Tum</title><p>Đắk Hà, Sa Thầy</p></html>"


def write(directory: Path, exchanges, **kw) -> Path:
    with WarcWriter(directory, host="h", pid=1, **kw) as writer:
        for ex in exchanges:
            writer.write_exchange(ex, {"fetchTimeMs": 1})
    (path,) = writer.closed_files
    return path


def exchange(body: bytes, encoding: str | None = None, url: str = "http://kontumtv.vn/a/",
             status: int = 200, reason: str = "") -> HttpExchange:
    headers = [("Content-Type", "text/html; charset=UTF-8")]
    if encoding:
        headers.append(("Content-Encoding", encoding))
    return HttpExchange(url, request_headers=[("User-Agent", "t")], status=status, reason=reason,
                        response_headers=headers + [("Content-Length", str(len(body)))],
                        body=body, ip_address="127.0.0.1", fetched_at=T0)


def test_round_trip_and_locations(tmp_path):
    raw = HTML.encode()
    exchanges = [exchange(raw), exchange(gzip.compress(raw), "gzip", "http://kontumtv.vn/b/"),
                 exchange(b"", url="http://kontumtv.vn/c/", status=404, reason="Not Found")]
    with WarcWriter(tmp_path, host="h", pid=1) as writer:
        locs = [writer.write_exchange(ex) for ex in exchanges]
    (path,) = writer.closed_files
    caps = list(iter_captures([path]))
    assert [c.url for c in caps] == [e.url for e in exchanges]
    for cap, ex, loc in zip(caps, exchanges, locs, strict=True):
        assert (cap.status, cap.protocol, cap.body) == (ex.status, "HTTP/1.1", ex.body)
        assert cap.headers == [(n, str(v)) for n, v in ex.response_headers]
        assert cap.fetched_at == T0 and cap.ip_address == "127.0.0.1"
        assert (cap.offset, cap.length, cap.record_id) == (loc.offset, loc.length, loc.record_id)
        assert cap.payload_digest == loc.payload_digest
        assert read_capture(path, loc.offset) == cap
    assert caps[1].decoded_body() == raw and caps[0].decoded_body() == raw
    assert caps[2].reason == "Not Found"
    types = [r.rec_type for r in iter_records(path)]
    assert types == ["warcinfo"] + ["response", "request"] * 3


@pytest.mark.parametrize("encoding,encode", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
    ("br", brotli.compress),
    ("gzip, br", lambda b: brotli.compress(gzip.compress(b))),
])
def test_decoded_body(tmp_path, encoding, encode):
    path = write(tmp_path, [exchange(encode(HTML.encode()), encoding)])
    (cap,) = iter_captures(path)
    assert cap.decoded_body().decode() == HTML


def test_decoded_body_bad_data_is_one_line_error(tmp_path):
    path = write(tmp_path, [exchange(b"not gzip", "gzip")])
    (cap,) = iter_captures(path)
    with pytest.raises(ArchiveError, match=r"\.warc\.gz:\d+: cannot decode gzip"):
        cap.decoded_body()


def test_windows_1258_body_kept_as_bytes(tmp_path):
    body = "Tin tư\u0301c Kon Tum".encode("cp1258")  # windows-1258: base letter + tone mark
    path = write(tmp_path, [exchange(body)])
    (cap,) = iter_captures(path)
    assert cap.body == body


@pytest.mark.parametrize("cut", [10, 200, 400, 700, -30, -3])
def test_truncated_gz_copies_raise_archive_error(tmp_path, cut):
    path = write(tmp_path / "w", [exchange(HTML.encode() * 20), exchange(b"x" * 3000)])
    data = path.read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[:cut])
    with pytest.raises(ArchiveError) as info:
        list(iter_captures(broken))
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{broken}:")


def test_every_cut_of_a_gz_warc_is_an_archive_error_or_a_record_boundary(tmp_path):
    """warcio raised AttributeError/EOFError for some cut points; every cut must now be
    one line of ArchiveError, unless it falls exactly between two records (then the
    shorter file is a valid WARC holding the records before the cut)."""
    path = write(tmp_path / "w", [exchange(HTML.encode()), exchange(b"x" * 300),
                                  exchange(b"", url="http://kontumtv.vn/b/", status=404)])
    data = path.read_bytes()
    boundaries = {r.offset for r in iter_records(path)}
    captures = list(iter_captures(path))
    broken = tmp_path / "broken.warc.gz"
    # every 3rd byte and both sides of each record boundary (every byte: 3x slower)
    near = {b + d for b in boundaries for d in (-1, 0, 1)}
    cuts = sorted(c for c in {*range(1, len(data), 3), *near} if 0 < c < len(data))
    for cut in cuts:
        broken.write_bytes(data[:cut])
        try:
            got = list(iter_captures(broken))
        except ArchiveError as exc:
            assert "\n" not in str(exc) and str(exc).startswith(f"{broken}:"), (cut, exc)
            assert cut not in boundaries, f"cut {cut} at a record boundary raised {exc}"
        else:
            assert cut in boundaries, f"cut {cut} read {len(got)} captures without an error"
            assert [(c.url, c.offset, c.body) for c in got] == [
                (c.url, c.offset, c.body) for c in captures if c.offset < cut]


@pytest.mark.parametrize("cut", [5, 100, 500, -40])
def test_truncated_plain_copies_raise_archive_error(tmp_path, cut):
    path = write(tmp_path / "w", [exchange(HTML.encode() * 20)])
    plain = gzip.decompress(path.read_bytes())
    broken = tmp_path / "broken.warc"
    broken.write_bytes(plain[:cut])
    with pytest.raises(ArchiveError, match=rf"^{broken}:\d+: "):
        list(iter_captures(broken))


def test_garbage_and_missing_files(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    with pytest.raises(ArchiveError, match="junk.warc.gz:0"):
        list(iter_captures(junk))
    with pytest.raises(ArchiveError, match="cannot open"):
        list(iter_captures(tmp_path / "missing.warc.gz"))
    path = write(tmp_path / "w", [exchange(b"abc")])
    with pytest.raises(ArchiveError, match="not a response"):
        read_capture(path, 0)  # the warcinfo record


header_value = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1, max_size=40).map(str.strip).filter(bool)
header_name = st.from_regex(r"X-[A-Za-z0-9]{1,12}", fullmatch=True)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.lists(st.tuples(header_name, header_value), max_size=6),
       body=st.binary(max_size=2000),
       status=st.sampled_from([200, 203, 206, 301, 302, 404, 410, 500]))
def test_property_read_write_round_trip(tmp_path_factory, headers, body, status):
    directory = tmp_path_factory.mktemp("prop")
    headers = [*headers, ("Content-Length", str(len(body)))]
    ex = HttpExchange("http://kontumtv.vn/tin-tức/?p=1", status=status, response_headers=headers,
                      body=body, fetched_at=T0)
    path = write(directory, [ex])
    (cap,) = iter_captures(path)
    assert cap.body == body
    assert cap.status == status
    assert cap.headers == headers


def test_read_warcinfo(tmp_path):
    from archive.reader import read_warcinfo

    with WarcWriter(tmp_path, warcinfo={"software": "newsarchive 0.1", "robots": "obey",
                                        "operator": "Đài Kon Tum"}) as writer:
        writer.write_exchange(exchange(b"x"))
    (path,) = writer.closed_files
    assert read_warcinfo(path) == {"software": ["newsarchive 0.1"], "robots": ["obey"],
                                   "operator": ["Đài Kon Tum"]}
