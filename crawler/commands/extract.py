"""``newsarchive extract DIR_OR_WARCS... --out FILE``: rebuild articles.jsonl from WARCs.

Argument parsing and wiring only: articles and their counts come from
:func:`crawler.rebuild.iter_extracted` (extraction in ``--workers`` processes when > 1;
failures logged there) and are written by :class:`crawler.articles.ArticleJsonl`. No
network. The output is written to ``FILE.partial`` and renamed over FILE only when
complete, so an existing FILE is never left damaged. The summary goes to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections import Counter
from pathlib import Path

from archive.index import find_warc_files
from archive.scratch import ScratchSet
from crawler.articles import ArticleJsonl
from crawler.commands import at_least, examples, warn_unfinished
from crawler.errors import NewsarchiveError
from crawler.rebuild import iter_extracted


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "extract", help="(re-)extract articles from WARC files, no network",
        description="Rebuild articles.jsonl from archived pages: every post found in the "
                    "WARCs (latest 200 HTML capture per URL, multi-page posts joined) is "
                    "extracted with the current extractor, one line per canonical URL.")
    p.add_argument("paths", nargs="+", type=Path, metavar="DIR_OR_WARC",
                   help="crawl folder(s) (their warc/*.warc.gz) or WARC files")
    p.add_argument("--out", "-o", required=True, type=Path, metavar="FILE",
                   help="articles.jsonl to write")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="extraction processes (default 1: in this process)")
    examples(p, 'newsarchive extract out/kontumtv -o /tmp/articles.jsonl --workers 2')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    at_least("--workers", args.workers, 1)
    files = find_warc_files(args.paths)  # bad paths: one line, before anything is written
    warn_unfinished(args.paths, "extract")
    out: Path = args.out
    if out.is_dir():
        raise NewsarchiveError(f"--out {out} is a folder; give a file name (articles.jsonl)")
    partial = out.with_name(out.name + ".partial")
    started = time.monotonic()
    counts: Counter[str] = Counter()
    try:
        _remove(partial)
        with ScratchSet() as written, ArticleJsonl(partial, seen_ids=written) as writer:
            for article, flags in iter_extracted(files, counts, workers=args.workers):
                writer.write(article)  # ids are unique: iter_extracted left duplicates out
                counts["written"] += 1
                for flag in flags:
                    counts[f"quality/{flag}"] += 1
        os.replace(partial, out)
    except OSError as exc:  # a folder that is no folder, read-only, full: one line
        _remove(partial)
        raise NewsarchiveError(f"cannot write {out}: {exc.strerror or exc}") from None
    except BaseException:
        _remove(partial)
        raise
    elapsed = time.monotonic() - started
    print(f"{counts['written']} articles -> {out} ({counts['posts']} posts in {len(files)} "
          f"WARC file(s); {counts['duplicate']} duplicates, {counts['empty']} empty, "
          f"{counts['failed']} failed"
          + (f", {counts['undecodable']} undecodable" if counts["undecodable"] else "")
          + f"; {elapsed:.1f} s)")
    flags = sorted(k for k in counts if k.startswith("quality/"))
    if flags:
        print("quality flags: " + ", ".join(f"{k[8:]} {counts[k]}" for k in flags))
    return 1 if counts["failed"] else 0


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):  # e.g. its folder is a file: nothing to remove
        path.unlink(missing_ok=True)
