"""POST /payments/<order_id>/refund: full or partial refunds through the provider's cancel API."""

from flask import flash, redirect, render_template, request, url_for

from ..console.auth import merchant_required
from . import bp, service
from .views import find_payment, whole_number


def requested_amount(available: int) -> int | None:
    """전액 → what is left; otherwise the typed amount ("1,000" works); None when it is not a whole number."""
    if request.form.get("kind") == "full":
        return available
    return whole_number(request.form.get("amount", "").replace(",", "").replace("원", ""))


@bp.post("/payments/<order_id>/refund")
@merchant_required
def refund(order_id: str):
    payment = find_payment(order_id)
    amount = requested_amount(payment.cancel_available_amount)
    seen = whole_number(request.form.get("seen_canceled"))
    try:
        if amount is None or seen is None:
            raise service.RefundError("취소할 금액을 숫자로 입력해 주세요.")
        service.refund(payment, amount, seen)
        flash(f"{amount:,}원을 취소했습니다.", "refund-ok")
    except service.RefundError as error:
        flash(str(error), "refund-error")
    if request.headers.get("HX-Request"):
        return render_template("payments/_receipt.html", payment=payment)
    return redirect(url_for(".receipt", order_id=order_id), 303)
