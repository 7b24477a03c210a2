"""Extraction speed: ``crawler.extract.extract_page`` vs plain trafilatura, same pages, one run.

    .venv/bin/python bench/extract_speed.py [--sets gold,scrapinghub,trafilatura,fundus,htmldate]
        [--limit N] [--repeat 1] [--save FILE | --check FILE] [--profile FILE.prof]

Runs sequentially in this process (one core: the figure is per-page CPU time, which is
what a crawl's extraction worker spends). Prints pages/s of ours and of the baseline
(``trafilatura.extract(html, include_comments=False)``) and the ratio ours/baseline.

``--save FILE`` writes one line per page (key, SHA-256 of the whole Article record as
sorted JSON); ``--check FILE`` compares against such a file and fails (exit 1) on any
difference: a speed change must not change a single extracted field. ``--profile`` writes
cProfile stats of our extractor only (read with ``python -m pstats`` or snakeviz).

The page sets are those of bench/extraction_quality.py (read-only, ../shared/benchmarks).
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import hashlib
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.extraction_quality import (  # noqa: E402
    Page,
    fundus_pages,
    gold_articles,
    htmldate_pages,
    read_page,
    scrapinghub_pages,
    trafilatura_pages,
)
from crawler.extract import baseline_text, extract_page  # noqa: E402


def load(sets: list[str], limit: int | None) -> list[tuple[str, str, bytes, dict]]:
    """(key, url, html, headers) per page."""
    out: list[tuple[str, str, bytes, dict]] = []
    if "gold" in sets:
        for page, entry, _boiler, routes in gold_articles():
            origin = routes["origin"].rstrip("/")
            for number in range(1, int(entry["expected"].get("page_count", 1)) + 1):
                path = page.path if number == 1 else page.path.parent / str(number) / "index.html"
                url = page.url if number == 1 else page.url.rstrip("/") + f"/{number}/"
                rel = url[len(origin):].split("?", 1)[0]
                out.append((f"gold/{page.key}/{number}", url, path.read_bytes(),
                            routes.get("headers", {}).get(rel, {})))
    pages: list[Page] = []
    if "scrapinghub" in sets:
        pages += [dataclasses.replace(p, key="sh/" + p.key) for p in scrapinghub_pages(limit)[0]]
    if "trafilatura" in sets:
        pages += [dataclasses.replace(p, key="te/" + p.key)
                  for p in trafilatura_pages(limit)[0]]
    for name, real in (("fundus", fundus_pages), ("htmldate", htmldate_pages)):
        if name in sets:  # the real pages (real-pages/SOURCE.md), not in the default run
            pages += [dataclasses.replace(p, key=f"{name}/{p.key}") for p, _, _ in real(limit)]
    out += [(p.key, p.url, read_page(p), {}) for p in pages]
    return out


def digest(article: object) -> str:
    record = dataclasses.asdict(article) if article is not None else None
    blob = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:20]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="gold,scrapinghub,trafilatura",
                    help="comma-separated: gold, scrapinghub, trafilatura, fundus, htmldate")
    ap.add_argument("--limit", type=int, default=None, help="pages per benchmark set")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-baseline", action="store_true")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--save", metavar="FILE")
    group.add_argument("--check", metavar="FILE")
    ap.add_argument("--profile", metavar="FILE")
    args = ap.parse_args(argv)

    pages = load(args.sets.split(","), args.limit)
    digests: dict[str, str] = {}
    profiler = cProfile.Profile() if args.profile else None
    ours = base = 0.0
    for _ in range(args.repeat):
        for key, url, html, headers in pages:
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            result = extract_page(html, url, headers)
            if profiler:
                profiler.disable()
            ours += time.perf_counter() - start
            digests[key] = digest(result.article)
            if not args.no_baseline:
                start = time.perf_counter()
                baseline_text(html, url or None)
                base += time.perf_counter() - start
    n = len(pages) * args.repeat
    print(f"{len(pages)} pages x{args.repeat}: ours {ours:.2f} s ({n / ours:.1f} pages/s, "
          f"{1000 * ours / n:.1f} ms/page)", end="")
    if not args.no_baseline:
        print(f"; plain trafilatura {base:.2f} s ({n / base:.1f} pages/s); "
              f"ours/plain x{ours / base:.2f}")
    else:
        print()
    if profiler:
        profiler.dump_stats(args.profile)
    if args.save:
        Path(args.save).write_text("".join(f"{k}\t{v}\n" for k, v in digests.items()),
                                   encoding="utf-8")
    if args.check:
        saved = dict(line.split("\t") for line in
                     Path(args.check).read_text(encoding="utf-8").splitlines() if line)
        changed = [k for k, v in digests.items() if k in saved and saved[k] != v]
        missing = [k for k in digests if k not in saved]
        print(f"check: {len(digests) - len(changed) - len(missing)} identical, "
              f"{len(changed)} changed, {len(missing)} not in {args.check}")
        for key in changed[:20]:
            print(f"  changed: {key}")
        return 1 if changed or missing else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
