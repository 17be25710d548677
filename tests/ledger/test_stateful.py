"""A Hypothesis state machine against the ledger: checkouts, the sheet, callbacks (real, replayed, forged), refunds
(on the site and in KakaoPay's console), receipt views, reconcile runs and injected faults, in any order. After a
final reconcile the merchant's books must equal the sandbox's, one charge per payment, no paid payment marked failed,
and every pg_token the buyer delivered must have led to an approved payment."""

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

from ..conftest import sign_in
from ..payments.conftest import Shop
from ..sandbox.conftest import Kakao
from .conftest import books, reconcile
from .faults import FAULTS

WINDOW = 0.5  # IN_FLIGHT_SECONDS: how long a call may still land at KakaoPay after the site stopped waiting
EXAMPLES, STEPS = 200, 8  # ~25 s of CPU on SQLite
TABLES = (ApiExchange, PaymentEvent, RefundRecord, MerchantPayment, SandboxMessage, SandboxAction, SandboxPayment)


def run(app) -> dict:
    """Run the machine; returns counts of what it did (to show the test explores)."""
    seen = {"examples": 0, "steps": 0, "approved": 0, "refunds": 0, "unknown refunds": 0, "faults": 0}

    class Ledger(RuleBasedStateMachine):
        orders = Bundle("orders")

        def __init__(self):
            super().__init__()
            self.shop, self.kakao = Shop(app), Kakao(app)
            sign_in(self.shop.client)  # the merchant refunds and reconciles
            self.delivered: set[str] = set()  # orders whose buyer's real callback reached the site
            self.declined: set[str] = set()  # orders the sheet made fail on approve (−780)
            self.tokens: dict[str, str] = {}
            self.console_refunds: dict[str, int] = {}  # refunds made in KakaoPay's console, per order
            seen["examples"] += 1

        def payment(self, order_id: str) -> MerchantPayment:
            seen["steps"] += 1
            return self.shop.payment(order_id)

        @rule(target=orders, product=st.sampled_from(["choco-pie", "jeju-tangerine"]), quantity=st.integers(1, 3))
        def checkout(self, product, quantity):
            return self.shop.start(product=product, quantity=quantity)

        @rule(target=orders, fault=st.sampled_from(["", "", "server_error", "approve_fail"]))
        def buy(self, fault):
            """A buyer going all the way: checkout, pay on the sheet, back to the site."""
            order = self.shop.start()
            self.pay_on_sheet(order, fault)
            self.callback(order, "real")
            return order

        @rule(order=orders, fault=st.sampled_from(["", "", "server_error", "approve_fail"]))
        def pay_on_sheet(self, order, fault):
            callback = self.shop.pay(order, fault=fault)
            if callback and "pg_token=" in callback:
                self.tokens[order] = callback.split("pg_token=")[1]
                if fault == "approve_fail":
                    self.declined.add(order)

        @rule(order=orders, action=st.sampled_from(["quit", "fail"]))
        def leave_sheet(self, order, action):
            location = self.shop.on_sheet(order, action)
            if location:
                self.shop.client.get(self.shop.path(location))

        @rule(order=orders, kind=st.sampled_from(["real", "real", "forged", "forged_long"]))
        def callback(self, order, kind):
            token = {"real": self.tokens.get(order), "forged": "f" * 20, "forged_long": "L" * 21}[kind]
            if token is None:
                return
            response = self.shop.client.get(f"/payments/{order}/approve?pg_token={token}")
            assert response.status_code < 500
            if kind == "real":
                self.delivered.add(order)

        @rule(endpoint=st.sampled_from(["approve", "cancel", "order"]), fault=st.sampled_from(FAULTS[:-1]))
        def inject(self, endpoint, fault):
            seen["faults"] += 1
            app.faults.inject(endpoint, fault)

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
        def refund_in_kakaopay_console(self, order, amount):
            payment = self.payment(order)
            if payment.tid and self.kakao.cancel(payment.tid, amount).status_code == 200:  # refused: not paid, too much
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
            problems = books(app)
            for order in self.delivered - self.declined:
                status = self.shop.payment(order).status
                if status not in ("approved", "partially_refunded", "refunded"):
                    problems.append(f"{order}: the buyer's pg_token was delivered, payment is {status}")
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
                for table in TABLES:
                    db.session.execute(delete(table))
                db.session.commit()
            app.faults.released.clear()
            assert problems == []

    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    return seen


@pytest.mark.timeout(300)
def test_the_books_balance_after_any_interleaving(ledger_app):
    ledger_app.faults.late_seconds = WINDOW / 4  # a late request lands within the in-flight window
    ledger_app.config["IN_FLIGHT_SECONDS"] = WINDOW
    seen = run(ledger_app)
    print(seen)
    assert seen["examples"] >= EXAMPLES and seen["approved"] > 20 and seen["refunds"] > 50 and seen["faults"] > 50
