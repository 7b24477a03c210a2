"""``newsarchive replay``: bad input is one line + exit 2; a real run prints the replay URL
of the first article, pywb serves it, and SIGINT / SIGTERM stop it cleanly (wayback gone,
no traceback, exit 130 / 0)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.records import HttpExchange
from archive.writer import WarcWriter
from crawler.commands.replay import first_page
from tests.conftest import REPO
from tests.pywbutil import PYWB_VENV, pywb_missing_reason

T0 = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)


def _replay(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", "replay", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def _small_crawl(folder: Path) -> None:
    with WarcWriter(folder / "warc", host="h", pid=1) as writer:
        writer.write_exchange(HttpExchange("http://kontumtv.vn/robots.txt", body=b"",
                                           response_headers=[("Content-Type", "text/plain")],
                                           fetched_at=T0))
        writer.write_exchange(HttpExchange("http://kontumtv.vn/", fetched_at=T0,
                                           body=b"<title>Trang chu</title>",
                                           response_headers=[("Content-Type", "text/html")]))


@pytest.mark.parametrize("args, message", [
    (["/nonexistent/crawl"], "does not exist"),
    (["{empty}"], "no WARC"),
    (["{crawl}", "--port", "70000"], "--port must be 0 to 65535"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    (tmp_path / "empty").mkdir()
    _small_crawl(tmp_path / "crawl")
    args = [a.format(empty=tmp_path / "empty", crawl=tmp_path / "crawl") for a in args]
    run = _replay(*args)
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and message in run.stderr, run.stderr
    assert run.stderr.startswith("newsarchive replay: error: ")


def test_missing_pywb_with_no_install_is_one_line(tmp_path):
    _small_crawl(tmp_path / "crawl")
    run = _replay(str(tmp_path / "crawl"), "--no-install",
                  env={"NEWSARCHIVE_PYWB_VENV": str(tmp_path / "no-venv")})
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert "wb-manager missing" in run.stderr and "--no-install" in run.stderr
    assert not (tmp_path / "no-venv").exists()


def test_first_page_is_the_first_article_else_the_first_html_capture(tmp_path):
    crawl = tmp_path / "crawl"
    _small_crawl(crawl)
    assert first_page([crawl]) == ("2024-05-01T07:30:00Z", "http://kontumtv.vn/")
    record = {"url": "http://kontumtv.vn/a/", "provenance": [
        {"url": "http://kontumtv.vn/a/", "fetched_at": "2024-05-02T01:02:03Z"}]}
    (crawl / "articles.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert first_page([crawl]) == ("2024-05-02T01:02:03Z", "http://kontumtv.vn/a/")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _start(crawl: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "replay", str(crawl),
                             "--no-install"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NEWSARCHIVE_PYWB_VENV": str(PYWB_VENV)})
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(90)
    if not line or not line[0].startswith("http://"):
        proc.kill()
        pytest.fail(f"no replay URL printed: {proc.communicate()[1][-1500:]}")
    return proc, line[0].strip()


@pytest.mark.pywb
@pytest.mark.integration
@pytest.mark.skipif(pywb_missing_reason() is not None, reason=pywb_missing_reason() or "")
@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 0)],
                         ids=["SIGINT", "SIGTERM"])
def test_replay_serves_the_first_article_and_stops_cleanly(kontum_archive, sig, status):
    _, crawl = kontum_archive
    with open(crawl / "articles.jsonl", encoding="utf-8") as fh:
        article = json.loads(fh.readline())
    proc, url = _start(crawl)
    try:
        assert url.endswith("/" + article["provenance"][0]["url"])
        port = int(url.split(":")[2].split("/")[0])
        # the framed page; its content is the mp_ URL, rewritten by pywb
        content = url.replace("/" + article["provenance"][0]["url"],
                              "mp_/" + article["provenance"][0]["url"])
        with urllib.request.urlopen(content, timeout=30) as resp:
            assert resp.status == 200
            assert article["title"] in resp.read().decode("utf-8")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == status, err
    assert "Traceback" not in err, err
    assert not _port_open(port), "wayback still listening after the command stopped"
