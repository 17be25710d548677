"""Schema migrations: a database made by the version before migrations upgrades in place, data kept; the models
and the migrations describe the same schema; workers starting together on a fresh database all come up."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect, select

from demo.extensions import db
from demo.payments.models import Payment
from demo.payments.refund_records import RefundRecord

ROOT = Path(__file__).resolve().parents[2]
OLD_DUMP = ROOT / "tests" / "data" / "main_before_migrations.sql"


def test_a_database_from_before_migrations_upgrades_in_place(tmp_path, make_test_app):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as connection:
        connection.executescript(OLD_DUMP.read_text())
    app = make_test_app(DATABASE_URL=f"sqlite:///{path}", RECONCILE_AFTER=0)
    with app.app_context():
        assert "alembic_version" in inspect(db.engine).get_table_names()
        payments = {p.status: p for p in db.session.scalars(select(Payment))}
        assert set(payments) == {"partially_refunded", "ready"}
        refunded = payments["partially_refunded"]
        assert (refunded.canceled_amount, refunded.refund_claimed, refunded.claimed_until) == (1000, False, None)
        assert [(r.amount, r.state) for r in db.session.scalars(select(RefundRecord))] == [(1000, "done")]
    report = app.test_cli_runner().invoke(args=["payments", "reconcile"]).output
    assert "사이트 밖" not in report  # the refund made before the upgrade is not mistaken for an external one
    with app.app_context():
        assert [r.amount for r in db.session.scalars(select(RefundRecord))] == [1000]
    make_test_app(DATABASE_URL=f"sqlite:///{path}")  # a second start: nothing to do, nothing breaks


def test_the_models_and_the_migrations_agree(app):
    """A new column or table needs a migration (`flask db migrate`); this fails until it has one."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def fresh(url: str) -> None:
    """Empty the database: drop every table (PostgreSQL is one shared test database)."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()


def gunicorn(url: str, workers: int, **env) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "gunicorn-test",
        "KAKAOPAY_SECRET_KEY": "",
        "KAKAOPAY_API_BASE": "",
        **env,
    }
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", "127.0.0.1:0", "wsgi:app"]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stderr=subprocess.PIPE, text=True)


def listening(process: subprocess.Popen, workers: int, lines: list[str]) -> str:
    """Read gunicorn's log until every worker booted; returns its base URL."""
    url, booted = None, 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and booted < workers:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        if match := re.search(r"Listening at: (http://\S+)", line):
            url = match.group(1)
        booted += "Booting worker" in line
    return url


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _, rest = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, rest = process.communicate()
    return rest


@pytest.mark.timeout(240)
def test_workers_racing_on_a_fresh_database_all_start(tmp_path, make_test_app):
    base = os.environ.get("TEST_DATABASE_URL")
    for attempt in range(3):
        url = base or f"sqlite:///{tmp_path / f'fresh-{attempt}.sqlite'}"
        if base:
            fresh(base)
        process, lines = gunicorn(url, workers=3), []
        try:
            address = listening(process, 3, lines)
            assert address, "".join(lines)
            answers = [requests.get(address + "/", timeout=20).status_code for _ in range(6)]
        finally:
            log = "".join(lines) + stop(process)
        assert answers == [200] * 6, log
        assert "Traceback" not in log and "already exists" not in log and "failed to boot" not in log.lower(), log
    make_test_app(DATABASE_URL=url)  # the test fixture drops what the last round made
