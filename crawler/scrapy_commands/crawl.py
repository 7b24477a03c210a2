"""``scrapy crawl wordpress -a url=URL``: Scrapy's crawl command, arguments checked first.

A spider argument the ``wordpress`` spider cannot use (no ``url`` and no profile base
URL, a bad URL, an unknown ``site`` profile, a bad ``since`` date) would otherwise fail
inside the crawl's startup, where Scrapy can only log an asyncio traceback. Here it is
one line and exit status 2, as ``newsarchive crawl`` does it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawl

from archive.errors import ArchiveError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args and args[0] == "wordpress":
            try:
                _check_arguments(opts.spargs, self.settings)
            except ArchiveError as exc:
                print(f"scrapy crawl wordpress: error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        super().run(args, opts)


def _check_arguments(spargs: dict[str, str], settings: object) -> None:
    from crawler.discovery import parse_since
    from crawler.sites import check_base_url, resolve_site

    url = (spargs.get("url") or "").strip() or None
    if url:
        check_base_url(url)
    resolve_site(url, spargs.get("site") or settings.get("NEWSARCHIVE_SITE"))  # type: ignore[attr-defined]
    parse_since(spargs.get("since") or settings.get("NEWSARCHIVE_SINCE"))  # type: ignore[attr-defined]
