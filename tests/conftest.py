"""Shared test helpers: paths, the fixture server started as a subprocess on port 0, the
``newsarchive crawl`` subprocess, and the kontumtv fixture crawled once per session."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.commands.demo import FixtureServerProcess

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
KONTUM = FIXTURES / "kontumtv"
# ../shared sits beside the checkout (CI copies it there, read-only).
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", REPO.parent / "shared"))
BENCHMARKS = SHARED / "benchmarks"


@contextlib.contextmanager
def fixture_server(site_dir: Path, *extra: str) -> Iterator[str]:
    """Start ``newsarchive fixtures serve SITE --port 0`` (as ``newsarchive demo`` does);
    yield its base URL ('http://127.0.0.1:N/')."""
    with FixtureServerProcess(site_dir, *extra) as server:
        yield server.base


def run_crawl(*args: str, timeout: float = 120, progress: float = 0
              ) -> subprocess.CompletedProcess[str]:
    """``newsarchive crawl ARGS`` as a subprocess, without politeness delay (8 concurrent
    requests) and with progress lines every ``progress`` seconds (0: none)."""
    return subprocess.run([sys.executable, "-m", "crawler", "crawl", *args,
                           "--delay", "0", "--concurrency", "8", "--progress", str(progress)],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def kontum_server() -> Iterator[str]:
    """The kontumtv fixture site, served for the whole session."""
    with fixture_server(KONTUM) as base:
        yield base


@pytest.fixture(scope="session")
def kontum_archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """``(base URL, crawl folder)``: the kontumtv fixture crawled once per session by
    ``newsarchive crawl`` (tests only read the folder). The server it was crawled from is
    stopped afterwards, so anything that fetches from that base URL again fails."""
    out = tmp_path_factory.mktemp("kontum-archive") / "crawl"
    with fixture_server(KONTUM) as base:
        proc = run_crawl(base, "--out", str(out), timeout=180)
    if proc.returncode != 0 or not (out / "articles.jsonl").exists():
        pytest.fail(f"crawl of the kontumtv fixture failed: {proc.stderr.strip()[-2000:]}")
    return base, out


def check_all_readers(out: Path) -> None:
    """newsarchive check, warcio check (digests) and FastWARC (digests) on every WARC."""
    import argparse
    import contextlib
    import io

    from fastwarc.warc import ArchiveIterator as FastIterator
    from warcio.checker import Checker

    from crawler.cli import main as cli_main

    warcs = sorted((out / "warc").glob("*.warc.gz"))
    assert warcs and not list((out / "warc").glob("*.open"))
    with contextlib.redirect_stdout(io.StringIO()) as said:
        assert cli_main(["check", str(out)]) == 0, said.getvalue()
        checker = Checker(argparse.Namespace(inputs=[str(w) for w in warcs], verbose=False))
        assert checker.process_all() == 0, said.getvalue()
    for warc in warcs:
        with open(warc, "rb") as fh:
            for rec in FastIterator(fh, parse_http=False):
                assert rec.verify_block_digest(), (warc, rec.record_id)


def require_benchmarks(name: str) -> Path:
    path = BENCHMARKS / name
    if not path.exists():
        pytest.skip(f"{path} not present (../shared/benchmarks is provided beside the checkout)")
    return path
