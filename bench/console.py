"""Signing in to the merchant console, for the console's pages (history).

BENCH_LOGIN_PATH is the sign-in form's path (default /console/login). The bench starts the demo with
ADMIN_PASSWORD=BENCH_ADMIN_PASSWORD, fills the form's BENCH_LOGIN_FIELD (default "password") with it, submits, and
hands the session cookie to wrk. BENCH_LOGIN_PATH= (empty) skips the sign-in, for a site without a console.
"""

import os
from urllib.parse import urljoin

import requests

from .payment import Forms

LOGIN_PATH = os.environ.get("BENCH_LOGIN_PATH", "/console/login")
LOGIN_FIELD = os.environ.get("BENCH_LOGIN_FIELD", "password")
PASSWORD = os.environ.get("BENCH_ADMIN_PASSWORD", "bench-console-password")
SERVER_ENV = {"ADMIN_PASSWORD": PASSWORD}


def cookie_header(session: requests.Session) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in session.cookies.items())}


def sign_in(base: str) -> dict[str, str]:
    """Headers of a signed-in console session (empty without BENCH_LOGIN_PATH)."""
    if not LOGIN_PATH:
        return {}
    session = requests.Session()
    page = session.get(urljoin(base, LOGIN_PATH))
    action, fields = Forms(page.text).find("")
    data = {**fields, LOGIN_FIELD: PASSWORD}
    session.post(urljoin(page.url, action), data=data, allow_redirects=False).raise_for_status()
    return cookie_header(session)
