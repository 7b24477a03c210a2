"""``newsarchive crawl URL --out DIR``: crawl a WordPress news site into WARC + articles.

Runs the ``wordpress`` spider in-process (Scrapy's CrawlerProcess: one reactor run per
process, the Twisted reactor cannot restart). Writes ``DIR/warc/*.warc.gz`` (capture
middleware), ``DIR/articles.jsonl`` (article pipeline) and, at the end, ``DIR/index.cdxj``
(``archive.index``), then prints a one-screen summary built from the crawl's stats.
Progress lines go to stderr every ``--progress`` seconds.

Several URLs, or ``--config FILE``: ``crawler.commands.multisite`` crawls them all at
once in one process, each site into its own folder with everything above.

``--replay-from DIR_OR_WARCS`` answers every request from existing WARCs (no network;
``crawler.handlers.WarcReplayDownloadHandler``).

Settings set: ``ARCHIVE_DIR``, ``NEWSARCHIVE_ARTICLES``, ``NEWSARCHIVE_SITE``,
``NEWSARCHIVE_SINCE``, ``NEWSARCHIVE_MAX_PAGES``, ``CONCURRENT_REQUESTS(_PER_DOMAIN)``,
``DOWNLOAD_DELAY``, ``AUTOTHROTTLE_*``, ``EXTRACT_WORKERS``, ``USER_AGENT`` (with
``--contact``), ``NEWSARCHIVE_PROGRESS_INTERVAL``, ``LOG_LEVEL``, the replay settings,
with ``--redis`` ``SCHEDULER``, ``REDIS_URL``, ``NEWSARCHIVE_REDIS_KEY`` (``crawler.frontier``),
and any ``-s KEY=VALUE``. The progress extension reads ``NEWSARCHIVE_PROGRESS_INTERVAL``.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError
from crawler.commands import at_least, at_most, examples
from crawler.errors import NewsarchiveError
from crawler.runlog import CRAWL_LOG, CrawlLog, keep_record
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
    p.add_argument("--full", action="store_true",
                   help="re-crawl: fetch every archived URL again (conditionally; default: "
                        "posts only when their sitemap/feed date says they changed or they "
                        "are older than --max-age)")
    p.add_argument("--max-age", type=float, metavar="DAYS",
                   help="re-crawl: fetch an archived post again once its last fetch is this "
                        "old (default 30; 0: never by age)")
    p.add_argument("--concurrency", type=int, metavar="N",
                   help="parallel requests (per site; default 4)")
    from crawler import settings as defaults

    p.add_argument("--delay", type=float, metavar="SECONDS",
                   help=f"delay between requests to the site (default "
                        f"{defaults.DOWNLOAD_DELAY:g}, AutoThrottle from "
                        f"{defaults.AUTOTHROTTLE_START_DELAY:g} up to "
                        f"{defaults.AUTOTHROTTLE_MAX_DELAY:g}; 0 turns AutoThrottle off: for "
                        f"local servers only)")
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
    p.add_argument("url", nargs="*", metavar="URL",
                   help="base URL of the site (http://host[:port]/); several URLs are "
                        "crawled at once, each into DIR/<host>[_<port>]/")
    p.add_argument("--out", "-o", metavar="DIR", help="output folder")
    p.add_argument("--config", metavar="FILE",
                   help="crawl the sites of this sites file (TOML, docs/sites.example.toml) "
                        "all at once in this process, instead of URL -o DIR; --site NAME: "
                        "only that site of FILE; the options below apply to every site")
    p.add_argument("--one-at-a-time", action="store_true",
                   help="with --config: crawl the sites one after another (one crawl "
                        "process each), as before sites were crawled at once")
    p.add_argument("--replay-from", action="append", default=[], metavar="DIR_OR_WARC",
                   help="answer every request from these WARC files / crawl folders "
                        "(no network; repeatable)")
    add_crawl_options(p)
    add_redis_options(p)
    examples(p,
             'newsarchive crawl https://kontumtv.vn/ -o out/kontumtv --contact https://you.example/contact',
             'newsarchive crawl https://kontumtv.vn/ -o out/kontumtv --since 2025-01-01',
             'newsarchive crawl https://kontumtv.vn/ -o out/again --replay-from out/kontumtv',
             'newsarchive crawl https://a.example/ https://b.example/ -o out  # out/a.example/ ...',
             'newsarchive crawl --config sites.toml --site kontumtv',
             'newsarchive crawl https://kontumtv.vn/ -o out/a --redis redis://10.0.0.5:6379/0')
    p.set_defaults(func=lambda args: run(args, p))


def add_redis_options(p: argparse.ArgumentParser) -> None:
    """``--redis``: the frontier shared with other processes (crawler.frontier)."""
    p.add_argument("--redis", metavar="redis://HOST:PORT/DB",
                   help="share the request queue and the duplicate filter with every crawl "
                        "process started with the same Redis and --redis-key (any machine); "
                        "each writes its own -o DIR (crawler/frontier.py)")
    p.add_argument("--redis-key", metavar="NAME",
                   help="the crawl's name in Redis (default: the site's host)")


def _redis_overrides(args: argparse.Namespace, url: str | None, *, check: bool
                     ) -> dict[str, Any]:
    """The settings ``--redis`` sets ({} without it; with ``check``, one line when the URL
    is bad or nothing answers there)."""
    if not (getattr(args, "redis", None) or getattr(args, "redis_key", None)):
        return {}
    from crawler.frontier import redis_settings

    return redis_settings(args.redis, args.redis_key, url, check=check,
                          replay=bool(getattr(args, "replay_from", None)))


def run(args: argparse.Namespace, parser: argparse.ArgumentParser | None = None) -> int:
    urls = [args.url] if isinstance(args.url, str) else list(args.url or [])
    if getattr(args, "redis", None) and (getattr(args, "config", None) or len(urls) > 1):
        raise NewsarchiveError("--redis shares the frontier of one site (URL -o DIR); "
                               "not with --config or several URLs")
    if getattr(args, "config", None) and getattr(args, "one_at_a_time", False):
        from crawler.commands.schedule import crawl_configured  # one subprocess per site

        return crawl_configured(args)
    if getattr(args, "config", None) or len(urls) > 1:  # many sites in this process
        from crawler.commands.multisite import crawl_many

        return crawl_many(args)
    if getattr(args, "one_at_a_time", False):
        raise NewsarchiveError("--one-at-a-time goes with --config")
    args.url = urls[0] if urls else None
    missing = [name for name, value in (("url", args.url), ("--out/-o", args.out)) if not value]
    if missing and parser is not None:  # argparse's own message, as before --config
        parser.error(f"the following arguments are required: {', '.join(missing)}")
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


JOBDIR_NAME = "jobdir"


def fresh_jobdir(out: Path) -> Path:
    """``DIR/jobdir``, emptied: Scrapy's JOBDIR, used for its disk-backed request queues
    only (pending requests on disk, not in memory: a 50,000-post sitemap queues 50,000
    requests at once). It is never resumed from: after kill -9 its files are stale; the
    WARCs are the crawl state (``crawler.resume``)."""
    path = out / JOBDIR_NAME
    shutil.rmtree(path, ignore_errors=True)
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
        "JOBDIR": str(fresh_jobdir(out)),  # disk queues: memory does not grow with the site
        "NEWSARCHIVE_ARTICLES": str(out / "articles.jsonl"),
        "NEWSARCHIVE_PROGRESS_INTERVAL": max(float(args.progress or 0), 0.0),
    }
    if getattr(args, "max_pages", 0):
        s["NEWSARCHIVE_MAX_PAGES"] = args.max_pages
    if getattr(args, "full", False):
        s["NEWSARCHIVE_FULL"] = True
    if getattr(args, "max_age", None) is not None:
        s["NEWSARCHIVE_RECRAWL_AGE"] = args.max_age
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
    s.update(_redis_overrides(args, args.url and args.url.strip(), check=False))
    s.update(_parse_sets(args.set))
    return s


def run_crawl(args: argparse.Namespace, *, out_stream: Any = None) -> int:
    """Validate, crawl, index, summarise. Returns the exit status."""
    url = validate_args(args)
    out = make_output_dir(args.out)
    overrides = build_settings(args, out)
    marker = resume_or_start(out, url or "", overrides)
    stats = _crawl(args, url, overrides)
    return conclude(args, url, out, marker, stats, out_stream or sys.stdout)


def conclude(args: argparse.Namespace, url: str | None, out: Path, marker: Any,
             stats: dict[str, Any], out_stream: Any) -> int:
    """After the crawl: the resume marker, index, log and stats kept, summary; the exit
    status (a crawl that could not start: :class:`NewsarchiveError`)."""
    reason = stats.get("finish_reason")
    if reason not in INTERRUPTED and reason not in WRITE_ERRORS:
        marker.finish()  # nothing to resume: the next crawl into DIR starts afresh
    shutil.rmtree(out / JOBDIR_NAME, ignore_errors=True)  # never resumed from
    if not stats.get("start_time"):
        error = stats.get("setup_error")
        raise NewsarchiveError(
            str(error) if isinstance(error, ArchiveError)
            else f"the crawl did not start: {type(error).__name__}: {error}" if error
            else "the crawl did not start (see the log above; -v for more)")
    return _report(args, url, out, stats, out_stream)


def validate_args(args: argparse.Namespace) -> str | None:
    """Every argument checked before the output folder is made: one line, exit 2."""
    from crawler.discovery import parse_since
    from crawler.limits import PACE_RANGES
    from crawler.rebuild import resolve_workers
    from crawler.sites import check_base_url, profile_from_setting, resolve_site

    url = args.url.strip() if args.url else None
    if url:
        check_base_url(url)               # the spider gets the URL as given
    resolve_site(url, args.site,          # unknown profile (a sites file's own: -s)
                 profile_from_setting(_parse_sets(args.set).get("NEWSARCHIVE_PROFILE")))
    parse_since(args.since)
    at_least("--max-pages", args.max_pages, 0)
    at_least("--max-age", getattr(args, "max_age", None), 0)
    for option, value, setting in (("--concurrency", args.concurrency, "CONCURRENT_REQUESTS"),
                                   ("--delay", args.delay, "DOWNLOAD_DELAY")):
        low, high, _kind = PACE_RANGES[setting]  # the one table of sane ranges
        at_least(option, value, low)
        at_most(option, value, high)
    at_least("--progress", args.progress, 0)
    if args.workers is not None:
        resolve_workers(args.workers)     # 'abc', 0
    _redis_overrides(args, url, check=True)  # a bad URL, no Redis there
    warning = contact_warning(url or "", args.contact)
    if warning and not getattr(args, "replay_from", None):  # once, before anything is fetched
        print(f"newsarchive crawl: warning: {warning}", file=sys.stderr)
    return url


def crawl_settings(overrides: dict[str, Any]) -> Any:
    """The crawl's Scrapy ``Settings``: the project's, *overrides* at 'cmdline' priority,
    the progress extension and the resume middleware added to the project's own."""
    from scrapy.settings import Settings

    from crawler.limits import check_pace_settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.update(overrides, priority="cmdline")
    extensions = settings.getdict("EXTENSIONS")  # added to, never replacing the project's
    extensions.setdefault("crawler.extensions.CrawlProgress", 900)
    settings.set("EXTENSIONS", extensions, priority="cmdline")
    middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")  # likewise added to
    middlewares.setdefault("crawler.resume.ResumeFromArchiveMiddleware", 960)  # if resuming
    if settings.get("REDIS_URL"):  # --redis (its module imports scrapy-redis)
        middlewares.setdefault("crawler.frontier.SharedRobotsTxt", 970)
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    check_pace_settings(settings)  # -s DOWNLOAD_DELAY=nan: one line, not an engine traceback
    return settings


def _crawl(args: argparse.Namespace, url: str | None, overrides: dict[str, Any]
           ) -> dict[str, Any]:
    """Run the crawl in this process; its stats (``setup_error``: why it did not start)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.wordpress import WordPressSpider

    settings = crawl_settings(overrides)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WordPressSpider)
    setup_errors: list[BaseException] = []  # a component refusing its settings, e.g.
    process.crawl(crawler, url=url, site=args.site, since=args.since,  # EXTRACT_WORKERS=abc
                  max_pages=args.max_pages or None).addErrback(
        lambda failure: setup_errors.append(failure.value))
    if not args.verbose:
        one_line_log_records()  # after crawl(): Scrapy installs its root handler there
    log = CrawlLog(Path(overrides["ARCHIVE_DIR"]) / CRAWL_LOG, settings)
    started = time.monotonic()
    try:
        process.start()
    finally:
        log.close()
    stats = finish_crawl(crawler, time.monotonic() - started)
    stats["newsarchive/crawl_log"] = log
    if setup_errors:
        stats["setup_error"] = setup_errors[0]
    return stats


def _report(args: argparse.Namespace, url: str | None, out: Path, stats: dict[str, Any],
            out_stream: Any) -> int:
    """Index, summary, and the exit status the crawl's end deserves."""
    reason = stats.get("finish_reason")
    keep_record(out, stats)  # before the index: it indexes the log and stats records
    try:
        index_lines, index_error = write_index(out), None
    except ArchiveError as exc:  # e.g. a full disk: the summary is still worth printing
        index_lines, index_error = None, exc
    print(format_summary(stats, url=url or "", out=out, index_lines=index_lines,
                         replay=bool(getattr(args, "replay_from", None))), file=out_stream)
    if index_error is not None:
        print(f"newsarchive crawl: {index_error}; run `newsarchive index {out}` once there "
              f"is room", file=sys.stderr)
    if reason in INTERRUPTED:
        print(f"newsarchive crawl: interrupted; what was fetched is archived in {out} "
              f"(WARC closed, index written); run the same command to resume",
              file=sys.stderr)
        return 130
    if reason in WRITE_ERRORS:
        raise NewsarchiveError(f"crawl stopped: {WRITE_ERRORS[reason]} (see the error above); "
                               f"what was archived in {out} is whole and valid")
    if reason not in FINISHED:
        raise NewsarchiveError(f"crawl ended early: {reason}")
    if not stats.get("downloader/response_count"):
        errors = counts_under(stats, "downloader/exception_type_count/")
        if getattr(args, "redis", None) and not errors:  # other workers had it all
            print(f"newsarchive crawl: nothing was left to fetch in the shared crawl on "
                  f"{args.redis}", file=sys.stderr)
            return 2 if index_error is not None else 0
        cause = max(errors, key=errors.__getitem__).rsplit(".", 1)[-1] if errors else "none"
        raise NewsarchiveError(f"no response from {url} ({cause})")
    return 2 if index_error is not None else 0


WRITE_ERRORS = {"warc_write_error": "a WARC file could not be written",
                "articles_write_error": "articles.jsonl could not be written"}
FINISHED = ("finished", "closespider_pagecount", "closespider_itemcount")
INTERRUPTED = ("shutdown", "interrupted")  # Ctrl-C / SIGTERM; a second one: "interrupted"


def contact_warning(url: str, contact: str | None) -> str | None:
    """The warning for a crawl of a real site (not loopback) without ``--contact``: the
    User-Agent then names the project, and a webmaster cannot reach the operator."""
    import ipaddress
    from urllib.parse import urlsplit

    from crawler import settings as defaults

    if contact:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        if host in ("localhost", "") or host.endswith(".localhost"):
            return None
    return (f"no --contact: the User-Agent names {defaults.NEWSARCHIVE_CONTACT_URL}, not "
            f"you; give the site's webmaster a way to reach you (--contact URL)")


def resume_or_start(out: Path, url: str, overrides: dict[str, Any]) -> Any:
    """Repair what a killed crawl left in ``out``; resume an interrupted crawl (the marker
    ``out/crawl.running`` is still there) from its own archive (``crawler.resume``);
    refuse a folder another live crawl writes into. Returns the marker, now set."""
    from archive.repair import process_alive, repair_stale
    from crawler.resume import CrawlMarker, resumable_files

    marker = CrawlMarker(out)
    previous = marker.interrupted()
    pid = previous.get("pid") if previous else None
    if (previous and previous.get("host") == socket.gethostname() and pid != os.getpid()
            and process_alive(pid)):
        raise NewsarchiveError(f"another crawl (pid {previous['pid']}) is writing into {out}")
    if previous and overrides.get("NEWSARCHIVE_REDIS_KEY"):  # a folder shared by machines
        from crawler.frontier import refuse_live_owner

        refuse_live_owner(out, previous, overrides)
    for done in repair_stale([out / "warc"]):
        print(f"newsarchive crawl: repaired {done.path.name} (left by a killed crawl): "
              f"{done.records} whole records kept, {done.cut_bytes} bytes cut", file=sys.stderr)
    cut = resumable_files(out / "warc", previous) if previous is not None else []
    if cut:
        print(f"newsarchive crawl: resuming the interrupted crawl in {out}: what it archived "
              f"there is read back, not fetched again", file=sys.stderr)
        overrides["NEWSARCHIVE_RESUME"] = [str(path) for path in cut]
        if previous.get("started"):  # what the interrupted crawl fetched is this crawl's
            overrides["NEWSARCHIVE_RUN_STARTED"] = previous["started"]
    marker.start(url)
    return marker


def finish_crawl(crawler: Any, elapsed: float) -> dict[str, Any]:
    """The crawl's stats, after closing what a forced stop (a second Ctrl-C: the reactor
    stops at once, no ``spider_closed``) left open: the WARC file (renamed from
    ``.open``), the extraction workers, articles.jsonl."""
    from crawler.middlewares import WarcSession
    from crawler.pipelines import ArticlePipeline

    WarcSession.finish(crawler)
    last = WarcSession.last_file(crawler)
    try:
        scraper = getattr(crawler.engine, "scraper", None)
    except RuntimeError:  # the crawl never started (a component refused its settings)
        scraper = None
    for component in getattr(getattr(scraper, "itemproc", None), "middlewares", ()):
        if isinstance(component, ArticlePipeline):
            component.abandon()
    try:
        stats = dict(crawler.stats.get_stats())
    except RuntimeError:  # the crawl never started: no stats were made
        stats = {}
    stats["newsarchive/last_warc"] = last
    if stats.get("start_time") and not stats.get("finish_reason"):
        stats["finish_reason"] = "interrupted"
        stats.setdefault("elapsed_time_seconds", elapsed)
    return stats


class _NoTraceback(logging.Filter):
    """Scrapy logs a download error with its whole traceback; without -v the crawl's
    stderr keeps one line per error (the summary counts them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info or record.exc_text:
            record.exc_info = None
            record.exc_text = None
        return True


def one_line_log_records() -> None:
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _NoTraceback) for f in handler.filters):
            handler.addFilter(_NoTraceback())


def write_index(out: Path) -> int | None:
    """``out/index.cdxj`` for every WARC in ``out/warc`` (the files earlier crawls left are
    not read again: their lines are kept); None when there is none."""
    from archive.index import find_warc_files, update_cdxj

    try:
        warcs = find_warc_files([out / "warc"])
    except ArchiveError:  # no WARC written (nothing answered): no index
        return None
    return update_cdxj(warcs, out / "index.cdxj")
