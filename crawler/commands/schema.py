"""``newsarchive schema [--update | --check]``: the JSON Schema of the Article record.

Argument parsing and wiring only (the generator is :mod:`crawler.schema`). Without an
option the schema is printed; ``--update`` rewrites the shipped
``crawler/article.schema.json``; ``--check`` exits 1 when that file is out of date.
"""

from __future__ import annotations

import argparse
import sys

from crawler.commands import examples
from crawler.errors import NewsarchiveError
from crawler.schema import SCHEMA_PATH, schema_text


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "schema", help="JSON Schema of the Article record",
        description="Print the JSON Schema of one articles.jsonl record, generated from "
                    "crawler/items.py, or update/check the shipped copy.")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--update", action="store_true",
                       help=f"rewrite {SCHEMA_PATH.name} shipped in the package")
    group.add_argument("--check", action="store_true",
                       help=f"exit 1 if {SCHEMA_PATH.name} differs from crawler/items.py")
    examples(p, 'newsarchive schema > article.schema.json', 'newsarchive schema --check')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = schema_text()
    if args.update:
        try:
            SCHEMA_PATH.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise NewsarchiveError(f"cannot write {SCHEMA_PATH}: {exc.strerror}") from exc
        print(f"wrote {SCHEMA_PATH}")
        return 0
    if args.check:
        current = SCHEMA_PATH.read_text("utf-8") if SCHEMA_PATH.exists() else ""
        if current != text:
            print(f"{SCHEMA_PATH} is out of date: run `newsarchive schema --update`",
                  file=sys.stderr)
            return 1
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    sys.stdout.write(text)
    return 0
