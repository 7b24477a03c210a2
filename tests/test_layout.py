"""The house rules of docs/ARCHITECTURE.md ("Layout rules"), checked on the source tree.

- ``archive/`` is WARC and HTTP only: it imports nothing from ``crawler``, ``fixtures``,
  Scrapy, Twisted or trafilatura, and names no article field.
- trafilatura is imported in exactly one module (``crawler/extract/body.py``).
- The runtime package never imports the fixture code, except the ``fixtures`` command.
- Modules stay under ``MAX_MODULE_LINES`` lines and functions under
  ``MAX_FUNCTION_LINES`` in ``crawler/`` and ``archive/``, unless a ``# long: <why>``
  comment says why (on the line above the ``def``, or, for a module, in its first 40
  lines).

Pure AST and text reads: nothing is imported, so a violation cannot hide behind a
lazy import inside a function.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from crawler.items import Article, Image, Provenance
from tests.conftest import REPO

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60
ARCHIVE_FORBIDDEN = ("crawler", "fixtures", "scrapy", "twisted", "trafilatura", "htmldate")
TRAFILATURA_HOME = "crawler/extract/body.py"
FIXTURES_IMPORTERS = {"crawler/commands/fixtures.py"}
_LONG = re.compile(r"#\s*long:\s*\S")


def _sources(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (REPO / pkg).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _imports(path: Path) -> set[str]:
    """Top-level names of every module the file imports, at any depth of the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("path", _sources("archive"), ids=_rel)
def test_archive_imports_no_crawler_scrapy_or_trafilatura(path):
    bad = sorted(n for n in _imports(path) if _top(n) in ARCHIVE_FORBIDDEN)
    assert not bad, f"{_rel(path)} imports {bad}: archive/ is WARC and HTTP only"


def _article_field_names() -> set[str]:
    """Field names only an article has (generic ones such as url, id, title, text are
    HTTP or WARC words too)."""
    names = {f.name for cls in (Article, Image, Provenance) for f in dataclasses.fields(cls)}
    generic = {"id", "url", "title", "text", "language", "tags", "images", "caption", "alt",
               "fetched_at", "description", "version", "record_id"}  # WARC words too
    return {n for n in names - generic if not n.startswith("warc_")}


def test_archive_names_no_article_field():
    fields = _article_field_names()
    assert "date_published" in fields and "canonical_url" in fields
    for path in _sources("archive"):
        words = set(re.findall(r"[a-z_]+", path.read_text(encoding="utf-8")))
        found = sorted(words & fields)
        assert not found, f"{_rel(path)} names article fields {found}"


def test_trafilatura_is_imported_in_one_module():
    importers = sorted(_rel(p) for p in _sources("crawler", "archive", "fixtures")
                       if any(_top(n) == "trafilatura" for n in _imports(p)))
    assert importers == [TRAFILATURA_HOME]


def test_runtime_package_does_not_import_fixture_code():
    importers = {_rel(p) for p in _sources("crawler", "archive")
                 if any(_top(n) == "fixtures" for n in _imports(p))}
    assert importers <= FIXTURES_IMPORTERS, importers - FIXTURES_IMPORTERS


def _long_ok(lines: list[str], def_line: int) -> bool:
    """A ``# long: why`` comment on the line above the def (decorators skipped) or on it."""
    i = def_line - 1  # 0-based index of the def line
    if _LONG.search(lines[i]):
        return True
    i -= 1
    while i >= 0 and lines[i].lstrip().startswith("@"):
        i -= 1
    return i >= 0 and bool(_LONG.search(lines[i]))


@pytest.mark.parametrize("path", _sources("crawler", "archive"), ids=_rel)
def test_module_and_function_sizes(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if len(lines) > MAX_MODULE_LINES:
        assert any(_LONG.search(line) for line in lines[:40]), (
            f"{_rel(path)} has {len(lines)} lines (> {MAX_MODULE_LINES}): split it, or say "
            f"why it is one module with a '# long: ...' comment near the top")
    too_long = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            size = node.end_lineno - node.lineno + 1
            if size > MAX_FUNCTION_LINES and not _long_ok(lines, node.lineno):
                too_long.append(f"{node.name} ({size} lines)")
    assert not too_long, (f"{_rel(path)}: functions over {MAX_FUNCTION_LINES} lines: "
                          f"{', '.join(too_long)} (split, or a '# long: ...' comment)")
