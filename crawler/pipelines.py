"""ArticlePipeline: PostItem -> Article (in worker processes) -> ``articles.jsonl``.

Extraction (trafilatura, lxml) is CPU-heavy and never runs on the reactor thread: each
post goes to a ``ProcessPoolExecutor`` with ``EXTRACT_WORKERS`` processes (started with
the ``forkserver`` method: forking a process that runs Twisted threads is unsafe). With
the asyncio reactor the future is awaited through ``asyncio.wrap_future``; with another
reactor a thread waits on it (``deferToThread``).

Deduplication by canonical URL (the article id): the first article written wins, later
ones are counted (``articles/duplicate``). An existing output file is appended to: its ids
seed the dedupe set, a partial last line is repaired (see crawler.articles.ArticleJsonl).

Failure policy: a page that fails extraction (an exception in the extractor, or a worker
that died) is counted (``articles/failed``) and logged with its URL, and the crawl goes
on; the WARC records stay, so the page can be re-extracted with ``newsarchive extract``.
A failure to write the output file is fatal (the error propagates).

Settings read: ``NEWSARCHIVE_ARTICLES`` (output file; default ``ARCHIVE_DIR/articles.jsonl``;
neither set: NotConfigured), ``ARCHIVE_DIR``, ``EXTRACT_WORKERS`` (a number, or ``auto``:
CPUs minus one, at least 1, at most ``AUTO_WORKERS_MAX``), ``EXTRACT_MP_CONTEXT``
(``forkserver``, ``spawn`` or ``fork``).

Stats: ``articles/written``, ``articles/duplicate``, ``articles/empty``,
``articles/failed``, ``articles/quality/<flag>`` (crawler.extract.quality_flags).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.asyncio import is_asyncio_available
from twisted.internet.threads import deferToThread

from crawler.articles import ArticleJsonl, extract_post
from crawler.errors import NewsarchiveError
from crawler.items import Article, PostItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MP_CONTEXTS = ("forkserver", "spawn", "fork")
# "auto": one extraction process per CPU left beside the reactor's (at least one, at most
# AUTO_WORKERS_MAX). Measured with bench/crawl.py --workers 1,2 on 2 CPUs, machine
# otherwise idle: 1 worker 11.0-11.3 s, 2 workers 13.6-13.9 s (the second worker takes CPU
# from the reactor, which is busy all the time). The reactor is one thread and feeds about
# one CPU's worth of extraction, so more processes than a few would only idle and hold
# memory.
AUTO_WORKERS_MAX = 4


def resolve_workers(value: object) -> int:
    """``EXTRACT_WORKERS`` as a number of processes: a positive integer or ``auto``."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cpus = os.cpu_count() or 1
        return max(1, min(cpus - 1, AUTO_WORKERS_MAX))
    try:
        workers = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise NewsarchiveError(f"EXTRACT_WORKERS must be a positive integer or 'auto', "
                               f"got {value!r}") from None
    if workers < 1:
        raise NewsarchiveError(f"EXTRACT_WORKERS must be at least 1, got {workers}")
    return workers


class ArticlePipeline:
    """Item pipeline turning PostItems into deduplicated lines of ``articles.jsonl``."""

    def __init__(self, crawler: Crawler, path: Path, workers: int, mp_context: str) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.output = ArticleJsonl(path)
        self.workers = workers
        self.mp_context = mp_context
        self.executor: Executor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlePipeline:
        settings = crawler.settings
        path = settings.get("NEWSARCHIVE_ARTICLES")
        if not path:
            if not settings.get("ARCHIVE_DIR"):
                raise NotConfigured("neither NEWSARCHIVE_ARTICLES nor ARCHIVE_DIR is set")
            path = Path(settings["ARCHIVE_DIR"]) / "articles.jsonl"
        workers = resolve_workers(settings.get("EXTRACT_WORKERS", "auto"))
        context = settings.get("EXTRACT_MP_CONTEXT", "forkserver")
        if context not in MP_CONTEXTS:
            raise NewsarchiveError(f"EXTRACT_MP_CONTEXT {context!r}: valid values are "
                                   f"{', '.join(MP_CONTEXTS)}")
        return cls(crawler, Path(path), workers, context)

    # -- lifecycle ---------------------------------------------------------------------

    def _new_executor(self) -> Executor:
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context(self.mp_context))

    def open_spider(self) -> None:
        self.output.open()
        if self.output.seen_ids:
            logger.info("Appending to %(path)s (%(n)d articles already there)",
                        {"path": self.output.path, "n": len(self.output.seen_ids)})
        if self.output.repaired_bytes:
            self.stats.set_value("articles/repaired_bytes", self.output.repaired_bytes)
        self.executor = self._new_executor()

    def close_spider(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
        self.output.close()

    # -- items ---------------------------------------------------------------------------

    async def _run(self, post: PostItem) -> tuple[Article | None, list[str], str | None]:
        assert self.executor is not None
        try:
            future: Future[Any] = self.executor.submit(extract_post, post)
        except BrokenProcessPool:
            self.executor = self._new_executor()
            future = self.executor.submit(extract_post, post)
        try:
            if is_asyncio_available():
                return await asyncio.wrap_future(future)
            return await deferToThread(future.result)
        except BrokenProcessPool as exc:
            # a worker died (e.g. out of memory): a fresh pool for the next posts
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = self._new_executor()
            return None, [], f"worker process died: {exc}"

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PostItem):
            return item
        article, flags, error = await self._run(item)
        if error is not None:
            self.stats.inc_value("articles/failed")
            logger.error("Extraction failed for %(url)s: %(error)s",
                         {"url": item.url, "error": error})
            raise DropItem(f"extraction failed: {item.url}", log_level="DEBUG")
        if article is None or not article.text.strip():
            self.stats.inc_value("articles/empty")
            logger.warning("Empty article (no text extracted) at %(url)s", {"url": item.url})
            if article is None:
                raise DropItem(f"no article: {item.url}", log_level="DEBUG")
        if not self.output.write(article):
            self.stats.inc_value("articles/duplicate")
            logger.debug("Duplicate of %(canonical)s: %(url)s",
                         {"canonical": article.canonical_url, "url": item.url})
            raise DropItem(f"duplicate of {article.canonical_url}", log_level="DEBUG")
        self.stats.inc_value("articles/written")
        for flag in flags:
            self.stats.inc_value(f"articles/quality/{flag}")
        if flags:
            logger.warning("Article %(url)s flagged: %(flags)s",
                           {"url": article.url, "flags": ", ".join(flags)})
        return article
