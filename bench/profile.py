"""Where the time goes: pyinstrument profiles of the product page and of whole payments, in process.

    .venv/bin/python -m bench.profile [requests=300] [payments=20]

Runs the demo app in this process on a fresh SQLite database (no gunicorn, no sockets). A payment's nested calls to
the in-process sandbox normally run on a helper thread; here they run on the calling thread, so the profile shows
them too, and the transport passes cookies through (the demo's own use needs neither). Prints both profiles.
"""

import os
import sys
import tempfile
from concurrent.futures import Future
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path

import requests
from pyinstrument import Profiler

from . import payment, wrk

BASE = "http://localhost"


class SameThread:
    """An executor that runs each call at once on the calling thread (for the profiler's sake)."""

    def submit(self, function, *args, **kwargs) -> Future:
        future = Future()
        future.set_result(function(*args, **kwargs))
        return future


def app_session():
    os.environ.update(
        DATABASE_URL=f"sqlite:///{Path(tempfile.mkdtemp(prefix='strada-profile-')) / 'profile.sqlite'}",
        SECRET_KEY="bench",
        PUBLIC_BASE_URL="",
    )
    from demo import create_app
    from demo.payments.providers import wsgi_adapter

    wsgi_adapter.calls = SameThread()
    wsgi_adapter.Client = partial(wsgi_adapter.Client, use_cookies=False)  # pass the browser's Cookie header through
    session = requests.Session()
    session.mount(BASE, wsgi_adapter.WSGIAdapter(create_app()))
    session.headers.update(wrk.BROWSER)
    session.hooks["response"].append(lambda response, **_: keep_cookies(session, response))
    return session


def keep_cookies(session: requests.Session, response: requests.Response) -> None:
    """The in-process transport has no raw HTTP response for requests to take cookies from: take them here."""
    for name, morsel in SimpleCookie(response.headers.get("Set-Cookie", "")).items():
        session.cookies.set(name, morsel.value)


def profile(title: str, work) -> None:
    work()  # warm-up: first requests compile templates and fill caches
    profiler = Profiler(interval=0.0005)
    with profiler:
        work()
    print(f"\n===== {title} =====")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main(requests_count: int = 300, payments: int = 20) -> None:
    session = app_session()
    profile(
        f"product page × {requests_count}",
        lambda: [session.get(BASE + "/products/choco-pie") for _ in range(requests_count)],
    )
    profile(f"whole payment × {payments}", lambda: [payment.pay_once(BASE, session) for _ in range(payments)])


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
