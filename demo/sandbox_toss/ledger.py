"""Toss's side of a payment: every state change a guarded (conditional) update, committed with its webhook.

READY (the SDK opened the window) → IN_PROGRESS (the buyer authenticated) → DONE (the merchant's confirm) →
PARTIAL_CANCELED / CANCELED. A window not authenticated within TOSS_SANDBOX_SESSION_TTL, or an authenticated payment
not confirmed within TOSS_SANDBOX_CONFIRM_TTL, becomes EXPIRED; a refusal makes it ABORTED. Every change to EXPIRED,
ABORTED, DONE, PARTIAL_CANCELED or CANCELED queues a PAYMENT_STATUS_CHANGED webhook in the same transaction; READY,
IN_PROGRESS and a buyer closing the window send none.
"""

import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db, guarded_update
from . import webhooks
from .models import OPEN, PAID, TossSandboxCancel, TossSandboxPayment, new_transaction_key, now
from .wire import TossError

EXPIRED_FAILURE = ("EXPIRED_PAYMENT", "결제가 만료되었습니다. 다시 시도해주세요.")
CONFIRM_FAULTS = {  # the window's 테스트 옵션 for the merchant's first confirm
    "": "정상",
    "reject": "승인 거절 (REJECT_CARD_PAYMENT)",
    "slow": "느린 응답",
    "server_error": "서버 오류 (500)",
}
SAME_BALANCE = TossSandboxPayment.balance_amount == bindparam("seen_balance")


def change(payment: TossSandboxPayment, allowed: tuple[str, ...], status: str, **values) -> bool:
    """Move the payment to ``status`` if it is still in ``allowed``; a change Toss announces queues its webhook.
    Commits; True when this call won."""
    won = guarded_update(payment, allowed, status=status, **values)
    if won:
        webhooks.queue(payment)
    db.session.commit()
    return won


def expires_at(payment: TossSandboxPayment):
    config = current_app.config
    if payment.status == "IN_PROGRESS" and payment.authenticated_at:
        return payment.authenticated_at + timedelta(seconds=config["TOSS_SANDBOX_CONFIRM_TTL"])
    return payment.requested_at + timedelta(seconds=config["TOSS_SANDBOX_SESSION_TTL"])


def seconds_left(payment: TossSandboxPayment) -> int:
    return max(0, int((expires_at(payment) - now()).total_seconds()))


def is_expired(payment: TossSandboxPayment) -> bool:
    """Expire a payment left open past its time limit; True when it is (now) EXPIRED."""
    if payment.status in OPEN and now() >= expires_at(payment):
        code, message = EXPIRED_FAILURE
        change(payment, (payment.status,), "EXPIRED", failure_code=code, failure_message=message)
    return payment.status == "EXPIRED"


def sweep_expired() -> int:
    """Expire every payment past its limit (the webhook dispatcher calls this, so EXPIRED webhooks go out even when
    nobody looks at the payment). Returns how many expired."""
    config, moment = current_app.config, now()
    session_start = moment - timedelta(seconds=config["TOSS_SANDBOX_SESSION_TTL"])
    confirm_start = moment - timedelta(seconds=config["TOSS_SANDBOX_CONFIRM_TTL"])
    due = select(TossSandboxPayment).where(
        ((TossSandboxPayment.status == "READY") & (TossSandboxPayment.requested_at <= session_start))
        | ((TossSandboxPayment.status == "IN_PROGRESS") & (TossSandboxPayment.authenticated_at <= confirm_start))
    )
    return sum(is_expired(payment) for payment in db.session.scalars(due).all())


def open_window(order_id: str, **fields) -> TossSandboxPayment:
    """The SDK opened the window for ``order_id``: a new READY payment, or the same one again while it is READY (the
    buyer opened the window twice). An orderId that went further is a duplicate."""
    amounts = {"balance_amount": fields["total_amount"], "balance_tax_free_amount": fields["tax_free_amount"]}
    payment = db.session.scalar(select(TossSandboxPayment).filter_by(order_id=order_id))
    if payment is not None and not is_expired(payment) and payment.status == "READY":
        guarded_update(payment, ("READY",), status="READY", requested_at=now(), **fields, **amounts)
        db.session.commit()
        return payment
    if payment is not None:
        raise TossError("DUPLICATED_ORDER_ID")
    payment = TossSandboxPayment(order_id=order_id, **fields, **amounts)
    db.session.add(payment)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same orderId opened twice at the same moment
        db.session.rollback()
        raise TossError("DUPLICATED_ORDER_ID") from error
    return payment


def authenticate(
    payment: TossSandboxPayment,
    method: str,
    card_company: str | None,
    easy_pay: str | None,
    install_months: int,
    fault: str | None,
) -> bool:
    """The buyer paid in the window: IN_PROGRESS, waiting for the merchant's confirm (no webhook)."""
    won = guarded_update(
        payment,
        ("READY",),
        status="IN_PROGRESS",
        method=method,
        card_company=card_company,
        easy_pay=easy_pay,
        install_months=install_months,
        fault=fault or None,
        authenticated_at=now(),
    )
    db.session.commit()
    return won


def abort(payment: TossSandboxPayment, code: str, message: str, allowed: tuple[str, ...] = ("READY",)) -> bool:
    """A refusal (in the window, or at confirm): ABORTED with its failure."""
    return change(payment, allowed, "ABORTED", failure_code=code, failure_message=message)


def take_fault(payment: TossSandboxPayment) -> str | None:
    """The window's test option fails only the first confirm (one winner among parallel calls), so the demo shows
    the merchant recovering; TOSS_SANDBOX_FAULT fails every confirm."""
    fault, taken = payment.fault, 0
    if fault:
        taken = db.session.execute(
            update(TossSandboxPayment)
            .where(TossSandboxPayment.id == payment.id, TossSandboxPayment.fault == fault)
            .values(fault=None)
        ).rowcount
        db.session.commit()
    return (fault if taken else None) or current_app.config.get("TOSS_SANDBOX_FAULT") or None


def confirm(payment: TossSandboxPayment, order_id: str, amount: int) -> TossSandboxPayment:
    """The merchant's confirm: once, within the time limit, with the orderId and amount the window was opened with."""
    if payment.status in (*PAID, "CANCELED", "ABORTED"):
        raise TossError("ALREADY_PROCESSED_PAYMENT")
    if is_expired(payment) or payment.status != "IN_PROGRESS" or order_id != payment.order_id:
        raise TossError("NOT_FOUND_PAYMENT_SESSION")
    if amount != payment.total_amount:
        raise TossError(current_app.config["TOSS_SANDBOX_AMOUNT_MISMATCH"])
    fault = take_fault(payment)
    if fault == "reject":
        error = TossError("REJECT_CARD_PAYMENT")
        abort(payment, error.code, error.message, allowed=("IN_PROGRESS",))
        raise error
    if fault == "server_error":
        raise TossError("FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING")
    if fault == "slow":
        time.sleep(current_app.config["TOSS_SANDBOX_SLOW_SECONDS"])
    key = new_transaction_key()
    if not change(payment, ("IN_PROGRESS",), "DONE", approved_at=now(), last_transaction_key=key):
        raise TossError("ALREADY_PROCESSED_PAYMENT")  # a parallel confirm won
    return payment


def cancel(
    payment: TossSandboxPayment, reason: str, amount: int | None, tax_free: int | None, refundable: int | None
) -> TossSandboxPayment:
    """Refund ``amount`` (absent: the whole balance); partial cancels accumulate in ``cancels``."""
    if payment.status == "CANCELED":
        raise TossError("ALREADY_CANCELED_PAYMENT")
    if payment.status not in PAID:
        raise TossError("NOT_CANCELABLE_PAYMENT")
    if refundable is not None and refundable != payment.balance_amount:
        raise TossError("NOT_MATCHES_REFUNDABLE_AMOUNT")
    if amount is None:
        amount = payment.balance_amount
    if tax_free is None:  # the tax-free part goes with the last cancel unless given
        tax_free = payment.balance_tax_free_amount if amount == payment.balance_amount else 0
    if amount > payment.balance_amount or tax_free > min(amount, payment.balance_tax_free_amount):
        raise TossError("NOT_CANCELABLE_AMOUNT")
    balance, key = payment.balance_amount - amount, new_transaction_key()
    won = guarded_update(
        payment,
        PAID,
        SAME_BALANCE,
        {"seen_balance": payment.balance_amount},
        status="CANCELED" if balance == 0 else "PARTIAL_CANCELED",
        balance_amount=balance,
        balance_tax_free_amount=payment.balance_tax_free_amount - tax_free,
        last_transaction_key=key,
    )
    if not won:
        db.session.rollback()
        raise TossError("FORBIDDEN_CONSECUTIVE_REQUEST")  # another cancel changed the balance meanwhile
    db.session.add(
        TossSandboxCancel(
            payment_id=payment.id,
            transaction_key=key,
            cancel_reason=reason,
            cancel_amount=amount,
            tax_free_amount=tax_free,
            refundable_amount=balance,
        )
    )
    db.session.flush()
    db.session.expire(payment, ["cancels"])
    webhooks.queue(payment)
    db.session.commit()
    return payment
