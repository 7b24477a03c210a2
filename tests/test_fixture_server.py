"""The fixture server (fixtures.server, ``newsarchive fixtures serve``).

Most tests run the server in-process (a background thread) against small sites built in
tmp_path; the CLI contract (first stdout line, clean SIGTERM, exit 2 on bad input) and the
kontumtv integration test start it as a subprocess like the rest of the suite does.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from protego import Protego

from archive import httputil
from archive.errors import ArchiveError
from crawler.cli import main as cli_main
from fixtures.server.faults import Fault
from fixtures.server.http import serve_in_thread
from fixtures.server.site import FixtureSite
from tests.conftest import FIXTURES, KONTUM, REPO, fixture_server

ORIGIN = "http://tin.test"
ARTICLE = "/thời-sự/bài-một/"
ARTICLE_Q = quote(ARTICLE)
SECRET = b"GOLD-SECRET-DO-NOT-SERVE"
LAST_MODIFIED = "Wed, 01 May 2024 00:00:00 GMT"

ARTICLE_HTML = (
    "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"UTF-8\">"
    "<title>Kon Tum: tổng kết phòng chống thiên tai</title>"
    f"<link rel=\"canonical\" href=\"{ORIGIN}{ARTICLE_Q}\">"
    "<link rel='dns-prefetch' href='//tin.test' />"
    "<script type=\"application/ld+json\">{\"url\":\"http:\\/\\/tin.test\\/a\\/\"}</script>"
    "</head><body><h1>Tổng kết công tác phòng, chống thiên tai năm 2017</h1>"
    "<p>Chiều ngày 21/9, Ban Chỉ huy tỉnh họp bàn các giải pháp ứng phó mùa mưa lũ.</p>"
    f"<a href=\"https://www.facebook.com/sharer.php?u={quote(ORIGIN, safe='')}%2Fa%2F\">"
    "Chia sẻ</a><a href=\"/khong-ton-tai/\">hỏng</a></body></html>\n"
)


def to_cp1258(text: str) -> bytes:
    """Vietnamese text in windows-1258: base letters precomposed, tone marks combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in parts if c in tones).encode("cp1258")
    return bytes(out)


LEGACY_TEXT = "Người dân Đắk Hà thu hoạch cà phê; giá tăng so với năm trước."
LEGACY_BYTES = b"<html><head><title>legacy</title></head><body><p>" + to_cp1258(
    LEGACY_TEXT) + b"</p></body></html>\n"
SNIFF_BYTES = (b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
               b"charset=windows-1258\"></head><body>" + to_cp1258("Tuyên truyền") +
               b"</body></html>\n")
NFD_HTML = unicodedata.normalize(
    "NFD", "<html><head><meta charset='utf-8'></head><body><p>Thông tin đã được "
    "biên tập lại bằng Unicode tổ hợp.</p></body></html>\n").encode("utf-8")
NOT_FOUND_HTML = (f"<html><body><h1>Không tìm thấy trang</h1><a href=\"{ORIGIN}/\">"
                  "Về trang chủ</a></body></html>\n")
IMAGE_BYTES = b"\xff\xd8\xff\xe0JFIF" + ORIGIN.encode() + b"\x00\x01binary"
RSS = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel>"
       f"<link>{ORIGIN}/</link><item><title>Tin mới</title></item></channel></rss>\n")


def build_site(folder: Path) -> Path:
    site = folder / "site"
    files: dict[str, bytes] = {
        "index.html": f"<html><body><a href=\"{ORIGIN}{ARTICLE_Q}\">Trang chủ</a></body>"
                      f"</html>\n".encode(),
        ARTICLE[1:] + "index.html": ARTICLE_HTML.encode("utf-8"),
        "cu-ky/index.html": LEGACY_BYTES,
        "tuyen-truyen/index.html": SNIFF_BYTES,
        "nfd/index.html": NFD_HTML,
        "404.html": NOT_FOUND_HTML.encode("utf-8"),
        "feed/index.xml": RSS.encode("utf-8"),
        "robots.txt": b"User-agent: *\nDisallow: /noi-bo/\n",
        "wp-content/uploads/2017/09/ảnh-lũ.jpg": IMAGE_BYTES,
        "thu-muc-trong/.keep": b"",
    }
    for rel, data in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (folder / "gold").mkdir()
    (folder / "gold" / "secret.json").write_bytes(SECRET)
    (folder / "routes.json").write_text(json.dumps({
        "origin": ORIGIN,
        "redirects": {"/?p=12": [ARTICLE, 301],
                      "/cu/": [f"{ORIGIN}{ARTICLE}", 301],
                      "/ra-ngoai/": ["https://example.org/x", 302]},
        "headers": {"/cu-ky/": {"Content-Type": "text/html; charset=windows-1258"},
                    "/feed/": {"X-Robots-Tag": "noindex"}},
        "not_found": "404.html",
        "last_modified": "2024-05-01T00:00:00Z",
    }, ensure_ascii=False), encoding="utf-8")
    os.symlink(folder / "gold", site / "gold-link")
    os.symlink("/etc/hostname", site / "hostname-link")
    return folder


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("fixture-site"))


@pytest.fixture(scope="module")
def base(site_dir: Path) -> Iterator[str]:
    with serve_in_thread(FixtureSite(site_dir)) as server:
        yield server.base_url


def fetch(base: str, path: str, method: str = "GET",
            headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp, resp.read()
    finally:
        conn.close()


def raw(base: str, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes (requests carry Connection: close)."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def raw_get(base: str, target: bytes) -> bytes:
    return raw(base, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")


def served(base: str, data: bytes) -> bytes:
    return data.replace(ORIGIN.encode(), base.rstrip("/").encode())


# -- pages, HEAD, gzip ---------------------------------------------------------------

def test_page_status_headers_and_body(base: str) -> None:
    resp, body = fetch(base, ARTICLE_Q)
    assert resp.status == 200
    assert resp.version == 11
    assert resp.getheader("Content-Type") == "text/html; charset=UTF-8"
    assert int(resp.getheader("Content-Length")) == len(body)
    assert resp.getheader("Last-Modified") == LAST_MODIFIED
    assert resp.getheader("ETag").startswith('"')
    assert resp.getheader("Server")
    assert abs(httputil.parse_http_date(resp.getheader("Date")) - time.time()) < 60
    assert resp.getheader("Content-Encoding") is None
    assert resp.getheader("Vary") == "Accept-Encoding"
    assert body.decode("utf-8").startswith("<!DOCTYPE html>")
    assert "Chiều ngày 21/9".encode() in body


def test_origin_rewritten_everywhere_in_text(base: str) -> None:
    own = base.rstrip("/")
    _, body = fetch(base, ARTICLE_Q)
    assert b"tin.test" not in body
    assert f'href="{own}{ARTICLE_Q}"'.encode() in body
    assert f"href='//{urlsplit(base).netloc}'".encode() in body
    assert own.replace("/", "\\/").encode() + b"\\/a\\/" in body     # JSON-escaped
    assert quote(own, safe="").encode() + b"%2Fa%2F" in body          # share link
    _, feed = fetch(base, "/feed/")
    assert feed == served(base, RSS.encode())


def test_binary_file_bytes_untouched(base: str) -> None:
    resp, body = fetch(base, quote("/wp-content/uploads/2017/09/ảnh-lũ.jpg"),
                         headers={"Accept-Encoding": "gzip"})
    assert resp.status == 200
    assert resp.getheader("Content-Type") == "image/jpeg"
    assert resp.getheader("Content-Encoding") is None
    assert body == IMAGE_BYTES


def test_file_stored_gzipped_is_sent_as_is(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    packed = gzip.compress(f"<urlset><loc>{ORIGIN}/</loc></urlset>".encode(), mtime=0)
    (tmp_path / "site" / "sitemap.xml").write_bytes(packed)
    (tmp_path / "routes.json").write_text(json.dumps({
        "origin": ORIGIN, "headers": {"/sitemap.xml": {"Content-Encoding": "gzip"}}}))
    with serve_in_thread(FixtureSite(tmp_path)) as server:
        resp, body = fetch(server.base_url, "/sitemap.xml", headers={"Accept-Encoding": "gzip"})
    assert resp.getheader("Content-Encoding") == "gzip"
    assert resp.getheader("Content-Type") == "application/xml; charset=UTF-8"
    assert body == packed   # not rewritten (it is compressed) and not gzipped twice


def test_feed_is_rss_with_route_headers(base: str) -> None:
    resp, _ = fetch(base, "/feed/")
    assert resp.getheader("Content-Type") == "application/rss+xml; charset=UTF-8"
    assert resp.getheader("X-Robots-Tag") == "noindex"
    resp, body = fetch(base, "/robots.txt")
    assert resp.getheader("Content-Type") == "text/plain; charset=UTF-8"
    assert body == b"User-agent: *\nDisallow: /noi-bo/\n"


def test_head_has_same_headers_and_no_body_on_a_kept_alive_connection(base: str) -> None:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        for accept in ("identity", "gzip"):
            conn.request("GET", ARTICLE_Q, headers={"Accept-Encoding": accept})
            get = conn.getresponse()
            get_body = get.read()
            conn.request("HEAD", ARTICLE_Q, headers={"Accept-Encoding": accept})
            head = conn.getresponse()
            assert head.read() == b""
            drop = {"date"}
            assert ({k.lower(): v for k, v in head.getheaders() if k.lower() not in drop}
                    == {k.lower(): v for k, v in get.getheaders() if k.lower() not in drop})
            assert int(head.getheader("Content-Length")) == len(get_body)
        # The connection is still in sync: no stray HEAD body was sent.
        conn.request("GET", "/robots.txt")
        assert conn.getresponse().read().startswith(b"User-agent")
    finally:
        conn.close()


def test_raw_head_sends_no_body_bytes(base: str) -> None:
    reply = raw(base, f"HEAD {ARTICLE_Q} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                .encode())
    head, _, rest = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK")
    assert b"Content-Length: 0" not in head
    assert rest == b""


def test_gzip_only_when_asked(base: str) -> None:
    plain, plain_body = fetch(base, ARTICLE_Q)
    gz, gz_body = fetch(base, ARTICLE_Q, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert gz.getheader("Content-Encoding") == "gzip"
    assert gz.getheader("Vary") == "Accept-Encoding"
    assert int(gz.getheader("Content-Length")) == len(gz_body)
    assert gzip.decompress(gz_body) == plain_body
    assert gz.getheader("ETag") != plain.getheader("ETag")
    refused, body = fetch(base, ARTICLE_Q, headers={"Accept-Encoding": "gzip;q=0, br"})
    assert refused.getheader("Content-Encoding") is None and body == plain_body


@pytest.mark.parametrize("value, expected", [
    ("gzip", True), ("GZIP", True), ("x-gzip", True), ("deflate, gzip;q=0.5", True),
    ("*", True), ("br, *;q=0.1", True), (None, False), ("", False), ("identity", False),
    ("gzip;q=0", False), ("gzip;q=0.0, *", False), ("*;q=0", False), ("br, zstd", False),
])
def test_accepts_gzip(value: str | None, expected: bool) -> None:
    assert httputil.accepts_gzip(value) is expected


# -- conditional requests --------------------------------------------------------------

def test_if_none_match_gives_304(base: str) -> None:
    first, _ = fetch(base, ARTICLE_Q)
    etag = first.getheader("ETag")
    for value in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        resp, body = fetch(base, ARTICLE_Q, headers={"If-None-Match": value})
        assert resp.status == 304, value
        assert body == b""
        assert resp.getheader("ETag") == etag
        assert resp.getheader("Last-Modified") == LAST_MODIFIED
    gz, _ = fetch(base, ARTICLE_Q, headers={"Accept-Encoding": "gzip"})
    resp, _ = fetch(base, ARTICLE_Q, headers={"Accept-Encoding": "gzip",
                                                "If-None-Match": gz.getheader("ETag")})
    assert resp.status == 304 and resp.getheader("ETag") == gz.getheader("ETag")
    resp, body = fetch(base, ARTICLE_Q, headers={"If-None-Match": '"other"'})
    assert resp.status == 200 and body


def test_if_modified_since_gives_304(base: str) -> None:
    resp, body = fetch(base, ARTICLE_Q, headers={"If-Modified-Since": LAST_MODIFIED})
    assert resp.status == 304 and body == b""
    later = "Thu, 02 May 2024 10:00:00 GMT"
    assert fetch(base, ARTICLE_Q, headers={"If-Modified-Since": later})[0].status == 304
    earlier = "Tue, 30 Apr 2024 23:59:59 GMT"
    assert fetch(base, ARTICLE_Q, headers={"If-Modified-Since": earlier})[0].status == 200
    assert fetch(base, ARTICLE_Q, headers={"If-Modified-Since": "garbage"})[0].status == 200
    # If-None-Match takes precedence over If-Modified-Since.
    resp, _ = fetch(base, ARTICLE_Q, headers={"If-None-Match": '"other"',
                                                "If-Modified-Since": LAST_MODIFIED})
    assert resp.status == 200


def test_404_is_never_304(base: str) -> None:
    resp, _ = fetch(base, "/khong-co/", headers={"If-None-Match": "*"})
    assert resp.status == 404


# -- redirects and 404 -----------------------------------------------------------------

def test_directory_without_slash_is_301_keeping_query(base: str) -> None:
    resp, body = fetch(base, ARTICLE_Q.rstrip("/") + "?utm_source=x")
    assert resp.status == 301
    assert resp.getheader("Location") == base.rstrip("/") + ARTICLE_Q + "?utm_source=x"
    assert body == b""
    resp, _ = fetch(base, "/feed")
    assert resp.getheader("Location") == base + "feed/"


def test_routes_redirects_rewrite_origin_in_location(base: str) -> None:
    resp, _ = fetch(base, "/?p=12")
    assert resp.status == 301
    assert resp.getheader("Location") == base.rstrip("/") + ARTICLE_Q
    resp, _ = fetch(base, "/cu/")
    assert resp.status == 301
    assert resp.getheader("Location") == base.rstrip("/") + ARTICLE_Q
    resp, _ = fetch(base, "/ra-ngoai/")
    assert resp.status == 302 and resp.getheader("Location") == "https://example.org/x"
    # Query ignored for static files, but not for redirect keys.
    resp, body = fetch(base, "/?p=13")
    assert resp.status == 200 and b"Trang ch" in body
    resp, body = fetch(base, ARTICLE_Q + "?replytocom=5")
    assert resp.status == 200 and "Chiều".encode() in body


def test_themed_404(base: str) -> None:
    for path in ("/khong-ton-tai/", "/404.html", "/thu-muc-trong/", ARTICLE_Q + "x/",
                 "/robots.txt/", "/%ff%fe/"):
        resp, body = fetch(base, path)
        assert resp.status == 404, path
        assert body == served(base, NOT_FOUND_HTML.encode()), path
        assert resp.getheader("Content-Type") == "text/html; charset=UTF-8"
        assert int(resp.getheader("Content-Length")) == len(body)


def test_default_404_without_not_found_file(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("chào", encoding="utf-8")
    with serve_in_thread(FixtureSite(tmp_path)) as server:
        resp, body = fetch(server.base_url, "/nowhere")
    assert resp.status == 404 and b"404" in body


# -- safety ----------------------------------------------------------------------------

TRAVERSALS = [
    b"/../routes.json", b"/../gold/secret.json", b"/%2e%2e/routes.json",
    b"/%2E%2E/gold/secret.json", b"/.%2e/routes.json", b"/..%2froutes.json",
    b"/..%2Fgold%2Fsecret.json", b"/x/../../routes.json", b"/./../routes.json",
    b"/..\\routes.json", b"/%5c..%5croutes.json", b"//etc/passwd", b"/etc/passwd",
    b"/%2fetc%2fpasswd", b"/gold-link/secret.json", b"/hostname-link",
    b"/%00", b"/index.html%00.txt", b"http://x/../routes.json",
    b"/" + quote(str(REPO / "pyproject.toml")).encode(),
]


@pytest.mark.parametrize("target", TRAVERSALS, ids=lambda t: t.decode())
def test_traversal_refused(base: str, target: bytes) -> None:
    reply = raw_get(base, target)
    assert reply.startswith(b"HTTP/1.1 404 Not Found\r\n"), reply[:200]
    assert SECRET not in reply and b"origin" not in reply and b"[build-system]" not in reply


def test_gold_and_routes_not_served_without_site_folder(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("trang chủ", encoding="utf-8")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "expected_urls.txt").write_bytes(SECRET)
    (tmp_path / "routes.json").write_text('{"origin": "http://tin.test"}', encoding="utf-8")
    with serve_in_thread(FixtureSite(tmp_path)) as server:
        assert fetch(server.base_url, "/")[0].status == 200
        for path in ("/routes.json", "/gold/expected_urls.txt", "/gold/", "/gold",
                     "/gold/x", "/%67old/expected_urls.txt"):
            resp, body = fetch(server.base_url, path)
            assert resp.status == 404, path
            assert SECRET not in body and b"origin" not in body


_SEGMENTS = st.sampled_from([
    "..", ".", "%2e%2e", "%2E.", "gold", "routes.json", "site", "gold-link", "secret.json",
    "%2f", "%5c", "", "th%E1%BB%9Di-s%E1%BB%B1", "b%C3%A0i-m%E1%BB%99t", "404.html", "%00",
    "hostname-link"])


@pytest.fixture(scope="module")
def bound_site(site_dir: Path) -> FixtureSite:
    site = FixtureSite(site_dir)
    site.bind("http://127.0.0.1:9")
    return site


@settings(max_examples=150, deadline=None)
@given(segments=st.lists(_SEGMENTS, min_size=1, max_size=6), slash=st.booleans())
def test_lookup_never_leaves_the_document_root(bound_site: FixtureSite, segments: list[str],
                                               slash: bool) -> None:
    answer = bound_site.lookup("/" + "/".join(segments) + ("/" if slash else ""))
    if not isinstance(answer, str):
        assert SECRET not in answer.body
        assert not answer.body.startswith(b"{")   # routes.json
        assert answer.status in (200, 404)


# -- encodings -------------------------------------------------------------------------

def test_windows_1258_page_keeps_its_charset_and_bytes(base: str) -> None:
    resp, body = fetch(base, "/cu-ky/", headers={"Accept-Encoding": "identity"})
    assert resp.getheader("Content-Type") == "text/html; charset=windows-1258"
    assert body == LEGACY_BYTES
    assert unicodedata.normalize("NFC", body.decode("cp1258")).find(LEGACY_TEXT) > 0
    gz, gz_body = fetch(base, "/cu-ky/", headers={"Accept-Encoding": "gzip"})
    assert gzip.decompress(gz_body) == LEGACY_BYTES


def test_declared_charset_used_when_routes_are_silent(base: str) -> None:
    resp, body = fetch(base, "/tuyen-truyen/")
    assert resp.getheader("Content-Type") == "text/html; charset=windows-1258"
    assert body == SNIFF_BYTES


def test_nfd_page_served_byte_for_byte(base: str) -> None:
    resp, body = fetch(base, "/nfd/")
    assert resp.status == 200 and body == NFD_HTML
    assert body.decode("utf-8") != unicodedata.normalize("NFC", body.decode("utf-8"))


def test_raw_utf8_and_percent_encoded_paths_both_work(base: str) -> None:
    reply = raw_get(base, ARTICLE.encode("utf-8"))
    assert reply.startswith(b"HTTP/1.1 200 OK")
    reply = raw_get(base, ARTICLE_Q.lower().encode())  # lower-case hex escapes
    assert reply.startswith(b"HTTP/1.1 200 OK")


# -- protocol --------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_other_methods_405_and_connection_survives(base: str, method: str) -> None:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, "/", body=b"a=1&b=2")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 405
        assert resp.getheader("Allow") == "GET, HEAD"
        conn.request("GET", "/robots.txt")
        assert conn.getresponse().status == 200
    finally:
        conn.close()


def test_pipelined_requests_answered_in_order(base: str) -> None:
    reply = raw(base, b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /khong-co/ HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /feed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", reply)
    assert statuses == [b"200", b"404", b"301"]
    assert reply.count(b"Connection: close") == 1


def test_http10_closes_unless_keep_alive(base: str) -> None:
    reply = raw(base, b"GET /robots.txt HTTP/1.0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in reply
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        data = b""
        while b"Disallow: /noi-bo/\n" not in data:
            data += sock.recv(4096)
        assert b"Connection: keep-alive" in data


@pytest.mark.parametrize("head, status", [
    (b"GARBAGE\r\n\r\n", b"400"),
    (b"GET / HTTP/2.0\r\n\r\n", b"505"),
    (b"GET / HTTP/1.1\r\nBad header\r\n\r\n", b"400"),
    (b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", b"501"),
    (b"GET / HTTP/1.1\r\nContent-Length: -3\r\n\r\n", b"400"),
    (b"GET nothing HTTP/1.1\r\n\r\n", b"400"),
])
def test_malformed_requests_answered_and_closed(base: str, head: bytes, status: bytes) -> None:
    reply = raw(base, head)
    assert reply.startswith(b"HTTP/1.1 " + status), reply[:100]
    assert b"Connection: close" in reply


def test_internal_error_is_a_500_with_its_reason(site_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = FixtureSite(site_dir)

    def broken(path: str) -> None:
        raise RuntimeError("disk on fire\r\nX-Injected: 1")

    with serve_in_thread(site) as server:
        monkeypatch.setattr(site, "lookup", broken)
        reply = raw_get(server.base_url, b"/robots.txt")
        assert reply.startswith(b"HTTP/1.1 500 Internal Server Error\r\n")
        assert b"RuntimeError: disk on fire" in reply and b"\r\nX-Injected" not in reply
        monkeypatch.undo()
        assert fetch(server.base_url, "/robots.txt")[0].status == 200


def test_oversized_head_gets_431(base: str) -> None:
    reply = raw(base, b"GET / HTTP/1.1\r\nX-Big: " + b"a" * (httputil.MAX_HEAD_BYTES + 10))
    assert reply.startswith(b"HTTP/1.1 431")


# -- faults ----------------------------------------------------------------------------

def test_fault_status_with_retry_after_then_normal(site_dir: Path) -> None:
    fault = Fault.from_json('{"match": "/th*", "mode": "status", "status": 503, '
                            '"retry_after": 7, "times": 2}')
    with serve_in_thread(FixtureSite(site_dir, faults=(fault,))) as server:
        for _ in range(2):
            resp, body = fetch(server.base_url, ARTICLE_Q)
            assert resp.status == 503 and resp.getheader("Retry-After") == "7"
            assert b"503" in body
        assert fetch(server.base_url, ARTICLE_Q)[0].status == 200
        # Counted per path: another path under the pattern gets its own two failures.
        assert fetch(server.base_url, "/thu-muc-trong/")[0].status == 503
        assert fetch(server.base_url, "/robots.txt")[0].status == 200


def test_fault_per_rule_and_429_from_routes_json(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    for name in ("a", "b"):
        (tmp_path / "site" / name).mkdir()
        (tmp_path / "site" / name / "index.html").write_text("ok")
    (tmp_path / "routes.json").write_text(json.dumps({"faults": [
        {"match": "/*", "mode": "status", "status": 429, "times": 1, "per": "rule"}]}))
    with serve_in_thread(FixtureSite(tmp_path)) as server:
        first, _ = fetch(server.base_url, "/a/")
        assert first.status == 429 and first.getheader("Retry-After") is None
        assert fetch(server.base_url, "/b/")[0].status == 200
        assert fetch(server.base_url, "/a/")[0].status == 200


def test_fault_reset(site_dir: Path) -> None:
    fault = Fault.from_obj({"match": "/robots.txt", "mode": "reset", "times": 1}, "test")
    with serve_in_thread(FixtureSite(site_dir, faults=(fault,))) as server:
        parts = urlsplit(server.base_url)
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            with pytest.raises(ConnectionResetError):
                while sock.recv(4096):
                    pass
        assert fetch(server.base_url, "/robots.txt")[0].status == 200


def test_fault_truncated_body(site_dir: Path) -> None:
    fault = Fault.from_obj({"match": "/nfd/", "mode": "truncate", "bytes": 10}, "test")
    with serve_in_thread(FixtureSite(site_dir, faults=(fault,))) as server:
        reply = raw(server.base_url, b"GET /nfd/ HTTP/1.1\r\nHost: x\r\n\r\n")
        head, _, body = reply.partition(b"\r\n\r\n")
        assert f"Content-Length: {len(NFD_HTML)}".encode() in head
        assert body == NFD_HTML[:10]
        parts = urlsplit(server.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        conn.request("GET", "/nfd/")
        with pytest.raises(http.client.IncompleteRead):
            conn.getresponse().read()
        conn.close()


def test_fault_delay(site_dir: Path) -> None:
    fault = Fault.from_obj({"match": "/robots.txt", "mode": "delay", "seconds": 0.3,
                            "times": 1}, "test")
    with serve_in_thread(FixtureSite(site_dir, faults=(fault,))) as server:
        t0 = time.monotonic()
        reply = raw(server.base_url, b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                                     b"GET /feed/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert time.monotonic() - t0 >= 0.3
        assert reply.index(b"Disallow") < reply.index(b"<rss")


def serve_faults(site_dir: Path, *faults: dict, seed: int = 0):
    rules = tuple(Fault.from_obj(f, "test") for f in faults)
    return serve_in_thread(FixtureSite(site_dir, faults=rules, seed=seed))


def test_fault_modes_are_at_least_twenty() -> None:
    from fixtures.server.faults import MODES

    assert len(MODES) >= 20 and len(set(MODES)) == len(MODES)


def test_fault_hang_empty_and_reset_mid_body(site_dir: Path) -> None:
    with serve_faults(site_dir, {"match": "/robots.txt", "mode": "hang", "seconds": 0.3},
                      {"match": "/feed/", "mode": "empty"},
                      {"match": "/nfd/", "mode": "reset_body", "bytes": 7}) as server:
        t0 = time.monotonic()
        assert raw(server.base_url, b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n") == b""
        assert time.monotonic() - t0 >= 0.3
        assert raw(server.base_url, b"GET /feed/ HTTP/1.1\r\nHost: x\r\n\r\n") == b""
        parts = urlsplit(server.base_url)
        got = b""
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(b"GET /nfd/ HTTP/1.1\r\nHost: x\r\n\r\n")
            with pytest.raises(ConnectionResetError):
                while chunk := sock.recv(4096):
                    got += chunk
        head, _, body = got.partition(b"\r\n\r\n")
        assert f"Content-Length: {len(NFD_HTML)}".encode() in head and body == NFD_HTML[:7]


def test_fault_drip_spreads_the_body(site_dir: Path) -> None:
    with serve_faults(site_dir, {"match": "/nfd/", "mode": "drip", "seconds": 0.4,
                                 "chunk": 40}) as server:
        t0 = time.monotonic()
        resp, body = fetch(server.base_url, "/nfd/")
        assert body == NFD_HTML and time.monotonic() - t0 >= 0.3


def test_fault_bodies(site_dir: Path) -> None:
    with serve_faults(site_dir, {"match": "/bomb/", "mode": "gzip_bomb", "size": 5 << 20},
                      {"match": "/nfd/", "mode": "oversized", "size": 100_000},
                      {"match": "/feed/", "mode": "cut_xml", "bytes": 30},
                      {"match": "/cu-ky/", "mode": "no_charset"},
                      {"match": "/robots.txt", "mode": "wrong_charset", "charset": "koi8-r"},
                      {"match": ARTICLE, "mode": "nested", "depth": 300}) as server:
        resp, body = fetch(server.base_url, "/bomb/")
        assert resp.getheader("Content-Encoding") == "gzip" and len(body) < 10_000
        assert gzip.decompress(body) == b" " * (5 << 20)
        resp, body = fetch(server.base_url, "/nfd/")
        assert len(body) == 100_000 and body.startswith(NFD_HTML[:20])
        resp, body = fetch(server.base_url, "/feed/")
        assert body == RSS.encode()[:30] and resp.getheader("Content-Length") == "30"
        resp, body = fetch(server.base_url, "/cu-ky/")
        assert resp.getheader("Content-Type") == "text/html" and b"charset" not in body
        assert fetch(server.base_url, "/robots.txt")[0].getheader("Content-Type") == \
            "text/plain; charset=koi8-r"
        body = fetch(server.base_url, ARTICLE_Q)[1]
        assert body.count(b"<div>") == 300 and body.count(b"</div>") == 300


def test_fault_random_bytes_and_rate_follow_the_seed(site_dir: Path) -> None:
    def answers(seed: int) -> tuple[bytes, bytes, list[int]]:
        with serve_faults(site_dir, {"match": "/nfd/", "mode": "binary", "size": 512},
                          {"match": "/feed/", "mode": "bad_gzip"},
                          {"match": "/p/*", "mode": "status", "status": 500, "rate": 0.5},
                          seed=seed) as server:
            binary = fetch(server.base_url, "/nfd/")[1]
            bad = raw(server.base_url, b"GET /feed/ HTTP/1.1\r\nHost: x\r\n"
                                       b"Connection: close\r\n\r\n").partition(b"\r\n\r\n")[2]
            hit = [fetch(server.base_url, f"/p/{i}/")[0].status for i in range(20)]
        return binary, bad, hit

    first, again, other = answers(1), answers(1), answers(2)
    assert first == again and first[0] != other[0] and first[1] != other[1]
    assert len(first[0]) == 512 and first[1].startswith(b"\x1f\x8b\x08")
    assert 0 < first[2].count(500) < 20 and first[2] != other[2]


def test_fault_redirects(site_dir: Path) -> None:
    with serve_faults(site_dir, {"match": "/a/", "mode": "redirect_loop"},
                      {"match": "/b/", "mode": "redirect_loop", "hops": 2},
                      {"match": "/c/", "mode": "offsite_redirect"},
                      {"match": "/d/", "mode": "port_redirect", "port": 1}) as server:
        base = server.base_url.rstrip("/")
        assert fetch(base, "/a/?loop=4")[0].getheader("Location") == base + "/a/?loop=5"
        assert fetch(base, "/b/?loop=1")[0].getheader("Location") == base + "/b/"
        assert fetch(base, "/c/")[0].getheader("Location") == "http://offsite.invalid/c/"
        assert fetch(base, "/d/")[0].getheader("Location") == "http://127.0.0.1:1/d/"


def test_fault_traps(site_dir: Path) -> None:
    with serve_faults(site_dir, {"match": "/*", "mode": "pagination_trap"}) as server:
        resp, body = fetch(server.base_url, "/chuyen-muc/x/page/41/")
        assert resp.status == 200 and b'href="/chuyen-muc/x/page/42/"' in body
        assert b'href="/nfd/page/2/"' in fetch(server.base_url, "/nfd/")[1]
    with serve_faults(site_dir, {"match": "/*", "mode": "calendar_trap",
                                 "years": [1523, 2524]}) as server:
        body = fetch(server.base_url, "/1523/")[1]
        assert b'href="/1522/"' in body and b'href="/1523/12/"' in body
        assert fetch(server.base_url, "/nfd/")[1].count(b'<a href="/') >= 1002
    with serve_faults(site_dir, {"match": "/x/*", "mode": "relative_trap"}) as server:
        assert b'href="more/"' in fetch(server.base_url, "/x/more/more/")[1]


@pytest.mark.parametrize("text, message", [
    ('{"match": "/a", "mode": "status", "depth": 3}', "do not apply to mode 'status'"),
    ('{"match": "/a", "mode": "status", "rate": 2}', "from 0 to 1"),
    ('{"match": "/a", "mode": "calendar_trap", "years": [2000, 1990]}', "first <= last"),
    ('{"match": "/a", "mode": "offsite_redirect", "to": "ftp://x"}', "http(s) URL"),
    ('{"match": "/a", "mode": "drip", "seconds": -1}', "non-negative"),
])
def test_bad_new_fault_keys(text: str, message: str) -> None:
    with pytest.raises(ArchiveError, match=re.escape(message)):
        Fault.from_json(text)


@pytest.mark.parametrize("text, message", [
    ('{"match": "/a", "mode": "explode"}', "must be one of status, reset, truncate, delay"),
    ('{"match": "/a", "mode": "status", "colour": 1}', "unknown fault key"),
    ('{"match": "a", "mode": "reset"}', "path glob"),
    ('{"match": "/a", "mode": "status", "status": 99}', "HTTP status"),
    ('{"match": "/a", "mode": "status", "times": 0}', "positive integer"),
    ('{"match": "/a", "mode": "status", "per": "host"}', "'path' or 'rule'"),
    ('{"match": "/a", "mode": "status", "retry_after": "1\\r\\nX: y"}', "one line"),
    ('[1]', "JSON object"),
    ('{match}', "not a JSON object"),
])
def test_bad_fault_rejected_with_clear_message(text: str, message: str) -> None:
    with pytest.raises(ArchiveError, match=message):
        Fault.from_json(text)


# -- CLI ---------------------------------------------------------------------------------

def test_cli_serves_and_exits_cleanly_on_sigterm(site_dir: Path) -> None:
    with fixture_server(site_dir) as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        resp, body = fetch(url, "/cu-ky/")
        assert resp.getheader("Content-Type") == "text/html; charset=windows-1258"
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "fixtures", "serve", str(site_dir),
                             "--fault", '{"match": "/", "mode": "status", "times": 1}'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    url = proc.stdout.readline().strip()
    assert fetch(url, "/")[0].status == 503
    assert fetch(url, "/")[0].status == 200
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0 and out == "" and err == ""


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "no such fixture folder"),
    (lambda p: (p / "f.txt").write_text("x") and p / "f.txt", "not a folder"),
    (lambda p: (p / "routes.json").write_text("{bad") and p, "not valid JSON"),
    (lambda p: (p / "routes.json").write_text('{"redirect": {}}') and p, "unknown key"),
    (lambda p: (p / "routes.json").write_text('{"origin": "kontumtv"}') and p, "'origin'"),
    (lambda p: (p / "routes.json").write_text('{"not_found": "nope.html"}') and p,
     "'not_found'"),
    (lambda p: (p / "routes.json").write_text('{"redirects": {"/a": ["/b", 200]}}') and p,
     "redirect '/a'"),
    (lambda p: (p / "routes.json").write_text('{"faults": [{"match": "/"}]}') and p,
     "faults[0]"),
    (lambda p: (p / "routes.json").write_text('{"headers": {"/": {"X-A": "a\\r\\nB: c"}}}')
     and p, "without line breaks"),
    (lambda p: (p / "routes.json").write_text('{"headers": {"/": {"content-length": "5"}}}')
     and p, "set by the server"),
])
def test_bad_dir_is_one_line_and_exit_2(tmp_path: Path, make, message: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["fixtures", "serve", str(make(tmp_path))]) == 2
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert out == "" and len(lines) == 1 and message in lines[0], err
    assert lines[0].startswith("newsarchive fixtures serve: error:")


@pytest.mark.parametrize("args, message", [
    (["--fault", "{}"], "--fault"), (["--port", "70000"], "--port"),
    (["--host", "256.1.1.1"], "cannot listen on 256.1.1.1"),
])
def test_bad_options_are_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["fixtures", "serve", str(tmp_path), *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and message in err, err


def test_cli_subprocess_bad_dir_exit_2(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "crawler", "fixtures", "serve",
                             str(tmp_path / "x")],
                            capture_output=True, text=True, cwd=REPO, timeout=30)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no such fixture folder" in result.stderr


# -- the bundled fixture sites (kontumtv and any other with gold lists) ------------------

FIXTURE_SITES = sorted({KONTUM, *(p for p in FIXTURES.iterdir() if (p / "routes.json").exists())}
                       if FIXTURES.is_dir() else {KONTUM})


def _gold_lines(site: Path, name: str) -> list[str]:
    path = site / "gold" / name
    if not path.exists():
        pytest.skip(f"{path.relative_to(REPO)} not present yet (the {site.name} fixture "
                    f"site and its gold lists have not been generated)")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _routes(site: Path) -> dict:
    return json.loads((site / "routes.json").read_text(encoding="utf-8"))


def _status_from_files(site: Path, target: str, routes: dict) -> int:
    """What a URL should answer, worked out from routes.json and site/ (an independent
    oracle: plain file-system checks, not the server's lookup code)."""
    if target in routes.get("redirects", {}):
        return routes["redirects"][target][1]
    path = unquote(target.partition("?")[0])
    local = site / "site" / path.lstrip("/")
    if path.endswith("/"):
        return 200 if any((local / n).is_file() for n in ("index.html", "index.xml")) else 404
    if local.is_dir():
        return 301
    return 200 if local.is_file() and path != "/404.html" else 404


@pytest.fixture(scope="module")
def bundled_server(request: pytest.FixtureRequest) -> Iterator[Callable[[Path], str]]:
    """Base URL of a bundled fixture site's server (kontumtv: the session server)."""
    with contextlib.ExitStack() as stack:
        bases: dict[Path, str] = {}

        def base_for(site: Path) -> str:
            if site not in bases:
                bases[site] = (request.getfixturevalue("kontum_server") if site == KONTUM
                               else stack.enter_context(fixture_server(site)))
            return bases[site]

        yield base_for


@pytest.mark.integration
@pytest.mark.parametrize("site", FIXTURE_SITES, ids=lambda p: p.name)
def test_every_expected_url_answers(site: Path, bundled_server) -> None:
    lines = _gold_lines(site, "expected_urls.txt")
    base = bundled_server(site)
    routes = _routes(site)
    origin = routes["origin"]
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    seen: dict[int, int] = {}
    try:
        for url in lines:
            assert url.startswith(origin + "/"), f"expected URL not on the origin: {url}"
            target = url[len(origin):]
            conn.request("GET", target, headers={"Accept-Encoding": "gzip"})
            resp = conn.getresponse()
            body = resp.read()
            seen[resp.status] = seen.get(resp.status, 0) + 1
            assert resp.status == _status_from_files(site, target, routes), url
            if resp.status == 301:
                assert resp.getheader("Location").startswith(base.rstrip("/")), url
            if resp.status == 200:
                assert int(resp.getheader("Content-Length")) == len(body)
                assert origin.encode() not in (gzip.decompress(body) if resp.getheader(
                    "Content-Encoding") == "gzip" else body), f"{url}: origin not rewritten"
    finally:
        conn.close()
    if site == KONTUM:  # the hard cases: >= 40 articles, a 301 and a 404 link
        assert seen.get(200, 0) >= 40 and seen.get(301, 0) >= 1 and seen.get(404, 0) >= 1, seen


@pytest.mark.integration
@pytest.mark.parametrize("site", FIXTURE_SITES, ids=lambda p: p.name)
def test_robots_forbidden_pages_exist_but_are_disallowed(site: Path, bundled_server) -> None:
    lines = _gold_lines(site, "forbidden_urls.txt")
    base = bundled_server(site)
    routes = _routes(site)
    origin = routes["origin"]
    robots = Protego.parse(fetch(base, "/robots.txt")[1].decode("utf-8"))
    answered: dict[str, int] = {}
    for url in lines:
        if not url.startswith(origin + "/"):
            continue  # other hosts
        target = url[len(origin):]
        if not robots.can_fetch(base.rstrip("/") + target, "newsarchive"):
            status = fetch(base, target)[0].status
            assert status == _status_from_files(site, target, routes), url
            answered[url] = status
    if site == KONTUM:  # the issue asks for a disallowed path that holds a page
        pages = [u for u, status in answered.items() if status == 200]
        assert pages, f"no page behind a robots.txt Disallow is served: {answered}"
