"""The emulator's own records: what KakaoPay keeps about a payment. Tables are prefixed sandbox_."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

# KakaoPay payment statuses (order API `status`).
BEFORE_PAYMENT = ("READY", "SEND_TMS", "OPEN_PAYMENT", "SELECT_METHOD", "ARS_WAITING")
PAID = ("SUCCESS_PAYMENT", "PART_CANCEL_PAYMENT")
# Card companies (purchasers) the sheet offers, with 3-digit codes as in KakaoPay's docs (비씨카드 104 is the docs'
# own example; the others are illustrative), and the cards each one buys: issuer, issuer code, BIN, card type.
# An issuer may differ from the purchaser, as for a bank-issued BC card (the docs: 수협은행 212 / 비씨카드 104).
CARD_COMPANIES = {
    "신한카드": "101",
    "KB국민카드": "102",
    "현대카드": "103",
    "비씨카드": "104",
    "삼성카드": "105",
    "하나카드": "106",
    "롯데카드": "108",
}
CARDS = {
    "신한카드": [("신한카드", "101", "451842", "신용"), ("신한카드", "101", "404825", "체크")],
    "KB국민카드": [("KB국민카드", "102", "457972", "신용"), ("KB국민카드", "102", "949019", "체크")],
    "현대카드": [("현대카드", "103", "433028", "신용")],
    "비씨카드": [
        ("수협은행", "212", "621640", "체크"),
        ("우리카드", "141", "540926", "신용"),
        ("IBK기업은행", "203", "625804", "체크"),
    ],
    "삼성카드": [("삼성카드", "105", "531070", "신용")],
    "하나카드": [("하나카드", "106", "465887", "신용"), ("하나카드", "106", "949094", "체크")],
    "롯데카드": [("롯데카드", "108", "467309", "신용")],
}


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def kakao_time(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") if moment else None


def new_id(prefix: str) -> str:
    """tid / aid / sid: a letter and 19 lowercase hex characters, like KakaoPay's (``T53d1b2051b66fd43573``)."""
    return prefix + secrets.token_hex(10)[:19]


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
    payload: Mapped[str | None] = mapped_column(String(200))  # the merchant's payload of approve / cancel, echoed

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
