"""Toss's side of the ledger tests: the books against the sandbox's order API, and a visitor that tolerates windows
the sandbox refuses (the state machine opens them in any order)."""

from urllib.parse import parse_qs, urlencode, urlsplit

from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.payments.refund_records import RefundRecord, RefundState

from ..payments.conftest import TossShop
from ..sandbox_toss.conftest import API, basic

# Merchant status → the Toss statuses that agree with it (None: Toss has no record of the orderId).
TOSS_AGREES = {
    "ready": {None, "READY", "IN_PROGRESS"},
    "approving": {"IN_PROGRESS"},
    "approved": {"DONE"},
    "partially_refunded": {"PARTIAL_CANCELED"},
    "refunded": {"CANCELED"},
    "cancelled": {None, "EXPIRED"},
    "failed": {"ABORTED", "EXPIRED"},
}
TOSS_PAID = {"DONE", "PARTIAL_CANCELED", "CANCELED"}


def toss_order(app, order_id: str) -> dict | None:
    """The sandbox's Payment object for ``order_id`` through its order API, as the merchant would ask (None: 404)."""
    headers = {"Authorization": basic(app.config["TOSS_SANDBOX_SECRET_KEY"])}
    answer = app.test_client().get(f"{API}/orders/{order_id}", headers=headers)
    assert answer.status_code in (200, 404), answer.get_data(as_text=True)
    return answer.json if answer.status_code == 200 else None


def toss_books(app, final: bool = True) -> list[str]:
    """Every way the merchant's books of Toss payments differ from the sandbox's (empty: they balance)."""
    problems = []
    with app.app_context():
        payments = db.session.scalars(select(Payment).filter_by(provider="tosspayments").order_by(Payment.id)).all()
        refunds = {
            payment.id: db.session.scalars(select(RefundRecord).filter_by(payment_id=payment.id)).all()
            for payment in payments
        }
        db.session.expunge_all()
    for payment in payments:
        data = toss_order(app, payment.order_id)
        status = data["status"] if data else None
        where = f"{payment.order_id} ({payment.status} / {status})"
        if status not in TOSS_AGREES[payment.status]:
            problems.append(f"{where}: status disagrees")
        if status in TOSS_PAID and payment.status in ("failed", "cancelled"):
            problems.append(f"{where}: paid payment marked {payment.status}")
        done = sorted((r.aid, r.amount) for r in refunds[payment.id] if r.state == RefundState.DONE)
        cancels = [c for c in (data or {}).get("cancels") or [] if c.get("cancelStatus") == "DONE"]
        if done != sorted((c["transactionKey"], c["cancelAmount"]) for c in cancels):
            problems.append(f"{where}: refund records {done} vs Toss cancels {cancels}")
        if status in TOSS_PAID:
            refunded, vat_left = (
                data["totalAmount"] - data["balanceAmount"],
                payment.vat_amount - payment.canceled_vat_amount,
            )
            if payment.tid != data["paymentKey"]:
                problems.append(f"{where}: paymentKey {payment.tid} vs {data['paymentKey']}")
            if payment.canceled_amount != refunded:
                problems.append(f"{where}: refunded {payment.canceled_amount} vs {refunded}")
            if payment.canceled_tax_free_amount != sum(c["taxFreeAmount"] for c in cancels):
                problems.append(f"{where}: refunded tax-free differs")
            if vat_left != data["vat"]:
                problems.append(f"{where}: VAT left {vat_left} vs {data['vat']}")
        elif payment.canceled_amount:
            problems.append(f"{where}: refunded {payment.canceled_amount} of an unpaid payment")
        if final and any(r.state in RefundState.IN_FLIGHT for r in refunds[payment.id]):
            problems.append(f"{where}: a refund still open")
        if final and payment.status == "approving":
            problems.append(f"{where}: still approving")
    return problems


def query(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes) -> str:
    """The path of ``url`` with some of its query's values changed (a tampered or forged successUrl)."""
    parts = urlsplit(url)
    return f"{parts.path}?{urlencode({**query(url), **changes})}"


class LedgerTossShop(TossShop):
    """TossShop whose window acts return None when the sandbox refuses to open the window (orderId gone further)."""

    def in_window(self, order_id: str, action: str, **form) -> str | None:
        opened = self.client.post("/sandbox/tosspayments/v2/checkout", data=self.window_fields(order_id))
        if opened.status_code != 303:
            return None
        data = {"action": action, "display": "page", "method": "CARD", "card": "현대카드", **form}
        return self.client.post(opened.location.split("?")[0], data=data).location
