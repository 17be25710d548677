"""One approve attempt in flight per payment; every approve answer classified (DESIGN.md, "What an answer means")."""

import threading

import pytest

from demo.extensions import db
from demo.payments import service
from demo.payments.models import Payment

from .conftest import books, reconcile


def paid_on_sheet(shop, **form) -> tuple[str, str]:
    """Checkout and pay on the sheet; returns (order id, the approval callback path with the real pg_token)."""
    order_id = shop.start()
    return order_id, shop.path(shop.pay(order_id, **form))


@pytest.mark.parametrize("fault", ["lose_request", "lose_answer", "late", "server_error", "server_error_after"])
def test_an_approve_with_an_unknown_outcome_ends_approved_once(ledger_app, shop, fault):
    ledger_app.faults.inject("approve", fault)
    order_id, callback = paid_on_sheet(shop)
    assert shop.client.get(callback).status_code == 303
    assert shop.payment(order_id).status in ("approving", "approved")  # never failed
    ledger_app.faults.settle()
    receipt = shop.client.post(f"/payments/{order_id}/check", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert shop.payment(order_id).status == "approved", receipt  # what the receipt's poll does ~1 s later
    assert books(ledger_app) == []


def test_already_paid_means_paid(ledger_app, shop):
    """A twin request won (its answer was lost): −702 is confirmed with the order API and marked approved."""
    ledger_app.faults.inject("approve", "lose_answer")
    order_id, callback = paid_on_sheet(shop)
    shop.client.get(callback)
    with ledger_app.app_context():
        payment = db.session.get(Payment, shop.payment(order_id).id)
        assert payment.status == "approving" and service.claim(payment)
        error = service.attempt_approve(payment)
        assert error.code == -702 and payment.status == "approved" and payment.aid
    assert books(ledger_app) == []


@pytest.mark.parametrize("token", ["A" * 21, "x" * 20])
def test_a_forged_callback_leaves_the_payment_payable(ledger_app, shop, token):
    order_id = shop.start()
    forged = shop.client.get(f"/payments/{order_id}/approve?pg_token={token}")
    assert forged.status_code == 409 and shop.payment(order_id).status == "ready"
    real = shop.path(shop.pay(order_id))
    shop.client.get(f"/payments/{order_id}/approve?pg_token={token}")  # forged again, after the user paid
    assert shop.payment(order_id).status == "ready" and shop.payment(order_id).pg_token is None
    shop.client.get(real)
    assert shop.payment(order_id).status == "approved" and books(ledger_app) == []


def test_a_non_ascii_token_is_refused_without_touching_the_payment(ledger_app, shop):
    order_id, callback = paid_on_sheet(shop)
    assert shop.client.get(f"/payments/{order_id}/approve?pg_token=%ED%95%9C%EA%B8%80").status_code == 400
    assert shop.payment(order_id).status == "ready"
    shop.client.get(callback)
    assert shop.payment(order_id).status == "approved"


def test_the_sandbox_answers_a_non_ascii_token_with_a_json_4xx(ledger_app, shop):
    order_id = shop.start()
    shop.pay(order_id)
    payment = shop.payment(order_id)
    headers = {"Authorization": f"SECRET_KEY {ledger_app.config['SANDBOX_SECRET_KEY']}"}
    body = {"cid": "TC0ONETIME", "tid": payment.tid, "partner_order_id": order_id, "partner_user_id": payment.user_id}
    answer = shop.client.post(
        "/sandbox/kakaopay/online/v1/payment/approve", json={**body, "pg_token": "한글"}, headers=headers
    )
    assert answer.status_code == 400 and answer.json["error_code"] == -708


def in_parallel(count: int, work) -> list:
    results, barrier = [None] * count, threading.Barrier(count)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_parallel_callbacks_approve_once(ledger_app, shop):
    order_id, callback = paid_on_sheet(shop)
    statuses = in_parallel(8, lambda i: ledger_app.test_client().get(callback).status_code)
    assert set(statuses) == {303}
    assert shop.payment(order_id).status == "approved" and books(ledger_app) == []


def test_parallel_receipt_views_and_reconciles_recover_an_approving_payment_once(ledger_app, shop):
    """20 receipt views and reconcile clicks at once on a payment whose approve answer was lost."""
    ledger_app.faults.inject("approve", "server_error", times=2)  # the at-once retry too
    order_id, callback = paid_on_sheet(shop)
    shop.client.get(callback)
    assert shop.payment(order_id).status == "approving"

    def look(index: int) -> int:
        client = ledger_app.test_client()
        if index % 4 == 0:
            return client.post("/payments/reconcile").status_code
        return client.get(f"/payments/{order_id}", headers={"HX-Request": "true"}).status_code

    assert all(status < 500 for status in in_parallel(12, look))
    reconcile(ledger_app)
    assert shop.payment(order_id).status == "approved" and books(ledger_app) == []


def test_the_sheet_fault_fails_only_the_first_approve_and_the_retry_at_once_pays(ledger_app, shop):
    """서버 오류 (the sheet's option): the first approve answers 500, the order API says still waiting, and the approve
    retried at once pays: the buyer lands on 결제 완료, the timeline keeps the 500 and the retry, one charge."""
    order_id, callback = paid_on_sheet(shop, fault="server_error")
    shop.client.get(callback)
    assert shop.payment(order_id).status == "approved"
    with ledger_app.app_context():
        payment = db.session.get(Payment, shop.payment(order_id).id)
        approves = [exchange.http_status for exchange in payment.exchanges if exchange.endpoint == "approve"]
        causes = [event.cause for event in payment.events]
    assert approves == [500, 200] and "승인 재시도: 바로 다시 요청합니다" in causes
    assert books(ledger_app) == []


def test_the_retry_at_once_is_only_once(ledger_app, shop):
    """Two 500s: no third call from the callback; the payment stays 승인 확인 중 for the receipt's polls."""
    ledger_app.faults.inject("approve", "server_error", times=2)
    order_id, callback = paid_on_sheet(shop)
    shop.client.get(callback)
    assert shop.payment(order_id).status == "approving"
    shop.client.post(f"/payments/{order_id}/check")  # what the receipt's next poll (~1 s) does
    assert shop.payment(order_id).status == "approved" and books(ledger_app) == []


def test_sandbox_fault_fails_every_approve(make_test_app):
    from ..payments.conftest import Shop

    app = make_test_app(SANDBOX_FAULT="server_error", IN_FLIGHT_SECONDS=0)
    shop = Shop(app)
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    for _ in range(2):
        shop.client.post(f"/payments/{order_id}/check")
        assert shop.payment(order_id).status == "approving"


def test_a_definite_failure_ends_failed(ledger_app, shop):
    order_id, callback = paid_on_sheet(shop, fault="approve_fail")
    shop.client.get(callback)
    assert shop.payment(order_id).status == "failed" and books(ledger_app) == []


def test_a_held_claim_is_not_taken_until_it_lapses(make_test_app):
    from ..payments.conftest import Shop

    app = make_test_app(IN_FLIGHT_SECONDS=60)
    shop = Shop(app)
    order_id = shop.start()
    shop.pay(order_id)
    with app.app_context():
        payment = db.session.get(Payment, shop.payment(order_id).id)
        assert service.claim(payment, pg_token="x" * 20)  # a worker took it, then died
        assert not service.claim(payment)  # recovery waits for the claim to lapse
        payment.claimed_until = payment.claimed_until.replace(year=2000)
        db.session.commit()
        assert service.claim(payment)
