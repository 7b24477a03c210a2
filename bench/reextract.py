"""Re-extraction memory: ``newsarchive extract`` peak RSS as the archive grows.

Generates two synthetic WordPress sites (``newsarchive fixtures generate --articles N``
and ``4N``), serves each with the fixture server (``newsarchive fixtures serve DIR
--port 0``), crawls it once (``newsarchive crawl URL --out OUT --delay 0 --concurrency
8``, article pipeline off: only the WARCs are needed), then runs ``newsarchive extract
OUT --out FILE`` in a fresh subprocess per measurement (peak RSS = its ru_maxrss):

- ``streaming``: the command as shipped (``crawler.rebuild.iter_posts_from_warcs``
  keeps only record locations and small per-post tuples, and reads a post's pages when
  it is yielded);
- ``baseline``: the same command with :func:`baseline_iter_posts` patched in, the
  earlier in-memory approach (every latest HTML capture, body included, and every post's
  HTML held until the end).

Both outputs must be byte-identical (checked). Prints seconds, peak RSS and the RSS
growth from N to 4N for each.

    .venv/bin/python bench/reextract.py                 # N = 300 (and 1200), ~2 minutes
    .venv/bin/python bench/reextract.py --articles 1000 # and 4000

The machine is shared: keep default runs short.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def baseline_iter_posts(paths: Iterable[str | os.PathLike[str]],
                        stats: dict[str, int] | None = None) -> Iterator[Any]:
    """The earlier all-in-memory ``iter_posts_from_warcs`` (kept as the baseline)."""
    from urllib.parse import urljoin

    from archive.index import find_warc_files
    from archive.reader import iter_captures
    from crawler import pages as pg
    from crawler.archived import _HTML_TYPES, _MAX_REDIRECTS, _page_capture
    from crawler.items import PostItem

    files = find_warc_files(paths)
    latest: dict[str, Any] = {}
    redirects: dict[str, str] = {}
    when: dict[str, datetime] = {}
    for capture in iter_captures(files):
        previous = when.get(capture.url)
        if previous is not None and capture.fetched_at < previous:
            continue
        if capture.status in (301, 302, 303, 307, 308) and capture.header("Location"):
            when[capture.url] = capture.fetched_at
            redirects[capture.url] = capture.header("Location") or ""
            latest.pop(capture.url, None)
        elif capture.status == 200 and pg.media_type(capture.content_type) in _HTML_TYPES:
            when[capture.url] = capture.fetched_at
            latest[capture.url] = capture
            redirects.pop(capture.url, None)

    def resolve(url: str) -> Any:
        seen = set()
        while url not in latest and url in redirects and url not in seen \
                and len(seen) < _MAX_REDIRECTS:
            seen.add(url)
            url = urljoin(url, redirects[url])
        return latest.get(url)

    posts: list[tuple[int, int, str, str]] = []
    for order, (url, capture) in enumerate(latest.items()):
        try:
            body = capture.decoded_body()
        except Exception:
            continue
        html = pg.decode_html(body, capture.content_type)
        info = pg.head_info(html)
        if pg.page_kind(url, capture.content_type, body, info) != pg.PageKind.POST:
            continue
        if pg.post_page_number(url, info.body_classes) > 1:
            continue
        not_canonical = int(pg.canonical_url(url, info) != pg.normalize_url(url))
        posts.append((not_canonical, order, url, html))
    posts.sort(key=lambda p: (p[0], p[1]))
    yielded: set[str] = set()
    for _, _, url, html in posts:
        canonical = pg.canonical_url(url, html)
        if canonical in yielded:
            if stats is not None:
                stats["duplicate"] = stats.get("duplicate", 0) + 1
            continue
        yielded.add(canonical)
        pages = [_page_capture(latest[url])]
        for page_url in pg.post_page_urls(url, html):
            capture = resolve(page_url)
            if capture is None:
                continue
            if capture.url != url and all(p.url != capture.url for p in pages):
                pages.append(_page_capture(capture))
        yield PostItem(url=url, pages=tuple(pages))


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
sys.path.insert(0, sys.argv[4] + "/bench")
mode, crawl, out = sys.argv[1], sys.argv[2], sys.argv[3]
import crawler.rebuild as articles
from crawler.cli import main
if mode == "baseline":  # iter_extracted (what the command runs) looks it up here
    import reextract
    articles.iter_posts_from_warcs = reextract.baseline_iter_posts
t0 = time.perf_counter()
code = main(["extract", crawl, "--out", out])
seconds = time.perf_counter() - t0
print(json.dumps({"code": code, "seconds": seconds,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

MODES = ("baseline", "streaming")


def crawl_site(work: Path, articles: int, concurrency: int) -> tuple[Path, int]:
    site, out = work / f"site-{articles}", work / f"crawl-{articles}"
    subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate", "--articles",
                    str(articles), str(site)], cwd=REPO, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "crawler", "fixtures", "serve", str(site),
                               "--port", "0"], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        base = server.stdout.readline().strip() if server.stdout else ""
        if not base.startswith("http://"):
            raise SystemExit(f"fixture server did not start: {base!r}")
        proc = subprocess.run([sys.executable, "-m", "crawler", "crawl", base, "--out",
                               str(out), "--delay", "0", "--concurrency", str(concurrency),
                               "--progress", "0", "-s", "ITEM_PIPELINES={}"],
                              cwd=REPO, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"crawl failed: {proc.stderr[-2000:]}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    size = sum(p.stat().st_size for p in (out / "warc").glob("*.warc.gz"))
    return out, size


def measure(mode: str, crawl: Path, out: Path) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(crawl), str(out),
                           str(REPO)], capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed: {proc.stderr.strip()[-2000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    data = out.read_bytes()
    result["lines"] = data.count(b"\n")
    result["sha1"] = hashlib.sha1(data).hexdigest()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300, help="N (the run also does 4N)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-reextract-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = (args.articles, 4 * args.articles)
    results: dict[tuple[str, int], dict[str, Any]] = {}
    try:
        for n in sizes:
            t0 = time.perf_counter()
            crawl, warc_bytes = crawl_site(work, n, args.concurrency)
            print(f"site N={n}: WARCs {warc_bytes / 2**20:.1f} MB "
                  f"(generated + crawled in {time.perf_counter() - t0:.1f}s)", flush=True)
            for mode in MODES:
                r = measure(mode, crawl, work / f"{mode}-{n}.jsonl")
                results[(mode, n)] = r
                print(f"  {mode:10s} {r['seconds']:7.2f}s  peak RSS {r['maxrss_mb']:7.1f} MB  "
                      f"{r['lines']} articles  sha1 {r['sha1'][:12]}", flush=True)
            if results[("baseline", n)]["sha1"] != results[("streaming", n)]["sha1"]:
                print(f"  MISMATCH: outputs differ at N={n}")
                return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{'mode':10s} {'RSS ' + str(sizes[0]):>12s} {'RSS ' + str(sizes[1]):>12s} "
          f"{'growth':>8s} {'time/baseline':>14s}")
    for mode in MODES:
        a, b = results[(mode, sizes[0])]["maxrss_mb"], results[(mode, sizes[1])]["maxrss_mb"]
        t = results[(mode, sizes[1])]["seconds"] / results[("baseline", sizes[1])]["seconds"]
        print(f"{mode:10s} {a:10.1f}MB {b:10.1f}MB {b / a:7.2f}x {t:13.2f}x")
    print("outputs identical (sha1) at both sizes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
