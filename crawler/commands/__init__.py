"""``newsarchive`` subcommands: one module each, argument parsing and wiring only.

Each module defines ``register(subparsers) -> None``, adding its parser(s) with
``set_defaults(func=run)`` where ``run(args) -> int`` returns the exit status.
"""

COMMAND_MODULES = (
    "demo",       # fixture server + crawl + extract + summary on the bundled fixtures
    "fixtures",   # fixtures build | generate | serve (the offline fixture sites)
    "crawl",      # crawl a site into WARC + index + articles
    "schedule",   # crawl the sites of a sites file on their schedules
    "check",      # strict WARC 1.1 validator
    "repair",     # finish the .open WARC files a killed crawl left
    "index",      # CDXJ index of WARC files
    "wacz",       # WACZ packaging
    "replay",     # browse an archive with pywb (in its own virtualenv)
    "extract",    # (re-)extract articles from WARCs
    "export",     # dataset export
    "schema",     # JSON Schema of the Article record
)


def examples(parser: object, *lines: str) -> None:
    """Give a command's ``--help`` its examples (kept as written, one per line)."""
    import argparse

    parser.epilog = "examples:\n" + "\n".join(f"  {line}" for line in lines)  # type: ignore[attr-defined]
    parser.formatter_class = argparse.RawDescriptionHelpFormatter  # type: ignore[attr-defined]


def warn_unfinished(inputs: list[str], command: str) -> None:
    """One stderr line per ``.open`` WARC in the input folders: the command leaves them
    out, and the user should know why (a crawl running, or one that was killed)."""
    import sys
    from pathlib import Path

    from archive.repair import unfinished

    for item in inputs:
        for path in unfinished(item) if Path(item).is_dir() else []:
            print(f"newsarchive {command}: note: {path} is unfinished and left out (a crawl "
                  f"still running, or a killed one: `newsarchive repair {item}`)",
                  file=sys.stderr)


def at_least(option: str, value: float | None, minimum: float) -> None:
    """Raise the one-line error (exit 2) unless ``value`` is None or at least ``minimum``.

    Checked in ``run`` rather than with an argparse ``type=``: argparse's own errors print
    the usage too, and every other bad input of a command is one line.
    """
    import math

    from crawler.errors import NewsarchiveError

    if value is not None and not math.isfinite(value):
        raise NewsarchiveError(f"{option} must be a finite number, got {value}")
    if value is not None and value < minimum:
        raise NewsarchiveError(f"{option} must be at least {minimum}, got {value}")


def at_most(option: str, value: float | None, maximum: float) -> None:
    """The same as :func:`at_least`, for an upper bound."""
    if value is not None and value > maximum:
        from crawler.errors import NewsarchiveError

        raise NewsarchiveError(f"{option} must be at most {maximum}, got {value}")
