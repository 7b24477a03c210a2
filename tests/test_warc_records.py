"""archive.records: each named header rule, and the record builders (exact bytes)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.errors import ArchiveError
from archive.records import (
    HttpExchange,
    build_metadata,
    build_request,
    build_response,
    build_warcinfo,
    clean_header_value,
    ensure_host_header,
    fix_content_length,
    format_warc_fields,
    http_response_head,
    reason_phrase,
    rename_content_encoding,
    rename_transfer_encoding,
    request_target,
    sha1_digest,
    status_line_protocol,
    warc_date,
    warc_target_uri,
)

T0 = datetime(2024, 5, 1, 7, 30, 0, tzinfo=UTC)


def test_status_line_protocol_keeps_real_protocol():
    assert status_line_protocol("HTTP/1.1") == "HTTP/1.1"
    assert status_line_protocol("HTTP/1.0") == "HTTP/1.0"
    assert status_line_protocol("h2") == "HTTP/2"
    with pytest.raises(ArchiveError, match="unknown HTTP protocol"):
        status_line_protocol("")


def test_reason_phrase_from_server_or_standard():
    assert reason_phrase(200, "Okidoki") == "Okidoki"
    assert reason_phrase(404, "") == "Not Found"
    assert reason_phrase(299, "") == ""


def test_clean_header_value_strips_and_removes_newlines():
    assert clean_header_value("  a\r\nb ") == "a  b"
    assert clean_header_value(b" x\ny ") == b"x y"


def test_rename_transfer_encoding():
    headers, renamed = rename_transfer_encoding([("Transfer-Encoding", "chunked"), ("A", "b")])
    assert renamed
    assert headers == [("X-Archive-Orig-Transfer-Encoding", "chunked"), ("A", "b")]
    assert rename_transfer_encoding([("A", "b")]) == ([("A", "b")], False)


def test_fix_content_length_keeps_original_when_different():
    assert fix_content_length([("Content-Length", "5")], 5, add_if_missing=False) == [
        ("Content-Length", "5")]
    assert fix_content_length([("Content-Length", "9")], 5, add_if_missing=False) == [
        ("X-Archive-Orig-Content-Length", "9"), ("Content-Length", "5")]
    assert fix_content_length([], 5, add_if_missing=True) == [("Content-Length", "5")]
    assert fix_content_length([], 5, add_if_missing=False) == []


def test_rename_content_encoding():
    assert rename_content_encoding([("Content-Encoding", "gzip")]) == [
        ("X-Archive-Orig-Content-Encoding", "gzip")]


def test_ensure_host_header_added_first_when_missing():
    assert ensure_host_header([("Accept", "*/*")], "http://u:p@kontumtv.vn:8080/a") == [
        ("Host", "kontumtv.vn:8080"), ("Accept", "*/*")]
    assert ensure_host_header([("host", "x")], "http://y/") == [("host", "x")]


def test_request_target_and_target_uri_percent_encode_vietnamese():
    url = "http://kontumtv.vn/thời-sự/tin tức?q=Kon Tum#frag"
    assert warc_target_uri(url) == (
        "http://kontumtv.vn/th%E1%BB%9Di-s%E1%BB%B1/tin%20t%E1%BB%A9c?q=Kon%20Tum#frag")
    assert request_target(url) == "/th%E1%BB%9Di-s%E1%BB%B1/tin%20t%E1%BB%A9c?q=Kon%20Tum"
    # NFD input gives the same URI as NFC
    import unicodedata
    assert warc_target_uri(unicodedata.normalize("NFD", url)) == warc_target_uri(url)
    assert warc_target_uri("http://a/b%20c?x=1") == "http://a/b%20c?x=1"


def test_warc_date_needs_aware_datetime():
    assert warc_date(T0) == "2024-05-01T07:30:00Z"
    with pytest.raises(ArchiveError):
        warc_date(datetime(2024, 5, 1))


def test_sha1_digest_base32():
    assert sha1_digest(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def test_response_head_uses_exchange_protocol_and_reason():
    ex = HttpExchange("http://a/", protocol="HTTP/1.0", status=301, reason="Moved",
                      response_headers=[("Location", "http://a/b")], body=b"")
    # no Content-Length was sent and none is invented (the body is empty, nothing renamed)
    assert http_response_head(ex) == b"HTTP/1.0 301 Moved\r\nLocation: http://a/b\r\n\r\n"


def test_response_head_bodyless_status_keeps_content_length():
    ex = HttpExchange("http://a/", status=304, response_headers=[("Content-Length", "100")])
    assert b"Content-Length: 100\r\n" in http_response_head(ex)
    ex = HttpExchange("http://a/", method="HEAD", response_headers=[("Content-Length", "100")])
    assert b"X-Archive" not in http_response_head(ex)


def test_bytes_header_values_written_verbatim():
    ex = HttpExchange("http://a/", response_headers=[("X-Name", b"caf\xe9")], body=b"x")
    assert b"X-Name: caf\xe9\r\n" in http_response_head(ex)


def test_response_record_exact_bytes():
    ex = HttpExchange(
        "http://kontumtv.vn/a/", request_headers=[("User-Agent", "newsarchive")],
        status=200, reason="", protocol="HTTP/1.1",
        response_headers=[("Content-Type", "text/html; charset=UTF-8"),
                          ("Transfer-Encoding", "chunked")],
        body=b"<p>Kon Tum</p>", ip_address="127.0.0.1", fetched_at=T0)
    rec = build_response(ex, record_id="<urn:uuid:r1>", date=T0, concurrent_to=["<urn:uuid:q1>"],
                         warcinfo_id="<urn:uuid:i1>")
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n"
            b"X-Archive-Orig-Transfer-Encoding: chunked\r\nContent-Length: 14\r\n\r\n"
            b"<p>Kon Tum</p>")
    expected = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:r1>\r\n"
        "WARC-Date: 2024-05-01T07:30:00Z\r\nWARC-Target-URI: http://kontumtv.vn/a/\r\n"
        "WARC-IP-Address: 127.0.0.1\r\nWARC-Warcinfo-ID: <urn:uuid:i1>\r\n"
        "WARC-Concurrent-To: <urn:uuid:q1>\r\n"
        f"WARC-Block-Digest: {sha1_digest(http)}\r\n"
        f"WARC-Payload-Digest: {sha1_digest(b'<p>Kon Tum</p>')}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n").encode() + http + b"\r\n\r\n"
    assert rec.to_bytes() == expected


def test_request_record_has_host_and_real_protocol():
    ex = HttpExchange("https://kontumtv.vn/p?x=1", protocol="HTTP/1.1",
                      request_headers=[("Accept", "*/*")], fetched_at=T0)
    rec = build_request(ex, record_id="<urn:uuid:q1>", date=T0, concurrent_to=["<urn:uuid:r1>"])
    assert rec.block == b"GET /p?x=1 HTTP/1.1\r\nHost: kontumtv.vn\r\nAccept: */*\r\n\r\n"
    assert rec.get("WARC-Concurrent-To") == "<urn:uuid:r1>"
    assert rec.get("Content-Type") == "application/http; msgtype=request"


def test_metadata_and_warcinfo_fields():
    block = format_warc_fields({"outlink": ["http://a/1", "http://a/2"], "fetchTimeMs": 123,
                                "empty": None, "note": "Kon Tum\nmới"})
    assert block == ("outlink: http://a/1\r\noutlink: http://a/2\r\nfetchTimeMs: 123\r\n"
                     "note: Kon Tum mới\r\n").encode()
    meta = build_metadata("http://a/", {"fetchTimeMs": 5}, record_id="<urn:uuid:m>", date=T0,
                          refers_to="<urn:uuid:r>", concurrent_to=["<urn:uuid:r>"])
    assert meta.get("WARC-Refers-To") == "<urn:uuid:r>"
    assert meta.get("Content-Type") == "application/warc-fields"
    info = build_warcinfo({"software": "newsarchive 0.1"}, record_id="<urn:uuid:w>", date=T0,
                          filename="x.warc.gz")
    assert info.get("WARC-Filename") == "x.warc.gz"
    assert info.get("WARC-Target-URI") is None
    with pytest.raises(ArchiveError):
        build_warcinfo({"bad name": 1}, record_id="<urn:uuid:w>", date=T0)


def test_bad_record_id_rejected():
    with pytest.raises(ArchiveError, match="not a <URI>"):
        build_warcinfo({}, record_id="urn:uuid:no-brackets", date=T0)


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from archive.records import response_headers_for_record  # noqa: E402

_names = st.sampled_from(["Content-Length", "content-length", "Transfer-Encoding",
                          "Content-Type", "X-Thing", "Content-Encoding"])
_values = st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["chunked", "gzip", "x"]))


@given(headers=st.lists(st.tuples(_names, _values), max_size=6), body=st.binary(max_size=300),
       status=st.sampled_from([200, 206, 301, 304, 404]),
       method=st.sampled_from(["GET", "HEAD"]))
def test_property_header_rules(headers, body, status, method):
    ex = HttpExchange("http://a/", method=method, status=status, response_headers=headers,
                      body=body)
    out = response_headers_for_record(ex)
    names = [n.lower() for n, _ in out]
    assert "transfer-encoding" not in names  # the stored body is never chunked
    # nothing is lost: every original header survives, as it was or renamed
    for name, value in headers:
        assert (name, value) in out or ("X-Archive-Orig-" + name, value) in out
    bodyless = method == "HEAD" or status == 304
    lengths = [v for n, v in out if n.lower() == "content-length"]
    if not bodyless and (lengths or any(n.lower() in ("content-length", "transfer-encoding")
                                        for n, _ in headers)):
        assert lengths == [str(len(body))]
