"""``newsarchive replay DIR``: browse an archive's pages in a browser, with pywb.

pywb runs in its own virtualenv (it pins an old ``redis`` client that must not enter this
environment) and is only ever started as a subprocess, never imported. The virtualenv is
``--pywb-venv``, else ``$NEWSARCHIVE_PYWB_VENV``, else the checkout's ``.venv-pywb`` (when
running from a checkout), else ``~/.cache/newsarchive/venv-pywb``; it is created with
``python -m venv`` + ``pip install pywb`` when missing (unless ``--no-install``).

The command makes a pywb collection in a temporary folder (``wb-manager init``; the WARCs
are linked into it, not copied, and indexed by ``archive.index`` as a replay index, the
one a WACZ holds, where the 304 revisits of re-crawls are left out: pywb would serve them
as empty 304s; WACZ files are unpacked with ``wb-manager add --unpack-wacz``), starts
``wayback`` on 127.0.0.1 (``--port``, default 0: a free port), prints the replay URL of
the first archived article (``DIR/articles.jsonl``, else the first HTML page captured)
on the first stdout line, and serves until SIGINT (exit 130) or SIGTERM (exit 0): wayback
is stopped and the temporary folder removed, without a traceback.

:class:`PywbServer` is the one way this project drives pywb: the command and the tests
(``tests/pywbutil.py``) both use it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archive.cdxj import timestamp14
from archive.index import find_warc_files, write_cdxj
from archive.reader import iter_captures
from crawler.commands.demo import stop_process
from crawler.errors import NewsarchiveError

REPO = Path(__file__).resolve().parents[2]
PYWB_VENV_ENV = "NEWSARCHIVE_PYWB_VENV"
PYWB_REQUIREMENT = "pywb"
COLLECTION = "news"
HTML_TYPES = ("text/html", "application/xhtml+xml")

EXAMPLE = """\
example:
  newsarchive replay out/demo            # prints http://127.0.0.1:PORT/news/TS/URL
  newsarchive replay out/demo --port 8080 --pywb-venv ~/venvs/pywb

Zero-install alternative: `newsarchive wacz DIR` and open DIR/*.wacz in
https://replayweb.page (the file stays on your machine).
"""


# --- the pywb virtualenv ---------------------------------------------------------------


def default_pywb_venv() -> Path:
    """``$NEWSARCHIVE_PYWB_VENV``, else the checkout's ``.venv-pywb``, else a cache folder."""
    if os.environ.get(PYWB_VENV_ENV):
        return Path(os.environ[PYWB_VENV_ENV])
    if (REPO / "pyproject.toml").is_file() and (REPO / "crawler").is_dir():
        return REPO / ".venv-pywb"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "newsarchive" / "venv-pywb"


def pywb_tools(venv: Path) -> tuple[Path, Path]:
    """``(wb-manager, wayback)`` of a pywb virtualenv."""
    return venv / "bin" / "wb-manager", venv / "bin" / "wayback"


def pywb_missing_reason(venv: Path) -> str | None:
    """Why pywb cannot run from ``venv``, or None when it can."""
    for tool in pywb_tools(venv):
        if not tool.exists():
            return f"{tool} missing (pywb is installed in its own virtualenv, {venv})"
    return None


def ensure_pywb(venv: Path, *, install: bool = True, log: Any = None) -> Path:
    """``venv`` with pywb in it; created (venv + pip install pywb) when missing."""
    reason = pywb_missing_reason(venv)
    if reason is None:
        return venv
    if not install:
        raise NewsarchiveError(f"{reason}; run without --no-install to create it, or give "
                               f"--pywb-venv / {PYWB_VENV_ENV}")
    print(f"Installing pywb into its own virtualenv {venv} (once; pip install "
          f"{PYWB_REQUIREMENT})...", file=log or sys.stderr, flush=True)
    for cmd in ([sys.executable, "-m", "venv", str(venv)],
                [str(venv / "bin" / "pip"), "install", "-q", PYWB_REQUIREMENT]):
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            raise NewsarchiveError(f"cannot create the pywb virtualenv {venv}: {last}")
    reason = pywb_missing_reason(venv)
    if reason:
        raise NewsarchiveError(reason)
    return venv


# --- the collection and the server -----------------------------------------------------


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def replay_url(base: str, timestamp: str, url: str, modifier: str = "") -> str:
    """pywb URL of a capture: ``id_`` = the original bytes, ``mp_`` = rewritten, no frame,
    ``""`` = the framed page with pywb's banner."""
    return f"{base}{timestamp}{modifier}/{url}"


class PywbServer:
    """A pywb collection of ``paths`` (WARC or WACZ files) served by ``wayback``.

    ``with PywbServer(venv, paths) as server: server.base`` is
    ``http://HOST:PORT/news/``. The collection lives in a temporary folder, removed with
    :meth:`stop`; wayback runs in its own session so a terminal's Ctrl-C reaches us first.
    ``framed=False`` turns pywb's framed replay off (``framed_replay: false``): the page
    is the top document, with the banner inserted, as a headless browser's DOM dump needs.
    """

    def __init__(self, venv: Path, paths: Sequence[str | os.PathLike[str]], *,
                 host: str = "127.0.0.1", port: int = 0, timeout: float = 60.0,
                 framed: bool = True) -> None:
        self.wb_manager, self.wayback = pywb_tools(venv)
        self.paths = [Path(p).resolve() for p in paths]
        self.host, self.port, self.timeout = host, port or free_port(host), timeout
        self.root = Path(tempfile.mkdtemp(prefix="newsarchive-pywb-"))
        self.proc: subprocess.Popen[bytes] | None = None
        self.framed = framed
        self.base = f"http://{host}:{self.port}/{COLLECTION}/"
        self._env = {**os.environ, "PYTHONWARNINGS": "ignore"}

    def __enter__(self) -> PywbServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _manager(self, *args: str) -> None:
        run = subprocess.run([str(self.wb_manager), *args], cwd=self.root, env=self._env,
                             capture_output=True, text=True, timeout=self.timeout)
        if run.returncode != 0:
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            raise NewsarchiveError(f"wb-manager {args[0]} failed: {last}")

    def build_collection(self) -> None:
        """``wb-manager init``; WARCs linked into the collection and indexed (our replay
        index); WACZ files unpacked (``add --unpack-wacz``)."""
        self._manager("init", COLLECTION)
        if not self.framed:
            (self.root / "config.yaml").write_text("framed_replay: false\n", encoding="utf-8")
        archive = self.root / "collections" / COLLECTION / "archive"
        warcs = [p for p in self.paths if p.suffix != ".wacz"]
        for i, path in enumerate(warcs):
            name = f"{i}-{path.name}" if (archive / path.name).exists() else path.name
            (archive / name).symlink_to(path)
        if warcs:  # our replay index (archive.index): the same as a WACZ's, 304s left out
            write_cdxj(sorted(archive.iterdir()), self.root / "collections" / COLLECTION /
                       "indexes" / "index.cdxj", dir_root=archive, replay=True)
        waczs = [str(p) for p in self.paths if p.suffix == ".wacz"]
        if waczs:
            self._manager("add", "--unpack-wacz", COLLECTION, *waczs)

    def start(self) -> str:
        """Build the collection, start wayback, wait until it answers; the base URL."""
        self.build_collection()
        with open(self.root / "wayback.log", "wb") as log:
            self.proc = subprocess.Popen(
                [str(self.wayback), "-b", self.host, "-p", str(self.port), "-t", "4"],
                cwd=self.root, env=self._env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://{self.host}:{self.port}/", timeout=2):
                    return self.base
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise NewsarchiveError(f"pywb's wayback did not start on port "
                                           f"{self.port}: {self.log_tail()}") from None
                time.sleep(0.2)

    def log_tail(self, lines: int = 1) -> str:
        try:
            text = (self.root / "wayback.log").read_text(errors="replace").strip()
        except OSError:
            return "no log"
        return " | ".join(text.splitlines()[-lines:]) or "no output"

    def stop(self) -> None:
        if self.proc is not None:
            stop_process(self.proc)
        shutil.rmtree(self.root, ignore_errors=True)


# --- what to show first ----------------------------------------------------------------


def _first_article(folders: list[Path]) -> tuple[str, str] | None:
    """``(WARC-Date, URL)`` of the first record of the first ``articles.jsonl``."""
    for folder in folders:
        try:
            with open(folder / "articles.jsonl", encoding="utf-8") as fh:
                for line in fh:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    prov = (record.get("provenance") or [{}])[0]
                    url = prov.get("url") or record.get("url")
                    if url and prov.get("fetched_at"):
                        return prov["fetched_at"], url
        except OSError:
            continue
    return None


def first_page(paths: list[str | os.PathLike[str]]) -> tuple[str, str] | None:
    """``(WARC-Date, URL)`` to show first: the first article of a crawl folder's
    ``articles.jsonl``, else the first HTML 200 capture of the WARCs."""
    found = _first_article([Path(p) for p in paths if Path(p).is_dir()])
    if found:
        return found
    for capture in iter_captures(find_warc_files(paths)):
        mime = capture.content_type.split(";", 1)[0].strip().lower()
        if capture.status == 200 and mime in HTML_TYPES:
            return capture.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"), capture.url
    return None


# --- the command -----------------------------------------------------------------------


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "replay", help="browse an archive in a browser (pywb, in its own virtualenv)",
        description="Index the WARCs of crawl folders (or WARC / WACZ files) into a "
                    "temporary pywb collection, serve it on 127.0.0.1 and print the replay "
                    "URL of the first archived article. Ctrl-C stops it.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="DIR_OR_WARC",
                   help="crawl folder(s) (their warc/ and articles.jsonl), WARC or WACZ files")
    p.add_argument("--port", type=int, default=0, metavar="N",
                   help="port on 127.0.0.1 (default 0: a free port)")
    p.add_argument("--pywb-venv", metavar="DIR",
                   help=f"pywb's virtualenv (default ${PYWB_VENV_ENV}, else the checkout's "
                        ".venv-pywb, else ~/.cache/newsarchive/venv-pywb)")
    p.add_argument("--no-install", action="store_true",
                   help="fail instead of creating the pywb virtualenv when it is missing")
    p.set_defaults(func=run)


class _Terminated(Exception):
    """SIGTERM received."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def _inputs(paths: list[str]) -> tuple[list[Path], list[Path]]:
    """(WARC files, WACZ files) of the arguments; one-line errors for bad ones."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise NewsarchiveError(f"{missing[0]} does not exist")
    waczs = [Path(p) for p in paths if p.endswith(".wacz") and Path(p).is_file()]
    others = [p for p in paths if Path(p) not in waczs]
    return (find_warc_files(others) if others else []), waczs


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise NewsarchiveError(f"--port must be 0 to 65535, got {args.port}")
    warcs, waczs = _inputs(args.paths)
    shown = first_page([p for p in args.paths if not p.endswith(".wacz")]) if warcs else None
    venv = ensure_pywb(Path(args.pywb_venv) if args.pywb_venv else default_pywb_venv(),
                       install=not args.no_install)
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    # Ctrl-C stops the server even when started where SIGINT was ignored (a `cmd &` job)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with PywbServer(venv, [*warcs, *waczs], port=args.port) as server:
            first = (replay_url(server.base, timestamp14(shown[0]), shown[1]) if shown
                     else server.base)
            print(first, flush=True)
            print(f"pywb: {len(warcs) + len(waczs)} file(s) in collection {server.base} "
                  f"(all URLs: {server.base}*/*); Ctrl-C stops", file=sys.stderr, flush=True)
            assert server.proc is not None
            server.proc.wait()
            raise NewsarchiveError(f"pywb's wayback stopped: {server.log_tail()}")
    except KeyboardInterrupt:
        print("newsarchive replay: stopped", file=sys.stderr)
        return 130
    except _Terminated:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
