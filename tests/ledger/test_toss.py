"""The ledger with 토스페이먼츠: one confirm per payment under parallel callbacks, confirms without an answer (timeout,
lost answer, 5xx) recovered by lookup, a tampered amount never confirmed, a twin confirm (ALREADY_PROCESSED_PAYMENT)
meaning paid, webhooks that lie, repeat or come out of order changing nothing but what the order API says, and refunds
(partial, the rest, unknown outcomes, made at Toss) settled to the sandbox's books."""

import json
import time

import pytest
from sqlalchemy import func, select

from demo.extensions import db
from demo.payments.models import ApiExchange, Payment, PaymentEvent
from demo.payments.refund_records import RefundRecord
from demo.sandbox_toss import webhooks
from demo.sandbox_toss.models import TossSandboxPayment, TossSandboxWebhookDelivery

from ..browser.conftest import LiveServer
from ..conftest import callbacks_at_once, sign_in
from ..sandbox_toss.conftest import Toss
from .conftest import reconcile
from .test_approve import in_parallel
from .toss import LedgerTossShop, query, toss_books, toss_order, with_query

WEBHOOK = "/payments/webhooks/tosspayments"


@pytest.fixture
def shop(ledger_app):
    shop = LedgerTossShop(ledger_app)
    sign_in(shop.client)
    return shop


@pytest.fixture
def toss(ledger_app):
    """Toss's API called directly, as the merchant's staff (or a twin process) would: outside the site."""
    return Toss(ledger_app)


def paid_in_window(shop, **form) -> tuple[str, str]:
    """Checkout and pay in the window; (order id, the successUrl's path and query)."""
    order_id = shop.start()
    return order_id, shop.path(shop.pay(order_id, **form))


def paid(shop) -> str:
    order_id, success = paid_in_window(shop)
    shop.client.get(success)
    assert shop.payment(order_id).status == "approved"
    return order_id


def confirms(app, order_id: str) -> list[int | None]:
    """The HTTP status of each confirm the site sent for ``order_id`` (None: no answer)."""
    with app.app_context():
        payment_id = db.session.scalar(select(Payment.id).filter_by(order_id=order_id))
        query_ = select(ApiExchange.http_status).filter_by(payment_id=payment_id, endpoint="confirm")
        return list(db.session.scalars(query_.order_by(ApiExchange.id)))


def ever(app, order_id: str, status: str) -> bool:
    with app.app_context():
        payment_id = db.session.scalar(select(Payment.id).filter_by(order_id=order_id))
        counted = select(func.count()).select_from(PaymentEvent).filter_by(payment_id=payment_id, to_status=status)
        return bool(db.session.scalar(counted))


def claims(app, order_id: str) -> int:
    with app.app_context():
        payment_id = db.session.scalar(select(Payment.id).filter_by(order_id=order_id))
        return db.session.scalar(
            select(func.count()).select_from(PaymentEvent).filter_by(payment_id=payment_id, to_status="approving")
        )


def refund(client, order_id: str, amount: int, seen: int, kind: str = "partial"):
    data = {"kind": kind, "amount": str(amount), "seen_canceled": seen}
    return client.post(f"/payments/{order_id}/refund", data=data, headers={"HX-Request": "true"})


def states(app, order_id: str) -> list[tuple[int, str, bool]]:
    with app.app_context():
        payment_id = db.session.scalar(select(Payment.id).filter_by(order_id=order_id))
        rows = db.session.scalars(select(RefundRecord).filter_by(payment_id=payment_id).order_by(RefundRecord.id))
        return [(row.amount, row.state, row.external) for row in rows]


# ── confirm: once, whatever the network does ──────────────────────────────────────────────────────────────────────


def test_parallel_success_callbacks_over_http_confirm_once(make_test_app):
    app = make_test_app()
    shop, order_id = callbacks_at_once(app, LedgerTossShop)
    assert shop.payment(order_id).status == "approved"
    assert confirms(app, order_id) == [200] and claims(app, order_id) == 1
    assert toss_books(app) == []


def test_parallel_callbacks_during_a_slow_confirm_wait_for_it(ledger_app, shop):
    """The first confirm is slow (the window's 느린 응답): eight callbacks at once still make one confirm."""
    ledger_app.config["TOSS_SANDBOX_SLOW_SECONDS"] = 0.5
    order_id, success = paid_in_window(shop, fault="slow")
    statuses = in_parallel(8, lambda i: ledger_app.test_client().get(success).status_code)
    assert set(statuses) == {303}
    assert shop.payment(order_id).status == "approved" and confirms(ledger_app, order_id) == [200]
    assert toss_books(ledger_app) == []


@pytest.mark.parametrize("fault", ["lose_request", "lose_answer", "late", "server_error", "server_error_after"])
def test_a_confirm_with_an_unknown_outcome_ends_approved_once(ledger_app, shop, fault):
    ledger_app.faults.inject("confirm", fault)
    order_id, success = paid_in_window(shop)
    assert shop.client.get(success).status_code == 303
    assert shop.payment(order_id).status in ("approving", "approved")  # never failed
    ledger_app.faults.settle()
    shop.client.get(f"/payments/{order_id}")  # the receipt's poll looks it up
    assert shop.payment(order_id).status == "approved"
    assert not ever(ledger_app, order_id, "failed") and toss_books(ledger_app) == []


def test_a_confirm_that_times_out_stays_approving_then_reconcile_approves(ledger_app, shop):
    """The slow fault with a read timeout shorter than it: no answer, the claim kept; the confirm lands at Toss
    after the site gave up, and reconcile's lookup finds it DONE."""
    ledger_app.config.update(PROVIDER_TIMEOUT=0.3, TOSS_SANDBOX_SLOW_SECONDS=1.0, IN_FLIGHT_SECONDS=5)
    order_id, success = paid_in_window(shop, fault="slow")
    started = time.monotonic()
    assert shop.client.get(success).status_code == 303
    assert shop.payment(order_id).status == "approving" and confirms(ledger_app, order_id) == [None]
    shop.client.get(f"/payments/{order_id}")  # while the confirm still runs there: nothing is guessed
    assert shop.payment(order_id).status == "approving" and confirms(ledger_app, order_id) == [None]
    while toss_order(ledger_app, order_id)["status"] != "DONE":  # the slow confirm lands there after ~1 s
        assert time.monotonic() - started < 10, "the slow confirm never landed at Toss"
        time.sleep(0.1)
    reconcile(ledger_app)
    payment = shop.payment(order_id)
    assert payment.status == "approved" and payment.claimed_until is None
    assert confirms(ledger_app, order_id) == [None] and toss_books(ledger_app) == []


def test_every_confirm_failing_5xx_stays_approving_until_toss_recovers(ledger_app, shop):
    ledger_app.config["TOSS_SANDBOX_FAULT"] = "server_error"
    order_id, success = paid_in_window(shop)
    shop.client.get(success)
    shop.client.get(f"/payments/{order_id}")
    assert shop.payment(order_id).status == "approving" and set(confirms(ledger_app, order_id)) == {500}
    ledger_app.config["TOSS_SANDBOX_FAULT"] = None
    reconcile(ledger_app)
    assert shop.payment(order_id).status == "approved" and confirms(ledger_app, order_id)[-1] == 200
    assert not ever(ledger_app, order_id, "failed") and toss_books(ledger_app) == []


def test_the_windows_server_error_fails_only_the_first_confirm_and_the_retry_at_once_pays(ledger_app, shop):
    order_id, success = paid_in_window(shop, fault="server_error")
    shop.client.get(success)
    assert shop.payment(order_id).status == "approved" and confirms(ledger_app, order_id) == [500, 200]
    assert toss_books(ledger_app) == []


def test_a_refused_confirm_ends_failed(ledger_app, shop):
    order_id, success = paid_in_window(shop, fault="reject")
    shop.client.get(success)
    payment = shop.payment(order_id)
    assert payment.status == "failed" and payment.failure_code == "REJECT_CARD_PAYMENT"
    assert toss_order(ledger_app, order_id)["status"] == "ABORTED" and toss_books(ledger_app) == []


def test_a_tampered_amount_is_never_confirmed_and_expiry_ends_it(ledger_app, shop):
    ledger_app.config["TOSS_SANDBOX_CONFIRM_TTL"] = 1
    order_id, success = paid_in_window(shop)
    assert shop.client.get(with_query(success, amount="10")).status_code == 409
    payment = shop.payment(order_id)
    assert payment.status == "ready" and payment.pg_token is None and confirms(ledger_app, order_id) == []
    assert toss_books(ledger_app, final=False) == []
    time.sleep(1.1)  # the buyer's authentication expires at Toss unconfirmed
    reconcile(ledger_app)
    assert shop.payment(order_id).status == "cancelled" and toss_order(ledger_app, order_id)["status"] == "EXPIRED"
    shop.client.get(success)  # the real successUrl, too late: nothing is confirmed
    assert confirms(ledger_app, order_id) == [] and not ever(ledger_app, order_id, "approved")
    assert toss_books(ledger_app) == []


def test_already_processed_payment_means_look_it_up(ledger_app, shop, toss):
    """A twin confirm won outside our claim (here: straight at Toss's API before our callback): our confirm answers
    ALREADY_PROCESSED_PAYMENT, the order API says DONE, the payment is approved, never failed."""
    order_id, success = paid_in_window(shop)
    assert toss.confirm(query(success)).status_code == 200
    assert shop.client.get(success).status_code == 303
    payment = shop.payment(order_id)
    assert payment.status == "approved" and payment.tid == query(success)["paymentKey"]
    assert confirms(ledger_app, order_id) == [400] and not ever(ledger_app, order_id, "failed")
    assert toss_books(ledger_app) == []


def test_already_processed_with_the_lookup_lost_is_settled_later(ledger_app, shop, toss):
    ledger_app.faults.inject("order", "lose_answer")
    order_id, success = paid_in_window(shop)
    toss.confirm(query(success))
    shop.client.get(success)
    assert shop.payment(order_id).status == "approving"  # paid there; we could not read it yet
    reconcile(ledger_app)
    assert shop.payment(order_id).status == "approved" and not ever(ledger_app, order_id, "failed")
    assert toss_books(ledger_app) == []


# ── webhooks: only ever a reason to look up ───────────────────────────────────────────────────────────────────────


def queued(app, order_id: str) -> list[dict]:
    """The sandbox's PAYMENT_STATUS_CHANGED events for ``order_id``, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(TossSandboxWebhookDelivery.body)
            .join(TossSandboxPayment, TossSandboxPayment.id == TossSandboxWebhookDelivery.payment_id)
            .where(TossSandboxPayment.order_id == order_id)
            .order_by(TossSandboxWebhookDelivery.id)
        ).all()
    return [json.loads(body) for body in rows]


def test_webhooks_out_of_order_duplicated_and_forged_leave_the_books_equal(ledger_app, shop, toss):
    order_id = paid(shop)
    refund(shop.client, order_id, 1000, 0)
    key = shop.payment(order_id).tid
    assert toss.cancel(key, cancelAmount=500).status_code == 200  # at Toss, outside the site
    assert toss_books(ledger_app, final=False) != []  # not noticed yet
    events = queued(ledger_app, order_id)
    assert [event["data"]["status"] for event in events] == ["DONE", "PARTIAL_CANCELED", "PARTIAL_CANCELED"]
    other = paid(shop)
    forged = [
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": {**events[0]["data"], "status": "CANCELED"}},  # a lie
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": "nobody-here", "paymentKey": "x"}},
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": other, "paymentKey": key, "status": "CANCELED"}},
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": 7}},
        {"eventType": "DEPOSIT_CALLBACK", "data": {"orderId": order_id}},
        ["not", "an", "object"],
    ]
    for body in [*reversed(events), *events, *forged, events[0]]:  # out of order, twice, forged, an old one replayed
        assert shop.client.post(WEBHOOK, json=body).status_code == 200
    assert shop.client.post(WEBHOOK, data="{", content_type="application/json").status_code == 200
    assert states(ledger_app, order_id) == [(1000, "done", False), (500, "done", True)]  # recorded once, external
    payment = shop.payment(order_id)
    assert payment.canceled_amount == 1500 and payment.status == "partially_refunded"
    assert shop.payment(other).status == "approved" and shop.payment(other).canceled_amount == 0
    assert toss_books(ledger_app) == []
    assert "0 payment(s) changed" in reconcile(ledger_app)


def test_a_webhook_settles_a_confirm_whose_answer_was_lost(ledger_app, shop):
    ledger_app.faults.inject("confirm", "lose_answer")
    order_id, success = paid_in_window(shop)
    shop.client.get(success)
    assert shop.payment(order_id).status == "approving"
    (done,) = queued(ledger_app, order_id)
    shop.client.post(WEBHOOK, json=done)
    assert shop.payment(order_id).status == "approved" and toss_books(ledger_app) == []


def test_a_full_refund_at_toss_is_noticed_by_the_sandboxs_own_webhook_over_http(make_test_app):
    """The sandbox's webhook sender posts to the live site; its lookup records the refund as external."""
    app = make_test_app()
    with LiveServer(app) as server:
        shop = LedgerTossShop(app)
        order_id = paid(shop)
        assert Toss(app).cancel(shop.payment(order_id).tid).status_code == 200
        with app.test_request_context(base_url=server.url):
            assert webhooks.deliver_due() == 2  # DONE, CANCELED
            assert webhooks.deliver_due() == 0  # both answered 200
    payment = shop.payment(order_id)
    assert payment.status == "refunded" and states(app, order_id) == [(payment.total_amount, "done", True)]
    assert toss_books(app) == []


def test_a_refund_at_toss_is_recorded_by_reconcile(ledger_app, shop, toss):
    order_id = paid(shop)
    refund(shop.client, order_id, 1000, 0)
    toss.cancel(shop.payment(order_id).tid, cancelAmount=700)
    assert f"{order_id}: 사이트 밖에서 한 700원 취소를 기록" in reconcile(ledger_app)
    assert states(ledger_app, order_id) == [(1000, "done", False), (700, "done", True)]
    assert toss_books(ledger_app) == [] and "0 payment(s) changed" in reconcile(ledger_app)


# ── refunds ───────────────────────────────────────────────────────────────────────────────────────────────────────


def test_a_partial_refund_then_the_rest(ledger_app, shop):
    order_id = paid(shop)
    total = shop.payment(order_id).total_amount
    assert "취소 완료" in refund(shop.client, order_id, 1000, 0).get_data(as_text=True)
    assert shop.payment(order_id).status == "partially_refunded" and toss_books(ledger_app) == []
    refund(shop.client, order_id, 0, 1000, kind="full")
    payment = shop.payment(order_id)
    assert payment.status == "refunded" and payment.canceled_amount == total
    assert states(ledger_app, order_id) == [(1000, "done", False), (total - 1000, "done", False)]
    assert payment.canceled_tax_free_amount == payment.tax_free_amount
    assert payment.canceled_vat_amount == payment.vat_amount and toss_books(ledger_app) == []


@pytest.mark.parametrize("fault", ["lose_request", "lose_answer", "late", "server_error", "server_error_after"])
def test_a_refund_without_an_answer_is_unknown_then_settled_by_reconcile(ledger_app, shop, fault):
    order_id = paid(shop)
    ledger_app.faults.inject("cancel", fault)
    page = refund(shop.client, order_id, 1000, 0).get_data(as_text=True)
    assert "확인 중" in page and states(ledger_app, order_id) == [(1000, "unknown", False)]
    refused = refund(shop.client, order_id, 500, shop.payment(order_id).canceled_amount).get_data(as_text=True)
    assert "처리 중인 취소 요청" in refused  # at most one refund in flight
    ledger_app.faults.settle()
    reconcile(ledger_app)
    happened = fault in ("lose_answer", "late", "server_error_after")
    assert states(ledger_app, order_id) == [(1000, "done" if happened else "failed", False)]
    assert shop.payment(order_id).canceled_amount == (1000 if happened else 0)
    assert toss_books(ledger_app) == []
    assert "처리 중인 취소 요청" not in refund(shop.client, order_id, 500, shop.payment(order_id).canceled_amount).text
    assert toss_books(ledger_app) == []


def test_parallel_identical_refunds_refund_once(ledger_app, shop):
    order_id = paid(shop)
    clients = [sign_in(ledger_app.test_client()) for _ in range(10)]
    results = in_parallel(10, lambda i: refund(clients[i], order_id, 1000, 0).status_code)
    assert all(status < 500 for status in results)
    assert states(ledger_app, order_id) == [(1000, "done", False)]
    assert shop.payment(order_id).canceled_amount == 1000 and toss_books(ledger_app) == []


def test_a_cancel_callback_whose_lookup_is_lost_leaves_the_window_payable(ledger_app, shop):
    """취소 in Toss's window keeps the payment READY there (the buyer may come back), and failUrl is anyone's to open:
    when the order API cannot be asked, the site must not end the payment on the callback's word."""
    order_id = shop.start()
    fail = shop.in_window(order_id, "cancel")
    ledger_app.faults.inject("order", "lose_answer")
    shop.client.get(shop.path(fail))
    assert shop.payment(order_id).status == "ready"
    success = shop.pay(order_id)  # back in the window
    shop.client.get(shop.path(success))
    assert shop.payment(order_id).status == "approved" and toss_books(ledger_app) == []
