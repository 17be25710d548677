"""대사 (reconciliation): finish payments left ready or approving by asking the provider's order API."""

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from . import service
from .models import Payment, Status, now


def reconcile(older_than: int) -> list[str]:
    """Sync every payment in flight for longer than ``older_than`` seconds; one line per payment that changed."""
    cutoff = now() - timedelta(seconds=older_than)
    query = select(Payment).where(Payment.status.in_(Status.IN_FLIGHT), Payment.updated_at <= cutoff)
    changes = []
    for payment in db.session.scalars(query.order_by(Payment.id)).all():
        change = service.sync(payment)
        if change:
            changes.append(f"{payment.order_id}: {change}")
    return changes
