"""``newsarchive crawl --config`` and ``newsarchive schedule``: configured sites crawled
from the fixture servers, each into its folder, one crawl per site at a time (the lock),
a clean stop on SIGTERM."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, KONTUM, REPO, fixture_server

pytestmark = pytest.mark.integration

TINTAY = FIXTURES / "tintaynguyen"


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[str, str]]:
    with fixture_server(KONTUM) as kontum, fixture_server(TINTAY) as tintay:
        yield kontum, tintay


def sites_file(tmp_path: Path, sites: dict[str, str], extra: str = "") -> Path:
    text = '[defaults]\ndelay = 0\nconcurrency = 8\nmax_pages = 8\nschedule = "every 1h"\n'
    for name, base in sites.items():
        text += f'\n[[site]]\nname = "{name}"\nurl = "{base}"\nout = "out/{name}"\n{extra}'
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    return path


def newsarchive(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def crawled(out: Path) -> bool:
    return (out / "articles.jsonl").stat().st_size > 0 and any((out / "warc").glob("*.warc.gz"))


def test_crawl_config_crawls_each_site_into_its_folder(tmp_path: Path, servers) -> None:
    kontum, tintay = servers
    config = sites_file(tmp_path, {"kontum": kontum, "tintay": tintay})
    proc = newsarchive("crawl", "--config", str(config), "--progress", "0")
    assert proc.returncode == 0, proc.stderr[-2000:]
    for name, base in (("kontum", kontum), ("tintay", tintay)):
        out = tmp_path / "out" / name
        assert crawled(out), name
        assert f"Crawled {base} -> {out}" in proc.stdout
        assert json.loads((out / "schedule.json").read_text())["exit"] == 0
    assert "site kontum:" in proc.stderr and "site tintay:" in proc.stderr

    one = sites_file(tmp_path / "one", {"kontum": kontum, "tintay": tintay})
    proc = newsarchive("crawl", "--config", str(one), "--site", "tintay", "--progress", "0")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert crawled(tmp_path / "one" / "out" / "tintay")
    assert not (tmp_path / "one" / "out" / "kontum").exists()


def test_crawl_config_exit_status_is_the_worst(tmp_path: Path, servers) -> None:
    config = sites_file(tmp_path, {"dead": "http://127.0.0.1:9/", "tintay": servers[1]},
                        extra="settings = { RETRY_TIMES = 0 }\n")
    proc = newsarchive("crawl", "--config", str(config), "--progress", "0")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "no response from http://127.0.0.1:9/" in proc.stderr
    assert crawled(tmp_path / "out" / "tintay")  # a failed site does not stop the others


def test_schedule_once_runs_due_sites_once(tmp_path: Path, servers) -> None:
    config = sites_file(tmp_path, {"kontum": servers[0], "tintay": servers[1]})
    proc = newsarchive("schedule", str(config), "--once")
    assert proc.returncode == 0, proc.stderr[-2000:]
    runs = [ln for ln in proc.stdout.splitlines() if ": started " in ln]
    assert len(runs) == 2, proc.stdout
    for line, name in zip(runs, ("kontum", "tintay"), strict=True):
        assert f"newsarchive schedule: {name}: started " in line
        assert ", exit 0, " in line and " responses, " in line and " articles -> " in line
        assert crawled(tmp_path / "out" / name)
        assert "Crawled " in (tmp_path / "out" / name / "schedule.log").read_text()
    again = newsarchive("schedule", str(config), "--once")  # within the hour: nothing due
    assert again.returncode == 0 and ": started " not in again.stdout, again.stdout


def test_lock_held_skips_the_run(tmp_path: Path, servers) -> None:
    config = sites_file(tmp_path, {"tintay": servers[1]})
    out = tmp_path / "out" / "tintay"
    out.mkdir(parents=True)
    with open(out / "crawl.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another scheduler's crawl
        proc = newsarchive("schedule", str(config), "--once")
        manual = newsarchive("crawl", "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    assert f"tintay: skipped: another crawl holds {out / 'crawl.lock'}" in proc.stdout
    assert manual.returncode == 2 and "site tintay: skipped" in manual.stderr
    assert not (out / "schedule.json").exists() and not (out / "warc").exists()


def test_sigterm_stops_the_scheduler_and_its_crawl_cleanly(tmp_path: Path) -> None:
    slow = '{"match": "*", "mode": "delay", "seconds": 0.5}'
    with fixture_server(TINTAY, "--fault", slow) as base:
        config = sites_file(tmp_path, {"tintay": base}, extra="max_pages = 0\n")
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "schedule", str(config)],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        log = tmp_path / "out" / "tintay" / "schedule.log"
        deadline = time.monotonic() + 30
        while not (log.exists() and "---" in log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2.0)  # the crawl is under way
        os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err + out
    assert "tintay: started " in out and ", exit 130" in out, out
    assert out.rstrip().endswith("scheduler stopped"), out
    assert "run the same command to resume" in log.read_text()


def test_a_profile_defined_in_the_sites_file_is_the_one_the_crawl_uses(tmp_path: Path,
                                                                       servers) -> None:
    """A [[profile]] of the file (here: no tag or author pages) reaches the crawl, in
    process (crawl --config) and in a subprocess (--one-at-a-time, and the scheduler)."""
    kontum, _ = servers
    profile = ('[[profile]]\nname = "khong-the"\ndeny = ["/tag/", "/author/"]\n'
               'description = "kontumtv without tag and author pages"\n')
    config = sites_file(tmp_path, {"kontum": kontum}, 'profile = "khong-the"\nmax_pages = 0\n')
    config.write_text(profile + config.read_text(encoding="utf-8"), encoding="utf-8")
    for extra in ([], ["--one-at-a-time"]):
        out = tmp_path / "out" / "kontum"
        proc = newsarchive("crawl", "--config", str(config), "--progress", "0", *extra)
        assert proc.returncode == 0, proc.stderr[-2000:]
        index = (out / "index.cdxj").read_text(encoding="utf-8")
        assert "/tag/" not in index and "/author/" not in index
        assert "/category/" in index and crawled(out)  # the whole site, but those pages
        import shutil

        shutil.rmtree(out)
