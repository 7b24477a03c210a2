"""pywb replay of WARC / WACZ files, for tests: ``pywb_replay(paths) -> base URL``.

pywb lives in its own virtualenv (``.venv-pywb``, it pins an old redis). The helper makes
a temporary collection with ``wb-manager init`` + ``add``, starts ``wayback`` on a free
127.0.0.1 port and yields ``http://127.0.0.1:PORT/COLL/``; a capture is then at
``BASE + TIMESTAMP + "id_/" + URL`` (``id_`` = the original bytes, no rewriting).

    with pywb_replay(warc_paths) as base:
        body = urllib.request.urlopen(replay_url(base, "20240501073000", url)).read()
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

from crawler.commands.demo import stop_process

REPO = Path(__file__).resolve().parents[1]
PYWB_VENV = Path(os.environ.get("NEWSARCHIVE_PYWB_VENV", REPO / ".venv-pywb"))
WB_MANAGER = PYWB_VENV / "bin" / "wb-manager"
WAYBACK = PYWB_VENV / "bin" / "wayback"
COLLECTION = "news"


def pywb_missing_reason() -> str | None:
    """Why pywb cannot run here, or None when it can."""
    for tool in (WB_MANAGER, WAYBACK):
        if not tool.exists():
            return f"{tool} missing (pywb is installed in its own virtualenv .venv-pywb)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def replay_url(base: str, timestamp: str, url: str, modifier: str = "id_") -> str:
    return f"{base}{timestamp}{modifier}/{url}"


@contextlib.contextmanager
def pywb_replay(paths: Sequence[str | os.PathLike[str]], *, timeout: float = 30.0,
                ) -> Iterator[str]:
    """Serve ``paths`` (WARC files, or WACZ files which are unpacked) with pywb."""
    reason = pywb_missing_reason()
    if reason:
        raise RuntimeError(reason)
    root = Path(tempfile.mkdtemp(prefix="pywb-"))
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = None
    log = None
    try:
        subprocess.run([str(WB_MANAGER), "init", COLLECTION], cwd=root, env=env, check=True,
                       capture_output=True, timeout=timeout)
        warcs = [str(Path(p).resolve()) for p in paths if not str(p).endswith(".wacz")]
        waczs = [str(Path(p).resolve()) for p in paths if str(p).endswith(".wacz")]
        if warcs:
            subprocess.run([str(WB_MANAGER), "add", COLLECTION, *warcs], cwd=root, env=env,
                           check=True, capture_output=True, timeout=timeout)
        if waczs:
            subprocess.run([str(WB_MANAGER), "add", "--unpack-wacz", COLLECTION, *waczs],
                           cwd=root, env=env, check=True, capture_output=True, timeout=timeout)
        port = _free_port()
        log = open(root / "wayback.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen([str(WAYBACK), "-b", "127.0.0.1", "-p", str(port), "-t", "2"],
                                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/{COLLECTION}/"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError("wayback did not start: "
                                       + (root / "wayback.log").read_text(errors="replace")[-500:]
                                       ) from exc
                time.sleep(0.2)
        yield base
    finally:
        if proc is not None:
            stop_process(proc)
        if log is not None:
            log.close()
        shutil.rmtree(root, ignore_errors=True)
