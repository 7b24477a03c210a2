"""``newsarchive replay DIR``: serve a fixture folder over HTTP on 127.0.0.1.

Prints the base URL (``http://127.0.0.1:PORT/``) as the first line of stdout, then serves
until SIGTERM/SIGINT. Nothing else is written to stdout or stderr while serving (callers
often hold both as unread pipes).
"""

from __future__ import annotations

import argparse
import sys

from archive.replay import serve
from archive.replay_faults import MODES, Fault
from archive.replay_site import FixtureSite


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "replay", help="serve a fixture site offline (the replay server)",
        description="Serve a fixture folder (DIR/site/ with DIR/routes.json, or DIR itself) "
                    "over HTTP/1.1. The first line of stdout is the base URL.")
    p.add_argument("dir", metavar="DIR", help="fixture folder, e.g. fixtures/kontumtv")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    p.add_argument("--fault", action="append", default=[], metavar="JSON",
                   help="fault rule as a JSON object (repeatable), e.g. "
                        "'{\"match\": \"/thoi-su/*\", \"mode\": \"status\", \"status\": 503, "
                        "\"retry_after\": 1, \"times\": 2}'; modes: " + ", ".join(MODES))
    p.add_argument("--cache-mb", type=int, default=64, metavar="MB",
                   help="memory for cached answers (default 64)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    faults = tuple(Fault.from_json(text) for text in args.fault)
    site = FixtureSite(args.dir, faults=faults, cache_bytes=max(1, args.cache_mb) << 20)

    def ready(base_url: str) -> None:
        sys.stdout.write(base_url + "\n")
        sys.stdout.flush()

    serve(site, args.host, args.port, ready=ready)
    return 0
