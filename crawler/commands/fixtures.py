"""``newsarchive fixtures build | generate``: the offline fixture sites and their gold data.

- ``build [--update] [--out fixtures] [--site NAME]``: (re)writes the committed fixture
  sites from the hand-written corpus; refuses to replace existing gold without --update.
- ``generate --articles N [--seed S] [--theme NAME] DIR``: a large synthetic site in the
  same format, deterministic from the seed, written as it is generated.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from crawler.commands import at_least
from crawler.errors import NewsarchiveError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fixtures", help="build the bundled fixture sites or generate a synthetic one",
        description="Build the committed fixture sites (gold included) or generate large "
                    "synthetic WordPress sites for benchmarks.")
    sub = parser.add_subparsers(dest="fixtures_command", metavar="ACTION")
    sub.required = True

    build = sub.add_parser("build", help="write fixtures/<site>/ from the hand-written corpus")
    build.add_argument("--out", "-o", default="fixtures", type=Path, metavar="DIR",
                       help="folder holding the fixture sites (default: fixtures)")
    build.add_argument("--update", action="store_true",
                       help="replace existing gold data (never done implicitly)")
    build.add_argument("--site", action="append", default=None, metavar="NAME",
                       help="build only this site (repeatable; default: all)")
    build.set_defaults(func=run_build)

    gen = sub.add_parser("generate", help="write a large synthetic site into DIR")
    gen.add_argument("dir", type=Path, metavar="DIR", help="output folder (site/, routes.json, "
                     "gold/); must be empty or absent unless --update")
    gen.add_argument("--articles", type=int, required=True, metavar="N",
                     help="number of posts (50,000 takes about two minutes)")
    gen.add_argument("--seed", type=int, default=1,
                     help="random seed; the same seed gives the same bytes (default: 1)")
    gen.add_argument("--theme", default="kontumtv",
                     help="page theme: kontumtv or newspaper (default: kontumtv)")
    gen.add_argument("--update", action="store_true", help="replace an existing DIR")
    gen.set_defaults(func=run_generate)


def run_build(args: argparse.Namespace) -> int:
    from crawler.sitegen.build import build_all

    if args.out.exists() and not args.out.is_dir():
        raise NewsarchiveError(f"--out {args.out} is not a folder")
    for dest in build_all(args.out, update=args.update, names=args.site):
        print(f"wrote {dest}")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from crawler.sitegen.generate import THEMES, generate_site

    at_least("--articles", args.articles, 1)
    if args.theme not in THEMES:
        raise NewsarchiveError(f"unknown theme {args.theme!r}; valid: {', '.join(THEMES)}")
    start = time.monotonic()
    stats = generate_site(args.dir, articles=args.articles, seed=args.seed, theme=args.theme,
                          update=args.update, progress=sys.stderr if sys.stderr.isatty() else None)
    took = time.monotonic() - start
    print(f"wrote {args.dir}: {stats['articles']} articles, {stats['files']} files, "
          f"{stats['bytes'] / 1e6:.1f} MB, {stats['expected_urls']} expected URLs "
          f"in {took:.1f} s")
    return 0
