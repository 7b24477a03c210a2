"""archive.sidecar: index lines written with the WARC are the lines read back from it,
and are used only while they describe the file as it is."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import archive.index
from archive import sidecar
from archive.index import cdxj_lines, find_warc_files, update_cdxj
from archive.records import REVISIT_NOT_MODIFIED, HttpExchange, build_metadata, build_resource
from archive.writer import WarcWriter, append_records, gzip_member

T0 = datetime(2025, 7, 1, 1, 2, 3, tzinfo=UTC)
HTML = "<html><title>Sáp nhập tỉnh Kon Tum vào Quảng Ngãi</title></html>".encode()


def write_mixed(directory: Path, *, sidecars: bool = True, max_size: int = 3000) -> list[Path]:
    """Every kind of record a crawl writes, across several rotated files."""
    with WarcWriter(directory, host="h", pid=1, max_size=max_size,
                    index_sidecar=sidecars) as writer:
        for n, url in enumerate(["http://baokontum.vn/", "http://baokontum.vn/tin-tức/a/",
                                 "https://www.baokontum.vn/?p=12&x=1"]):
            headers = [("Content-Type", "text/html; charset=UTF-8")]
            body = HTML
            if n == 1:
                headers.append(("Content-Encoding", "gzip"))
                body = gzip.compress(HTML)
            first = writer.write_exchange(HttpExchange(
                url, response_headers=headers, body=body, fetched_at=T0 + timedelta(hours=n)),
                {"outlink": ["http://baokontum.vn/x/"]})
            writer.write_revisit(
                HttpExchange(url, status=304, reason="Not Modified",
                             response_headers=[("ETag", '"v1"')],
                             fetched_at=T0 + timedelta(days=1, hours=n)),
                profile=REVISIT_NOT_MODIFIED, refers_to=first.record_id,
                refers_to_uri=first.url, refers_to_date=T0 + timedelta(hours=n))
        # no Content-Type; a lower-case header name; a windows-1258 header value
        writer.write_exchange(HttpExchange("http://baokontum.vn/robots.txt",
                                           response_headers=[], body=b"User-agent: *\n",
                                           fetched_at=T0))
        writer.write_exchange(HttpExchange(
            "http://baokontum.vn/cu/", status=404,
            response_headers=[("content-type", b"text/html; charset=windows-1258"),
                              ("X-Title", "Kon Tum".encode("cp1258") + b"\xd2")],
            body=b"Kh\xf4ng ti\xccm th\xe2\xecy", fetched_at=T0))  # "Không tìm thấy", cp1258
        writer.write_exchange(HttpExchange("http://baokontum.vn/old/", status=301,
                                           response_headers=[("Location", "/new/")],
                                           fetched_at=T0))
        writer.write_record(build_resource("metadata://newsarchive/crawl.log", b"log\n",
                                           "text/plain", record_id=writer.new_record_id(),
                                           date=T0))
        writer.write_record(build_metadata("http://baokontum.vn/", {"x": "y"},
                                           record_id=writer.new_record_id(), date=T0))
    return writer.closed_files


def without_sidecars(files: list[Path]) -> list[str]:
    for f in files:
        sidecar.remove(f)
    return cdxj_lines(files)


def test_sidecar_lines_are_the_lines_read_back(tmp_path, monkeypatch):
    files = write_mixed(tmp_path)
    assert len(files) > 2
    assert all(sidecar.path_for(f).is_file() for f in files)
    assert not list(tmp_path.glob("*.part"))

    def no_reading(path):
        raise AssertionError(f"{path} read back despite its sidecar")

    with monkeypatch.context() as m:
        m.setattr(archive.index, "iter_parsed", no_reading)
        from_sidecars = cdxj_lines(files)
    assert from_sidecars == without_sidecars(files)
    # what the index holds: responses, revisits (status 304) and the resource
    assert sum(" {\"url\": " in line for line in from_sidecars) == len(from_sidecars) == 10
    assert any('"mime": "warc/revisit", "status": "304"' in line for line in from_sidecars)
    assert any("tin-t%E1%BB%A9c" in line for line in from_sidecars)


def test_dir_root_names_come_from_the_index_not_the_sidecar(tmp_path):
    files = write_mixed(tmp_path / "crawl" / "warc")
    lines = cdxj_lines(files, dir_root=tmp_path)
    assert all('"filename": "crawl/warc/' in line for line in lines)
    assert lines == without_sidecars_root(files, tmp_path)


def without_sidecars_root(files: list[Path], root: Path) -> list[str]:
    for f in files:
        sidecar.remove(f)
    return cdxj_lines(files, dir_root=root)


def test_records_appended_later_extend_the_sidecar(tmp_path, monkeypatch):
    """The crawl appends its log and stats to its last WARC after closing it."""
    files = write_mixed(tmp_path)
    last = files[-1]
    appended = append_records(last, [build_resource(
        "metadata://newsarchive/crawl.log", "nhật ký\n".encode(), "text/plain; charset=utf-8",
        record_id="<urn:uuid:00000000-0000-4000-8000-000000000001>", date=T0)])
    assert sidecar.entries(last) is not None
    with monkeypatch.context() as m:
        m.setattr(archive.index, "iter_parsed", lambda path: pytest.fail(f"{path} read"))
        lines = cdxj_lines(files)
    assert f'"offset": "{appended[0][0]}"' in [ln for ln in lines if "crawl.log" in ln][0]
    assert lines == without_sidecars(files)


def test_a_changed_warc_or_unsealed_sidecar_is_read_back(tmp_path):
    files = write_mixed(tmp_path)
    changed, killed = files[0], files[1]
    extra = build_resource("metadata://newsarchive/note", b"later\n", "text/plain",
                           record_id="<urn:uuid:00000000-0000-4000-8000-000000000002>",
                           date=T0)
    with open(changed, "ab") as fh:  # another tool appends: the sidecar no longer fits
        fh.write(gzip_member(extra.to_bytes(), 6))
    part = sidecar.path_for(killed).with_name(sidecar.path_for(killed).name + ".part")
    sidecar.path_for(killed).rename(part)  # as a kill leaves it: never sealed
    assert sidecar.entries(changed) is None and sidecar.entries(killed) is None
    lines = cdxj_lines(files)
    assert any("metadata://newsarchive/note" in line for line in lines)
    assert lines == without_sidecars(files)


def test_a_sidecar_without_its_seal_is_not_trusted(tmp_path):
    (first, *_) = write_mixed(tmp_path)
    path = sidecar.path_for(first)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("!warc ")
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    assert sidecar.entries(first) is None


def test_a_damaged_sidecar_line_means_reading_the_warc(tmp_path):
    files = write_mixed(tmp_path)
    path = sidecar.path_for(files[0])
    lines = path.read_bytes().split(b"\n")
    lines[0] = b"\xff not a CDXJ line"  # the seal still fits the WARC
    path.write_bytes(b"\n".join(lines))
    assert sidecar.seal(files[0]) is not None and sidecar.entries(files[0]) is None
    assert cdxj_lines(files) == without_sidecars(files)


def test_the_updated_index_consumes_the_sidecars(tmp_path):
    files = write_mixed(tmp_path / "warc")
    out = tmp_path / "index.cdxj"
    expected = cdxj_lines(files)
    assert update_cdxj(find_warc_files([tmp_path / "warc"]), out) == len(expected)
    assert out.read_text(encoding="utf-8").splitlines() == expected
    assert not list((tmp_path / "warc").glob("*.cdxj*"))
    assert find_warc_files([tmp_path / "warc"]) == sorted(files)


def test_no_sidecar_unless_asked(tmp_path):
    files = write_mixed(tmp_path, sidecars=False)
    assert not list(tmp_path.glob("*.cdxj*"))
    assert files


def test_an_unwritable_sidecar_never_stops_the_warc(tmp_path, monkeypatch):
    real_open = open

    def refuse(path, *args, **kwargs):
        if str(path).endswith(".cdxj.part"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refuse)
    files = write_mixed(tmp_path)
    monkeypatch.undo()
    assert files and not list(tmp_path.glob("*.cdxj*"))
    assert len(cdxj_lines(files)) == 10


@pytest.mark.parametrize("head, expected", [
    (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nbody", ("200", "text/html")),
    (b"HTTP/1.0 404 Not Found\r\ncontent-type:  text/plain ; charset=x\r\n\r\n",
     ("404", "text/plain ; charset=x")),
    (b"HTTP/1.1 301 Moved\r\nLocation: /a\r\n\r\n", ("301", None)),
    (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", (None, None)),
])
def test_http_head_as_warcio_reads_it(head, expected):
    assert sidecar._http_head(head) == expected
