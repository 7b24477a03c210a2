"""ArticlePipeline (process pool, dedupe, stats) and ArticleJsonl (whole lines, repair)."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.articles import ArticleJsonl
from crawler.errors import NewsarchiveError
from crawler.items import Article, PageCapture, PostItem, Provenance, article_from_dict
from crawler.pipelines import ArticlePipeline

BASE = "http://kontumtv.test"
PARAS = ["Sáng nay, Ủy ban nhân dân tỉnh Kon Tum tổ chức hội nghị tổng kết công tác năm "
         "với sự tham gia của đại diện các sở, ban, ngành.",
         "Hội nghị đã đánh giá kết quả đạt được và đề ra phương hướng nhiệm vụ năm tới."]


def html(title: str, canonical: str, published: str = "2024-04-30T08:00:00+07:00",
         paras: list[str] = PARAS) -> bytes:
    ps = "".join(f"<p>{p}</p>" for p in paras)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>{title}'
            f'</title><link rel="canonical" href="{canonical}" />'
            f'<meta property="article:published_time" content="{published}"></head>'
            '<body class="single single-post postid-7"><article><h1 class="entry-title">'
            f'{title}</h1><div class="entry-content">{ps}</div></article></body></html>'
            ).encode()


def post(url: str, body: bytes, canonical: str | None = None, *,
         unchanged: bool = False) -> PostItem:
    prov = Provenance("x.warc.gz", 0, 10, "<urn:uuid:1>", "sha1:AAAA", url,
                      "2024-05-01T00:00:00Z")
    return PostItem(url=url, pages=(PageCapture(url, body, {"Content-Type": "text/html"},
                                                prov),), canonical=canonical or url,
                    unchanged=unchanged)


@pytest.fixture
def pipeline(tmp_path):
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path), "EXTRACT_WORKERS": 1,
                                         "EXTRACT_MP_CONTEXT": "forkserver"})
    pipe = ArticlePipeline.from_crawler(crawler)
    pipe.open_spider()
    yield pipe
    pipe.close_spider()


def run(pipe: ArticlePipeline, items: list) -> list:
    async def go():
        out = []
        for item in items:
            try:
                out.append(await pipe.process_item(item))
            except DropItem as exc:
                out.append(exc)
        return out

    return asyncio.run(go())


def test_articles_written_deduped_and_counted(pipeline, tmp_path):
    canonical = f"{BASE}/thoi-su/hoi-nghi/"
    items = [
        post(canonical, html("Hội nghị tổng kết", canonical)),
        post(f"{BASE}/thoi-su/hoi-nghi/?replytocom=3", html("Hội nghị tổng kết", canonical)),
        post(f"{BASE}/empty/", b"<html><body></body></html>"),
        {"not": "a post"},
    ]
    out = run(pipeline, items)
    assert isinstance(out[0], Article) and out[0].canonical_url == canonical
    assert isinstance(out[1], DropItem) and "duplicate" in str(out[1])
    assert isinstance(out[2], DropItem)
    assert out[3] == {"not": "a post"}  # other items pass through
    stats = pipeline.stats
    assert stats.get_value("articles/written") == 1
    assert stats.get_value("articles/duplicate") == 1
    assert stats.get_value("articles/empty") == 1
    pipeline.close_spider()
    lines = (tmp_path / "articles.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 2
    record = json.loads(lines[0])
    assert record["title"] == "Hội nghị tổng kết"
    assert "Hội nghị" in lines[0].decode("utf-8")  # ensure_ascii=False
    assert list(record)[:3] == ["id", "url", "canonical_url"]
    assert record["provenance"][0]["warc_filename"] == "x.warc.gz"
    assert article_from_dict(record) == out[0]


def test_extraction_runs_in_worker_processes(pipeline):
    canonical = f"{BASE}/a/"
    run(pipeline, [post(canonical, html("Bài A", canonical))])
    executor = pipeline.pool._executor  # crawler.rebuild.ExtractionPool's processes
    assert isinstance(executor, ProcessPoolExecutor)
    pids = set(executor._processes)
    assert pids and os.getpid() not in pids


def test_quality_flags_counted(pipeline, caplog):
    # no date in the permalink: a permalink day would win over the meta date (the order
    # of trust in crawler.extract.dates.pick_date) and there would be nothing to flag
    canonical = f"{BASE}/tuong-lai/"
    run(pipeline, [post(canonical, html("Tin tương lai", canonical,
                                        published="2031-01-01T08:00:00+07:00"))])
    assert pipeline.stats.get_value("articles/written") == 1
    assert pipeline.stats.get_value("articles/quality/date_in_future") == 1
    assert "date_in_future" in caplog.text and canonical in caplog.text


def test_failed_extraction_is_counted_and_the_crawl_goes_on(pipeline, caplog):
    bad = PostItem(url=f"{BASE}/bad/", pages=(PageCapture(f"{BASE}/bad/", 12345,  # not bytes
                                                          {}, None),))
    good = f"{BASE}/good/"
    out = run(pipeline, [bad, post(good, html("Bài tốt", good))])
    assert isinstance(out[0], DropItem)
    assert isinstance(out[1], Article)
    assert pipeline.stats.get_value("articles/failed") == 1
    assert f"{BASE}/bad/" in caplog.text


def test_incremental_crawl_appends_versions_only_when_the_content_changed(tmp_path):
    """Run 1 writes version 1; run 2 fetches the page again (changed bytes, same
    article): nothing written; run 3 finds the text edited: version 2, linked to 1, also
    listed in DIR/state.sqlite."""
    canonical = f"{BASE}/x/"
    edited = [*PARAS[:1], "Đoạn văn được biên tập lại sau khi đăng, với số liệu mới.",
              *PARAS[2:]]
    bodies = [html("Bài X", canonical), html("Bài X", canonical) + b"<!-- ads -->",
              html("Bài X", canonical, paras=edited)]
    for body in bodies:
        crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path)})
        pipe = ArticlePipeline.from_crawler(crawler)
        pipe.open_spider()
        try:
            run(pipe, [post(canonical, body)])
        finally:
            pipe.close_spider()
            pipe.state.close()
        if body is bodies[1]:
            assert crawler.stats.get_value("articles/same_content") == 1
    records = [json.loads(line) for line in
               (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["version"] for r in records] == [1, 2]
    assert records[1]["previous_version"] == records[0]["record_id"] == f"{records[0]['id']}.1"
    assert "biên tập lại" in records[1]["text"] and "biên tập lại" not in records[0]["text"]
    assert crawler.stats.get_value("articles/new_versions") == 1
    db = sqlite3.connect(tmp_path / "state.sqlite")
    assert db.execute("SELECT id, version, record_id FROM versions ORDER BY version").fetchall() \
        == [(records[0]["id"], 1, records[0]["record_id"]),
            (records[0]["id"], 2, records[1]["record_id"])]
    db.close()


def test_settings_validated(tmp_path):
    with pytest.raises(NotConfigured):
        ArticlePipeline.from_crawler(get_crawler(settings_dict={}))
    with pytest.raises(NewsarchiveError, match="forkserver, spawn, fork"):
        ArticlePipeline.from_crawler(get_crawler(settings_dict={
            "ARCHIVE_DIR": str(tmp_path), "EXTRACT_MP_CONTEXT": "threads"}))
    pipe = ArticlePipeline.from_crawler(get_crawler(settings_dict={
        "NEWSARCHIVE_ARTICLES": str(tmp_path / "out" / "a.jsonl")}))
    assert pipe.output.path == tmp_path / "out" / "a.jsonl"


# --- ArticleJsonl --------------------------------------------------------------------------

def article(n: int) -> Article:
    url = f"{BASE}/bai-{n}/"
    return Article(id=f"{n:016x}", url=url, canonical_url=url, title=f"Bài số {n}",
                   text="Nội dung tiếng Việt")


def test_partial_last_line_is_repaired_and_ids_seed_dedupe(tmp_path):
    path = tmp_path / "articles.jsonl"
    good = ArticleJsonl.encode(article(1))
    partial = ArticleJsonl.encode(article(2))[:25]
    path.write_bytes(good + partial)
    out = ArticleJsonl(path).open()
    try:
        assert out.repaired_bytes == 25
        assert set(out.latest) == {article(1).id}
        assert path.read_bytes() == good
        assert out.write(article(1)) == "unchanged"  # already in the file, same content
        assert out.write(article(2)) == "written"
        assert out.write(article(2)) == "duplicate"  # twice in one run
    finally:
        out.close()
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines == [good, ArticleJsonl.encode(article(2))]


def test_each_line_is_one_write(tmp_path, monkeypatch):
    out = ArticleJsonl(tmp_path / "a.jsonl").open()
    writes: list[bytes] = []
    real = out._fh

    class Recorder:
        def write(self, data):
            writes.append(bytes(data))
            return real.write(data)

        def __getattr__(self, name):
            return getattr(real, name)

    out._fh = Recorder()
    out.write(article(1))
    out.write(article(2))
    out._fh = real
    out.close()
    assert writes == [ArticleJsonl.encode(article(1)), ArticleJsonl.encode(article(2))]
    assert all(w.endswith(b"\n") and w.count(b"\n") == 1 for w in writes)


def test_short_write_is_undone(tmp_path):
    out = ArticleJsonl(tmp_path / "a.jsonl").open()
    out.write(article(1))
    real = out._fh

    class DiskFills:
        """A short write, then ENOSPC: what a filling disk does."""

        calls = 0

        def write(self, data):
            self.calls += 1
            if self.calls > 1:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real.write(data[:10])

        def __getattr__(self, name):
            return getattr(real, name)

    out._fh = DiskFills()
    with pytest.raises(NewsarchiveError, match="No space left"):
        out.write(article(2))
    out._fh = real
    out.write(article(3))  # the next write lands right after the last whole line
    out.close()
    assert (tmp_path / "a.jsonl").read_bytes() == (ArticleJsonl.encode(article(1))
                                                   + ArticleJsonl.encode(article(3)))


def test_short_writes_are_completed(tmp_path):
    out = ArticleJsonl(tmp_path / "a.jsonl").open()
    real = out._fh

    class Short:
        def write(self, data):
            return real.write(data[:10])

        def __getattr__(self, name):
            return getattr(real, name)

    out._fh = Short()
    assert out.write(article(1))
    out._fh = real
    out.close()
    assert (tmp_path / "a.jsonl").read_bytes() == ArticleJsonl.encode(article(1))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(min_value=0, max_value=4), cut=st.integers(min_value=0, max_value=2000))
def test_any_crash_point_is_repaired_to_whole_lines(tmp_path, count, cut):
    """Whatever byte a crash cut the file at, opening keeps exactly the whole lines."""
    path = tmp_path / f"a-{count}-{cut}.jsonl"
    lines = [ArticleJsonl.encode(article(n)) for n in range(count)]
    data = b"".join(lines)
    cut = min(cut, len(data))
    path.write_bytes(data[:cut])
    kept = []
    size = 0
    for line in lines:
        if size + len(line) <= cut:
            kept.append(line)
            size += len(line)
    out = ArticleJsonl(path).open()
    out.close()
    assert path.read_bytes() == b"".join(kept)
    assert set(out.latest) == {json.loads(line)["id"] for line in kept}


def test_an_unchanged_post_already_in_the_file_is_not_extracted_again(pipeline, tmp_path):
    """A re-crawl (a 304, the same payload) or a resumed crawl (the page read back from
    its own archive): posts found unchanged whose article is in articles.jsonl already are
    dropped before extraction, and counted."""
    canonical = f"{BASE}/da-co/"
    run(pipeline, [post(canonical, html("Bài đã có", canonical))])
    assert pipeline.stats.get_value("articles/written") == 1
    pipeline.close_spider()
    again = ArticlePipeline.from_crawler(get_crawler(settings_dict={
        "ARCHIVE_DIR": str(tmp_path), "EXTRACT_WORKERS": 1}))
    again.output.open()  # open_spider without starting the workers: none may be needed
    (dropped,) = run(again, [post(canonical, html("Bài đã có", canonical), unchanged=True)])
    assert isinstance(dropped, DropItem)
    assert again.stats.get_value("articles/unchanged") == 1
    assert again.pool._executor is None  # nothing was sent to a worker
    again.output.close()
    lines = (tmp_path / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
