"""``newsarchive`` subcommands: one module each, argument parsing and wiring only.

Each module defines ``register(subparsers) -> None``, adding its parser(s) with
``set_defaults(func=run)`` where ``run(args) -> int`` returns the exit status.
"""

COMMAND_MODULES = (
    "demo",       # fixture server + crawl + extract + summary on the bundled fixtures
    "fixtures",   # fixtures build | generate | serve (the offline fixture sites)
    "crawl",      # crawl a site into WARC + index + articles
    "check",      # strict WARC 1.1 validator
    "index",      # CDXJ index of WARC files
    "wacz",       # WACZ packaging
    "extract",    # (re-)extract articles from WARCs
    "export",     # dataset export
    "schema",     # JSON Schema of the Article record
)


def at_least(option: str, value: float | None, minimum: float) -> None:
    """Raise the one-line error (exit 2) unless ``value`` is None or at least ``minimum``.

    Checked in ``run`` rather than with an argparse ``type=``: argparse's own errors print
    the usage too, and every other bad input of a command is one line.
    """
    if value is not None and value < minimum:
        from crawler.errors import NewsarchiveError

        raise NewsarchiveError(f"{option} must be at least {minimum}, got {value}")
