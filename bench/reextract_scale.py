"""Re-extraction at scale: ``newsarchive extract`` over a large archive, with 1 and 2
worker processes, against plain ``trafilatura.extract`` over the same pages.

Generates a site of N posts (``newsarchive fixtures generate``, cached in --cache),
crawls it once with the article pipeline off (only the WARCs are needed), then:

1. ``newsarchive extract OUT --workers W`` for each W (default 1 and 2): wall time,
   articles/s and peak RSS of the whole process tree (/proc, every 0.2 s);
2. plain ``trafilatura.extract(html)`` over the first page of every post the archive
   holds, in one process (pages read from the WARCs before the clock starts).

Prints articles/s for each and the ratio to plain trafilatura.

    .venv/bin/python bench/reextract_scale.py [--articles 5000] [--workers 1,2]

``--keep-crawl`` keeps the crawl in --cache (``crawl-N``) and reuses it in later runs:
the 50,000-post crawl takes ten minutes and only the extraction is measured here.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import run_sampled, start_server  # noqa: E402


def crawl(site: Path, out: Path) -> None:
    server, base = start_server(site)
    try:
        proc = subprocess.run([sys.executable, "-m", "crawler", "crawl", base, "--out",
                               str(out), "--delay", "0", "--concurrency", "8", "--progress",
                               "0", "-s", "ITEM_PIPELINES={}"], cwd=REPO, capture_output=True,
                              text=True)
        if proc.returncode != 0:
            raise SystemExit(f"crawl failed: {proc.stderr.strip()[-1500:]}")
    finally:
        server.terminate()
        server.wait()


def plain(out: Path) -> tuple[int, float]:
    import trafilatura

    from crawler.rebuild import iter_posts_from_warcs

    pages = [post.pages[0].body for post in iter_posts_from_warcs([out])]
    started = time.perf_counter()
    for body in pages:
        trafilatura.extract(body, include_comments=False)
    return len(pages), time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsarchive-bench-sites"))
    parser.add_argument("--keep-crawl", action="store_true",
                        help="keep the crawl in --cache and reuse it next time")
    args = parser.parse_args()
    site = args.cache / f"site-{args.articles}"
    if not (site / "routes.json").exists():
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate", "--articles",
                        str(args.articles), str(site)], cwd=REPO, check=True,
                       capture_output=True)
    with tempfile.TemporaryDirectory(prefix="bench-reextract-scale-") as tmp:
        out = Path(tmp) / "crawl"
        if args.keep_crawl:
            out = args.cache / f"crawl-{args.articles}"
            if not (out / "index.cdxj").exists():  # written last: a whole crawl
                shutil.rmtree(out, ignore_errors=True)
                crawl(site, out)
        else:
            crawl(site, out)
        rows = []
        for workers in [w.strip() for w in args.workers.split(",") if w.strip()]:
            target = Path(tmp) / f"articles-{workers}.jsonl"
            wall, peak, proc = run_sampled([sys.executable, "-m", "crawler", "extract",
                                            str(out), "--out", str(target), "--workers",
                                            workers])
            if proc.returncode != 0:
                raise SystemExit(f"extract failed: {proc.stderr.strip()[-1500:]}")
            lines = target.read_bytes().count(b"\n")
            rows.append((f"newsarchive extract --workers {workers}", lines, wall, peak))
        pages, seconds = plain(out)
    print(f"archive: {args.articles:,} posts crawled (WARC only)")
    for label, n, wall, peak in rows:
        ratio = (n / wall) / (pages / seconds)
        print(f"  {label:40s} {n:6d} articles {wall:7.1f} s {n / wall:6.1f}/s  x{ratio:.2f} "
              f"plain  peak RSS {peak:.0f} MB")
    print(f"  {'plain trafilatura.extract, 1 process':40s} {pages:6d} pages    {seconds:7.1f} s "
          f"{pages / seconds:6.1f}/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
