"""A crawl interrupted, killed or out of disk leaves a whole archive, and the same command
resumes it (real subprocesses, real signals, a real full disk where the machine allows).

Compared against a clean crawl of the same generated site: every URL archived exactly
once across all WARC files, the same articles (no duplicate, none missing), provenance
naming files that exist, every WARC valid, no process left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from archive.index import find_warc_files, iter_entries
from tests.conftest import REPO, check_all_readers, fixture_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CRAWL = ["--delay", "0", "--concurrency", "8", "--progress", "0"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A generated 150-article site, served for the module."""
    root = tmp_path_factory.mktemp("site") / "gen"
    subprocess.run([sys.executable, "-m", "crawler", "fixtures", "generate", "--articles",
                    "150", "--seed", "5", str(root)], check=True, cwd=REPO,
                   capture_output=True)
    with fixture_server(root) as base:
        yield base


@pytest.fixture(scope="module")
def clean(site: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "crawl"
    proc = subprocess.run([sys.executable, "-m", "crawler", "crawl", site, "-o", str(out),
                           *CRAWL], cwd=REPO, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def start(site: str, out: Path, *extra: str) -> subprocess.Popen[str]:
    """The crawl in its own process group, as a terminal runs it."""
    return subprocess.Popen([sys.executable, "-m", "crawler", "crawl", site, "-o", str(out),
                             *CRAWL, *extra], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_warc_bytes(out: Path, minimum: int = 50_000, timeout: float = 60) -> None:
    """Until the crawl has written ``minimum`` WARC bytes (it is mid-crawl)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sizes = [p.stat().st_size for p in (out / "warc").glob("*.open")] if (
            out / "warc").is_dir() else []
        if sum(sizes) >= minimum:
            return
        time.sleep(0.05)
    pytest.fail(f"the crawl into {out} wrote no WARC data in {timeout} s")


def group_gone(pgid: int) -> bool:
    """No process of the crawl's group is left (workers, forkserver, resource tracker)."""
    for _ in range(50):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def captures(out: Path) -> Counter[str]:
    """URL -> number of response records across every WARC of the crawl."""
    return Counter(e.url for e in iter_entries(find_warc_files([out / "warc"]))
                   if e.status and e.mime != "warc/revisit")


def articles(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "articles.jsonl").read_text("utf-8").splitlines()]


def assert_whole(out: Path) -> None:
    """Every WARC finished and valid; every article line whole, naming existing files."""
    check_all_readers(out)  # newsarchive check, warcio check and FastWARC, digests included
    names = {p.name for p in (out / "warc").iterdir()}
    for record in articles(out):
        assert {p["warc_filename"] for p in record["provenance"]} <= names


def assert_same_as_clean(out: Path, clean: Path) -> None:
    assert_whole(out)
    got, want = captures(out), captures(clean)
    assert set(got) == set(want)
    assert [u for u, n in got.items() if n > 1] == []  # nothing archived twice
    ids = [a["id"] for a in articles(out)]
    assert len(ids) == len(set(ids))
    assert set(ids) == {a["id"] for a in articles(clean)}


@pytest.mark.parametrize("signals", [[signal.SIGINT], [signal.SIGINT, signal.SIGINT],
                                     [signal.SIGTERM]], ids=["ctrl-c", "ctrl-c-twice", "term"])
def test_interrupted_crawl_stops_whole_and_resumes(site, clean, tmp_path, signals):
    out = tmp_path / "crawl"
    proc = start(site, out)
    wait_for_warc_bytes(out)
    for sig in signals:  # to the whole group, as a terminal does
        os.killpg(proc.pid, sig)
        time.sleep(0.1)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    assert "interrupted" in err and "resume" in err
    assert group_gone(proc.pid)
    assert_whole(out)
    assert (out / "index.cdxj").exists() and (out / "crawl.running").exists()
    again = start(site, out)
    _, err = again.communicate(timeout=180)
    assert again.returncode == 0, err[-2000:]
    assert "resuming the interrupted crawl" in err
    assert not (out / "crawl.running").exists()
    assert_same_as_clean(out, clean)


def test_killed_twice_then_the_same_command_finishes_the_crawl(site, clean, tmp_path):
    out = tmp_path / "crawl"
    for minimum in (40_000, 400_000):  # two kill -9 at different points of the crawl
        proc = start(site, out)
        wait_for_warc_bytes(out, minimum)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        assert group_gone(proc.pid), "a worker, the forkserver or the tracker outlived kill -9"
        assert list((out / "warc").glob("*.open"))
    proc = start(site, out)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-2000:]
    assert "repaired" in err and "whole records kept" in err
    assert_same_as_clean(out, clean)


def test_killing_only_the_crawl_process_leaves_no_worker_behind(site, tmp_path):
    out = tmp_path / "crawl"
    proc = start(site, out)
    wait_for_warc_bytes(out)
    os.kill(proc.pid, signal.SIGKILL)  # the parent alone, not its group
    proc.communicate(timeout=30)
    assert group_gone(proc.pid), "an extraction worker or the resource tracker outlived it"


def test_full_disk_stops_with_one_line_and_leaves_every_file_whole(site, tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mount.stderr.strip() or 'not root'})")
    try:
        out = disk / "crawl"
        proc = start(site, out)
        stdout, err = proc.communicate(timeout=120)
        assert proc.returncode == 2
        assert "Traceback" not in err
        last = err.strip().splitlines()[-1]
        assert last.startswith("newsarchive crawl: error: crawl stopped: ") and len(last) < 300
        assert max(len(line) for line in err.splitlines()) < 1000  # no item dumps
        assert_whole(out)
        assert "in 1 file" in stdout
        assert not list(out.glob("*.tmp"))
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
