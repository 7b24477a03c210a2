"""The shared frontier's Redis side (``newsarchive crawl --redis``): the keys of a crawl,
the leases, the heartbeat and the end, as Redis scripts over bytes (no Scrapy here; the
Scrapy components that use them are in ``crawler.frontier``).

Keys, all under ``newsarchive:{NAME}:`` (the hash tag keeps a crawl in one slot of a Redis
Cluster): ``requests`` (sorted set: scrapy-redis's ``PriorityQueue``, score = -priority),
``dupefilter`` (set of fingerprints: scrapy-redis's ``RFPDupeFilter``), ``workers`` (set),
``alive:W`` (string with a time to live), ``inflight:W`` (hash: ``r:N`` a leased request,
``s:N`` its score), ``robots`` (hash: host -> robots.txt answer), ``robots-claim:HOST``,
``counts`` (hash: the spider's crawl-wide counters), ``done``. NAME is ``--redis-key``, by
default the site's host (:func:`crawl_name`); W is :func:`worker_id`.

Each step that must not be cut in two is one script (Redis runs a script atomically): a
request marked seen and queued; a pop and its lease; putting a dead worker's leases back
(only while its alive key is missing, so two finders cannot both do it); the end (nothing
queued, nothing in flight); leaving (the last worker of a finished crawl clears it,
keeping the duplicate filter and ``done`` for a while, so that a process joining just
after the end finds everything seen).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import socket
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from archive.writer import safe_host
from crawler.errors import NewsarchiveError

logger = logging.getLogger(__name__)

LEASE_TTL = 30.0        # seconds a worker's lease outlives its last heartbeat
DONE_TTL = 600.0        # seconds a finished crawl's duplicate filter is kept
_NAME_OK = re.compile(r"[A-Za-z0-9._:-]{1,200}")

# Seen and queued in one step: a worker killed between the two would leave a URL marked
# seen that no queue holds, and the page that linked to it, fetched again by another
# worker, could not bring it back (its link would be a duplicate).
_ENQUEUE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 and ARGV[2] ~= '1' then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return 1
"""
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
redis.call('DEL', KEYS[1], KEYS[2], ARGV[1] .. 'robots', ARGV[1] .. 'counts')
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


def worker_alive(url: str, name: str, host: object, pid: object) -> bool:
    """Whether a live worker of the crawl ``name`` runs on ``host`` with ``pid`` (the
    owner of a crawl folder's ``crawl.running``, perhaps on another machine)."""
    if not isinstance(host, str) or pid is None:
        return False
    server = connect(url)
    try:
        prefix = frontier_prefix(name)
        start = f"{safe_host(host)}-{pid}-"
        return any(server.exists(f"{prefix}alive:{w.decode()}")
                   for w in server.smembers(prefix + "workers") if w.decode().startswith(start))
    finally:
        server.close()


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
        self._enqueue = server.register_script(_ENQUEUE)
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

    def enqueue(self, fingerprint: str, data: bytes, score: float, force: bool = False) -> bool:
        """Queue an encoded request unless its fingerprint was seen (``force``: queued
        anyway, still recorded as seen); the filter and the queue change together."""
        return bool(self._enqueue(keys=[self.dupefilter, self.queue],
                                  args=[fingerprint, "1" if force else "0", score, data]))

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

    def add_count(self, name: str, delta: int) -> None:
        self.server.hincrby(self.prefix + "counts", name, delta)

    def counts(self, names: Iterable[str]) -> dict[str, int]:
        """The crawl-wide sums of these counters (0 for one never added to)."""
        names = list(names)
        values = self.server.hmget(self.prefix + "counts", names) if names else []
        return {n: int(v or 0) for n, v in zip(names, values, strict=True)}

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
