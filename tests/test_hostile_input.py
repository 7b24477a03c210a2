"""Bad input never escapes as a traceback, and nothing archived is damaged by it.

Commands answer with one line and exit 2; the WARC reader, the discovery parsers, the
date parser and the extractor give a clean result or a clear error on arbitrary bytes
(Hypothesis); the writer and the repair of unfinished files keep every file valid.
"""

from __future__ import annotations

import errno
import gzip
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.check import check_files
from archive.errors import ArchiveError
from archive.reader import iter_captures, iter_records
from archive.records import HttpExchange
from archive.repair import is_stale, repair, unfinished
from archive.writer import OPEN_SUFFIX, WarcWriter
from crawler import discovery
from crawler import settings as project_settings
from crawler.cli import main
from crawler.commands.crawl import contact_warning
from crawler.extract import extract_page
from crawler.extract.dates import parse_date
from tests.conftest import REPO

T0 = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)


def exchange(n: int) -> HttpExchange:
    body = f"<html><body><p>Bài {n}: tin Kon Tum – Quảng Ngãi</p></body></html>".encode()
    return HttpExchange(url=f"http://kontumtv.test/bai-{n}/", method="GET",
                        request_headers=[("Host", "kontumtv.test")], request_body=b"",
                        protocol="HTTP/1.1", status=200, reason="OK",
                        response_headers=[("Content-Type", "text/html; charset=UTF-8"),
                                          ("Content-Length", str(len(body)))],
                        body=body, ip_address="127.0.0.1", fetched_at=T0)


def write_warc(directory: Path, count: int, **kwargs: object) -> WarcWriter:
    writer = WarcWriter(directory, host="h", pid=1, clock=lambda: T0, **kwargs)
    for n in range(count):
        writer.write_exchange(exchange(n))
    return writer


# --------------------------------------------------------------------------- commands


def one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    last = err.splitlines()[-1]
    assert last.startswith("newsarchive ") and ": error: " in last
    return last


@pytest.mark.parametrize("extra, message", [
    (["http://[::1"], "not a usable URL"),
    (["http://127.0.0.1:9/", "--delay", "inf"], "finite"),
    (["http://127.0.0.1:9/", "--delay", "nan"], "finite"),
    (["http://127.0.0.1:9/", "--delay", "100000"], "at most"),
    (["http://127.0.0.1:9/", "--concurrency", "0"], "at least"),
    (["http://127.0.0.1:9/", "--progress", "-1"], "at least"),
    (["http://127.0.0.1:9/", "--workers", "abc"], "EXTRACT_WORKERS"),
])
def test_crawl_rejects_bad_arguments_before_making_the_folder(tmp_path, capsys, extra,
                                                              message):
    out = tmp_path / "out"
    assert message in one_line_error(capsys, ["crawl", extra[0], "-o", str(out), *extra[1:]])
    assert not out.exists()


@pytest.mark.integration
def test_crawl_rejects_a_bad_setting_in_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "crawler", "crawl", "http://127.0.0.1:9/",
                           "-o", str(tmp_path / "o"), "-s", "EXTRACT_WORKERS=abc"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "Unhandled error" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "newsarchive crawl: error: EXTRACT_WORKERS must be a positive integer or 'auto', "
        "got 'abc'")


@pytest.mark.integration
@pytest.mark.parametrize("args, message", [
    ([], "no URL given"), (["-a", "url=http://[::1"], "not a usable URL"),
    (["-a", "url=http://127.0.0.1:9/", "-a", "since=hôm qua"], "bad --since date")])
def test_scrapy_crawl_with_bad_arguments_prints_one_line(args, message):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "wordpress", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("scrapy crawl wordpress: error: ") and message in last


def test_remote_control_and_telnet_are_off():
    assert project_settings.REMOTE_CONTROL_ENABLED is False  # it runs code it is sent
    assert project_settings.TELNETCONSOLE_ENABLED is False


def test_contact_warning_only_for_real_sites():
    assert contact_warning("https://kontumtv.vn/", None)
    assert "--contact" in contact_warning("https://baoquangngai.vn/", None)
    assert contact_warning("https://kontumtv.vn/", "https://me.example/") is None
    for local in ("http://127.0.0.1:8000/", "http://localhost/", "http://[::1]:80/"):
        assert contact_warning(local, None) is None


def test_every_command_help_has_an_example(capsys):
    from crawler.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        if name == "fixtures":
            inner = next(a for a in command._actions if a.dest == "fixtures_command")
            helps = [p.format_help() for p in inner.choices.values()]
        else:
            helps = [command.format_help()]
        for text in helps:
            assert "example" in text, name


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (gzip.compress(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Len"), "Content-Length"),
    (b"WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
     b"WARC-Date: 2025-07-01T00:00:00Z\r\nContent-Length: 99999999999999999999\r\n\r\nab",
     "truncated record"),
])
@pytest.mark.parametrize("command", ["index", "extract"])
def test_unreadable_warcs_are_one_line_and_exit_2(tmp_path, capsys, content, message,
                                                  command):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    argv = [command, str(path), "-o", str(tmp_path / ("x.jsonl" if command == "extract"
                                                      else "x.cdxj"))]
    assert message in one_line_error(capsys, argv)


def test_check_without_warcs_exits_2_and_names_unfinished_files(tmp_path, capsys):
    assert "no WARC files" in one_line_error(capsys, ["check", str(tmp_path)])
    (tmp_path / "x-h-1.warc.gz.open").write_bytes(b"")
    assert "newsarchive repair" in one_line_error(capsys, ["check", str(tmp_path)])


@pytest.mark.parametrize("command, name", [("extract", "a.jsonl"), ("index", "i.cdxj"),
                                           ("wacz", "a.wacz"), ("export", "ds")])
def test_output_into_a_folder_that_cannot_be_written(tmp_path, capsys, command, name):
    write_warc(tmp_path / "warc", 2).close()
    (tmp_path / "articles.jsonl").write_text("")
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    one_line_error(capsys, [command, str(tmp_path), "-o", str(blocker / name)])
    assert blocker.read_text() == "not a folder"


# --------------------------------------------------------------------------- writer, repair


def test_a_failed_write_leaves_the_file_valid_and_named(tmp_path, monkeypatch):
    writer = write_warc(tmp_path, 3)
    real = writer._fh

    class DiskFull:
        def write(self, data):  # half the data reaches the disk, then ENOSPC
            real.write(bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(real, name)

    writer._fh = DiskFull()
    with pytest.raises(ArchiveError, match="No space left"):
        writer.write_exchange(exchange(9))
    writer._fh = real
    (path,) = writer.close()
    assert not list(tmp_path.glob("*" + OPEN_SUFFIX))
    assert check_files([str(path)]).exit_code == 0
    assert [c.url for c in iter_captures(path)] == [exchange(n).url for n in range(3)]


def test_repair_cuts_after_the_last_whole_record_at_any_cut_point(tmp_path):
    source = tmp_path / "src"
    writer = write_warc(source, 3)
    open_path = writer.current_path
    data = open_path.read_bytes()
    writer.close()
    whole = [offset + length for _r, _b, offset, length in
             ((r.rec_type, r.block, r.offset, r.length) for r in iter_records(
                 next(source.glob("*.warc.gz"))))]
    last_start = whole[-2]
    for cut in range(last_start, len(data) + 1, 7):
        case = tmp_path / f"cut{cut}"
        case.mkdir()
        target = case / open_path.name
        target.write_bytes(data[:cut])
        done = repair(target)
        assert done.path.exists() and not target.exists()
        kept = [end for end in whole if end <= cut]
        assert done.records == len(kept)
        assert done.cut_bytes == cut - kept[-1]
        assert check_files([str(done.path)]).exit_code == 0


def test_only_stale_files_are_repaired(tmp_path):
    import os
    import socket

    from archive.writer import safe_host

    host = safe_host(socket.gethostname())
    mine = tmp_path / f"na-20250701000000000000-00000-{host}-{os.getpid()}.warc.gz.open"
    other_host = tmp_path / "na-20250701000000000000-00000-elsewhere-1.warc.gz.open"
    dead = tmp_path / f"na-20250701000000000000-00000-{host}-999999999.warc.gz.open"
    for path in (mine, other_host, dead):
        path.write_bytes(b"")
    assert unfinished(tmp_path) == sorted([mine, other_host, dead])
    assert [is_stale(p) for p in (mine, other_host, dead)] == [False, False, True]


# --------------------------------------------------------------------------- arbitrary bytes

_hostile = settings(max_examples=150, deadline=2000,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@_hostile
@given(data=st.binary(max_size=3000), gz=st.booleans())
def test_reader_on_arbitrary_bytes_gives_records_or_archive_error(tmp_path, data, gz):
    path = tmp_path / ("x.warc.gz" if gz else "x.warc")
    path.write_bytes(gzip.compress(data) if gz else data)
    try:
        for record in iter_records(path):
            assert record.length > 0
    except ArchiveError as exc:
        assert "\n" not in str(exc)


_warc_like = st.builds(
    lambda head, length, body: (b"WARC/1.0\r\n" + head + b"\r\nContent-Length: "
                                + length.encode() + b"\r\n\r\n" + body),
    st.binary(max_size=200), st.text(alphabet="0123456789-+ x", max_size=25),
    st.binary(max_size=300))


@_hostile
@given(data=_warc_like)
def test_reader_on_warc_like_bytes_gives_records_or_archive_error(tmp_path, data):
    path = tmp_path / "x.warc"
    path.write_bytes(data)
    try:
        list(iter_records(path))
        list(iter_captures(path))
    except ArchiveError as exc:
        assert "\n" not in str(exc)


@_hostile
@given(data=st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(str.encode),
                      st.builds(lambda s: b"<urlset><url><loc>" + s + b"</loc></url></urlset>",
                                st.binary(max_size=200))))
def test_discovery_parsers_on_arbitrary_bytes(data):
    kind, entries = discovery.parse_sitemap(data)
    assert kind in ("", "index", "urlset") and all(isinstance(e.url, str) for e in entries)
    assert all(isinstance(e.url, str) for e in discovery.parse_feed(data))
    assert all(isinstance(e.url, str) for e in discovery.parse_wp_posts(data))
    assert discovery.parse_listing_date(data.decode("latin-1")) is None or True


@_hostile
@given(text=st.text(max_size=200))
def test_date_parser_on_arbitrary_text(text):
    value = parse_date(text)
    assert value is None or isinstance(value, str)


@_hostile
@given(html=st.one_of(st.binary(max_size=4000),
                      st.text(max_size=3000).map(lambda t: f"<html><body><p>{t}</p>".encode())))
def test_extractor_on_arbitrary_bytes(html):
    result = extract_page(html, "http://kontumtv.test/bai/")
    assert (result.article is None) == (result.reason is not None)


def test_a_gzip_bomb_in_a_warc_is_refused_not_unpacked(tmp_path, monkeypatch):
    """A body that decodes past the limit is an ArchiveError naming the record, and
    re-extraction skips that page (logged) instead of using gigabytes of memory."""
    import archive.reader as reader

    bomb = gzip.compress(b" " * (4 << 20), 9)  # 4 MiB of spaces in a few KB
    body_exchange = exchange(0)
    headers = [("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip"),
               ("Content-Length", str(len(bomb)))]
    with WarcWriter(tmp_path, host="h", pid=1, clock=lambda: T0) as writer:
        writer.write_exchange(HttpExchange(**{**body_exchange.__dict__,
                                              "response_headers": headers, "body": bomb}))
    monkeypatch.setattr(reader, "MAX_DECODED_BODY", 1 << 20)
    (capture,) = iter_captures(find_warc(tmp_path))
    from crawler.rebuild import iter_posts_from_warcs

    with pytest.raises(ArchiveError, match="more than 1048576 bytes"):
        capture.decoded_body()
    assert len(capture.decoded_body(max_size=8 << 20)) == 4 << 20
    with WarcWriter(tmp_path, host="h", pid=2, clock=lambda: T0) as writer:
        writer.write_exchange(exchange(1))  # an ordinary page beside the bomb
    stats: dict[str, int] = {}
    list(iter_posts_from_warcs([tmp_path], stats))  # the rebuild goes on past the bomb
    assert stats["undecodable"] == 1  # counted, not a crash, not gigabytes


def find_warc(folder: Path) -> Path:
    (path,) = folder.glob("*.warc.gz")
    return path


def test_workers_auto_is_accepted_and_the_help_shows_the_defaults(tmp_path, capsys):
    from crawler.cli import build_parser

    crawl_help = build_parser()._subparsers._group_actions[0].choices["crawl"].format_help()
    assert "N|auto" in crawl_help and "CPUs" in crawl_help
    assert "default 0.25" in crawl_help  # --delay shows its default
    blocker = tmp_path / "file"
    blocker.write_text("")
    # --workers is the last argument checked: 'auto' passes, the output folder then fails
    assert main(["crawl", "http://127.0.0.1:9/", "-o", str(blocker / "x"), "--workers",
                 "auto"]) == 2
    assert "cannot write to output folder" in capsys.readouterr().err


def test_thousands_of_nested_wrappers_still_give_the_article():
    paragraph = "<p>" + "Tỉnh Kon Tum sáp nhập vào Quảng Ngãi từ ngày 1/7/2025. " * 8 + "</p>"
    for depth in (300, 5000):
        html = ("<html><head><title>Sáp nhập tỉnh</title></head><body>" + "<div>" * depth
                + f"<article><h1>Sáp nhập tỉnh</h1>{paragraph * 3}</article>"
                + "</div>" * depth + "</body></html>").encode()
        result = extract_page(html, "http://kontumtv.test/2025/07/01/sap-nhap/")
        assert result.article is not None, (depth, result.reason)
        assert "Quảng Ngãi" in result.article.text


def test_a_wrapper_run_is_folded_only_from_64_in_any_case():
    from crawler.extract.html import parse_html

    def depth(html: str) -> int:
        tree = parse_html(html)
        return max(sum(1 for _ in el.iterancestors("div")) + 1 for el in tree.iter("div"))

    # 63 in a row stay as written; 64 and more become one, whatever the case and spacing
    assert depth("<body>" + "<div>" * 63 + "x" + "</div>" * 63 + "</body>") == 63
    mixed = "<body>" + '<DIV class="w">\n ' * 40 + "<div >" * 40 + "x" + "</Div >\n" * 80
    assert depth(mixed + "</body>") == 1
    assert depth("<body>" + "<div>" * 64 + "<p>y</p>" + "</div>" * 64 + "</body>") == 1


def test_repair_refuses_a_file_that_is_not_unfinished(tmp_path, capsys):
    finished = tmp_path / "x.warc.gz"
    finished.write_bytes(b"not touched")
    assert "not an unfinished WARC" in one_line_error(capsys, ["repair", str(finished)])
    assert finished.read_bytes() == b"not touched"
