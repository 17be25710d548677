"""The Toss sandbox's own records: what Toss Payments keeps about a payment. Tables are prefixed toss_sandbox_."""

import secrets
import string
from datetime import datetime, timedelta, timezone

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

KST = timezone(timedelta(hours=9))  # Toss writes every time with +09:00
ALPHANUMERIC = string.ascii_letters + string.digits
LOWER_ALPHANUMERIC = string.ascii_lowercase + string.digits
MID = "tosspayments"  # the docs' test merchant id

# Payment statuses (§4.2 of the contract). The window is open while READY; IN_PROGRESS once the buyer
# authenticated, until the merchant's confirm.
OPEN = ("READY", "IN_PROGRESS")
PAID = ("DONE", "PARTIAL_CANCELED")


def now() -> datetime:
    """Korea's wall-clock time, stored without its zone (every stored time is +09:00)."""
    return datetime.now(KST).replace(tzinfo=None, microsecond=0)


def toss_time(moment: datetime | None) -> str | None:
    """``2024-02-13T12:18:14+09:00``, as in Payment objects."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+09:00") if moment else None


def random_text(length: int, alphabet: str = ALPHANUMERIC) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_payment_key() -> str:
    """The 2025+ shape: the MID's first five letters, yyyyMMddHHmmss, five random characters
    (``tnhig20251121102047bvrO8``)."""
    return MID[:5] + now().strftime("%Y%m%d%H%M%S") + random_text(5)


def new_transaction_key() -> str:
    """``txrd_a01kaj00e2mrrpmscg7w050d8g7``: opaque to clients, unique per approval or cancel."""
    return "txrd_a01" + random_text(24, LOWER_ALPHANUMERIC)


def new_transmission_id() -> str:
    """A webhook's tosspayments-webhook-transmission-id (``whtrans_a01j70335nkqqeg0zwzz2r4py9z``)."""
    return "whtrans_a01" + random_text(24, LOWER_ALPHANUMERIC)


class TossSandboxPayment(db.Model):
    """One payment window (orderId) and what happened to it: READY → IN_PROGRESS → DONE → (PARTIAL_)CANCELED,
    or ABORTED / EXPIRED."""

    __tablename__ = "toss_sandbox_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_key: Mapped[str] = mapped_column(String(200), unique=True, default=new_payment_key)
    token: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: secrets.token_urlsafe(16))  # window
    order_id: Mapped[str] = mapped_column(String(64), unique=True)
    order_name: Mapped[str] = mapped_column(String(100))
    customer_key: Mapped[str | None] = mapped_column(String(300))
    customer_name: Mapped[str | None] = mapped_column(String(100))
    requested_method: Mapped[str] = mapped_column(String(20))  # the SDK call's method, e.g. CARD
    total_amount: Mapped[int]
    tax_free_amount: Mapped[int] = mapped_column(default=0)
    balance_amount: Mapped[int]
    balance_tax_free_amount: Mapped[int] = mapped_column(default=0)
    success_url: Mapped[str] = mapped_column(String(2000))
    fail_url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default="READY")
    method: Mapped[str | None] = mapped_column(String(10))  # 카드 | 간편결제, once the buyer paid
    card_company: Mapped[str | None] = mapped_column(String(20))  # issuer name; None for 토스머니
    easy_pay: Mapped[str | None] = mapped_column(String(20))  # 토스페이, when paid through it
    install_months: Mapped[int] = mapped_column(default=0)
    fault: Mapped[str | None] = mapped_column(String(20))  # the window's test option, for the first confirm
    failure_code: Mapped[str | None] = mapped_column(String(60))
    failure_message: Mapped[str | None] = mapped_column(String(200))
    last_transaction_key: Mapped[str | None] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(default=now)
    authenticated_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]

    cancels: Mapped[list["TossSandboxCancel"]] = relationship(order_by="TossSandboxCancel.id")


class TossSandboxCancel(db.Model):
    """One cancel transaction: an entry of the Payment's ``cancels[]``."""

    __tablename__ = "toss_sandbox_cancels"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("toss_sandbox_payments.id"), index=True)
    transaction_key: Mapped[str] = mapped_column(String(64), unique=True, default=new_transaction_key)
    cancel_reason: Mapped[str] = mapped_column(String(200))
    cancel_amount: Mapped[int]
    tax_free_amount: Mapped[int]
    refundable_amount: Mapped[int]  # the balance left after this cancel
    canceled_at: Mapped[datetime] = mapped_column(default=now)


class TossSandboxWebhookDelivery(db.Model):
    """A PAYMENT_STATUS_CHANGED event for the merchant's webhook URL, sent until it answers 200 (or retries run out).

    ``status``: pending (due at next_attempt_at) → sending (claimed until claimed_until) → delivered | failed.
    """

    __tablename__ = "toss_sandbox_webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("toss_sandbox_payments.id"), index=True)
    transmission_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_transmission_id)
    event_type: Mapped[str] = mapped_column(String(40))
    payment_status: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(2000))
    body: Mapped[str] = mapped_column(Text)  # the JSON sent, as it was when the event happened
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    retried_count: Mapped[int] = mapped_column(default=0)  # sends so far beyond the first
    next_attempt_at: Mapped[datetime] = mapped_column(default=now, index=True)
    claimed_until: Mapped[datetime | None]
    last_http_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    delivered_at: Mapped[datetime | None]


class TossSandboxIdempotencyRecord(db.Model):
    """The first answer to a POST with an Idempotency-Key, scoped by (key, API key, path, method): kept 15 days."""

    __tablename__ = "toss_sandbox_idempotency_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of key, API key, path and method
    status: Mapped[str] = mapped_column(String(12), default="processing")  # processing | done
    http_status: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
