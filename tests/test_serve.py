"""`python -m demo.serve` (./run.sh) with a busy port: it says so before printing URLs or a QR code."""

import os
import socket
import subprocess
import sys
from pathlib import Path

from demo.serve import next_free_port, port_is_free

ROOT = Path(__file__).resolve().parent.parent


def listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("0.0.0.0", 0))
    server.listen()
    return server


def test_busy_port_stops_before_any_url_and_suggests_another():
    with listener() as busy:
        port = busy.getsockname()[1]
        assert not port_is_free(port)
        env = {**os.environ, "PORT": str(port), "PUBLIC_BASE_URL": ""}
        run = subprocess.run(
            [sys.executable, "-m", "demo.serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
        )
    assert run.returncode == 1
    assert f"포트 {port}" in run.stderr and "PORT=" in run.stderr and "./run.sh" in run.stderr
    assert "http://" not in run.stdout + run.stderr and "█" not in run.stdout  # no URLs, no QR code


def test_next_free_port_skips_busy_ones():
    with listener() as busy:
        port = busy.getsockname()[1]
        suggestion = next_free_port(port - 1)
        assert suggestion is not None and suggestion != port and port_is_free(suggestion)
