"""WarcCaptureMiddleware / WarcMetadataMiddleware on hand-built requests and responses."""

from __future__ import annotations

import gzip
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archive.errors import ArchiveError
from archive.reader import iter_captures, iter_records, read_capture
from crawler import meta
from crawler.items import Provenance
from crawler.middlewares import (
    FINISH_REASON_WRITE_ERROR,
    WarcCaptureMiddleware,
    WarcMetadataMiddleware,
    WarcSession,
)

BASE = "http://kontumtv.test"
HTML = "<html><head><title>Tết ở Kon Tum</title></head><body><p>Xin chào</p></body></html>"


class FixedClock:
    """One second later at every call, from a fixed start."""

    def __init__(self) -> None:
        self.now = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def make_ids():
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>"


def make_crawler(tmp_path: Path, **extra):
    settings = {
        "ARCHIVE_DIR": str(tmp_path),
        "ARCHIVE_CLOCK": FixedClock(),
        "ARCHIVE_ID_FACTORY": make_ids(),
        "NEWSARCHIVE_CRAWL_ID": "crawl-test-1",
        "USER_AGENT": "newsarchive-test/0.1 (+http://example.invalid/contact)",
        "ROBOTSTXT_OBEY": True,
        "ARCHIVE_OPERATOR": "Test Operator",
        **extra,
    }
    return get_crawler(settings_dict=settings)


def capture(mw: WarcCaptureMiddleware, request: Request, response: Response) -> Response:
    mw.process_request(request)
    return mw.process_response(request, response)


def warc_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "warc").glob("*.warc.gz"))


@pytest.fixture
def setup(tmp_path):
    crawler = make_crawler(tmp_path)
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    mw.session.open()
    yield crawler, mw
    mw.session.close()


def test_gzip_body_stays_gzip_with_its_content_encoding(setup, tmp_path):
    crawler, mw = setup
    raw = gzip.compress(HTML.encode("utf-8"), mtime=0)
    request = Request(f"{BASE}/thoi-su/tet/", headers={"Accept-Encoding": "gzip, deflate"})
    response = Response(request.url, status=200, body=raw, request=request,
                        protocol="HTTP/1.1",
                        headers={"Content-Type": "text/html; charset=UTF-8",
                                 "Content-Encoding": "gzip",
                                 "Content-Length": str(len(raw))})
    out = capture(mw, request, response)
    assert out is response  # the response goes on unchanged
    mw.session.close()
    (cap,) = list(iter_captures(warc_files(tmp_path)))
    assert cap.body == raw
    assert cap.header("Content-Encoding") == "gzip"
    assert cap.header("Content-Length") == str(len(raw))
    assert cap.decoded_body().decode("utf-8") == HTML


def test_chunked_transfer_encoding_is_renamed(setup, tmp_path):
    crawler, mw = setup
    body = HTML.encode("utf-8")
    request = Request(f"{BASE}/")
    response = Response(request.url, status=200, body=body, request=request,
                        protocol="HTTP/1.1",
                        headers={"Content-Type": "text/html", "Transfer-Encoding": "chunked"})
    capture(mw, request, response)
    mw.session.close()
    (cap,) = list(iter_captures(warc_files(tmp_path)))
    names = [name.lower() for name, _ in cap.headers]
    assert "transfer-encoding" not in names
    assert cap.header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    assert cap.header("Content-Length") == str(len(body))
    assert cap.body == body


def test_redirect_is_captured_with_real_protocol_and_reason(setup, tmp_path):
    crawler, mw = setup
    request = Request(f"{BASE}/?p=123", headers={"Accept": "text/html"})
    response = Response(request.url, status=301, body=b"", request=request, protocol="HTTP/1.0",
                        headers={"Location": f"{BASE}/thoi-su/tet/", "Content-Length": "0"})
    capture(mw, request, response)
    mw.session.close()
    records = list(iter_records(warc_files(tmp_path)))
    response_rec = next(r for r in records if r.rec_type == "response")
    request_rec = next(r for r in records if r.rec_type == "request")
    assert response_rec.block == (b"HTTP/1.0 301 Moved Permanently\r\n"
                                  b"Location: http://kontumtv.test/thoi-su/tet/\r\n"
                                  b"Content-Length: 0\r\n\r\n")
    # Twisted adds Host; the record says what went over the wire
    assert request_rec.block == (b"GET /?p=123 HTTP/1.0\r\n"
                                 b"Host: kontumtv.test\r\n"
                                 b"Accept: text/html\r\n\r\n")
    assert response_rec.get("WARC-Concurrent-To") == request_rec.get("WARC-Record-ID")
    assert crawler.stats.get_value("warc/responses/status/301") == 1


def test_request_headers_as_sent_and_ip_address(setup, tmp_path):
    crawler, mw = setup
    request = Request(f"{BASE}/feed/", headers={"User-Agent": "ua-test",
                                                "Accept-Language": "vi"})
    response = TextResponse(request.url, status=200, body=b"<rss/>", request=request,
                            protocol="HTTP/1.1", ip_address=__import__("ipaddress").ip_address(
                                "127.0.0.1"),
                            headers={"Content-Type": "application/rss+xml"})
    capture(mw, request, response)
    mw.session.close()
    records = list(iter_records(warc_files(tmp_path)))
    req = next(r for r in records if r.rec_type == "request")
    assert b"\r\nUser-Agent: ua-test\r\n" in req.block
    assert b"\r\nAccept-Language: vi\r\n" in req.block
    resp = next(r for r in records if r.rec_type == "response")
    assert resp.get("WARC-IP-Address") == "127.0.0.1"


def test_repeated_headers_are_all_kept(setup, tmp_path):
    crawler, mw = setup
    request = Request(f"{BASE}/")
    response = Response(request.url, status=200, body=b"x", request=request, protocol="HTTP/1.1",
                        headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
                                 ("Content-Type", "text/plain")])
    capture(mw, request, response)
    mw.session.close()
    (cap,) = list(iter_captures(warc_files(tmp_path)))
    assert [v for k, v in cap.headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]


def test_meta_provenance_points_at_the_response_record(setup, tmp_path):
    crawler, mw = setup
    request = Request(f"{BASE}/thoi-su/tet/")
    response = HtmlResponse(request.url, status=200, body=HTML.encode(), request=request,
                            protocol="HTTP/1.1", headers={"Content-Type": "text/html"})
    capture(mw, request, response)
    prov = request.meta[meta.PROVENANCE]
    assert isinstance(prov, Provenance)
    assert response.meta[meta.PROVENANCE] is prov  # the spider reads it from response.meta
    mw.session.close()
    (path,) = warc_files(tmp_path)
    assert prov.warc_filename == path.name  # the final name, not '.open'
    cap = read_capture(path, prov.warc_offset)
    assert cap.record_id == prov.warc_record_id
    assert cap.payload_digest == prov.warc_payload_digest
    assert cap.url == prov.url == request.url
    assert prov.fetched_at == cap.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    with path.open("rb") as fh:
        fh.seek(prov.warc_offset)
        member = fh.read(prov.warc_length)
    assert gzip.decompress(member).startswith(b"WARC/1.0\r\nWARC-Type: response\r\n")


def test_warcinfo_first_with_crawl_fields(setup, tmp_path):
    crawler, mw = setup
    request = Request(f"{BASE}/robots.txt")
    capture(mw, request, TextResponse(request.url, body=b"User-agent: *\n", request=request,
                                      protocol="HTTP/1.1",
                                      headers={"Content-Type": "text/plain"}))
    mw.session.close()
    (path,) = warc_files(tmp_path)
    with path.open("rb") as fh:
        records = [(r.rec_type, r.content_stream().read()) for r in ArchiveIterator(fh)]
    assert [t for t, _ in records] == ["warcinfo", "response", "request"]
    info = records[0][1].decode("utf-8")
    assert "software: newsarchive/" in info and "scrapy/" in info and "warcio/" in info
    assert "python/" in info
    assert "format: WARC File Format 1.0" in info
    assert "isPartOf: crawl-test-1" in info
    assert "robots: obey" in info
    assert "operator: Test Operator" in info
    assert "http-header-user-agent: newsarchive-test/0.1" in info


def run_fixed_crawl(tmp_path: Path) -> bytes:
    crawler = make_crawler(tmp_path)
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    mw.session.open()
    for path, status in (("/", 200), ("/?p=1", 301), ("/missing/", 404)):
        request = Request(BASE + path)
        capture(mw, request, HtmlResponse(request.url, status=status, body=HTML.encode(),
                                          request=request, protocol="HTTP/1.1",
                                          headers={"Content-Type": "text/html"}))
    mw.session.close()
    (path,) = warc_files(tmp_path)
    return path.name, path.read_bytes()


def test_output_is_deterministic_with_injected_clock_and_ids(tmp_path):
    name1, data1 = run_fixed_crawl(tmp_path / "a")
    name2, data2 = run_fixed_crawl(tmp_path / "b")
    assert name1 == name2
    assert data1 == data2
    assert b"00000000-0000-4000-8000-000000000001" in gzip.decompress(data1)


def test_stats(setup, tmp_path):
    crawler, mw = setup
    for path, status in (("/a/", 200), ("/b/", 404), ("/c/", 503), ("/c/", 200)):
        request = Request(BASE + path)
        capture(mw, request, Response(request.url, status=status, body=b"body",
                                      request=request, protocol="HTTP/1.1"))
    mw.session.close()
    stats = crawler.stats
    assert stats.get_value("warc/records") == 1 + 4 * 2
    assert stats.get_value("warc/files") == 1
    (path,) = warc_files(tmp_path)
    assert stats.get_value("warc/bytes") == path.stat().st_size
    assert stats.get_value("warc/responses/status/200") == 2
    assert stats.get_value("warc/responses/status/404") == 1
    assert stats.get_value("warc/responses/status/503") == 1


def test_not_configured_without_archive_dir():
    crawler = get_crawler(settings_dict={})
    with pytest.raises(NotConfigured):
        WarcCaptureMiddleware.from_crawler(crawler)
    with pytest.raises(NotConfigured):
        WarcMetadataMiddleware.from_crawler(crawler)


def test_capture_is_off_while_replaying_unless_asked(tmp_path):
    crawler = make_crawler(tmp_path, NEWSARCHIVE_REPLAY_FROM=[str(tmp_path)])
    with pytest.raises(NotConfigured):
        WarcCaptureMiddleware.from_crawler(crawler)
    crawler = make_crawler(tmp_path, NEWSARCHIVE_REPLAY_FROM=[str(tmp_path)],
                           ARCHIVE_CAPTURE_REPLAY=True)
    assert isinstance(WarcCaptureMiddleware.from_crawler(crawler), WarcCaptureMiddleware)


def test_one_session_shared_by_both_middlewares(tmp_path):
    crawler = make_crawler(tmp_path)
    cap = WarcCaptureMiddleware.from_crawler(crawler)
    meta = WarcMetadataMiddleware.from_crawler(crawler)
    assert cap.session is meta.session is WarcSession.for_crawler(crawler)


async def _drain(agen):
    return [x async for x in agen]


async def _as_async(items):
    for item in items:
        yield item


def test_metadata_record_after_the_callback(setup, tmp_path):
    import asyncio

    crawler, mw = setup
    meta_mw = WarcMetadataMiddleware.from_crawler(crawler)
    request = Request(f"{BASE}/thoi-su/tet/")
    response = HtmlResponse(request.url, status=200, body=HTML.encode(), request=request,
                            protocol="HTTP/1.1", headers={"Content-Type": "text/html"})
    capture(mw, request, response)
    response.meta[meta.OUTLINKS] = [f"{BASE}/a/", f"{BASE}/b/", f"{BASE}/a/"]
    response.meta["download_latency"] = 0.25
    followed = [Request(f"{BASE}/a/")]
    out = asyncio.run(_drain(meta_mw.process_spider_output(response, _as_async(followed))))
    assert out == followed
    mw.session.close()
    records = list(iter_records(warc_files(tmp_path)))
    assert [r.rec_type for r in records] == ["warcinfo", "response", "request", "metadata"]
    resp, metadata = records[1], records[3]
    assert metadata.get("WARC-Refers-To") == resp.get("WARC-Record-ID")
    assert metadata.get("WARC-Concurrent-To") == resp.get("WARC-Record-ID")
    assert metadata.get("WARC-Target-URI") == request.url
    assert metadata.get("Content-Type") == "application/warc-fields"
    lines = metadata.block.decode("utf-8").splitlines()
    assert lines[:2] == [f"outlink: {BASE}/a/", f"outlink: {BASE}/b/"]
    assert "fetchTimeMs: 250" in lines
    assert any(line.startswith("fetchTime: 2024-05-01T07:30:") for line in lines)
    assert crawler.stats.get_value("warc/metadata") == 1


def test_metadata_uses_followed_requests_when_spider_recorded_none(setup, tmp_path):
    import asyncio

    crawler, mw = setup
    meta_mw = WarcMetadataMiddleware.from_crawler(crawler)
    request = Request(f"{BASE}/")
    response = HtmlResponse(request.url, body=HTML.encode(), request=request,
                            protocol="HTTP/1.1", headers={"Content-Type": "text/html"})
    capture(mw, request, response)
    asyncio.run(_drain(meta_mw.process_spider_output(
        response, _as_async([Request(f"{BASE}/x/"), {"item": 1}]))))
    # a non-HTML page gets no metadata record
    request2 = Request(f"{BASE}/feed/")
    response2 = TextResponse(request2.url, body=b"<rss/>", request=request2, protocol="HTTP/1.1",
                             headers={"Content-Type": "application/rss+xml"})
    capture(mw, request2, response2)
    asyncio.run(_drain(meta_mw.process_spider_output(
        response2, _as_async([Request(f"{BASE}/y/")]))))
    mw.session.close()
    metas = [r for r in iter_records(warc_files(tmp_path)) if r.rec_type == "metadata"]
    assert len(metas) == 1
    assert metas[0].block.decode().splitlines()[0] == f"outlink: {BASE}/x/"


def test_failed_write_stops_the_crawl(setup, tmp_path, caplog):
    crawler, mw = setup

    def broken(exchange):
        raise ArchiveError("disk full")

    mw.session.writer.write_exchange = broken
    stops: list[str] = []
    mw.session.stop_crawl = stops.append
    request = Request(f"{BASE}/a/")
    with pytest.raises(IgnoreRequest):
        capture(mw, request, Response(request.url, body=b"x", request=request,
                                      protocol="HTTP/1.1"))
    assert meta.PROVENANCE not in request.meta
    assert crawler.stats.get_value("warc/errors") == 1
    assert mw.session.failed
    assert "disk full" in caplog.text and "stopping the crawl" in caplog.text
    # later responses are not handed to the spider unarchived either
    request2 = Request(f"{BASE}/b/")
    with pytest.raises(IgnoreRequest):
        capture(mw, request2, Response(request2.url, body=b"x", request=request2,
                                       protocol="HTTP/1.1"))
    assert stops == [FINISH_REASON_WRITE_ERROR]  # asked once, the crawl closes cleanly


def test_fetch_failure_noted_in_a_metadata_record(setup, tmp_path):
    crawler, mw = setup
    request = Request(f"{BASE}/slow/")
    mw.process_request(request)
    assert mw.process_exception(request, TimeoutError("took longer than 60.0 seconds")) is None
    # robots.txt refusals are not fetches: nothing written
    request2 = Request(f"{BASE}/wp-admin/")
    assert mw.process_exception(request2, IgnoreRequest("Forbidden by robots.txt")) is None
    mw.session.close()
    records = list(iter_records(warc_files(tmp_path)))
    assert [r.rec_type for r in records] == ["warcinfo", "metadata"]
    meta = records[1]
    assert meta.get("WARC-Target-URI") == f"{BASE}/slow/"
    assert meta.get("WARC-Refers-To") is None
    lines = meta.block.decode().splitlines()
    assert lines[0] == "fetchError: TimeoutError: took longer than 60.0 seconds"
    assert crawler.stats.get_value("warc/exceptions/TimeoutError") == 1
    assert crawler.stats.get_value("warc/exceptions/IgnoreRequest") is None


def test_unwritable_archive_folder_stops_the_crawl_before_fetching(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the WARC folder should be")
    crawler = make_crawler(blocker)
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    stops: list[str] = []
    mw.session.stop_crawl = stops.append
    mw.session.open()  # spider_opened
    assert stops == [FINISH_REASON_WRITE_ERROR]
    request = Request(f"{BASE}/")
    with pytest.raises(IgnoreRequest):
        capture(mw, request, Response(request.url, body=b"x", request=request,
                                      protocol="HTTP/1.1"))
    mw.session.close()


def test_bad_prefix_is_a_configuration_error(tmp_path):
    from crawler.errors import NewsarchiveError

    with pytest.raises(NewsarchiveError, match="ARCHIVE_PREFIX 'my-crawl'"):
        WarcCaptureMiddleware.from_crawler(make_crawler(tmp_path, ARCHIVE_PREFIX="my-crawl"))


def test_body_cut_short_is_archived_once_with_warc_truncated(setup, tmp_path):
    """DOWNLOAD_FAIL_ON_DATALOSS = False: Scrapy hands over what arrived, flagged
    'dataloss'; the response record keeps it and says so (WARC-Truncated: disconnect)."""
    crawler, mw = setup
    robots = Request(f"{BASE}/robots.txt")  # as in a crawl, the file is already open
    capture(mw, robots, Response(robots.url, status=200, body=b"User-agent: *\n",
                                 request=robots, protocol="HTTP/1.1"))
    cut = HTML.encode("utf-8")[:40]
    request = Request(f"{BASE}/thoi-su/cut/")
    response = Response(request.url, status=200, body=cut, request=request,
                        protocol="HTTP/1.1", flags=["dataloss"],
                        headers={"Content-Type": "text/html; charset=UTF-8",
                                 "Content-Length": str(len(HTML.encode("utf-8")))})
    assert capture(mw, request, response) is response
    prov = request.meta[meta.PROVENANCE]
    mw.session.close()
    with open(warc_files(tmp_path)[0], "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Truncated"),
                    r.rec_headers.get_header("WARC-Warcinfo-ID") is not None,
                    r.content_stream().read()) for r in ArchiveIterator(fh, check_digests=True)]
    assert [r[:3] for r in records[3:]] == [("response", "disconnect", True),
                                            ("request", None, True)]
    assert records[3][3] == cut
    (_, cap) = list(iter_captures(warc_files(tmp_path)))
    assert cap.offset == prov.warc_offset and cap.body == cut
    assert crawler.stats.get_value("warc/truncated/disconnect") == 1
