"""pywb replays what our writer archived: byte-equal bodies via id_ URLs, from WARCs and
from our WACZ (both index forms); a hand-built revisit record serves the original payload;
headless Chromium shows a replayed kontumtv article (title and first paragraph in the DOM,
and a screenshot).

Chromium: ``.ci/run`` (the README's test command) installs Debian's ``chromium`` when
``/usr/bin/chromium`` is missing and sets ``NEWSARCHIVE_REQUIRE_BROWSER=1``, which turns
the browser test's skip into a failure: in CI it always runs.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import unicodedata
import urllib.error
import urllib.request
import zlib
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest

from archive.cdxj import timestamp14
from archive.check import check_files
from archive.reader import iter_captures
from archive.records import HttpExchange, build_revisit
from archive.wacz import write_wacz
from archive.writer import WarcWriter
from tests.pywbutil import CHROMIUM, CHROMIUM_FLAGS, pywb_missing_reason, pywb_replay, replay_url
from tests.warc_live import PATHS, fetch_all

_reason = pywb_missing_reason()


def needs_pywb(test):
    """Marks of a test that starts pywb (skipped, with the reason, without .venv-pywb)."""
    for mark in (pytest.mark.pywb, pytest.mark.integration,
                 pytest.mark.skipif(_reason is not None, reason=_reason or "")):
        test = mark(test)
    return test


REQUIRE_BROWSER = os.environ.get("NEWSARCHIVE_REQUIRE_BROWSER") == "1"
T0 = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
T1 = datetime(2024, 5, 2, 7, 30, tzinfo=UTC)


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


@needs_pywb
def test_pywb_replays_every_capture_byte_equal(warcs):
    with pywb_replay(warcs) as base:
        assert _check_replay(base, warcs) == len(PATHS) - 1  # all but the redirect


@needs_pywb
@pytest.mark.parametrize("compress_over", [1 << 20, 0], ids=["index.cdx", "index.cdx.gz"])
def test_pywb_replays_from_our_wacz(warcs, tmp_path, compress_over):
    wacz = write_wacz(warcs, tmp_path / "crawl.wacz", compress_index_over=compress_over)
    with pywb_replay([wacz]) as base:
        assert _check_replay(base, warcs) == len(PATHS) - 1


# --- revisit records ---------------------------------------------------------------------

GOLDEN_REVISIT = (
    b"WARC/1.0\r\n"
    b"WARC-Type: revisit\r\n"
    b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
    b"WARC-Date: 2024-05-02T07:30:00Z\r\n"
    b"WARC-Target-URI: http://kontumtv.vn/a/\r\n"
    b"WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest\r\n"
    b"WARC-Refers-To-Target-URI: http://kontumtv.vn/a/\r\n"
    b"WARC-Refers-To-Date: 2024-05-01T07:30:00Z\r\n"
    b"WARC-Refers-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    b"WARC-IP-Address: 10.0.0.1\r\n"
    b"WARC-Block-Digest: sha1:V4HJJO6HQY5WTUJPAGS4SPBTCJZ2LTTW\r\n"
    b"WARC-Payload-Digest: sha1:4QYS2GAS2BFQP4MLSZRPYA73HXO4YLOD\r\n"
    b"Content-Type: application/http; msgtype=response\r\n"
    b"Content-Length: 79\r\n"
    b"\r\n"
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/html; charset=UTF-8\r\n"
    b"Content-Length: 11\r\n"
    b"\r\n"
    b"\r\n\r\n"
)


def test_build_revisit_golden():
    """Identical-payload-digest profile: HTTP head only, the payload's digest, the
    original named by URI + date (and record id)."""
    ex = HttpExchange("http://kontumtv.vn/a/", ip_address="10.0.0.1", body=b"<p>Tin</p>\n",
                      response_headers=[("Content-Type", "text/html; charset=UTF-8"),
                                        ("Content-Length", "11")])
    record = build_revisit(ex, record_id="<urn:uuid:00000000-0000-0000-0000-000000000002>",
                           date=T1, refers_to_uri="http://kontumtv.vn/a/", refers_to_date=T0,
                           refers_to="<urn:uuid:00000000-0000-0000-0000-000000000001>")
    assert record.to_bytes() == GOLDEN_REVISIT


def _revisit_warc(directory: Path) -> tuple[list[Path], bytes]:
    """A response at T0, then a revisit of the same URL at T1 (same payload)."""
    url, body = "http://kontumtv.vn/thoi-su/lai/", "<p>Tin lặp lại</p>".encode()
    headers = [("Content-Type", "text/html; charset=UTF-8")]
    with WarcWriter(directory, host="h", pid=1) as writer:
        first = writer.write_exchange(HttpExchange(url, body=body, fetched_at=T0,
                                                   response_headers=headers))
        again = HttpExchange(url, body=body, fetched_at=T1,
                             response_headers=[*headers, ("X-Seen", "twice")])
        writer.write_record(build_revisit(
            again, record_id=writer.new_record_id(), date=T1, refers_to_uri=url,
            refers_to_date=T0, refers_to=first.record_id, warcinfo_id=writer.warcinfo_id))
    return writer.closed_files, body


@needs_pywb
def test_pywb_replays_a_revisit_with_the_original_payload(tmp_path):
    files, body = _revisit_warc(tmp_path / "warc")
    report = check_files(files)
    assert report.exit_code == 0, [str(p) for p in report.problems]
    with pywb_replay(files) as base:
        status, headers, replayed = _get(replay_url(base, timestamp14("2024-05-02T07:30:00Z"),
                                                    "http://kontumtv.vn/thoi-su/lai/"))
        assert status == 200 and replayed == body
        assert headers.get("x-seen") == "twice"  # the revisit's own headers
        # the memento served is the revisit (T1), not the original (T0)
        assert "20240502073000" in headers.get("memento-datetime", "") or \
            headers.get("memento-datetime", "").startswith("Thu, 02 May 2024")


# --- what a browser shows ----------------------------------------------------------------


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if REQUIRE_BROWSER:
            pytest.fail("chromium is missing but NEWSARCHIVE_REQUIRE_BROWSER=1 (.ci/run "
                        "installs it: apt-get install -y chromium)")
        pytest.skip("chromium not installed (apt-get install chromium; .ci/run does)")
    return CHROMIUM


def _browser(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                           "--window-size=1024,900", "--virtual-time-budget=5000", *extra,
                           url], capture_output=True, text=True, timeout=120)


def _visible_text(dom: str) -> tuple[str, str]:
    """(document title, body text), whitespace collapsed, NFC."""
    tree = lxml.html.fromstring(dom)
    norm = lambda s: unicodedata.normalize("NFC", " ".join(s.split()))  # noqa: E731
    title = tree.findtext(".//title") or ""
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    body = tree.find(".//body")
    return norm(title), norm(body.text_content() if body is not None else "")


@needs_pywb
@pytest.mark.slow
def test_headless_chromium_shows_a_replayed_article(kontum_archive, tmp_path, chromium):
    _, out = kontum_archive
    with open(out / "articles.jsonl", encoding="utf-8") as fh:
        article = json.loads(fh.readline())
    prov = article["provenance"][0]
    first_paragraph = " ".join(article["text"].split("\n")[0].split())
    shot = tmp_path / "page.png"
    with pywb_replay(sorted((out / "warc").glob("*.warc.gz")), framed=False) as base:
        # the rewritten page as the top document (pywb's banner inserted, no top frame)
        url = replay_url(base, timestamp14(prov["fetched_at"]), prov["url"], modifier="")
        dom = _browser(url, tmp_path / "p1", "--dump-dom")
        run = _browser(url, tmp_path / "p2", f"--screenshot={shot}")
    assert dom.returncode == 0, dom.stderr[-800:]
    title, text = _visible_text(dom.stdout)
    assert article["title"] in title, (article["title"], title)
    assert article["title"] in text
    assert first_paragraph in text, (first_paragraph, text[:1500])
    assert "Trả lời" not in first_paragraph
    assert shot.exists(), run.stderr[-800:]
    data = shot.read_bytes()
    # a page of text, not a blank or error page: a white 1024x900 PNG is ~4 KB
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000, len(data)
