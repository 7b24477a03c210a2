"""Crawl speed: our crawler vs ``wget --recursive --warc-file`` and the usual Scrapy way,
on the same generated site, in one run.

Generates a synthetic WordPress site (``newsarchive fixtures generate --articles N``),
serves it with nginx (Debian's package; ``--server fixture``: the project's fixture
server, which shares the two cores with the crawler it serves) and crawls it, one crawl
after another, with:

1. ``wget --recursive --level=inf --warc-file`` (the baseline: no parsing beyond links,
   no extraction);
2. the usual way (``bench/usual_way.py``): a Scrapy ``CrawlSpider`` following every link,
   warcio writing each response, ``trafilatura.extract`` in the callback;
3. ``newsarchive crawl`` with the article pipeline off (crawl + WARC: the same job as
   wget);
4. Scrapy alone (``bench/scrapy_floor.py``): the URLs crawl 3 fetched, fetched again by
   a bare Scrapy spider that parses and writes nothing (the floor any Scrapy-based
   crawler starts from on this machine);
5. ``newsarchive crawl`` as shipped (crawl + WARC + article extraction in workers);

then times plain ``trafilatura.extract`` over the HTML pages crawl 3 archived, in one
process. Page requisites are off on every side unless ``--requisites``. Prints responses,
wall time (process start to exit, imports included), responses/s and the ratio to wget
for each, the server's CPU seconds during each crawl (nginx: to show it is not the
limit), and checks that our crawl fetched exactly the site's expected URL list (a fast
crawl of the wrong pages is no result).

    .venv/bin/python bench/crawl.py [--articles 2000] [--concurrency 8] [--workers 1,2]
        [--server nginx|fixture] [--requisites]

Install wget and nginx if missing: ``apt-get install -y wget nginx`` (Debian packages).
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
from bench.common import nginx_site, start_server, tree_cpu_seconds  # noqa: E402


def count_responses(warcs: list[Path]) -> collections.Counter[str]:
    return collections.Counter(c.url for c in iter_captures(warcs))


def count_pages(warcs: list[Path]) -> int:
    """HTML pages archived (status 200): what every crawler here is asked to archive. wget
    also fetches what our crawl policy skips (per-post comment feeds, images behind <a>),
    so rates are compared on pages, as the issue's table does."""
    return sum(1 for c in iter_captures(warcs)
               if c.status == 200 and "html" in (c.content_type or ""))


def run_timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - started, proc


def plain_trafilatura(warcs: list[Path]) -> tuple[int, float]:
    """Pages extracted by plain ``trafilatura.extract`` over every HTML capture, seconds."""
    import trafilatura

    pages = [c.decoded_body() for c in iter_captures(warcs)
             if c.status == 200 and "html" in (c.content_type or "")]
    started = time.perf_counter()
    for body in pages:
        trafilatura.extract(body, include_comments=False)
    return len(pages), time.perf_counter() - started


def check_urls(fetched: collections.Counter[str], base: str, origin: str,
               expected: list[str], requisites: bool) -> str:
    mapped = {u.replace(base.rstrip("/"), origin) for u in fetched}
    if not requisites:
        return f"{len(mapped)} URLs"
    missing = [u for u in expected if u not in mapped]
    extra_urls = mapped - set(expected)
    twice = sum(1 for n in fetched.values() if n > 1)
    return "exact URL list" if not (missing or extra_urls or twice) else (
        f"MISMATCH: {len(missing)} missing, {len(extra_urls)} extra, {twice} twice")


def crawls(args: argparse.Namespace, work: Path, base: str, server_pid: int,
           origin: str, expected: list[str]) -> list[tuple[str, int, float, float, Path]]:
    """(label, responses, seconds, server CPU seconds, WARC folder) per crawler."""
    rows = []
    wdir = work / "wget"
    shutil.rmtree(wdir, ignore_errors=True)
    wdir.mkdir()
    wget = [shutil.which("wget") or "wget", "--recursive", "--level=inf", "--no-verbose",
            "--warc-file", str(wdir / "wget"), "--directory-prefix", str(wdir / "files")]
    if args.requisites:
        wget.append("--page-requisites")
    cpu = tree_cpu_seconds(server_pid)
    seconds, _ = run_timed([*wget, base], wdir)
    rows.append(("wget --recursive --warc-file", sum(count_responses(
        sorted(wdir.glob("*.warc.gz"))).values()), seconds,
        tree_cpu_seconds(server_pid) - cpu, wdir))
    usual = work / "usual"
    shutil.rmtree(usual, ignore_errors=True)
    cpu = tree_cpu_seconds(server_pid)
    seconds, proc = run_timed([sys.executable, str(REPO / "bench" / "usual_way.py"), base,
                               str(usual), "--concurrency", str(args.concurrency)], REPO)
    if proc.returncode != 0:
        raise SystemExit(f"the usual way failed: {proc.stderr[-2000:]}")
    rows.append(("Scrapy + warcio + trafilatura in the callback (the usual way)",
                 sum(count_responses([usual / "usual.warc.gz"]).values()), seconds,
                 tree_cpu_seconds(server_pid) - cpu, usual))
    runs = [("newsarchive crawl (WARC only)", "1", ["-s", "ITEM_PIPELINES={}"])]
    if not args.skip_extract:
        runs += [(f"newsarchive crawl (WARC + articles, {w} worker{'s' * (w != '1')})",
                  w, []) for w in args.workers.split(",") if w.strip()]
    for number, (label, workers, extra) in enumerate(runs):
        out = work / f"crawl{number}"
        shutil.rmtree(out, ignore_errors=True)
        cpu = tree_cpu_seconds(server_pid)
        seconds, proc = run_timed(
            [sys.executable, "-m", "crawler", "crawl", base, "--out", str(out),
             "--delay", "0", "--concurrency", str(args.concurrency), "--progress", "0",
             "-s", f"NEWSARCHIVE_REQUISITES={args.requisites}",
             *(["--workers", workers] if workers.isdigit() else
               ["-s", f"EXTRACT_WORKERS={workers}"]), *extra], REPO)
        if proc.returncode != 0:
            raise SystemExit(f"{label} failed: {proc.stderr[-2000:]}")
        fetched = count_responses(sorted((out / "warc").glob("*.warc.gz")))
        status = check_urls(fetched, base, origin, expected, args.requisites)
        rows.append((f"{label} [{status}]", sum(fetched.values()), seconds,
                     tree_cpu_seconds(server_pid) - cpu, out / "warc"))
        if number == 0:
            rows.append(scrapy_floor(args, work, fetched, server_pid, out / "warc"))
    return rows


def scrapy_floor(args: argparse.Namespace, work: Path, fetched: collections.Counter[str],
                 server_pid: int, warc_dir: Path) -> tuple[str, int, float, float, Path]:
    """Scrapy alone (``bench/scrapy_floor.py``) fetching the URLs the WARC-only crawl
    fetched, nothing parsed or written: what Scrapy itself costs here. Its row reports the
    WARC-only crawl's pages (the same responses)."""
    urls = work / "floor-urls.txt"
    urls.write_text("\n".join(fetched), encoding="utf-8")
    cpu = tree_cpu_seconds(server_pid)
    seconds, proc = run_timed([sys.executable, str(REPO / "bench" / "scrapy_floor.py"),
                               str(urls), "--concurrency", str(args.concurrency)], REPO)
    if proc.returncode != 0:
        raise SystemExit(f"scrapy alone failed: {proc.stderr[-2000:]}")
    return ("Scrapy alone: the same URLs fetched, nothing parsed or written",
            sum(fetched.values()), seconds, tree_cpu_seconds(server_pid) - cpu, warc_dir)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--theme", default="kontumtv")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", default="1",
                    help="extraction processes; a comma list (e.g. 1,2) runs one crawl with "
                         "articles per value")
    ap.add_argument("--server", choices=("nginx", "fixture"), default="nginx")
    ap.add_argument("--requisites", action="store_true",
                    help="also fetch page requisites (CSS, JS, images) on every side")
    ap.add_argument("--skip-extract", action="store_true",
                    help="do not run the crawl with extraction")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = ap.parse_args()
    if not shutil.which("wget"):
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
    try:
        if args.server == "nginx":
            with nginx_site(site, origin) as (base, server):
                rows = crawls(args, work, base, server.pid, origin, expected)
        else:
            server, base = start_server(site)
            try:
                rows = crawls(args, work, base, server.pid, origin, expected)
            finally:
                server.terminate()
                server.wait(timeout=10)
        extracted, plain = plain_trafilatura(sorted(rows[2][4].glob("*.warc.gz")))
        pages = [count_pages(sorted(row[4].glob("*.warc.gz"))) for row in rows]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"site: {args.articles} articles ({args.theme}), {len(expected)} expected URLs "
          f"with requisites; requisites {'on' if args.requisites else 'off'}; concurrency "
          f"{args.concurrency}; server {args.server}; {os.cpu_count()} CPUs")
    wget_rate = pages[0] / rows[0][2]
    usual_rate = pages[1] / rows[1][2]
    for (label, n, seconds, server_cpu, _), html in zip(rows, pages, strict=True):
        rate = html / seconds
        print(f"  {label:72s} {n:6d} responses, {html:6d} pages {seconds:7.1f} s "
              f"{rate:7.1f} pages/s  x{rate / wget_rate:.2f} wget  x{rate / usual_rate:.2f} "
              f"usual  (server CPU {server_cpu:.1f} s)")
    print(f"  plain trafilatura.extract over the same {extracted} HTML pages, one process: "
          f"{plain:.1f} s ({1000 * plain / max(extracted, 1):.1f} ms/page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
