"""Re-crawls: what a scheduled crawl costs when the site has not changed, and when it has.

Serves a copy of a fixture site (the kontumtv fixture, or ``--articles N``: a generated
site of N posts) with the fixture server, which answers conditional requests with 304
like nginx, and crawls it three times into one folder:

1. run 1: a full crawl;
2. run 2: the site unchanged;
3. run 3: after ``--edits K`` posts were edited (text and sitemap lastmod,
   ``fixtures.sitegen.edit``).

Prints one row per run: requests, bytes downloaded (as received: compressed), WARC bytes
written, WARC records by type, article lines written (new versions among them) and wall
time (process start to exit), and run 2's downloaded bytes as a share of run 1's.

    .venv/bin/python bench/recrawl.py [--articles 0] [--edits 2] [--delay 0] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import start_server  # noqa: E402
from fixtures.sitegen.edit import edit_posts, post_paths  # noqa: E402


def record_types(files: list[Path]) -> dict[str, int]:
    from warcio.archiveiterator import ArchiveIterator

    counts: collections.Counter[str] = collections.Counter()
    for path in files:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                counts[record.rec_type] += 1
    return dict(counts)


def crawl(base: str, out: Path, args: argparse.Namespace) -> dict[str, object]:
    before = set((out / "warc").glob("*.warc.gz")) if (out / "warc").exists() else set()
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "crawler", "crawl", base, "--out", str(out),
                           "--delay", str(args.delay), "--concurrency", str(args.concurrency),
                           "--progress", "0"], cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed: {proc.stderr.strip()[-1500:]}")
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    files = sorted(set((out / "warc").glob("*.warc.gz")) - before)
    return {"requests": stats.get("downloader/request_count", 0),
            "downloaded": stats.get("downloader/response_bytes", 0),
            "warc": stats.get("warc/bytes", 0), "types": record_types(files),
            "articles": stats.get("articles/written", 0),
            "versions": stats.get("articles/new_versions", 0), "wall": wall}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=0,
                        help="generated site of N posts (default 0: the kontumtv fixture)")
    parser.add_argument("--edits", type=int, default=2)
    parser.add_argument("--delay", type=float, default=0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsarchive-recrawl-") as tmp:
        site = Path(tmp) / "site"
        if args.articles:
            subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate",
                            "--articles", str(args.articles), str(site)], cwd=REPO,
                           check=True, capture_output=True)
        else:
            shutil.copytree(REPO / "fixtures" / "kontumtv", site)
        server, base = start_server(site)
        try:
            out = Path(tmp) / "crawl"
            rows = [crawl(base, out, args), crawl(base, out, args)]
            time.sleep(1.1)  # the edit comes after run 2's fetches, to the second
            edit_posts(site, post_paths(site, args.edits))
            rows.append(crawl(base, out, args))
        finally:
            server.terminate()
            server.wait()
    print(f"site: {'kontumtv fixture' if not args.articles else f'{args.articles} posts'}, "
          f"--delay {args.delay:g} --concurrency {args.concurrency}, {args.edits} posts edited "
          "before run 3")
    print("| run | requests | downloaded | WARC written | records by type | articles written "
          "| wall s |")
    print("|---|---|---|---|---|---|---|")
    for n, row in enumerate(rows, 1):
        types = ", ".join(f"{k} {v}" for k, v in sorted(row["types"].items()))
        written = f"{row['articles']}" + (f" ({row['versions']} new versions)"
                                          if row["versions"] else "")
        print(f"| {n} | {row['requests']:,} | {row['downloaded']:,} B | {row['warc']:,} B "
              f"| {types} | {written} | {row['wall']:.1f} |")
    share = rows[1]["downloaded"] / rows[0]["downloaded"] if rows[0]["downloaded"] else 0
    print(f"run 2 downloaded {share:.1%} of run 1's bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
