"""pywb replay of WARC / WACZ files, for tests: ``pywb_replay(paths) -> base URL``.

A thin wrapper over :class:`crawler.commands.replay.PywbServer`, the one way this project
drives pywb (``newsarchive replay`` uses it too): a temporary collection (WARCs linked and
indexed by pywb's own indexer, WACZ files unpacked), ``wayback`` on a free 127.0.0.1 port,
``http://127.0.0.1:PORT/news/``; a capture is then at ``BASE + TIMESTAMP + "id_/" + URL``
(``id_`` = the original bytes, no rewriting; ``mp_`` = the rewritten page, no frame).

pywb lives in its own virtualenv: ``$NEWSARCHIVE_PYWB_VENV``, else the checkout's
``.venv-pywb`` (built by the README's test command; tests never create it).

    with pywb_replay(warc_paths) as base:
        body = urllib.request.urlopen(replay_url(base, "20240501073000", url)).read()
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

from crawler.commands import replay

PYWB_VENV = replay.default_pywb_venv()
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: Launch flags that work in a container (no sandbox, no GPU, nothing fetched by Chromium
#: itself); add ``--user-data-dir=<fresh folder>``.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                  "--hide-scrollbars")


def pywb_missing_reason() -> str | None:
    """Why pywb cannot run here, or None when it can."""
    return replay.pywb_missing_reason(PYWB_VENV)


def replay_url(base: str, timestamp: str, url: str, modifier: str = "id_") -> str:
    return replay.replay_url(base, timestamp, url, modifier)


@contextlib.contextmanager
def pywb_replay(paths: Sequence[str | os.PathLike[str]], *, timeout: float = 60.0,
                framed: bool = True) -> Iterator[str]:
    """Serve ``paths`` (WARC files, or WACZ files which are unpacked) with pywb;
    ``framed=False``: no top frame (what a browser's DOM dump needs)."""
    reason = pywb_missing_reason()
    if reason:
        raise RuntimeError(reason)
    with replay.PywbServer(PYWB_VENV, [Path(p) for p in paths], timeout=timeout,
                             framed=framed) as server:
        yield server.base
