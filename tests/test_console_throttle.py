"""Console sign-in throttling: failed attempts per client address and over all addresses, kept in the database."""

import os
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from demo.console.auth import sign_in_token
from demo.console.throttle import SignInFailure, utcnow
from demo.extensions import db

from .conftest import ADMIN_PASSWORD
from .test_gunicorn import csrf_token, running_gunicorn

WRONG = {"password": ADMIN_PASSWORD + "-wrong"}
RIGHT = {"password": ADMIN_PASSWORD}
LOCKED = "로그인 시도가 너무 많습니다."
LOCKED_FOR_ALL = "여러 곳에서 너무 많아"


def from_address(app, address: str):
    """A test client whose requests come from ``address`` (request.remote_addr)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def fail(client, times: int) -> None:
    for _ in range(times):
        response = client.post("/console/login", data=WRONG)
        assert response.status_code == 401, response.get_data(as_text=True)


def assert_locked(response, minutes: int, everyone: bool = False) -> int:
    page = response.get_data(as_text=True)
    assert response.status_code == 429, page
    assert f"{minutes}분 뒤에 다시 시도해 주세요." in page and 'name="password"' in page
    assert (LOCKED_FOR_ALL in page) == everyone and (LOCKED in page) != everyone
    seconds = int(response.headers["Retry-After"])
    assert (minutes - 1) * 60 < seconds <= minutes * 60
    return seconds


def failures(app, address: str | None = None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(SignInFailure)
        if address:
            query = query.where(SignInFailure.address == address)
        return db.session.scalar(query)


def age(app, seconds: float) -> None:
    """Move time: every recorded failure happened ``seconds`` earlier."""
    with app.app_context():
        for failure in db.session.scalars(select(SignInFailure)):
            failure.at -= timedelta(seconds=seconds)
        db.session.commit()


def test_five_wrong_passwords_lock_the_address_out_even_for_the_right_one(app, client):
    fail(client, 5)
    seconds = assert_locked(client.post("/console/login", data=WRONG), minutes=15)
    assert 895 <= seconds <= 900
    assert_locked(client.post("/console/login", data=RIGHT), minutes=15)  # the password is not even checked
    assert client.get("/payments").status_code == 403
    assert failures(app) == 5  # waiting (refused attempts) does not lengthen the lock-out


def test_the_wait_ends_when_the_window_has_passed(app, client):
    fail(client, 5)
    age(app, 600)
    assert 295 <= assert_locked(client.post("/console/login", data=RIGHT), minutes=5) <= 300
    age(app, 300)
    response = client.post("/console/login", data=RIGHT)
    assert response.status_code == 303 and client.get("/payments").status_code == 200


def test_the_oldest_failure_leaving_the_window_lets_one_more_attempt_in(app, client):
    fail(client, 1)
    age(app, 120)
    fail(client, 4)
    assert_locked(client.post("/console/login", data=WRONG), minutes=13)  # the first one leaves in 780 s
    age(app, 781)
    fail(client, 1)
    assert_locked(client.post("/console/login", data=WRONG), minutes=2)  # the next four leave in 119 s
    assert failures(app) == 5  # the one out of the window is pruned


def test_a_sign_in_clears_the_address_failures(app, client):
    fail(client, 4)
    assert client.post("/console/login", data=RIGHT).status_code == 303
    assert failures(app) == 0
    client.post("/console/logout")
    fail(client, 5)
    assert_locked(client.post("/console/login", data=WRONG), minutes=15)


def test_addresses_are_counted_apart(app):
    stranger, merchant = from_address(app, "192.0.2.7"), from_address(app, "192.0.2.8")
    fail(stranger, 5)
    assert_locked(stranger.post("/console/login", data=RIGHT), minutes=15)
    fail(merchant, 4)
    assert merchant.post("/console/login", data=RIGHT).status_code == 303
    assert failures(app, "192.0.2.7") == 5 and failures(app, "192.0.2.8") == 0  # a success clears only its own


def test_the_cap_over_all_addresses_stops_rotating_addresses(make_test_app):
    app = make_test_app(CONSOLE_SIGN_IN_FAILURES_ALL=8)
    for host in range(4):
        fail(from_address(app, f"198.51.100.{host}"), 2)
    fresh = from_address(app, "198.51.100.99")
    assert_locked(fresh.post("/console/login", data=WRONG), minutes=15, everyone=True)
    assert_locked(fresh.post("/console/login", data=RIGHT), minutes=15, everyone=True)
    assert fresh.get("/payments").status_code == 403 and failures(app) == 8
    age(app, 900)
    assert fresh.post("/console/login", data=RIGHT).status_code == 303


def test_when_both_limits_trip_the_longer_wait_is_given(make_test_app):
    app = make_test_app(CONSOLE_SIGN_IN_FAILURES_ALL=7)
    first, second = from_address(app, "203.0.113.1"), from_address(app, "203.0.113.2")
    fail(second, 2)
    age(app, 600)  # the cap over all addresses frees a slot in 300 s
    fail(first, 5)  # this address's own slot frees in 900 s
    assert_locked(first.post("/console/login", data=WRONG), minutes=15)
    assert_locked(second.post("/console/login", data=WRONG), minutes=5, everyone=True)


def test_a_bad_link_counts_and_a_valid_link_still_signs_in(app, client):
    for _ in range(5):
        assert client.get("/console/login?token=forged").status_code == 400
    assert_locked(client.get("/console/login?token=forged"), minutes=15)
    assert_locked(client.post("/console/login", data=RIGHT), minutes=15)
    token = sign_in_token(app.config["SECRET_KEY"], ADMIN_PASSWORD)
    response = client.get(f"/console/login?token={token}")  # signed, not guessable: the merchant's way in
    assert response.status_code == 303 and client.get("/payments").status_code == 200
    assert failures(app) == 0


def test_the_count_survives_a_restart(make_test_app, client, app):
    fail(client, 5)
    restarted = make_test_app(DATABASE_URL=app.config["DATABASE_URL"])
    assert_locked(restarted.test_client().post("/console/login", data=RIGHT), minutes=15)


def test_rows_out_of_the_window_are_pruned(app, client):
    with app.app_context():
        db.session.add_all(SignInFailure(address=f"10.0.0.{n}", at=utcnow() - timedelta(hours=n)) for n in (1, 2))
        db.session.commit()
    fail(client, 1)
    assert failures(app) == 1


def test_behind_the_proxy_the_forwarded_address_is_counted(make_test_app):
    app = make_test_app(BEHIND_HTTPS_PROXY=True)
    client = app.test_client()
    for _ in range(5):
        client.post("/console/login", data=WRONG, headers={"X-Forwarded-For": "203.0.113.50"})
    assert failures(app, "203.0.113.50") == 5
    response = client.post("/console/login", data=RIGHT, headers={"X-Forwarded-For": "203.0.113.51"})
    assert response.status_code == 303


def test_a_long_or_odd_address_is_cut_not_an_error(app):
    client = from_address(app, "fe80::1%" + "x" * 200)
    fail(client, 5)
    assert_locked(client.post("/console/login", data=WRONG), minutes=15)


@pytest.fixture
def gunicorn_two_workers(make_test_app):
    """gunicorn with 2 workers of 8 threads each on the test database, with a slow password check (see
    slow_check_wsgi), stopped by its PID."""
    app = make_test_app()  # creates the schema; dropped again after the test
    env = {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "gunicorn-test-secret",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "CONSOLE_SIGN_IN_FAILURES": "5",
        "CONSOLE_SIGN_IN_FAILURES_ALL": "50",
    }
    arguments = ["-w", "2", "--threads", "8", "-b", "127.0.0.1:0", "tests.slow_check_wsgi:app"]
    with running_gunicorn(arguments, env) as base:
        yield app, base


def at_once(base: str, password: str, count: int) -> list[int]:
    """``count`` sign-ins with ``password`` sent at the same moment, each from its own browser session."""
    forms = []
    for _ in range(count):
        session = requests.Session()
        token = csrf_token(session.get(f"{base}/console/login", timeout=30).text)
        forms.append((session, {"password": password, "csrf_token": token}))
    start, codes = threading.Barrier(count), []

    def post(session, form):
        start.wait()
        codes.append(session.post(f"{base}/console/login", data=form, allow_redirects=False, timeout=60).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)


@pytest.mark.timeout(180)
def test_racing_requests_on_two_workers_get_exactly_five_guesses(gunicorn_two_workers):
    """Sent at once to 2 workers × 8 threads: right passwords are never refused because others are in flight;
    of 24 wrong ones exactly 5 are checked (401), the rest answer 429; then the right one is refused too."""
    app, base = gunicorn_two_workers
    assert at_once(base, WRONG["password"], 4) == [401] * 4
    assert at_once(base, ADMIN_PASSWORD, 12) == [303] * 12
    assert failures(app) == 0
    assert at_once(base, WRONG["password"], 24) == [401] * 5 + [429] * 19
    assert failures(app) == 5
    assert at_once(base, ADMIN_PASSWORD, 1) == [429]
