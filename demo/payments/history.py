"""GET /payments (결제 내역, the merchant's): filter, search, paging, totals, reconcile.
GET /orders (내 주문): a buyer's own payments."""

from dataclasses import dataclass

from flask import current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import Select, func, or_, select

from ..console.auth import merchant_required
from ..extensions import db
from . import bp
from .models import Payment, Status
from .reconcile import reconcile
from .views import page_or_partial, whole_number

PAGE_SIZE = 20
MY_ORDERS_SHOWN = 50
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
        query = query.where(
            or_(Payment.order_id == q, Payment.tid == q.upper(), Payment.item_name.icontains(q, autoescape=True))
        )
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


def history_args() -> dict:
    """status, q and page of the history's query string, normalised (unknown status → all; page ≥ 1)."""
    status = request.args.get("status", "")
    page = whole_number(request.args.get("page")) or 1
    return {"status": status if status in FILTERS else "", "q": request.args.get("q", "").strip(), "page": max(page, 1)}


@bp.get("/payments")
@merchant_required
def history():
    status, q, page = history_args().values()
    summary = totals(status, q)
    pages = max((summary.count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    query = filtered(select(Payment), status, q).order_by(Payment.created_at.desc(), Payment.id.desc())
    payments = db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
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
@merchant_required
def run_reconcile():
    changes = reconcile(current_app.config["RECONCILE_AFTER"])
    flash(
        f"대사를 마쳤습니다. 상태가 바뀐 결제: {len(changes)}건"
        if changes
        else "대사를 마쳤습니다. 바뀐 결제는 없습니다.",
        "reconcile",
    )
    for change in changes:
        flash(f"주문 {change}", "reconcile-change")
    return redirect(url_for(".history", **{key: value for key, value in history_args().items() if value}), 303)


@bp.get("/orders")
def my_orders():
    """내 주문: the payments this browser's session started, newest first (no session yet: none)."""
    visitor = session.get("visitor")
    query = select(Payment).filter_by(user_id=visitor).order_by(Payment.created_at.desc(), Payment.id.desc())
    payments = db.session.scalars(query.limit(MY_ORDERS_SHOWN)).all() if visitor else []
    return render_template("payments/orders.html", payments=payments)
