"""Ledger tests: the merchant's books against the sandbox's, under faults and concurrency."""

import pytest
from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.payments.refund_records import RefundRecord, RefundState
from demo.sandbox.models import SandboxAction, SandboxPayment

from ..conftest import sign_in
from ..manage.conftest import paid  # noqa: F401  (the paid-order factory, over this folder's signed-in shop)
from ..payments.conftest import Shop
from .faults import FaultyTransport

# Merchant status → the sandbox statuses that agree with it.
AGREES = {
    "ready": {"READY", "SEND_TMS", "OPEN_PAYMENT", "SELECT_METHOD", "AUTH_PASSWORD"},
    "approving": {"AUTH_PASSWORD"},
    "approved": {"SUCCESS_PAYMENT"},
    "partially_refunded": {"PART_CANCEL_PAYMENT"},
    "refunded": {"CANCEL_PAYMENT"},
    "cancelled": {"QUIT_PAYMENT"},
    "failed": {"FAIL_PAYMENT"},
}


def books(app, final: bool = True) -> list[str]:
    """Every way the merchant's books differ from the sandbox's (empty: they balance). ``final``: after a final
    reconcile, nothing may be left in flight at the merchant when the sandbox has finished."""
    problems = []
    with app.app_context():
        for payment in db.session.scalars(select(Payment).order_by(Payment.id)):
            if payment.tid is None:
                continue
            kakao = db.session.scalar(select(SandboxPayment).filter_by(tid=payment.tid))
            actions = db.session.scalars(select(SandboxAction).filter_by(payment_id=kakao.id)).all()
            charges = [a for a in actions if a.action_type == "PAYMENT"]
            cancels = sorted(a.amount for a in actions if a.action_type == "CANCEL")
            refunds = db.session.scalars(select(RefundRecord).filter_by(payment_id=payment.id)).all()
            done = sorted(r.amount for r in refunds if r.state == RefundState.DONE)
            where = f"{payment.order_id} ({payment.status} / {kakao.status})"
            if len(charges) > 1:
                problems.append(f"{where}: {len(charges)} charges")
            if kakao.status not in AGREES[payment.status]:
                problems.append(f"{where}: status disagrees")
            if kakao.status in ("SUCCESS_PAYMENT", "PART_CANCEL_PAYMENT", "CANCEL_PAYMENT") and payment.status in (
                "failed",
                "cancelled",
            ):
                problems.append(f"{where}: paid payment marked {payment.status}")
            if payment.canceled_amount != kakao.canceled_amount:
                problems.append(f"{where}: refunded {payment.canceled_amount} vs {kakao.canceled_amount}")
            if (payment.canceled_tax_free_amount, payment.canceled_vat_amount) != (
                kakao.canceled_tax_free_amount,
                kakao.canceled_vat_amount,
            ):
                problems.append(f"{where}: refunded tax-free/VAT differ")
            if done != cancels:
                problems.append(f"{where}: refund records {done} vs KakaoPay cancels {cancels}")
            if final and any(r.state in RefundState.IN_FLIGHT for r in refunds):
                problems.append(f"{where}: a refund still open")
            if final and payment.status == "approving":
                problems.append(f"{where}: still approving")
    return problems


@pytest.fixture
def ledger_app(make_test_app):
    """An app whose in-flight windows are short (a lapsed claim, an unanswered refund) and whose reconcile takes
    everything at once, with the fault transport in place."""
    app = make_test_app(IN_FLIGHT_SECONDS=0, RECONCILE_AFTER=0, STALE_AFTER=3600, PROVIDER_TIMEOUT=10.0)
    app.faults = FaultyTransport.install(app)
    yield app
    app.faults.release()
    app.faults.settle()


@pytest.fixture
def shop(ledger_app):
    """The buyer's browser, also signed in to the console (the ledger tests refund and reconcile as the merchant)."""
    shop = Shop(ledger_app)
    sign_in(shop.client)
    return shop


def reconcile(app) -> str:
    return app.test_cli_runner().invoke(args=["payments", "reconcile"]).output
