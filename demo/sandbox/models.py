"""The emulator's own records: what KakaoPay keeps about a payment. Tables are prefixed sandbox_."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

# KakaoPay payment statuses (order API `status`).
BEFORE_PAYMENT = ("READY", "SEND_TMS", "OPEN_PAYMENT", "SELECT_METHOD", "ARS_WAITING")
PAID = ("SUCCESS_PAYMENT", "PART_CANCEL_PAYMENT")
CARD_COMPANIES = {
    "신한카드": "01",
    "삼성카드": "04",
    "현대카드": "03",
    "KB국민카드": "02",
    "롯데카드": "08",
    "하나카드": "06",
}


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def kakao_time(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") if moment else None


def new_id(prefix: str) -> str:
    """tid / aid: a letter and 19 hex characters, like KakaoPay's."""
    return prefix + secrets.token_hex(10)[:19].upper()


class SandboxPayment(db.Model):
    __tablename__ = "sandbox_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    tid: Mapped[str] = mapped_column(String(20), unique=True, default=lambda: new_id("T"))
    token: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: secrets.token_urlsafe(16))
    cid: Mapped[str] = mapped_column(String(10))
    partner_order_id: Mapped[str] = mapped_column(String(100))
    partner_user_id: Mapped[str] = mapped_column(String(100))
    item_name: Mapped[str] = mapped_column(String(100))
    item_code: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[int]
    total_amount: Mapped[int]
    tax_free_amount: Mapped[int]
    vat_amount: Mapped[int]
    approval_url: Mapped[str] = mapped_column(String(255))
    cancel_url: Mapped[str] = mapped_column(String(255))
    fail_url: Mapped[str] = mapped_column(String(255))
    allowed_method: Mapped[str | None] = mapped_column(String(10))  # payment_method_type of ready
    install_month: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default="READY")
    method: Mapped[str | None] = mapped_column(String(10))  # what the user chose: MONEY | CARD
    card_company: Mapped[str | None] = mapped_column(String(20))
    fault: Mapped[str | None] = mapped_column(String(20))  # per-payment fault injection
    pg_token: Mapped[str | None] = mapped_column(String(20))
    aid: Mapped[str | None] = mapped_column(String(20))
    canceled_amount: Mapped[int] = mapped_column(default=0)
    canceled_tax_free_amount: Mapped[int] = mapped_column(default=0)
    canceled_vat_amount: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=now)
    approved_at: Mapped[datetime | None]
    canceled_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]  # quit, failure or expiry
    expired: Mapped[bool] = mapped_column(default=False)
    sid: Mapped[str | None] = mapped_column(String(20), index=True)  # 정기결제: the SID issued by, or charged to

    actions: Mapped[list["SandboxAction"]] = relationship(order_by="SandboxAction.id", back_populates="payment")

    def expires_at(self, ttl: int) -> datetime:
        return self.created_at + timedelta(seconds=ttl)

    @property
    def cancel_available_amount(self) -> int:
        return self.total_amount - self.canceled_amount if self.status in PAID else 0


class SandboxAction(db.Model):
    """One entry of payment_action_details: the payment, then each cancel."""

    __tablename__ = "sandbox_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("sandbox_payments.id"), index=True)
    aid: Mapped[str] = mapped_column(String(20), default=lambda: new_id("A"))
    action_type: Mapped[str] = mapped_column(String(10))  # PAYMENT | CANCEL | ISSUED_SID
    amount: Mapped[int]
    tax_free_amount: Mapped[int]
    vat_amount: Mapped[int]
    approved_at: Mapped[datetime] = mapped_column(default=now)

    payment: Mapped[SandboxPayment] = relationship(back_populates="actions")


class SandboxMessage(db.Model):
    """A payment request sent to a phone number (SEND_TMS), shown in the sandbox KakaoTalk inbox."""

    __tablename__ = "sandbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("sandbox_payments.id"))
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)  # salted hash; the number is never stored
    phone_masked: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=now)

    payment: Mapped[SandboxPayment] = relationship()


def new_sid() -> str:
    """SID: `S` and 19 lowercase hex characters, as in KakaoPay's captures."""
    return "S" + secrets.token_hex(10)[:19]


class SandboxSubscription(db.Model):
    """A 정기결제 SID: issued by approving a payment made with a recurring CID, charged until made INACTIVE."""

    __tablename__ = "sandbox_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(String(20), unique=True, default=new_sid)
    cid: Mapped[str] = mapped_column(String(10))
    partner_user_id: Mapped[str] = mapped_column(String(100))
    item_name: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(10))  # MONEY | CARD, as chosen on the first payment
    card_company: Mapped[str | None] = mapped_column(String(20))
    first_payment_id: Mapped[int] = mapped_column(ForeignKey("sandbox_payments.id"))
    status: Mapped[str] = mapped_column(String(10), default="ACTIVE")  # ACTIVE | INACTIVE
    fault: Mapped[str | None] = mapped_column(String(20))  # fault injection for its charges
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_approved_at: Mapped[datetime | None]
    inactivated_at: Mapped[datetime | None]
