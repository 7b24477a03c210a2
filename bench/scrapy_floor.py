"""Scrapy alone, as a floor for ``bench/crawl.py``: fetch a given list of URLs with
Scrapy's default components and do nothing with the responses (no parsing, no link
finding, no WARC). What any Scrapy-based crawler pays per response on this machine
before it does any work of its own; the rest of a crawl's time is the crawler's.

    .venv/bin/python bench/scrapy_floor.py URLS_FILE [--concurrency 8]

URLS_FILE: one URL per line (``bench/crawl.py`` passes the URLs our WARC-only crawl
fetched, so both fetch the same responses).
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess


class FloorSpider(scrapy.Spider):
    name = "floor"

    def __init__(self, urls: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response: scrapy.http.Response, **kwargs: object) -> tuple[()]:
        return ()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("urls", type=Path)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    try:
        lines = args.urls.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SystemExit(f"scrapy_floor: cannot read {args.urls}: {exc}") from None
    urls = [line.strip() for line in lines if line.strip()]
    if not urls:
        raise SystemExit(f"scrapy_floor: no URL in {args.urls}")
    process = CrawlerProcess({
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        # the same content codings our crawl asks for (crawler/settings.py)
        "DEFAULT_REQUEST_HEADERS": {"Accept-Encoding": "gzip, deflate"},
    })
    process.crawl(FloorSpider, urls=urls)
    process.start()


if __name__ == "__main__":
    main()
