"""build_article and rebuild_from_warcs on WARCs written with archive.writer from
hand-built exchanges (multi-page post, AMP copy, replytocom duplicate, windows-1258)."""

from __future__ import annotations

import gzip
import itertools
import json
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.index import find_warc_files
from archive.reader import read_capture
from archive.records import HttpExchange
from archive.writer import WarcWriter
from crawler import archived
from crawler import rebuild as rebuild_module
from crawler.articles import build_article
from crawler.cli import main
from crawler.items import PageCapture, PostItem, Provenance
from crawler.rebuild import iter_posts_from_warcs, rebuild_from_warcs

BASE = "http://kontumtv.test"
T0 = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)

TET_P1 = ["Ngày hội truyền thống của đồng bào các dân tộc tỉnh Kon Tum diễn ra sôi nổi "
          "với nhiều hoạt động văn hóa đặc sắc.",
          "Hàng nghìn người dân và du khách đã tham gia lễ hội trong không khí vui tươi."]
TET_P2 = ["Trang hai: các đội cồng chiêng đến từ mười huyện, thành phố biểu diễn đến khuya.",
          "Ban tổ chức trao giải cho những đội xuất sắc nhất trong đêm bế mạc."]
LEHOI = ["Lễ hội mừng lúa mới của người Xơ Đăng được tổ chức vào cuối năm, sau vụ thu hoạch.",
         "Già làng khấn thần lúa, cả làng cùng ăn mừng bên ché rượu cần và tiếng cồng."]
LEHOI_OLD = ["Bản cũ của bài viết, đã được sửa lại sau khi đăng tải lên trang thông tin.",
             "Đoạn này không còn trong bản mới nhất của bài viết về lễ hội mừng lúa mới."]


def page(path: str, title: str, paras: list[str], *, body_class: str, canonical: str | None,
         page_links: list[str] = (), amp: bool = False, charset: str = "UTF-8") -> str:
    links = ""
    if page_links:
        links = '<div class="page-links">Trang: ' + " ".join(
            f'<a class="post-page-numbers" href="{href}">{n}</a>'
            for n, href in enumerate(page_links, 1)) + "</div>"
    canon = f'<link rel="canonical" href="{canonical}" />' if canonical else ""
    html_attr = ' amp=""' if amp else ""
    ps = "".join(f"<p>{p}</p>" for p in paras)
    return (f'<!DOCTYPE html><html lang="vi"{html_attr}><head><meta charset="{charset}">'
            f"<title>{title} – Kon Tum TV</title>{canon}"
            '<meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2024-04-30T08:00:00+07:00">'
            f'</head><body class="{body_class}"><header><nav><a href="/">Trang chủ</a></nav>'
            f'</header><article class="post"><h1 class="entry-title">{title}</h1>'
            f'<div class="entry-content">{ps}{links}</div></article>'
            '<div id="comments"><h3>Trả lời</h3><p>Email của bạn sẽ không được hiển thị '
            "công khai.</p></div></body></html>")


POST_CLASS = "post-template-default single single-post postid-12 single-format-standard"


def to_cp1258(text: str) -> bytes:
    """Vietnamese in windows-1258: base letters precomposed, tone marks combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
            marks = "".join(c for c in decomposed if c in tones)
            out.append((base + marks).encode("cp1258"))
    return b"".join(out)


def exchange(path: str, status: int = 200, body: bytes = b"", headers=None, *,
             minutes: int = 0) -> HttpExchange:
    return HttpExchange(
        url=BASE + path, request_headers=[("User-Agent", "test")], protocol="HTTP/1.1",
        status=status, response_headers=headers or [], body=body,
        fetched_at=T0 + timedelta(minutes=minutes))


HTML_UTF8 = [("Content-Type", "text/html; charset=UTF-8")]


def write_site(directory: Path) -> Path:
    """A small archive: returns the crawl folder (WARCs in DIR/warc/)."""
    ids = itertools.count(1)
    clock = itertools.count()
    writer = WarcWriter(directory / "warc", clock=lambda: T0 + timedelta(seconds=next(clock)),
                        id_factory=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>",
                        host="test", pid=1)
    tet1 = page("/thoi-su/tet/", "Tết ở Kon Tum", TET_P1, body_class=POST_CLASS,
                canonical=f"{BASE}/thoi-su/tet/",
                page_links=[f"{BASE}/thoi-su/tet/", f"{BASE}/thoi-su/tet/2"])
    tet2 = page("/thoi-su/tet/2/", "Tết ở Kon Tum", TET_P2,
                body_class=POST_CLASS + " paged-2 single-paged-2",
                canonical=f"{BASE}/thoi-su/tet/2/",
                page_links=[f"{BASE}/thoi-su/tet/", f"{BASE}/thoi-su/tet/2"])
    amp = page("/thoi-su/tet/amp/", "Tết ở Kon Tum", TET_P1, body_class="",
               canonical=f"{BASE}/thoi-su/tet/", amp=True)
    lehoi = "Lễ hội mừng lúa mới"
    w = writer.write_exchange
    w(exchange("/robots.txt", body=b"User-agent: *\nDisallow: /wp-admin/\n",
               headers=[("Content-Type", "text/plain")]))
    w(exchange("/", body=page("/", "Trang chủ", ["Tin mới"], body_class="home blog",
                              canonical=None).encode(), headers=HTML_UTF8))
    # the first page arrives gzip-encoded, as over the wire
    w(exchange("/thoi-su/tet/", body=gzip.compress(tet1.encode(), mtime=0),
               headers=[*HTML_UTF8, ("Content-Encoding", "gzip")], minutes=1))
    w(exchange("/thoi-su/tet/?replytocom=5", body=tet1.encode(), headers=HTML_UTF8, minutes=2))
    w(exchange("/thoi-su/tet/amp/", body=amp.encode(), headers=HTML_UTF8, minutes=2))
    w(exchange("/thoi-su/tet/2", 301, headers=[("Location", f"{BASE}/thoi-su/tet/2/")],
               minutes=3))
    w(exchange("/thoi-su/tet/2/", body=tet2.encode(), headers=HTML_UTF8, minutes=3))
    w(exchange("/xa-hoi/le-hoi/", body=page("/xa-hoi/le-hoi/", lehoi, LEHOI_OLD,
                                            body_class=POST_CLASS.replace("12", "13"),
                                            canonical=f"{BASE}/xa-hoi/le-hoi/").encode(),
               headers=HTML_UTF8, minutes=4))
    w(exchange("/?p=13", 301, headers=[("Location", f"{BASE}/xa-hoi/le-hoi/")], minutes=5))
    w(exchange("/missing/", 404, body=b"<html><body class='error404'>404</body></html>",
               headers=HTML_UTF8, minutes=5))
    writer.close()
    # a later crawl (second file) re-fetched the legacy page: windows-1258, NFD-style
    writer2 = WarcWriter(directory / "warc", prefix="later",
                         clock=lambda: T0 + timedelta(days=1),
                         id_factory=lambda: f"<urn:uuid:00000000-0000-4000-9000-{next(ids):012d}>",
                         host="test", pid=1)
    legacy = page("/xa-hoi/le-hoi/", lehoi, LEHOI, body_class=POST_CLASS.replace("12", "13"),
                  canonical=f"{BASE}/xa-hoi/le-hoi/", charset="windows-1258")
    writer2.write_exchange(HttpExchange(
        url=f"{BASE}/xa-hoi/le-hoi/", protocol="HTTP/1.1", status=200, body=to_cp1258(legacy),
        response_headers=[("Content-Type", "text/html; charset=windows-1258")],
        fetched_at=T0 + timedelta(days=1)))
    writer2.close()
    return directory


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return write_site(tmp_path_factory.mktemp("site"))


def test_posts_found_and_grouped(site):
    stats: dict[str, int] = {}
    posts = {p.url: p for p in iter_posts_from_warcs([site], stats)}
    # the replytocom copy has the same canonical URL: left out; AMP, home, 404 and
    # page 2 are not posts of their own
    assert set(posts) == {f"{BASE}/thoi-su/tet/", f"{BASE}/xa-hoi/le-hoi/"}
    assert stats == {"duplicate": 1}
    tet = posts[f"{BASE}/thoi-su/tet/"]
    assert [p.url for p in tet.pages] == [f"{BASE}/thoi-su/tet/", f"{BASE}/thoi-su/tet/2/"]
    assert b"<html" in tet.pages[0].body  # gzip removed, as after HttpCompressionMiddleware
    assert "Content-Encoding" not in tet.pages[0].headers
    assert sorted(pc.provenance.url for p in posts.values() for pc in p.pages) == [
        f"{BASE}/thoi-su/tet/", f"{BASE}/thoi-su/tet/2/", f"{BASE}/xa-hoi/le-hoi/"]


def test_rebuild_from_warcs(site):
    stats: dict[str, int] = {}
    articles = {a.canonical_url: a for a in rebuild_from_warcs([site], stats)}
    assert set(articles) == {f"{BASE}/thoi-su/tet/", f"{BASE}/xa-hoi/le-hoi/"}
    assert stats == {"posts": 2, "duplicate": 1}

    tet = articles[f"{BASE}/thoi-su/tet/"]
    assert tet.url == f"{BASE}/thoi-su/tet/"
    assert tet.page_count == 2
    assert tet.text.split("\n") == TET_P1 + TET_P2
    assert "Email của bạn" not in tet.text
    assert [p.url for p in tet.provenance] == [f"{BASE}/thoi-su/tet/", f"{BASE}/thoi-su/tet/2/"]
    for prov in tet.provenance:
        (path,) = [f for f in find_warc_files([site]) if f.name == prov.warc_filename]
        cap = read_capture(path, prov.warc_offset)
        assert cap.url == prov.url and cap.record_id == prov.warc_record_id
        assert cap.payload_digest == prov.warc_payload_digest
        assert prov.warc_length > 0

    lehoi = articles[f"{BASE}/xa-hoi/le-hoi/"]
    # the latest capture (the windows-1258 one of the later crawl) wins
    assert lehoi.text.split("\n") == LEHOI
    assert lehoi.title == "Lễ hội mừng lúa mới"
    assert unicodedata.is_normalized("NFC", lehoi.text)
    assert lehoi.provenance[0].fetched_at == "2024-05-02T01:00:00Z"
    assert lehoi.provenance[0].warc_filename.startswith("later-")


def test_build_article_fills_provenance_per_page():
    prov1 = Provenance("a.warc.gz", 10, 100, "<urn:uuid:1>", "sha1:AAAA", f"{BASE}/p/",
                       "2024-05-01T00:00:00Z")
    prov2 = Provenance("a.warc.gz", 200, 100, "<urn:uuid:2>", "sha1:BBBB", f"{BASE}/p/2/",
                       "2024-05-01T00:00:01Z")
    html1 = page("/p/", "Bài viết", TET_P1, body_class=POST_CLASS, canonical=f"{BASE}/p/")
    html2 = page("/p/2/", "Bài viết", TET_P2, body_class=POST_CLASS + " paged-2",
                 canonical=f"{BASE}/p/2/")
    post = PostItem(url=f"{BASE}/p/", pages=(
        PageCapture(f"{BASE}/p/", html1.encode(), dict(HTML_UTF8), prov1),
        PageCapture(f"{BASE}/p/2/", html2.encode(), dict(HTML_UTF8), prov2)))
    article = build_article(post)
    assert article is not None
    assert article.provenance == [prov1, prov2]
    assert article.page_count == 2
    assert article.canonical_url == f"{BASE}/p/"
    assert build_article(PostItem(url=f"{BASE}/x/", pages=(
        PageCapture(f"{BASE}/x/", b"<html><body></body></html>", dict(HTML_UTF8), None),
    ))) is None


def test_extract_command(site, tmp_path, capsys):
    out = tmp_path / "articles.jsonl"
    out.write_text("old content that a rebuild replaces\n")
    assert main(["extract", str(site), "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert sorted(r["canonical_url"] for r in records) == [f"{BASE}/thoi-su/tet/",
                                                           f"{BASE}/xa-hoi/le-hoi/"]
    assert "Lễ hội" in out.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
    assert list(records[0]) == list(records[1])  # keys in schema order
    assert "2 articles" in capsys.readouterr().out
    assert not (tmp_path / "articles.jsonl.partial").exists()


def test_extract_command_bad_path(tmp_path, capsys):
    out = tmp_path / "articles.jsonl"
    assert main(["extract", str(tmp_path / "nope"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no such file or folder" in err
    assert not out.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ArchiveError, match="no WARC files"):
        find_warc_files([empty])


def test_extract_command_with_worker_processes(site, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["extract", str(site), "--out", str(one)]) == 0
    assert main(["extract", str(site / "warc"), "--out", str(two), "--workers", "2"]) == 0
    assert sorted(one.read_text().splitlines()) == sorted(two.read_text().splitlines())
    assert main(["extract", str(site), "--out", str(two), "--workers", "0"]) == 2


def test_extract_command_counts_a_failed_post_and_exits_1(site, tmp_path, capsys, caplog,
                                                          monkeypatch):
    real = rebuild_module.extract_post
    broken = f"{BASE}/thoi-su/tet/"

    def failing(post):
        return (None, [], "ValueError: bad page") if post.url == broken else real(post)

    monkeypatch.setattr(rebuild_module, "extract_post", failing)
    out = tmp_path / "articles.jsonl"
    with caplog.at_level("ERROR", logger="crawler.rebuild"):
        assert main(["extract", str(site), "--out", str(out)]) == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["canonical_url"] for r in records] == [f"{BASE}/xa-hoi/le-hoi/"]
    summary = capsys.readouterr().out
    assert "1 articles" in summary and "1 duplicates" in summary and "1 failed" in summary
    assert f"Extraction failed for {broken}: ValueError: bad page" in caplog.text


def test_canonical_copies_first_then_the_others_in_first_seen_order(tmp_path, monkeypatch):
    """The order rule, streamed: posts whose URL is their canonical URL in first-seen
    order, then the other copies in first-seen order; one post per canonical URL."""
    ids = itertools.count(1)
    writer = WarcWriter(tmp_path / "warc", host="test", pid=1,
                        id_factory=lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(ids):012d}>")
    for minute, (path, canonical) in enumerate([
            ("/x-copy/", f"{BASE}/x/"),           # a copy: waits, then left out for /x/
            ("/w/", "http://other.test/w/"),      # canonical elsewhere: waits
            ("/y/", f"{BASE}/y/"),
            ("/x/", f"{BASE}/x/"),
            ("/z-copy/", f"{BASE}/z/")]):         # /z/ itself is not archived
        html = page(path, f"Bài {path}", LEHOI, body_class=POST_CLASS, canonical=canonical)
        writer.write_exchange(exchange(path, body=html.encode(), headers=HTML_UTF8,
                                       minutes=minute))
    writer.close()
    closed: list[str] = []
    for name, cls in [("waiting", archived._Waiting), ("site", archived._ArchivedSite),
                      ("handed", archived.ScratchSet)]:
        monkeypatch.setattr(cls, "close", lambda self, real=cls.close, name=name: (
            closed.append(name), real(self)))
    stats: dict[str, int] = {}
    assert [p.url for p in iter_posts_from_warcs([tmp_path], stats)] == [
        f"{BASE}/y/", f"{BASE}/x/", f"{BASE}/w/", f"{BASE}/z-copy/"]
    assert stats == {"duplicate": 1}
    # the temporary tables are dropped at the end ...
    assert sorted(closed) == ["handed", "site", "waiting"]
    posts = iter_posts_from_warcs([tmp_path])
    next(posts)
    posts.close()  # ... and when the reader stops early
    assert sorted(closed) == ["handed", "handed", "site", "site", "waiting", "waiting"]
