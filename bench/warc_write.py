"""Benchmark: archive.writer.WarcWriter against warcio's WARCWriter (the baseline), same run.

Writes N synthetic HTML exchanges (response + request, ~20 KB gzip-able bodies) with each
writer and prints time, throughput and output size, and our/baseline ratios. warcio is
run as it is normally used (``WARCWriter(gzip=True)``, gzip level 9, digests computed).

    .venv/bin/python bench/warc_write.py [N]
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from archive.records import HttpExchange  # noqa: E402
from archive.writer import WarcWriter  # noqa: E402

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def exchanges(n: int) -> list[HttpExchange]:
    para = "<p>Người dân huyện Đắk Hà, tỉnh Kon Tum thu hoạch cà phê vụ mùa {i}.</p>\n"
    out = []
    for i in range(n):
        body = ("<html><body>" + "".join(para.format(i=i * 100 + j) for j in range(200))
                + "</body></html>").encode()
        out.append(HttpExchange(
            f"http://kontumtv.vn/thoi-su/bai-{i}/", request_headers=[("User-Agent", "bench")],
            response_headers=[("Content-Type", "text/html; charset=UTF-8"),
                              ("Content-Length", str(len(body)))],
            body=body, ip_address="127.0.0.1", fetched_at=T0))
    return out


def ours(items: list[HttpExchange], directory: Path) -> int:
    with WarcWriter(directory, max_size=10**12) as writer:
        for ex in items:
            writer.write_exchange(ex)
    return sum(p.stat().st_size for p in writer.closed_files)


def baseline(items: list[HttpExchange], directory: Path) -> int:
    path = directory / "warcio.warc.gz"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for ex in items:
            http = StatusAndHeaders("200 OK", list(ex.response_headers), protocol="HTTP/1.1")
            resp = writer.create_warc_record(ex.url, "response", payload=io.BytesIO(ex.body),
                                             length=len(ex.body), http_headers=http)
            req_http = StatusAndHeaders("GET /thoi-su/ HTTP/1.1", list(ex.request_headers),
                                        is_http_request=True)
            req = writer.create_warc_record(ex.url, "request", http_headers=req_http)
            writer.write_request_response_pair(req, resp)
    return path.stat().st_size


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    items = exchanges(n)
    results = {}
    runs = (("warcio WARCWriter (baseline)", baseline), ("newsarchive WarcWriter", ours))
    for name, func in runs:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            size = func(items, Path(tmp))
            elapsed = time.perf_counter() - start
        results[name] = (elapsed, size)
        print(f"{name:30s} {n} exchanges  {elapsed:6.2f} s  {n / elapsed:7.0f} exch/s  "
              f"{size / 1e6:7.2f} MB")
    (b_t, b_s), (o_t, o_s) = results.values()
    print(f"ratio ours/baseline: time {o_t / b_t:.2f}x, size {o_s / b_s:.2f}x")


if __name__ == "__main__":
    main()
