"""Shared test helpers: paths, and the replay server started as a subprocess on port 0."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
KONTUM = FIXTURES / "kontumtv"
# ../shared sits beside the checkout (CI copies it there, read-only).
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", REPO.parent / "shared"))
BENCHMARKS = SHARED / "benchmarks"


@contextlib.contextmanager
def replay_server(site_dir: Path, *extra: str) -> Iterator[str]:
    """Start ``newsarchive replay SITE --port 0``; yield its base URL ('http://127.0.0.1:N/')."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler", "replay", str(site_dir), "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("http://"):
            err = proc.stderr.read() if proc.poll() is not None else ""
            raise RuntimeError(f"replay server did not start: {line!r} {err}")
        yield line
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            stream.close()


@pytest.fixture(scope="session")
def kontum_server() -> Iterator[str]:
    """The kontumtv fixture site, served for the whole session."""
    with replay_server(KONTUM) as base:
        yield base


def require_benchmarks(name: str) -> Path:
    path = BENCHMARKS / name
    if not path.exists():
        pytest.skip(f"{path} not present (../shared/benchmarks is provided beside the checkout)")
    return path
