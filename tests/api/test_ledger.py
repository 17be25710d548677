"""The ledger holds through the API as through the web (SQLite and PostgreSQL): racing requests, a killed app,
an abandon that comes too late, hostile tokens and ids, and books equal to the sandbox's after reconcile."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from sqlalchemy import select, update

from demo.api.models import AppSession
from demo.extensions import db
from demo.payments.models import ApiExchange, Payment, now
from demo.sandbox.models import SandboxPayment

from ..conftest import MERCHANT_API_KEY


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def raw_token(strada) -> str:
    return requests.post(f"{strada.url}/api/v1/app-sessions", json={}, timeout=30).json()["token"]


def test_twenty_parallel_creates_with_one_key_make_one_payment(strada):
    headers = {**bearer(raw_token(strada)), "Idempotency-Key": str(uuid.uuid4())}
    body = {"product": "choco-pie", "quantity": 1}
    barrier = threading.Barrier(20)

    def create(_):
        barrier.wait()
        return requests.post(f"{strada.url}/api/v1/payments", json=body, headers=headers, timeout=60)

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(create, range(20)))
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers if a.status_code not in (201, 409)]
    created = {a.json()["order_id"] for a in answers if a.status_code == 201}
    assert len(created) == 1
    assert all(a.headers["Retry-After"] for a in answers if a.status_code == 409)
    assert strada.count(Payment) == 1 and strada.count(SandboxPayment) == 1
    assert strada.count(ApiExchange, ApiExchange.endpoint == "ready") == 1


def test_bridge_confirm_and_receipt_view_racing_approve_once(make_test_app, generated):
    from ..browser.conftest import LiveServer
    from .conftest import Strada

    app = make_test_app(APP_CONFIRM_GRACE=0.0)  # the receipt view may recover at once: all three race
    with LiveServer(app) as server:
        strada = Strada(server, generated)
        token = raw_token(strada)
        buyer = strada.client(token)
        payment = strada.create(buyer, "app").parsed
        bridge = strada.on_sheet(payment, "pay")
        calls = [
            lambda: requests.get(bridge, timeout=60),
            lambda: requests.post(
                f"{strada.url}/api/v1/payments/{payment.order_id}/confirm", json={}, headers=bearer(token), timeout=60
            ),
            lambda: requests.get(f"{strada.url}/payments/{payment.order_id}", timeout=60),
        ]
        barrier = threading.Barrier(len(calls))

        def run(call):
            barrier.wait()
            return call()

        with ThreadPoolExecutor(len(calls)) as pool:
            answers = list(pool.map(run, calls))
        assert all(a.status_code < 500 for a in answers), [a.text[:300] for a in answers]
        final = strada.api.confirm_payment.sync(client=buyer, order_id=payment.order_id, body=strada.models.ConfirmIn())
        assert final.status == "approved" and strada.approve_calls(payment.order_id) == 1


def test_abandon_of_a_paid_payment_is_refused_and_it_is_approved(strada):
    api, token = strada.api, raw_token(strada)
    buyer = strada.client(token)
    body = strada.models.AbandonIn(reason=strada.models.AbandonInReason.QUIT)
    served = strada.create(buyer).parsed
    strada.follow(strada.on_sheet(served, "pay"))  # 서버가 승인: the bridge approved
    refused = api.abandon_payment.sync_detailed(client=buyer, order_id=served.order_id, body=body)
    assert refused.status_code == 409 and refused.parsed.payment.status == "approved"
    kept = strada.create(buyer, "app").parsed
    strada.follow(strada.on_sheet(kept, "pay"))  # 앱이 승인: paid at KakaoPay, the token kept, the app says "quit"
    refused = api.abandon_payment.sync_detailed(client=buyer, order_id=kept.order_id, body=body)
    assert refused.status_code == 409 and refused.parsed.code == "invalid_state"
    assert refused.parsed.payment.status == "approved" and strada.approve_calls(kept.order_id) == 1


def snapshot(strada) -> list[tuple]:
    with strada.app.app_context():
        payments = db.session.execute(select(Payment.order_id, Payment.status, Payment.canceled_amount)).all()
        kakao = db.session.execute(select(SandboxPayment.tid, SandboxPayment.status, SandboxPayment.pg_token)).all()
        return sorted(map(tuple, payments)) + sorted(map(tuple, kakao))


def test_forged_expired_revoked_and_other_buyers_tokens_change_nothing(strada):
    owner, other = raw_token(strada), raw_token(strada)
    payment = strada.create(strada.client(owner)).parsed
    base = f"{strada.url}/api/v1/payments/{payment.order_id}"
    expired, revoked = raw_token(strada), raw_token(strada)
    with strada.app.app_context():
        db.session.execute(update(AppSession).where(AppSession.id == 3).values(expires_at=now() - timedelta(seconds=1)))
        db.session.execute(update(AppSession).where(AppSession.id == 4).values(revoked_at=now()))
        db.session.commit()
    before = snapshot(strada)
    tokens = ["sa_forged" + "x" * 40, "sm_forged", MERCHANT_API_KEY + "x", expired, revoked, ""]
    for token in tokens:
        for method, path, body in [
            ("GET", "", None),
            ("POST", "/confirm", {}),
            ("POST", "/abandon", {"reason": "quit"}),
            ("POST", "/refunds", {"seen_canceled": 0}),
        ]:
            answer = requests.request(method, base + path, json=body, headers=bearer(token), timeout=30)
            assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")
            assert answer.headers["Content-Type"] == "application/problem+json"
    for path, body in [("", None), ("/confirm", {}), ("/abandon", {"reason": "quit"})]:
        method = "GET" if body is None else "POST"
        answer = requests.request(method, base + path, json=body, headers=bearer(other), timeout=30)
        assert answer.status_code == 404 and answer.json()["code"] == "payment_not_found"
    headers = bearer(owner) | {"Idempotency-Key": "k"}
    refund = requests.post(base + "/refunds", json={"seen_canceled": 0}, headers=headers, timeout=30)
    assert refund.status_code == 403
    listed = requests.get(f"{strada.url}/api/v1/payments", headers=bearer(other), timeout=30).json()
    assert listed["items"] == []
    assert snapshot(strada) == before


def test_books_equal_the_sandbox_after_reconcile(strada):
    token = raw_token(strada)
    buyer = strada.client(token)
    modes = ["server", "app", "server", "app"]
    payments = [strada.create(buyer, mode).parsed for mode in modes]
    strada.follow(strada.on_sheet(payments[0], "pay"))
    strada.follow(strada.on_sheet(payments[1], "pay"))  # 앱이 승인, never confirmed
    strada.on_sheet(payments[2], "quit")  # the web view never loaded the cancel URL
    answer = requests.post(f"{strada.url}/api/v1/reconcile", headers=bearer(MERCHANT_API_KEY), timeout=60)
    assert answer.status_code == 200
    time.sleep(strada.app.config["APP_CONFIRM_GRACE"] + 1.1)  # stored times have whole seconds
    answer = requests.post(f"{strada.url}/api/v1/reconcile", headers=bearer(MERCHANT_API_KEY), timeout=60)
    changed = {entry["order_id"] for entry in answer.json()["changed"]}
    assert payments[1].order_id in changed
    expected = {"SUCCESS_PAYMENT": "approved", "QUIT_PAYMENT": "cancelled", "READY": "ready", "OPEN_PAYMENT": "ready"}
    with strada.app.app_context():
        for payment in db.session.scalars(select(Payment)).all():
            kakao = db.session.scalar(select(SandboxPayment).where(SandboxPayment.tid == payment.tid))
            assert expected[kakao.status] == payment.status, (payment.order_id, kakao.status, payment.status)
            assert kakao.canceled_amount == payment.canceled_amount
