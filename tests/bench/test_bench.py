"""The benchmark harness: a smoke run (seconds, tiny counts, no budgets) so ./bench.sh can't rot, and its budgets."""

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from flask import Flask, abort, redirect, request, session
from werkzeug.serving import make_server

from bench import console, layers, payment, run, wrk
from bench.access_log import AccessLog, Line, parse

ROOT = Path(__file__).resolve().parent.parent.parent
SCENARIOS = (
    "bare page",
    "catalog",
    "product page",
    "checkout",
    "history (10,000 payments)",
    "status poll",
    run.API_GET,
    run.API_304,
)


@pytest.mark.timeout(300)  # ~30 s; starts three gunicorns, slow when the machine is busy
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (test.sh installs it)")
def test_smoke_run_reports_every_scenario(tmp_path):
    output = tmp_path / "benchmark.md"
    env = {
        **os.environ,
        "BENCH_SECONDS": "1",
        "BENCH_WARMUP": "0",
        "BENCH_PAYMENTS": "2",
        "BENCH_HISTORY": "20",
        "BENCH_PAGE_REQUESTS": "50",
        "BENCH_BASELINE": "HEAD",  # exercises the baseline worktree
        "BENCH_BUDGETS": "0",
        "BENCH_OUTPUT": str(output),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "bench.run"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    report = output.read_text()
    for name in (*SCENARIOS, *payment.STEPS, "whole payment"):
        assert f"| {name} |" in report
    # the payments' server times were read from both gunicorns' access logs: each whole payment's server time is
    # most of its client time (not µs read as ms, nor a status code read as a time)
    cells = next(line for line in report.splitlines() if line.startswith("| whole payment |")).split("|")[2:6]
    server, baseline_server, client, baseline_client = map(float, cells)
    assert 0.2 * client < server < 1.2 * client and 0.2 * baseline_client < baseline_server < 1.2 * baseline_client
    assert "| no failed requests | 0 | PASS |" in report
    layers = report.split("## What a page pays for", 1)[1]  # bench.pages' table: every page, every layer
    for name in ("bare page", "catalog", "product page", run.API_GET, run.API_304):
        assert f"| {name} | " in layers
    assert "| compression |" in layers and "| API request validation |" in layers
    assert "wrk -t 1 -c 20" in report and f"{os.cpu_count()} cores" in report
    bare_row = next(line for line in report.splitlines() if line.startswith("| bare page |"))
    assert float(bare_row.split("|")[-3]) > 0  # the workers' CPU per request was read from /proc


@pytest.mark.timeout(120)
def test_layers_split_each_steps_server_time_into_its_parts():
    steps = layers.measure(payments=2)
    assert list(steps) == list(payment.STEPS)
    for name, row in steps.items():
        assert set(row) == set(layers.COLUMNS)
        assert row["server"] > row["views"] > row["SQLAlchemy"] > 0, name  # every step reads or writes the database
        assert row["gunicorn"] > 0 and row["Flask around the view"] > 0, name
    assert steps["1 checkout"]["sandbox calls"] > 0 and steps["4 approval callback"]["sandbox calls"] > 0
    assert steps["2 sandbox sheet"]["templates"] > 0 and steps["3 sandbox pay"]["sandbox calls"] == 0
    assert "| whole payment |" in layers.table(steps)


def load(rps: float, p95: float = 10.0) -> wrk.Load:
    return wrk.Load(rps=rps, p50=p95 / 2, p95=p95, p99=p95, requests=100, failures=0, cpu_share=0.01, command="wrk")


def report(bares: list[wrk.Load] | None = None, **overrides) -> run.Report:
    """Runs as bench() measures them: the bare page, then each scenario followed by the bare page again."""
    scenarios = [name for name in SCENARIOS if name != run.BARE]
    bares = bares or [load(1000) for _ in range(len(scenarios) + 1)]
    runs = [(run.BARE, bares[0])]
    for name, bare in zip(scenarios, bares[1:], strict=True):
        runs += [(name, overrides.get(name, load(1000))), (run.BARE, bare)]
    names = (*payment.STEPS, "whole payment", "whole payment p95")
    steps = {"server": dict.fromkeys(names, 4.0), "client": dict.fromkeys(names, 30.0)}
    baseline = {"server": dict.fromkeys(names, 40.0), "client": dict.fromkeys(names, 45.0)}
    return run.Report(runs, steps, baseline, 20_000, {"site": 70, "bare": 30}, 0.0)


def failed(report: run.Report) -> list[str]:
    return [name for name, _, passed in report.checks if not passed]


def test_budgets_pass_when_every_ratio_holds():
    assert failed(report()) == []


@pytest.mark.parametrize(
    ("scenario", "slow", "budget"),
    [
        ("product page", load(499), "product page ≥ 0.5× bare throughput"),
        ("catalog", load(1000, p95=26), "catalog p95 ≤ 2.5× bare p95"),
        ("status poll", load(240), "status poll ≥ 0.25× bare throughput"),
        ("history (10,000 payments)", load(90), "history (10,000 payments) ≥ 0.1× bare throughput"),
        (run.API_304, load(99), f"{run.API_304} ≥ 0.1× bare throughput"),
    ],
)
def test_each_ratio_budget_fails_below_its_bound(scenario, slow, budget):
    assert failed(report(**{scenario: slow})) == [budget]


def test_each_scenario_is_compared_with_the_bare_runs_around_it():
    """The machine sped up or slowed down during the run: a scenario meets only its neighbours (the product page
    between bare runs at 1000 and 3000 req/s, the status poll between 800 and 1200)."""
    bares = [load(1000), load(1000), load(3000), load(3000), load(800), load(1200), load(1200), load(1200)]
    assert failed(report(bares, **{"status poll": load(249), "catalog": load(600)})) == [
        "status poll ≥ 0.25× bare throughput"
    ]
    assert failed(report(bares, **{"status poll": load(251), "product page": load(999)})) == [
        "product page ≥ 0.5× bare throughput"
    ]


def test_whole_payment_server_time_must_halve_the_baselines_and_failures_fail():
    slow = report()
    slow.steps["server"]["whole payment"] = 20.5
    checks = run.Report(slow.runs, slow.steps, slow.baseline, 20_000, slow.rss, 0.0).checks
    assert [(name, measured) for name, measured, passed in checks if not passed] == [
        ("whole payment server time ≤ ½ baseline (33e3310)", "server 20.5 ms vs 40.0 ms (client 30.0 ms vs 45.0 ms)")
    ]
    assert failed(report()) == []  # the client time (30 ms, more than ½ of 45 ms) is shown, not checked
    broken = load(1000)
    broken.failures = 3
    assert failed(report(**{"checkout": broken})) == ["no failed requests"]


def sent(step: str | None, method: str, path: str, status: int = 200) -> payment.Sent:
    return payment.Sent(step, method, path, status, ms=9.0)


PAYMENT = [
    sent(None, "GET", "/products/choco-pie"),
    sent(payment.STEPS[0], "POST", "/checkout", 303),
    sent(payment.STEPS[1], "GET", "/sandbox/kakaopay/mockup/v1/T1/mInfo"),
    sent(payment.STEPS[2], "POST", "/sandbox/kakaopay/mockup/v1/T1/sheet", 303),
    sent(payment.STEPS[3], "GET", "/payments/p1/approve", 303),
    sent(payment.STEPS[4], "GET", "/payments/p1"),
]
LOG = """2273 200 GET /products/choco-pie
8056 303 POST /checkout
3403 200 GET /sandbox/kakaopay/mockup/v1/T1/mInfo
2266 303 POST /sandbox/kakaopay/mockup/v1/T1/sheet
7810 303 GET /payments/p1/approve
1995 200 GET /payments/p1
"""


def test_server_times_are_each_steps_logged_microseconds(tmp_path):
    log = AccessLog(tmp_path / "access.log")
    log.path.write_text(LOG + "2300 200 GET /products/cho")  # a line being written is left for the next read
    assert payment.server_times(PAYMENT, log.read(len(PAYMENT))) == {
        "1 checkout": 8.056,
        "2 sandbox sheet": 3.403,
        "3 sandbox pay": 2.266,
        "4 approval callback": 7.81,
        "5 receipt": 1.995,
    }
    with log.path.open("a") as file:
        file.write("co-pie\n1000 303 POST /checkout\n")
    assert log.read(2) == [Line("GET", "/products/choco-pie", 200, 2.3), Line("POST", "/checkout", 303, 1.0)]


def test_a_payments_lines_may_be_logged_out_of_order_by_two_workers():
    lines = [parse(line) for line in LOG.splitlines()]
    lines[4], lines[5] = lines[5], lines[4]
    assert payment.server_times(PAYMENT, lines)["4 approval callback"] == 7.81


@pytest.mark.parametrize(
    "log",
    [
        LOG.replace("1995 200 GET /payments/p1\n", ""),  # missing
        LOG.replace("GET /payments/p1\n", "GET /payments/p2\n"),  # another payment's receipt
        LOG.replace("GET /payments/p1/approve", "POST /payments/p1/approve"),  # another method
        LOG.replace("303 POST /checkout", "400 POST /checkout"),  # not the response the client got
        LOG + "500 200 GET /\n",  # a request the client did not make
        LOG.replace("2273 200 GET /products/choco-pie\n", ""),  # the product page is not a step, but was sent
    ],
)
def test_a_log_that_is_not_the_payments_requests_fails_loudly(tmp_path, log):
    access_log = AccessLog(tmp_path / "access.log")
    access_log.path.write_text(log)
    with pytest.raises(RuntimeError, match="the access log does not match the payment's requests"):
        payment.server_times(PAYMENT, access_log.read(len(PAYMENT), wait=0.05))


def test_a_line_in_another_format_fails_loudly():
    with pytest.raises(RuntimeError, match="not an access-log line"):
        parse('127.0.0.1 - - [22/Nov/2026:21:00:00 +0000] "GET / HTTP/1.1" 200 12')


def test_forms_are_read_from_the_page():
    html = """<form action="/x"><input name="a" value="1"></form>
    <form method="post" action="/checkout"><input type="hidden" name="csrf_token" value="t">
    <input name="quantity" value="2"><input type="radio" name="m" value="MONEY" checked><input type="radio" name="m"
    value="CARD"></form>"""
    assert payment.Forms(html).find("/checkout") == ("/checkout", {"csrf_token": "t", "quantity": "2", "m": "MONEY"})


def test_redirects_are_followed_on_the_server_under_test():
    base = "http://127.0.0.1:5001"
    assert payment.on(base, "http://localhost/sandbox/x/mInfo?a=1") == base + "/sandbox/x/mInfo?a=1"
    assert payment.on(base, "/payments/abc") == base + "/payments/abc"


def test_console_sign_in_hook_hands_wrk_a_signed_in_cookie(monkeypatch):
    """A stand-in console: a sign-in form with a hidden token, and a page only a signed-in session may see."""
    app = Flask(__name__)
    app.secret_key, password = "test", console.PASSWORD  # the bench starts the demo with this ADMIN_PASSWORD

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "GET":
            return '<form method="post"><input type="hidden" name="token" value="t"><input name="password"></form>'
        if request.form.to_dict() == {"token": "t", "password": password}:
            session["admin"] = True
            return redirect("/")
        abort(403)

    @app.get("/payments")
    def history():
        return "console" if session.get("admin") else abort(403)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        monkeypatch.setattr(console, "LOGIN_PATH", "")
        assert console.sign_in(base) == {}  # BENCH_LOGIN_PATH= (empty): no sign-in
        monkeypatch.setattr(console, "LOGIN_PATH", "/login")
        assert requests.get(base + "/payments", headers=console.sign_in(base)).text == "console"
        monkeypatch.setattr(console, "PASSWORD", "wrong")
        with pytest.raises(requests.HTTPError):
            console.sign_in(base)
    finally:
        server.shutdown()
        thread.join()
