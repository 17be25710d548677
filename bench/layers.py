"""Where a whole payment's server time goes, layer by layer, in a real gunicorn worker.

    .venv/bin/python -m bench.layers [payments=100]

Serves the demo with the bench's gunicorn settings and access log, its worker built by ``instrumented()``: timers
around the WSGI app, the views, SQLAlchemy's session and connection calls, template rendering and the calls to the
in-process sandbox (which contain the sandbox's own Flask request and SQL). Each request's times go to a log, are
matched with its access-log line and averaged per step. The timers cost a little themselves: totals come out a few
per cent above an uninstrumented run.
"""

import collections
import contextvars
import functools
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter

import flask.templating
from flask import Flask
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from demo import create_app
from demo.payments.providers import wsgi_adapter
from demo.payments.providers.kakaopay import KakaoPay

from . import payment, run, servers
from .access_log import AccessLog

LAYERS = {  # label → the calls timed under it (a call inside another of the same label counts once)
    "views": [(Flask, "dispatch_request")],
    "SQLAlchemy": [(Session, name) for name in ("execute", "scalar", "commit", "flush", "refresh")]
    + [(Connection, "execute")],
    "templates": [(flask.templating, "_render")],
    "sandbox calls": [(KakaoPay, "post")],
}
COLUMNS = ("server", "gunicorn", "Flask around the view", "views", "SQLAlchemy", "templates", "sandbox calls")
times: contextvars.ContextVar[collections.Counter | None] = contextvars.ContextVar("times", default=None)


def timed(owner, name: str, label: str, without: str | None = None) -> None:
    """Time ``owner.name`` under ``label``, less the time counted under ``without`` meanwhile (calls it makes)."""
    call = getattr(owner, name)

    @functools.wraps(call)
    def wrapper(*args, **kwargs):
        counter = times.get()
        if counter is None or counter["depth " + label]:
            return call(*args, **kwargs)
        counter["depth " + label] += 1
        started, inner = perf_counter(), counter[without] if without else 0.0
        try:
            return call(*args, **kwargs)
        finally:
            counter["depth " + label] -= 1
            counter[label] += perf_counter() - started - ((counter[without] - inner) if without else 0.0)

    setattr(owner, name, wrapper)


class InContext:
    """The in-process transport's executor, running each call in the submitting request's context (its timers)."""

    def __init__(self, executor):
        self.executor = executor

    def submit(self, function, *args, **kwargs):
        return self.executor.submit(contextvars.copy_context().run, function, *args, **kwargs)


def instrumented() -> Flask:
    """The demo app with timers (gunicorn target ``bench.layers:instrumented()``; LAYERS_LOG names the log)."""
    for label, calls in LAYERS.items():
        for owner, name in calls:
            timed(owner, name, label)
    wsgi_adapter.calls = InContext(wsgi_adapter.calls)
    app = create_app()
    inner, log = app.wsgi_app, open(os.environ["LAYERS_LOG"], "a", buffering=1)  # noqa: SIM115 (the worker's life)

    def timed_app(environ, start_response):
        counter = collections.Counter()
        token = times.set(counter)
        started = perf_counter()
        try:
            return inner(environ, start_response)
        finally:
            counter["app"] = perf_counter() - started
            times.reset(token)
            log.write(json.dumps({key: value * 1000 for key, value in counter.items() if "depth" not in key}) + "\n")

    app.wsgi_app = timed_app
    return app


def measure(payments: int) -> dict[str, dict[str, float]]:
    """Per step, the mean ms of each column over ``payments`` payments (after warm-ups)."""
    with tempfile.TemporaryDirectory(prefix="strada-layers-") as folder:
        work = Path(folder)
        access, layers = AccessLog(work / "access.log"), work / "layers.log"
        env = {**run.app_env(work, "layers"), "LAYERS_LOG": str(layers)}
        with servers.serve("bench.layers:instrumented()", env, access_log=access) as (_, url):
            for _ in range(5):
                payment.pay_logged(url, access)
            skip = len(layers.read_text().splitlines())
            sent, logged = [], []
            for _ in range(payments):
                sent.append(payment.pay_once(url))
                logged.append(access.read(len(sent[-1])))
        rows = iter(json.loads(line) for line in layers.read_text().splitlines()[skip:])
    columns = collections.defaultdict(lambda: collections.defaultdict(list))
    for requests, lines in zip(sent, logged, strict=True):
        server = payment.server_times(requests, lines)
        for request in requests:
            row = next(rows)
            if request.step:
                row = {**row, "server": server[request.step]}
                row["gunicorn"], row["Flask around the view"] = row["server"] - row["app"], row["app"] - row["views"]
                for column in COLUMNS:
                    columns[request.step][column].append(row.get(column, 0.0))
    return {step: {column: statistics.mean(values) for column, values in by.items()} for step, by in columns.items()}


def table(steps: dict[str, dict[str, float]]) -> str:
    whole = {column: sum(step[column] for step in steps.values()) for column in COLUMNS}
    lines = ["| step | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, row in [*steps.items(), ("whole payment", whole)]:
        lines.append(f"| {name} | " + " | ".join(f"{row[column]:.2f}" for column in COLUMNS) + " |")
    return "\n".join(lines)


def main(payments: int = 100) -> None:
    print(f"Mean ms per step over {payments} payments (views include the sandbox calls; those include the sandbox's")
    print("own Flask request and SQL, which the SQLAlchemy column also counts):\n")
    print(table(measure(payments)))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:]))
