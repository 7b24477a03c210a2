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

Keys, all under ``newsarchive:{NAME}:`` (the hash tag keeps a crawl in one slot of a Redis
Cluster): ``requests`` (sorted set), ``dupefilter`` (set of fingerprints), ``workers``
(set), ``alive:W`` (string with TTL), ``inflight:W`` (hash: ``r:N`` the request, ``s:N``
its score), ``done``. NAME is ``--redis-key``, by default the site's host.

Requests are pickled (scrapy-redis's serializer: ``Request.meta`` carries the pages of a
multi-page post): the Redis server must be one the crawler processes trust.

Settings read: ``REDIS_URL``, ``NEWSARCHIVE_REDIS_KEY``, ``NEWSARCHIVE_REDIS_LEASE_TTL``
(default 30), ``NEWSARCHIVE_REDIS_DONE_TTL`` (default 600), ``DUPEFILTER_DEBUG``.
Stats: ``frontier/leased``, ``frontier/released``, ``frontier/requeued`` (requests of dead
workers put back), ``frontier/requeued_own`` (this worker's, put back when it stopped
early), ``frontier/undecodable``, ``scheduler/enqueued/redis``, ``scheduler/dequeued/redis``.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from archive.writer import safe_host
from crawler.errors import NewsarchiveError

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

LEASE_TTL = 30.0        # seconds a worker's lease outlives its last heartbeat
DONE_TTL = 600.0        # seconds a finished crawl's duplicate filter is kept
_NAME_OK = re.compile(r"[A-Za-z0-9._:-]{1,200}")

# ZPOPMIN and the lease in one step: a request is always in the queue or in a lease.
_POP = """
local r = redis.call('ZPOPMIN', KEYS[1])
if #r == 0 then return false end
redis.call('HSET', KEYS[2], 'r:' .. ARGV[1], r[1], 's:' .. ARGV[1], r[2])
return r[1]
"""
# Put a worker's leased requests back (all of them, or the tokens given); for another
# worker only while its alive key is missing (ARGV[1] = '1'), checked in the same step.
_REQUEUE = """
if ARGV[1] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local fields = {}
if #ARGV > 1 then
  for i = 2, #ARGV do fields[#fields + 1] = 'r:' .. ARGV[i] end
else
  for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do
    if string.sub(f, 1, 2) == 'r:' then fields[#fields + 1] = f end
  end
end
local n = 0
for _, f in ipairs(fields) do
  local token = string.sub(f, 3)
  local request = redis.call('HGET', KEYS[2], f)
  if request then
    local score = redis.call('HGET', KEYS[2], 's:' .. token) or '0'
    redis.call('ZADD', KEYS[1], score, request)
    n = n + 1
  end
  redis.call('HDEL', KEYS[2], f, 's:' .. token)
end
return n
"""
# The crawl is over: nothing queued and nothing in flight at any registered worker.
_FINISHED = """
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('HLEN', ARGV[1] .. 'inflight:' .. w) > 0 then return 0 end
end
return 1
"""
# A worker leaves. When the crawl finished (ARGV[3] = '1') and no other worker is alive
# or holds a lease, the last one clears the crawl and keeps the filter and 'done' a while.
_LEAVE = """
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('DEL', ARGV[1] .. 'alive:' .. ARGV[2])
if redis.call('HLEN', ARGV[1] .. 'inflight:' .. ARGV[2]) == 0 then
  redis.call('DEL', ARGV[1] .. 'inflight:' .. ARGV[2])
end
if ARGV[3] ~= '1' or redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
local others = redis.call('SMEMBERS', KEYS[2])
for _, w in ipairs(others) do
  if redis.call('EXISTS', ARGV[1] .. 'alive:' .. w) == 1 then return 0 end
  if redis.call('HLEN', ARGV[1] .. 'inflight:' .. w) > 0 then return 0 end
end
for _, w in ipairs(others) do redis.call('DEL', ARGV[1] .. 'inflight:' .. w) end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('SET', KEYS[4], ARGV[5], 'PX', ARGV[4])
return 1
"""


def crawl_name(url: str | None, override: str | None = None) -> str:
    """The crawl's name in Redis: ``override`` (checked), else the site's host[:port]."""
    if override is not None:
        if not _NAME_OK.fullmatch(override):
            raise NewsarchiveError(f"bad --redis-key {override!r} (letters, digits and "
                                   f"'._:-', at most 200)")
        return override
    netloc = (urlsplit(url or "").netloc.rpartition("@")[2]).lower()
    return re.sub(r"[^a-z0-9._:-]", "_", netloc)[:200] or "newsarchive"


def frontier_prefix(name: str) -> str:
    return f"newsarchive:{{{name}}}:"


def worker_id() -> str:
    """Unique per process: host, pid and a random part (pids repeat across machines)."""
    return f"{safe_host(socket.gethostname())}-{os.getpid()}-{secrets.token_hex(3)}"


def connect(url: str) -> Any:
    """A Redis client for ``url`` that answered PING; one-line error otherwise."""
    import redis

    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30,
                                      retry_on_timeout=True)
    except ValueError as exc:
        raise NewsarchiveError(f"bad --redis URL {url!r}: {exc}") from None
    try:
        server.ping()
    except redis.RedisError as exc:
        raise NewsarchiveError(f"Redis at {url} does not answer: {exc}") from None
    return server


def redis_settings(url: str, name: str, *, check: bool = True) -> dict[str, Any]:
    """The settings ``--redis URL`` sets (the URL checked with a PING when ``check``)."""
    if check:
        connect(url).close()
    prefix = frontier_prefix(name)
    return {"SCHEDULER": "crawler.frontier.LeasedScheduler",
            "REDIS_URL": url,
            "NEWSARCHIVE_REDIS_KEY": name,
            "SCHEDULER_QUEUE_KEY": prefix + "requests",
            "SCHEDULER_DUPEFILTER_KEY": prefix + "dupefilter",
            "SCHEDULER_PERSIST": True}   # the last worker clears a finished crawl


class RedisFrontier:
    """One worker's view of the shared frontier: pop with a lease, release, heartbeat,
    requeue dead workers' leases, the end of the crawl. Knows bytes, not requests."""

    def __init__(self, server: Any, name: str, worker: str, lease_ttl: float = LEASE_TTL,
                 done_ttl: float = DONE_TTL) -> None:
        self.server = server
        self.name = name
        self.prefix = frontier_prefix(name)
        self.worker = worker
        self.lease_ms = max(int(lease_ttl * 1000), 100)
        self.done_ms = max(int(done_ttl * 1000), 1)
        self.queue = self.prefix + "requests"
        self.dupefilter = self.prefix + "dupefilter"
        self.workers = self.prefix + "workers"
        self.done = self.prefix + "done"
        self.inflight = self.inflight_key(worker)
        self._tokens = 0
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._finished = server.register_script(_FINISHED)
        self._leave = server.register_script(_LEAVE)

    def inflight_key(self, worker: str) -> str:
        return f"{self.prefix}inflight:{worker}"

    def alive_key(self, worker: str) -> str:
        return f"{self.prefix}alive:{worker}"

    def heartbeat(self) -> None:
        """Register (again) and refresh this worker's alive key."""
        pipe = self.server.pipeline()
        pipe.sadd(self.workers, self.worker)
        pipe.set(self.alive_key(self.worker), b"1", px=self.lease_ms)
        pipe.execute()

    def finished_at(self) -> float | None:
        """When a crawl of this name finished (its ``done`` key is still kept), else None."""
        value = self.server.get(self.done)
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None

    def pop(self) -> tuple[str, bytes] | None:
        """The highest-priority request (encoded) and its lease token, or None."""
        self._tokens += 1
        token = str(self._tokens)
        data = self._pop(keys=[self.queue, self.inflight], args=[token])
        return None if data is None else (token, data)

    def release(self, tokens: Iterable[str]) -> int:
        fields = [f"{p}:{t}" for t in tokens for p in ("r", "s")]
        return int(self.server.hdel(self.inflight, *fields)) // 2 if fields else 0

    def requeue_own(self, tokens: Iterable[str]) -> int:
        """Put these leases of this worker back into the queue."""
        tokens = list(tokens)
        if not tokens:
            return 0
        return int(self._requeue(keys=[self.queue, self.inflight, self.alive_key(self.worker)],
                                 args=["0", *tokens]))

    def requeue_dead(self) -> int:
        """Put back every lease of registered workers whose alive key expired."""
        total = 0
        for raw in self.server.smembers(self.workers):
            other = raw.decode() if isinstance(raw, bytes) else str(raw)
            if other == self.worker:
                continue
            n = int(self._requeue(keys=[self.queue, self.inflight_key(other),
                                        self.alive_key(other)], args=["1"]))
            if n >= 0:  # dead: forget it (a worker that comes back registers again)
                self.server.srem(self.workers, other)
                total += n
                if n:
                    logger.warning("Worker %(w)s stopped answering: %(n)d request(s) it was "
                                   "fetching put back into the queue", {"w": other, "n": n})
        return total

    def queued(self) -> int:
        return int(self.server.zcard(self.queue))

    def finished(self) -> bool:
        """Nothing queued and nothing in flight at any live worker (dead ones' leases are
        put back first)."""
        self.requeue_dead()
        return bool(self._finished(keys=[self.queue, self.workers], args=[self.prefix]))

    def leave(self, finished: bool) -> bool:
        """Unregister; True when this was the last worker of a finished crawl and the
        crawl's state was cleared."""
        return bool(self._leave(keys=[self.queue, self.workers, self.dupefilter, self.done],
                                args=[self.prefix, self.worker, "1" if finished else "0",
                                      str(self.done_ms), f"{time.time():.3f}"]))


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
        """scrapy-redis's, without the ``spider`` argument Scrapy deprecated."""
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self.queue.push(request)
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
        workers still push (it polls the scheduler; :meth:`_on_tick` wakes it sooner)."""
        self._reconcile()
        return not self.frontier.finished()

    # --- leases -------------------------------------------------------------------------
    def _in_engine(self) -> set[Request] | None:
        """The requests the engine has not finished with (see the module docstring)."""
        slot = getattr(getattr(self.crawler, "engine", None), "_slot", None)
        inprogress = getattr(slot, "inprogress", None)
        return inprogress if isinstance(inprogress, set) else None

    def _reconcile(self) -> None:
        """Release the leases of requests the engine is done with."""
        inprogress = self._in_engine()
        if inprogress is None or not self.leases:
            return
        done = [t for t, r in self.leases.items() if r not in inprogress]
        if done:
            self.frontier.release(done)
            for token in done:
                del self.leases[token]
            self.stats.inc_value("frontier/released", len(done))

    def _on_tick(self) -> None:
        """Heartbeat, leases, dead workers; and wake the engine when there is work."""
        import redis

        try:
            self._reconcile()
            self.frontier.heartbeat()
            self.stats.inc_value("frontier/requeued", self.frontier.requeue_dead())
            engine = self.crawler.engine
            if engine is not None and self.frontier.queued() and not engine.needs_backout():
                slot = getattr(engine, "_slot", None)
                if slot is not None:
                    slot.nextcall.schedule()
        except redis.RedisError as exc:  # a short outage: the next tick tries again
            self.stats.inc_value("frontier/redis_errors")
            logger.warning("Redis: %(e)s", {"e": exc})
