"""Crawl speed: our crawler vs ``wget --recursive --warc-file`` on the same generated site.

Generates a synthetic WordPress site (``newsarchive fixtures generate --articles N``),
serves it with the fixture server (``newsarchive fixtures serve DIR --port 0``) and, in
the same run, crawls it with:

1. ``wget --recursive --level=inf --page-requisites --warc-file`` (the baseline: one
   connection, no parsing beyond links, no extraction);
2. ``newsarchive crawl`` with the article pipeline off (crawl + WARC capture: the same job
   as wget);
3. ``newsarchive crawl`` as shipped (crawl + WARC + article extraction in worker
   processes).

Prints responses archived, wall time (process start to exit, imports included) and
responses/s for each, and the ratios against wget. The crawls run one after another, so
the server and the machine are shared the same way. Also checks that our crawl fetched
exactly the site's expected URL list (a fast crawl of the wrong pages is no result).

    .venv/bin/python bench/crawl.py [--articles 2000] [--concurrency 8] [--workers 1,2]

Install wget if missing: ``apt-get install -y wget`` (Debian package).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from archive.reader import iter_captures  # noqa: E402


def start_server(site: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "fixtures", "serve", str(site),
                             "--port", "0"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    base = proc.stdout.readline().strip() if proc.stdout else ""
    if not base.startswith("http://"):
        proc.kill()
        raise SystemExit(f"fixture server did not start: {base!r}")
    return proc, base


def count_responses(warcs: list[Path]) -> collections.Counter[str]:
    return collections.Counter(c.url for c in iter_captures(warcs))


def run_timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - started, proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--theme", default="kontumtv")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", default="1",
                    help="extraction processes; a comma list (e.g. 1,2) runs one crawl with "
                         "articles per value")
    ap.add_argument("--skip-extract", action="store_true",
                    help="do not run the third (with extraction) crawl")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = ap.parse_args()

    workers = [w.strip() for w in args.workers.split(",") if w.strip()]
    wget = shutil.which("wget")
    if not wget:
        raise SystemExit("wget not found: apt-get install -y wget")
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    work.mkdir(parents=True, exist_ok=True)
    site = work / "site"
    if not (site / "routes.json").exists():
        subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate", "--articles",
                        str(args.articles), "--seed", str(args.seed), "--theme", args.theme,
                        str(site)], cwd=REPO, check=True, capture_output=True)
    expected = [ln.strip() for ln in (site / "gold" / "expected_urls.txt").read_text(
        encoding="utf-8").splitlines() if ln.strip()]
    origin = json.loads((site / "routes.json").read_text(encoding="utf-8"))["origin"]

    server, base = start_server(site)
    rows: list[tuple[str, int, float]] = []
    try:
        # 1. wget
        wdir = work / "wget"
        shutil.rmtree(wdir, ignore_errors=True)
        wdir.mkdir()
        seconds, _ = run_timed([wget, "--recursive", "--level=inf", "--page-requisites",
                                "--no-verbose", "--warc-file", str(wdir / "wget"),
                                "--directory-prefix", str(wdir / "files"), base], wdir)
        wget_urls = count_responses(sorted(wdir.glob("*.warc.gz")))
        rows.append(("wget --recursive --warc-file", sum(wget_urls.values()), seconds))

        # 2. and 3. newsarchive crawl
        runs = [("newsarchive crawl (WARC only)", "1", ["-s", "ITEM_PIPELINES={}"])]
        if not args.skip_extract:
            runs += [(f"newsarchive crawl (WARC + articles, {w} worker{'s' * (w != '1')})",
                      w, []) for w in workers]
        for number, (label, workers_arg, extra) in enumerate(runs):
            out = work / f"crawl{number}"
            shutil.rmtree(out, ignore_errors=True)
            seconds, proc = run_timed(
                [sys.executable, "-m", "crawler", "crawl", base, "--out", str(out),
                 "--delay", "0", "--concurrency", str(args.concurrency), "--progress", "0",
                 *(["--workers", workers_arg] if workers_arg.isdigit() else
                   ["-s", f"EXTRACT_WORKERS={workers_arg}"]), *extra], REPO)
            if proc.returncode != 0:
                raise SystemExit(f"{label} failed: {proc.stderr[-2000:]}")
            fetched = count_responses(sorted((out / "warc").glob("*.warc.gz")))
            mapped = {u.replace(base.rstrip("/"), origin) for u in fetched}
            missing = [u for u in expected if u not in mapped]
            extra_urls = mapped - set(expected)
            twice = sum(1 for n in fetched.values() if n > 1)
            status = "exact URL list" if not (missing or extra_urls or twice) else (
                f"MISMATCH: {len(missing)} missing, {len(extra_urls)} extra, {twice} twice")
            rows.append((f"{label} [{status}]", sum(fetched.values()), seconds))
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"site: {args.articles} articles ({args.theme}), {len(expected)} expected URLs; "
          f"concurrency {args.concurrency}, {os.cpu_count()} CPUs")
    wget_rate = rows[0][1] / rows[0][2]
    for label, n, seconds in rows:
        rate = n / seconds
        print(f"  {label:72s} {n:6d} responses {seconds:7.1f} s {rate:7.1f}/s"
              f"  x{rate / wget_rate:.2f} wget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
