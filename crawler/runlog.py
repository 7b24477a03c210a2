"""The lasting record of a crawl run: ``DIR/crawl.log`` and ``DIR/stats.json``, and both
kept in the run's last WARC as ``resource`` records (``metadata://newsarchive/crawl.log``,
``.../stats.json``), as wget and Browsertrix keep their logs in the archive. Used by
``newsarchive crawl`` (``crawler.commands.crawl``)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError

CRAWL_LOG = "crawl.log"
STATS_JSON = "stats.json"


class _LogFile(logging.FileHandler):
    """A log file that stops writing on its first error (a full disk) instead of
    printing logging's "--- Logging error ---" traceback for every later line."""

    failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if not self.failed:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        self.failed = True


class CrawlLog:
    """``DIR/crawl.log``: the crawl's whole log at INFO (tracebacks included), appended
    run after run; :meth:`text` is this run's part, for the WARC (as wget keeps its log)."""

    def __init__(self, path: Path, settings: Any,
                 log_filter: Callable[[logging.LogRecord], bool] | None = None) -> None:
        self.path = path
        self.start = path.stat().st_size if path.exists() else 0
        self.handler = _LogFile(path, encoding="utf-8")
        self.handler.setLevel(logging.INFO)
        self.handler.setFormatter(logging.Formatter(settings.get("LOG_FORMAT"),
                                                    settings.get("LOG_DATEFORMAT")))
        if log_filter is not None:  # many sites in one process: this site's records
            self.handler.addFilter(log_filter)
        # first: it formats each record before the terminal's one-line filter trims it
        logging.getLogger().handlers.insert(0, self.handler)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        try:
            self.handler.close()
        except OSError:  # a full disk: the log is cut short, the crawl's end is not
            pass

    def text(self) -> bytes:
        with open(self.path, "rb") as fh:
            fh.seek(self.start)
            return fh.read()


def keep_record(out: Path, stats: dict[str, Any]) -> None:
    """``DIR/stats.json`` and, in the crawl's last WARC, ``resource`` records of this
    run's log and stats (``metadata://newsarchive/crawl.log``, ``.../stats.json``): the
    archive says how it was made. A failure is one warning: the capture is what counts."""
    from archive.reader import first_record
    from archive.records import build_resource
    from archive.writer import append_records
    from crawler.middlewares import new_record_id, utc_now

    log = stats.pop("newsarchive/crawl_log", None)
    warc = stats.pop("newsarchive/last_warc", None)
    kept = {k: v for k, v in stats.items() if k != "setup_error"}
    data = (json.dumps(kept, default=str, indent=1, sort_keys=True) + "\n").encode("utf-8")
    try:
        (out / STATS_JSON).write_bytes(data)
        if warc is None or log is None:
            return
        info = first_record(warc)
        warcinfo_id = info.get("WARC-Record-ID") if info else None
        now = utc_now()
        spans = append_records(warc, [
            build_resource("metadata://newsarchive/crawl.log", log.text(),
                           "text/plain; charset=utf-8", record_id=new_record_id(), date=now,
                           warcinfo_id=warcinfo_id),
            build_resource("metadata://newsarchive/stats.json", data,
                           "application/json", record_id=new_record_id(), date=now,
                           warcinfo_id=warcinfo_id)])
        stats["warc/records"] = stats.get("warc/records", 0) + len(spans)  # the summary
        stats["warc/bytes"] = stats.get("warc/bytes", 0) + sum(n for _, n in spans)  # counts them
    except (OSError, ArchiveError) as exc:
        print(f"newsarchive crawl: warning: the crawl's log and stats were not kept: {exc}",
              file=sys.stderr)
