"""The database schema: Alembic migrations (Flask-Migrate), applied at start, once, under a lock.

A database made before migrations existed has exactly the baseline revision's tables: it is stamped with the baseline
and upgraded in place, data kept. Workers starting together on a fresh database take the lock in turn: the first
upgrades, the others find the schema at head.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app
from flask_migrate import Migrate, stamp, upgrade
from sqlalchemy import inspect, text

from .extensions import db

DIRECTORY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")
BASELINE = "0001"  # the schema of the last version before migrations (created by db.create_all)
PG_LOCK_KEY = 0x5354524144  # any constant: the advisory lock's id

migrate = Migrate(directory=DIRECTORY, compare_type=True, render_as_batch=True)


def init_app(app: Flask) -> None:
    migrate.init_app(app, db)


def upgrade_schema() -> None:
    """Bring the database to the newest revision and seed the catalog (idempotent, safe when workers race)."""
    from .catalog.seed import seed_catalog

    with schema_lock():
        tables = set(inspect(db.engine).get_table_names())
        if tables and "alembic_version" not in tables:
            stamp(directory=DIRECTORY, revision=BASELINE)
        upgrade(directory=DIRECTORY)
        seed_catalog(replace=False)


@contextmanager
def schema_lock() -> Iterator[None]:
    """One migrator at a time: a PostgreSQL advisory lock (any number of machines), else a file lock (one machine)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK_KEY})
        return
    database = db.engine.url.database if db.engine.dialect.name == "sqlite" else None
    path = (
        database + ".schema-lock"
        if database and database != ":memory:"
        else os.path.join(current_app.instance_path, ".schema-lock")
    )
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
