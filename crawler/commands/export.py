"""``newsarchive export DIR... --format jsonl|parquet|csv|hf --out OUT``: dataset export.

Argument parsing and wiring only: the work is :func:`crawler.export.export_dataset`, the
Article row schema is :mod:`crawler.export.rows`. Progress goes to stderr (throttled), the
summary to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.commands import examples
from crawler.errors import NewsarchiveError
from crawler.export.options import (
    FORMATS,
    ExportOptions,
    offset_text,
    parse_bound,
    parse_shard_size,
)
from crawler.extract.dates import VN_TZ

if TYPE_CHECKING:
    from crawler.export.rows import RebuildFn

HELP = """\
Turn crawl folders into a dataset: JSONL, Parquet or CSV shards under OUT/data/ plus a
Hugging Face dataset card OUT/README.md, so `datasets.load_dataset("OUT")` loads any
format. `--format hf` is the Hugging Face Hub layout (Parquet shards + card; no
save_to_disk Arrow copy: `load_dataset(OUT).save_to_disk(...)` makes one if needed).
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="export articles as a dataset",
                              description=HELP,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dirs", nargs="+", type=Path, metavar="DIR",
                   help="crawl folder(s) holding articles.jsonl (and warc/)")
    p.add_argument("--format", dest="fmt", default="jsonl", metavar="FORMAT",
                   help=f"one of {', '.join(FORMATS)} (default jsonl)")
    p.add_argument("--out", "-o", required=True, type=Path, metavar="OUT",
                   help="dataset folder to create")
    p.add_argument("--force", action="store_true", help="replace an existing OUT")
    p.add_argument("--reextract", action="store_true",
                   help="rebuild records from DIR/warc/*.warc.gz with the current "
                        "extractor (no network) instead of reading articles.jsonl")
    p.add_argument("--shard-size", default="100000", metavar="ROWS|SIZE",
                   help="rows per shard (10000) or bytes (64MB, 512KiB); default 100000")
    g = p.add_argument_group("filters")
    g.add_argument("--since", metavar="DATE",
                   help="date_published on/after (YYYY-MM-DD or ISO date-time; a bare date "
                        f"is a day at {offset_text(VN_TZ)})")
    g.add_argument("--until", metavar="DATE",
                   help="date_published on/before (a bare date includes the day)")
    g.add_argument("--category", action="append", default=[], metavar="NAME",
                   help="keep articles in this category (repeatable; any matches)")
    g.add_argument("--site", action="append", default=[], metavar="HOST",
                   help="keep articles of this host (or site name); repeatable")
    g.add_argument("--min-words", type=int, default=0, metavar="N", help="minimum word_count")
    g.add_argument("--language", action="append", default=[], metavar="TAG",
                   help="keep this language (primary subtag, e.g. vi); repeatable")
    d = p.add_argument_group("deduplication")
    d.add_argument("--all-versions", action="store_true",
                   help="keep every distinct captured version of an edited article "
                        "(default: the latest capture only)")
    d.add_argument("--no-exact-dedup", action="store_true", help="keep exact duplicates")
    d.add_argument("--no-near-dedup", action="store_true", help="keep near duplicates")
    d.add_argument("--near-threshold", type=float, default=0.9, metavar="J",
                   help="Jaccard similarity of word shingles above which a text is a "
                        "near duplicate (default 0.9)")
    d.add_argument("--shingle-words", type=int, default=5, metavar="N",
                   help="words per shingle (default 5)")
    p.add_argument("--title", default="Vietnamese news articles (newsarchive export)",
                   help="dataset title in the card")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    examples(p,
             'newsarchive export out/kontumtv --format parquet -o datasets/kontumtv',
             'newsarchive export out/a out/b --format hf --since 2025-07-01 --min-words 50 -o ds')
    p.set_defaults(func=run)


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    tz = ExportOptions.default_offset
    rows, size = parse_shard_size(args.shard_size)
    return ExportOptions(
        fmt=args.fmt,
        shard_rows=rows,
        shard_bytes=size,
        since=parse_bound(args.since, end=False, default_offset=tz, option="--since")
        if args.since else None,
        until=parse_bound(args.until, end=True, default_offset=tz, option="--until")
        if args.until else None,
        categories=frozenset(args.category),
        sites=frozenset(args.site),
        min_words=args.min_words,
        languages=frozenset(args.language),
        exact_dedup=not args.no_exact_dedup,
        near_dedup=not args.no_near_dedup,
        near_threshold=args.near_threshold,
        shingle_words=args.shingle_words,
        all_versions=args.all_versions,
        force=args.force,
    )


def run(args: argparse.Namespace, rebuild: RebuildFn | None = None) -> int:
    from crawler.export import rows as article_rows
    from crawler.export.pipeline import check_export_target, export_dataset
    from crawler.export.summary import Progress

    options = options_from_args(args)
    out: Path = args.out
    target = out.resolve()
    for d in args.dirs:   # --force must never replace the archive being read
        if target == d.resolve() or target in d.resolve().parents:
            raise NewsarchiveError(f"{out} is (or contains) the crawl folder {d}; "
                                   "choose another --out")
    check_export_target(out, options.force)
    if args.reextract:
        for d in args.dirs:
            article_rows.warc_paths(d)   # every folder checked before any work
        jsonl: list[Path] = []
        records = article_rows.reextracted_records(args.dirs, rebuild)
    else:
        jsonl = article_rows.crawl_dirs_jsonl(args.dirs)
        records = None
    progress = Progress(None if args.quiet else sys.stderr)
    summary = export_dataset(
        jsonl, out, options=options, schema=article_rows.article_schema(),
        docs=article_rows.field_docs(), to_row=article_rows.article_row, records=records,
        title=args.title, crawl_notes=article_rows.warcinfo_notes(args.dirs), progress=progress)
    for line in summary.lines():
        print(line)
    return 0
