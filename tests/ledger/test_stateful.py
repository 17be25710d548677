"""A Hypothesis state machine against the ledger, for each platform: checkouts, the sheet or window, callbacks (real,
replayed, forged, a tampered amount), refunds (on the site and in the platform's console), receipt views, reconcile
runs, injected faults and (Toss) twin confirms and webhooks, in any order. After a final reconcile the merchant's books
must equal the sandbox's, one charge per payment, no paid payment marked failed, and every pg_token / paymentKey the
buyer delivered must have led to an approved payment."""

import time

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import delete, func, select

from demo.extensions import db
from demo.payments.models import ApiExchange, PaymentEvent
from demo.payments.models import Payment as MerchantPayment
from demo.payments.refund_records import RefundRecord
from demo.sandbox.models import SandboxAction, SandboxMessage, SandboxPayment
from demo.sandbox_toss.models import (
    TossSandboxCancel,
    TossSandboxIdempotencyRecord,
    TossSandboxPayment,
    TossSandboxWebhookDelivery,
)

from ..conftest import sign_in
from ..payments.conftest import Shop
from ..sandbox.conftest import Kakao
from ..sandbox_toss.conftest import Toss
from .conftest import books, reconcile
from .faults import FAULTS
from .test_toss import queued
from .toss import LedgerTossShop, query, toss_books, with_query

WINDOW = 0.5  # IN_FLIGHT_SECONDS: how long a call may still land at the platform after the site stopped waiting
STEPS = 8
EXAMPLES = {"kakaopay": 200, "tosspayments": 60}  # ~25 s and ~12 s on SQLite
MERCHANT_TABLES = (ApiExchange, PaymentEvent, RefundRecord, MerchantPayment)
TABLES = {
    "kakaopay": (*MERCHANT_TABLES, SandboxMessage, SandboxAction, SandboxPayment),
    "tosspayments": (
        *MERCHANT_TABLES,
        TossSandboxWebhookDelivery,
        TossSandboxCancel,
        TossSandboxIdempotencyRecord,
        TossSandboxPayment,
    ),
}


def run(app, platform: str = "kakaopay") -> dict:
    """Run the machine for ``platform``; returns counts of what it did (to show the test explores)."""
    seen = {"examples": 0, "steps": 0, "approved": 0, "refunds": 0, "unknown refunds": 0, "faults": 0}

    class Ledger(RuleBasedStateMachine):
        """What the site does the same for every platform: refunds, receipts, reconcile, faults, the final books."""

        orders = Bundle("orders")
        endpoints = ("approve", "cancel", "order")

        def __init__(self):
            super().__init__()
            self.shop = self.make_shop()
            sign_in(self.shop.client)  # the merchant refunds and reconciles
            self.delivered: set[str] = set()  # orders whose buyer's real callback reached the site
            self.declined: set[str] = set()  # orders the sheet or window made fail on approve
            self.tokens: dict[str, str] = {}
            self.console_refunds: dict[str, int] = {}  # refunds made in the platform's console, per order
            seen["examples"] += 1

        def payment(self, order_id: str) -> MerchantPayment:
            seen["steps"] += 1
            return self.shop.payment(order_id)

        @rule(target=orders, product=st.sampled_from(["choco-pie", "jeju-tangerine"]), quantity=st.integers(1, 3))
        def checkout(self, product, quantity):
            return self.shop.start(product=product, quantity=quantity)

        @rule(data=st.data())
        def inject(self, data):
            seen["faults"] += 1
            app.faults.inject(data.draw(st.sampled_from(self.endpoints)), data.draw(st.sampled_from(FAULTS[:-1])))

        @rule(order=orders, amount=st.integers(1, 5000), stale=st.booleans())
        def refund(self, order, amount, stale):
            seen_canceled = self.payment(order).canceled_amount - (1 if stale else 0)
            data = {"kind": "partial", "amount": str(amount), "seen_canceled": seen_canceled}
            response = self.shop.client.post(f"/payments/{order}/refund", data=data, follow_redirects=True)
            assert response.status_code < 500
            seen["refunds"] += 1
            seen["unknown refunds"] += "취소 결과를 확인하고 있습니다" in response.get_data(as_text=True)

        @rule(order=orders, amount=st.integers(1, 3000), fault=st.sampled_from(FAULTS[:-1]))
        def refund_through_a_fault(self, order, amount, fault):
            app.faults.inject("cancel", fault)
            self.refund(order, amount, stale=False)

        @rule(order=orders, amount=st.integers(1, 3000))
        def refund_in_the_platforms_console(self, order, amount):
            payment = self.payment(order)
            if payment.tid and self.console_cancel(payment.tid, amount):  # refused: not paid, too much
                self.console_refunds[order] = self.console_refunds.get(order, 0) + 1

        @rule(order=orders)
        def view_receipt(self, order):
            assert self.shop.client.get(f"/payments/{order}").status_code < 500

        @rule()
        def run_reconcile(self):
            assert self.shop.client.post("/payments/reconcile").status_code == 303

        def teardown(self):
            app.faults.plan.clear()
            app.faults.release()
            app.faults.settle()
            with app.app_context():  # let the claims and unanswered refunds of this example lapse
                open_calls = db.session.scalar(
                    select(func.count()).where(
                        (MerchantPayment.claimed_until.is_not(None)) | MerchantPayment.refund_claimed.is_(True)
                    )
                )
            if open_calls:
                time.sleep(WINDOW)
            reconcile(app)
            problems = self.books()
            for order in self.delivered - self.declined:
                status = self.shop.payment(order).status
                if status not in ("approved", "partially_refunded", "refunded"):
                    problems.append(f"{order}: the buyer's token was delivered, payment is {status}")
                seen["approved"] += 1
            with app.app_context():
                for order in self.tokens.keys() | self.console_refunds.keys():
                    payment_id = db.session.scalar(select(MerchantPayment.id).filter_by(order_id=order))
                    external = db.session.scalar(
                        select(func.count()).where(RefundRecord.payment_id == payment_id, RefundRecord.external)
                    )
                    if external != self.console_refunds.get(order, 0):  # a site refund mistaken for an external one
                        problems.append(
                            f"{order}: {external} external refunds, {self.console_refunds.get(order, 0)} made"
                        )
                for table in TABLES[platform]:
                    db.session.execute(delete(table))
                db.session.commit()
            app.faults.released.clear()
            assert problems == []

    class KakaoLedger(Ledger):
        def make_shop(self):
            self.kakao = Kakao(app)
            return Shop(app)

        def console_cancel(self, tid: str, amount: int) -> bool:
            return self.kakao.cancel(tid, amount).status_code == 200

        def books(self) -> list[str]:
            return books(app)

        @rule(target=Ledger.orders, fault=st.sampled_from(["", "", "server_error", "approve_fail"]))
        def buy(self, fault):
            """A buyer going all the way: checkout, pay on the sheet, back to the site."""
            order = self.shop.start()
            self.pay_on_sheet(order, fault)
            self.callback(order, "real")
            return order

        @rule(order=Ledger.orders, fault=st.sampled_from(["", "", "server_error", "approve_fail"]))
        def pay_on_sheet(self, order, fault):
            callback = self.shop.pay(order, fault=fault)
            if callback and "pg_token=" in callback:
                self.tokens[order] = callback.split("pg_token=")[1]
                if fault == "approve_fail":
                    self.declined.add(order)

        @rule(order=Ledger.orders, action=st.sampled_from(["quit", "fail"]))
        def leave_sheet(self, order, action):
            location = self.shop.on_sheet(order, action)
            if location:
                self.shop.client.get(self.shop.path(location))

        @rule(order=Ledger.orders, kind=st.sampled_from(["real", "real", "forged", "forged_long"]))
        def callback(self, order, kind):
            token = {"real": self.tokens.get(order), "forged": "f" * 20, "forged_long": "L" * 21}[kind]
            if token is None:
                return
            response = self.shop.client.get(f"/payments/{order}/approve?pg_token={token}")
            assert response.status_code < 500
            if kind == "real":
                self.delivered.add(order)

    class TossLedger(Ledger):
        """Toss's own moves: the window (pay with a test option, 취소, a refusal), successUrl (real, a tampered
        amount, a forged paymentKey), a twin confirm straight at Toss's API, and its webhooks (replayed in any order,
        or with a lying status)."""

        endpoints = ("confirm", "cancel", "order")

        def make_shop(self):
            self.toss = Toss(app)
            return LedgerTossShop(app)

        def console_cancel(self, tid: str, amount: int) -> bool:
            return self.toss.cancel(tid, cancelAmount=amount).status_code == 200

        def books(self) -> list[str]:
            return toss_books(app)

        @rule(target=Ledger.orders, fault=st.sampled_from(["", "", "server_error", "reject"]))
        def buy(self, fault):
            order = self.shop.start()
            self.pay_in_window(order, fault)
            self.callback(order, "real")
            return order

        @rule(order=Ledger.orders, fault=st.sampled_from(["", "", "server_error", "reject"]))
        def pay_in_window(self, order, fault):
            success = self.shop.pay(order, fault=fault)
            if success and "/toss/success?" in success:
                self.tokens[order] = self.shop.path(success)
                if fault == "reject":
                    self.declined.add(order)

        @rule(order=Ledger.orders, action=st.sampled_from(["cancel", "fail"]))
        def leave_window(self, order, action):
            location = self.shop.in_window(order, action)
            if location:
                assert self.shop.client.get(self.shop.path(location)).status_code < 500

        @rule(order=Ledger.orders, kind=st.sampled_from(["real", "real", "tampered", "forged"]))
        def callback(self, order, kind):
            success = self.tokens.get(order)
            if success is None:
                return
            url = {"real": success, "tampered": with_query(success, amount="1"),
                   "forged": with_query(success, paymentKey="tforg20250101000000xxxxx")}[kind]  # fmt: skip
            assert self.shop.client.get(url).status_code < 500
            if kind == "real":
                self.delivered.add(order)

        @rule(order=Ledger.orders)
        def twin_confirm_at_toss(self, order):
            """Another process confirms the same payment outside our claim."""
            if order in self.tokens:
                self.toss.confirm(query(self.tokens[order]))

        @rule(order=Ledger.orders, index=st.integers(0, 4), lie=st.booleans())
        def webhook(self, order, index, lie):
            events = queued(app, order) or [{"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": order}}]
            body = events[index % len(events)]
            if lie:
                body = {**body, "data": {**body["data"], "status": "CANCELED", "balanceAmount": 0}}
            assert self.shop.client.post("/payments/webhooks/tosspayments", json=body).status_code == 200

    run_state_machine_as_test(
        KakaoLedger if platform == "kakaopay" else TossLedger,
        settings=settings(
            max_examples=EXAMPLES[platform],
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    return seen


@pytest.mark.timeout(300)
@pytest.mark.parametrize("platform", ["kakaopay", "tosspayments"])
def test_the_books_balance_after_any_interleaving(ledger_app, platform):
    ledger_app.faults.late_seconds = WINDOW / 4  # a late request lands within the in-flight window
    ledger_app.config["IN_FLIGHT_SECONDS"] = WINDOW
    seen = run(ledger_app, platform)
    print(seen)
    share = EXAMPLES[platform] / EXAMPLES["kakaopay"]
    assert seen["examples"] >= EXAMPLES[platform]
    assert seen["approved"] > 20 * share and seen["refunds"] > 50 * share and seen["faults"] > 50 * share
