"""A frontier shared on Redis (``newsarchive crawl --redis URL``): scrapy-redis's scheduler
and duplicate filter, plus leases so that a process killed mid-crawl loses nothing.

Any number of crawler processes, on any number of machines, started with the same Redis
and the same crawl name share one request queue (a sorted set, scrapy-redis's
``PriorityQueue``) and one duplicate filter (scrapy-redis's ``RFPDupeFilter``): every
process yields the start requests, the shared filter lets each URL through once in all.
Each process writes its own WARC files and articles into its own ``--out`` folder.

What scrapy-redis does not do, and :class:`LeasedScheduler` adds:

- **Leases.** A request popped from the queue moves, in the same Redis script, into the
  popping worker's in-flight hash (``inflight:WORKER``), and leaves it only when the engine
  is done with it: its response (or its final failure) handled by the spider, its new
  requests (links, redirects, retries) already pushed. Each worker keeps
  ``alive:WORKER`` (a key with a time to live, ``NEWSARCHIVE_REDIS_LEASE_TTL`` seconds,
  refreshed several times within it). Whoever finds a worker whose ``alive`` key expired
  puts that worker's in-flight requests back into the queue (one atomic script, so two
  finders cannot both do it): a process killed with SIGKILL loses nothing; what it was
  fetching is fetched again by another (its half-written WARC is repaired by the next
  crawl into its folder, ``archive.repair``).
- **The end.** A process does not close while the queue holds requests or a live worker
  still has requests in flight (they may yield more): the scheduler reports pending
  requests until the shared frontier is empty and nothing is in flight anywhere, so the
  engine stays open and takes new requests as other workers push them. The last worker
  of a finished crawl removes the queue and the in-flight hashes and keeps the duplicate
  filter and a ``done`` key for ``NEWSARCHIVE_REDIS_DONE_TTL`` seconds: a process that
  joins just after the end finds everything seen and stops, and a crawl started later
  with the same name starts afresh. An interrupted crawl (Ctrl-C, SIGTERM, a write
  error) keeps its Redis state: the same command resumes it.

Why the engine's private slot is read (:meth:`LeasedScheduler._in_engine`): Scrapy has no
signal for "this request's outcome has been handled" (a redirect or a retry ends a
request without a callback; an errback ends it without a response); the engine's
in-progress set is exactly that, and a changed Scrapy is refused when the crawl opens.

The keys of a crawl and the Redis scripts are in ``crawler.leases``; NAME, the crawl's name
in Redis, is ``--redis-key``, by default the site's host.

robots.txt is not a scheduled request: Scrapy's RobotsTxtMiddleware downloads it in every
process, which needs its rules. :class:`SharedRobotsTxt` (downloader middleware) makes it
one fetch in all: the first worker to claim a host fetches (and archives) it and stores
the answer in Redis; the others wait for that answer (up to twice the lease time, then
fetch it themselves) and get it as a response flagged ``meta.ARCHIVED``, which the
capture middleware does not archive again.

With a folder an interrupted crawl left (``crawler.resume``): both apply. The frontier is
Redis's (what was queued or leased goes on; the folder's archive is not walked again), and
the folder's WARCs answer the requests for URLs already archived there, so a process
restarted into its own ``--out`` after a kill repairs its ``.open`` WARC and fetches
nothing twice that it had kept. Articles handled by a killed process but not yet written
are in its WARCs: ``newsarchive extract`` over all the folders finds them.

Requests are pickled (scrapy-redis's serializer: ``Request.meta`` carries the pages of a
multi-page post): the Redis server must be one the crawler processes trust.

Settings read: ``REDIS_URL``, ``NEWSARCHIVE_REDIS_KEY``, ``NEWSARCHIVE_REDIS_LEASE_TTL``
(default 30), ``NEWSARCHIVE_REDIS_DONE_TTL`` (default 600), ``DUPEFILTER_DEBUG``.
Stats: ``frontier/leased``, ``frontier/released``, ``frontier/requeued`` (requests of dead
workers put back), ``frontier/requeued_own`` (this worker's, put back when it stopped
early), ``frontier/undecodable``, ``scheduler/enqueued/redis``, ``scheduler/dequeued/redis``.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task
from twisted.internet.task import LoopingCall

from crawler import meta
from crawler.errors import NewsarchiveError
from crawler.leases import (
    DONE_TTL,
    LEASE_TTL,
    RedisFrontier,
    connect,
    crawl_name,
    frontier_prefix,
    worker_alive,
    worker_id,
)

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Spider attributes that mean something only summed over all the workers: the REST API
# fallback (NEWSARCHIVE_WPJSON=auto) runs when no sitemap or feed listed a post, in the
# whole crawl, not in the one process that happens to see the end.
SHARED_COUNTERS = ("posts_listed",)


def redis_settings(url: str | None, key: str | None, site_url: str | None, *,
                   check: bool = True, replay: bool = False) -> dict[str, Any]:
    """The settings ``--redis URL [--redis-key NAME]`` set for a crawl of ``site_url``;
    with ``check``, the URL must answer a PING. One-line errors for what cannot be."""
    if not url:
        raise NewsarchiveError("--redis-key needs --redis")
    if replay:
        raise NewsarchiveError("--redis and --replay-from cannot be combined")
    name = crawl_name(site_url, key)
    if check:
        connect(url).close()
    # the scheduler names its keys (crawler.leases) and keeps them: scrapy-redis's
    # SCHEDULER_PERSIST=False would let the first worker to stop clear everyone's queue
    return {"SCHEDULER": "crawler.frontier.LeasedScheduler", "REDIS_URL": url,
            "NEWSARCHIVE_REDIS_KEY": name}


def refuse_live_owner(out: Any, note: dict[str, Any], settings: dict[str, Any]) -> None:
    """A crawl folder whose ``crawl.running`` (``note``) names a live worker of the same
    shared crawl, on another machine sharing the folder, is not an interrupted crawl."""
    host, pid = note.get("host"), note.get("pid")
    if worker_alive(settings["REDIS_URL"], settings["NEWSARCHIVE_REDIS_KEY"], host, pid):
        raise NewsarchiveError(f"a process of the same shared crawl (host {host}, pid {pid}) "
                               f"is writing into {out}: give each process its own --out")


class LeasedScheduler(Scheduler):
    """scrapy-redis's scheduler with leases and a shared end (module docstring)."""

    frontier: RedisFrontier
    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        settings = crawler.settings
        name = settings.get("NEWSARCHIVE_REDIS_KEY")
        if not name or not settings.get("REDIS_URL"):
            raise NewsarchiveError("the Redis scheduler needs REDIS_URL and "
                                   "NEWSARCHIVE_REDIS_KEY (newsarchive crawl --redis URL)")
        server = connection.from_settings(settings)
        prefix = frontier_prefix(name)
        scheduler = cls(server=server, persist=True, queue_key=prefix + "requests",
                        queue_cls="scrapy_redis.queue.PriorityQueue",
                        dupefilter=RFPDupeFilter(server, key=prefix + "dupefilter",
                                                 debug=settings.getbool("DUPEFILTER_DEBUG")),
                        dupefilter_key=prefix + "dupefilter")
        scheduler.stats = crawler.stats
        scheduler.crawler = crawler
        scheduler.frontier = RedisFrontier(
            server, name, worker_id(),
            lease_ttl=settings.getfloat("NEWSARCHIVE_REDIS_LEASE_TTL", LEASE_TTL),
            done_ttl=settings.getfloat("NEWSARCHIVE_REDIS_DONE_TTL", DONE_TTL))
        scheduler.leases = {}  # lease token -> the request popped with it
        scheduler._published = {}  # shared counter -> the part of it already in Redis
        return scheduler

    # --- engine side ------------------------------------------------------------------
    def open(self, spider: Any) -> None:
        self.spider = spider
        self.queue = PriorityQueue(server=self.server, spider=spider, key=self.queue_key)
        if self._in_engine() is None:
            raise NewsarchiveError("this Scrapy version hides the engine's in-progress "
                                   "requests; --redis cannot lease requests with it")
        self.frontier.heartbeat()
        done = self.frontier.finished_at()
        if done is not None:
            logger.warning("The crawl %(name)r on Redis finished %(ago).0f s ago: its URLs "
                           "count as seen (another --redis-key starts a new crawl)",
                           {"name": self.frontier.name, "ago": time.time() - done})
        requeued = self.frontier.requeue_dead()
        self.stats.inc_value("frontier/requeued", requeued)
        logger.info("Shared frontier %(key)s: worker %(w)s, %(n)d request(s) queued",
                    {"key": self.frontier.prefix, "w": self.frontier.worker,
                     "n": self.frontier.queued()})
        interval = min(1.0, self.frontier.lease_ms / 3000)
        self._tick = LoopingCall(self._on_tick)
        self._tick.start(interval, now=False)

    def close(self, reason: str) -> None:
        if getattr(self, "_tick", None) is not None and self._tick.running:
            self._tick.stop()
        self._reconcile()
        own = self.frontier.requeue_own(list(self.leases))
        self.leases.clear()
        self.stats.inc_value("frontier/requeued_own", own)
        if self.frontier.leave(finished=reason == "finished"):
            logger.info("Shared frontier %(key)s: the crawl is over; its state is cleared",
                        {"key": self.frontier.prefix})

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's duplicate filter and queue, changed in one Redis step
        (``RedisFrontier.enqueue``: a kill between the two would lose the URL), without
        the ``spider`` argument Scrapy deprecated; a forced request (``dont_filter``: the
        spider's multi-page post chain) is recorded as seen, as the spider's own ``seen``
        set does: another worker's plain request for the same URL is then a duplicate."""
        queued = self.frontier.enqueue(self.df.request_fingerprint(request),
                                       self.queue._encode_request(request), -request.priority,
                                       force=request.dont_filter)
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        popped = self.frontier.pop()
        while popped is not None:
            token, data = popped
            try:
                request = self.queue._decode_request(data)
            except Exception as exc:  # e.g. pickled by another version of the spider
                self.frontier.release([token])
                self.stats.inc_value("frontier/undecodable")
                logger.error("Dropped a queued request that cannot be decoded: %(e)s",
                             {"e": exc})
                popped = self.frontier.pop()
                continue
            self.leases[token] = request
            self.stats.inc_value("frontier/leased")
            self.stats.inc_value("scheduler/dequeued/redis")
            return request
        return None

    def has_pending_requests(self) -> bool:
        """True until the shared crawl is over, so the engine stays open for what other
        workers still push (it polls the scheduler; :meth:`_on_tick` wakes it sooner).
        At the end the spider's shared counters become the crawl's totals, before its
        ``spider_idle`` handler reads them."""
        self._reconcile()
        self._publish_counters()
        if not self.frontier.finished():
            return True
        for name, total in self.frontier.counts(SHARED_COUNTERS).items():
            setattr(self.spider, name, total)
            self._published[name] = total
        return False

    # --- leases -------------------------------------------------------------------------
    def _in_engine(self) -> set[Request] | None:
        """The requests the engine has not finished with (see the module docstring)."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        inprogress = getattr(slot, "inprogress", None)
        return inprogress if isinstance(inprogress, set) else None

    def _reconcile(self) -> None:
        """Release the leases of requests the engine is done with, after publishing what
        their callbacks added to the spider's shared counters."""
        inprogress = self._in_engine()
        if inprogress is None or not self.leases:
            return
        done = [t for t, r in self.leases.items() if r not in inprogress]
        if done:
            self._publish_counters()
            self.frontier.release(done)
            for token in done:
                del self.leases[token]
            self.stats.inc_value("frontier/released", len(done))

    def _publish_counters(self) -> None:
        for name in SHARED_COUNTERS:
            value = int(getattr(self.spider, name, 0) or 0)
            if value != self._published.get(name, 0):
                self.frontier.add_count(name, value - self._published.get(name, 0))
                self._published[name] = value

    def _on_tick(self) -> None:
        """Heartbeat, leases, dead workers; and wake the engine: there may be work that
        other workers pushed, or the crawl may be over."""
        import redis

        try:
            self._reconcile()
            self.frontier.heartbeat()
            self.stats.inc_value("frontier/requeued", self.frontier.requeue_dead())
            engine = self.crawler.engine  # its own heartbeat polls every 5 s only
            slot = getattr(engine, "_slot", None)
            if slot is not None and not engine.needs_backout():
                slot.nextcall.schedule()  # new requests of other workers, or the end
        except redis.RedisError as exc:  # a short outage: the next tick tries again
            self.stats.inc_value("frontier/redis_errors")
            logger.warning("Redis: %(e)s", {"e": exc})


class SharedRobotsTxt:
    """Downloader middleware: robots.txt fetched once by all the workers of a crawl
    (module docstring). Off unless the crawl has a shared frontier."""

    POLL = 0.2  # seconds between looks for the answer another worker is fetching

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.server = connection.from_settings(settings)
        self.prefix = frontier_prefix(settings.get("NEWSARCHIVE_REDIS_KEY"))
        self.lease = settings.getfloat("NEWSARCHIVE_REDIS_LEASE_TTL", LEASE_TTL)
        self.worker = worker_id()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedRobotsTxt:
        if not (crawler.settings.get("REDIS_URL")
                and crawler.settings.get("NEWSARCHIVE_REDIS_KEY")):
            raise NotConfigured  # no shared frontier: nothing to say
        return cls(crawler)

    @staticmethod
    def _host(request: Request) -> str | None:
        """The host whose robots.txt this is, for RobotsTxtMiddleware's requests only."""
        parts = urlparse_cached(request)
        if not request.meta.get("dont_obey_robotstxt") or parts.path != "/robots.txt":
            return None
        return parts.netloc.lower()

    async def process_request(self, request: Request) -> Response | None:
        from twisted.internet import reactor

        host = self._host(request)
        if host is None:
            return None
        deadline = time.monotonic() + 2 * self.lease
        while True:
            stored = self.server.hget(self.prefix + "robots", host)
            if stored is not None:
                self.stats.inc_value("frontier/robots/shared")
                return _response_from_stored(request, stored)
            if self.server.set(f"{self.prefix}robots-claim:{host}", self.worker, nx=True,
                               px=int(self.lease * 1000)) or time.monotonic() > deadline:
                return None  # this worker fetches it
            await maybe_deferred_to_future(task.deferLater(reactor, self.POLL, lambda: None))

    def process_response(self, request: Request, response: Response) -> Response:
        host = self._host(request)
        if host is not None and meta.ARCHIVED not in response.flags:
            if response.status < 500 and response.status != 429:  # else: fetched again
                self.server.hset(self.prefix + "robots", host, _stored_response(response))
            self.server.delete(f"{self.prefix}robots-claim:{host}")
        return response


def _stored_response(response: Response) -> bytes:
    """A robots.txt answer as stored in Redis: status, headers and body as received."""
    return json.dumps({"status": response.status,
                       "headers": [[k.decode("latin-1"), v.decode("latin-1")]
                                   for k, values in response.headers.items() for v in values],
                       "body": response.body.decode("latin-1")}).encode("utf-8")


def _response_from_stored(request: Request, stored: bytes) -> Response:
    data = json.loads(stored)
    headers = Headers()
    for name, value in data["headers"]:
        headers.appendlist(name, value)
    return Response(url=request.url, status=data["status"], headers=headers,
                    body=data["body"].encode("latin-1"), flags=[meta.ARCHIVED],
                    request=request)
