"""Crawl memory at scale: peak RSS of every process of the crawl at N and M posts.

Generates two synthetic WordPress sites (``newsarchive fixtures generate``: about three
URLs per post), serves each with the fixture server and crawls it with ``newsarchive
crawl`` (WARC + articles, or ``--warc-only``), sampling the resident memory of the crawl
process and all its children (the extraction workers) from /proc every 0.2 s. Prints, for
each size, URLs archived, wall time and peak RSS (sum over the process tree), and the
ratio of the two peaks: flat memory means a ratio near 1 for a site ten times larger.

    .venv/bin/python bench/memory.py [--small 5000] [--large 50000] [--warc-only]

Linux only (/proc). The generated sites are cached in --cache (default
/tmp/newsarchive-bench-sites) so a second run skips the generation.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import run_sampled, start_server  # noqa: E402


def site(cache: Path, articles: int) -> Path:
    folder = cache / f"site-{articles}"
    if not (folder / "routes.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate", "--articles",
                        str(articles), str(folder)], cwd=REPO, check=True,
                       capture_output=True)
    return folder


def measure(folder: Path, args: argparse.Namespace) -> dict[str, float]:
    server, base = start_server(folder)
    try:
        with tempfile.TemporaryDirectory(prefix="newsarchive-mem-") as tmp:
            cmd = [sys.executable, "-m", "crawler", "crawl", base, "--out", f"{tmp}/crawl",
                   "--delay", "0", "--concurrency", str(args.concurrency), "--progress", "0"]
            if args.warc_only:
                cmd += ["-s", "ITEM_PIPELINES={}"]
            wall, peak_mb, proc = run_sampled(cmd)
            if proc.returncode != 0:
                raise SystemExit(f"crawl failed: {proc.stderr.strip()[-1500:]}")
            out = proc.stdout
            responses = next((line.split()[1] for line in out.splitlines()
                              if line.strip().startswith("responses")), "?")
            return {"responses": responses, "wall": wall, "peak_mb": peak_mb}
    finally:
        server.terminate()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=5000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warc-only", action="store_true",
                        help="article pipeline off (-s ITEM_PIPELINES={})")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsarchive-bench-sites"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    rows = []
    for articles in (args.small, args.large):
        result = measure(site(args.cache, articles), args)
        rows.append((articles, result))
        print(f"{articles:>7,} posts: {result['responses']} responses, {result['wall']:.1f} s, "
              f"peak RSS {result['peak_mb']:.0f} MB (all processes)", flush=True)
    ratio = rows[1][1]["peak_mb"] / rows[0][1]["peak_mb"]
    print(f"peak RSS ratio {args.large:,} / {args.small:,} posts: {ratio:.2f}x "
          f"({'WARC only' if args.warc_only else 'WARC + articles'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
