"""PAYMENT_STATUS_CHANGED webhooks: queued in the database with the change that caused them, sent to the merchant's
URL (TOSS_SANDBOX_WEBHOOK_URL, default <PUBLIC_BASE_URL>/payments/webhooks/tosspayments) without a signature, and
resent on Toss's schedule until the merchant answers 200.

Toss resends up to 7 times, 1, 4, 16, 64, 256, 1024 and 4096 minutes apart; the sandbox counts
TOSS_SANDBOX_WEBHOOK_MINUTE seconds for each of Toss's minutes (1: a demo sees the retries within seconds). Rows are
claimed with a guarded UPDATE, so the CLI and any number of workers' dispatcher threads never send one twice at once.
"""

import atexit
import json
import logging
import os
import threading
from datetime import datetime, timedelta

import requests
from flask import Flask, current_app, request
from sqlalchemy import or_, select, update

from ..extensions import db, insert_row
from .models import KST, TossSandboxPayment, TossSandboxWebhookDelivery, now, toss_time

RETRY_MINUTES = (1, 4, 16, 64, 256, 1024, 4096)
ANNOUNCED = ("DONE", "ABORTED", "EXPIRED", "CANCELED", "PARTIAL_CANCELED")
MERCHANT_PATH = "/payments/webhooks/tosspayments"
CLAIM_SECONDS = 30  # a claim a crashed sender left lapses after this
SEND_TIMEOUT = 10.0  # Toss gives up on an answer after about 10 s
log = logging.getLogger(__name__)


def clock() -> datetime:
    """Now in Korea to the microsecond (the resend schedule is compressed to fractions of a second in tests)."""
    return datetime.now(KST).replace(tzinfo=None)


def created_at() -> str:
    """``2026-01-02T14:46:59.65327``: microseconds, trailing zeros trimmed, no offset (as real webhooks carry)."""
    moment = datetime.now(KST)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + (f"{moment.microsecond:06d}".rstrip("0") or "0")


def target_url() -> str | None:
    configured = current_app.config.get("TOSS_SANDBOX_WEBHOOK_URL")
    if configured:
        return configured
    base = current_app.config.get("PUBLIC_BASE_URL") or (request.host_url if request else None)
    return base.rstrip("/") + MERCHANT_PATH if base else None


def queue(payment: TossSandboxPayment) -> None:
    """Queue the event for the payment's new status, if Toss announces it (the caller commits)."""
    url = target_url()
    if payment.status not in ANNOUNCED or not url:
        return
    from .payment_object import payment_json

    body = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": created_at(), "data": payment_json(payment)}
    insert_row(
        TossSandboxWebhookDelivery,
        payment_id=payment.id,
        event_type="PAYMENT_STATUS_CHANGED",
        payment_status=payment.status,
        url=url,
        body=json.dumps(body, ensure_ascii=False),
        next_attempt_at=clock(),
    )


def claim(delivery_id: int, moment: datetime) -> bool:
    """Take one due delivery for this sender: exactly one of several racing senders wins."""
    statement = (
        update(TossSandboxWebhookDelivery)
        .where(TossSandboxWebhookDelivery.id == delivery_id, due_condition(moment))
        .values(status="sending", claimed_until=moment + timedelta(seconds=CLAIM_SECONDS))
    )
    won = db.session.execute(statement).rowcount == 1
    db.session.commit()
    return won


def due_condition(moment: datetime):
    table = TossSandboxWebhookDelivery
    pending = (table.status == "pending") & (table.next_attempt_at <= moment)
    lapsed = (table.status == "sending") & (table.claimed_until < moment)
    return or_(pending, lapsed)


def send(delivery: TossSandboxWebhookDelivery) -> tuple[int | None, str | None]:
    headers = {
        "Content-Type": "application/json",
        "tosspayments-webhook-transmission-time": toss_time(now()),
        "tosspayments-webhook-transmission-retried-count": str(delivery.retried_count),
        "tosspayments-webhook-transmission-id": delivery.transmission_id,
    }
    try:
        answer = requests.post(delivery.url, data=delivery.body.encode(), headers=headers, timeout=SEND_TIMEOUT)
    except requests.RequestException as error:
        return None, type(error).__name__
    answer.close()
    return answer.status_code, None


def record(delivery: TossSandboxWebhookDelivery, http_status: int | None, error: str | None) -> None:
    """200 ends it; anything else schedules the next resend, or gives up after the last."""
    values = {"claimed_until": None, "last_http_status": http_status, "last_error": error}
    if http_status == 200:
        values |= {"status": "delivered", "delivered_at": now()}
    elif delivery.retried_count >= len(RETRY_MINUTES):
        values |= {"status": "failed"}
    else:
        wait = RETRY_MINUTES[delivery.retried_count] * current_app.config["TOSS_SANDBOX_WEBHOOK_MINUTE"]
        values |= {"status": "pending", "retried_count": delivery.retried_count + 1,
                   "next_attempt_at": clock() + timedelta(seconds=wait)}  # fmt: skip
    db.session.execute(
        update(TossSandboxWebhookDelivery).where(TossSandboxWebhookDelivery.id == delivery.id).values(**values)
    )
    db.session.commit()


def deliver_due(limit: int = 50) -> int:
    """Send every due delivery this caller can claim; returns how many were sent (answered or not)."""
    moment = clock()
    ids = db.session.scalars(
        select(TossSandboxWebhookDelivery.id)
        .where(due_condition(moment))
        .order_by(TossSandboxWebhookDelivery.id)
        .limit(limit)
    ).all()
    db.session.commit()  # end the read: SQLite would otherwise hold a snapshot while the POSTs run
    sent = 0
    for delivery_id in ids:
        if not claim(delivery_id, moment):
            continue
        delivery = db.session.get(TossSandboxWebhookDelivery, delivery_id)
        db.session.commit()
        record(delivery, *send(delivery))
        sent += 1
    return sent


def tick() -> tuple[int, int]:
    """One round: expire what is due (queuing its EXPIRED webhooks), then send what is due; (expired, sent)."""
    from .ledger import sweep_expired

    return sweep_expired(), deliver_due()


class Dispatcher(threading.Thread):
    """Per process and app: sends due webhooks every TOSS_SANDBOX_WEBHOOK_POLL seconds, off the request path."""

    def __init__(self, app: Flask):
        super().__init__(name="toss-sandbox-webhooks", daemon=True)
        self.app, self.stopping, self.pid = app, threading.Event(), os.getpid()
        atexit.register(self.stop)

    def run(self) -> None:
        interval = self.app.config["TOSS_SANDBOX_WEBHOOK_POLL"]
        base_url = self.app.config.get("PUBLIC_BASE_URL") or "http://localhost"
        while not self.stopping.wait(interval):
            with self.app.test_request_context(base_url=base_url):  # url_for for the Payment objects' URLs
                try:
                    tick()
                except Exception:  # a database hiccup must not end the thread
                    log.exception("toss sandbox webhook round failed")
                finally:
                    db.session.remove()

    def stop(self) -> None:
        self.stopping.set()


DISPATCHER_LOCK = threading.Lock()


def ensure_dispatcher() -> None:
    """Start this process's dispatcher for the current app once (a forked worker starts its own). Off in TESTING
    unless TOSS_SANDBOX_WEBHOOK_THREAD is set."""
    app = current_app._get_current_object()
    enabled = app.config.get("TOSS_SANDBOX_WEBHOOK_THREAD")
    if enabled is None:
        enabled = not app.testing
    running = app.extensions.get("toss_sandbox_dispatcher")
    if not enabled or (running and running.pid == os.getpid()):
        return
    with DISPATCHER_LOCK:
        running = app.extensions.get("toss_sandbox_dispatcher")
        if running and running.pid == os.getpid():
            return
        dispatcher = Dispatcher(app)
        app.extensions["toss_sandbox_dispatcher"] = dispatcher
        dispatcher.start()
