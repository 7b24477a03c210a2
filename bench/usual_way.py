"""The usual way, as a baseline for ``bench/crawl.py``: a plain Scrapy crawl that writes
every exchange to WARC with warcio and runs ``trafilatura.extract`` in the callback.

What a developer writes first: a ``CrawlSpider`` whose one ``Rule`` follows every link on
the site's host (``LinkExtractor`` with an ``allow`` regex on the netloc: its
``allow_domains`` compares against host:port and follows nothing on a local port), a
downloader middleware above the compression middleware that gives each response to
``warcio.WARCWriter`` (``write_record`` of a ``response`` record with the body as
received), and the article text extracted on the reactor thread. No page requisites
(the benchmark crawls with them off on every side). Writes ``OUT/usual.warc.gz`` and
``OUT/articles.jsonl``.

    .venv/bin/python bench/usual_way.py BASE_URL OUT [--concurrency 8]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


class WarcioMiddleware:
    """Every response, body as received, into one warcio WARC file."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        spider = self.crawler.spider
        headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, vs in response.headers.items() for v in vs]
        http = StatusAndHeaders(f"{response.status} OK", headers, protocol="HTTP/1.1")
        record = spider.warc.create_warc_record(response.url, "response",
                                                payload=BytesIO(response.body),
                                                http_headers=http)
        spider.warc.write_record(record)
        return response


class UsualSpider(CrawlSpider):
    name = "usual"

    def __init__(self, base: str, out: str, **kwargs):
        netloc = urlsplit(base).netloc
        self.start_urls = [base]
        self.rules = (Rule(LinkExtractor(allow=[rf"^https?://{re.escape(netloc)}/"]),
                           callback="parse_page", follow=True),)
        super().__init__(**kwargs)
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.warc_file = open(self.out / "usual.warc.gz", "wb")  # noqa: SIM115
        self.warc = WARCWriter(self.warc_file, gzip=True)
        self.articles = open(self.out / "articles.jsonl", "w", encoding="utf-8")  # noqa: SIM115

    def parse_start_url(self, response, **kwargs):
        return self.parse_page(response)

    def parse_page(self, response):
        if b"html" not in (response.headers.get(b"Content-Type") or b""):
            return
        text = trafilatura.extract(response.text, url=response.url, include_comments=False)
        if text:
            self.articles.write(json.dumps({"url": response.url, "text": text},
                                           ensure_ascii=False) + "\n")

    def closed(self, reason):
        self.warc_file.close()
        self.articles.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("base")
    ap.add_argument("out")
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
        "DOWNLOADER_MIDDLEWARES": {"bench.usual_way.WarcioMiddleware": 950},
        "TELNETCONSOLE_ENABLED": False,
    })
    process.crawl(UsualSpider, base=args.base, out=args.out)
    process.start()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
