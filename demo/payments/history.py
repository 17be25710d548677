"""GET /payments (결제 내역): filter, search and paging in SQL, totals for the filter, and the reconcile button."""

from dataclasses import dataclass

from flask import current_app, flash, redirect, request, url_for
from sqlalchemy import Select, func, or_, select

from ..extensions import db
from . import bp
from .models import Payment, Status
from .reconcile import reconcile
from .views import page_or_partial

PAGE_SIZE = 20
FILTERS = {"paid": Status.PAID, "in_flight": Status.IN_FLIGHT, **{s: (s,) for s in Status.LABELS}}


@dataclass
class Totals:
    count: int
    approved: int
    refunded: int

    @property
    def net(self) -> int:
        return self.approved - self.refunded


def filtered(query: Select, status: str, q: str) -> Select:
    if status in FILTERS:
        query = query.where(Payment.status.in_(FILTERS[status]))
    if q:
        query = query.where(or_(Payment.order_id == q, Payment.tid == q.upper()))
    return query


def totals(status: str, q: str) -> Totals:
    """Count and sums per status (a covering index makes this a short index scan), folded here."""
    query = select(Payment.status, func.count(), func.sum(Payment.total_amount), func.sum(Payment.canceled_amount))
    result = Totals(0, 0, 0)
    for row_status, count, total, canceled in db.session.execute(filtered(query.group_by(Payment.status), status, q)):
        result.count += count
        if row_status in Status.PAID:
            result.approved += total
            result.refunded += canceled
    return result


@bp.get("/payments")
def history():
    status, q = request.args.get("status", ""), request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    query = filtered(select(Payment), status, q).order_by(Payment.created_at.desc(), Payment.id.desc())
    payments = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    summary = totals(status, q)
    pages = max((summary.count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return page_or_partial(
        "payments/history.html",
        payments=payments,
        summary=summary,
        status=status,
        q=q,
        page=page,
        pages=pages,
        filters=FILTERS,
        labels=Status.LABELS,
        live=any(p.status in Status.IN_FLIGHT for p in payments),
    )


@bp.post("/payments/reconcile")
def run_reconcile():
    changes = reconcile(current_app.config["RECONCILE_AFTER"])
    flash(f"대사 완료: {len(changes)}건 변경", "reconcile")
    for change in changes:
        flash(change, "reconcile-change")
    return redirect(url_for(".history", **request.args), 303)
