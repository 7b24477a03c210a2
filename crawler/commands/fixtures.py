"""``newsarchive fixtures build | generate | serve``: the offline fixture sites.

- ``build [--update] [--out fixtures] [--site NAME]``: (re)writes the committed fixture
  sites from the hand-written corpus; refuses to replace existing gold without --update.
- ``generate --articles N [--seed S] [--theme NAME] DIR``: a large synthetic site in the
  same format, deterministic from the seed, written as it is generated.
- ``serve DIR [--host] [--port] [--fault JSON]... [--cache-mb MB]``: serves a fixture
  folder over HTTP. Prints the base URL (``http://127.0.0.1:PORT/``) as the first line
  of stdout, then serves until SIGTERM/SIGINT (exit 0). Nothing else is written to stdout
  or stderr while serving (callers often hold both as unread pipes).

The work is in ``fixtures.sitegen`` and ``fixtures.server``, imported when a command runs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from crawler.commands import at_least
from crawler.errors import NewsarchiveError
from fixtures.server.faults import MODES, Fault


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fixtures", help="build, generate or serve the offline fixture sites",
        description="Build the committed fixture sites (gold included), generate large "
                    "synthetic WordPress sites for benchmarks, or serve one over HTTP.")
    sub = parser.add_subparsers(dest="fixtures_command", metavar="ACTION")
    sub.required = True
    _add_build(sub)
    _add_generate(sub)
    _add_serve(sub)


RAW = argparse.RawDescriptionHelpFormatter  # description and examples as written


def _add_build(sub: argparse._SubParsersAction) -> None:
    raw = RAW
    build = sub.add_parser(
        "build", help="write fixtures/<site>/ from the hand-written corpus",
        formatter_class=raw,
        description="Write the committed fixture sites (site/, routes.json, gold/) from the\n"
                    "hand-written corpus. The output is reproducible byte for byte; existing\n"
                    "gold is replaced only with --update.",
        epilog="example:\n"
               "  newsarchive fixtures build --update            # regenerate fixtures/*\n"
               "  newsarchive fixtures build -o /tmp/fx --site kontumtv")
    build.add_argument("--out", "-o", default="fixtures", type=Path, metavar="DIR",
                       help="folder holding the fixture sites (default: fixtures)")
    build.add_argument("--update", action="store_true",
                       help="replace existing gold data (never done implicitly)")
    build.add_argument("--site", action="append", default=None, metavar="NAME",
                       help="build only this site (repeatable; default: all)")
    build.set_defaults(func=run_build)


def _add_generate(sub: argparse._SubParsersAction) -> None:
    raw = RAW
    gen = sub.add_parser(
        "generate", help="write a large synthetic site into DIR",
        formatter_class=raw,
        description="Write a synthetic WordPress site of N posts into DIR in the fixture\n"
                    "format (site/, routes.json, gold/ with expected/forbidden URLs and\n"
                    "articles.jsonl), streamed to disk; the same seed gives the same bytes.",
        epilog="example:\n"
               "  newsarchive fixtures generate --articles 5000 --seed 1 /tmp/big\n"
               "  newsarchive fixtures serve /tmp/big")
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


def _add_serve(sub: argparse._SubParsersAction) -> None:
    raw = RAW
    srv = sub.add_parser(
        "serve", help="serve a fixture folder over HTTP on 127.0.0.1",
        formatter_class=raw,
        description="Serve a fixture folder (DIR/site/ with DIR/routes.json, or DIR itself)\n"
                    "over HTTP/1.1. The first line of stdout is the base URL; nothing else\n"
                    "is printed. SIGTERM or SIGINT stops it (exit 0).",
        epilog="example:\n"
               "  newsarchive fixtures serve fixtures/kontumtv --port 8000\n"
               "  newsarchive fixtures serve fixtures/kontumtv \\\n"
               "      --fault '{\"match\": \"/thoi-su/*\", \"mode\": \"status\", "
               "\"status\": 503, \"times\": 2}'")
    srv.add_argument("dir", metavar="DIR", help="fixture folder, e.g. fixtures/kontumtv")
    srv.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    srv.add_argument("--fault", action="append", default=[], metavar="JSON",
                     help="fault rule as a JSON object (repeatable), e.g. "
                          "'{\"match\": \"/thoi-su/*\", \"mode\": \"status\", "
                          "\"status\": 503, \"retry_after\": 1, \"times\": 2}'; modes: "
                          + ", ".join(MODES))
    srv.add_argument("--seed", type=int, default=0,
                     help="seed of the faults' random choices (default 0: the same run "
                          "gives the same faults)")
    srv.add_argument("--cache-mb", type=int, default=64, metavar="MB",
                     help="memory for cached answers (default 64)")
    srv.set_defaults(func=run_serve)


def run_build(args: argparse.Namespace) -> int:
    from fixtures.sitegen.build import build_all

    if args.out.exists() and not args.out.is_dir():
        raise NewsarchiveError(f"--out {args.out} is not a folder")
    for dest in build_all(args.out, update=args.update, names=args.site):
        print(f"wrote {dest}")
    return 0


def run_generate(args: argparse.Namespace) -> int:
    from fixtures.sitegen.generate import THEMES, generate_site

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


def run_serve(args: argparse.Namespace) -> int:
    from fixtures.server.http import serve
    from fixtures.server.site import FixtureSite

    faults = tuple(Fault.from_json(text) for text in args.fault)
    site = FixtureSite(args.dir, faults=faults, cache_bytes=max(1, args.cache_mb) << 20,
                       seed=args.seed)

    def ready(base_url: str) -> None:
        sys.stdout.write(base_url + "\n")
        sys.stdout.flush()

    serve(site, args.host, args.port, ready=ready)
    return 0
