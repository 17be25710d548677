"""The README's gunicorn recipe, followed literally (no PUBLIC_BASE_URL), serves a site where a payment completes."""

import contextlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from .conftest import ADMIN_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
README_COMMAND = re.compile(r"^\.venv/bin/gunicorn (--bind \S+ .*wsgi:app)$", re.MULTILINE)
LISTENING = re.compile(r"Listening at: http://[\d.]+:(\d+)")


def readme_arguments() -> list[str]:
    """The gunicorn arguments of the README's recipe, with the port made 0 (the OS picks a free one)."""
    arguments = README_COMMAND.search((ROOT / "README.md").read_text()).group(1).split()
    bind = arguments.index("--bind") + 1
    arguments[bind] = arguments[bind].rsplit(":", 1)[0] + ":0"
    return arguments


@pytest.fixture
def gunicorn(make_test_app):
    """gunicorn started as the README says, on the test database; stopped by its PID."""
    app = make_test_app()  # creates the schema; dropped again after the test
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "gunicorn-test-secret",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    env.pop("PUBLIC_BASE_URL", None)
    with running_gunicorn(readme_arguments(), env) as base:
        yield base


@contextlib.contextmanager
def running_gunicorn(arguments: list[str], env: dict):
    """gunicorn with ``arguments`` (binding port 0) from the project root; yields its base URL once a worker answers,
    and stops it by its PID afterwards."""
    command = [sys.executable, "-m", "gunicorn", *arguments]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline, log = time.monotonic() + 30, []
        while (match := LISTENING.search("".join(log))) is None:
            assert time.monotonic() < deadline and server.poll() is None, "".join(log)
            log.append(server.stderr.readline())
        base = f"http://127.0.0.1:{match.group(1)}"
        wait_until_serving(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def wait_until_serving(base: str) -> None:
    """Workers boot after the arbiter listens (seconds on a busy machine): wait for the first answer."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/", timeout=30).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer")


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_readme_recipe_completes_a_payment(gunicorn):
    browser = requests.Session()
    product = browser.get(f"{gunicorn}/products/choco-pie")
    data = {"product": "choco-pie", "quantity": 2, "flow": "mobile", "csrf_token": csrf_token(product.text)}
    checkout = browser.post(f"{gunicorn}/checkout", data=data, allow_redirects=False)
    assert checkout.status_code == 303, checkout.text
    sheet_url = checkout.headers["Location"]
    assert sheet_url.startswith(f"{gunicorn}/sandbox/kakaopay/") and sheet_url.endswith("/mInfo")  # host:port kept
    sheet = browser.get(sheet_url)
    assert sheet.status_code == 200
    form = {"action": "pay", "method": "MONEY", "via": "mobile", "csrf_token": csrf_token(sheet.text)}
    paid = browser.post(sheet_url.replace("/mInfo", "/sheet"), data=form, allow_redirects=False)
    approval = paid.headers["Location"]
    assert approval.startswith(f"{gunicorn}/payments/") and "pg_token=" in approval
    receipt = browser.get(approval)
    assert receipt.status_code == 200 and receipt.url.startswith(f"{gunicorn}/payments/")
    assert "결제가 완료되었습니다" in receipt.text and "4,400원" in receipt.text
    assert (
        receipt.headers["X-Frame-Options"] == "DENY"
        and "frame-ancestors 'none'" in receipt.headers["Content-Security-Policy"]
    )


def test_untrusted_host_is_refused(gunicorn):
    response = requests.get(f"{gunicorn}/", headers={"Host": "attacker.example"})
    assert response.status_code == 400 and "허용되지 않은 주소" in response.text
