"""archive.check: JWAT's spec cases (verdict = file name), other crawlers' WARCs, our own
output, hand-made faults, and the ``newsarchive check`` command."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from archive.check import ERROR, NOTICE, WARNING, check_files
from archive.records import HttpExchange, WarcRecord, build_warcinfo, sha1_digest
from archive.writer import WarcWriter
from tests.conftest import BENCHMARKS, REPO, require_benchmarks

JWAT = BENCHMARKS / "jwat-warc-test-files"
JWAT_FILES = sorted(p.name for p in JWAT.glob("*.warc*")) if JWAT.exists() else []
OTHER_DIRS = ("warcio-test-data", "pywb-sample-archive", "fastwarc-test-data")
OTHER_FILES = sorted(
    f"{d}/{p.name}" for d in OTHER_DIRS if (BENCHMARKS / d).exists()
    for p in (BENCHMARKS / d).iterdir() if ".warc" in p.name or ".arc" in p.name)
T0 = datetime(2024, 5, 1, tzinfo=UTC)


@pytest.mark.parametrize("name", JWAT_FILES or ["(missing)"])
def test_jwat_verdict_matches_file_name(name):
    path = require_benchmarks(f"jwat-warc-test-files/{name}")
    report = check_files([path])
    (result,) = report.files
    expected = "invalid" if name.startswith("invalid-") else "valid"  # IAH-...: a real crawl
    details = "; ".join(str(p) for p in result.problems if p.level != NOTICE)
    assert result.status == expected, details or "no problems found"
    assert report.exit_code == (1 if expected == "invalid" else 0)


@pytest.mark.parametrize("name", OTHER_FILES or ["(missing)"])
def test_other_crawlers_files_do_not_crash(name):
    path = require_benchmarks(name)
    (result,) = check_files([path]).files
    assert result.status in ("valid", "invalid", "unreadable")
    if name.endswith((".lz4", ".arc", ".arc.gz")):
        assert result.status == "unreadable"
        assert "unsupported" in result.problems[0].message
    for problem in result.problems:
        assert "\n" not in problem.message


def _exchanges():
    return [
        (HttpExchange("http://kontumtv.vn/", request_headers=[("User-Agent", "t")],
                      response_headers=[("Content-Type", "text/html"),
                                        ("Transfer-Encoding", "chunked")],
                      body="<p>Tin tức</p>".encode(), ip_address="127.0.0.1", fetched_at=T0),
         {"outlink": ["http://kontumtv.vn/a/"], "fetchTimeMs": 3}),
        (HttpExchange("http://kontumtv.vn/x", status=404, body=b"nope", fetched_at=T0), None),
    ]


def test_our_writer_output_is_strictly_valid(tmp_path):
    with WarcWriter(tmp_path, max_size=500) as writer:
        for ex, meta in _exchanges():
            writer.write_exchange(ex, meta)
    report = check_files(writer.closed_files)
    assert report.exit_code == 0, "\n".join(map(str, report.problems))
    assert not [p for p in report.problems if p.level != NOTICE]


def _record(headers: list[tuple[str, str]], block: bytes = b"") -> bytes:
    return WarcRecord(headers, block).to_bytes()


BASE = [("WARC-Type", "resource"), ("WARC-Record-ID", "<urn:uuid:1>"),
        ("WARC-Date", "2024-05-01T00:00:00Z"), ("WARC-Target-URI", "http://a/"),
        ("Content-Type", "text/plain")]


def _check_bytes(tmp_path, data: bytes, name: str = "t.warc"):
    path = tmp_path / name
    path.write_bytes(data)
    (result,) = check_files([path]).files
    return result


def test_digest_mismatch_and_good_digest(tmp_path):
    good = _record(BASE + [("WARC-Block-Digest", sha1_digest(b"hi")), ("Content-Length", "2")],
                   b"hi")
    assert _check_bytes(tmp_path, good).status == "valid"
    bad = good.replace(b"hi\r\n", b"ho\r\n")
    result = _check_bytes(tmp_path, bad)
    assert result.status == "invalid"
    assert any("WARC-Block-Digest mismatch" in p.message for p in result.problems)
    base16 = _record(BASE + [("WARC-Block-Digest", "sha1:" + hashlib.sha1(b"hi").hexdigest()),
                             ("Content-Length", "2")], b"hi")
    assert _check_bytes(tmp_path, base16).status == "valid"
    sha256 = _record(BASE + [("WARC-Block-Digest", "sha256:" + hashlib.sha256(b"hi").hexdigest()),
                             ("Content-Length", "2")], b"hi")
    assert _check_bytes(tmp_path, sha256).status == "valid"


def test_missing_crlf_and_wrong_length(tmp_path):
    data = _record(BASE + [("Content-Length", "3")], b"abc")[:-4] + b"\r\n"
    result = _check_bytes(tmp_path, data + _record(BASE[:1] + [("WARC-Record-ID", "<urn:uuid:2>")]
                                                   + BASE[2:] + [("Content-Length", "0")]))
    assert any("CRLF CRLF" in p.message for p in result.problems if p.level == ERROR)


def test_gzip_member_rules(tmp_path):
    one = _record(BASE + [("Content-Length", "0")])
    two = _record([("WARC-Record-ID", "<urn:uuid:2>") if n == "WARC-Record-ID" else (n, v)
                   for n, v in BASE] + [("Content-Length", "0")])
    ok = _check_bytes(tmp_path, gzip.compress(one) + gzip.compress(two), "ok.warc.gz")
    assert ok.status == "valid", ok.problems
    joined = _check_bytes(tmp_path, gzip.compress(one + two), "joined.warc.gz")
    assert joined.status == "invalid"
    assert any(p.level == WARNING and "gzip member" in p.message for p in joined.problems)
    cut = _check_bytes(tmp_path, (gzip.compress(one) + gzip.compress(two))[:-5], "cut.warc.gz")
    assert any("truncated gzip member" in p.message for p in cut.problems)


def test_duplicate_ids_and_dangling_references(tmp_path):
    info = build_warcinfo({"software": "x"}, record_id="<urn:uuid:i>", date=T0).to_bytes()
    dup = _record(BASE + [("WARC-Concurrent-To", "<urn:uuid:elsewhere>"),
                          ("Content-Length", "0")])
    result = _check_bytes(tmp_path, info + dup + dup)
    messages = [(p.level, p.message) for p in result.problems]
    assert any(lv == ERROR and "already used" in m for lv, m in messages)
    assert any(lv == NOTICE and "not in the checked files" in m for lv, m in messages)


def test_revisit_rules_and_lenient(tmp_path):
    revisit = _record([("WARC-Type", "revisit"), ("WARC-Record-ID", "<urn:uuid:r>"),
                       ("WARC-Date", "2024-05-01T00:00:00Z"), ("WARC-Target-URI", "http://a/"),
                       ("Content-Length", "0")])
    result = _check_bytes(tmp_path, revisit)
    assert any("without WARC-Profile" in p.message for p in result.problems)
    warcinfo_octet = build_warcinfo({"a": "b"}, record_id="<urn:uuid:w>", date=T0).to_bytes()
    warcinfo_octet = warcinfo_octet.replace(b"application/warc-fields", b"application/octet")
    path = tmp_path / "w.warc"
    path.write_bytes(warcinfo_octet)
    assert check_files([path]).exit_code == 1  # a SHOULD broken: invalid when strict
    assert check_files([path], lenient=True).exit_code == 0


def test_cli_exit_codes_and_output(tmp_path):
    with WarcWriter(tmp_path / "ok") as writer:
        for ex, meta in _exchanges():
            writer.write_exchange(ex, meta)
    (good,) = writer.closed_files
    bad = tmp_path / "bad.warc"
    bad.write_bytes(_record(BASE + [("Content-Length", "x")]))
    cmd = [sys.executable, "-m", "crawler", "check"]
    run = subprocess.run(cmd + [str(good)], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0 and "1 valid" in run.stdout.splitlines()[-1]
    run = subprocess.run(cmd + [str(good), str(bad)], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 1
    assert f"{bad}:0: error: Content-Length 'x' is not a number" in run.stdout
    run = subprocess.run(cmd + [str(tmp_path / "missing.warc")], capture_output=True, text=True,
                         cwd=REPO)
    assert run.returncode == 2 and "cannot open" in run.stdout


def test_bracketed_target_uri_only_in_warc_1_0(tmp_path):
    rec = _record([("WARC-Type", "resource"), ("WARC-Record-ID", "<urn:uuid:b>"),
                   ("WARC-Date", "2024-05-01T00:00:00Z"), ("WARC-Target-URI", "<http://a/>"),
                   ("Content-Type", "text/plain"), ("Content-Length", "0")])
    assert _check_bytes(tmp_path, rec).status == "valid"
    result = _check_bytes(tmp_path, rec.replace(b"WARC/1.0", b"WARC/1.1"), "v11.warc")
    assert any("in <> in a WARC/1.1 record" in p.message for p in result.problems)


def test_http_block_rules(tmp_path):
    head = [("WARC-Type", "response"), ("WARC-Record-ID", "<urn:uuid:h>"),
            ("WARC-Date", "2024-05-01T00:00:00Z"), ("WARC-Target-URI", "http://a/"),
            ("Content-Type", "application/http; msgtype=response")]
    good = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
    assert _check_bytes(tmp_path, _record(head + [("Content-Length", str(len(good)))], good)
                        ).status == "valid"
    bad = b"HTTPX/1.1 200 OK\r\n\r\nhi"
    result = _check_bytes(tmp_path, _record(head + [("Content-Length", str(len(bad)))], bad))
    assert any("does not start with an HTTP status line" in p.message for p in result.problems)
    wrong = [(n, v.replace("response", "request") if n == "Content-Type" else v)
             for n, v in head]
    result = _check_bytes(tmp_path, _record(wrong + [("Content-Length", str(len(good)))], good))
    assert any("msgtype=request" in p.message for p in result.problems)
