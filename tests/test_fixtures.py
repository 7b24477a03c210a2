"""The fixture sites and their gold: reproducible, self-consistent, and hard where promised.

Gold is regenerated only by ``newsarchive fixtures build --update``; these tests never
write into fixtures/.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import deque
from pathlib import Path
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import hypothesis
import hypothesis.strategies
import lxml.etree
import lxml.html
import pytest

from crawler.cli import main
from fixtures.sitegen import markup
from fixtures.sitegen.build import COVER_TAGS
from fixtures.sitegen.model import slugify
from fixtures.sitegen.policy import CrawlPolicy
from fixtures.sitegen.render import encode_cp1258

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SITES = ["kontumtv", "tintaynguyen"]
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
HOW = "regenerate with: newsarchive fixtures build --update"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def load_golds(site: str) -> dict[str, dict]:
    folder = FIXTURES / site / "gold" / "articles"
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))}


def routes(site: str) -> dict:
    return json.loads((FIXTURES / site / "routes.json").read_text("utf-8"))


def site_file(site_root: Path, path: str) -> Path | None:
    """The file the fixture server serves for a URL path (None: 404)."""
    rel = path.lstrip("/")
    candidates = [rel] if rel and not rel.endswith("/") else [
        rel + "index.html", rel + "index.xml"]
    for c in candidates:
        f = site_root / c
        if f.is_file() and f.name != "404.html":
            return f
    return None


def page_bytes(site: str, url: str) -> bytes:
    f = site_file(FIXTURES / site / "site", urlsplit(url).path)
    assert f is not None, url
    return f.read_bytes()


def charset_of(site: str, url: str) -> str:
    header = routes(site)["headers"].get(urlsplit(url).path, {}).get("Content-Type", "")
    m = re.search(r"charset=([\w-]+)", header)
    return m.group(1) if m else "utf-8"


def html_text(data: bytes, charset: str) -> str:
    """Visible text of an HTML page, NFC, whitespace collapsed."""
    text = data.decode("cp1258" if charset == "windows-1258" else charset)
    doc = lxml.html.document_fromstring(text)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(unicodedata.normalize("NFC", doc.text_content()).split())


# --- reproducibility --------------------------------------------------------------------


def test_build_reproduces_committed_fixtures(tmp_path: Path) -> None:
    assert main(["fixtures", "build", "--out", str(tmp_path)]) == 0
    for site in SITES:
        built, committed = tree(tmp_path / site), tree(FIXTURES / site)
        missing = sorted(set(built) ^ set(committed))
        assert not missing, f"{site}: files differ in name: {missing[:5]}; {HOW}"
        changed = [k for k in built if built[k] != committed[k]]
        assert not changed, f"{site}: files differ in content: {changed[:5]}; {HOW}"


def test_build_refuses_to_overwrite_gold(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["fixtures", "build", "--out", str(tmp_path), "--site", "tintaynguyen"]) == 0
    before = tree(tmp_path)
    capsys.readouterr()
    assert main(["fixtures", "build", "--out", str(tmp_path), "--site", "tintaynguyen"]) == 2
    err = capsys.readouterr().err
    assert "--update" in err and err.count("\n") == 1
    assert tree(tmp_path) == before
    assert main(["fixtures", "build", "--out", str(tmp_path), "--site", "tintaynguyen",
                 "--update"]) == 0
    assert tree(tmp_path) == before
    assert main(["fixtures", "build", "--out", str(tmp_path), "--site", "nope"]) == 2


# --- hard cases ---------------------------------------------------------------------------


def test_every_hard_case_is_covered() -> None:
    covered = {tag for g in load_golds("kontumtv").values() for tag in g["covers"]}
    assert set(COVER_TAGS) <= covered, f"missing: {set(COVER_TAGS) - covered}"
    assert len(load_golds("kontumtv")) >= 40
    cats = {c for g in load_golds("kontumtv").values() for c in g["expected"]["categories"]}
    assert len(cats) >= 5
    years = {g["expected"]["date_published"][:4] for g in load_golds("kontumtv").values()}
    assert len(years) >= 8


def covering(site: str, tag: str) -> list[dict]:
    found = [g for g in load_golds(site).values() if tag in g["covers"]]
    assert found, f"no {site} article covers {tag}"
    return found


def test_windows_1258_page_is_really_cp1258() -> None:
    for gold in covering("kontumtv", "windows-1258"):
        url = gold["expected"]["url"]
        data = page_bytes("kontumtv", url)
        assert charset_of("kontumtv", url) == "windows-1258"
        assert b'<meta charset="windows-1258">' in data
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
        assert gold["expected"]["title"] in text


def test_nfd_page_is_decomposed() -> None:
    for gold in covering("kontumtv", "nfd"):
        text = page_bytes("kontumtv", gold["expected"]["url"]).decode("utf-8")
        assert unicodedata.is_normalized("NFD", text)
        assert not unicodedata.is_normalized("NFC", text)
        assert gold["expected"]["title"] not in text
        assert gold["expected"]["title"] in unicodedata.normalize("NFC", text)


def test_relative_date_year_is_not_visible_in_the_article() -> None:
    for site in SITES:
        for gold in covering(site, "relative-date"):
            exp = gold["expected"]
            data = page_bytes(site, exp["url"]).decode("utf-8")
            article = data[data.index("<article"):data.index("</article>")]
            day = exp["date_published"][:10]
            y, m, d = day.split("-")
            assert f"ngày {int(d)}/{int(m)}" in unicodedata.normalize("NFC", article)
            assert f"{d}/{m}/{y}" not in article
            assert (f"/{y}/{m}/{d}/" in exp["url"]
                    or f'article:published_time" content="{exp["date_published"]}' in data)


@pytest.mark.parametrize("site", SITES)
def test_gold_text_is_on_the_page_and_clean(site: str) -> None:
    chrome = (FIXTURES / site / "gold" / "boilerplate.txt").read_text("utf-8").splitlines()
    assert chrome
    for slug, gold in load_golds(site).items():
        exp = gold["expected"]
        assert set(gold["covers"]) <= set(COVER_TAGS), slug
        text = exp["text"]
        assert text and unicodedata.is_normalized("NFC", text), slug
        urls = [exp["url"]] + [exp["url"] + f"{n}/" for n in range(2, exp["page_count"] + 1)]
        page = " ".join(html_text(page_bytes(site, u), charset_of(site, u)) for u in urls)
        source = html.unescape(unicodedata.normalize("NFC", " ".join(
            page_bytes(site, u).decode("cp1258" if charset_of(site, u) == "windows-1258"
                                       else "utf-8") for u in urls)))
        for para in text.split("\n"):
            assert para and para == para.strip(), slug
            assert " ".join(para.split()) in page, f"{slug}: paragraph not on the page: {para!r}"
        for bad in gold["forbidden"] + chrome:
            assert bad not in text, f"{slug}: {bad!r} in expected text"
        for bad in gold["forbidden"]:
            assert bad in page or bad in source, f"{slug}: {bad!r} is not even on the page"
        if exp["source_prefix"]:
            assert f"{exp['source_prefix']} {text.split(chr(10))[0]}" in page
        if exp["byline"]:
            assert exp["byline"] in page and all(n in exp["byline"] for n in exp["authors"])
        for img in exp["images"]:
            assert img["alt"] and img["alt"] not in text
            assert site_file(FIXTURES / site / "site", urlsplit(img["url"]).path), img["url"]
        assert exp["word_count"] == len(re.findall(r"\w+", text))


# --- URL lists ----------------------------------------------------------------------------


def extract_links(data: bytes, url: str, ctype: str) -> list[tuple[str, str]]:
    """Independent link extraction with lxml (not the recorder the builder uses)."""
    out: list[tuple[str, str]] = []
    if url.endswith("/robots.txt"):
        return [(line.split(":", 1)[1].strip(), "sitemap")
                for line in data.decode().splitlines() if line.lower().startswith("sitemap:")]
    if data.lstrip().startswith(b"<?xml"):
        root = lxml.etree.fromstring(data)
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            qname = lxml.etree.QName(el)
            tag = qname.localname if qname.namespace in (None, SITEMAP_NS) else qname.text
            if tag == "{http://wellformedweb.org/CommentAPI/}commentRss":
                tag = "commentRss"
            if tag in ("loc", "link", "comments", "guid") and el.text and el.text.strip():
                out.append((el.text.strip(), "a"))
            elif tag == "commentRss":
                out.append((el.text.strip(), "commentfeed"))
            elif tag == "link" and el.get("href"):
                out.append((el.get("href"), "feed"))
        return out
    charset = "cp1258" if "windows-1258" in ctype else "utf-8"
    doc = lxml.html.document_fromstring(data.decode(charset))
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "a" and el.get("href"):
            out.append((el.get("href"), "a"))
        elif el.tag == "link" and el.get("href"):
            title = unicodedata.normalize("NFC", el.get("title") or "")
            kind = "commentfeed" if "Dòng phản hồi" in title else "a"
            out.append((el.get("href"), kind))
        elif el.tag in ("script", "img", "iframe", "amp-img", "amp-iframe") and el.get("src"):
            out.append((el.get("src"), "req"))
            if el.tag in ("iframe", "amp-iframe"):
                for mp4 in parse_qs(urlsplit(el.get("src")).query).get("l", []):
                    out.append((mp4, "media"))
    return [(urljoin(url, u), k) for u, k in out if not u.startswith(("javascript:", "#"))]


def independent_crawl(site_root: Path, rt: dict) -> tuple[set[str], set[str]]:
    origin = rt["origin"]
    robots = (site_root / "robots.txt").read_text("utf-8")
    policy = CrawlPolicy(origin, robots)
    expected: set[str] = set()
    forbidden: set[str] = set()
    queue: deque[str] = deque()

    def consider(u: str, kind: str) -> None:
        u = urldefrag(u)[0]
        if u == origin:
            u = origin + "/"
        if u in expected or u in forbidden:
            return
        if policy.classify(u, kind) == "fetch":
            expected.add(u)
            queue.append(u)
        else:
            forbidden.add(u)

    for root in ("/robots.txt", "/wp-sitemap.xml", "/feed/", "/"):
        consider(origin + root, "a")
    while queue:
        u = queue.popleft()
        parts = urlsplit(u)
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        if key in rt["redirects"] or parts.path in rt["redirects"]:
            target = rt["redirects"].get(key, rt["redirects"].get(parts.path))[0]
            consider(urljoin(origin, target), "a")
            continue
        f = site_file(site_root, parts.path)
        if f is None:
            if not parts.path.endswith("/") and site_file(site_root, parts.path + "/"):
                consider(origin + parts.path + "/", "a")
            continue
        ctype = rt["headers"].get(parts.path, {}).get("Content-Type", "")
        if f.suffix in (".html", ".xml", ".txt"):
            for link, kind in extract_links(f.read_bytes(), u, ctype):
                consider(link, kind)
    return expected, forbidden


def read_list(path: Path) -> list[str]:
    return path.read_text("utf-8").split()


@pytest.mark.parametrize("site", SITES)
def test_url_lists_match_an_independent_crawl(site: str) -> None:
    gold = FIXTURES / site / "gold"
    expected = read_list(gold / "expected_urls.txt")
    forbidden = read_list(gold / "forbidden_urls.txt")
    assert len(expected) == len(set(expected)) and len(forbidden) == len(set(forbidden))
    assert not set(expected) & set(forbidden)
    crawled, refused = independent_crawl(FIXTURES / site / "site", routes(site))
    assert crawled == set(expected), (sorted(crawled - set(expected))[:5],
                                      sorted(set(expected) - crawled)[:5], HOW)
    assert refused <= set(forbidden), sorted(refused - set(forbidden))[:5]


@pytest.mark.parametrize("site", SITES)
def test_every_expected_url_is_a_file_redirect_or_the_404_case(site: str) -> None:
    rt = routes(site)
    root = FIXTURES / site / "site"
    missing = []
    for url in read_list(FIXTURES / site / "gold" / "expected_urls.txt"):
        assert url.startswith(rt["origin"] + "/")
        parts = urlsplit(url)
        key = parts.path + (f"?{parts.query}" if parts.query else "")
        if key in rt["redirects"] or site_file(root, parts.path):
            continue
        if not parts.path.endswith("/") and site_file(root, parts.path + "/"):
            continue
        missing.append(url)
    linked_404 = len([g for g in load_golds(site).values() if "link-404" in g["covers"]])
    assert len(missing) == linked_404, missing
    forbidden = read_list(FIXTURES / site / "gold" / "forbidden_urls.txt")
    for must in ("/wp-login.php", "/wp-admin/", "?replytocom=", "/feed/"):
        assert any(must in u and u.startswith(rt["origin"]) for u in forbidden), must
    assert any(not u.startswith(rt["origin"]) for u in forbidden)


def test_feeds_are_served_as_rss_and_robots_disallows_a_real_page() -> None:
    rt = routes("kontumtv")
    assert rt["headers"]["/feed/"]["Content-Type"].startswith("application/rss+xml")
    root = FIXTURES / "kontumtv" / "site"
    assert lxml.etree.fromstring((root / "feed" / "index.xml").read_bytes()).tag == "rss"
    robots = (root / "robots.txt").read_text("utf-8")
    assert "Sitemap: http://kontumtv.test/wp-sitemap.xml" in robots
    disallowed = [line.split(":", 1)[1].strip() for line in robots.splitlines()
                  if line.startswith("Disallow:")]
    assert "/wp-admin/" in disallowed
    assert any(p != "/wp-admin/" and any((root / p.strip("/")).rglob("index.html"))
               for p in disallowed)


# --- the generator ------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["kontumtv", "newspaper"])
def test_generator_is_deterministic_and_seeded(tmp_path: Path, theme: str) -> None:
    args = ["fixtures", "generate", "--articles", "30", "--theme", theme]
    assert main([*args, "--seed", "7", str(tmp_path / "a")]) == 0
    assert main([*args, "--seed", "7", str(tmp_path / "b")]) == 0
    assert main([*args, "--seed", "8", str(tmp_path / "c")]) == 0
    a, b, c = (tree(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c
    lines = (tmp_path / "a" / "gold" / "articles.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 30
    first = json.loads(lines[0])
    assert set(first) == {"url", "title", "date_published", "categories"}
    marker = b"td-post-content" if theme == "newspaper" else b'class="entry-content"'
    path = urlsplit(first["url"]).path.strip("/")
    assert marker in (tmp_path / "a" / "site" / path / "index.html").read_bytes()
    crawled, _ = independent_crawl(tmp_path / "a" / "site",
                                   json.loads((tmp_path / "a" / "routes.json").read_text()))
    assert crawled == set(read_list(tmp_path / "a" / "gold" / "expected_urls.txt"))


def test_generator_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["fixtures", "generate", "--articles", "0", str(tmp_path / "x")]) == 2
    assert main(["fixtures", "generate", "--articles", "3", "--theme", "nope",
                 str(tmp_path / "x")]) == 2
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    assert main(["fixtures", "generate", "--articles", "3", str(tmp_path / "busy")]) == 2
    assert main(["fixtures", "generate", "--articles", "3", "--update",
                 str(tmp_path / "busy")]) == 2
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"
    err = capsys.readouterr().err
    assert err.count("\n") == 4 and "Traceback" not in err


# --- pure helpers -------------------------------------------------------------------------

VIETNAMESE = ("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọ"
              "ốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐẠẾỆỘỰ.,;:–“”…0123456789")


@hypothesis.given(hypothesis.strategies.text(alphabet=VIETNAMESE, max_size=80))
def test_cp1258_encoding_round_trips(text: str) -> None:
    data = encode_cp1258(text)
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == unicodedata.normalize("NFC", text)


@hypothesis.given(hypothesis.strategies.text(alphabet=VIETNAMESE + "[]()/*", max_size=60))
def test_markup_html_and_text_agree(para: str) -> None:
    html_p = markup.to_html(para, lambda t: t, origin="http://x.test")
    shown = lxml.html.fragment_fromstring(html_p).text_content()
    assert shown == markup.to_text(para)


def test_slugify_is_wordpress_like() -> None:
    assert slugify("Măng Đen mùa hoa anh đào") == "mang-den-mua-hoa-anh-dao"
    assert slugify("Kon Tum – Quảng Ngãi: sẵn sàng!") == "kon-tum-quang-ngai-san-sang"
    assert slugify("HĐND tỉnh") == "hdnd-tinh"
