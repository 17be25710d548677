"""POST /payments/<order_id>/refund: full or partial refunds through the provider's cancel API.

The console's form first asks for a review (``step=review``): the same URL answers with the receipt showing the
amount and kind to confirm, with or without JavaScript; the confirmation posts again without ``step`` and refunds.
Errors are shown beside the amount field, the typed amount kept."""

from flask import flash, redirect, render_template, request, url_for

from ..console.auth import merchant_required
from . import bp, service
from .views import find_payment, page_or_partial, whole_number


def requested_amount(available: int) -> int | None:
    """전액 → what is left; otherwise the typed amount ("1,000" works); None when it is not a whole number."""
    if request.form.get("kind") == "full":
        return available
    return whole_number(request.form.get("amount", "").replace(",", "").replace("원", ""))


def reviewable(available: int, amount: int | None) -> int:
    """The amount to ask confirmation for, or RefundError when no refund of it could be made."""
    if amount is None:
        raise service.RefundError("취소할 금액을 숫자로 입력해 주세요.")
    if not available:
        raise service.RefundError("더 취소할 금액이 없습니다.")
    if not 0 < amount <= available:
        raise service.RefundError(f"취소 금액은 1원부터 취소 가능 금액({available:,}원)까지입니다.")
    return amount


@bp.post("/payments/<order_id>/refund")
@merchant_required
def refund(order_id: str):
    payment = find_payment(order_id)
    amount = requested_amount(payment.cancel_available_amount)
    seen = whole_number(request.form.get("seen_canceled"))
    try:
        reason = service.refund_reason(request.form.get("reason"))
        if request.form.get("step") == "review":
            review = reviewable(payment.cancel_available_amount, amount)
            return page_or_partial("payments/receipt.html", payment=payment, review=review, reason=reason)
        if amount is None or seen is None:
            raise service.RefundError("취소할 금액을 숫자로 입력해 주세요.")
        service.refund(payment, amount, seen, reason)
        flash(f"{amount:,}원을 결제 취소(환불)했습니다.", "refund-ok")
    except service.RefundError as error:
        typed = dict(amount=request.form.get("amount", ""), reason=request.form.get("reason", ""))
        htmx = bool(request.headers.get("HX-Request"))  # htmx swaps only 2xx answers
        page = page_or_partial("payments/receipt.html", payment=payment, refund_error=str(error), typed=typed)
        return page, 200 if htmx else 422
    if request.headers.get("HX-Request"):
        return render_template("payments/_receipt.html", payment=payment)
    return redirect(url_for(".receipt", order_id=order_id), 303)
