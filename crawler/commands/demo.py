"""``newsarchive demo [--out out/demo]``: the main job on the bundled fixture, offline.

Starts the fixture server on the kontumtv fixture (``newsarchive fixtures serve
fixtures/kontumtv --port 0`` as a subprocess; its first stdout line is the base URL),
crawls it into ``--out`` (WARC files, CDXJ index, articles.jsonl) exactly as
``newsarchive crawl`` does, prints the crawl summary and a few of the articles written,
and stops the server. No network beyond 127.0.0.1, no services.

The output folder is the demo's own: it is marked with ``.newsarchive-demo`` and emptied
at the next run; a non-empty folder without that mark is refused (exit 2), so a demo never
overwrites a real archive.

Reads no settings (the crawl's are those of ``newsarchive crawl``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from crawler.commands import examples
from crawler.commands.crawl import add_crawl_options, run_crawl
from crawler.errors import NewsarchiveError

MARKER = ".newsarchive-demo"
REPO = Path(__file__).resolve().parents[2]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "demo", help="fixture server + crawl + archive + articles on the bundled fixture",
        description="Serve the bundled kontumtv fixture on 127.0.0.1, crawl it into "
                    "--out (WARC, index.cdxj, articles.jsonl) and summarise. Offline.")
    p.add_argument("--out", "-o", default="out/demo", metavar="DIR",
                   help="output folder (default out/demo; emptied if it holds a demo)")
    p.add_argument("--fixture", metavar="DIR",
                   help="fixture site folder (default fixtures/kontumtv of the checkout)")
    add_crawl_options(p)
    examples(p, "newsarchive demo                 # -> out/demo",
             "newsarchive demo -o /tmp/demo && newsarchive replay /tmp/demo")
    p.set_defaults(func=run, progress=0.0)


def find_fixture(given: str | None) -> Path:
    """The fixture site folder: ``--fixture``, else ``fixtures/kontumtv`` beside the
    package (a checkout, or an installed wheel: it ships that site as package data of
    ``fixtures``), else in the current folder."""
    candidates = [Path(given)] if given else [REPO / "fixtures" / "kontumtv",
                                              Path.cwd() / "fixtures" / "kontumtv"]
    for path in candidates:
        if (path / "site").is_dir():
            return path
    raise NewsarchiveError(
        f"fixture site not found (looked in {', '.join(str(c) for c in candidates)}); "
        f"give --fixture CHECKOUT/fixtures/kontumtv of a newsarchive checkout")


def prepare_demo_out(out: Path) -> None:
    """Empty a previous demo's folder; refuse a non-empty folder that is not one."""
    if out.exists():
        if not out.is_dir():
            raise NewsarchiveError(f"{out} exists and is not a folder")
        if any(out.iterdir()):
            if not (out / MARKER).exists():
                raise NewsarchiveError(
                    f"{out} is not empty and was not made by the demo; choose another --out")
            try:
                shutil.rmtree(out)
            except OSError as exc:
                raise NewsarchiveError(f"cannot empty {out}: {exc.strerror or exc}") from None
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text("made by `newsarchive demo`; emptied at its next run\n",
                                  encoding="utf-8")
    except OSError as exc:
        raise NewsarchiveError(f"cannot write to {out}: {exc.strerror or exc}") from None


class FixtureServerProcess:
    """``newsarchive fixtures serve DIR --port 0`` as a subprocess; ``base`` is its URL."""

    def __init__(self, site: Path, *extra: str, timeout: float = 30.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", "fixtures", "serve", str(site), "--port", "0",
             *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        first = line[0].strip() if line else ""
        if not first.startswith("http://"):
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            self.stop()
            why = (err.strip().splitlines() or [first or "no URL printed"])[-1]
            raise NewsarchiveError(f"the fixture server did not start: {why}")
        self.base = first

    def __enter__(self) -> FixtureServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        stop_process(self.proc)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if the process has not ended within ``timeout`` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def sample_articles(path: Path, n: int = 3) -> list[str]:
    """'date  title (N words)' of the first *n* articles written."""
    lines: list[str] = []
    try:
        with open(path, encoding="utf-8") as fh:
            for raw in fh:
                if len(lines) >= n:
                    break
                try:
                    rec = json.loads(raw)
                except ValueError:
                    continue
                date = (rec.get("date_published") or "")[:10] or "----------"
                lines.append(f"    {date}  {rec.get('title', '')}  "
                             f"({rec.get('word_count', 0)} words)")
    except OSError:
        return []
    return lines


def run(args: argparse.Namespace) -> int:
    fixture = find_fixture(args.fixture)
    out = Path(args.out)
    prepare_demo_out(out)
    server = FixtureServerProcess(fixture)
    try:
        print(f"Fixture server: {server.base} (serving {fixture})", flush=True)
        # Our own server on 127.0.0.1: no politeness delay needed.
        delay = 0.0 if args.delay is None else args.delay
        crawl_args = argparse.Namespace(**{**vars(args), "url": server.base, "out": str(out),
                                           "replay_from": [], "delay": delay})
        status = run_crawl(crawl_args)
    finally:
        server.stop()
    samples = sample_articles(out / "articles.jsonl")
    if samples:
        print("  first articles:")
        print("\n".join(samples))
    print(f"Done. Inspect: newsarchive check {out / 'warc'}/*.warc.gz ; "
          f"head -1 {out / 'articles.jsonl'}")
    return status
