"""The ``newsarchive`` command: wires subcommands, turns errors into one line + exit 2."""

from __future__ import annotations

import argparse
import importlib
import sys

from archive.errors import ArchiveError
from crawler import __version__
from crawler.commands import COMMAND_MODULES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Archive WordPress news sites into WARC and normalised article data.",
    )
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(f"crawler.commands.{name}").register(sub)
    return parser


def command_name(args: argparse.Namespace) -> str:
    """The subcommand as typed: 'crawl', or with its action ('fixtures serve') for a command
    whose actions are parsed into ``<command>_command``."""
    action = getattr(args, f"{args.command}_command", None)
    return f"{args.command} {action}" if action else args.command


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ArchiveError as exc:
        print(f"newsarchive {command_name(args)}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"newsarchive {command_name(args)}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
