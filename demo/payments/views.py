"""Checkout, KakaoPay's three callbacks (approval, cancel, fail) and the receipt."""

import re
import secrets

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import bindparam, select

from ..catalog import cache as catalog_cache
from ..catalog.views import MAX_QUANTITY
from ..console.auth import merchant_required
from ..extensions import db
from . import bp, service
from .devices import choose_flow
from .models import Payment, Status
from .providers import PaymentError

WON_LIMIT = 10**12  # no amount in this demo comes near; bigger numbers are typos or attacks, not amounts


def whole_number(text: str | None) -> int | None:
    """An ASCII whole number (optionally negative) of sane size, else None: no "²", "--5" or 2⁶³ reaches the DB."""
    if text is None or not re.fullmatch(r"-?[0-9]{1,13}", text.strip()):
        return None
    value = int(text)
    return value if -WON_LIMIT <= value <= WON_LIMIT else None


def visitor_id() -> str:
    """partner_user_id: an anonymous id kept in the browser's session, never personal data."""
    return session.setdefault("visitor", "v_" + secrets.token_urlsafe(12))


def started_here(payment: Payment) -> bool:
    """This browser's session started the payment (only it gets the link back to the pending KakaoPay page)."""
    return payment.user_id == session.get("visitor")


# Built once: building a statement costs more than SQLite takes to run it, and every payment page runs this one.
BY_ORDER_ID = select(Payment).where(Payment.order_id == bindparam("order_id"))


def find_payment(order_id: str) -> Payment:
    return db.session.scalar(BY_ORDER_ID, {"order_id": order_id}) or abort(404)


def page_or_partial(template: str, **context):
    """The Hypermedia Systems pattern: the same URL renders the page, or for htmx its partial (_<name>)."""
    if request.headers.get("HX-Request"):
        folder, _, name = template.rpartition("/")
        template = f"{folder}/_{name}"
    return render_template(template, **context)


@bp.post("/checkout")
def checkout():
    product = catalog_cache.current().find(request.form.get("product", ""))
    quantity = whole_number(request.form.get("quantity"))
    if product is None:
        abort(400, description="주문할 상품을 찾을 수 없습니다.")
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        abort(400, description=f"수량은 1부터 {MAX_QUANTITY}까지 입력할 수 있습니다.")
    flow = choose_flow(request.user_agent.string, request.form.get("flow"), current_app.config["STRADA_APP_UA_MARKER"])
    try:
        payment = service.start(product, quantity, flow, visitor_id())
    except PaymentError as error:
        return render_template("payments/ready_error.html", error=error, product=product, quantity=quantity), 502
    return to_provider_page(payment, flow)


def to_provider_page(payment: Payment, flow: str):
    """303 to the provider's page for this device (200 + HX-Redirect for htmx, which cannot follow it across)."""
    target = payment.redirect_urls[flow]
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.get("/payments/<order_id>/approve")
def approve(order_id: str):
    payment = find_payment(order_id)
    pg_token = request.args.get("pg_token", "").strip()
    if not pg_token or len(pg_token) > 64 or not (pg_token.isascii() and pg_token.isalnum()):
        abort(400, description="결제 확인 주소가 올바르지 않습니다. 카카오페이 결제창에서 결제를 다시 진행해 주세요.")
    error = service.approve(payment, pg_token)
    if error is not None and error.code in service.NOT_TERMINAL:
        return render_template("payments/not_yet.html", payment=payment, error=error), 409
    return redirect(url_for(".receipt", order_id=order_id), 303)


@bp.get("/payments/<order_id>/cancel")
def cancel(order_id: str):
    payment = find_payment(order_id)
    service.ended_by_user(payment, Status.CANCELLED)
    return render_template("payments/receipt.html", payment=payment)


@bp.get("/payments/<order_id>/fail")
def fail(order_id: str):
    payment = find_payment(order_id)
    service.ended_by_user(payment, Status.FAILED)
    return render_template("payments/receipt.html", payment=payment)


# Seconds before the receipt asks again while something is open: every second at first (a fault that clears is seen
# within a second or two), then backing off.
POLL_DELAYS = (1, 1, 1, 2, 2, 3, 5, 8, 13, 20)


@bp.get("/payments/<order_id>")
def receipt(order_id: str):
    payment = find_payment(order_id)
    if service.needs_check(payment):
        service.sync(payment)
    poll = request.args.get("poll", 0, type=int)
    delay = POLL_DELAYS[min(max(poll, 0), len(POLL_DELAYS) - 1)]
    return page_or_partial("payments/receipt.html", payment=payment, poll=poll, poll_delay=delay)


@bp.post("/payments/<order_id>/check")
@merchant_required
def check(order_id: str):
    """지금 확인: ask the provider's order API about this payment now and say what changed."""
    payment = find_payment(order_id)
    changes = service.sync(payment)
    flash("지금 확인: " + (", ".join(changes) if changes else "카카오페이와 일치합니다"), "check")
    if request.headers.get("HX-Request"):
        return render_template("payments/_receipt.html", payment=payment)
    return redirect(url_for(".receipt", order_id=order_id), 303)
