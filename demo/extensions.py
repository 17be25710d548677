"""Flask extensions, created unbound and initialised in create_app()."""

import sqlite3
from collections.abc import Collection
from functools import cache

from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import ColumnElement, Engine, Table, Update, bindparam, event, insert, update
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.attributes import set_committed_value


class Base(DeclarativeBase):
    pass


# Objects stay readable after commit: transitions refresh explicitly what another request may have changed.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
csrf = CSRFProtect()


def guarded_update(
    instance: Base,
    allowed: Collection[str],
    where: ColumnElement[bool] | None = None,
    params: dict | None = None,
    **values,
) -> bool:
    """UPDATE ``instance``'s row only while its status is one of ``allowed`` (and ``where``, with its bound
    ``params``, holds): of two racing requests exactly one wins. True when this call changed it. The row comes back
    with RETURNING, so ``instance`` holds its new state without another SELECT (our models name attributes after
    their columns); when the call lost, ``instance`` is reloaded (someone else changed it). The caller commits."""
    db.session.flush()  # what the ORM would autoflush first
    statement = guarded_statement(instance.__table__, where, tuple(values))
    bound = {"row_id": instance.id, "allowed": list(allowed), **(params or {})}
    bound.update((f"new_{key}", value) for key, value in values.items())
    row = db.session.connection().execute(statement, bound).first()
    if row is None:
        db.session.refresh(instance)
        return False
    loaded = instance.__dict__
    for key, value in row._mapping.items():
        if key not in loaded or loaded[key] != value:
            set_committed_value(instance, key, value)
    return True


@cache
def guarded_statement(table: Table, where: ColumnElement[bool] | None, keys: tuple[str, ...]) -> Update:
    """guarded_update's statement for one shape, built once: building and hashing a statement costs SQLAlchemy
    about three times what SQLite takes to run it. ``where`` is a module-level constant (it is part of the key)."""
    criteria = [table.c.id == bindparam("row_id"), table.c.status.in_(bindparam("allowed", expanding=True))]
    if where is not None:
        criteria.append(where)
    return update(table).where(*criteria).values({key: bindparam(f"new_{key}") for key in keys}).returning(table)


def insert_row(model: type[Base], **values) -> dict:
    """INSERT one row of ``model`` in the session's transaction, without an ORM object (a record this request needs
    no object for: an event, an exchange); returns the values inserted, column defaults included. The caller
    commits."""
    return db.session.connection().execute(insert(model.__table__), values).last_inserted_params()


@event.listens_for(Engine, "connect")
def tune_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite: write-ahead log and a busy timeout, so parallel requests and workers wait instead of failing;
    synchronous=NORMAL, the setting WAL is meant for (no fsync per commit)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable at checkpoints, never corrupt
        cursor.close()
