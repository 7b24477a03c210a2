"""``newsarchive check WARC...``: the strict WARC validator (archive.check).

Prints one line per problem (``file:offset: level: message``), a verdict line per file
and a summary; exit 0 when every file is valid, 1 when one is invalid, 2 when one cannot
be read (missing, not a WARC, or an unsupported ARC / LZ4 file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archive.check import NOTICE, check_files
from archive.index import find_warc_files
from crawler.commands import examples, warn_unfinished


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check", help="strict WARC 1.1 validator",
        description="Validate WARC files strictly (fields, formats, digests, references, "
                    "gzip members). Exit 0 valid, 1 invalid, 2 unreadable.")
    parser.add_argument("warcs", nargs="+", metavar="DIR_OR_WARC",
                        help="WARC files (.warc, .warc.gz) or folders holding them")
    parser.add_argument("--lenient", action="store_true",
                        help="only errors (SHALL) make a file invalid, not warnings (SHOULD)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print notices (e.g. references to records in other files)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only the per-file verdicts and the summary")
    examples(parser,
             'newsarchive check out/kontumtv',
             'newsarchive check -q out/kontumtv/warc/*.warc.gz')
    parser.set_defaults(func=run)


def _inputs(items: list[str]) -> list[str]:
    """Folders replaced by their WARC files; files kept as given, missing ones too (the
    checker reports them as unreadable, exit 2)."""
    out: list[str] = []
    for item in items:
        if Path(item).is_dir():
            out.extend(str(p) for p in find_warc_files([item]))
        else:
            out.append(item)
    return out


def run(args: argparse.Namespace) -> int:
    report = check_files(_inputs(args.warcs), lenient=args.lenient)
    warn_unfinished(args.warcs, "check")
    out = sys.stdout
    for result in report.files:
        if not args.quiet:
            for problem in result.problems:
                if problem.level != NOTICE or args.verbose:
                    print(problem, file=out)
        counts = ", ".join(f"{result.count(lv)} {lv}s" for lv in ("error", "warning"))
        print(f"{result.path}: {result.status} ({result.records} records; {counts})", file=out)
    print(report.summary(), file=out)
    return report.exit_code
