"""crawler/queues.py: the disk queue writes what Scrapy's ``Request.to_dict`` writes, and
reads back the same requests; the duplicate filter is Scrapy's, on 64-bit hashes."""

from __future__ import annotations

import pickle

from queuelib.queue import LifoDiskQueue
from scrapy import Request
from scrapy.http import FormRequest
from scrapy.utils.test import get_crawler

from crawler import meta
from crawler.queues import HashedDupeFilter, PickleLifoDiskQueue
from crawler.spiders.wordpress import WordPressSpider


def _queue(tmp_path):
    crawler = get_crawler(WordPressSpider)
    crawler.spider = WordPressSpider.from_crawler(crawler, url="http://127.0.0.1:8/")
    return crawler.spider, PickleLifoDiskQueue(crawler, str(tmp_path / "q"))


def test_the_disk_queue_writes_what_request_to_dict_writes(tmp_path) -> None:
    spider, queue = _queue(tmp_path)
    requests = [
        Request("http://127.0.0.1:8/thoi-su/bai-viet/", callback=spider.parse,
                errback=spider.parse_requisite, priority=7, dont_filter=True,
                meta={meta.KIND: "page", "chain": ["http://127.0.0.1:8/a/2/"]},
                headers={"If-None-Match": '"abc"'}),
        Request("http://127.0.0.1:8/style.css", callback=spider.parse_requisite),
        Request("http://127.0.0.1:8/nothing/"),
        FormRequest("http://127.0.0.1:8/wp-json/", formdata={"q": "Kon Tum"},
                    callback=spider.parse),
    ]
    for request in requests:
        queue.push(request)
    written = [pickle.loads(LifoDiskQueue.pop(queue)) for _ in requests][::-1]  # raw
    queue.close()
    assert written == [r.to_dict(spider=spider) for r in requests]


def test_the_disk_queue_gives_back_the_requests_it_was_given(tmp_path) -> None:
    spider, queue = _queue(tmp_path)
    queue.push(Request("http://127.0.0.1:8/a/", callback=spider.parse, priority=3,
                       meta={meta.KIND: "page"}))
    back = queue.pop()
    assert (back.url, back.callback, back.priority, back.meta[meta.KIND]) == (
        "http://127.0.0.1:8/a/", spider.parse, 3, "page")
    assert queue.pop() is None
    queue.close()


def test_a_callback_the_spider_does_not_have_is_refused_as_scrapy_refuses_it(tmp_path) -> None:
    _, queue = _queue(tmp_path)

    class Other:
        def parse(self, response):  # pragma: no cover - never called
            return None

    try:
        queue.push(Request("http://127.0.0.1:8/", callback=Other().parse))
    except ValueError as exc:
        assert "not an instance method" in str(exc)
    else:
        raise AssertionError("a foreign callback was queued")
    finally:
        queue.close()


def test_the_duplicate_filter_is_scrapys_on_hashes(tmp_path) -> None:
    crawler = get_crawler(WordPressSpider)
    df = HashedDupeFilter.from_crawler(crawler)
    assert df.file is None  # no requests.seen: the queue folder is never resumed from
    assert not df.request_seen(Request("http://127.0.0.1:8/a/?x=1&y=2"))
    assert df.request_seen(Request("http://127.0.0.1:8/a/?y=2&x=1"))  # Scrapy's canonical form
    assert not df.request_seen(Request("http://127.0.0.1:8/a/", method="POST"))
    assert len(df.seen) == 2
