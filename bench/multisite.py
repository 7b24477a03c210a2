"""Many sites at once vs one after another, at the default politeness.

Generates N small synthetic WordPress sites (``newsarchive fixtures generate --articles
A --seed i``), serves each with its own fixture server on 127.0.0.1 (its own port, so
its own host for the crawler's politeness), writes a sites file listing them, and runs:

1. ``newsarchive crawl --config sites.toml``: every site at once, in one process;
2. ``newsarchive crawl --config sites.toml --one-at-a-time``: one crawl process per
   site, one after another (what ``--config`` did before).

Both at the crawl's default politeness (no ``--delay``: DOWNLOAD_DELAY, AutoThrottle and
robots.txt as shipped). Each mode gets fresh servers (no warm answer cache) and fresh
output folders. Prints the wall time of each (process start to exit), the peak RSS of
the largest process under it (``getrusage(RUSAGE_CHILDREN)``), the ratio, and
checks that both archived the same responses and articles per site (a fast crawl of
fewer pages is no result).

    .venv/bin/python bench/multisite.py [--sites 10] [--articles 20]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.commands.demo import FixtureServerProcess  # noqa: E402


def generate(work: Path, sites: int, articles: int) -> list[Path]:
    folders = []
    for i in range(1, sites + 1):
        folder = work / "sites" / f"site{i:02d}"
        subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate",
                        "--articles", str(articles), "--seed", str(i), str(folder)],
                       cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        folders.append(folder)
    return folders


def sites_file(path: Path, bases: list[str], out: Path) -> Path:
    lines = []
    for i, base in enumerate(bases, 1):
        lines += ["[[site]]", f'name = "site{i:02d}"', f'url = "{base}"',
                  f'out = "{out / f"site{i:02d}"}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# runs the command, then prints on stderr the peak RSS (KiB) of the largest process under
# it (the crawl, an extraction worker, or, one at a time, the largest single crawl)
PEAK_RSS = ("import resource, subprocess, sys; "
            "status = subprocess.run(sys.argv[1:]).returncode; "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
            "sys.exit(status)")


def run_mode(work: Path, folders: list[Path], mode: str
             ) -> tuple[float, float, dict[str, tuple]]:
    """One mode against fresh servers: (wall seconds, peak RSS MB of the largest process,
    per site (responses, articles))."""
    out = work / mode
    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(FixtureServerProcess(f)).base for f in folders]
        config = sites_file(work / f"{mode}.toml", bases, out)
        argv = [sys.executable, "-m", "crawler", "crawl", "--config", str(config),
                "--progress", "0"] + (["--one-at-a-time"] if mode == "sequential" else [])
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", PEAK_RSS, *argv], cwd=REPO,
                              capture_output=True, text=True)
        wall = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"{mode}: exit {proc.returncode}: {proc.stderr.strip()[-1500:]}")
    peak_mb = int(proc.stderr.strip().splitlines()[-1]) / 1024
    counts = {}
    for site in sorted(out.iterdir()):
        stats = json.loads((site / "stats.json").read_text(encoding="utf-8"))
        counts[site.name] = (stats.get("downloader/response_count", 0),
                             stats.get("articles/written", 0))
    return wall, peak_mb, counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sites", type=int, default=10)
    ap.add_argument("--articles", type=int, default=20, help="posts per site")
    ap.add_argument("--work", type=Path, help="working folder (default: a temporary one)")
    args = ap.parse_args()
    with contextlib.ExitStack() as stack:
        work = args.work or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        folders = generate(work, args.sites, args.articles)
        results = {}
        for mode in ("at-once", "sequential"):
            results[mode] = run_mode(work, folders, mode)
            wall, peak, counts = results[mode]
            print(f"{mode:>10}: {wall:6.1f} s, {sum(c[0] for c in counts.values()):,} "
                  f"responses, {sum(c[1] for c in counts.values()):,} articles, "
                  f"{len(counts)} sites, peak RSS {peak:.0f} MB (largest process)",
                  flush=True)
    (at_once, _, a), (sequential, _, s) = results["at-once"], results["sequential"]
    print(f"{args.sites} sites of {args.articles} posts, default politeness: one after "
          f"another {sequential:.1f} s, all at once {at_once:.1f} s: "
          f"{sequential / at_once:.1f}x faster")
    if a != s:
        print(f"DIFFERENT RESULTS: at once {a}, one after another {s}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
