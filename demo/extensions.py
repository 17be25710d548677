"""Flask extensions, created unbound and initialised in create_app()."""

import sqlite3

from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, event, insert, update
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm.attributes import set_committed_value


class Base(DeclarativeBase):
    pass


# Objects stay readable after commit: transitions refresh explicitly what another request may have changed.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
csrf = CSRFProtect()


def guarded_update(instance: Base, *criteria, **values) -> bool:
    """UPDATE ``instance``'s row only while ``criteria`` hold: of two racing requests exactly one wins. True when
    this call changed it. The row comes back with RETURNING, so ``instance`` holds its new state without another
    SELECT; when the call lost, ``instance`` is reloaded (someone else changed it). The caller commits."""
    db.session.flush()  # what the ORM would autoflush first
    table = instance.__table__
    statement = update(table).where(table.c.id == instance.id, *criteria).values(**values).returning(table)
    row = db.session.connection().execute(statement).first()
    if row is None:
        db.session.refresh(instance)
        return False
    loaded = instance.__dict__
    for key, value in row._mapping.items():
        if key not in loaded or loaded[key] != value:
            set_committed_value(instance, key, value)
    return True


def insert_row(model: type[Base], **values) -> None:
    """INSERT one row of ``model`` in the session's transaction, without an ORM object (a record nobody reads back
    in this request: an event, an exchange). The caller commits."""
    db.session.connection().execute(insert(model.__table__), values)


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
