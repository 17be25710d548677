"""대사 (reconciliation): bring the merchant's books in line with the provider's order API.

It looks at everything that can disagree: payments left ready or approving, payments with a refund whose outcome is
open, and payments paid in the last days (a refund made in the platform's console shows up there). Every change is a
conditional update, so several reconciles (clicks, CLI, workers) can run at once.
"""

from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ..extensions import db
from . import service
from .models import Payment, Status, now

PAID_LOOKBACK = timedelta(days=3)  # how far back paid payments are checked for refunds made elsewhere


def reconcile(older_than: int) -> list[str]:
    """Sync every payment that may disagree; one line per payment that changed, in words."""
    return [f"{order_id}: {', '.join(words)}" for order_id, words in reconcile_changes(older_than)]


def reconcile_changes(older_than: int) -> list[tuple[str, list[str]]]:
    """Sync every payment that may disagree; (order id, what changed in words) per payment that changed."""
    cutoff = now() - timedelta(seconds=older_than)
    query = select(Payment).where(
        or_(
            Payment.status.in_(Status.IN_FLIGHT) & (Payment.updated_at <= cutoff),
            Payment.refund_claimed.is_(True),
            Payment.status.in_(Status.PAID) & (Payment.approved_at >= datetime.now() - PAID_LOOKBACK),
        )
    )
    changes = []
    for payment in db.session.scalars(query.order_by(Payment.id)).all():
        if words := service.sync(payment):
            changes.append((payment.order_id, words))
    return changes
