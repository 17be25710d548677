"""Drive one scenario with wrk (compiled, event-driven) and read its JSON summary and its own CPU use."""

import json
import os
import resource
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk.lua")
FAILURES = ("connect_errors", "read_errors", "write_errors", "timeouts", "status_errors")  # status: HTTP ≥ 400
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}  # what browsers (and hey) ask for: the pages' real cost includes it


@dataclass
class Load:
    """One wrk run: throughput, latency percentiles (ms), failures and wrk's own CPU share of the machine."""

    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    failures: int
    cpu_share: float  # wrk's CPU seconds / (wall seconds × cores)
    command: str
    server_cpu_ms: float = 0.0  # the server's workers' CPU time per request (see servers.workers_cpu)


def version() -> str:
    """The Debian package version when installed from Debian, else wrk's own banner."""
    if shutil.which("dpkg-query"):
        query = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "wrk"], capture_output=True, text=True)
        if query.returncode == 0 and query.stdout:
            return f"wrk {query.stdout} (Debian)"
    banner = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return banner.split(" [")[0]


def command(url: str, seconds: float, connections: int, headers: dict[str, str]) -> list[str]:
    args = [
        "wrk",
        "-t",
        "1",
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(SCRIPT),
    ]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    return [*args, url]


def run(url: str, seconds: float, connections: int, headers: dict | None = None, form: str | None = None) -> Load:
    """wrk for `seconds` at `connections`; a `form` body turns the requests into urlencoded POSTs."""
    args = command(url, seconds, connections, {**BROWSER, **(headers or {})})
    env = {**os.environ, **({"BENCH_METHOD": "POST", "BENCH_BODY": form} if form is not None else {})}
    before, started = children_cpu(), time.monotonic()
    finished = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    wall, cpu = time.monotonic() - started, children_cpu() - before  # only wrk ends (is reaped) in between
    if finished.returncode:
        raise RuntimeError(f"wrk failed ({finished.returncode}): {finished.stderr.strip()}")
    output = finished.stdout
    summary = json.loads(output.strip().splitlines()[-1])
    failures = sum(
        summary[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "status_errors")
    )
    return Load(
        rps=summary["requests"] / summary["seconds"],
        p50=summary["p50_us"] / 1000,
        p95=summary["p95_us"] / 1000,
        p99=summary["p99_us"] / 1000,
        requests=summary["requests"],
        failures=failures,
        cpu_share=cpu / (wall * os.cpu_count()),
        command=shlex.join(args),
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
