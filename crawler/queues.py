"""The request queue: Scrapy's scheduler, with JOBDIR's disk queues used for memory only.

``newsarchive crawl`` sets ``JOBDIR`` to an emptied ``DIR/jobdir``
(``crawler.commands.crawl.fresh_jobdir``) so pending requests wait on disk, not in
memory: a sitemap of 50,000 posts queues 50,000 requests at once. That folder is never
resumed from (the WARCs are the crawl state, ``crawler.resume``), hence:

- the duplicate filter (:class:`HashedDupeFilter`) keeps its fingerprints in memory only
  (no ``requests.seen`` file: it would only grow), as 64-bit hashes
  (``crawler.links.SeenSet``);
- requests are written to the disk queue by :class:`PickleLifoDiskQueue`, Scrapy's, with
  the spider's callback names looked up once instead of once per request;
- a push the disk refuses (a full disk) keeps the request in memory
  (``scheduler/disk_refused``): the crawl then stops on its own full-disk rule (the WARC
  writer's), not on a scheduler traceback;
- closing does not write the queue's state, and a failure to close it is ignored.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.squeues import PickleLifoDiskQueue as ScrapyPickleLifoDiskQueue

from crawler.links import SeenSet

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class HashedDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter (its fingerprints, its log), with no ``requests.seen``
    file and the fingerprints kept as 64-bit hashes, not 20-byte strings."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HashedDupeFilter:
        return cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"),
                   fingerprinter=crawler.request_fingerprinter)

    def __init__(self, path: str | None = None, debug: bool = False, **kwargs: Any) -> None:
        super().__init__(None, debug, **kwargs)  # path (JOBDIR) ignored: see the docstring
        self.seen = SeenSet()

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.fingerprinter.fingerprint(request)
        if fingerprint in self.seen:
            return True
        self.seen.add(fingerprint)
        return False


class PickleLifoDiskQueue(ScrapyPickleLifoDiskQueue):  # type: ignore[misc,valid-type]
    """Scrapy's disk queue (``SCHEDULER_DISK_QUEUE``), writing what ``Request.to_dict``
    writes. Written out here because ``to_dict`` finds a callback's name by listing all
    the spider's members (``inspect.getmembers``) for every request: about 1% of a crawl's
    time. The names are looked up once; anything else goes through ``to_dict``."""

    def push(self, request: Request) -> None:
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = {m.__func__: n for n, m in
                                   inspect.getmembers(self.spider, inspect.ismethod)}
        try:
            data = {"url": request.url,
                    "callback": _method_name(names, request.callback),
                    "errback": _method_name(names, request.errback),
                    "headers": dict(request.headers)}
        except KeyError:
            data = request.to_dict(spider=self.spider)  # Scrapy's lookup, and its error
        else:
            for attr in request.attributes:
                data.setdefault(attr, getattr(request, attr))
            if type(request) is not Request:
                data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        super(ScrapyPickleLifoDiskQueue, self).push(data)  # the serialising queue below


def _method_name(names: dict[Any, str], func: Any) -> Any:
    if not callable(func):
        return func
    return names[getattr(func, "__func__", None)]


class DiskQueueScheduler(Scheduler):
    def _dqpush(self, request: Request) -> bool:
        try:
            return super()._dqpush(request)
        except OSError as exc:
            if self.stats is not None:
                self.stats.inc_value("scheduler/disk_refused")
            logger.debug("Queued in memory (%(exc)s): %(url)s", {"exc": exc, "url": request.url})
            return False

    def close(self, reason: str) -> Any:
        if self.dqs is not None:
            with contextlib.suppress(OSError):
                self.dqs.close()
        return self.df.close(reason)
