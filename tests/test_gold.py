"""Golden tests: every fixture gold article, field by field.

``fixtures/<site>/gold/articles/<slug>.json`` holds ``expected`` (Article fields except
id, provenance and extractor_version), ``forbidden`` (strings never in the text) and
``covers``. The page is ``fixtures/<site>/site/<path>/index.html``, ``<path>`` taken
from the expected URL under the placeholder origin of ``routes.json``; headers that
``routes.json`` gives for that path (a legacy charset) are passed as the server would.
Pages 2..N of a multi-page post are ``<path>/N/``. Gold is regenerated only by
``newsarchive fixtures build --update``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from crawler.extract import extract_page, join_pages
from crawler.items import Article
from tests.conftest import FIXTURES

REGENERATE = "gold is regenerated only by `newsarchive fixtures build --update`"
_EXCLUDED = {"id", "provenance", "extractor_version"}


def _gold_files() -> list[Path]:
    return sorted(FIXTURES.glob("*/gold/articles/*.json"))


def _site(path: Path) -> Path:
    return path.parents[2]


def _routes(site: Path) -> dict:
    return json.loads((site / "routes.json").read_text("utf-8"))


def _page_path(url: str, routes: dict) -> str:
    origin = routes["origin"].rstrip("/")
    assert url.startswith(origin + "/"), f"gold URL {url} is not under {origin}; {REGENERATE}"
    return url[len(origin):].split("?", 1)[0].split("#", 1)[0]


def _fetch(site: Path, routes: dict, path: str) -> tuple[bytes, dict[str, str]]:
    file = site / "site" / path.strip("/") / "index.html"
    if not file.exists():
        pytest.fail(f"{file} missing for gold URL path {path}; {REGENERATE}")
    headers = {"Content-Type": "text/html; charset=UTF-8"}
    headers.update(routes.get("headers", {}).get(path, {}))
    return file.read_bytes(), headers


def extract_gold(gold: Path) -> tuple[Article | None, dict]:
    entry = json.loads(gold.read_text("utf-8"))
    expected = entry["expected"]
    site = _site(gold)
    routes = _routes(site)
    path = _page_path(expected["url"], routes)
    pages = []
    for number in range(1, int(expected.get("page_count", 1)) + 1):
        page_path = path if number == 1 else f"{path.rstrip('/')}/{number}/"
        body, headers = _fetch(site, routes, page_path)
        url = expected["url"] if number == 1 else expected["url"].rstrip("/") + f"/{number}/"
        result = extract_page(body, url, headers, "2025-12-01T00:00:00Z")
        assert result.article is not None, (
            f"{gold.name}: page {number} gave no article ({result.reason})")
        pages.append(result.article)
    return join_pages(pages), entry


GOLD = _gold_files()


@pytest.mark.skipif(not GOLD, reason="no fixtures/<site>/gold/articles/*.json in this checkout")
@pytest.mark.parametrize("gold", GOLD, ids=[f"{_site(p).name}/{p.stem}" for p in GOLD])
def test_gold_article(gold: Path) -> None:
    article, entry = extract_gold(gold)
    record = dataclasses.asdict(article)
    expected = entry["expected"]
    unknown = set(expected) - set(record)
    assert not unknown, f"{gold.name}: gold has unknown fields {sorted(unknown)}; {REGENERATE}"
    mismatches = [
        f"field {name!r}: expected {value!r}, got {record[name]!r}"
        for name, value in expected.items()
        if name not in _EXCLUDED and record[name] != value
    ]
    assert not mismatches, (f"{gold.relative_to(FIXTURES)}:\n  " + "\n  ".join(mismatches)
                            + f"\n(fix the extractor; {REGENERATE})")
    for text in entry.get("forbidden", []):
        assert text not in article.text, f"{gold.name}: forbidden string {text!r} in text"


@pytest.mark.skipif(not GOLD, reason="no fixtures/<site>/gold/articles/*.json in this checkout")
def test_no_boilerplate_string_of_any_site_in_any_gold_article() -> None:
    leaks = []
    for gold in GOLD:
        boiler_file = _site(gold) / "gold" / "boilerplate.txt"
        strings = [s.strip() for s in boiler_file.read_text("utf-8").splitlines()
                   if s.strip()] if boiler_file.exists() else []
        article, _ = extract_gold(gold)
        leaks += [f"{gold.name}: {s!r}" for s in strings if s in article.text]
    assert not leaks, "boilerplate in article text:\n  " + "\n  ".join(leaks)
