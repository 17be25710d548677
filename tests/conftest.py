"""Fixtures for every test: a fresh app and database per test (flaskr style)."""

import os

import pytest
from hypothesis import settings
from sqlalchemy import text

from demo import create_app
from demo.extensions import db

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


def database_url(tmp_path) -> str:
    """TEST_DATABASE_URL (e.g. a throwaway PostgreSQL) or a fresh SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


def make_app(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "MERCHANT_API_KEY": MERCHANT_API_KEY,
        "DATABASE_URL": database_url(tmp_path),
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config)


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


def drop_database(app) -> None:
    """Drop every table, Alembic's version table too (on PostgreSQL the next test's app upgrades the same database)."""
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()


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
