"""Checkout, the platforms' callbacks (each provider names its paths), their webhooks, and the receipt."""

import re
import secrets

from flask import abort, current_app, flash, make_response, redirect, render_template, request, session, url_for
from sqlalchemy import bindparam, select

from ..catalog import cache as catalog_cache
from ..catalog.views import MAX_QUANTITY
from ..console.auth import merchant_required
from ..extensions import csrf, db
from ..framing import frameable_by_self
from . import bp, service
from .devices import choose_flow
from .models import Payment, Status
from .providers import PROVIDERS, PaymentError, enabled, get_provider
from .providers.base import Kind, Outcome

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
    """This browser's session started the payment (only it gets the link back to the platform's pending page)."""
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
    provider = request.form.get("provider") or enabled()[0]
    if provider not in enabled():
        abort(400, description="선택한 결제수단을 쓸 수 없습니다.")
    flow = choose_flow(request.user_agent.string, request.form.get("flow"), current_app.config["STRADA_APP_UA_MARKER"])
    try:
        payment = service.start(product, quantity, flow, visitor_id(), provider_name=provider)
    except PaymentError as error:
        platform = PROVIDERS[provider].label
        context = {"error": error, "product": product, "quantity": quantity, "platform": platform}
        return render_template("payments/ready_error.html", **context), 502
    return to_provider_page(payment, flow)


def to_provider_page(payment: Payment, flow: str):
    """303 to the provider's page for this device (200 + HX-Redirect for htmx, which cannot follow it across)."""
    target = payment.redirect_urls[flow]
    if request.headers.get("HX-Request"):
        return "", 200, {"HX-Redirect": target}
    return redirect(target, 303)


@bp.get("/payments/<order_id>/pay")
def pay(order_id: str):
    """A platform whose browser SDK opens its window: our page makes that call with the parameters start gave."""
    payment = find_payment(order_id)
    if payment.status != Status.READY or "checkout" not in payment.redirect_urls:
        return redirect(url_for(".receipt", order_id=order_id), 303)
    template = f"payments/{service.provider_of(payment).platform}/checkout.html"
    page = make_response(render_template(template, payment=payment, checkout=payment.redirect_urls["checkout"]))
    return frameable_by_self(page) if payment.return_mode else page  # the Strada app's web view shows it


def malformed_callback(platform: str):
    abort(400, description=f"결제 확인 주소가 올바르지 않습니다. {platform} 결제창에서 결제를 다시 진행해 주세요.")


def callback(order_id: str, path: str):
    """A platform's callback (approval, cancel or fail), parsed by the payment's own provider."""
    payment = find_payment(order_id)
    provider = service.provider_of(payment)
    parsed = provider.parse_callback(provider.callbacks.get(path) or abort(404), request.args)
    if parsed is None:
        malformed_callback(provider.label)
    if parsed.outcome != Outcome.AUTHORIZED:
        service.ended_by_user(payment, parsed)
        return render_template("payments/receipt.html", payment=payment, left=service.left_window(payment))
    error = service.authorized(payment, parsed)
    if error is not None and error.kind == Kind.BAD_CALLBACK:
        return render_template("payments/not_yet.html", payment=payment, error=error), 409
    return redirect(url_for(".receipt", order_id=order_id), 303)


for _path in sorted({path for provider in PROVIDERS.values() for path in provider.callbacks}):
    bp.add_url_rule(f"/payments/<order_id>/{_path}", "callback", callback, defaults={"path": _path})


@bp.post("/payments/webhooks/<name>")
@csrf.exempt
def webhook(name: str):
    """A platform's push: it only ever names a payment to look up; its body never changes the books."""
    if name not in enabled():
        abort(404)
    order_id = get_provider(name).webhook(request.get_json(silent=True))
    payment = db.session.scalar(BY_ORDER_ID, {"order_id": order_id}) if order_id else None
    if payment is not None and payment.provider == name:
        service.sync(payment)
    return {"received": True}


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
    left = service.left_window(payment)
    return page_or_partial("payments/receipt.html", payment=payment, poll=poll, poll_delay=delay, left=left)


@bp.post("/payments/<order_id>/check")
@merchant_required
def check(order_id: str):
    """지금 확인: ask the provider's order API about this payment now and say what changed."""
    payment = find_payment(order_id)
    changes = service.sync(payment)
    flash("지금 확인: " + (", ".join(changes) if changes else f"{payment.platform_label}와 일치합니다"), "check")
    if request.headers.get("HX-Request"):
        return render_template("payments/_receipt.html", payment=payment, left=service.left_window(payment))
    return redirect(url_for(".receipt", order_id=order_id), 303)
