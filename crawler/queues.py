"""The request queue: Scrapy's scheduler, with JOBDIR's disk queues used for memory only.

``newsarchive crawl`` sets ``JOBDIR`` to an emptied ``DIR/jobdir``
(``crawler.commands.crawl.fresh_jobdir``) so pending requests wait on disk, not in
memory: a sitemap of 50,000 posts queues 50,000 requests at once. That folder is never
resumed from (the WARCs are the crawl state, ``crawler.resume``), hence:

- the duplicate filter keeps its fingerprints in memory only (no ``requests.seen`` file:
  it would only grow), as 64-bit hashes (``crawler.links.SeenSet``);
- a push the disk refuses (a full disk) keeps the request in memory
  (``scheduler/disk_refused``): the crawl then stops on its own full-disk rule (the WARC
  writer's), not on a scheduler traceback;
- closing does not write the queue's state, and a failure to close it is ignored.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from scrapy.core.scheduler import Scheduler

from crawler.links import SeenSet

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class DiskQueueScheduler(Scheduler):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiskQueueScheduler:
        scheduler = super().from_crawler(crawler)
        seen_file = getattr(scheduler.df, "file", None)
        if seen_file is not None:  # RFPDupeFilter under JOBDIR: memory only, see above
            seen_file.close()
            scheduler.df.file = None
        if isinstance(getattr(scheduler.df, "fingerprints", None), set):
            scheduler.df.fingerprints = SeenSet()  # 64-bit hashes, not 40-char hex strings
        return scheduler  # type: ignore[return-value]

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
