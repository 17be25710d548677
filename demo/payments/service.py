"""The payment lifecycle, provider-agnostic. Every change is a guarded transition recorded as an event.

ready → approving → approved → partially_refunded / refunded; ready → cancelled / failed.
A transition is a conditional UPDATE (… WHERE status IN allowed), so of two racing requests exactly one wins.
One approve attempt is in flight per payment: a claim (``claimed_until``) taken by a conditional UPDATE, which lapses
if its worker dies. Every approve answer is classified (DESIGN.md, "What an answer means"); an unknown outcome is
settled from the provider's order API, never guessed. Refunds are records of their own (refund_records.py); the
payment's cumulative refunded amounts change only from provider answers and never go backwards.
"""

import json
import time
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import and_, bindparam, case, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..catalog.models import Product, vat_of
from ..extensions import db, guarded_update, insert_row
from .models import ApiExchange, Payment, PaymentEvent, ReturnMode, Status, new_order_id, now
from .providers import PaymentError, Provider, get_provider, public_base_url
from .providers.base import Approval, Callback, Exchange, Kind, Lookup, Order, Outcome, Refund
from .refund_records import DEFAULT_REASON, REASON_MAX, RefundRecord, RefundState

# Event causes the presenter reads to tell who acted (each provider's story module, demo/payments/providers/).
APP_REPORTED = "앱이 {what}을 알림"  # the app's abandon (what: 결제 중단 / 결제 실패)
CONFIRM_OVERDUE = "앱의 승인 요청이 없어 서버가 보관한 인증 토큰으로 승인합니다"  # 앱이 승인 past APP_CONFIRM_GRACE
NOT_APPROVED = "승인하지 않음"  # a success callback refused before any call (another order's, a tampered amount)
RECHECK_AFTER = timedelta(seconds=1)  # an approving payment is asked about again after this, while someone looks
ROLES = {"approve": "approval_url", "cancel": "cancel_url", "fail": "fail_url"}  # a callback's kind → Order's URL
NOT_YET = "아직 사용자가 결제를 마치지 않았습니다."
# A cancel or fail callback that leaves the payment payable (not conclusive: a window's 취소 keeps it payable).
# The buyer's page reads the latest event to say so, through its own refreshes and polls (left_window).
LEFT_WINDOW = {
    Outcome.CANCELLED: "결제창을 닫았지만 결제는 열려 있음",
    Outcome.FAILED: "결제창이 실패를 알렸지만 결제는 열려 있음",
}
LATEST_CAUSE = (
    select(PaymentEvent.cause)
    .where(PaymentEvent.payment_id == bindparam("payment_id"))
    .order_by(PaymentEvent.id.desc())
    .limit(1)
)


class RefundError(Exception):
    """A refund that cannot be done; the message is shown to the user."""


def add_exchange(payment: Payment, exchange: Exchange | None) -> None:
    """Keep an API exchange with the next commit (a transition's or a note's: one transaction, not two)."""
    if exchange is not None:
        insert_row(ApiExchange, payment_id=payment.id, **vars(exchange))


def record(payment: Payment, exchange: Exchange | None) -> None:
    add_exchange(payment, exchange)
    db.session.commit()


def note(payment: Payment, cause: str) -> None:
    """An event that changes no status: something worth seeing on the timeline."""
    insert_row(PaymentEvent, payment_id=payment.id, from_status=payment.status, to_status=payment.status, cause=cause)
    db.session.commit()


def transition(payment: Payment, allowed: tuple[str, ...], to: str, cause: str, **values) -> bool:
    """Move ``payment`` to ``to`` if it is still in ``allowed``; True when this call made the change."""
    old = payment.status
    won = guarded_update(payment, allowed, status=to, updated_at=now(), **values)
    if won:
        from_status = old if old in allowed else None
        insert_row(PaymentEvent, payment_id=payment.id, from_status=from_status, to_status=to, cause=cause)
    db.session.commit()
    return won


def fail(payment: Payment, allowed: tuple[str, ...], cause: str, error: PaymentError, **values) -> bool:
    """Move ``payment`` to failed because of the provider's ``error``, keeping its code and message."""
    return transition(
        payment,
        allowed,
        Status.FAILED,
        f"{cause}: {error}",
        failure_code=str(error.code),
        failure_message=error.provider_message or error.message,
        **values,
    )


def callback_url(endpoint: str, order_id: str, **values) -> str:
    return public_base_url() + url_for(endpoint, order_id=order_id, **values)


def provider_of(payment: Payment) -> Provider:
    return get_provider(payment.provider, payment.recurring)


def callback_urls(order_id: str, return_mode: str | None, provider: Provider) -> dict[str, str]:
    """approval_url, cancel_url and fail_url: the web's (the provider's callback paths), the app bridge's, or
    (scheme) the app's own deep links. A platform with no cancel callback gets its fail URL there too."""
    if return_mode == ReturnMode.SCHEME:
        base = f"{current_app.config['STRADA_APP_SCHEME']}://payments/{order_id}"
        return {role: f"{base}/{kind}" for kind, role in ROLES.items()}
    if return_mode is not None:
        return {role: callback_url("app_return.returned", order_id, kind=kind) for kind, role in ROLES.items()}
    paths = {ROLES[kind]: path for path, kind in provider.callbacks.items()}
    paths.setdefault("cancel_url", paths["fail_url"])
    return {role: callback_url("payments.callback", order_id, path=path) for role, path in paths.items()}


def start(
    product: Product,
    quantity: int,
    flow: str,
    user_id: str,
    recurring: bool = False,
    return_mode: str | None = None,
    provider_name: str | None = None,
) -> Payment:
    """Create the order (stored before any provider call), then start it with the provider: keep its id when it gives
    one, and where the buyer goes next. Raises PaymentError (payment stored failed). ``recurring``: the first payment
    of a subscription (the provider's recurring merchant id); ``return_mode``: a payment for the Strada app (its
    callbacks are the app bridge's, see ReturnMode), None for the web; ``provider_name``: one of PAYMENT_PROVIDERS
    (None: the first)."""
    amounts = product.amounts(quantity)
    provider = get_provider(provider_name, recurring)
    item = dict(
        item_name=product.name,
        item_code=product.slug,
        quantity=quantity,
        total_amount=amounts.total,
        tax_free_amount=amounts.tax_free,
        vat_amount=amounts.vat,
    )
    payment = Payment(
        order_id=new_order_id(),
        user_id=user_id,
        provider=provider.name,
        product_id=product.id,
        flow=flow,
        status=Status.READY,
        recurring=recurring,
        return_mode=return_mode,
        **item,
    )
    db.session.add(payment)
    db.session.flush()
    insert_row(PaymentEvent, payment_id=payment.id, to_status=Status.READY, cause=f"주문 생성 ({flow} 흐름)")
    db.session.commit()  # before the provider call: an in-process sandbox writes with its own session
    order = Order(
        order_id=payment.order_id,
        user_id=user_id,
        **item,
        **callback_urls(payment.order_id, return_mode, provider),
    )
    try:
        started = provider.start(order)
    except PaymentError as error:
        record(payment, error.exchange)
        fail(payment, (Status.READY,), "결제 준비 실패", error)
        raise
    add_exchange(payment, started.exchange)
    guarded_update(payment, (Status.READY,), tid=started.provider_ref, redirect_urls=next_pages(payment, started))
    ref = f"tid {started.provider_ref}" if started.provider_ref else "결제창은 브라우저에서 열립니다"
    note(payment, f"결제 준비 완료 ({ref})")
    return payment


def next_pages(payment: Payment, started) -> dict:
    """Where the buyer goes next, by device: the platform's pages, or (a platform whose browser SDK opens its window)
    our checkout page for every device, which keeps the SDK call's parameters."""
    if started.redirect_urls is not None:
        return started.redirect_urls
    page = public_base_url() + url_for("payments.pay", order_id=payment.order_id)
    return {"pc": page, "mobile": page, "app": page, "checkout": started.checkout}


def in_flight_window() -> timedelta:
    """How long a call may still run at the provider after we stopped waiting for it."""
    seconds = current_app.config.get("IN_FLIGHT_SECONDS")
    return timedelta(seconds=current_app.config["PROVIDER_TIMEOUT"] + 5 if seconds is None else seconds)


# An approving payment whose approve attempt is over (its claim lapsed) and can be retried with its pg_token.
LAPSED_CLAIM = and_(
    Payment.pg_token.is_not(None),
    or_(Payment.claimed_until.is_(None), Payment.claimed_until <= bindparam("moment")),
)


def claim(payment: Payment, pg_token: str | None = None) -> bool:
    """Take the one approve attempt. With a callback's pg_token: a ready payment; without: an approving payment whose
    last claim lapsed (its call ended without an answer, or its worker died). True when this call holds it now."""
    moment, old = datetime.now(), payment.status
    held = {"claimed_until": moment + in_flight_window(), "updated_at": now()}
    if pg_token is not None:
        won = guarded_update(payment, (Status.READY,), status=Status.APPROVING, pg_token=pg_token, **held)
    else:
        won = guarded_update(payment, (Status.APPROVING,), LAPSED_CLAIM, {"moment": moment}, **held)
    if won:
        token = provider_of(payment).token_name
        cause = f"승인 요청 ({token} 수신)" if pg_token is not None else "승인 재시도 (이전 시도의 결과를 알 수 없음)"
        insert_row(PaymentEvent, payment_id=payment.id, from_status=old, to_status=Status.APPROVING, cause=cause)
    db.session.commit()
    return won


def release_claim(payment: Payment) -> None:
    """The attempt ended with an answer (even a 5xx): nothing of it is in flight any more."""
    db.session.execute(update(Payment).where(Payment.id == payment.id).values(claimed_until=None))
    db.session.commit()


def refusal(payment: Payment, callback: Callback) -> PaymentError | None:
    """A platform's success callback is bound to our payment by the URL: one for another order, or claiming an
    amount other than ours, is refused before any call or stored token (the payment stays payable, and ends by
    expiry if nothing else comes). None when it may be used."""
    refused = None
    if callback.order_id not in (None, payment.order_id):
        refused = "주문번호가 이 결제와 다릅니다"
    elif callback.claimed_amount not in (None, payment.total_amount):
        refused = f"결제 금액이 다릅니다 ({callback.claimed_amount:,}원 ≠ {payment.total_amount:,}원)"
    if refused is None:
        return None
    if payment.status == Status.READY:
        note(payment, f"{NOT_APPROVED}: {refused}")
    return PaymentError("mismatch", f"{refused}. 승인하지 않았습니다.", kind=Kind.BAD_CALLBACK)


def authorized(payment: Payment, callback: Callback) -> PaymentError | None:
    """A platform's success callback: approve with its token unless it is refused (``refusal``)."""
    return refusal(payment, callback) or approve(payment, callback.token)


def approve(payment: Payment, pg_token: str) -> PaymentError | None:
    """Handle the approval callback. A repeated callback changes nothing; a callback that finds another attempt (with
    another pg_token) in flight waits for its outcome, then tries its own token if the payment is still payable.

    Returns the error to show when the payment could not be approved now (it may still be payable).
    """
    deadline = time.monotonic() + in_flight_window().total_seconds()
    while not claim(payment, pg_token):
        if payment.status != Status.APPROVING or payment.pg_token == pg_token or time.monotonic() + 0.2 > deadline:
            return None  # approved, finished, or this very token is being approved: the receipt tells
        time.sleep(0.2)
        db.session.refresh(payment)
    return attempt_approve(payment)


def keep_pg_token(payment: Payment, pg_token: str) -> bool:
    """The app bridge's first step: store a callback's pg_token on a ready payment before anything else (the latest
    callback's wins; a forged one is refused by approve later and cleared). 앱이 승인 stops here until the app
    confirms. True when it was stored."""
    kept = guarded_update(payment, (Status.READY,), pg_token=pg_token, updated_at=now())
    if kept:
        waits = payment.return_mode == ReturnMode.APP
        token = provider_of(payment).token_name
        cause = f"{token} 수신: 앱의 승인 요청을 기다립니다" if waits else f"{token} 수신 (보관)"
        insert_row(PaymentEvent, payment_id=payment.id, from_status=Status.READY, to_status=Status.READY, cause=cause)
    db.session.commit()
    return kept


def confirm(payment: Payment, pg_token: str | None = None) -> PaymentError | None:
    """The app's confirm: approve with ``pg_token``, else the one a callback stored. A payment already approved,
    finished or being approved is left as it is (the caller shows it). Returns the error when it could not be
    approved now; with no pg_token at all, that the user has not finished."""
    token = pg_token or payment.pg_token
    if payment.status != Status.READY:
        return None
    if token is None:
        return PaymentError("not_finished", NOT_YET, kind=Kind.BAD_CALLBACK)
    return approve(payment, token)


def confirm_overdue(payment: Payment) -> bool:
    """A kept pg_token (앱이 승인) whose app did not confirm within APP_CONFIRM_GRACE: recovery approves it."""
    grace = timedelta(seconds=current_app.config["APP_CONFIRM_GRACE"])
    return payment.status == Status.READY and payment.pg_token is not None and now() - payment.updated_at >= grace


def abandon(payment: Payment, cause: str) -> None:
    """The app says the user quit or the payment failed: finish only what the order API confirms. A payment the
    user has paid is approved instead (with the kept pg_token); a pending one stays as it is. Raises PaymentError
    when the provider cannot tell."""
    if payment.status != Status.READY:
        return
    lookup = lookup_order(payment)
    note(payment, f"{cause} ({provider_of(payment).label} 상태 {lookup.provider_status})")
    if lookup.state == "authorized" and payment.pg_token:
        approve(payment, payment.pg_token)
    elif lookup.state in ("paid", "cancelled", "failed"):
        settle_approval(payment, lookup)


def attempt_approve(payment: Payment, retries: int = 1) -> PaymentError | None:
    """Call approve for a payment this request holds the claim of, and act on the answer's class. After an answer
    that says nothing, try again at once (``retries`` times) if the order API has not settled it: a passing 5xx then
    costs the buyer a fraction of a second, not the receipt's next poll."""
    try:
        approval = provider_of(payment).finalize(
            payment.tid, payment.order_id, payment.user_id, payment.pg_token, payment.total_amount
        )
    except PaymentError as error:
        record(payment, error.exchange)
        handle_approve_error(payment, error)
        # An answer that tells neither paid nor not paid: the call is over, so it may be retried at once.
        if retries and error.kind == Kind.UNKNOWN and payment.status == Status.APPROVING and claim(payment):
            note(payment, "승인 재시도: 바로 다시 요청합니다")
            return attempt_approve(payment, retries - 1)
        return error
    add_exchange(payment, approval.exchange)
    mark_approved(payment, approval, "결제 승인 완료")
    return None


def handle_approve_error(payment: Payment, error: PaymentError) -> None:
    if error.kind == Kind.ALREADY_DONE:  # a twin request won: paid. The order API has the details.
        note(payment, f"이미 승인된 결제: {provider_of(payment).label} 주문 조회로 확인합니다 ({error})")
        release_claim(payment)
        check_order(payment)
    elif error.kind == Kind.BAD_CALLBACK:
        transition(payment, (Status.APPROVING,), Status.READY, f"승인 보류: {error}", pg_token=None, claimed_until=None)
    elif error.kind in (Kind.DECLINED, Kind.EXPIRED):
        fail(payment, (Status.APPROVING,), "승인 실패", error, claimed_until=None)
    elif error.kind == Kind.NO_ANSWER:  # the call may still be running there: keep the claim
        note(payment, f"승인 결과 확인 필요: {error}")
    else:  # an answer that tells nothing (5xx, malformed, unexpected code): ask the order API, retry later
        note(payment, f"승인 결과 확인 필요: {error}")
        release_claim(payment)
        check_order(payment)


def check_order(payment: Payment) -> None:
    """Settle an approving payment from the order API when it can tell; otherwise it stays approving."""
    try:
        lookup = lookup_order(payment)
    except PaymentError:
        return
    if lookup.state == "paid" and lookup.approval:
        mark_approved(payment, lookup.approval, f"{provider_of(payment).label} 주문 조회로 승인 확인")
    elif lookup.state in ("cancelled", "failed"):
        end_from_lookup(payment, lookup)


def mark_approved(payment: Payment, approval: Approval, cause: str) -> None:
    transition(
        payment,
        Status.IN_FLIGHT,
        Status.APPROVED,
        f"{cause} (aid {approval.aid})",
        aid=approval.aid,
        tid=payment.tid or approval.tid,
        payment_method_type=approval.method,
        card_info=approval.card_info,
        approved_at=approval.approved_at or now(),
        billing_key=approval.billing_key,
        claimed_until=None,
    )


def end_from_lookup(payment: Payment, lookup: Lookup) -> None:
    to = Status.CANCELLED if lookup.state == "cancelled" else Status.FAILED
    status = f"{provider_of(payment).label} 상태 {lookup.provider_status}"
    transition(payment, Status.IN_FLIGHT, to, status, claimed_until=None)


def ended_by_user(payment: Payment, callback: Callback) -> bool:
    """A cancel or fail callback: finish a ready payment, if the provider agrees it is over.

    Anyone holding the order URL can open these URLs, so the order API decides: a payment the provider still
    shows as pending or paid is left alone (one it has no record of is over: there is nothing to pay).
    """
    if payment.status != Status.READY:
        return False
    try:
        lookup = lookup_order(payment)
    except PaymentError:
        if not callback.conclusive:  # it may still be paid (a window's 취소): reconcile or expiry ends it once asked
            note_left_window(payment, callback)
            return False
        lookup = None  # the provider cannot tell: trust the callback, as platforms only send it when it is over
    if lookup is not None and lookup.state not in ("cancelled", "failed", "absent"):
        if not callback.conclusive:
            note_left_window(payment, callback)
        return False
    cancelled = callback.outcome == Outcome.CANCELLED
    to = Status.CANCELLED if cancelled else Status.FAILED
    cause = "사용자가 결제를 취소했습니다" if cancelled else "결제가 실패했거나 유효 시간이 지났습니다"
    status = f"{provider_of(payment).label} 상태 {lookup.provider_status if lookup else '확인 불가'}"
    said = {"failure_code": callback.code[:50], "failure_message": callback.message} if callback.code else {}
    return transition(payment, (Status.READY,), to, f"{cause} ({status})", **said)


def note_left_window(payment: Payment, callback: Callback) -> None:
    """The buyer came back from the platform's window and the payment stays payable: a note, once per visit (a
    reload of the same callback adds nothing), with what the callback said."""
    said = ": ".join(part for part in (callback.code, callback.message) if part)
    cause = (LEFT_WINDOW[callback.outcome] + (f" ({said})" if said else ""))[:300]
    if payment.status == Status.READY and db.session.scalar(LATEST_CAUSE, {"payment_id": payment.id}) != cause:
        note(payment, cause)


def left_window(payment: Payment) -> str | None:
    """How the buyer left the window (Outcome.CANCELLED or FAILED) when that is still the latest of a payable
    payment: its page says the window is closed, not open, whoever refreshes it. None otherwise."""
    if payment.status != Status.READY:
        return None
    cause = db.session.scalar(LATEST_CAUSE, {"payment_id": payment.id}) or ""
    return next((outcome for outcome, prefix in LEFT_WINDOW.items() if cause.startswith(prefix)), None)


def lookup_order(payment: Payment) -> Lookup:
    """The provider's view, by its id or (before it gave one) by our order id; an id found that way is kept."""
    payment.checked_at = now()
    db.session.commit()
    try:
        lookup = provider_of(payment).lookup(payment.tid, payment.order_id)
    except PaymentError as error:
        record(payment, error.exchange)
        raise
    add_exchange(payment, lookup.exchange)
    if payment.tid is None and lookup.provider_ref:
        guarded_update(payment, Status.IN_FLIGHT, tid=lookup.provider_ref)  # the provider's truth: any racer agrees
    db.session.commit()
    return lookup


def is_stale(payment: Payment) -> bool:
    """In flight and not looked at for a while: worth asking the provider (nothing polls an abandoned payment)."""
    last = max(payment.updated_at, payment.checked_at or payment.updated_at)
    return payment.status in Status.IN_FLIGHT and now() - last >= timedelta(seconds=current_app.config["STALE_AFTER"])


def needs_check(payment: Payment) -> bool:
    """Viewing this payment should ask the provider: an approve whose outcome is open (not asked in the last second:
    the receipt's polls back off from there), a refund in flight, or a stale payment."""
    if payment.status == Status.APPROVING:
        return payment.checked_at is None or now() - payment.checked_at >= RECHECK_AFTER
    return payment.refund_claimed or is_stale(payment) or confirm_overdue(payment)


def sync(payment: Payment) -> list[str]:
    """Bring one payment in line with the provider's order API. Returns what changed, in words (empty: nothing)."""
    before = payment.status_label
    if confirm_overdue(payment):  # 앱이 승인 without the app's confirm: nothing is lost, the server approves
        note(payment, CONFIRM_OVERDUE)
        approve(payment, payment.pg_token)
    try:
        lookup = lookup_order(payment)
    except PaymentError:
        return []
    changes = []
    if lookup.state == "absent":
        end_absent(payment, lookup)
    elif payment.status in Status.IN_FLIGHT:
        settle_approval(payment, lookup)
    if payment.status_label != before:
        changes.append(f"{before} → {payment.status_label}")
    if payment.status in Status.PAID and lookup.state == "paid":
        changes += settle_refunds(payment, lookup)
    return changes


def end_absent(payment: Payment, lookup: Lookup) -> None:
    """A ready payment the platform has no record of, once nothing can come of it any more (its provider's
    absent_after: e.g. the start call never answered, or a window never paid in or closed, which sends nothing):
    ends by our own expiry."""
    provider = provider_of(payment)
    if now() - payment.created_at < timedelta(seconds=provider.absent_after):
        return
    to = Status.CANCELLED if provider.absent_ends == "cancelled" else Status.FAILED
    transition(payment, (Status.READY,), to, f"{provider.label}에 결제가 없어 종료 ({lookup.provider_status})")


def settle_approval(payment: Payment, lookup: Lookup) -> None:
    if lookup.state == "paid" and lookup.approval:
        mark_approved(payment, lookup.approval, f"대사: {provider_of(payment).label}에서 승인 확인")
    elif lookup.state in ("cancelled", "failed"):
        end_from_lookup(payment, lookup)
    else:
        for _ in range(2):  # an answer that told nothing (5xx) frees the claim at once: one more try right away
            if payment.status != Status.APPROVING or not claim(payment):
                break
            note(payment, f"대사: 승인 재시도 ({provider_of(payment).label} 상태 {lookup.provider_status})")
            attempt_approve(payment)


def refund_split(payment: Payment, amount: int) -> tuple[int, int]:
    """(tax-free part, VAT) of a refund: proportional, and exactly what is left on the last one."""
    remaining = payment.total_amount - payment.canceled_amount
    remaining_tax_free = payment.tax_free_amount - payment.canceled_tax_free_amount
    if amount == remaining:
        return remaining_tax_free, payment.vat_amount - payment.canceled_vat_amount
    proportional = (2 * amount * remaining_tax_free + remaining) // (2 * remaining)
    tax_free = max(proportional, amount - (remaining - remaining_tax_free))  # never more taxable than is left
    return tax_free, min(vat_of(amount - tax_free), payment.vat_amount - payment.canceled_vat_amount)


def refund_reason(typed: str | None) -> str:
    """The 취소 사유 as kept: spaces collapsed, 고객 요청 when none was given; RefundError when it is too long."""
    reason = " ".join((typed or "").split()) or DEFAULT_REASON
    if len(reason) > REASON_MAX:
        raise RefundError(f"취소 사유는 {REASON_MAX}자까지 적을 수 있습니다.")
    return reason


def refund(payment: Payment, amount: int, seen_canceled: int, reason: str | None = None) -> RefundRecord:
    """Refund ``amount`` through the provider's cancel API, as a record of its own. ``seen_canceled`` is the cumulative
    refund the user saw: a double-submitted form carries a stale value and is refused, so one click never refunds twice.
    At most one refund is in flight per payment. ``reason`` (취소 사유) is kept with the record. Returns the record
    (done, or unknown when no answer came)."""
    reason = refund_reason(reason)
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
            Payment.refund_claimed.is_(False),
            Payment.canceled_amount == seen_canceled,
            Payment.canceled_amount == payment.canceled_amount,
        )
        .values(refund_claimed=True, updated_at=now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.commit()
        db.session.refresh(payment)
        if payment.refund_claimed:
            raise RefundError("처리 중인 취소 요청이 있습니다. 결과를 확인한 뒤 다시 시도해 주세요.")
        raise RefundError("이미 처리된 취소 요청입니다. 금액을 확인한 뒤 다시 시도해 주세요.")
    entry = RefundRecord(payment_id=payment.id, amount=amount, tax_free_amount=tax_free, vat_amount=vat, reason=reason)
    db.session.add(entry)
    db.session.commit()  # claim and record together, before the provider call
    try:
        key = f"{payment.order_id}-refund-{entry.id}"  # one refund record, one key: a replayed request refunds once
        result = provider_of(payment).refund(payment.tid, amount, tax_free, vat, reason, key)
    except PaymentError as error:
        record(payment, error.exchange)
        answer = (error.exchange.response_body if error.exchange else None) or str(error)
        if error.retryable:  # no answer: the refund may or may not have happened; the order API will tell
            finish_refund(payment, entry, RefundState.UNKNOWN, answer=answer, release=False)
            note(payment, f"{amount:,}원 취소 결과 확인 필요: {error}")
            raise RefundError(f"취소 결과를 확인하고 있습니다. 잠시 후 다시 확인해 주세요. ({error.code})") from error
        finish_refund(payment, entry, RefundState.FAILED, answer=answer)
        raise RefundError(f"{error.message} ({error.code})") from error
    record(payment, result.exchange)
    apply_refund_answer(payment, entry, result)
    return entry


def finish_refund(payment: Payment, entry: RefundRecord, state: str, release: bool = True, **values) -> bool:
    """Move an in-flight refund record to ``state``; releasing the payment's refund claim in the same transaction.

    A refund that is done must not release the claim here: until the cumulative amount has grown, a request that saw
    the old amount could claim and refund again. raise_refunded releases it together with the amount."""
    settled = state in (RefundState.DONE, RefundState.FAILED)
    try:
        won = db.session.execute(
            update(RefundRecord)
            .where(RefundRecord.id == entry.id, RefundRecord.state.in_(RefundState.IN_FLIGHT))
            .values(state=state, settled_at=now() if settled else None, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won and release:
            db.session.execute(update(Payment).where(Payment.id == payment.id).values(refund_claimed=False))
        db.session.commit()
    except IntegrityError:  # a parallel reconcile recorded this aid as an external refund first: it stays recorded
        db.session.rollback()
        won = 0
    db.session.refresh(entry)
    db.session.refresh(payment)
    db.session.expire(payment, ["refunds"])
    return bool(won)


def apply_refund_answer(payment: Payment, entry: RefundRecord, result: Refund) -> None:
    settled = finish_refund(
        payment,
        entry,
        RefundState.DONE,
        release=False,
        aid=result.aid or None,
        tax_free_amount=result.refunded_tax_free,
        vat_amount=result.refunded_vat,
        answer=json.dumps(result.raw, ensure_ascii=False),
    )
    raise_refunded(
        payment,
        result.canceled_total,
        result.canceled_tax_free,
        canceled_vat(payment, result),
        f"{entry.amount:,}원 취소 (누적 {result.canceled_total:,}원)",
        release=settled,
    )


def canceled_vat(payment: Payment, answer: Refund | Lookup) -> int:
    """The VAT refunded so far: the provider's, or (a platform that keeps only the VAT left) ours less that."""
    if answer.canceled_vat is not None:
        return answer.canceled_vat
    return max(0, payment.vat_amount - (answer.remaining_vat or 0))


def raise_refunded(payment: Payment, total: int, tax_free: int, vat: int, cause: str, release: bool = False) -> bool:
    """Cumulative refunded amounts from a provider answer: in one UPDATE, and never backwards (an older answer arriving
    late changes nothing). The status follows the amount. ``release``: a done refund's claim is released in the same
    transaction, so the claim and the amount it was checked against change together. True when the amount grew."""
    before = payment.status
    grew = db.session.execute(
        update(Payment)
        .where(Payment.id == payment.id, Payment.status.in_(Status.PAID), Payment.canceled_amount < total)
        .values(
            canceled_amount=total,
            canceled_tax_free_amount=case(
                (Payment.canceled_tax_free_amount < tax_free, tax_free), else_=Payment.canceled_tax_free_amount
            ),
            canceled_vat_amount=case((Payment.canceled_vat_amount < vat, vat), else_=Payment.canceled_vat_amount),
            status=case((Payment.total_amount <= total, Status.REFUNDED), else_=Status.PARTIALLY_REFUNDED),
            updated_at=now(),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if release:
        db.session.execute(update(Payment).where(Payment.id == payment.id).values(refund_claimed=False))
    db.session.commit()
    db.session.refresh(payment)
    if grew:
        insert_row(PaymentEvent, payment_id=payment.id, from_status=before, to_status=payment.status, cause=cause)
        db.session.commit()
    return bool(grew)


def settle_refunds(payment: Payment, lookup: Lookup) -> list[str]:
    """Match the order API's refunds (CANCEL actions) with our records: an unknown refund found there is done, one not
    found once it can no longer be in flight failed; a refund we never asked for is recorded as external. Then the
    cumulative amounts follow the order API. Returns what changed, in words."""
    changes, label = [], provider_of(payment).label
    db.session.expire(payment, ["refunds"])  # other requests may have added or settled some
    known = {entry.aid for entry in payment.refunds if entry.aid}
    unmatched = [action for action in lookup.cancels if action.aid not in known]
    old_enough = datetime.now() - in_flight_window()
    settled = False  # an in-flight refund found done: its claim is released with the amounts below
    for entry in [e for e in payment.refunds if e.state in RefundState.IN_FLIGHT]:
        match = next((action for action in reversed(unmatched) if action.amount == entry.amount), None)
        if match is not None:
            unmatched.remove(match)
            if finish_refund(payment, entry, RefundState.DONE, release=False, aid=match.aid):
                settled = True
                changes.append(f"확인 중이던 {entry.amount:,}원 취소: {label}에서 완료 확인")
        elif entry.created_at <= old_enough and finish_refund(
            payment, entry, RefundState.FAILED, answer=f"{label} 주문 조회에 이 취소가 없습니다"
        ):
            changes.append(f"확인 중이던 {entry.amount:,}원 취소: {label}에 없어 실패 처리")
    changes += record_external(payment, lookup, unmatched)
    if raise_refunded(
        payment,
        lookup.canceled_total,
        lookup.canceled_tax_free,
        canceled_vat(payment, lookup),
        f"대사: {label} 취소 금액 반영",
        release=settled,
    ):
        changes.append(f"누적 취소 금액 {payment.canceled_amount:,}원 ({label} 기준)")
    db.session.refresh(payment)
    return changes


def record_external(payment: Payment, lookup: Lookup, actions: list) -> list[str]:
    """Refunds made outside the site: the newest unmatched CANCEL actions that make up what the provider refunded
    beyond our done records. The order API lists only each one's total: the tax-free and VAT parts are what the
    provider's cumulative amounts have beyond ours."""
    done = [entry for entry in payment.refunds if entry.state == RefundState.DONE]
    missing = lookup.canceled_total - sum(entry.amount for entry in done)
    picked = []
    for action in reversed(actions):
        if 0 < action.amount <= missing:
            picked.insert(0, action)
            missing -= action.amount
    tax_free_left = max(0, lookup.canceled_tax_free - sum(entry.tax_free_amount for entry in done))
    vat_left = max(0, canceled_vat(payment, lookup) - sum(entry.vat_amount for entry in done))
    changes = []
    for index, action in enumerate(picked):
        last = index == len(picked) - 1
        tax_free = tax_free_left if last else min(tax_free_left, action.amount)
        vat = vat_left if last else min(vat_left, vat_of(action.amount - tax_free))
        tax_free_left, vat_left = tax_free_left - tax_free, vat_left - vat
        db.session.add(
            RefundRecord(
                payment_id=payment.id,
                external=True,
                amount=action.amount,
                tax_free_amount=tax_free,
                vat_amount=vat,
                state=RefundState.DONE,
                aid=action.aid,
                answer=f"{provider_of(payment).label} 주문 조회",
                settled_at=now(),
            )
        )
        try:
            db.session.commit()
        except IntegrityError:  # another reconcile recorded it first
            db.session.rollback()
            continue
        changes.append(f"사이트 밖에서 한 {action.amount:,}원 취소를 기록")
    db.session.refresh(payment)
    return changes
