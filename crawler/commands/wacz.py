"""``newsarchive wacz DIR [--out FILE]``: package a crawl's WARCs as a WACZ 1.1.1 file.

DIR is a crawl folder (its ``warc/`` subfolder is used when present) or any folder of
WARCs. Page titles for ``pages.jsonl`` come from ``DIR/articles.jsonl`` (url -> title)
when it exists, else from each page's ``<title>``. Default output: ``DIR/<DIR name>.wacz``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from archive.errors import ArchiveError
from archive.wacz import verify_wacz, write_wacz
from crawler.commands import examples


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "wacz", help="package WARCs as a WACZ file",
        description="Write a WACZ 1.1.1 package (WARCs stored, CDXJ index, pages.jsonl, "
                    "datapackage.json with sha256 hashes).")
    parser.add_argument("directory", type=Path, metavar="DIR",
                        help="crawl folder (uses DIR/warc/) or folder of WARC files")
    parser.add_argument("--out", "-o", type=Path, default=None, metavar="FILE",
                        help="WACZ file to write (default DIR/<name>.wacz)")
    parser.add_argument("--title", default=None, help="collection title for datapackage.json")
    examples(parser, 'newsarchive wacz out/kontumtv -o kontumtv.wacz')
    parser.set_defaults(func=run)


def _titles(directory: Path) -> dict[str, str]:
    from crawler.articles import read_records

    path = directory / "articles.jsonl"
    if not path.is_file():
        return {}
    return {r["url"]: r["title"] for r in read_records(path) if r.get("url") and r.get("title")}


def run(args: argparse.Namespace) -> int:
    directory: Path = args.directory
    if not directory.is_dir():
        raise ArchiveError(f"{directory}: " + ("not a folder" if directory.exists()
                                                else "no such folder"))
    source = directory / "warc" if (directory / "warc").is_dir() else directory
    out = args.out or directory / f"{directory.resolve().name}.wacz"
    path = write_wacz([source], out, titles=_titles(directory), title=args.title)
    problems = verify_wacz(path)
    if problems:
        raise ArchiveError(f"{path}: written but inconsistent: {problems[0]}")
    print(f"{path}: {path.stat().st_size} bytes", file=sys.stdout)
    return 0
