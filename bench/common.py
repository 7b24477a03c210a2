"""What the benchmarks share: the site servers (fixture server, nginx) and /proc readings
of a process tree (resident memory, CPU seconds)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def start_server(site: Path) -> tuple[subprocess.Popen[str], str]:
    """The project's fixture server on a free port: (process, base URL)."""
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "fixtures", "serve", str(site),
                             "--port", "0"], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    base = proc.stdout.readline().strip() if proc.stdout else ""
    if not base.startswith("http://"):
        proc.kill()
        raise SystemExit(f"fixture server did not start: {base!r}")
    return proc, base


def tree_pids(root: int) -> set[int]:
    """*root* and every descendant (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        for child, parent in parents.items():
            if parent == pid and child not in tree:
                tree.add(child)
                frontier.append(child)
    return tree


def tree_rss_kb(root: int) -> int:
    """Resident memory of *root* and every descendant, in KiB."""
    total = 0
    for pid in tree_pids(root):
        with contextlib.suppress(OSError, ValueError, IndexError, StopIteration):
            with open(f"/proc/{pid}/status", encoding="ascii") as fh:  # no VmRSS: a zombie
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return total


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of *root* and its live descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in tree_pids(root):
        with contextlib.suppress(OSError, ValueError, IndexError):
            with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run_sampled(cmd: list[str], cwd: Path = REPO, every: float = 0.2
                ) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run *cmd*: (wall seconds, peak RSS of its whole process tree in MB, the result),
    the tree's memory read from /proc every *every* seconds."""
    import threading

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            time.sleep(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    sampler.join()
    return wall, peak[0] / 1024, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


NGINX_CONF = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    types {{ application/rss+xml xml; }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    gzip on;
    gzip_types text/css application/javascript application/rss+xml application/xml;
    gzip_vary on;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html index.xml;
        error_page 404 /404.html;
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def nginx_site(fixture: Path, origin: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Serve a generated fixture site with nginx (Debian's package): the site is copied
    with its placeholder *origin* written as the served base URL (the fixture server
    does that on the fly). Yields (base URL, the nginx master process)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx not found: apt-get install -y nginx")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as tmp:
        root = Path(tmp) / "root"
        for path in (fixture / "site").rglob("*"):
            target = root / path.relative_to(fixture / "site")
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            data = path.read_bytes()
            if path.suffix in (".html", ".xml", ".css", ".txt", ".js"):
                data = data.replace(origin.rstrip("/").encode(), base.rstrip("/").encode())
            target.write_bytes(data)
        os.chmod(tmp, 0o755)
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root), encoding="utf-8")
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", tmp],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                with contextlib.suppress(OSError), socket.create_connection(
                        ("127.0.0.1", port), timeout=0.2):
                    break
                if proc.poll() is not None:
                    raise SystemExit(f"nginx did not start (see {tmp}/error.log)")
                time.sleep(0.05)
            yield base, proc
        finally:
            proc.terminate()
            proc.wait(timeout=10)
