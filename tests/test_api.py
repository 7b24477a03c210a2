"""``import newsarchive``: the Python API (crawl, extract_page, iter_articles, export) and
the packaging that installs it under that name."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import tomllib

import newsarchive
import pytest

from crawler.errors import NewsarchiveError
from tests.conftest import KONTUM, REPO

SLUG = "nong-dan-dak-ha-vao-vu-thu-hoach-ca-phe"


def test_public_names_are_documented_and_typed():
    assert sorted(newsarchive.__all__) == sorted(
        ["Article", "NewsarchiveError", "__version__", "crawl", "export", "extract_page",
         "iter_articles"])
    assert newsarchive.__doc__ and "import newsarchive" in newsarchive.__doc__
    for name in ("crawl", "extract_page", "iter_articles", "export"):
        func = getattr(newsarchive, name)
        assert func.__doc__ and len(func.__doc__) > 80, name
        sig = inspect.signature(func)
        assert sig.return_annotation is not inspect.Signature.empty, name
        assert all(p.annotation is not inspect.Parameter.empty
                   for p in sig.parameters.values()), name
    assert newsarchive.Article.__name__ == "Article"


def test_import_is_cheap():
    code = "import sys, newsarchive; print('scrapy' in sys.modules, 'trafilatura' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True)
    assert run.stdout.split() == ["False", "False"]


def test_extract_page_matches_the_gold():
    gold = json.loads((KONTUM / "gold" / "articles" / f"{SLUG}.json").read_text("utf-8"))
    expected = gold["expected"]
    html = (KONTUM / "site" / "kinh-te" / SLUG / "index.html").read_bytes()
    article = newsarchive.extract_page(html, expected["url"],
                                       {"Content-Type": "text/html; charset=UTF-8"})
    assert isinstance(article, newsarchive.Article)
    assert article.title == expected["title"]
    assert article.text == expected["text"]
    assert article.date_published == expected["date_published"]
    assert article.provenance == []


def test_extract_page_without_an_article_says_why():
    with pytest.raises(NewsarchiveError, match="no article in http://x/: not-html"):
        newsarchive.extract_page(b"\x89PNG\r\n\x1a\n....", "http://x/")


def test_iter_articles_from_jsonl_and_from_warcs(kontum_archive):
    _, out = kontum_archive
    lines = (out / "articles.jsonl").read_text("utf-8").splitlines()
    articles = list(newsarchive.iter_articles(out))
    assert [a.id for a in articles] == [json.loads(line)["id"] for line in lines]
    assert list(newsarchive.iter_articles(out / "articles.jsonl")) == articles
    rebuilt = {a.id: a for a in newsarchive.iter_articles(out, reextract=True)}
    assert rebuilt.keys() == {a.id for a in articles}
    assert all(rebuilt[a.id].text == a.text for a in articles)


def test_iter_articles_bad_path(tmp_path):
    with pytest.raises(NewsarchiveError, match="does not exist"):
        newsarchive.iter_articles(tmp_path / "nope")
    with pytest.raises(NewsarchiveError, match="no WARC files"):
        newsarchive.iter_articles(tmp_path)  # checked at the call, not at iteration


@pytest.mark.integration
@pytest.mark.slow
def test_crawl_twice_in_one_process_then_export(kontum_server, tmp_path, capsys):
    """The reactor cannot restart; crawl() runs the command in a subprocess, so a notebook
    can call it again."""
    first = newsarchive.crawl(kontum_server, tmp_path / "a", max_pages=15, delay=0,
                              concurrency=8, quiet=True)
    second = newsarchive.crawl(kontum_server, tmp_path / "b", max_pages=15, delay=0,
                               concurrency=8, settings={"EXTRACT_WORKERS": "1"})
    assert "articles" in capsys.readouterr().out   # the summary, printed unless quiet
    for out in (first, second):
        assert list(out.glob("warc/*.warc.gz")) and (out / "index.cdxj").exists()
        assert list(newsarchive.iter_articles(out))
    data = newsarchive.export([first, second], tmp_path / "ds", format="jsonl", min_words=1)
    assert (data / "README.md").exists() and list((data / "data").glob("*.jsonl"))


def test_crawl_failure_is_one_line(tmp_path):
    with pytest.raises(NewsarchiveError) as err:
        newsarchive.crawl("ftp://nowhere/", tmp_path / "x", quiet=True)
    assert "\n" not in str(err.value) and "newsarchive crawl:" not in str(err.value)


def test_export_bad_format_is_an_error(kontum_archive, tmp_path):
    _, out = kontum_archive
    with pytest.raises(NewsarchiveError, match="xml"):
        newsarchive.export([out], tmp_path / "ds", format="xml")


def test_pyproject_lists_every_package():
    """The package list is explicit (find cannot rename crawler/api to newsarchive):
    every folder with an __init__.py must be in it."""
    conf = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert conf["package-dir"] == {"newsarchive": "crawler/api"}
    found = {p.parent.relative_to(REPO).as_posix().replace("/", ".")
             for top in ("crawler", "archive", "fixtures")
             for p in (REPO / top).rglob("__init__.py")}
    found = {"newsarchive" if name == "crawler.api" else name for name in found}
    assert sorted(conf["packages"]) == sorted(found)
