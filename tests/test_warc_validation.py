"""WARCs written from real HTTP exchanges pass every independent reader and checker.

A local HTTP/1.1 server (gzip, deflate, chunked, windows-1258, 301, 404, PNG, empty body)
is fetched over real sockets; the WARC must pass ``warcio check``, FastWARC (reading and
digest verification, Python API and ``fastwarc check``), warctools' ``warcvalid`` and
``archive.check``, and warcio and FastWARC must read back the same records and URLs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator

from archive.check import NOTICE, check_files
from archive.reader import iter_captures
from archive.records import response_headers_for_record
from archive.writer import WarcWriter
from tests.warc_live import PATHS, fetch_all

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    directory = tmp_path_factory.mktemp("live")
    exchanges = fetch_all()
    with WarcWriter(directory, max_size=4000) as writer:
        for ex in exchanges:
            writer.write_exchange(ex, {"outlink": [ex.url + "x/"], "fetchTimeMs": 7})
    return exchanges, writer.closed_files


def test_server_gave_the_cases_we_need(archived):
    exchanges, files = archived
    by_path = {ex.url.split("/", 3)[3]: ex for ex in exchanges}
    assert by_path["old/"].status == 301 and by_path["missing/"].status == 404
    assert ("Transfer-Encoding", "chunked") in by_path["chunked/"].response_headers
    assert by_path["gz/"].body[:2] == b"\x1f\x8b"
    assert len(files) > 1  # rotation happened


def test_warcio_check(archived):
    _, files = archived
    run = subprocess.run([str(BIN / "warcio"), "check", "-v", *map(str, files)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "digest pass" in run.stdout and "fail" not in run.stdout


def test_warcvalid(archived):
    _, files = archived
    run = subprocess.run([str(BIN / "warcvalid"), *map(str, files)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_fastwarc_cli_check(archived):
    _, files = archived
    for path in files:  # fastwarc check takes one file at a time
        run = subprocess.run([str(BIN / "fastwarc"), "check", str(path)],
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr


def test_strict_checker(archived):
    _, files = archived
    report = check_files(files)
    assert report.exit_code == 0, "\n".join(map(str, report.problems))
    assert [p for p in report.problems if p.level != NOTICE] == []


def _warcio_records(files):
    out = []
    for path in files:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                out.append((rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI"),
                            rec.rec_headers.get_header("WARC-Record-ID")))
    return out


def test_fastwarc_reads_same_records_and_digests_verify(archived):
    _, files = archived
    fast = []
    for path in files:
        for rec in FastIterator(str(path), parse_http=False):
            assert rec.verify_block_digest(), rec.record_id  # over the whole block
            fast.append((rec.headers.get("WARC-Type"), rec.headers.get("WARC-Target-URI"),
                         rec.record_id))
        verified = 0
        for rec in FastIterator(str(path), parse_http=True):
            if rec.headers.get("WARC-Payload-Digest"):
                assert rec.verify_payload_digest(), rec.record_id  # over the HTTP payload
                verified += 1
        assert verified >= 2
    assert fast == _warcio_records(files)
    assert sum(1 for t, _, _ in fast if t == "response") == len(PATHS)


def test_round_trip_equals_what_was_fetched(archived):
    exchanges, files = archived
    captures = list(iter_captures(files))
    assert [c.url for c in captures] == [ex.url for ex in exchanges]
    for cap, ex in zip(captures, exchanges, strict=True):
        assert cap.body == ex.body
        assert (cap.status, cap.reason, cap.protocol) == (ex.status, ex.reason, "HTTP/1.1")
        assert cap.headers == response_headers_for_record(ex)
        assert cap.ip_address == "127.0.0.1"
    chunked = next(c for c in captures if c.url.endswith("/chunked/"))
    assert chunked.header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert chunked.header("Content-Length") == str(len(chunked.body))
    by_path = {c.url.split("/", 3)[3]: c for c in captures}
    for path in ("gz/", "deflate/", "chunked/"):
        assert by_path[path].decoded_body() == by_path[""].body
    assert by_path["legacy/"].body.decode("cp1258").startswith("<html>")
    assert by_path["empty/"].reason == "Fine" and by_path["empty/"].body == b""
