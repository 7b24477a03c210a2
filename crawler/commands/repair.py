"""``newsarchive repair DIR_OR_WARC...``: finish the ``.open`` WARC files a killed crawl left.

Each stale ``NAME.warc.gz.open`` (its writer, named in the file name, no longer runs on
this host) is cut after its last whole record and renamed ``NAME.warc.gz``
(``archive.repair``); one line per file says what was kept and cut. A ``.open`` file of
a live crawl is left alone (``--force`` repairs it anyway: only when you know its writer
is gone, e.g. on another machine). The next ``newsarchive crawl`` into a folder repairs
its stale files by itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from archive.errors import ArchiveError
from archive.repair import is_stale, repair, unfinished
from archive.writer import OPEN_SUFFIX


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "repair", help="finish the .open WARC files a killed crawl left",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Cut each unfinished WARC (NAME.warc.gz.open whose crawl is gone) after "
                    "its last whole record\nand give it its final name.",
        epilog="example:\n  newsarchive repair out/kontumtv")
    parser.add_argument("inputs", nargs="+", metavar="DIR_OR_WARC",
                        help="crawl folders (searched) or .open files")
    parser.add_argument("--force", action="store_true",
                        help="also repair files whose writer looks alive (another host's)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    candidates: list[Path] = []
    for item in map(Path, args.inputs):
        if item.is_dir():
            candidates.extend(unfinished(item))
        elif item.is_file():
            if not item.name.endswith(OPEN_SUFFIX):
                raise ArchiveError(f"{item}: not an unfinished WARC (*{OPEN_SUFFIX})")
            candidates.append(item)
        else:
            raise ArchiveError(f"{item}: no such file or folder")
    if not candidates:
        print("nothing to repair (no *.open WARC files)")
        return 0
    for path in candidates:
        if not args.force and not is_stale(path):
            print(f"{path}: left alone (its crawl may still be running; --force to repair)")
            continue
        done = repair(path)
        print(f"{done.path}: {done.records} whole records kept, {done.cut_bytes} bytes cut")
    return 0


__all__ = ["register", "run"]
