"""newsarchive: the Python API, for notebooks and scripts.

Installed as the top-level package ``newsarchive`` (``pyproject.toml`` maps this folder,
``crawler/api/``, to that name). Four calls, each the same work as a command:

- :func:`crawl` ``(url, out)``              ``newsarchive crawl URL --out OUT``, in a subprocess
- :func:`extract_page` ``(html, url)``      one page's bytes -> :class:`Article`
- :func:`iter_articles` ``(path)``          the articles of a crawl folder (or re-extracted)
- :func:`export` ``(dirs, out, format=)``   ``newsarchive export``, in this process

Example::

    import newsarchive
    out = newsarchive.crawl("https://kontumtv.vn/", "out/kontumtv", max_pages=200,
                            contact="https://you.example/contact")
    for article in newsarchive.iter_articles(out):
        print(article.date_published, article.title, article.word_count)
    newsarchive.export([out], "datasets/kontumtv", format="parquet", since="2024-01-01")

Importing this package is cheap: Scrapy and trafilatura load only when a call needs them.
Errors are :class:`NewsarchiveError` (one line for the user), as on the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler import __version__
from crawler.errors import NewsarchiveError

if TYPE_CHECKING:
    from crawler.items import Article

__all__ = ["Article", "NewsarchiveError", "__version__", "crawl", "export", "extract_page",
           "iter_articles"]

PathLike = str | os.PathLike[str]


def __getattr__(name: str) -> Any:
    if name == "Article":  # the schema class, loaded on first use
        from crawler.items import Article

        return Article
    raise AttributeError(f"module 'newsarchive' has no attribute {name!r}")


def _crawl_command(url: str, out: PathLike, options: Mapping[str, Any]) -> list[str]:
    cmd = [sys.executable, "-m", "crawler", "crawl", url, "--out", os.fspath(out)]
    for name, value in options.items():
        if value is None or value is False:
            continue
        flag = "--" + name.replace("_", "-")
        if name == "settings":
            cmd += [a for key, val in value.items() for a in ("-s", f"{key}={val}")]
        elif name == "replay_from":
            cmd += [a for path in value for a in (flag, os.fspath(path))]
        else:
            cmd += [flag, str(value)]
    return cmd


def crawl(url: str, out: PathLike, *, site: str | None = None, since: str | None = None,
          max_pages: int | None = None, concurrency: int | None = None,
          delay: float | None = None, workers: int | str | None = None,
          contact: str | None = None, replay_from: Iterable[PathLike] = (),
          settings: Mapping[str, object] | None = None, progress: float = 0,
          quiet: bool = False, timeout: float | None = None) -> Path:
    """Crawl the WordPress site at ``url`` into the folder ``out``; returns ``Path(out)``.

    Runs ``newsarchive crawl`` in a subprocess: a crawl runs on Twisted's reactor, which
    cannot be restarted in one process, so a subprocess is what lets a notebook crawl
    again. The options are the command's (``--site``, ``--since``, ``--max-pages``,
    ``--concurrency``, ``--delay``, ``--workers``, ``--contact``, ``--replay-from``,
    ``-s NAME=VALUE`` as ``settings``). The crawl's summary is printed unless ``quiet``;
    ``progress`` > 0 prints a progress line every that many seconds on stderr.

    Raises NewsarchiveError (the command's error line) when the crawl fails.
    """
    options = {"site": site, "since": since, "max_pages": max_pages or None,
               "concurrency": concurrency, "delay": delay, "workers": workers,
               "contact": contact, "replay_from": list(replay_from) or None,
               "settings": dict(settings) if settings else None, "progress": progress}
    run = subprocess.run(_crawl_command(url, out, options), capture_output=True, text=True,
                         timeout=timeout)
    if not quiet and run.stdout:
        print(run.stdout, end="")
    if run.stderr and (progress or not quiet) and run.returncode == 0:
        print(run.stderr, end="", file=sys.stderr)
    if run.returncode != 0:
        lines = run.stderr.strip().splitlines() or [f"exit status {run.returncode}"]
        raise NewsarchiveError(lines[-1].removeprefix("newsarchive crawl: error: "))
    return Path(out)


def extract_page(html: bytes, url: str, headers: Mapping[str, str] | None = None, *,
                 fetched_at: str | None = None) -> Article:
    """The article in one HTML page (the bytes as served, any charset), as a crawl makes it.

    ``headers`` are the HTTP response headers (their ``Content-Type`` charset is used to
    decode); ``fetched_at`` (ISO 8601) dates relative expressions. ``provenance`` is empty
    (no WARC record). Raises NewsarchiveError with the reason (``empty-body``,
    ``not-html``, ``no-text``) when the page holds no article.
    """
    from crawler.extract import extract_page as _extract

    result = _extract(bytes(html), url, dict(headers) if headers else None, fetched_at)
    if result.article is None:
        raise NewsarchiveError(f"no article in {url}: {result.reason}")
    return result.article


def _read_jsonl(path: Path) -> Iterator[Article]:
    from crawler.articles import read_records
    from crawler.items import article_from_dict

    for record in read_records(path):
        yield article_from_dict(record)


def iter_articles(path: PathLike, *, reextract: bool = False) -> Iterator[Article]:
    """The articles of a crawl folder, one :class:`Article` each, in file order.

    From ``path/articles.jsonl`` (or ``path`` itself when it is a ``.jsonl`` file); from a
    folder without one, a WARC file, or with ``reextract=True``, re-extracted from the
    WARCs with the current extractor (no network; as ``newsarchive extract``).
    """
    path = Path(path)
    if not path.exists():
        raise NewsarchiveError(f"{path} does not exist")
    jsonl = path if path.suffix == ".jsonl" else path / "articles.jsonl"
    if not reextract and jsonl.is_file():
        return _read_jsonl(jsonl)
    from archive.errors import ArchiveError
    from archive.index import find_warc_files
    from crawler.rebuild import rebuild_from_warcs

    try:
        files = find_warc_files([path])
    except ArchiveError as exc:
        raise NewsarchiveError(str(exc)) from None
    return rebuild_from_warcs(files)


def _export_argv(dirs: Iterable[PathLike], out: PathLike, fmt: str,
                 options: Mapping[str, Any]) -> list[str]:
    argv = ["export", *(os.fspath(d) for d in dirs), "--out", os.fspath(out), "--format", fmt]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif isinstance(value, list | tuple | set | frozenset):
            argv += [a for item in value for a in (flag, str(item))]
        elif value not in (None, False):
            argv += [flag, str(value)]
    return argv


def export(dirs: Iterable[PathLike], out: PathLike, format: str = "jsonl", *,
           force: bool = False, reextract: bool = False, since: str | None = None,
           until: str | None = None, category: Iterable[str] = (), site: Iterable[str] = (),
           min_words: int = 0, language: Iterable[str] = (), all_versions: bool = False,
           near_threshold: float | None = None, shard_size: str | int | None = None,
           title: str | None = None, quiet: bool = True) -> Path:
    """Export crawl folders as a dataset in ``out`` (``format``: jsonl, parquet, csv or
    hf); returns ``Path(out)``.

    The same work and options as ``newsarchive export`` (filters: ``since``/``until``
    dates, ``category``, ``site``, ``language``, ``min_words``; dedup: ``all_versions``,
    ``near_threshold``; ``shard_size`` rows or ``"64MB"``), run in this process. Prints
    the summary; progress lines unless ``quiet``. Raises NewsarchiveError on bad input.
    """
    from crawler.cli import build_parser

    options = {"force": force, "reextract": reextract, "since": since, "until": until,
               "category": list(category), "site": list(site), "min_words": min_words or None,
               "language": list(language), "all_versions": all_versions,
               "near_threshold": near_threshold, "shard_size": shard_size, "title": title,
               "quiet": quiet}
    from archive.errors import ArchiveError

    args = build_parser().parse_args(_export_argv(dirs, out, format, options))
    try:
        args.func(args)
    except NewsarchiveError:
        raise
    except ArchiveError as exc:  # one exception type for API users
        raise NewsarchiveError(str(exc)) from None
    return Path(out)
