"""The one-screen summary of a crawl and its progress line, from Scrapy's stats.

Pure functions of a stats mapping (no Scrapy import): ``newsarchive crawl`` and
``newsarchive demo`` print :func:`format_summary`; ``crawler.extensions.CrawlProgress``
prints :func:`progress_line`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def progress_line(stats: Mapping[str, Any], elapsed: float,
                  previous: tuple[float, int] = (0.0, 0), now: float = 0.0) -> str:
    pages = stats.get("response_received_count", 0)
    then, before = previous
    rate = (pages - before) / (now - then) if now > then else 0.0
    queued = stats.get("scheduler/enqueued", 0) - stats.get("scheduler/dequeued", 0)
    return (f"[{_clock(elapsed)}] {pages:,} responses ({rate:.0f}/s), "
            f"{stats.get('articles/written', 0):,} articles, "
            f"{_size(stats.get('warc/bytes', 0))} WARC, {max(queued, 0):,} queued")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def counts_under(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    return {k[len(prefix):]: int(v) for k, v in stats.items()
            if k.startswith(prefix) and isinstance(v, (int, float)) and v}


def _join(counts: Mapping[str, int], limit: int = 8) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} {v:,}" for k, v in items[:limit])
    if len(items) > limit:
        text += f", ... ({len(items) - limit} more)"
    return text


def _not_fetched(stats: Mapping[str, Any]) -> dict[str, int]:
    """What the crawl chose not to fetch, by reason."""
    skipped = counts_under(stats, "newsarchive/links/skipped/")
    robots = int(stats.get("robotstxt/forbidden", 0))
    if robots:
        skipped["robots.txt"] = robots
    # Scrapy's OffsiteMiddleware (host names) and the spider's guard (host:port) both
    # see an off-site redirect: count it once.
    offsite = max(int(stats.get("newsarchive/offsite/filtered", 0)),
                  int(stats.get("offsite/filtered", 0)))
    if offsite:
        skipped["off-site redirect"] = offsite
    since = int(stats.get("newsarchive/since/skipped", 0))
    if since:
        skipped["before --since"] = since
    budget = int(stats.get("newsarchive/max_pages/reached", 0))
    if budget:
        skipped["over --max-pages"] = budget
    for reason, n in counts_under(stats, "newsarchive/traps/").items():  # crawler.traps
        skipped[f"trap {reason}"] = n
    return skipped


def _errors(stats: Mapping[str, Any], statuses: Mapping[str, int]) -> dict[str, int]:
    """Everything that went wrong, by kind (HTTP errors, exceptions, exhausted retries)."""
    errors: dict[str, int] = {}
    for code, n in statuses.items():
        if code.isdigit() and int(code) >= 400:
            errors[f"HTTP {code}"] = n
    for name, n in counts_under(stats, "downloader/exception_type_count/").items():
        if not name.endswith("IgnoreRequest"):  # robots.txt / off-site: counted above
            errors[name.rsplit(".", 1)[-1]] = n
    for key, label in (("retry/max_reached", "retries exhausted"),
                       # crawler.limits: each limit and check, when it bites
                       ("newsarchive/limits/truncated", "body cut short"),
                       ("newsarchive/limits/received_size", "over DOWNLOAD_MAXSIZE"),
                       ("newsarchive/limits/decoded_size", "decoded over DOWNLOAD_MAXSIZE"),
                       ("newsarchive/limits/undecodable", "undecodable body"),
                       ("newsarchive/limits/binary_html", "binary as HTML"),
                       ("newsarchive/limits/malformed_xml", "malformed XML"),
                       ("newsarchive/limits/redirect_loop", "redirect loop"),
                       ("newsarchive/limits/redirect_max", "too many redirects"),
                       ("newsarchive/charset/wrong", "wrong charset"),
                       ("newsarchive/charset/missing", "no charset"),
                       ("retry/retry_after/too_long", "Retry-After too long"),
                       ("newsarchive/posts/incomplete", "incomplete multi-page posts"),
                       ("warc/errors", "WARC write errors"),
                       ("replay/miss", "not in the replayed archive"),
                       ("log_count/ERROR", "logged errors"),
                       ("spider_exceptions/count", "spider exceptions")):
        if stats.get(key):
            errors[label] = int(stats[key])
    for name, n in counts_under(stats, "spider_exceptions/").items():
        if name != "count":
            errors[f"spider {name}"] = n
    return errors


def format_summary(stats: Mapping[str, Any], *, url: str, out: Path | None,
                   index_lines: int | None = None, replay: bool = False) -> str:
    """The closing summary of a crawl, from its Scrapy stats (one screen at most)."""
    elapsed = float(stats.get("elapsed_time_seconds") or 0.0)
    responses = int(stats.get("downloader/response_count", 0))
    statuses = counts_under(stats, "downloader/response_status_count/")
    kinds = counts_under(stats, "newsarchive/pages/")
    lines = [f"Crawled {url}{' (replayed from WARC)' if replay else ''}"
             f" -> {out if out else '(no output folder)'}"]
    lines.append(f"  responses  {responses:,} ({responses / elapsed if elapsed else 0:.1f}/s)"
                 + (f"  by status: {_join(statuses)}" if statuses else ""))
    if kinds:
        lines.append(f"  pages      {_join(kinds, 10)}")
    files = int(stats.get("warc/files", 0))
    lines.append(f"  WARC       {int(stats.get('warc/records', 0)):,} records, "
                 f"{_size(stats.get('warc/bytes', 0))} in {files} file{'s' if files != 1 else ''}"
                 + (f" -> {out / 'warc'}" if out and files else ""))
    if index_lines is not None and out:
        lines.append(f"  index      {index_lines:,} lines -> {out / 'index.cdxj'}")
    written = int(stats.get("articles/written", 0))
    extra = {k: int(stats.get(f"articles/{k}", 0))
             for k in ("new_versions", "unchanged", "same_content", "duplicate", "empty",
                       "failed")}
    extra_text = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in extra.items() if v)
    lines.append(f"  articles   {written:,} written" + (f" ({extra_text})" if extra_text else "")
                 + (f" -> {out / 'articles.jsonl'}" if out else ""))
    recrawl = counts_under(stats, "recrawl/")
    if recrawl or stats.get("http/not_modified"):
        recrawl["304 not modified"] = int(stats.get("http/not_modified", 0))
        revisits = counts_under(stats, "warc/revisits/")
        recrawl["revisit records"] = sum(revisits.values())
        pagination = int(stats.get("newsarchive/pagination/stopped", 0))
        recrawl["listings stopped"] = pagination
        lines.append(f"  re-crawl   {_join({k: v for k, v in recrawl.items() if v}, 12)}")
    quality = counts_under(stats, "articles/quality/")
    if quality:
        lines.append(f"  quality    {_join(quality)}")
    skipped = _not_fetched(stats)
    if skipped:
        lines.append(f"  not fetched {_join(skipped)}")
    errors = _errors(stats, statuses)
    lines.append(f"  errors     {_join(errors, 12) if errors else 'none'}")
    retries = int(stats.get("retry/count", 0))
    if retries:
        waited = float(stats.get("retry/retry_after/seconds", 0))
        lines.append(f"  retries    {retries:,}"
                     + (f" (waited {waited:.0f} s for Retry-After)" if waited else ""))
    lines.append(f"  time       {elapsed:.1f} s ({stats.get('finish_reason', 'unknown')})")
    return "\n".join(lines)


def format_total(sites: list[tuple[str, Mapping[str, Any], int]], elapsed: float) -> str:
    """The closing line of several sites crawled at once: ``(name, stats, exit status)``
    per site (0 finished, 130 interrupted, else failed), the wall time of them all."""
    failed = [name for name, _stats, status in sites if status not in (0, 130)]
    interrupted = sum(1 for _n, _s, status in sites if status == 130)
    total = {key: sum(int(stats.get(key, 0) or 0) for _n, stats, _s in sites)
             for key in ("downloader/response_count", "articles/written", "warc/bytes")}
    return (f"All {len(sites)} sites at once: "
            f"{len(sites) - len(failed) - interrupted} finished, "
            + (f"{interrupted} interrupted, " if interrupted else "")
            + f"{len(failed)} failed" + (f" ({', '.join(failed)})" if failed else "")
            + f"; {total['downloader/response_count']:,} responses, "
            f"{total['articles/written']:,} articles, {_size(total['warc/bytes'])} WARC; "
            f"{elapsed:.1f} s")
