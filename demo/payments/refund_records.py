"""A refund as its own record: what was asked, what the provider answered, and where it stands.

requested → done / failed, or unknown (no answer: timeout, lost connection, 5xx) until the order API settles it.
A refund made outside the site (the platform's console or API) is recorded as an external one once it is noticed.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .models import Payment

REASON_MAX = 200  # characters of a 취소 사유
DEFAULT_REASON = "고객 요청"  # a refund asked without a reason


class RefundState:
    REQUESTED = "requested"
    DONE = "done"
    FAILED = "failed"
    UNKNOWN = "unknown"

    IN_FLIGHT = (REQUESTED, UNKNOWN)
    LABELS = {REQUESTED: "요청 중", DONE: "취소 완료", FAILED: "취소 실패", UNKNOWN: "확인 중"}


class RefundRecord(db.Model):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    external: Mapped[bool] = mapped_column(default=False)  # made outside the site, found by reconcile
    amount: Mapped[int]
    tax_free_amount: Mapped[int]
    vat_amount: Mapped[int]
    state: Mapped[str] = mapped_column(String(20), default=RefundState.REQUESTED)
    aid: Mapped[str | None] = mapped_column(String(64), unique=True)  # the provider's id of this cancel action
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))  # 취소 사유 (None: an external refund)
    answer: Mapped[str | None] = mapped_column(Text)  # the provider's answer (or the error), as received
    # microseconds kept: whether an unanswered refund may still land is decided within IN_FLIGHT_SECONDS of this
    created_at: Mapped[datetime] = mapped_column(default=datetime.now)
    settled_at: Mapped[datetime | None]

    payment: Mapped[Payment] = relationship(back_populates="refunds")

    @property
    def state_label(self) -> str:
        return RefundState.LABELS[self.state]
