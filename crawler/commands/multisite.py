"""Many sites at once: ``newsarchive crawl URL1 URL2 ... --out DIR`` and ``newsarchive
crawl --config FILE`` crawl every site in this one process, at the same time.

Design: several Scrapy ``Crawler`` objects in one ``CrawlerProcess`` (one reactor), one
``process.crawl(crawler)`` per site with that site's own settings, then one
``process.start()``. This is Scrapy's own way to run many spiders in a process, and each
crawler keeps its own settings, stats, downloader (slots: ``DOWNLOAD_DELAY``,
``CONCURRENT_REQUESTS_PER_DOMAIN``, AutoThrottle and the robots.txt ``Crawl-delay`` of
``crawler.politeness``, all per host), scheduler, spider, WARC session
(``crawler.middlewares.WarcSession`` lives on the crawler) and pipelines: so each site
is exactly the crawl ``newsarchive crawl URL -o DIR`` runs, into its own folder (WARCs,
``index.cdxj``, ``articles.jsonl``, ``crawl.log``, ``stats.json``, ``crawl.running``).
The alternatives cost more for nothing: one subprocess per site (what ``--config
--one-at-a-time`` does, one after another) means N reactors, N interpreters (~100 MB
each) and N extraction pools fighting for 2 cores; one spider for all hosts would share
one stats object, one WARC writer and one dedupe set, and mix the sites' archives.

What assumed one crawl per process, and how it is handled here:

- Extraction workers: one ``crawler.rebuild.SharedPool`` is attached to every crawler
  and each crawl's ``ArticlePipeline`` leases it: N sites start ``EXTRACT_WORKERS``
  processes in all (``--workers``, or the first site's setting), not N times that.
  Bounding the total this way keeps each site's throughput where extraction is not the
  limit (at polite delays it never is) and costs one pool's memory.
- Logs: Scrapy logs through the root logger, for all crawlers at once. Each site's
  ``crawl.log`` handler, and its ``log_count/*`` stats (Scrapy's ``LogCount``
  counts every record of the process), keep only the records of that site:
  :class:`SiteRouter` tells them apart by the ``spider`` Scrapy attaches to a record,
  else by the site's host:port or folder named in the message; a record naming no
  site (the reactor's own) goes to every log.
- Ctrl-C: ``CrawlerProcess`` stops every crawler on the first signal and the reactor on
  the second; every site then ends as a single crawl does (WARC closed, index written,
  ``crawl.running`` kept so the same command resumes each site), and the exit is 130.
- ``crawl.lock`` (``crawler.commands.schedule``): held for each site for the whole run,
  so ``newsarchive schedule`` and a second ``crawl --config`` skip a site this process
  is crawling; the ``crawl.running`` marker refuses a folder another live crawl writes
  into, per site.
- Failures stay per site: a site whose folder cannot be written, whose lock is held,
  whose crawl cannot start or that never answers is reported (one line) and counted
  as failed; the others run to their end. Mistakes in the command line or the sites
  file (a bad URL, option or profile) are refused before anything is fetched, as for
  one site. Exit status: 130 if interrupted, else 2 if any site failed, else 0.
- Output: one summary per site (``crawler.summary.format_summary``), then one total
  line (``crawler.summary.format_total``); progress lines are prefixed with the site.

Several URLs: each site into ``DIR/<host>`` (``DIR/<host>_<port>`` with a port). A
sites file: each ``[[site]]`` is turned into the argv of ``newsarchive crawl URL -o DIR
...`` by ``crawler.commands.schedule.crawl_argv`` and parsed by the crawl command's own
parser, so the options mean exactly what they mean for one site.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.errors import ArchiveError
from crawler.commands import crawl as single
from crawler.errors import NewsarchiveError
from crawler.runlog import CRAWL_LOG, CrawlLog

_UNSET = object()


@dataclasses.dataclass
class Site:
    """One site of a many-site crawl, from its arguments to its exit status."""

    name: str
    args: argparse.Namespace  # as `newsarchive crawl URL -o DIR ...` would have them
    url: str = ""
    out: Path | None = None
    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    marker: Any = None
    crawler: Any = None
    log: Any = None
    setup_errors: list[BaseException] = dataclasses.field(default_factory=list)
    stats: dict[str, Any] = dataclasses.field(default_factory=dict)
    error: str | None = None  # why the site failed (None: it did not)
    status: int = 0
    record: bool = False  # a configured site: write schedule.json


def crawl_many(args: argparse.Namespace) -> int:
    """Crawl the sites of ``--config FILE`` or of several URLs at once; the exit status."""
    sites = config_sites(args) if getattr(args, "config", None) else url_sites(args)
    hosts: dict[str, str] = {}
    for site in sites:  # every argument checked before any folder is made
        site.url = single.validate_args(site.args) or ""
        host = urlsplit(site.url).netloc.lower()
        if host in hosts:  # each crawl keeps its own pace: the host gets the sum
            print(f"newsarchive crawl: warning: sites {hosts[host]} and {site.name} are both "
                  f"on {host}: crawled at once, that host gets both crawls' requests",
                  file=sys.stderr)
        hosts.setdefault(host, site.name)
    start, began = dt.datetime.now().astimezone(), time.monotonic()
    with contextlib.ExitStack() as locks:
        for site in sites:
            _prepare(site, locks)
        ready = [site for site in sites if site.error is None]
        if ready:
            _run(ready)
        return _conclude(sites, start, time.monotonic() - began, sys.stdout)


# --- the sites -------------------------------------------------------------------------


def site_folder(url: str) -> str:
    """The sub-folder of a site given on the command line: its host, ``_port`` added
    when the URL names a port (a '_' cannot be in a host name, so no two sites meet)."""
    parts = urlsplit(url)
    host = (parts.hostname or "site").lower()
    return f"{host}_{parts.port}" if parts.port else host


def url_sites(args: argparse.Namespace) -> list[Site]:
    """``crawl URL1 URL2 ... --out DIR``: one site per URL, in ``DIR/<host>[_<port>]``."""
    from crawler.sites import check_base_url

    if not args.out:
        raise NewsarchiveError("several URLs need --out DIR (each site goes into "
                               "DIR/<host>/)")
    sites: dict[str, Site] = {}
    for url in args.url:
        check_base_url(url.strip())
        name = site_folder(url.strip())
        if name in sites:
            raise NewsarchiveError(f"{url} and {sites[name].args.url} would share the "
                                   f"folder {Path(args.out) / name}; give each site once")
        sites[name] = Site(name, argparse.Namespace(
            **{**vars(args), "url": url, "out": str(Path(args.out) / name)}))
    return list(sites.values())


def config_sites(args: argparse.Namespace) -> list[Site]:
    """``crawl --config FILE [--site NAME]``: one site per ``[[site]]``, with the options
    of the command line passed on, parsed by the crawl command's own parser."""
    from crawler.cli import build_parser
    from crawler.commands.schedule import crawl_argv, passed_on
    from crawler.config import load_config

    if args.url or args.out:
        raise NewsarchiveError("--config takes the URL and the output folder from the file "
                               "(give neither, or no --config)")
    config = load_config(args.config)
    extra = passed_on(args)
    parser = build_parser()
    sites = []
    for conf in config.pick(args.site):
        argv = crawl_argv(conf, config, extra)  # [python, -m, crawler, crawl, URL, ...]
        site_args = parser.parse_args(argv[3:])
        site_args.url = site_args.url[0]  # the one URL of `crawl URL -o DIR`
        sites.append(Site(conf.name, site_args, record=True))
    return sites


def _prepare(site: Site, locks: contextlib.ExitStack) -> None:
    """The site's folder, lock, settings and resume marker; a failure marks the site."""
    from crawler.commands.schedule import LOCK_NAME, site_lock

    out = Path(site.args.out)
    try:
        try:
            held = locks.enter_context(site_lock(out))
        except OSError as exc:
            raise NewsarchiveError(f"cannot write to output folder {out}: "
                                   f"{exc.strerror or exc}") from None
        if held is None:  # as the scheduler says it: nothing was touched
            site.error = f"skipped: another crawl holds {out / LOCK_NAME}"
            print(f"newsarchive crawl: site {site.name}: {site.error}", file=sys.stderr)
            return
        site.out = single.make_output_dir(out)
        site.overrides = single.build_settings(site.args, site.out)
        site.overrides["NEWSARCHIVE_PROGRESS_LABEL"] = site.name
        site.marker = single.resume_or_start(site.out, site.url, site.overrides)
    except ArchiveError as exc:
        site.error = str(exc)
        print(f"newsarchive crawl: site {site.name}: error: {exc}", file=sys.stderr)
        return
    print(f"newsarchive crawl: site {site.name}: {site.url} -> {site.out}", file=sys.stderr,
          flush=True)


# --- the crawl -------------------------------------------------------------------------


def _run(sites: list[Site]) -> None:
    """All the sites' crawlers in one CrawlerProcess: one reactor run."""
    from scrapy.crawler import Crawler, CrawlerProcess
    from scrapy.utils.reactor import install_reactor

    from crawler.rebuild import SharedPool, resolve_workers
    from crawler.spiders.wordpress import WordPressSpider

    settings = [single.crawl_settings(site.overrides) for site in sites]
    process = CrawlerProcess(process_settings(settings[0]))
    router = SiteRouter()
    pool = SharedPool(resolve_workers(settings[0].get("EXTRACT_WORKERS", "auto")),
                      settings[0].get("EXTRACT_MP_CONTEXT", "spawn"))
    # the reactor installed here, not by the first crawler as CrawlerProcess does: a
    # first site whose spider refuses its settings would leave none for the others
    install_reactor(settings[0]["TWISTED_REACTOR"], settings[0]["ASYNCIO_EVENT_LOOP"])
    for site, site_settings in zip(sites, settings, strict=True):
        site.crawler = Crawler(WordPressSpider, site_settings)
        pool.attach(site.crawler)
        router.add(site.crawler, site.url, site.out)
        args = site.args
        process.crawl(site.crawler, url=site.url, site=args.site, since=args.since,
                      max_pages=args.max_pages or None).addErrback(
            lambda failure, site=site: site.setup_errors.append(failure.value))
        _count_own_logs(site.crawler, router.filter_for(site.crawler))
    if not any(site.args.verbose for site in sites):
        single.one_line_log_records()
    for site, site_settings in zip(sites, settings, strict=True):
        site.log = CrawlLog(site.out / CRAWL_LOG, site_settings, router.filter_for(site.crawler))
    started = time.monotonic()
    try:
        process.start()
    finally:
        for site in sites:
            site.log.close()
    for site in sites:  # closes what a forced stop left open, pipelines' leases included
        site.stats = single.finish_crawl(site.crawler, time.monotonic() - started)
        site.stats["newsarchive/crawl_log"] = site.log
        if site.setup_errors:
            site.stats["setup_error"] = site.setup_errors[0]
    pool.shutdown(wait=False)  # nothing left in it: every lease was given back


PROCESS_SETTINGS = re.compile(r"^(LOG_|DNS|TWISTED_|ASYNCIO_EVENT_LOOP$|"
                              r"REACTOR_THREADPOOL_MAXSIZE$)")


def process_settings(first: Any) -> Any:
    """The CrawlerProcess's own settings: what one process has once (logging, reactor,
    DNS, thread pool), from the first site, at 'project' priority. Scrapy merges the
    process's settings into every crawler it runs, replacing values of equal or lower
    priority: the sites' own values (at 'cmdline': folder, delay, concurrency ...) must
    not meet another site's there."""
    from scrapy.settings import SETTINGS_PRIORITIES, Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name in first:  # given on the command line (-s LOG_LEVEL=..., -v) or by the file
        if PROCESS_SETTINGS.match(name) and (first.getpriority(name) or 0) > \
                SETTINGS_PRIORITIES["project"]:
            settings.set(name, first[name], priority="project")
    return settings


def _count_own_logs(crawler: Any, log_filter: Any) -> None:
    """Scrapy's ``LogCount`` extension counts every record of the process into
    ``log_count/*``; keep only this crawler's (its handler is made on spider_opened)."""
    from scrapy import signals
    from scrapy.extensions.logcount import LogCount

    try:
        extension = crawler.get_extension(LogCount)
    except RuntimeError:  # the crawl did not start
        return
    if extension is None:
        return

    def attach(**_: Any) -> None:
        if extension.handler is not None:
            extension.handler.addFilter(log_filter)  # once: logging skips a duplicate

    attach()
    crawler.signals.connect(attach, signal=signals.spider_opened, weak=False)


class SiteRouter:
    """Which site's crawler a log record belongs to (None: no site, the process's own).

    Scrapy attaches the ``spider`` to the records of its engine, scraper, middlewares
    and spider logger; the project's modules name the URL or the output folder in
    their messages. Decided once per record (cached on it)."""

    def __init__(self) -> None:
        self.sites: list[tuple[Any, re.Pattern[str]]] = []

    def add(self, crawler: Any, url: str, out: Path | None) -> None:
        netloc = urlsplit(url).netloc
        # a name followed by a digit or name character is another site's
        # (127.0.0.1:800 is not 127.0.0.1:8001)
        names = [re.escape(f"//{netloc}")] + ([re.escape(str(out))] if out else [])
        self.sites.append((crawler, re.compile(f"(?:{'|'.join(names)})(?![\\w.:-])")))

    def owner(self, record: logging.LogRecord) -> Any:
        found = record.__dict__.get("_newsarchive_site", _UNSET)
        if found is not _UNSET:
            return found
        found = None
        spider = getattr(record, "spider", None)
        if spider is not None:
            found = next((c for c, _ in self.sites if c.spider is spider), None)
        if found is None:
            try:
                text = record.getMessage()
            except Exception:  # a malformed record: its format string alone
                text = str(record.msg)
            found = next((c for c, pattern in self.sites if pattern.search(text)), None)
        record._newsarchive_site = found
        return found

    def filter_for(self, crawler: Any) -> Any:
        """A logging filter passing the records of *crawler* and of no site."""
        def keep(record: logging.LogRecord) -> bool:
            owner = self.owner(record)
            return owner is None or owner is crawler

        return keep


# --- the end ---------------------------------------------------------------------------


def _conclude(sites: list[Site], started: dt.datetime, elapsed: float,
              out_stream: Any) -> int:
    """Each site's summary (or error), the total line; the exit status of them all.
    Configured sites also get ``schedule.json``, as when run one at a time."""
    from crawler.commands.schedule import write_record
    from crawler.summary import format_total

    for site in sites:
        if site.error is None:
            try:
                site.status = single.conclude(site.args, site.url, site.out, site.marker,
                                              site.stats, out_stream)
            except ArchiveError as exc:
                site.error = str(exc)
                print(f"newsarchive crawl: site {site.name}: error: {exc}", file=sys.stderr)
            print(file=out_stream)
        if site.error is not None:
            site.status = 2
        if site.out is not None and site.record:  # a configured site: the scheduler's clock
            write_record(site.out, started, float(site.stats.get("elapsed_time_seconds") or 0),
                         site.status, {"responses": int(site.stats.get(
                             "downloader/response_count", 0)),
                             "articles": int(site.stats.get("articles/written", 0))})
    print(format_total([(site.name, site.stats, site.status) for site in sites], elapsed),
          file=out_stream, flush=True)
    if any(site.status == 130 for site in sites):
        return 130
    return max(site.status for site in sites)
