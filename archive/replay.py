"""The offline replay server: a fixture folder served over real HTTP/1.1.

GET and HEAD, persistent connections (keep-alive and pipelining), ``Content-Length``,
gzip when ``Accept-Encoding`` allows it (with ``Vary``), ``ETag``/``Last-Modified`` and
304 answers, 301 for directory URLs without their slash and for ``routes.json``
redirects, themed 404s, 405 for other methods, ``Date`` and ``Server`` on every answer,
fault injection (:mod:`archive.replay_faults`). What is served is decided by
:class:`archive.replay_site.FixtureSite`.

Hand-written on ``asyncio.Protocol`` rather than ``http.server`` because the benchmarks
must measure the crawler, not the server: ``ThreadingHTTPServer`` manages a few hundred
requests per second here, this loop several thousand (bench/replay_server.py). aiohttp
would do as well but would add a dependency for one test helper.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

from archive import httputil
from archive.errors import ArchiveError
from archive.replay_faults import Fault
from archive.replay_site import Answer, FixtureSite, decode_path

SERVER_NAME = "newsarchive-replay/0.1"
IDLE_TIMEOUT = 60.0
_ALLOWED = "GET, HEAD"


class _Connection(asyncio.Protocol):
    """One client connection; requests are answered strictly in order."""

    def __init__(self, server: ReplayServer) -> None:
        self.server = server
        self.site = server.site
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.busy = False      # a delayed answer is pending
        self.paused = False    # the transport's write buffer is full
        self.closing = False
        self.last_active = time.monotonic()

    # -- asyncio callbacks ----------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.server.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.server.connections.discard(self)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self.last_active = time.monotonic()
        if not self.busy:
            self._process()

    def eof_received(self) -> bool:
        return self.busy  # keep the transport open only to finish a delayed answer

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        if not self.busy:
            self._process()

    # -- request framing ------------------------------------------------------------
    def _process(self) -> None:
        while not (self.busy or self.paused or self.closing):
            while self.buf[:2] == b"\r\n":  # stray CRLF between requests (RFC 9112 §2.2)
                del self.buf[:2]
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > httputil.MAX_HEAD_BYTES:
                    self._fail(431, "request head too large")
                return
            try:
                head = httputil.parse_request_head(bytes(self.buf[:end]))
            except httputil.BadRequest as exc:
                self._fail(exc.status, str(exc))
                return
            if "transfer-encoding" in head.headers:
                self._fail(501, "request bodies with Transfer-Encoding are not supported")
                return
            length = head.headers.get("content-length", "0")
            if not length.isdigit():
                self._fail(400, "bad Content-Length")
                return
            total = end + 4 + int(length)
            if len(self.buf) < total:
                return  # wait for the (ignored) request body
            del self.buf[:total]
            try:
                self._handle(head)
            except Exception as exc:  # a server bug: answer 500 with the reason, stay up
                self._fail(500, f"{type(exc).__name__}: {exc}".replace("\r", " ")
                           .replace("\n", " "))

    def _handle(self, head: httputil.RequestHead) -> None:
        if head.method not in ("GET", "HEAD"):
            self._send(head, 405, [("Allow", _ALLOWED), ("Content-Type", "text/plain")],
                       b"405 Method Not Allowed\n")
            return
        try:
            path, query = httputil.split_target(head.target)
        except httputil.BadRequest as exc:
            self._fail(exc.status, str(exc))
            return
        site = self.site
        if site.faults:
            fault = site.faults.pick(decode_path(path) or path)
            if fault is not None:
                self._fault(fault, head, path, query)
                return
        self._respond(head, path, query)

    # -- answers --------------------------------------------------------------------
    def _respond(self, head: httputil.RequestHead, path: str, query: str,
                 truncate: int | None = None) -> None:
        site = self.site
        target = f"{path}?{query}" if query else path
        redirect = site.redirect_for(target)
        if redirect is not None:
            location, status = redirect
            self._send(head, status, [("Location", location),
                                      ("Content-Type", "text/html; charset=UTF-8")], b"",
                       truncate=truncate)
            return
        answer = site.lookup(path)
        if isinstance(answer, str):
            location = site.base + answer + (f"?{query}" if query else "")
            self._send(head, 301, [("Location", location),
                                   ("Content-Type", "text/html; charset=UTF-8")], b"",
                       truncate=truncate)
            return
        hdrs = head.headers
        gz = answer.gz_body is not None and httputil.accepts_gzip(hdrs.get("accept-encoding"))
        if answer.status == 200 and self._not_modified(answer, hdrs):
            extra = [("ETag", answer.gz_etag if gz else answer.etag)]
            if answer.last_modified is not None:
                extra.append(("Last-Modified", httputil.http_date(answer.last_modified)))
            if answer.vary:
                extra.append(("Vary", "Accept-Encoding"))
            self._write(head, 304, httputil.render_headers(extra), b"")
            return
        if gz:
            self._write(head, answer.status, answer.head_gzip, answer.gz_body or b"", truncate)
        else:
            self._write(head, answer.status, answer.head_identity, answer.body, truncate)

    @staticmethod
    def _not_modified(answer: Answer, hdrs: dict[str, str]) -> bool:
        inm = hdrs.get("if-none-match")
        if inm is not None:  # If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3)
            tags = tuple(t for t in (answer.etag, answer.gz_etag) if t)
            return httputil.etag_matches(inm, tags)
        ims = hdrs.get("if-modified-since")
        return (ims is not None and answer.last_modified is not None
                and httputil.not_modified_since(ims, answer.last_modified))

    def _fault(self, fault: Fault, head: httputil.RequestHead, path: str, query: str) -> None:
        if fault.mode == "status":
            hdrs = [("Content-Type", "text/html; charset=UTF-8")]
            if fault.retry_after is not None:
                hdrs.append(("Retry-After", fault.retry_after))
            phrase = httputil.reason(fault.status)
            body = f"<html><body><h1>{fault.status} {phrase}</h1></body></html>\n".encode()
            self._send(head, fault.status, hdrs, body)
        elif fault.mode == "reset":
            self._reset()
        elif fault.mode == "truncate":
            self._respond(head, path, query, truncate=-1 if fault.bytes is None else fault.bytes)
        else:  # delay
            self.busy = True
            loop = asyncio.get_running_loop()
            loop.call_later(fault.seconds, self._after_delay, head, path, query)

    def _after_delay(self, head: httputil.RequestHead, path: str, query: str) -> None:
        self.busy = False
        if self.closing:
            return
        self._respond(head, path, query)
        self._process()

    def _reset(self) -> None:
        self.closing = True
        transport = self.transport
        if transport is None:
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    def _fail(self, status: int, message: str) -> None:
        """Answer a request that cannot be framed or parsed, then close."""
        body = f"{status} {httputil.reason(status)}: {message}\n".encode()
        head = httputil.RequestHead("GET", "/", "HTTP/1.1", {"connection": "close"})
        self._send(head, status, [("Content-Type", "text/plain; charset=UTF-8")], body)

    def _send(self, head: httputil.RequestHead, status: int, headers: list[tuple[str, str]],
              body: bytes, truncate: int | None = None) -> None:
        headers = [*headers, ("Content-Length", str(len(body)))]
        self._write(head, status, httputil.render_headers(headers), body, truncate)

    def _write(self, head: httputil.RequestHead, status: int, block: bytes, body: bytes,
               truncate: int | None = None) -> None:
        transport = self.transport
        if transport is None or self.closing:
            return
        keep = head.keep_alive and truncate is None
        if keep:
            conn = b"Connection: keep-alive\r\n" if head.version == "HTTP/1.0" else b""
        else:
            conn = b"Connection: close\r\n"
        if head.method == "HEAD":
            body = b""
        elif truncate is not None:
            body = body[: len(body) // 2 if truncate < 0 else min(truncate, len(body))]
        transport.write(b"".join((self.server.status_line(status), self.server.date_line(),
                                  block, conn, b"\r\n", body)))
        if not keep:
            self.closing = True
            transport.close()


class ReplayServer:
    """The HTTP server for one :class:`FixtureSite`, on a running asyncio loop."""

    def __init__(self, site: FixtureSite, host: str = "127.0.0.1", port: int = 0,
                 idle_timeout: float = IDLE_TIMEOUT) -> None:
        if not 0 <= port <= 65535:
            raise ArchiveError(f"--port must be between 0 and 65535, got {port}")
        self.site = site
        self.host = host
        self.port = port
        self.idle_timeout = idle_timeout
        self.connections: set[_Connection] = set()
        self.base_url = ""
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.TimerHandle | None = None
        self._date_second = -1
        self._date = b""
        self._status_lines: dict[int, bytes] = {}
        self._server_line = f"Server: {SERVER_NAME}\r\n".encode()

    async def start(self) -> str:
        """Listen; bind the site to the actual address; return the base URL (with '/')."""
        loop = asyncio.get_running_loop()
        try:
            self._server = await loop.create_server(
                lambda: _Connection(self), self.host, self.port, backlog=1024,
                reuse_address=True)
        except (OSError, OverflowError) as exc:
            raise ArchiveError(f"cannot listen on {self.host}:{self.port}: {exc}") from None
        sockname = self._server.sockets[0].getsockname()
        host = sockname[0]
        host = f"[{host}]" if ":" in host else host
        self.port = sockname[1]
        self.base_url = f"http://{host}:{self.port}/"
        self.site.bind(self.base_url)
        self._sweeper = loop.call_later(self.idle_timeout / 4, self._sweep)
        return self.base_url

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._server is not None:
            self._server.close()
            for conn in list(self.connections):
                if conn.transport is not None:
                    conn.transport.close()
            await self._server.wait_closed()
            self._server = None

    def _sweep(self) -> None:
        cutoff = time.monotonic() - self.idle_timeout
        for conn in list(self.connections):
            if conn.last_active < cutoff and not conn.busy and conn.transport is not None:
                conn.transport.close()
        self._sweeper = asyncio.get_running_loop().call_later(self.idle_timeout / 4,
                                                              self._sweep)

    def status_line(self, status: int) -> bytes:
        line = self._status_lines.get(status)
        if line is None:
            line = f"HTTP/1.1 {status} {httputil.reason(status)}\r\n".encode("latin-1")
            self._status_lines[status] = line
        return line

    def date_line(self) -> bytes:
        """``Date`` and ``Server`` header lines; the date is re-rendered once a second."""
        now = time.time()
        second = int(now)
        if second != self._date_second:
            self._date_second = second
            self._date = (f"Date: {httputil.http_date(second)}\r\n".encode()
                          + self._server_line)
        return self._date


def serve(site: FixtureSite, host: str = "127.0.0.1", port: int = 0,
          ready: Callable[[str], None] | None = None) -> None:
    """Serve until SIGTERM or SIGINT; ``ready(base_url)`` is called once listening."""

    async def main() -> None:
        server = ReplayServer(site, host, port)
        await server.start()
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            if ready is not None:
                ready(server.base_url)
            await stop.wait()
        finally:
            await server.stop()

    asyncio.run(main())


@contextlib.contextmanager
def serve_in_thread(site: FixtureSite, host: str = "127.0.0.1",
                    port: int = 0) -> Iterator[ReplayServer]:
    """Run a :class:`ReplayServer` on its own loop in a background thread (tests, benches)."""
    loop = asyncio.new_event_loop()
    server = ReplayServer(site, host, port)
    started = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.start())
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(server.stop())

    thread = threading.Thread(target=run, name="replay-server", daemon=True)
    thread.start()
    started.wait()
    try:
        if failure:
            raise failure[0]
        yield server
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
