"""A tiny real HTTP/1.1 server on 127.0.0.1 and a raw client that captures exchanges.

Used by tests/test_warc_validation.py and tests/test_pywb.py: pages are fetched over a
real socket with :mod:`http.client` (which, like Twisted, de-chunks bodies but leaves
Content-Encoding alone), and each exchange becomes an :class:`archive.records.HttpExchange`.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archive.records import HttpExchange

ARTICLE = ("<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
           "<title>Kon Tum: Đắk Hà đón mùa cà phê</title></head><body><article>"
           "<h1>Đắk Hà đón mùa cà phê</h1><p>(kontumtv.vn) – Người dân huyện Đắk Hà "
           "thu hoạch cà phê.</p><img src=\"/logo.png\" alt=\"Cà phê\"></article></body></html>")
LEGACY = "<html><head><title>Tin cu\u0303</title></head><body>Tin tư\u0301c cu\u0303</body></html>"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
       b"\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

#: path -> what a correct archive must hold for it
PATHS = ["/", "/gz/", "/deflate/", "/chunked/", "/legacy/", "/old/", "/missing/",
         "/feed/", "/logo.png", "/empty/"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "KonTumTest/1.0"

    def log_message(self, format, *args):  # noqa: A002 - quiet test server
        pass

    def _send(self, status: int, body: bytes, headers: list[tuple[str, str]],
              reason: str | None = None) -> None:
        self.send_response(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        if not any(n.lower() in ("content-length", "transfer-encoding") for n, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server naming
        html = [("Content-Type", "text/html; charset=UTF-8")]
        if self.path == "/":
            self._send(200, ARTICLE.encode(), html)
        elif self.path == "/gz/":
            self._send(200, gzip.compress(ARTICLE.encode(), mtime=0),
                       html + [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")])
        elif self.path == "/deflate/":
            self._send(200, zlib.compress(ARTICLE.encode()),
                       html + [("Content-Encoding", "deflate")])
        elif self.path == "/chunked/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            data = ARTICLE.encode()
            for i in range(0, len(data), 50):
                part = data[i:i + 50]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/legacy/":
            self._send(200, LEGACY.encode("cp1258"),
                       [("Content-Type", "text/html; charset=windows-1258")])
        elif self.path == "/old/":
            self._send(301, b"", [("Location", "/"), ("Content-Type", "text/html")])
        elif self.path == "/feed/":
            self._send(200, b"<rss><channel><title>Kon Tum</title></channel></rss>",
                       [("Content-Type", "application/rss+xml; charset=UTF-8")])
        elif self.path == "/logo.png":
            self._send(200, PNG, [("Content-Type", "image/png")])
        elif self.path == "/empty/":
            self._send(200, b"", html, reason="Fine")
        else:
            self._send(404, "<html><title>Không tìm thấy</title></html>".encode(), html)


@contextlib.contextmanager
def live_server() -> Iterator[str]:
    """Yield ``http://127.0.0.1:PORT`` of a threaded HTTP/1.1 server."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def fetch(base: str, path: str) -> HttpExchange:
    """GET ``base + path`` over a fresh connection; the exchange as the client saw it."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    request_headers = [("User-Agent", "newsarchive-test (+http://127.0.0.1/contact)"),
                       ("Accept", "*/*"), ("Accept-Encoding", "gzip, deflate")]
    try:
        fetched_at = datetime.now(UTC).replace(microsecond=0)
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in request_headers:
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()  # de-chunked, still content-encoded
        ip = conn.sock.getpeername()[0] if conn.sock else None
        return HttpExchange(
            url=base + path, method="GET",
            request_headers=[("Host", f"{host}:{port}"), *request_headers],
            protocol="HTTP/1.1" if resp.version == 11 else "HTTP/1.0",
            status=resp.status, reason=resp.reason, response_headers=resp.getheaders(),
            body=body, ip_address=ip or host, fetched_at=fetched_at)
    finally:
        conn.close()


def fetch_all(paths: list[str] = PATHS) -> list[HttpExchange]:
    """Start :func:`live_server`, GET every path (default :data:`PATHS`) and stop it."""
    with live_server() as base:
        return [fetch(base, path) for path in paths]
