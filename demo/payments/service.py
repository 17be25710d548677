"""The payment lifecycle, provider-agnostic. Every change is a guarded transition recorded as an event.

ready → approving → approved → partially_refunded / refunded; ready → cancelled / failed.
A transition is a conditional UPDATE (… WHERE status IN allowed), so of two racing requests exactly one wins:
that is what makes approve run at most once under refreshes, back buttons and parallel callbacks.
"""

import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import update

from ..catalog.models import Product, vat_of
from ..extensions import db
from .models import ApiExchange, Payment, PaymentEvent, Status, now
from .providers import PaymentError, get_provider, public_base_url
from .providers.base import Approval, Exchange, Lookup, Order

# Errors after which the payment is still payable: a forged/wrong pg_token, or a callback before the user finished.
NOT_TERMINAL = {-708, -701}


class RefundError(Exception):
    """A refund that cannot be done; the message is shown to the user."""


def record(payment: Payment, exchange: Exchange | None) -> None:
    if exchange is not None:
        db.session.add(ApiExchange(payment_id=payment.id, **vars(exchange)))
        db.session.commit()


def note(payment: Payment, cause: str) -> None:
    """An event that changes no status: something worth seeing on the timeline."""
    db.session.add(
        PaymentEvent(payment_id=payment.id, from_status=payment.status, to_status=payment.status, cause=cause)
    )
    db.session.commit()


def transition(payment: Payment, allowed: tuple[str, ...], to: str, cause: str, **values) -> bool:
    """Move ``payment`` to ``to`` if it is still in ``allowed``; True when this call made the change."""
    old = payment.status
    result = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status.in_(allowed))
        .values(status=to, updated_at=now(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        db.session.add(
            PaymentEvent(payment_id=payment.id, from_status=old if old in allowed else None, to_status=to, cause=cause)
        )
    db.session.commit()
    db.session.refresh(payment)
    return result.rowcount == 1


def callback_url(endpoint: str, order_id: str) -> str:
    return public_base_url() + url_for(endpoint, order_id=order_id)


def start(product: Product, quantity: int, flow: str, user_id: str, recurring: bool = False) -> Payment:
    """Create the order, call ready and keep tid and every redirect URL. Raises PaymentError (payment stored failed).
    ``recurring``: the first payment of a subscription (the provider's recurring merchant id)."""
    amounts = product.amounts(quantity)
    provider = get_provider(recurring)
    item = dict(
        item_name=product.name,
        item_code=product.slug,
        quantity=quantity,
        total_amount=amounts.total,
        tax_free_amount=amounts.tax_free,
        vat_amount=amounts.vat,
    )
    payment = Payment(
        order_id=secrets.token_urlsafe(16),
        user_id=user_id,
        provider=provider.name,
        product_id=product.id,
        flow=flow,
        status=Status.READY,
        recurring=recurring,
        **item,
    )
    db.session.add(payment)
    db.session.flush()
    db.session.add(PaymentEvent(payment_id=payment.id, to_status=Status.READY, cause=f"주문 생성 ({flow} 흐름)"))
    db.session.commit()  # before the provider call: an in-process sandbox writes with its own session
    order = Order(
        order_id=payment.order_id,
        user_id=user_id,
        **item,
        approval_url=callback_url("payments.approve", payment.order_id),
        cancel_url=callback_url("payments.cancel", payment.order_id),
        fail_url=callback_url("payments.fail", payment.order_id),
    )
    try:
        ready = provider.ready(order)
    except PaymentError as error:
        record(payment, error.exchange)
        transition(
            payment,
            (Status.READY,),
            Status.FAILED,
            f"결제 준비 실패: {error}",
            failure_code=str(error.code),
            failure_message=error.provider_message or error.message,
        )
        raise
    record(payment, ready.exchange)
    payment.tid, payment.redirect_urls = ready.tid, ready.redirect_urls
    note(payment, f"결제 준비 완료 (tid {ready.tid})")
    return payment


def approve(payment: Payment, pg_token: str) -> PaymentError | None:
    """Handle the approval callback. Approve is called at most once; a repeated callback changes nothing.

    Returns the error to show when the payment could not be approved now (it may still be payable).
    """
    if not transition(payment, (Status.READY,), Status.APPROVING, "승인 요청 (pg_token 수신)", pg_token=pg_token):
        return None  # approved, approving or finished already: the receipt tells
    return finish_approval(payment)


def finish_approval(payment: Payment) -> PaymentError | None:
    """Call approve for a payment this request holds in `approving`."""
    try:
        approval = get_provider(payment.recurring).approve(
            payment.tid, payment.order_id, payment.user_id, payment.pg_token, payment.total_amount
        )
    except PaymentError as error:
        record(payment, error.exchange)
        if error.retryable:  # outcome unknown: keep `approving` and the pg_token; reconcile finishes it
            note(payment, f"승인 결과 확인 필요: {error}")
        elif error.code in NOT_TERMINAL:
            transition(payment, (Status.APPROVING,), Status.READY, f"승인 보류: {error}", pg_token=None)
        else:
            transition(
                payment,
                (Status.APPROVING,),
                Status.FAILED,
                f"승인 실패: {error}",
                failure_code=str(error.code),
                failure_message=error.provider_message or error.message,
            )
        return error
    record(payment, approval.exchange)
    mark_approved(payment, approval, "결제 승인 완료")
    return None


def mark_approved(payment: Payment, approval: Approval, cause: str) -> None:
    transition(
        payment,
        Status.IN_FLIGHT,
        Status.APPROVED,
        f"{cause} (aid {approval.aid})",
        aid=approval.aid,
        payment_method_type=approval.method,
        card_info=approval.card_info,
        approved_at=approval.approved_at or now(),
        billing_key=approval.billing_key,
    )


def ended_by_user(payment: Payment, to: str) -> bool:
    """cancel_url / fail_url: finish a ready payment, if the provider agrees it is over.

    Anyone holding the order URL can open these URLs, so the order API decides: a payment the provider still
    shows as pending or paid is left alone.
    """
    if payment.status != Status.READY:
        return False
    try:
        lookup = lookup_order(payment)
    except PaymentError:
        lookup = None  # the provider cannot tell: trust the callback, as KakaoPay only sends it when it is over
    if lookup is not None and lookup.state not in ("cancelled", "failed"):
        return False
    cause = "사용자가 결제를 취소했습니다" if to == Status.CANCELLED else "결제가 실패했거나 유효 시간이 지났습니다"
    status = lookup.provider_status if lookup else "확인 불가"
    return transition(payment, (Status.READY,), to, f"{cause} (카카오페이 상태 {status})")


def lookup_order(payment: Payment) -> Lookup:
    payment.checked_at = now()
    db.session.commit()
    try:
        lookup = get_provider(payment.recurring).lookup(payment.tid)
    except PaymentError as error:
        record(payment, error.exchange)
        raise
    record(payment, lookup.exchange)
    return lookup


def is_stale(payment: Payment) -> bool:
    """In flight and not looked at for a while: worth asking the provider (nothing polls an abandoned payment)."""
    last = max(payment.updated_at, payment.checked_at or payment.updated_at)
    return payment.status in Status.IN_FLIGHT and now() - last >= timedelta(seconds=current_app.config["STALE_AFTER"])


def sync(payment: Payment) -> str | None:
    """Bring one payment in line with the provider's order API. Returns what changed, or None."""
    before = payment.status
    if payment.tid is None:
        transition(payment, (Status.READY,), Status.FAILED, "결제 준비 응답이 없어 종료")
        return f"{before} → {payment.status}"
    try:
        lookup = lookup_order(payment)
    except PaymentError:
        return None
    if lookup.state == "paid" and lookup.approval and payment.status in Status.IN_FLIGHT:
        mark_approved(payment, lookup.approval, "대사: 카카오페이에서 승인 확인")
    elif lookup.state in ("cancelled", "failed") and payment.status in Status.IN_FLIGHT:
        to = Status.CANCELLED if lookup.state == "cancelled" else Status.FAILED
        transition(payment, Status.IN_FLIGHT, to, f"대사: 카카오페이 상태 {lookup.provider_status}")
    elif payment.status == Status.APPROVING and payment.pg_token and lookup.state in ("authorized", "pending"):
        note(payment, f"대사: 승인 재시도 (카카오페이 상태 {lookup.provider_status})")
        finish_approval(payment)
    return None if payment.status == before else f"{before} → {payment.status}"


def refund_split(payment: Payment, amount: int) -> tuple[int, int]:
    """(tax-free part, VAT) of a refund: proportional, and exactly what is left on the last one."""
    remaining = payment.total_amount - payment.canceled_amount
    remaining_tax_free = payment.tax_free_amount - payment.canceled_tax_free_amount
    if amount == remaining:
        return remaining_tax_free, payment.vat_amount - payment.canceled_vat_amount
    proportional = (2 * amount * remaining_tax_free + remaining) // (2 * remaining)
    tax_free = max(proportional, amount - (remaining - remaining_tax_free))  # never more taxable than is left
    return tax_free, min(vat_of(amount - tax_free), payment.vat_amount - payment.canceled_vat_amount)


def refund(payment: Payment, amount: int, seen_canceled: int) -> None:
    """Refund ``amount`` through the provider's cancel API. ``seen_canceled`` is the cumulative refund the user saw:
    a double-submitted form carries a stale value and is refused, so one click never refunds twice."""
    if payment.status not in (Status.APPROVED, Status.PARTIALLY_REFUNDED):
        raise RefundError("승인된 결제만 취소할 수 있습니다.")
    available = payment.cancel_available_amount
    if not 0 < amount <= available:
        raise RefundError(f"취소 금액은 1원부터 취소 가능 금액({available:,}원)까지입니다.")
    tax_free, vat = refund_split(payment, amount)
    claimed = db.session.execute(
        update(Payment)
        .where(
            Payment.id == payment.id,
            Payment.canceled_amount == seen_canceled,
            Payment.canceled_amount == payment.canceled_amount,
        )
        .values(canceled_amount=Payment.canceled_amount + amount, updated_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        db.session.refresh(payment)
        raise RefundError("이미 처리된 취소 요청입니다. 금액을 확인한 뒤 다시 시도해 주세요.")
    try:
        result = get_provider(payment.recurring).refund(payment.tid, amount, tax_free, vat)
    except PaymentError as error:
        record(payment, error.exchange)
        if not error.retryable:  # definitely not refunded: release the claim
            db.session.execute(
                update(Payment).where(Payment.id == payment.id).values(canceled_amount=Payment.canceled_amount - amount)
            )
            db.session.commit()
        db.session.refresh(payment)
        raise RefundError(f"{error.message} ({error.code})") from error
    record(payment, result.exchange)
    to = Status.REFUNDED if result.cancel_available == 0 else Status.PARTIALLY_REFUNDED
    transition(
        payment,
        (Status.APPROVED, Status.PARTIALLY_REFUNDED),
        to,
        f"{amount:,}원 취소 (누적 {result.canceled_total:,}원)",
        canceled_amount=result.canceled_total,
        canceled_tax_free_amount=Payment.canceled_tax_free_amount + tax_free,
        canceled_vat_amount=Payment.canceled_vat_amount + vat,
    )
