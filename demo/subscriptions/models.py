"""A subscription (its billing key, status and billing periods) and one row per billing period's charge."""

import secrets
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..payments.models import Payment, now
from ..payments.providers import PROVIDERS
from .clock import add_months


class State:
    PENDING = "pending"  # the first payment is not approved yet
    ACTIVE = "active"
    INACTIVE = "inactive"  # 해지: nothing is charged any more
    FAILED = "failed"  # the first payment did not go through

    LABELS = {PENDING: "첫 결제 대기", ACTIVE: "이용 중", INACTIVE: "해지됨", FAILED: "시작되지 않음"}


class ChargeState:
    CHARGING = "charging"  # claimed: a provider call is (or was) in flight
    PAID = "paid"
    FAILED = "failed"  # retried by the next charge-due run
    UNKNOWN = "unknown"  # no answer: retried with the same order id, so it is never paid twice

    LABELS = {CHARGING: "청구 중", PAID: "결제 완료", FAILED: "결제 실패", UNKNOWN: "확인 중"}


class Subscription(db.Model):
    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: secrets.token_urlsafe(12))
    user_id: Mapped[str] = mapped_column(String(64), index=True)  # the buyer (partner_user_id of every charge)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    item_name: Mapped[str] = mapped_column(String(100))
    item_code: Mapped[str | None] = mapped_column(String(64))
    total_amount: Mapped[int]  # every month's amount
    tax_free_amount: Mapped[int]
    vat_amount: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default=State.PENDING)
    billing_key: Mapped[str | None] = mapped_column(String(64))  # the recurring provider's (billing_key_label)
    first_payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    started_on: Mapped[date | None]  # demo-clock date of the first payment; period n is due n − 1 months later
    next_period: Mapped[int] = mapped_column(default=2)  # the first payment is period 1
    created_at: Mapped[datetime] = mapped_column(default=now)
    deactivated_at: Mapped[datetime | None]
    deactivated_by: Mapped[str | None] = mapped_column(String(10))  # buyer | console

    first_payment: Mapped[Payment] = relationship()
    charges: Mapped[list["SubscriptionCharge"]] = relationship(
        back_populates="subscription", order_by="SubscriptionCharge.period"
    )

    @property
    def item(self) -> dict:
        """What every charge bills: the product and its amounts, one unit a period."""
        return dict(
            item_name=self.item_name,
            item_code=self.item_code,
            quantity=1,
            total_amount=self.total_amount,
            tax_free_amount=self.tax_free_amount,
            vat_amount=self.vat_amount,
        )

    @property
    def status_label(self) -> str:
        return State.LABELS[self.status]

    @property
    def provider(self) -> type:
        """The recurring provider's class (its label, its billing_key_label): the first payment's."""
        return PROVIDERS[self.first_payment.provider]

    @property
    def next_billing_on(self) -> date | None:
        if self.status != State.ACTIVE or self.started_on is None:
            return None
        return add_months(self.started_on, self.next_period - 1)


class SubscriptionCharge(db.Model):
    """The charge of one billing period. (subscription, period) is unique: claiming the row before calling the
    provider is what makes `charge-due` idempotent, however often and from however many processes it runs."""

    __tablename__ = "subscription_charges"
    __table_args__ = (UniqueConstraint("subscription_id", "period", name="uq_subscription_charges_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    period: Mapped[int]
    billing_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=ChargeState.CHARGING)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))  # the latest attempt
    attempts: Mapped[int] = mapped_column(default=1)
    error: Mapped[str | None] = mapped_column(String(300))
    claimed_at: Mapped[datetime] = mapped_column(default=now)

    subscription: Mapped[Subscription] = relationship(back_populates="charges")
    payment: Mapped[Payment | None] = relationship()

    @property
    def status_label(self) -> str:
        return ChargeState.LABELS[self.status]
