"""Articles from WARCs (no network), and THE extraction worker pool.

- :class:`ExtractionPool`: the one pool of extraction processes, used by the crawl's
  ``ArticlePipeline`` (one future per post, awaited off the reactor thread; the crawls
  of one process share one pool through :class:`SharedPool`) and by
  re-extraction (:meth:`ExtractionPool.map_ordered`: results in post order, a bounded
  number in flight). ``EXTRACT_WORKERS`` / ``--workers`` go through
  :func:`resolve_workers` (a number or ``auto``).
- :func:`crawler.archived.iter_posts_from_warcs` (here too): the posts of an archive,
  one per canonical URL, no network; its memory does not grow with the archive.
- :func:`iter_extracted` / :func:`rebuild_from_warcs`: those posts through
  ``crawler.articles.extract_post`` (the crawl's own function), counted.

No settings are read (callers pass paths and options).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from archive.scratch import ScratchSet
from crawler.archived import iter_posts_from_warcs
from crawler.articles import extract_post
from crawler.errors import NewsarchiveError
from crawler.items import Article, PostItem

logger = logging.getLogger(__name__)

ExtractResult = tuple[Article | None, list[str], str | None]  # extract_post's result

# --------------------------------------------------------------------------- the pool

MP_CONTEXTS = ("forkserver", "spawn", "fork")
# "auto": one extraction process per CPU left beside the reactor's (at least one, at most
# AUTO_WORKERS_MAX). Measured with bench/crawl.py --workers 1,2 on 2 CPUs, machine
# otherwise idle: 1 worker 11.0-11.3 s, 2 workers 13.6-13.9 s (the second worker takes CPU
# from the reactor, which is busy all the time). The reactor is one thread and feeds about
# one CPU's worth of extraction, so more processes than a few would only idle and hold
# memory.
AUTO_WORKERS_MAX = 4


def _worker_init() -> None:
    """Set up an extraction process: Ctrl-C belongs to the parent, and a worker never
    outlives it.

    A terminal sends SIGINT to the whole process group: a worker that took it would hand a
    KeyboardInterrupt back through its future and the crawl would hang at exit, so the
    worker ignores it and the parent shuts the pool down. On Linux the worker also asks
    for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG; no library wraps this for
    the standard multiprocessing pool), so kill -9 of the crawl leaves no orphan.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the pool still shuts down normally
            pass
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(1)


_PR_SET_PDEATHSIG = 1


def _ready() -> int:
    """A no-op task: returns once a worker runs (see :meth:`ExtractionPool.start`)."""
    return os.getpid()


def resolve_workers(value: object) -> int:
    """``EXTRACT_WORKERS`` / ``--workers`` as a number of processes: a positive integer
    or ``auto`` (CPUs minus one, 1 to ``AUTO_WORKERS_MAX``)."""
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


class ExtractionPool:
    """``workers`` processes running :func:`crawler.articles.extract_post`.

    Processes start with ``spawn`` by default: forking a process that runs Twisted
    threads is unsafe, and a forkserver's workers are its children, not the crawl's, so
    they would outlive a crawl killed with SIGKILL (measured: the forkserver, a worker
    and the resource tracker stayed). A pool whose worker died (e.g. out of memory) is
    replaced by a fresh one for the next posts.
    """

    def __init__(self, workers: int, mp_context: str = "spawn") -> None:
        if mp_context not in MP_CONTEXTS:
            raise NewsarchiveError(f"EXTRACT_MP_CONTEXT {mp_context!r}: valid values are "
                                   f"{', '.join(MP_CONTEXTS)}")
        self.workers = workers
        self.mp_context = mp_context
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context(self.mp_context),
                initializer=_worker_init)
        return self._executor

    def start(self) -> None:
        """Start the processes now and wait until they run (their SIGINT handling in place):
        a Ctrl-C that arrives while an interpreter is still starting kills it with a
        traceback, so the crawl starts its workers before it fetches anything."""
        pool = self._pool()
        for future in [pool.submit(_ready) for _ in range(self.workers)]:
            future.result()

    def submit(self, post: PostItem) -> Future[ExtractResult]:
        """One post to extract; a broken pool is replaced once before giving up."""
        try:
            return self._pool().submit(extract_post, post)
        except BrokenProcessPool:
            self.restart()
            return self._pool().submit(extract_post, post)

    def restart(self) -> None:
        """Drop the current processes (a worker died); the next submit starts fresh ones."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def shutdown(self, wait: bool = True) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=wait, cancel_futures=True)
            self._executor = None

    def map_ordered(self, posts: Iterable[PostItem], window: int = 4
                    ) -> Iterator[tuple[PostItem, ExtractResult]]:
        """(post, result) in post order, at most ``window`` posts per worker in flight
        (memory stays bounded)."""
        pending: deque[tuple[PostItem, Future[ExtractResult]]] = deque()
        try:
            for post in posts:
                pending.append((post, self.submit(post)))
                if len(pending) >= window * self.workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            for done, future in pending:
                yield done, future.result()
        finally:
            self.shutdown()


class SharedPool:
    """One :class:`ExtractionPool` for all the crawls of one process.

    Several crawls in one process (``crawler.commands.multisite``: many sites at once)
    would otherwise start one pool each: N sites times ``EXTRACT_WORKERS`` processes on
    a 2-core machine, each holding trafilatura's memory. The runner makes one
    ``SharedPool`` and :meth:`attach`-es it to every crawler (crawler-scoped, as the WARC
    session is: no module global); each crawl's ``ArticlePipeline`` then takes a
    :class:`PoolLease` through :meth:`for_crawler` instead of a pool of its own. The
    processes start with the first lease and stop with the last one, so the process
    never runs more than ``workers`` extraction processes. A crawler without a shared
    pool (one site) gets its own :class:`ExtractionPool`, as before.
    """

    CRAWLER_ATTR = "_newsarchive_shared_pool"

    def __init__(self, workers: int, mp_context: str = "spawn") -> None:
        self.pool = ExtractionPool(workers, mp_context)
        self.leases = 0

    def attach(self, crawler: object) -> None:
        setattr(crawler, self.CRAWLER_ATTR, self)

    @classmethod
    def for_crawler(cls, crawler: object, workers: int, mp_context: str = "spawn"
                    ) -> ExtractionPool | PoolLease:
        """The crawler's lease on its shared pool, or a pool of its own."""
        shared = getattr(crawler, cls.CRAWLER_ATTR, None)
        if isinstance(shared, SharedPool):
            return PoolLease(shared)
        return ExtractionPool(workers, mp_context)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the processes whatever the leases (the runner's last word)."""
        self.leases = 0
        self.pool.shutdown(wait=wait)


class PoolLease:
    """One crawl's use of a :class:`SharedPool`, with :class:`ExtractionPool`'s methods:
    :meth:`shutdown` gives the lease back, and the last one stops the processes."""

    def __init__(self, shared: SharedPool) -> None:
        self.shared = shared
        self.workers = shared.pool.workers
        self.held = False

    def start(self) -> None:
        if not self.held:
            self.held = True
            self.shared.leases += 1
        self.shared.pool.start()

    def submit(self, post: PostItem) -> Future[ExtractResult]:
        if not self.held:  # given back: the crawl is being stopped
            raise RuntimeError("the extraction pool is shut down")
        return self.shared.pool.submit(post)

    def restart(self) -> None:
        """A worker died: the shared pool is broken for every crawl, replace it."""
        self.shared.pool.restart()

    def shutdown(self, wait: bool = True) -> None:
        if not self.held:
            return
        self.held = False
        self.shared.leases -= 1
        if self.shared.leases <= 0:
            self.shared.pool.shutdown(wait=wait)


def _extracted(posts: Iterable[PostItem], workers: int
               ) -> Iterator[tuple[PostItem, ExtractResult]]:
    """(post, :func:`extract_post` result) in post order; in ``workers`` processes when
    > 1 (:class:`ExtractionPool`), else in this process."""
    if workers <= 1:
        for post in posts:
            yield post, extract_post(post)
        return
    yield from ExtractionPool(workers).map_ordered(posts)


def iter_extracted(paths: Iterable[str | os.PathLike[str]],
                   stats: dict[str, int] | None = None, *, workers: int = 1,
                   ) -> Iterator[tuple[Article, list[str]]]:
    """(article, its quality flags) re-extracted from WARCs, one per canonical URL and
    id (first wins), no network; ``workers`` > 1 extracts in that many processes.

    ``stats`` (optional) receives the counts ``posts``, ``empty``, ``duplicate`` (same
    canonical URL or same id), ``failed`` (logged at error level, never raised),
    ``undecodable`` (pages whose body does not decode, or decodes past the reader's cap).
    """
    counts = stats if stats is not None else {}
    with ScratchSet() as seen:  # article ids, as 64-bit hashes on disk
        for post, (article, flags, error) in _extracted(iter_posts_from_warcs(paths, counts),
                                                        workers):
            counts["posts"] = counts.get("posts", 0) + 1
            if error is not None:
                counts["failed"] = counts.get("failed", 0) + 1
                logger.error("Extraction failed for %(url)s: %(error)s",
                             {"url": post.url, "error": error})
                continue
            if article is None:
                counts["empty"] = counts.get("empty", 0) + 1
                continue
            if not seen.add(article.id):
                counts["duplicate"] = counts.get("duplicate", 0) + 1
                continue
            yield article, flags


def rebuild_from_warcs(paths: Iterable[str | os.PathLike[str]],
                       stats: dict[str, int] | None = None) -> Iterator[Article]:
    """Articles re-extracted from WARCs, one per canonical URL (first wins), in-process:
    :func:`iter_extracted` without the flags. ``stats`` as there."""
    for article, _flags in iter_extracted(paths, stats):
        yield article


__all__ = ["AUTO_WORKERS_MAX", "MP_CONTEXTS", "ExtractionPool", "PoolLease", "SharedPool",
           "iter_extracted",
           "iter_posts_from_warcs", "rebuild_from_warcs", "resolve_workers"]

