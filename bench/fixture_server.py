"""Benchmark: requests/s of the fixture server against Python's ThreadingHTTPServer.

Both servers run as subprocesses on 127.0.0.1 serving the same document root; the same
keep-alive client load (CONCURRENCY connections, REQUESTS GETs cycling over every URL of
the site, ``Accept-Encoding: gzip`` like a crawler) drives each in turn, after one warm-up
pass over all URLs (its rate, cache cold, is printed too). Prints requests/s for each and
the ratio.

    .venv/bin/python bench/fixture_server.py [DIR] [--requests 5000] [--concurrency 4]

DIR defaults to fixtures/kontumtv when it has a site/ folder, else a synthetic site of
300 Vietnamese pages built in a temporary folder. Keep runs short: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]

BASELINE = r"""
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"          # keep-alive, like the fixture server
    disable_nagle_algorithm = True         # else Nagle + delayed ACK cap it at ~100/s
    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=sys.argv[1]))
print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
server.serve_forever()
"""


def site_urls(root: Path) -> list[str]:
    """Paths of every file under root, directory-index files as their folder URL."""
    urls = []
    for dirpath, _dirs, files in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        for name in sorted(files):
            if name == "404.html":
                continue
            parts = [*rel.parts] if name in ("index.html", "index.xml") else [*rel.parts, name]
            path = "/" + "/".join(quote(p) for p in parts)
            if name in ("index.html", "index.xml") and parts:
                path += "/"
            urls.append(path)
    return sorted(set(urls))


def synthetic_site(folder: Path, pages: int = 300) -> Path:
    para = ("Chiều ngày 21/9, UBND tỉnh Kon Tum tổ chức hội nghị tổng kết công tác "
            "phòng, chống thiên tai và tìm kiếm cứu nạn năm 2017. ") * 40
    for i in range(pages):
        page = folder / "site" / "thoi-su" / f"bai-viet-so-{i}"
        page.mkdir(parents=True)
        (page / "index.html").write_text(
            f"<!DOCTYPE html><html><head><meta charset=\"UTF-8\"><title>Bài {i}</title>"
            f"</head><body><h1>Bài viết số {i}</h1><p>{para}</p></body></html>\n",
            encoding="utf-8")
    (folder / "site" / "index.html").write_text("<html><body>Trang chủ</body></html>",
                                                encoding="utf-8")
    return folder


def start(cmd: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, cwd=REPO)
    line = proc.stdout.readline().strip() if proc.stdout else ""
    if not line.startswith("http://"):
        proc.kill()
        raise SystemExit(f"server did not start: {cmd}")
    return proc, line


async def _client(host: str, port: int, paths: list[str], counts: list[int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for path in paths:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                         f"Accept-Encoding: gzip, deflate\r\nUser-Agent: bench\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            counts[int(head[9:12])] = counts[int(head[9:12])] + 1
    finally:
        writer.close()


async def drive(base: str, urls: list[str], requests: int, concurrency: int) -> float:
    host, port = base[len("http://"):].rstrip("/").rsplit(":", 1)
    counts = [0] * 600
    sequence = [urls[i % len(urls)] for i in range(requests)]
    shares = [sequence[i::concurrency] for i in range(concurrency)]
    t0 = time.perf_counter()
    await asyncio.gather(*(_client(host, int(port), s, counts) for s in shares))
    elapsed = time.perf_counter() - t0
    if sum(counts) != requests:
        raise SystemExit(f"{base}: {sum(counts)} answers for {requests} requests")
    return requests / elapsed


def measure(name: str, cmd: list[str], urls: list[str], requests: int,
            concurrency: int) -> float:
    proc, base = start(cmd)
    try:
        cold = asyncio.run(drive(base, urls, len(urls), concurrency))  # every URL once
        rate = asyncio.run(drive(base, urls, requests, concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"{name:<28} {rate:10.0f} requests/s   (first pass over all URLs: "
          f"{cold:.0f}/s)")
    return rate


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", nargs="?", type=Path, default=None)
    ap.add_argument("--requests", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir
        if folder is None:
            kontum = REPO / "fixtures" / "kontumtv"
            folder = kontum if (kontum / "site").is_dir() else synthetic_site(Path(tmp))
        root = folder / "site" if (folder / "site").is_dir() else folder
        urls = site_urls(root)
        print(f"site {folder} ({len(urls)} URLs), {args.requests} requests, "
              f"{args.concurrency} keep-alive connections")
        ours = measure("fixture server (asyncio)",
                       [sys.executable, "-m", "crawler", "fixtures", "serve", str(folder),
                        "--port", "0"],
                       urls, args.requests, args.concurrency)
        base = measure("http.server (threading)",
                       [sys.executable, "-c", BASELINE, str(root)],
                       urls, args.requests, args.concurrency)
    print(f"ratio fixtures/http.server  {ours / base:10.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
