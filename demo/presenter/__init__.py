"""The presenter view for design reviews: the payment flow as a live sequence diagram."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select

from ..catalog.models import Product
from ..catalog.views import MAX_QUANTITY
from ..console.auth import merchant_required
from ..extensions import db
from ..payments import service
from ..payments.devices import FLOWS
from ..payments.models import FLOW_LABELS, Payment
from ..payments.providers import PaymentError
from ..payments.views import find_payment, page_or_partial, visitor_id, whole_number
from .story import LANES, story

bp = Blueprint("presenter", __name__, url_prefix="/presenter")


def recent_payments() -> list[Payment]:
    return db.session.scalars(select(Payment).order_by(Payment.id.desc()).limit(8)).all()


@bp.get("/")
@merchant_required
def index():
    products = db.session.scalars(select(Product).order_by(Product.position)).all()
    return render_template("presenter/index.html", products=products, recent=recent_payments(), flows=FLOW_LABELS)


@bp.post("/")
@merchant_required
def start():
    """새 데모 결제: checkout with a chosen flow, then follow it on the diagram."""
    product = db.session.scalar(select(Product).filter_by(slug=request.form.get("product", "")))
    flow, quantity = request.form.get("flow"), whole_number(request.form.get("quantity"))
    if product is None or flow not in FLOWS or quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        abort(400, description="상품, 수량(1~99), 결제 화면을 골라 주세요.")
    try:
        payment = service.start(product, quantity, flow, visitor_id())
    except PaymentError as error:
        return render_template("payments/ready_error.html", error=error, product=product, quantity=quantity), 502
    return redirect(url_for(".show", order_id=payment.order_id), 303)


@bp.get("/<order_id>")
@merchant_required
def show(order_id: str):
    payment = find_payment(order_id)
    return page_or_partial("presenter/show.html", payment=payment, steps=story(payment), lanes=LANES)
