"""The merchant's record of a payment, its state changes and every provider API exchange."""

import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .providers import PROVIDERS, card


def now() -> datetime:
    """Local wall-clock time without zone, like the platforms' timestamps."""
    return datetime.now().replace(microsecond=0)


class Status:
    READY = "ready"
    APPROVING = "approving"
    APPROVED = "approved"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
    FAILED = "failed"

    IN_FLIGHT = (READY, APPROVING)
    PAID = (APPROVED, PARTIALLY_REFUNDED, REFUNDED)
    LABELS = {
        READY: "결제 대기",
        APPROVING: "승인 확인 중",
        APPROVED: "결제 완료",
        PARTIALLY_REFUNDED: "부분 취소",
        REFUNDED: "전액 취소",
        CANCELLED: "결제 중단",
        FAILED: "결제 실패",
    }


class ReturnMode:
    """How a payment made for the Strada app comes back from the platform's app (DESIGN.md, "the app's callbacks")."""

    SERVER = "server"  # 서버가 승인: the bridge approves
    APP = "app"  # 앱이 승인: the bridge keeps pg_token, the app's confirm approves (recovery after a grace)
    SCHEME = "scheme"  # 해결방법2 그대로: callback URLs in the app's custom scheme (the platform refuses them, −799)

    LABELS = {SERVER: "서버가 승인 (권장)", APP: "앱이 승인", SCHEME: "해결방법2 그대로"}


FLOW_LABELS = {"pc": "PC · QR 코드", "mobile": "모바일 웹", "app": "앱"}  # a provider's flow_labels may name its own
SERVER_FLOW = "server"  # a subscription's later charge: server to server, no page at all


def new_order_id() -> str:
    """Random and URL-safe (the receipt URL is a capability), never starting with "-": a command line would read
    such an id as an option (`flask payments show <order_id>`)."""
    order_id = secrets.token_urlsafe(16)
    return order_id if not order_id.startswith("-") else new_order_id()


def flow_label(flow: str, provider: str | None = None) -> str:
    """The page a flow leads to: the provider's own word for it where it has one (e.g. a window the SDK opens)."""
    own = PROVIDERS[provider].flow_labels.get(flow) if provider in PROVIDERS else None
    return own or ("정기결제 자동 청구" if flow == SERVER_FLOW else FLOW_LABELS[flow])


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_status_created", "status", "created_at"),
        Index("ix_payments_totals", "status", "total_amount", "canceled_amount"),  # covers the history totals
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(String(64), unique=True)  # partner_order_id, unguessable
    user_id: Mapped[str] = mapped_column(String(64))  # partner_user_id, anonymous
    provider: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    item_name: Mapped[str] = mapped_column(String(100))
    item_code: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[int]
    total_amount: Mapped[int]
    tax_free_amount: Mapped[int]
    vat_amount: Mapped[int]
    flow: Mapped[str] = mapped_column(String(10))  # pc | mobile | app | server (a subscription's charge)
    status: Mapped[str] = mapped_column(String(20), default=Status.READY)  # indexed by the composites above
    tid: Mapped[str | None] = mapped_column(String(200), index=True)  # the platform's transaction id (provider_ref)
    redirect_urls: Mapped[dict] = mapped_column(JSON, default=dict)  # every next_redirect_* and app scheme
    pg_token: Mapped[str | None] = mapped_column(String(64))
    aid: Mapped[str | None] = mapped_column(String(200))
    payment_method_type: Mapped[str | None] = mapped_column(String(10))  # CARD | MONEY
    card_info: Mapped[dict | None] = mapped_column(JSON)
    canceled_amount: Mapped[int] = mapped_column(default=0)
    canceled_tax_free_amount: Mapped[int] = mapped_column(default=0)
    canceled_vat_amount: Mapped[int] = mapped_column(default=0)
    failure_code: Mapped[str | None] = mapped_column(String(50))
    failure_message: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    approved_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]  # last time the provider's order API was asked
    recurring: Mapped[bool] = mapped_column(default=False)  # a subscription's payment: the recurring merchant id
    billing_key: Mapped[str | None] = mapped_column(String(64))  # issued by a recurring first payment
    # The one approve attempt in flight: held until this time (a crashed worker's claim lapses, recovery may retake it).
    claimed_until: Mapped[datetime | None]
    refund_claimed: Mapped[bool] = mapped_column(default=False)  # a refund is in flight (requested or unknown)
    # A payment made through the Strada app's API: how it comes back from the platform's app (server | app | scheme, see
    # service.ReturnMode); None for the web's checkout.
    return_mode: Mapped[str | None] = mapped_column(String(10))

    events: Mapped[list["PaymentEvent"]] = relationship(
        back_populates="payment", order_by="PaymentEvent.id", cascade="all, delete-orphan"
    )
    exchanges: Mapped[list["ApiExchange"]] = relationship(
        back_populates="payment", order_by="ApiExchange.id", cascade="all, delete-orphan"
    )
    refunds: Mapped[list["RefundRecord"]] = relationship(  # noqa: F821 (refund_records.py)
        back_populates="payment", order_by="RefundRecord.id", cascade="all, delete-orphan"
    )

    @property
    def flow_label(self) -> str:
        return flow_label(self.flow, self.provider)

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def return_mode_label(self) -> str | None:
        return ReturnMode.LABELS.get(self.return_mode)

    @property
    def platform_label(self) -> str:
        """The platform as buyers read it (its provider's label)."""
        return PROVIDERS[self.provider].label

    @property
    def card(self) -> dict | None:
        """The card paid with (issuer, purchaser, bin, install_month), whichever platform; None: no card_info."""
        return card(self.card_info)

    @property
    def method_label(self) -> str:
        return PROVIDERS[self.provider].method_labels.get(self.payment_method_type or "", "-")

    @property
    def approval_number(self) -> str | None:
        """승인번호 as the platform gives it (its provider's approval_number), None when it has none."""
        return PROVIDERS[self.provider].approval_number(self.aid, self.card_info)

    @property
    def cancel_available_amount(self) -> int:
        return self.total_amount - self.canceled_amount if self.status in Status.PAID else 0


class PaymentEvent(db.Model):
    """One state transition: from, to, when and why."""

    __tablename__ = "payment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=datetime.now)  # microseconds keep the timeline in order
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    cause: Mapped[str] = mapped_column(String(300))

    payment: Mapped[Payment] = relationship(back_populates="events")


class ApiExchange(db.Model):
    """One call to the provider's API, with secrets masked."""

    __tablename__ = "api_exchanges"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=datetime.now)
    endpoint: Mapped[str] = mapped_column(String(20))  # ready | approve | cancel | order
    url: Mapped[str] = mapped_column(String(300))
    http_status: Mapped[int | None]  # None: no response (timeout, connection error)
    duration_ms: Mapped[int]
    request_body: Mapped[str] = mapped_column(Text)
    response_body: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(300))

    payment: Mapped[Payment | None] = relationship(back_populates="exchanges")
