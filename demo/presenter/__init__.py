"""The presenter view for design reviews: the payment flow as a live sequence diagram."""

import time
from datetime import timedelta
from urllib.parse import urlsplit

import segno
from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from ..catalog.models import Product
from ..catalog.views import MAX_QUANTITY
from ..console.auth import merchant_required
from ..extensions import db
from ..payments import service
from ..payments.devices import FLOWS
from ..payments.models import FLOW_LABELS, Payment, Status, flow_label, now
from ..payments.providers import PROVIDERS, PaymentError, enabled
from ..payments.views import find_payment, page_or_partial, visitor_id, whole_number
from .mermaid import sequence_diagram
from .steps import listed
from .telling import lanes, story, telling

bp = Blueprint("presenter", __name__, url_prefix="/presenter")
WATCH_EVERY = timedelta(seconds=3)  # how often the screen asks the order API while the user is on the platform's pages
POLL_FOR = 15 * 60  # seconds one screen keeps refreshing itself; a reload starts again
FINAL = (Status.REFUNDED, Status.CANCELLED, Status.FAILED)  # nothing can change any more


def recent_payments() -> list[Payment]:
    return db.session.scalars(select(Payment).order_by(Payment.id.desc()).limit(8)).all()


def default_flows() -> dict[str, str]:
    """The device flows as the default platform names its pages (the form's first choice)."""
    return {flow: flow_label(flow, enabled()[0]) for flow in FLOW_LABELS}


@bp.get("/")
@merchant_required
def index():
    products = db.session.scalars(select(Product).order_by(Product.position)).all()
    page = {"products": products, "recent": recent_payments(), "flows": default_flows(), "platforms": platforms()}
    return render_template("presenter/index.html", **page)


def platforms() -> dict[str, str]:
    """The platforms a demo payment may use (PAYMENT_PROVIDERS), the default first: name → label."""
    return {name: PROVIDERS[name].label for name in enabled()}


@bp.post("/")
@merchant_required
def start():
    """새 데모 결제: checkout with a chosen flow, then follow it on the diagram."""
    product = db.session.scalar(select(Product).filter_by(slug=request.form.get("product", "")))
    flow, quantity = request.form.get("flow"), whole_number(request.form.get("quantity"))
    provider = request.form.get("provider") or enabled()[0]
    if product is None or flow not in FLOWS or quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        abort(400, description="상품, 수량(1~99), 결제 화면을 골라 주세요.")
    if provider not in enabled():
        abort(400, description="선택한 결제 플랫폼을 쓸 수 없습니다.")
    try:
        payment = service.start(product, quantity, flow, visitor_id(), provider_name=provider)
    except PaymentError as error:
        context = dict(error=error, product=product, quantity=quantity, platform=PROVIDERS[provider].label)
        return render_template("payments/ready_error.html", **context), 502
    return redirect(url_for(".show", order_id=payment.order_id), 303)


def watch(payment: Payment) -> None:
    """While the user is on the platform's pages, ask the order API (every few seconds) how far they got.

    It is reconcile's check (service.sync): a payment the provider says is over (quit, expired) is finished here too,
    so one left open on the projector does not stay 결제 대기; one still in progress is not touched.
    """
    due = payment.checked_at is None or now() - payment.checked_at >= WATCH_EVERY
    if payment.status == Status.READY and payment.tid and due:
        service.sync(payment)


def screen(payment: Payment, shown: int) -> dict:
    """How this screen refreshes: while something can still change (a refund after 결제 완료 too), capped in time.
    The version names what is on screen (`shown` exchanges), so a refresh that would change nothing is skipped."""
    since = request.args.get("since", type=float) or time.time()
    live = payment.status not in FINAL and time.time() - since < POLL_FOR
    version = f"{payment.status}.{shown}.{len(payment.events)}.{live}"
    return dict(since=since, live=live, version=version, every="1s" if payment.status in Status.IN_FLIGHT else "2s")


def phone_qr(payment: Payment) -> dict | None:
    """A QR code of the phone flows' sheet (mobile web, app), to open it on a real phone (the PC page has its own), and
    whether its host is this machine's loopback address, which no phone can reach."""
    url = payment.redirect_urls.get(payment.flow) if payment.flow != "pc" else None
    if url is None or payment.status != Status.READY:
        return None
    host = urlsplit(url).hostname or ""
    loopback = host == "localhost" or host.startswith("127.") or host in ("::1", "0.0.0.0")
    return dict(svg=segno.make(url, error="m").svg_inline(omitsize=True, border=2, dark="#191919"), loopback=loopback)


@bp.get("/<order_id>")
@merchant_required
def show(order_id: str):
    """The live diagram. htmx polls it with the version it has; an unchanged screen answers 204 (nothing swapped)."""
    payment = find_payment(order_id)
    watch(payment)
    told = telling(payment)
    steps = told.steps(payment)
    exchanges, hidden = listed(payment, steps, told.watching)
    refresh = screen(payment, len(exchanges))
    if request.headers.get("HX-Request") and request.args.get("v") == refresh["version"]:
        return "", 204
    mermaid = sequence_diagram(told.title(payment), steps, told.lanes(payment), told)
    return page_or_partial(
        "presenter/show.html",
        payment=payment,
        steps=steps,
        lanes=told.lanes(payment),
        refresh=refresh,
        qr=phone_qr(payment),
        mermaid=mermaid,
        exchanges=exchanges,
        hidden=hidden,
    )


@bp.get("/<order_id>/replay")
@merchant_required
def replay(order_id: str):
    """Step through what happened, one step a page (prev/next links; arrow keys with JavaScript)."""
    payment = find_payment(order_id)
    steps = [step for step in story(payment) if step.state != "pending"]
    number = min(max(request.args.get("step", 1, type=int), 1), len(steps))
    return page_or_partial(
        "presenter/replay.html",
        payment=payment,
        steps=steps,
        number=number,
        step=steps[number - 1],
        lanes=lanes(payment),
    )


@bp.get("/<order_id>/sequence.mmd")
@merchant_required
def sequence(order_id: str):
    """The payment's sequence as Mermaid text, downloaded as a file."""
    payment = find_payment(order_id)
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "Content-Disposition": f'attachment; filename="strada-{order_id}.mmd"',
    }
    told = telling(payment)
    return sequence_diagram(told.title(payment), told.steps(payment), told.lanes(payment), told), headers
