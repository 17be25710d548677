"""GET /payments (결제 내역, the merchant's): filter (status, platform), search, paging, totals, reconcile.
GET /orders (내 주문): a buyer's own payments."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import Select, func, or_, select

from ..console.auth import merchant_required
from ..extensions import db
from . import bp
from .models import Payment, ReturnMode, Status, flow_label
from .providers import PROVIDERS
from .reconcile import reconcile
from .views import page_or_partial, whole_number

PAGE_SIZE = 20
MY_ORDERS_SHOWN = 50
FILTERS = {"paid": Status.PAID, "in_flight": Status.IN_FLIGHT, **{s: (s,) for s in Status.LABELS}}
# platform key → the provider names of that platform (one platform may have several wires), in PROVIDERS' order
PLATFORMS = {
    key: tuple(name for name, provider in PROVIDERS.items() if provider.platform == key)
    for key in dict.fromkeys(provider.platform for provider in PROVIDERS.values())
}
PLATFORM_LABELS = {key: PROVIDERS[names[0]].label for key, names in PLATFORMS.items()}  # platform key → its name
PROVIDER_LABELS = {name: provider.label for name, provider in PROVIDERS.items()}  # a row's provider → its platform
# What a row of the table shows: plain columns (no ORM objects, no JSON columns to decode).
ROW_COLUMNS = (
    Payment.order_id,
    Payment.item_name,
    Payment.quantity,
    Payment.total_amount,
    Payment.canceled_amount,
    Payment.status,
    Payment.flow,
    Payment.created_at,
    Payment.approved_at,
    Payment.return_mode,
    Payment.provider,
)
STATEMENTS_KEPT = 64  # per process, per kind: the statements of the filters and pages asked for most recently
MARKER = "0rder1d"  # an order id that the URL converter leaves as it is


@dataclass
class Totals:
    count: int
    approved: int
    refunded: int

    @property
    def net(self) -> int:
        return self.approved - self.refunded


def filtered(query: Select, status: str, q: str, platform: str = "") -> Select:
    if status in FILTERS:
        query = query.where(Payment.status.in_(FILTERS[status]))
    if platform in PLATFORMS:
        query = query.where(Payment.provider.in_(PLATFORMS[platform]))
    if q:
        # a tid may be upper case (typed in lower case too) or case-sensitive: both, as typed and upper-cased
        tids = Payment.tid.in_(sorted({q, q.upper()}))
        query = query.where(or_(Payment.order_id == q, tids, Payment.item_name.icontains(q, autoescape=True)))
    return query


# The statements are kept (not their results): building one and its cache key costs more than SQLite's work on
# 20 rows. Both run as Core on the session's connection: no ORM objects to build for a read-only table.
@lru_cache(maxsize=STATEMENTS_KEPT)
def totals_query(status: str, q: str, platform: str = "") -> Select:
    """The filter's count, and its paid payments' sums, in one statement: count(*) is a b-tree count, the sums scan only
    the paid part of the covering index ix_payments_totals."""
    count = filtered(select(func.count()).select_from(Payment), status, q, platform).scalar_subquery().correlate(None)
    sums = [func.coalesce(func.sum(column), 0) for column in (Payment.total_amount, Payment.canceled_amount)]
    return filtered(select(count, *sums).where(Payment.status.in_(Status.PAID)), status, q, platform)


@lru_cache(maxsize=STATEMENTS_KEPT)
def page_query(status: str, q: str, page: int, platform: str = "") -> Select:
    query = filtered(select(*ROW_COLUMNS), status, q, platform).order_by(Payment.created_at.desc(), Payment.id.desc())
    return query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)


def totals(status: str, q: str, platform: str = "") -> Totals:
    return Totals(*db.session.connection().execute(totals_query(status, q, platform)).one())


def receipt_urls() -> Callable[[str], str]:
    """order id → its receipt's URL. url_for stays the source: it builds the URL once per request around a marker,
    and each order id is quoted into it by the route's own converter, as url_for would (20 url_for calls cost more
    than the rest of the table)."""
    prefix, _, suffix = url_for(".receipt", order_id=MARKER).rpartition(MARKER)
    to_url = current_app.url_map.converters["default"](current_app.url_map).to_url
    return lambda order_id: f"{prefix}{to_url(order_id)}{suffix}"


def history_args() -> dict:
    """status, platform, q and page of the history's query string, normalised (unknown status or platform → all;
    page ≥ 1)."""
    status, platform = request.args.get("status", ""), request.args.get("platform", "")
    page = whole_number(request.args.get("page")) or 1
    return {
        "status": status if status in FILTERS else "",
        "platform": platform if platform in PLATFORMS else "",
        "q": request.args.get("q", "").strip(),
        "page": max(page, 1),
    }


@bp.get("/payments")
@merchant_required
def history():
    status, platform, q, page = history_args().values()
    summary = totals(status, q, platform)
    pages = max((summary.count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    payments = db.session.connection().execute(page_query(status, q, page, platform)).all()
    return page_or_partial(
        "payments/history.html",
        payments=payments,
        summary=summary,
        status=status,
        platform=platform,
        q=q,
        page=page,
        pages=pages,
        filters=FILTERS,
        labels=Status.LABELS,
        platform_labels=PLATFORM_LABELS,
        provider_labels=PROVIDER_LABELS,
        flow_label=flow_label,
        return_mode_labels=ReturnMode.LABELS,
        receipt_url=receipt_urls(),
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
