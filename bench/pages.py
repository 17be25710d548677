"""What a page pays for that the bare floor does not, layer by layer, in process.

    .venv/bin/python -m bench.pages [requests=2000]

Each page is asked ``requests`` times of the demo's WSGI app in this process (one thread, no sockets, no gunicorn),
as the throughput scenarios ask it (compression; no cookie: the product page's first visit makes a session and
its CSRF token; an app's bearer token), after a
warm-up. Timers around each layer's calls (bench.layers.timed) give its mean µs per request; "Flask and the rest"
is the app's time less the layers (routing, contexts, request parsing, signals, the view's own code). The bare page
is timed the same way. Timers cost ~1 µs each: the totals are a little above an untimed run.
"""

import collections
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path
from time import perf_counter

import flask.templating
import flask_compress
import flask_openapi3.scaffold
import flask_sqlalchemy.extension
import flask_wtf.csrf
from flask.sessions import SecureCookieSessionInterface
from werkzeug.test import Client, EnvironBuilder

import demo.api.views

from . import wrk
from .layers import timed, times

LAYERS = {
    "session cookie": [(SecureCookieSessionInterface, "open_session"), (SecureCookieSessionInterface, "save_session")],
    "templates": [(flask.templating, "_render")],
    "of which url_for": [(flask.Flask, "url_for")],
    "of which CSRF token": [(flask_wtf.csrf, "generate_csrf")],
    "SQL and its connection": [
        (flask_sqlalchemy.extension.SQLAlchemy, "_teardown_session"),
        (flask_sqlalchemy.session.Session, "execute"),
        (flask_sqlalchemy.session.Session, "scalar"),
        (flask_sqlalchemy.session.Session, "scalars"),
    ],
    "security headers": [],  # filled in by instrument(): the demo's Talisman class
    "compression": [(flask_compress.Compress, "after_request")],
    "API request validation": [(flask_openapi3.scaffold, "_validate_request")],
    "API answer (JSON, ETag)": [(demo.api.views, "payment_json"), (demo.api.views, "etag")],
}
SQL = "SQL and its connection"
EXCLUSIVE = {"API answer (JSON, ETag)"}  # less the SQL inside (payment_json's lazy loads): counted under SQL
OUTER = (
    "session cookie",
    "templates",
    "SQL and its connection",
    "security headers",
    "compression",
    "API request validation",
    "API answer (JSON, ETag)",
)


def instrument():
    """The demo app and the bare app, with every layer's calls timed (before the apps register them)."""
    from demo import SameHeadersTalisman, create_app

    LAYERS["security headers"] = [(SameHeadersTalisman, "_set_response_headers")]
    for label, calls in LAYERS.items():
        for owner, name in calls:
            timed(owner, name, label, SQL if label in EXCLUSIVE else None)
    from . import bare

    return create_app(), bare.app


def request_of(app, path: str, headers: dict) -> dict:
    """A WSGI environ for `path`, built once and copied per request."""
    return EnvironBuilder(path=path, headers={**wrk.BROWSER, **headers}, base_url="http://127.0.0.1/").get_environ()


def timed_requests(app, environ: dict, count: int) -> dict[str, float]:
    """Mean µs per request: the whole app and each layer."""
    rows = []
    for _ in range(count):
        counter = collections.Counter()
        token = times.set(counter)
        started = perf_counter()
        body = app.wsgi_app(dict(environ), lambda status, headers, exc_info=None: None)
        b"".join(body)
        getattr(body, "close", lambda: None)()
        counter["app"] = perf_counter() - started
        times.reset(token)
        rows.append(counter)
    means = {key: statistics.mean(row[key] for row in rows) * 1e6 for key in ("app", *LAYERS)}
    means["Flask and the rest"] = means["app"] - sum(means[label] for label in OUTER)
    return means


def visits(app) -> dict[str, tuple[str, dict]]:
    """The pages as their callers ask them: path and headers."""
    client = Client(app)
    token = client.post("/api/v1/app-sessions", json={"device_name": "bench"}).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    body = {"product": "choco-pie", "quantity": 1}
    created = client.post("/api/v1/payments", json=body, headers={**auth, "Idempotency-Key": str(uuid.uuid4())})
    path = f"/api/v1/payments/{created.json['order_id']}"
    tag = client.get(path, headers=auth).headers["ETag"]
    return {
        "catalog": ("/", {}),
        "product page": ("/products/choco-pie", {}),  # a first visit, as wrk asks it: a new session each time
        "API get payment": (path, auth),
        "API get payment, 304": (path, {**auth, "If-None-Match": tag}),
    }


def measure(count: int = 2000) -> dict[str, dict[str, float]]:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{Path(tempfile.mkdtemp(prefix='strada-pages-')) / 'pages.sqlite'}",
        SECRET_KEY="bench",
        PUBLIC_BASE_URL="",
    )
    site, bare = instrument()
    pages = {"bare page": (bare, "/", {})} | {name: (site, *visit) for name, visit in visits(site).items()}
    results = {}
    for name, (app, path, headers) in pages.items():
        environ = request_of(app, path, headers)
        timed_requests(app, environ, count // 10)  # warm-up: templates compiled, caches filled
        results[name] = timed_requests(app, environ, count)
    return results


COLUMNS = ("app", *OUTER[:2], "of which url_for", "of which CSRF token", *OUTER[2:], "Flask and the rest")


def table(results: dict[str, dict[str, float]]) -> str:
    lines = ["| page | " + " | ".join("in app" if c == "app" else c for c in COLUMNS) + " |"]
    lines.append("|---" * (len(COLUMNS) + 1) + "|")
    for name, row in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{row[column]:.0f}" for column in COLUMNS) + " |")
    return "\n".join(lines)


def main(count: int = 2000) -> None:
    print(f"Mean µs per request over {count} requests, in process:\n")
    print(table(measure(count)))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
