"""``newsarchive crawl --redis``: a frontier shared on Redis (crawler/frontier.py).

Real crawler processes against the kontumtv fixture, sharing one frontier on the Redis
at 127.0.0.1:6379 (a unique crawl name per test, its keys removed afterwards), compared
with the single-process crawl of the same fixture (``kontum_archive``): 2 and 4 processes
fetch every URL of it exactly once between them and their articles are its articles; a
process killed with SIGKILL mid-crawl loses nothing (its leased requests are fetched by
the other one). The fixture server answers every request after 0.1 s so that the crawl
lasts long enough to be shared. Plus the frontier's Redis scripts one by one, and the
option's one-line errors (those need no Redis).
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.cli import main
from tests.conftest import KONTUM, REPO, fixture_server

REDIS = "redis://127.0.0.1:6379/0"
SLOW = json.dumps({"match": "*", "mode": "delay", "seconds": 0.1})
CRAWL = ["--delay", "0", "--concurrency", "4", "--progress", "0"]


@pytest.fixture
def redis_key() -> Iterator[tuple[object, str]]:
    """(client, a crawl name no other test uses); the name's keys are removed after."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis answers on 127.0.0.1:6379 ({exc}): the --redis tests need "
                    f"one (apt-get install redis-server)")
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield client, name
    keys = list(client.scan_iter(match=f"newsarchive:{{{name}}}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="module")
def slow_kontum() -> Iterator[str]:
    with fixture_server(KONTUM, "--fault", SLOW) as base:
        yield base


def start(base: str, out: Path, name: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler", "crawl", base, "-o", str(out),
                             *CRAWL, "--redis", REDIS, "--redis-key", name, *extra],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out


def fetched(out: Path, base: str) -> Counter[str]:
    """Response records per URL (base URL replaced by '/') in a crawl folder's WARCs."""
    from archive.reader import iter_captures

    warcs = sorted((out / "warc").glob("*.warc.gz"))
    return Counter(c.url.replace(base, "/") for c in iter_captures(warcs))


def articles(path: Path, base: str) -> set[str]:
    """The canonical URLs of an articles.jsonl's records (ids hash them, port included)."""
    from crawler.articles import read_records

    return {r["canonical_url"].replace(base, "/") for r in read_records(path)}


def shared_crawl(base: str, tmp_path: Path, name: str, n: int) -> list[Path]:
    outs = [tmp_path / f"p{i}" for i in range(n)]
    procs = [start(base, out, name) for out in outs]
    for proc in procs:
        finish(proc)
    return outs


# --- real crawls ------------------------------------------------------------------------

@pytest.mark.redis
@pytest.mark.integration
@pytest.mark.parametrize("processes", [2, 4])
def test_processes_sharing_a_frontier_fetch_each_url_once_and_every_article(
        slow_kontum, kontum_archive, redis_key, tmp_path, processes):
    client, name = redis_key
    single_base, single = kontum_archive
    expected = fetched(single, single_base)
    outs = shared_crawl(slow_kontum, tmp_path, name, processes)

    each = [fetched(out, slow_kontum) for out in outs]
    total = sum(each, Counter())
    assert set(total) == set(expected), (sorted(set(expected) - set(total))[:5],
                                         sorted(set(total) - set(expected))[:5])
    assert [u for u, n in total.items() if n > 1] == []  # robots.txt included
    assert sum(1 for c in each if c) >= 2, [sum(c.values()) for c in each]  # shared
    everything = articles(single / "articles.jsonl", single_base)
    assert set().union(*(articles(o / "articles.jsonl", slow_kontum) for o in outs)) == everything
    # the last worker of a finished crawl cleared it, keeping only what late joiners need
    left = {k.decode().rsplit(":", 1)[-1] for k in client.scan_iter(
        match=f"newsarchive:{{{name}}}:*")}
    assert left == {"dupefilter", "done"}


@pytest.mark.redis
@pytest.mark.integration
def test_a_process_killed_mid_crawl_loses_nothing(slow_kontum, kontum_archive, redis_key,
                                                   tmp_path):
    client, name = redis_key
    single_base, single = kontum_archive
    expected = set(fetched(single, single_base))
    a_out, b_out = tmp_path / "a", tmp_path / "b"
    lease = ["-s", "NEWSARCHIVE_REDIS_LEASE_TTL=2"]
    a = start(slow_kontum, a_out, name, *lease)
    b = start(slow_kontum, b_out, name, *lease)
    leased = kill_while_fetching(client, name, a, a_out, slow_kontum)
    assert leased, "the killed process held no lease"
    finish(b)
    # the killed crawl's folder, run again: its .open WARC is repaired, the crawl is over
    restarted = subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", slow_kontum, "-o", str(a_out), *CRAWL,
         "--redis", REDIS, "--redis-key", name, *lease],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    assert "repaired" in restarted.stderr
    assert not list((a_out / "warc").glob("*.open"))

    from_a, from_b = fetched(a_out, slow_kontum), fetched(b_out, slow_kontum)
    total = from_a + from_b
    assert set(total) == expected, sorted(expected - set(total))[:5]
    assert leased <= set(from_b)  # what the dead worker was fetching, B fetched again
    assert {u for u, n in total.items() if n > 1} <= leased  # and nothing else twice
    stats = json.loads((b_out / "stats.json").read_text(encoding="utf-8"))
    assert stats["frontier/requeued"] >= 1
    # every article is in the WARCs: re-extracted from both folders, no post is missing
    merged = tmp_path / "merged.jsonl"
    assert main(["extract", str(a_out), str(b_out), "-o", str(merged)]) == 0
    assert articles(merged, slow_kontum) == articles(single / "articles.jsonl", single_base)


@pytest.mark.redis
@pytest.mark.integration
def test_an_interrupted_shared_crawl_resumes_from_redis(slow_kontum, kontum_archive,
                                                         redis_key, tmp_path):
    """Ctrl-C keeps the crawl's queue and filter in Redis; the same command finishes it,
    every URL fetched once over the two runs."""
    client, name = redis_key
    single_base, single = kontum_archive
    out = tmp_path / "crawl"
    first = start(slow_kontum, out, name)
    deadline = time.monotonic() + 60
    while not any(p.stat().st_size > 30_000 for p in (out / "warc").glob("*.open")):
        assert first.poll() is None and time.monotonic() < deadline, "ended too soon"
        time.sleep(0.02)
    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 130, err[-2000:]
    assert client.zcard(f"newsarchive:{{{name}}}:requests") > 0
    finish(start(slow_kontum, out, name))
    assert fetched(out, slow_kontum) == Counter(dict.fromkeys(fetched(single, single_base), 1))
    assert articles(out / "articles.jsonl", slow_kontum) == articles(
        single / "articles.jsonl", single_base)


def kill_while_fetching(client, name: str, proc: subprocess.Popen[str], out: Path,
                        base: str) -> set[str]:
    """SIGKILL ``proc`` once it has archived some pages and holds leases; the URLs of the
    requests it held (read from Redis before anyone can put them back)."""
    deadline = time.monotonic() + 60
    pattern = f"newsarchive:{{{name}}}:inflight:*-{proc.pid}-*"
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the crawl ended before it could be killed"
        warcs = list((out / "warc").glob("*.open")) if (out / "warc").exists() else []
        keys = list(client.scan_iter(match=pattern))
        if warcs and warcs[0].stat().st_size > 30_000 and keys and client.hlen(keys[0]):
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=10)  # reaped, its pipes closed
            held = client.hgetall(keys[0])  # 2 s before its lease expires
            return {pickle.loads(v)["url"].replace(base, "/")
                    for k, v in held.items() if k.startswith(b"r:")}
        time.sleep(0.02)
    raise AssertionError("the crawl never held a lease with pages archived")


# --- the frontier's scripts ---------------------------------------------------------

def _request(url: str, priority: int = 0) -> bytes:
    return pickle.dumps({"url": url, "priority": priority})


@pytest.mark.redis
def test_leases_are_released_requeued_when_the_worker_dies_and_end_the_crawl(redis_key):
    from crawler.leases import RedisFrontier

    client, name = redis_key
    a = RedisFrontier(client, name, "a", lease_ttl=0.3)
    b = RedisFrontier(client, name, "b", lease_ttl=30)
    a.heartbeat()
    b.heartbeat()
    for url, prio in (("/low", 0), ("/high", 10)):
        client.zadd(a.queue, {_request(url, prio): -prio})
    first = a.pop()
    assert first is not None and pickle.loads(first[1])["url"] == "/high"  # priority first
    second = a.pop()
    assert a.pop() is None and a.queued() == 0
    assert not b.finished()                   # a holds two leases and is alive
    assert a.release([first[0]]) == 1
    time.sleep(0.5)                           # a's alive key expires: a is dead
    assert not b.finished()                   # b puts a's last lease back ...
    assert b.queued() == 1 and client.hlen(a.inflight) == 0
    assert client.sismember(b.workers, "a") == 0
    token, data = b.pop()
    assert data == second[1]                  # ... the same request, for b to fetch
    assert not b.finished()
    b.release([token])
    assert b.finished()
    assert b.leave(finished=True)             # the last worker clears the crawl
    assert {k.decode().rsplit(":", 1)[-1] for k in client.scan_iter(
        match=f"newsarchive:{{{name}}}:*")} <= {"done"}
    assert b.finished_at() is not None


@pytest.mark.redis
def test_a_request_is_marked_seen_and_queued_in_one_step(redis_key):
    """Seen without queued is a lost URL (the page linking to it, fetched again after a
    kill, would find its link a duplicate): both change together, or neither does."""
    from crawler.leases import RedisFrontier

    client, name = redis_key
    a = RedisFrontier(client, name, "a")
    assert a.enqueue("fp1", _request("/x", 5), -5)
    assert not a.enqueue("fp1", _request("/x", 5), -5)        # a duplicate: not queued
    assert a.queued() == 1 and client.scard(a.dupefilter) == 1
    assert a.enqueue("fp1", _request("/x", 7), -7, force=True)  # forced: queued anyway
    assert a.enqueue("fp2", _request("/y"), 0, force=True)      # forced: still seen
    assert not a.enqueue("fp2", _request("/y"), 0)
    assert a.queued() == 3 and client.smembers(a.dupefilter) == {b"fp1", b"fp2"}
    token, data = a.pop()
    assert pickle.loads(data)["url"] == "/x" and pickle.loads(data)["priority"] == 7


@pytest.mark.redis
def test_a_worker_that_stops_early_puts_its_leases_back_and_keeps_the_crawl(redis_key):
    from crawler.leases import RedisFrontier

    client, name = redis_key
    a = RedisFrontier(client, name, "a")
    a.heartbeat()
    client.zadd(a.queue, {_request("/x", 5): -5, _request("/y"): 0})
    client.sadd(a.dupefilter, "fp")
    token, _ = a.pop()
    assert a.requeue_own([token]) == 1
    assert a.queued() == 2 and client.zscore(a.queue, _request("/x", 5)) == -5
    assert not a.leave(finished=False)        # interrupted: the queue stays for a resume
    assert a.queued() == 2 and client.scard(a.dupefilter) == 1
    b = RedisFrontier(client, name, "b")
    b.heartbeat()
    assert not b.leave(finished=True)         # finished, but requests are still queued
    assert a.queued() == 2


@pytest.mark.redis
def test_the_rest_api_fallback_counts_the_posts_every_worker_listed(redis_key):
    """NEWSARCHIVE_WPJSON=auto walks the REST API when no sitemap or feed listed a post:
    in the whole crawl, so a worker that listed none itself does not start it."""
    from types import SimpleNamespace

    from scrapy import Request
    from scrapy.utils.test import get_crawler
    from scrapy_redis.queue import PriorityQueue

    from crawler.frontier import LeasedScheduler, redis_settings
    from crawler.spiders.wordpress import WordPressSpider

    _, name = redis_key
    workers = []
    for _worker in "ab":
        crawler = get_crawler(WordPressSpider, redis_settings(REDIS, name, None, check=False))
        crawler.engine = SimpleNamespace(_slot=SimpleNamespace(inprogress=set()))
        spider = WordPressSpider.from_crawler(crawler, url="http://127.0.0.1:9/")
        scheduler = LeasedScheduler.from_crawler(crawler)
        scheduler.spider = spider  # what open() sets, without its reactor loop
        scheduler.queue = PriorityQueue(server=scheduler.server, spider=spider,
                                        key=scheduler.queue_key)
        scheduler.frontier.heartbeat()
        workers.append((scheduler, spider, crawler.engine._slot.inprogress))
    (a, spider_a, engine_a), (b, spider_b, _) = workers
    assert a.enqueue_request(Request("http://127.0.0.1:9/feed/"))
    assert not b.enqueue_request(Request("http://127.0.0.1:9/feed/"))  # seen by a
    feed = a.next_request()
    engine_a.add(feed)
    spider_a.posts_listed = 3                 # a's feed callback listed three posts
    assert b.has_pending_requests()           # a still holds the feed
    engine_a.discard(feed)                    # a is done with it
    assert not a.has_pending_requests()
    assert not b.has_pending_requests()
    assert spider_b.posts_listed == 3
    spider_b.api_root = "http://127.0.0.1:9/wp-json/"
    spider_b._idle()                          # no DontCloseSpider: no API walk


@pytest.mark.redis
def test_a_folder_a_live_worker_of_the_crawl_writes_into_is_refused(redis_key, tmp_path,
                                                                      capsys):
    """Machines sharing one network folder: crawl.running names a live worker of the
    same shared crawl on another host, so the folder is not taken for an interrupted one."""
    from crawler.leases import RedisFrontier

    client, name = redis_key
    out = tmp_path / "shared"
    (out / "warc").mkdir(parents=True)
    (out / "crawl.running").write_text(json.dumps(
        {"url": "http://127.0.0.1:9/", "pid": 4242, "host": "machine-b"}), encoding="utf-8")
    other = RedisFrontier(client, name, "machine_b-4242-abcdef")
    other.heartbeat()
    assert main(["crawl", "http://127.0.0.1:9/", "-o", str(out), "--redis", REDIS,
                 "--redis-key", name]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("give each process its own --out") and len(err.splitlines()) == 1


# --- the option ------------------------------------------------------------------------

@pytest.mark.parametrize("extra, message", [
    (["--redis", "mongodb://127.0.0.1/"], "bad --redis URL"),
    (["--redis", "redis://127.0.0.1:1/0"], "does not answer"),
    (["--redis", REDIS, "--redis-key", "a b"], "bad --redis-key"),
    (["--redis-key", "x"], "--redis-key needs --redis"),
    (["--redis", REDIS, "--replay-from", "."], "cannot be combined"),
    (["--config", "sites.toml", "--redis", REDIS], "not with --config"),
])
def test_bad_redis_options_are_one_line(tmp_path, capsys, extra, message):
    out = tmp_path / "out"
    assert main(["crawl", "http://127.0.0.1:9/", "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert message in err
    assert not out.exists()


def test_crawl_names_come_from_the_host():
    from crawler.leases import crawl_name, frontier_prefix

    assert crawl_name("https://KontumTV.vn/tin/") == "kontumtv.vn"
    assert crawl_name("http://user:pw@127.0.0.1:8080/") == "127.0.0.1:8080"
    assert crawl_name("http://[::1]:80/") == "_::1_:80"
    assert crawl_name("http://x/", "daily-2026.12.03") == "daily-2026.12.03"
    assert frontier_prefix("kontumtv.vn") == "newsarchive:{kontumtv.vn}:"
