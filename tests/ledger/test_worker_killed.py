"""A gunicorn worker killed in the middle of an approve: its claim lapses, recovery approves once."""

import os
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from ..payments.conftest import Shop
from .conftest import books
from .test_migrations import gunicorn, listening, stop


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


@pytest.mark.timeout(120)
def test_a_worker_killed_mid_approve(tmp_path, make_test_app):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'killed.sqlite'}"
    app = make_test_app(DATABASE_URL=url)
    shop = Shop(app)
    order_id = shop.start()
    callback = shop.path(shop.pay(order_id, fault="slow"))  # the first approve takes SANDBOX_SLOW_SECONDS
    process, lines = gunicorn(url, workers=2, SANDBOX_SLOW_SECONDS="30", IN_FLIGHT_SECONDS="1"), []
    try:
        address = listening(process, 2, lines)
        assert address, "".join(lines)
        caller = threading.Thread(target=lambda: swallow(requests.get, address + callback, timeout=60), daemon=True)
        caller.start()
        deadline = time.monotonic() + 20
        while shop.payment(order_id).status != "approving" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert shop.payment(order_id).status == "approving"
        for worker in children(process.pid):  # the approve is in flight in one of them: kill both, hard
            os.kill(worker, signal.SIGKILL)
        caller.join(30)
        time.sleep(1.2)  # the dead worker's claim lapses (IN_FLIGHT_SECONDS=1)
        deadline = time.monotonic() + 30
        while shop.payment(order_id).status == "approving" and time.monotonic() < deadline:
            swallow(requests.get, f"{address}/payments/{order_id}", timeout=20)  # the receipt's polls
            time.sleep(0.3)
    finally:
        log = "".join(lines) + stop(process)
    assert shop.payment(order_id).status == "approved", log
    assert books(app) == []


def swallow(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except requests.RequestException:
        return None
