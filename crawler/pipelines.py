"""ArticlePipeline: PostItem -> Article (in worker processes) -> ``articles.jsonl``.

Extraction (trafilatura, lxml) is CPU-heavy and never runs on the reactor thread: each
post goes to ``crawler.rebuild.ExtractionPool`` (the one worker pool, also used by
``newsarchive extract``) with ``EXTRACT_WORKERS`` processes; when several sites are
crawled in one process, their crawls share one pool (``crawler.rebuild.SharedPool``). With
the asyncio reactor the future is awaited through ``asyncio.wrap_future``; with another
reactor a thread waits on it (``deferToThread``).

Deduplication by canonical URL (the article id): the first article of a run wins, later
ones are counted (``articles/duplicate``). An existing output file is appended to (a
partial last line is repaired, see crawler.articles.ArticleJsonl) with versions: a post
found unchanged by a re-crawl (``PostItem.unchanged``: a 304 or the same payload,
``crawler.incremental``; or a page a resumed crawl read back from its own archive) whose
article is in the file is not extracted again (``articles/unchanged``); a post fetched
again and changed is extracted, and becomes the article's next version
(``articles/new_versions``) only when its content changed (else
``articles/same_content``). Versions are also listed in ``DIR/state.sqlite``.

Failure policy: a page that fails extraction (an exception in the extractor, or a worker
that died) is counted (``articles/failed``) and logged with its URL, and the crawl goes
on; the WARC records stay, so the page can be re-extracted with ``newsarchive extract``.
A failure to write the output file is fatal (the error propagates).

Settings read: ``NEWSARCHIVE_ARTICLES`` (output file; default ``ARCHIVE_DIR/articles.jsonl``;
neither set: NotConfigured), ``ARCHIVE_DIR``, ``EXTRACT_WORKERS`` (a number, or ``auto``:
CPUs minus one, at least 1, at most ``crawler.rebuild.AUTO_WORKERS_MAX``), ``EXTRACT_MP_CONTEXT``
(``spawn``, the default, ``forkserver`` or ``fork``).

Stats: ``articles/written`` (new versions included), ``articles/new_versions``,
``articles/unchanged``, ``articles/same_content``, ``articles/duplicate``, ``articles/empty``,
``articles/failed``, ``articles/quality/<flag>`` (crawler.extract.quality_flags).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.asyncio import is_asyncio_available
from twisted.internet.threads import deferToThread

from crawler.articles import (
    DUPLICATE,
    NEW_VERSION,
    UNCHANGED,
    ArticleJsonl,
    version_rows,
)
from crawler.errors import NewsarchiveError
from crawler.incremental import state_for_crawler
from crawler.items import Article, PostItem, article_id
from crawler.middlewares import WarcSession
from crawler.rebuild import ExtractionPool, PoolLease, SharedPool, resolve_workers

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FINISH_REASON_ARTICLES_ERROR = "articles_write_error"

class ArticlePipeline:
    """Item pipeline turning PostItems into deduplicated lines of ``articles.jsonl``."""

    def __init__(self, crawler: Crawler, path: Path,
                 pool: ExtractionPool | PoolLease) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.output = ArticleJsonl(path)
        self.pool = pool
        self.failed = False
        self.state = state_for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlePipeline:
        settings = crawler.settings
        path = settings.get("NEWSARCHIVE_ARTICLES")
        if not path:
            if not settings.get("ARCHIVE_DIR"):
                raise NotConfigured("neither NEWSARCHIVE_ARTICLES nor ARCHIVE_DIR is set")
            path = Path(settings["ARCHIVE_DIR"]) / "articles.jsonl"
        pool = SharedPool.for_crawler(  # many sites in one process: their one pool
            crawler, resolve_workers(settings.get("EXTRACT_WORKERS", "auto")),
            settings.get("EXTRACT_MP_CONTEXT", "spawn"))
        return cls(crawler, Path(path), pool)

    # -- lifecycle ---------------------------------------------------------------------

    def open_spider(self) -> None:
        self.output.open()
        if self.output.latest:
            logger.info("Appending to %(path)s (%(n)d articles already there)",
                        {"path": self.output.path, "n": len(self.output.latest)})
        if self.output.repaired_bytes:
            self.stats.set_value("articles/repaired_bytes", self.output.repaired_bytes)
        if self.state is not None and self.state.version_count() != self.output.lines:
            self.state.add_versions(version_rows(self.output.path))  # e.g. a new state
        self.pool.start()  # workers ready before the first fetch, not started mid-crawl

    def close_spider(self) -> None:
        self.pool.shutdown(wait=True)
        self.output.close()

    def abandon(self) -> None:
        """After a forced stop (a second Ctrl-C: no ``close_spider``): stop the workers
        without waiting for posts in flight, close the file (whole lines only)."""
        self.pool.shutdown(wait=False)
        self.output.close()

    # -- items ---------------------------------------------------------------------------

    async def _run(self, post: PostItem) -> tuple[Article | None, list[str], str | None]:
        try:
            future = self.pool.submit(post)
        except RuntimeError as exc:  # the pool is shut down: the crawl is being stopped
            return None, [], f"not extracted: {exc}"
        try:
            if is_asyncio_available():
                return await asyncio.wrap_future(future)
            return await deferToThread(future.result)
        except BrokenProcessPool as exc:
            # a worker died (e.g. out of memory): a fresh pool for the next posts
            self.pool.restart()
            return None, [], f"worker process died: {exc}"
        except (KeyboardInterrupt, SystemExit) as exc:
            # raised in a worker and handed back through its future (workers ignore
            # SIGINT, so this is a worker's own exit): a failed page, never a crash
            return None, [], f"worker stopped: {type(exc).__name__}"

    def _output_failed(self, exc: Exception) -> None:
        """articles.jsonl cannot be written (a full disk): one line, the crawl stops (the
        file keeps whole lines only; the WARC keeps every page for ``newsarchive extract``)."""
        self.stats.inc_value("articles/write_errors")
        if self.failed:
            return
        self.failed = True
        logger.error("%(error)s; stopping the crawl", {"error": exc})
        WarcSession.stop(self.crawler, FINISH_REASON_ARTICLES_ERROR)

    def _unchanged(self, item: PostItem) -> bool:
        """A post found unchanged whose article is in the file already, by the canonical
        URL the spider read from the post's head: nothing is extracted to be thrown away."""
        return (item.unchanged and bool(item.canonical)
                and article_id(item.canonical) in self.output.loaded_ids)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PostItem):
            return item
        if self._unchanged(item):
            self.stats.inc_value("articles/unchanged")
            raise DropItem(f"unchanged, in {self.output.path.name}: {item.url}",
                           log_level="DEBUG")
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
        try:
            outcome = self.output.write(article)
        except NewsarchiveError as exc:
            self._output_failed(exc)
            raise DropItem(f"not written: {item.url}", log_level="DEBUG") from None
        if outcome == DUPLICATE:
            self.stats.inc_value("articles/duplicate")
            logger.debug("Duplicate of %(canonical)s: %(url)s",
                         {"canonical": article.canonical_url, "url": item.url})
            raise DropItem(f"duplicate of {article.canonical_url}", log_level="DEBUG")
        if outcome == UNCHANGED:
            self.stats.inc_value("articles/same_content")
            raise DropItem(f"same content as in {self.output.path.name}: {item.url}",
                           log_level="DEBUG")
        article = self.output.last_written or article
        if outcome == NEW_VERSION:
            self.stats.inc_value("articles/new_versions")
        if self.state is not None:
            self.state.add_version(article.id, article.version, article.record_id,
                                   f"{self.output.latest[article.id].digest:016x}",
                                   article.url)
        self.stats.inc_value("articles/written")
        for flag in flags:
            self.stats.inc_value(f"articles/quality/{flag}")
        if flags:
            logger.warning("Article %(url)s flagged: %(flags)s",
                           {"url": article.url, "flags": ", ".join(flags)})
        return article
