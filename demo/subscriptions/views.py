"""정기결제 pages: start (from the product page), 내 구독 with 해지, and the console's subscription list."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..catalog.models import Product
from ..console.auth import merchant_required
from ..extensions import db
from ..payments.devices import choose_flow
from ..payments.providers import PaymentError
from ..payments.views import to_provider_page, visitor_id
from . import bp, clock, service
from .models import Subscription


def find(key: str) -> Subscription:
    return service.refresh(db.first_or_404(select(Subscription).filter_by(key=key)))


def own(key: str) -> Subscription:
    """A subscription of this browser's buyer; anyone else gets a 404, as if it did not exist."""
    subscription = find(key)
    if subscription.user_id != visitor_id():
        abort(404)
    return subscription


@bp.post("/subscriptions")
def start():
    """정기결제 시작: the first payment through the normal checkout pages, with the recurring merchant id."""
    product = db.session.scalar(select(Product).filter_by(slug=request.form.get("product", ""), recurring=True))
    if product is None:
        abort(400, description="정기결제할 수 있는 상품이 아닙니다.")
    flow = choose_flow(request.user_agent.string, request.form.get("flow"), current_app.config["STRADA_APP_UA_MARKER"])
    try:
        subscription = service.start(product, flow, visitor_id())
    except PaymentError as error:
        return render_template("payments/ready_error.html", error=error, product=product, quantity=1), 502
    return to_provider_page(subscription.first_payment, flow)


@bp.get("/subscriptions/mine")
def mine():
    """내 구독: this browser's subscriptions, with every charge and its receipt."""
    query = select(Subscription).filter_by(user_id=visitor_id()).order_by(Subscription.id.desc())
    subscriptions = [service.refresh(s) for s in db.session.scalars(query)]
    return render_template("subscriptions/mine.html", subscriptions=subscriptions)


def deactivated(subscription: Subscription, by: str, done: str, back: str):
    """해지 (buyer or console), then back to the page it came from with what happened."""
    try:
        service.deactivate(subscription, by=by)
        flash(done, "subscription")
    except service.SubscriptionError as error:
        flash(str(error), "subscription-error")
    return redirect(url_for(back), 303)


@bp.route("/subscriptions/<key>/cancel", methods=["GET", "POST"])
def cancel(key: str):
    """해지 by the buyer: a confirmation page, then the POST."""
    subscription = own(key)
    if request.method == "GET":
        return render_template("subscriptions/confirm_cancel.html", subscription=subscription)
    done = "정기결제를 해지했습니다. 다음 결제일부터 더 이상 결제되지 않습니다."
    return deactivated(subscription, "buyer", done, ".mine")


@bp.get("/subscriptions")
@merchant_required
def console():
    """The merchant's subscriptions, the demo clock and the charge buttons."""
    subscriptions = [
        service.refresh(s) for s in db.session.scalars(select(Subscription).order_by(Subscription.id.desc()))
    ]
    return render_template(
        "subscriptions/console.html", subscriptions=subscriptions, today=clock.today(), months=clock.months_ahead()
    )


@bp.post("/subscriptions/<key>/charge")
@merchant_required
def charge_next(key: str):
    """다음 회차 결제 실행: the demo clock moves to the next billing date and that period is charged."""
    subscription = find(key)
    try:
        charge = service.charge_next(subscription)
    except service.SubscriptionError as error:
        flash(str(error), "subscription-error")
    else:
        if charge is None:
            flash("다른 요청이 이미 이번 회차를 결제하고 있습니다.", "subscription-error")
        else:
            flash(
                f"{charge.period}회차 {charge.status_label}: {charge.error or charge.payment.order_id}", "subscription"
            )
    return redirect(url_for(".console"), 303)


@bp.post("/subscriptions/charge-due")
@merchant_required
def charge_due():
    """청구 실행: what the cron job runs (`flask subscriptions charge-due`), for the demo clock's date."""
    charges = service.charge_due()
    flash(f"{clock.today():%Y-%m-%d} 기준 {len(charges)}건 청구했습니다.", "subscription")
    return redirect(url_for(".console"), 303)


@bp.post("/subscriptions/clock")
@merchant_required
def move_clock():
    if request.form.get("action") == "reset":
        clock.set_months_ahead(0)
    else:
        clock.advance_one_month()
    return redirect(url_for(".console"), 303)


@bp.post("/subscriptions/<key>/deactivate")
@merchant_required
def deactivate(key: str):
    return deactivated(find(key), "console", "구독을 해지했습니다.", ".console")


@bp.post("/subscriptions/<key>/check")
@merchant_required
def check(key: str):
    """<platform> 상태 확인: the billing key's status at the provider; one deactivated there ends here too."""
    subscription = find(key)
    try:
        status = service.check_billing_key(subscription)
        provider = subscription.provider
        key_label = provider.billing_key_label
        flash(f"{provider.label} {key_label} 상태: {status} · 구독 {subscription.status_label}", "subscription")
    except service.SubscriptionError as error:
        flash(str(error), "subscription-error")
    return redirect(url_for(".console"), 303)
