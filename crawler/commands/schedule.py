"""``newsarchive schedule FILE``: crawl each site of a sites file (``crawler.config``) on
its cron expression or interval; also the runner behind ``newsarchive crawl --config
--one-at-a-time`` (without it, ``crawler.commands.multisite`` crawls the sites at once).

Each crawl is its own subprocess, ``python -m crawler crawl URL -o DIR ...`` (Scrapy's
reactor cannot restart): this module only builds that command's argv from the site's
config, so the crawl command stays the one place that knows its options. Sites run one
after another.

- One crawl per site at a time: ``DIR/crawl.lock`` is held (``fcntl.flock``) for the whole
  run, by this process and by the crawl subprocess (which inherits it: a scheduler killed
  mid-run leaves the lock with its crawl). A site whose lock is held is skipped (a log
  line) and tried again a minute later.
- When a site is due: its schedule's next start after the last run's start
  (``DIR/schedule.json``); a site never run is due at once.
- The crawl's stdout and stderr are appended to ``DIR/schedule.log``; one line per run on
  stdout: site, start, duration, exit status, responses and articles (from the crawl's
  summary).
- SIGTERM / SIGINT: the running crawl gets SIGINT (it stops cleanly, archives what it has
  and resumes by itself next time) and is waited for; a second signal forces it. Then the
  scheduler exits 0. ``--once`` runs every due site once and exits with the worst status.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from crawler.commands import examples
from crawler.config import SiteConfig, SitesConfig, load_config
from crawler.errors import NewsarchiveError
from crawler.sites import profile_to_setting

LOCK_NAME = "crawl.lock"
RECORD_NAME = "schedule.json"
LOG_NAME = "schedule.log"
SKIPPED = -1  # a run that did not start: the site's lock is held
RETRY_LOCKED = 60.0  # seconds before a locked site is tried again
# crawl options given on the `crawl --config` command line, passed on to every site's
# crawl after the config's own (argparse: the last one wins; -s adds)
PASSED_ON = (("since", "--since"), ("max_pages", "--max-pages"),
             ("concurrency", "--concurrency"), ("delay", "--delay"), ("workers", "--workers"),
             ("contact", "--contact"), ("progress", "--progress"))


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "schedule", help="crawl the sites of a sites file on their schedules",
        description="Run each site of FILE (TOML, see docs/sites.example.toml) on its cron "
                    "expression or interval, one crawl at a time; SIGTERM stops cleanly.")
    p.add_argument("file", metavar="FILE", help="sites file (TOML)")
    p.add_argument("--site", metavar="NAME", help="only this site of FILE")
    p.add_argument("--once", action="store_true",
                   help="run every due site once and exit (for cron and tests)")
    examples(p, "newsarchive schedule sites.toml",
             "newsarchive schedule sites.toml --once   # from crontab")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.file)
    sites = [s for s in config.pick(args.site) if s.schedule is not None]
    if not sites:
        raise NewsarchiveError(f"{config.path}: no site has a 'schedule'")
    for site in sites:
        crawl_argv(site, config)  # a site the crawl cannot run: fail now, not at 3 a.m.
    with SiteRunner() as runner:
        return Scheduler(config, sites, runner).loop(once=args.once)


# --- the crawl subprocess --------------------------------------------------------------


def crawl_argv(site: SiteConfig, config: SitesConfig,
               extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """``python -m crawler crawl URL -o DIR ...`` for *site*; *extra* options last."""
    argv = [sys.executable, "-m", "crawler", "crawl", site.url, "--out", str(site.out)]
    if site.profile in config.profiles:  # the file's own profile, handed to the crawl
        argv += ["-s", f"NEWSARCHIVE_PROFILE={profile_to_setting(config.profiles[site.profile])}"]
    for option, value in (("--site", site.profile), ("--delay", site.delay),
                          ("--concurrency", site.concurrency), ("--contact", site.contact),
                          ("--since", site.since), ("--max-pages", site.max_pages or None)):
        if value is not None:
            argv += [option, str(value)]
    for name, value in site.settings:
        argv += ["-s", f"{name}={value}"]
    return argv + list(extra)


def passed_on(args: argparse.Namespace) -> list[str]:
    """The crawl options given with ``crawl --config``, as argv for each site's crawl."""
    out: list[str] = []
    for attr, option in PASSED_ON:
        value = getattr(args, attr, None)
        if value not in (None, 0) or (attr == "delay" and value == 0):
            out += [option, str(value)]
    for pair in getattr(args, "set", None) or []:
        out += ["-s", pair]
    for source in getattr(args, "replay_from", None) or []:
        out += ["--replay-from", source]
    return out + ["-v"] * int(getattr(args, "verbose", 0) or 0)


@contextlib.contextmanager
def site_lock(out: Path) -> Iterator[int | None]:
    """``out/crawl.lock`` held for the block (its descriptor), or None if another process
    holds it."""
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield fd
    finally:
        os.close(fd)


class SiteRunner:
    """Runs one crawl subprocess at a time and turns SIGTERM/SIGINT into a clean stop:
    the crawl gets SIGINT (a second signal: SIGINT again, Scrapy's forced stop)."""

    def __init__(self) -> None:
        self.stopping = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> SiteRunner:
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: object) -> None:
        self.stopping = True
        if self._proc is not None and self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(signal.SIGINT)

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stopping and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.5))

    def crawl(self, argv: list[str], lock_fd: int, output: TextIO | None = None) -> int:
        """Run the crawl *argv* (its output to *output*, else inherited); its exit status."""
        self._proc = subprocess.Popen(argv, stdout=output, stderr=output,
                                      stdin=subprocess.DEVNULL, pass_fds=(lock_fd,),
                                      start_new_session=True)  # signals come from us only
        try:
            if self.stopping:  # a signal just before the start
                self._proc.send_signal(signal.SIGINT)
            status = self._proc.wait()
            return 128 - status if status < 0 else status  # killed by a signal: 128+N
        finally:
            self._proc = None


def run_site(site: SiteConfig, argv: list[str], runner: SiteRunner, *,
             log: bool = False) -> tuple[int, dict[str, Any]]:
    """One crawl of *site* under its lock; (exit status or SKIPPED, the run's record)."""
    with site_lock(site.out) as fd:
        if fd is None:
            return SKIPPED, {}
        start = dt.datetime.now().astimezone()
        began = time.monotonic()
        if log:
            path = site.out / LOG_NAME
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"--- {start.isoformat(timespec='seconds')} {' '.join(argv)}\n")
                fh.flush()
                offset = fh.tell()
                status = runner.crawl(argv, fd, fh)
            with open(path, encoding="utf-8", errors="replace") as fh:
                fh.seek(offset)
                counts = summary_counts(fh.read())
        else:
            status, counts = runner.crawl(argv, fd), {}
        return status, write_record(site.out, start, time.monotonic() - began, status, counts)


def write_record(out: Path, start: dt.datetime, duration: float, status: int,
                 counts: dict[str, int]) -> dict[str, Any]:
    """``out/schedule.json``: when the site's last run started (the scheduler's clock),
    how long it took, its exit status and counts."""
    record = {"start": start.isoformat(timespec="seconds"), "duration": round(duration, 1),
              "exit": status, **counts}
    (out / RECORD_NAME).write_text(json.dumps(record) + "\n", encoding="utf-8")
    return record


_COUNTS = {"responses": re.compile(r"^\s+responses\s+([\d,]+)", re.M),
           "articles": re.compile(r"^\s+articles\s+([\d,]+) written", re.M)}


def summary_counts(output: str) -> dict[str, int]:
    """Responses and articles from the crawl summary (``crawler.summary``) in *output*."""
    counts = {}
    for key, pattern in _COUNTS.items():
        found = pattern.findall(output)
        if found:
            counts[key] = int(found[-1].replace(",", ""))
    return counts


def last_start(site: SiteConfig) -> dt.datetime | None:
    try:
        record = json.loads((site.out / RECORD_NAME).read_text(encoding="utf-8"))
        return dt.datetime.fromisoformat(record["start"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


# --- the scheduler ---------------------------------------------------------------------


class Scheduler:
    """Runs *sites* when due, one at a time, until stopped (or once)."""

    def __init__(self, config: SitesConfig, sites: list[SiteConfig], runner: SiteRunner,
                 out: TextIO | None = None) -> None:
        self.config, self.sites, self.runner = config, sites, runner
        self.out = out or sys.stdout
        self.retry: dict[str, float] = {}  # a locked site: not before this monotonic time

    def due_at(self, site: SiteConfig, now: dt.datetime) -> dt.datetime:
        """When *site* is due: *now* if it never ran, else its schedule's next start
        after its last start (later if its lock was held a moment ago)."""
        previous = last_start(site)
        due = now if previous is None else site.schedule.next_after(previous)  # type: ignore[union-attr]
        wait = self.retry.get(site.name, 0.0) - time.monotonic()
        return max(due, now + dt.timedelta(seconds=wait)) if wait > 0 else due

    def loop(self, once: bool = False) -> int:
        self.say(f"scheduler started: {len(self.sites)} site(s) from {self.config.path}"
                 + (" (once)" if once else ""))
        worst = 0
        while not self.runner.stopping:
            now = dt.datetime.now().astimezone()
            due = [s for s in self.sites if self.due_at(s, now) <= now]
            for site in due:
                if self.runner.stopping:
                    break
                worst = max(worst, self.run_one(site))
            if once:
                break
            if not due:
                nearest = min(self.due_at(s, now) for s in self.sites)
                self.runner.sleep(min((nearest - now).total_seconds(), 60.0))
        self.say("scheduler stopped" if self.runner.stopping else "scheduler done")
        return 0 if self.runner.stopping else worst

    def run_one(self, site: SiteConfig) -> int:
        argv = crawl_argv(site, self.config, ["--progress", "0"])
        status, record = run_site(site, argv, self.runner, log=True)
        if status == SKIPPED:
            self.retry[site.name] = time.monotonic() + RETRY_LOCKED
            self.say(f"{site.name}: skipped: another crawl holds {site.out / LOCK_NAME}")
            return 0
        self.retry.pop(site.name, None)
        counts = ", ".join(f"{record[k]:,} {k}" for k in ("responses", "articles")
                           if k in record)
        self.say(f"{site.name}: started {record['start']}, {record['duration']:.1f} s, exit "
                 f"{status}{', ' + counts if counts else ''} -> {site.out} "
                 f"(log: {site.out / LOG_NAME})")
        return status

    def say(self, line: str) -> None:
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        print(f"{stamp} newsarchive schedule: {line}", file=self.out, flush=True)


# --- crawl --config --------------------------------------------------------------------


def crawl_configured(args: argparse.Namespace) -> int:
    """``newsarchive crawl --config FILE [--site NAME] --one-at-a-time``: each site's
    crawl in turn, the worst exit status."""
    if args.url or args.out:
        raise NewsarchiveError("--config takes the URL and the output folder from the file "
                               "(give neither, or no --config)")
    config = load_config(args.config)
    sites = config.pick(args.site)
    extra = passed_on(args)
    argvs = [crawl_argv(site, config, extra) for site in sites]  # every site checked first
    worst = 0
    with SiteRunner() as runner:
        for site, argv in zip(sites, argvs, strict=True):
            if runner.stopping:
                break
            print(f"newsarchive crawl: site {site.name}: {site.url} -> {site.out}",
                  file=sys.stderr, flush=True)
            status, _ = run_site(site, argv, runner)
            if status == SKIPPED:
                print(f"newsarchive crawl: site {site.name}: skipped: another crawl holds "
                      f"{site.out / LOCK_NAME}", file=sys.stderr)
                status = 2
            worst = max(worst, status)
        if runner.stopping:
            return 130
    return worst
