"""Fixtures for every test: a fresh app and database per test (flaskr style)."""

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest
import requests
from alembic.config import Config
from alembic.script import ScriptDirectory
from hypothesis import settings
from sqlalchemy import inspect, text

from demo import create_app, schema
from demo.extensions import db
from demo.payments.models import Payment

# Property tests explore the same examples on every run: CI stays reproducible; run with --hypothesis-seed to explore.
settings.register_profile("strada", derandomize=True)
settings.load_profile("strada")


ADMIN_PASSWORD = "test-console-password"
MERCHANT_API_KEY = "sm_test-merchant-key"


def sign_in(client):
    """Sign a test client in to the merchant console (with the password, as a person would)."""
    response = client.post("/console/login", data={"password": ADMIN_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def payment_row(order_id: str, **fields) -> Payment:
    """A payment as a test stores it straight into the database: a paid 초코파이 × 1 (2,200원, VAT 200) on a PC with
    KakaoPay, unless ``fields`` say otherwise."""
    row = {
        "user_id": "u",
        "provider": "kakaopay",
        "item_name": "초코파이",
        "quantity": 1,
        "total_amount": 2200,
        "tax_free_amount": 0,
        "vat_amount": 200,
        "flow": "pc",
        "status": "approved",
        "tid": f"t-{order_id}",
    }
    return Payment(order_id=order_id, **{**row, **fields})


def store_payments(app, *payments: Payment) -> None:
    with app.app_context():
        db.session.add_all(payments)
        db.session.commit()


def callbacks_at_once(app, shop_class, count: int = 10):
    """One payment's approval callback, ``count`` times at once over real HTTP (a live server, one thread each): each
    answer must end on the receipt. Returns the shop (a ``shop_class`` on ``app``) and the order id."""
    from .browser.conftest import LiveServer  # not at the top: it brings Playwright to every test's conftest

    with LiveServer(app) as server:
        shop = shop_class(app)
        order_id = shop.start()
        callback_url = shop.pay(order_id)
        assert callback_url.startswith(server.url)

        def callback(_):
            response = requests.get(callback_url, timeout=30)
            return response.status_code, response.url

        with ThreadPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(callback, range(count)))
    assert {status for status, _ in results} == {200}
    assert {url for _, url in results} == {f"{server.url}/payments/{order_id}"}
    return shop, order_id


CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "ADMIN_PASSWORD": ADMIN_PASSWORD,
    "MERCHANT_API_KEY": MERCHANT_API_KEY,
    "WTF_CSRF_ENABLED": False,
    "SERVER_NAME": None,
}


@cache
def sqlite_at_head() -> Path:
    """A SQLite database migrated to head with the catalog seeded, made once per test process: each test starts from
    a copy of it (running every migration for every test cost ~0.12 s of its start, ~2 minutes a run). The app's
    own start still runs the upgrade, which finds the copy at head."""
    folder = Path(tempfile.mkdtemp(prefix="strada-test-template-"))
    app = create_app({**CONFIG, "DATABASE_URL": f"sqlite:///{folder / 'head.sqlite'}"})
    with app.app_context():
        db.engine.dispose()
    return folder / "head.sqlite"


def database_url(tmp_path) -> str:
    """TEST_DATABASE_URL (e.g. a throwaway PostgreSQL) or a SQLite file of this test's own, at head."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    path = tmp_path / "test.sqlite"
    if not path.exists():  # a second app of the same test shares the first one's database
        shutil.copyfile(sqlite_at_head(), path)
    return f"sqlite:///{path}"


def make_app(tmp_path, **overrides):
    return create_app({**CONFIG, "DATABASE_URL": database_url(tmp_path), **overrides})


@pytest.fixture
def make_test_app(tmp_path):
    """Factory for apps with extra config; every app made is torn down after the test."""
    apps = []

    def factory(**overrides):
        apps.append(make_app(tmp_path, **overrides))
        return apps[-1]

    yield factory
    for app in apps:
        drop_database(app)


@cache
def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", schema.DIRECTORY)
    return ScriptDirectory.from_config(config).get_current_head()


def drop_database(app) -> None:
    """Leave the database for the next test. PostgreSQL (one database for the run) at head is only emptied (every
    table truncated, sequences restarted: the next app's upgrade finds nothing to do); any other schema, and
    SQLite, is dropped whole, Alembic's version table too."""
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql" and at_head():
            tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()


def at_head() -> bool:
    """The schema is the migrations' newest (every table of the models there, as the app's start made it)."""
    tables = set(inspect(db.engine).get_table_names())
    if not set(db.metadata.tables) | {"alembic_version"} <= tables:
        return False
    return db.session.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()


@pytest.fixture
def app(make_test_app):
    return make_test_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def console(app):
    """A test client signed in to the merchant console."""
    return sign_in(app.test_client())
