"""Toss's Idempotency-Key (contract §2.2): on any POST, scoped by (key, API key, URL, method) — the body is not part
of the scope — kept 15 days; a repeat answers the first response without doing anything, a repeat while the first is
still running answers 409 IDEMPOTENT_REQUEST_PROCESSING, a key over 300 characters 400 INVALID_IDEMPOTENCY_KEY.

Answers 2xx and 4xx are kept and replayed; a 5xx (the sandbox failed) releases the key, so a retry with it runs.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from flask import Response, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import TossSandboxIdempotencyRecord, now
from .wire import TossError

KEPT = timedelta(days=15)
ABANDONED = timedelta(minutes=2)  # a "processing" record this old belongs to a request that died: it lapses
MAX_LENGTH = 300


def checked_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and (len(key) > MAX_LENGTH or not key.strip()):
        raise TossError("INVALID_IDEMPOTENCY_KEY")
    return key


def scope_of(key: str, secret_key: str) -> str:
    parts = (key, hashlib.sha256(secret_key.encode()).hexdigest(), request.path, request.method)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def replay(record: TossSandboxIdempotencyRecord) -> Response:
    return Response(record.body, record.http_status, content_type="application/json")


def claim(scope: str) -> TossSandboxIdempotencyRecord | None:
    """Record this request as the key's first (None), or return the record of the one that was."""
    table = TossSandboxIdempotencyRecord
    moment = now()
    db.session.execute(
        delete(table).where(
            table.scope == scope,
            (table.created_at < moment - KEPT)
            | ((table.status == "processing") & (table.created_at < moment - ABANDONED)),
        )
    )
    db.session.add(table(scope=scope, created_at=moment))
    try:
        db.session.commit()
        return None
    except IntegrityError:
        db.session.rollback()
    found = db.session.scalar(select(table).where(table.scope == scope))
    db.session.commit()
    return found or claim(scope)  # it was deleted meanwhile: try again


def run_once(key: str | None, secret_key: str, answer: Callable[[], Response]) -> Response:
    """``answer()`` once per Idempotency-Key (every time without one)."""
    if key is None:
        return answer()
    scope = scope_of(key, secret_key)
    first = claim(scope)
    if first is not None:
        if first.status == "done":
            return replay(first)
        raise TossError("IDEMPOTENT_REQUEST_PROCESSING")
    try:
        response = answer()
    except BaseException:
        db.session.rollback()
        release(scope)
        raise
    if response.status_code >= 500:
        release(scope)
        return response
    table = TossSandboxIdempotencyRecord
    record = db.session.scalar(select(table).where(table.scope == scope))
    record.status, record.http_status, record.body = "done", response.status_code, response.get_data(as_text=True)
    db.session.commit()
    return response


def release(scope: str) -> None:
    db.session.execute(delete(TossSandboxIdempotencyRecord).where(TossSandboxIdempotencyRecord.scope == scope))
    db.session.commit()
