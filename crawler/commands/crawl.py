"""``newsarchive crawl URL --out DIR``: crawl a WordPress news site into WARC + articles.

Runs the ``wordpress`` spider in-process (Scrapy's CrawlerProcess: one crawl per
process, the Twisted reactor cannot restart). Writes ``DIR/warc/*.warc.gz`` (capture
middleware), ``DIR/articles.jsonl`` (article pipeline) and, at the end, ``DIR/index.cdxj``
(``archive.index``), then prints a one-screen summary built from the crawl's stats.
Progress lines go to stderr every ``--progress`` seconds.

``--replay-from DIR_OR_WARCS`` answers every request from existing WARCs (no network;
``crawler.handlers.WarcReplayDownloadHandler``).

Settings set: ``ARCHIVE_DIR``, ``NEWSARCHIVE_ARTICLES``, ``NEWSARCHIVE_SITE``,
``NEWSARCHIVE_SINCE``, ``NEWSARCHIVE_MAX_PAGES``, ``CONCURRENT_REQUESTS(_PER_DOMAIN)``,
``DOWNLOAD_DELAY``, ``AUTOTHROTTLE_*``, ``EXTRACT_WORKERS``, ``USER_AGENT`` (with
``--contact``), ``NEWSARCHIVE_PROGRESS_INTERVAL``, ``LOG_LEVEL``, the replay settings,
and any ``-s KEY=VALUE``. The progress extension reads ``NEWSARCHIVE_PROGRESS_INTERVAL``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any

from crawler.commands import at_least
from crawler.errors import NewsarchiveError
from crawler.summary import counts_under, format_summary

# --- arguments -------------------------------------------------------------------------


def add_crawl_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``crawl`` and ``demo``."""
    from crawler.sites import PROFILES

    p.add_argument("--site", metavar="PROFILE",
                   help=f"site profile: {', '.join(sorted(PROFILES))} (default: by host, "
                        "else 'generic'; see crawler/sites.py)")
    p.add_argument("--since", metavar="DATE",
                   help="skip posts older than DATE (sitemap lastmod, feed date, URL date)")
    p.add_argument("--max-pages", type=int, default=0, metavar="N",
                   help="stop scheduling new pages after N (requisites not counted)")
    p.add_argument("--concurrency", type=int, metavar="N",
                   help="parallel requests (per site; default 4)")
    p.add_argument("--delay", type=float, metavar="SECONDS",
                   help="delay between requests to the site (AutoThrottle start delay; "
                        "0 turns AutoThrottle off: for local servers only)")
    p.add_argument("--workers", metavar="N|auto",
                   help="article extraction processes: a number, or auto (default: CPUs "
                        "minus one, 1 to 4; EXTRACT_WORKERS)")
    p.add_argument("--contact", metavar="URL",
                   help="contact URL put in the User-Agent (NEWSARCHIVE_CONTACT_URL)")
    p.add_argument("--progress", type=float, default=10.0, metavar="SECONDS",
                   help="seconds between progress lines on stderr (0: none; default 10)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="any Scrapy/newsarchive setting (repeatable)")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="Scrapy's log on stderr (-v: INFO, -vv: DEBUG)")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "crawl", help="crawl a WordPress news site into WARC files, an index and articles",
        description="Crawl a WordPress news site from its base URL: every exchange into "
                    "DIR/warc/*.warc.gz, DIR/index.cdxj, and one JSON record per article "
                    "in DIR/articles.jsonl.")
    p.add_argument("url", help="base URL of the site (http://host[:port]/)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.add_argument("--replay-from", action="append", default=[], metavar="DIR_OR_WARC",
                   help="answer every request from these WARC files / crawl folders "
                        "(no network; repeatable)")
    add_crawl_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return run_crawl(args)


# --- the crawl -----------------------------------------------------------------------------


def make_output_dir(out: str | os.PathLike[str]) -> Path:
    """Create the output folder (and warc/); one-line error if it cannot be written."""
    path = Path(out)
    try:
        (path / "warc").mkdir(parents=True, exist_ok=True)
        probe = path / f".newsarchive-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise NewsarchiveError(f"cannot write to output folder {path}: "
                               f"{exc.strerror or exc}") from None
    return path


def _parse_sets(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise NewsarchiveError(f"bad --set {pair!r} (expected NAME=VALUE)")
        out[name.strip()] = value
    return out


def build_settings(args: argparse.Namespace, out: Path) -> dict[str, Any]:
    """Settings overrides (priority 'cmdline') for this crawl."""
    from crawler import settings as defaults

    s: dict[str, Any] = {
        "ARCHIVE_DIR": str(out),
        "NEWSARCHIVE_ARTICLES": str(out / "articles.jsonl"),
        "NEWSARCHIVE_PROGRESS_INTERVAL": max(float(args.progress or 0), 0.0),
    }
    if getattr(args, "max_pages", 0):
        s["NEWSARCHIVE_MAX_PAGES"] = args.max_pages
    if args.concurrency is not None:
        s["CONCURRENT_REQUESTS_PER_DOMAIN"] = args.concurrency
        s["CONCURRENT_REQUESTS"] = max(args.concurrency, 4)
        s["AUTOTHROTTLE_TARGET_CONCURRENCY"] = float(args.concurrency)
    if args.delay is not None:
        s["DOWNLOAD_DELAY"] = args.delay
        s["AUTOTHROTTLE_START_DELAY"] = args.delay
        if args.delay == 0:
            s["AUTOTHROTTLE_ENABLED"] = False
    if args.workers is not None:
        s["EXTRACT_WORKERS"] = args.workers
    if args.contact:
        s["NEWSARCHIVE_CONTACT_URL"] = args.contact
        s["USER_AGENT"] = defaults.USER_AGENT.replace(defaults.NEWSARCHIVE_CONTACT_URL,
                                                      args.contact)
    s["LOG_LEVEL"] = ("WARNING", "INFO", "DEBUG")[min(int(args.verbose or 0), 2)]
    if getattr(args, "replay_from", None):
        from crawler.handlers import replay_settings

        s.update(replay_settings(args.replay_from))
    s.update(_parse_sets(args.set))
    return s


def run_crawl(args: argparse.Namespace, *, out_stream: Any = None) -> int:
    """Validate, crawl, index, summarise. Returns the exit status."""
    from crawler.discovery import parse_since
    from crawler.rebuild import resolve_workers
    from crawler.sites import check_base_url, resolve_site
    from crawler.spiders.wordpress import WordPressSpider

    out_stream = out_stream or sys.stdout
    url = args.url.strip() if args.url else None
    if url:
        check_base_url(url)               # bad URL: one line, exit 2 (spider gets it as given)
    resolve_site(url, args.site)          # unknown profile / bad URL: one line, exit 2
    parse_since(args.since)               # bad date: one line, exit 2
    at_least("--max-pages", args.max_pages, 0)  # bad numbers: before the folder is made
    at_least("--concurrency", args.concurrency, 1)
    at_least("--delay", args.delay, 0)
    if args.workers is not None:
        resolve_workers(args.workers)     # 'abc', 0: one line, exit 2
    out = make_output_dir(args.out)
    overrides = build_settings(args, out)

    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")  # added to, never replacing the project's
    extensions.setdefault("crawler.extensions.CrawlProgress", 900)
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WordPressSpider)
    process.crawl(crawler, url=url, site=args.site, since=args.since,
                  max_pages=args.max_pages or None)
    if not args.verbose:
        _one_line_log_records()  # after crawl(): Scrapy installs its root handler there
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if not stats.get("start_time"):
        raise NewsarchiveError("the crawl did not start (see the log above; -v for more)")

    index_lines = write_index(out)
    print(format_summary(stats, url=url or "", out=out, index_lines=index_lines,
                         replay=bool(getattr(args, "replay_from", None))), file=out_stream)
    reason = stats.get("finish_reason")
    if reason not in ("finished", "closespider_pagecount", "closespider_itemcount"):
        raise NewsarchiveError(f"crawl ended early: {reason}")
    if not stats.get("downloader/response_count"):
        errors = counts_under(stats, "downloader/exception_type_count/")
        cause = max(errors, key=errors.__getitem__).rsplit(".", 1)[-1] if errors else "none"
        raise NewsarchiveError(f"no response from {url} ({cause})")
    return 0


class _NoTraceback(logging.Filter):
    """Scrapy logs a download error with its whole traceback; without -v the crawl's
    stderr keeps one line per error (the summary counts them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or record.exc_text:
            record.exc_info = None
            record.exc_text = None
        return True


def _one_line_log_records() -> None:
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _NoTraceback) for f in handler.filters):
            handler.addFilter(_NoTraceback())


def write_index(out: Path) -> int | None:
    """``out/index.cdxj`` for every WARC in ``out/warc``; None when there is none."""
    from archive.errors import ArchiveError
    from archive.index import find_warc_files, write_cdxj

    try:
        warcs = find_warc_files([out / "warc"])
    except ArchiveError:  # no WARC written (nothing answered): no index
        return None
    return write_cdxj(warcs, out / "index.cdxj")
