"""pywb replays what our writer archived: byte-equal bodies via id_ URLs, from WARCs and
from our WACZ; a headless Chromium screenshot of one replayed page when chromium exists."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest

from archive.index import timestamp14
from archive.reader import iter_captures
from archive.wacz import write_wacz
from archive.writer import WarcWriter
from tests.pywbutil import pywb_missing_reason, pywb_replay, replay_url
from tests.warc_live import PATHS, fetch_all

pytestmark = [pytest.mark.pywb, pytest.mark.integration]
_reason = pywb_missing_reason()
if _reason:
    pytestmark.append(pytest.mark.skip(reason=_reason))

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=20) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


def _undo(encoding: str | None, data: bytes) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    return data


@pytest.fixture(scope="module")
def warcs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pywb")
    exchanges = fetch_all()
    with WarcWriter(directory) as writer:
        for ex in exchanges:
            writer.write_exchange(ex, {"fetchTimeMs": 1})
    return writer.closed_files


def _check_replay(base: str, files: list[Path]) -> int:
    checked = 0
    for cap in iter_captures(files):
        status, headers, body = _get(replay_url(base, timestamp14(cap.fetched_at.strftime(
            "%Y-%m-%dT%H:%M:%SZ")), cap.url))
        assert status == cap.status, cap.url
        if cap.status == 301:
            assert headers.get("location", "").endswith("/"), headers
            continue
        # id_ gives the original bytes; pywb may pass the stored Content-Encoding through
        replayed = _undo(headers.get("content-encoding"), body)
        assert replayed == cap.decoded_body(), f"replayed body differs for {cap.url}"
        if not headers.get("content-encoding"):
            assert cap.body == body or cap.header("Content-Encoding"), cap.url
        checked += 1
    return checked


def test_pywb_replays_every_capture_byte_equal(warcs):
    with pywb_replay(warcs) as base:
        assert _check_replay(base, warcs) == len(PATHS) - 1  # all but the redirect


def test_pywb_replays_from_our_wacz(warcs, tmp_path):
    wacz = write_wacz(warcs, tmp_path / "crawl.wacz")
    with pywb_replay([wacz]) as base:
        assert _check_replay(base, warcs) == len(PATHS) - 1


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install chromium)")
def test_headless_chromium_screenshot_of_replayed_page(warcs, tmp_path):
    cap = next(c for c in iter_captures(warcs) if c.url.endswith("/gz/"))
    shot = tmp_path / "page.png"
    with pywb_replay(warcs) as base:
        url = replay_url(base, timestamp14(cap.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")),
                         cap.url, modifier="")
        run = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
             "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
             "--window-size=800,600", f"--screenshot={shot}", url],
            capture_output=True, text=True, timeout=90)
    assert shot.exists(), run.stderr[-800:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 2000
