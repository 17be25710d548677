"""The apps under test: gunicorn with one set of settings for all, their worker RSS, and a baseline checkout."""

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from .access_log import AccessLog

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ["--workers", "2", "--threads", "4", "--reuse-port", "--log-level", "warning"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(target: str, env: dict, cwd: Path = ROOT, access_log: AccessLog | None = None):
    """gunicorn `target` on a free loopback port; yields (process, url) and stops it (by PID) afterwards.

    With `access_log`, gunicorn logs every request's own time there (it costs throughput: the throughput scenarios
    run without); the start-up probe's line is read off, so the log's next lines are the caller's requests."""
    port = free_port()
    logging = access_log.options() if access_log else []
    command = [sys.executable, "-m", "gunicorn", *GUNICORN, *logging, "--bind", f"127.0.0.1:{port}", target]
    process = subprocess.Popen(command, cwd=cwd, env={**env, "PYTHONPATH": str(cwd)})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        if access_log and {(line.method, line.path) for line in access_log.read(1)} != {("GET", "/")}:
            raise RuntimeError(f"{access_log.path}: expected the start-up probe's GET / first")
        yield process, url
    finally:
        process.terminate()
        process.wait(15)


def create_database(env: dict, cwd: Path) -> None:
    """Start the app once in a single process, so its database exists before gunicorn's workers start: the baseline
    commit creates and seeds a fresh database at start-up without a lock, and two workers doing it at once can
    collide (one fails to boot on the catalog's unique slug, and gunicorn shuts down)."""
    subprocess.run([sys.executable, "-c", "import wsgi"], cwd=cwd, env={**env, "PYTHONPATH": str(cwd)}, check=True)


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            requests.get(url, timeout=5, allow_redirects=False)  # one request: one access-log line
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def worker_peak_rss_mb(master: subprocess.Popen) -> float:
    """The largest peak RSS (VmHWM) among the master's worker processes."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            text = status.read_text()
            if re.search(rf"^PPid:\s+{master.pid}$", text, re.M) and (
                match := re.search(r"^VmHWM:\s+(\d+)", text, re.M)
            ):
                peaks.append(int(match.group(1)) / 1024)
    return max(peaks, default=0.0)


def workers_cpu(master: subprocess.Popen) -> float:
    """CPU seconds (user + system) used so far by the master's worker processes: divided by the requests served,
    the cost of a request whatever else runs on the machine (throughput on a shared machine is not)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)": state, ppid, ...
            if int(fields[1]) == master.pid:
                total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


@contextlib.contextmanager
def checkout(ref: str):
    """`ref` checked out into a temporary git worktree (detached), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="strada-baseline-") as parent:
        folder = Path(parent) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(folder), ref], cwd=ROOT, check=True)
        try:
            yield folder
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)
