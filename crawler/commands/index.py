"""``newsarchive index DIR_OR_WARCS... [--out FILE]``: CDXJ index of WARC files.

Writes the sorted CDXJ (the format of cdxj-indexer and pywb, see archive.index) to FILE,
or to stdout with ``--out -``. With a single crawl folder and no ``--out`` the index goes
to ``DIR/index.cdxj``. ``--dir-root`` writes filenames relative to that folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archive.index import cdxj_lines, find_warc_files, write_cdxj
from crawler.commands import examples, warn_unfinished


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "index", help="CDXJ index of WARC files",
        description="Index WARC files (response, revisit and resource records) as sorted "
                    "CDXJ, the format pywb and cdxj-indexer use.")
    parser.add_argument("inputs", nargs="+", metavar="DIR_OR_WARC",
                        help="WARC files, or folders searched for *.warc / *.warc.gz")
    parser.add_argument("--out", "-o", default=None, metavar="FILE",
                        help="output file ('-' for stdout; default DIR/index.cdxj for one folder)")
    parser.add_argument("--dir-root", default=None, metavar="DIR",
                        help="write filenames relative to this folder instead of base names")
    examples(parser,
             'newsarchive index out/kontumtv            # writes out/kontumtv/index.cdxj',
             'newsarchive index a.warc.gz b.warc.gz -o - | head')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    files = find_warc_files(args.inputs)
    warn_unfinished(args.inputs, "index")
    out = args.out
    if out is None:
        if len(args.inputs) == 1 and Path(args.inputs[0]).is_dir():
            out = str(Path(args.inputs[0]) / "index.cdxj")
        else:
            out = "-"
    if out == "-":
        for line in cdxj_lines(files, dir_root=args.dir_root):
            sys.stdout.write(line + "\n")
        return 0
    count = write_cdxj(files, out, dir_root=args.dir_root)
    print(f"{out}: {count} lines from {len(files)} WARC file(s)", file=sys.stderr)
    return 0
