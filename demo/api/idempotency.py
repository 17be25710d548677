"""Idempotency-Key: per caller, kept 24 h. The first request inserts its record (a unique (caller, key) makes the
first insert win on any number of workers and machines) and stores its answer when done; a repeat with the same
body gets that answer without running again, one with another body is refused (422), one while the first still
runs gets 409 with Retry-After."""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from flask import Response, request
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..payments.models import now
from .auth import Caller
from .models import IdempotencyRecord, IdempotencyState
from .problems import PROBLEM_JSON, ApiProblem

KEPT = timedelta(hours=24)
RETRY_AFTER = "1"  # seconds: a create or refund takes well under that, or a few seconds at worst


def request_hash() -> str:
    """The request as the key binds it: method, path and the body's JSON (key order and spacing do not matter)."""
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def run_once(caller: Caller, key: str | None, action: Callable[[], tuple[int, dict]]) -> Response:
    """Run ``action`` (→ status, JSON body; an ApiProblem is an answer too) once per (caller, key)."""
    if not key:
        raise ApiProblem(400, "idempotency_key_missing", "Send an Idempotency-Key header (e.g. a UUID).")
    digest = request_hash()
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now() - KEPT))
    record = IdempotencyRecord(caller=caller.id, key=key, request_hash=digest)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return stored_answer(caller, key, digest)
    try:
        status, body = action()
    except ApiProblem as problem:
        status, body = problem.status, problem.body()
    except BaseException:
        db.session.rollback()
        db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
        db.session.commit()  # nothing was answered: the key may be used again
        raise
    text = json.dumps(body, ensure_ascii=False)
    db.session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record.id)
        .values(state=IdempotencyState.DONE, status_code=status, body=text)
    )
    db.session.commit()
    return answer(status, text)


def stored_answer(caller: Caller, key: str, digest: str) -> Response:
    record = db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.caller == caller.id, IdempotencyRecord.key == key)
    )
    if record is None:  # pruned in between (a day old): vanishingly rare; the client retries
        raise ApiProblem(409, "request_in_progress", "Try again.", {"Retry-After": RETRY_AFTER})
    if record.request_hash != digest:
        raise ApiProblem(422, "idempotency_key_reused", "This Idempotency-Key was sent with another request.")
    if record.state != IdempotencyState.DONE:
        retry = {"Retry-After": RETRY_AFTER}
        raise ApiProblem(409, "request_in_progress", "The first request with this key is still running.", retry)
    response = answer(record.status_code, record.body)
    response.headers["Idempotent-Replayed"] = "true"
    return response


def answer(status: int, text: str) -> Response:
    return Response(text, status, mimetype=PROBLEM_JSON if status >= 400 else "application/json")
