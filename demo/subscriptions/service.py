"""Subscriptions: start with a first payment, activate once it is paid, charge each billing period once, 해지.

Later charges are payments like any other (receipt, refund, timeline): this module creates them and records their
events and API exchanges with the payment service's helpers; the provider call is the provider's `charge`.
"""

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..catalog.models import Product
from ..extensions import db, insert_row
from ..payments import service as payments
from ..payments.models import SERVER_FLOW, Payment, PaymentEvent, Status, new_order_id, now
from ..payments.providers import PaymentError, get_provider
from ..payments.providers.base import Charge
from . import clock
from .models import ChargeState, State, Subscription, SubscriptionCharge

# A claim older than this belongs to a process that died mid-charge: the next run may take it over.
CLAIM_TTL = timedelta(minutes=5)


class SubscriptionError(Exception):
    """Something the user asked for that cannot be done; the message is shown."""


def start(product: Product, flow: str, user_id: str) -> Subscription:
    """The first payment: an ordinary checkout with the recurring merchant id. Raises PaymentError."""
    payment = payments.start(product, 1, flow, user_id, recurring=True)
    subscription = Subscription(
        user_id=user_id,
        product_id=product.id,
        item_name=payment.item_name,
        item_code=payment.item_code,
        total_amount=payment.total_amount,
        tax_free_amount=payment.tax_free_amount,
        vat_amount=payment.vat_amount,
        first_payment_id=payment.id,
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription


def refresh(subscription: Subscription) -> Subscription:
    """A pending subscription follows its first payment: active with its billing key once paid, else failed."""
    if subscription.status != State.PENDING:
        return subscription
    first = subscription.first_payment
    db.session.refresh(first)
    if first.status in Status.PAID and first.billing_key:
        started = clock.today()
        if move(subscription, State.ACTIVE, billing_key=first.billing_key, started_on=started):
            db.session.add(
                SubscriptionCharge(
                    subscription_id=subscription.id,
                    period=1,
                    billing_date=started,
                    status=ChargeState.PAID,
                    payment_id=first.id,
                )
            )
            db.session.commit()
    elif first.status in (Status.CANCELLED, Status.FAILED):
        move(subscription, State.FAILED)
    return subscription


def move(subscription: Subscription, to: str, **values) -> bool:
    """pending → active / failed, or active → inactive: a conditional UPDATE, True when this call won."""
    allowed = {State.ACTIVE: State.PENDING, State.FAILED: State.PENDING, State.INACTIVE: State.ACTIVE}[to]
    result = db.session.execute(
        update(Subscription)
        .where(Subscription.id == subscription.id, Subscription.status == allowed)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(subscription)
    return result.rowcount == 1


def claim(subscription: Subscription, period: int) -> SubscriptionCharge | None:
    """Own the charge of ``period``: insert its row, or take over a failed, unanswered or abandoned one.
    None when another run holds it or it is paid."""
    billing_date = clock.add_months(subscription.started_on, period - 1)
    charge = SubscriptionCharge(subscription_id=subscription.id, period=period, billing_date=billing_date)
    db.session.add(charge)
    try:
        db.session.commit()
        return charge
    except IntegrityError:
        db.session.rollback()
    retry = (SubscriptionCharge.subscription_id == subscription.id) & (SubscriptionCharge.period == period)
    taken = db.session.execute(
        update(SubscriptionCharge)
        .where(
            retry,
            or_(
                SubscriptionCharge.status.in_((ChargeState.FAILED, ChargeState.UNKNOWN)),
                (SubscriptionCharge.status == ChargeState.CHARGING)
                & (SubscriptionCharge.claimed_at < now() - CLAIM_TTL),
            ),
        )
        .values(status=ChargeState.CHARGING, claimed_at=now(), attempts=SubscriptionCharge.attempts + 1, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return db.session.scalar(select(SubscriptionCharge).where(retry)) if taken else None


def charge_payment(subscription: Subscription, charge: SubscriptionCharge) -> Payment:
    """The payment this attempt charges: the unanswered one again (same order id), else a new one."""
    if charge.payment is not None and charge.payment.status == Status.APPROVING:
        return charge.payment
    payment = Payment(
        order_id=new_order_id(),
        user_id=subscription.user_id,
        provider=get_provider(recurring=True).name,
        product_id=subscription.product_id,
        **subscription.item,
        flow=SERVER_FLOW,
        status=Status.APPROVING,
        recurring=True,
    )
    db.session.add(payment)
    db.session.flush()
    cause = f"정기결제 {charge.period}회차 청구 ({charge.billing_date:%Y-%m-%d}분, 서버 간 호출)"
    insert_row(PaymentEvent, payment_id=payment.id, to_status=Status.APPROVING, cause=cause)
    charge.payment = payment
    db.session.commit()
    return payment


def finish(charge: SubscriptionCharge, status: str, error: str | None = None) -> None:
    charge.status, charge.error = status, error
    db.session.commit()


def charge_period(subscription: Subscription, period: int) -> SubscriptionCharge | None:
    """Charge one billing period, at most once. None when there was nothing for this run to do."""
    charge = claim(subscription, period)
    if charge is None:
        return None
    payment = charge_payment(subscription, charge)
    request = Charge(
        billing_key=subscription.billing_key,
        order_id=payment.order_id,
        user_id=subscription.user_id,
        **subscription.item,
    )
    try:
        approval = get_provider(recurring=True).charge(request)
    except PaymentError as error:
        payments.record(payment, error.exchange)
        if error.retryable:
            payments.note(payment, f"정기결제 결과 확인 필요: {error}")
            finish(charge, ChargeState.UNKNOWN, str(error))
        else:
            payments.fail(payment, (Status.APPROVING,), "정기결제 실패", error)
            finish(charge, ChargeState.FAILED, str(error))
        return charge
    payments.record(payment, approval.exchange)
    payment.tid = approval.tid
    db.session.commit()
    payments.mark_approved(payment, approval, f"정기결제 {period}회차 승인")
    finish(charge, ChargeState.PAID)
    db.session.execute(
        update(Subscription)
        .where(Subscription.id == subscription.id, Subscription.next_period == period)
        .values(next_period=period + 1)
    )
    db.session.commit()
    db.session.refresh(subscription)
    return charge


def charge_due(subscriptions: list[Subscription] | None = None) -> list[SubscriptionCharge]:
    """Charge every period that is due by the demo clock (what a daily cron job runs). Safe to run twice or in
    parallel: each period's charge row is claimed before the provider is called. A failed one stops that
    subscription for this run and is retried by the next."""
    if subscriptions is None:
        subscriptions = db.session.scalars(
            select(Subscription).where(Subscription.status.in_((State.PENDING, State.ACTIVE)))
        ).all()
    today, done = clock.today(), []
    for subscription in subscriptions:
        refresh(subscription)
        while subscription.status == State.ACTIVE and subscription.next_billing_on <= today:
            period = subscription.next_period
            charge = charge_period(subscription, period)
            if charge is not None:
                done.append(charge)
            db.session.refresh(subscription)
            if subscription.next_period == period:  # not paid (failed, or another run holds it): next run
                break
    return done


def charge_next(subscription: Subscription) -> SubscriptionCharge | None:
    """다음 회차 결제 실행 (console): move the demo clock to the next billing date, then charge what is due."""
    refresh(subscription)
    if subscription.status != State.ACTIVE:
        raise SubscriptionError("이용 중인 구독만 결제할 수 있습니다.")
    clock.advance_to(subscription.next_billing_on)
    charges = charge_due([subscription])
    return charges[-1] if charges else None


def deactivate(subscription: Subscription, by: str) -> None:
    """해지: deactivate the billing key at the provider, then stop charging."""
    refresh(subscription)
    if subscription.status == State.PENDING:
        raise SubscriptionError("첫 결제가 끝난 뒤에 해지할 수 있습니다.")
    if subscription.status != State.ACTIVE:
        raise SubscriptionError("이미 해지되었거나 시작되지 않은 구독입니다.")
    try:
        result = get_provider(recurring=True).deactivate(subscription.billing_key)
    except PaymentError as error:
        payments.record(subscription.first_payment, error.exchange)
        raise SubscriptionError(f"해지하지 못했습니다: {error.message} ({error.code})") from error
    payments.record(subscription.first_payment, result.exchange)
    payments.note(subscription.first_payment, f"정기결제 해지 ({'구매자' if by == 'buyer' else '콘솔'})")
    move(subscription, State.INACTIVE, deactivated_at=now(), deactivated_by=by)


def check_billing_key(subscription: Subscription) -> str:
    """Ask the provider about the billing key. One deactivated there (e.g. by the buyer in the platform's app) ends the
    subscription here too, so nothing more is charged. Returns the provider's status."""
    refresh(subscription)
    if subscription.billing_key is None:
        raise SubscriptionError("첫 결제가 끝나지 않아 정기결제 키가 없습니다.")
    try:
        result = get_provider(recurring=True).billing_status(subscription.billing_key)
    except PaymentError as error:
        payments.record(subscription.first_payment, error.exchange)
        raise SubscriptionError(f"상태를 확인하지 못했습니다: {error.message} ({error.code})") from error
    payments.record(subscription.first_payment, result.exchange)
    if not result.active and subscription.status == State.ACTIVE:
        label = subscription.provider.label
        payments.note(subscription.first_payment, f"정기결제 해지 확인 ({label} 상태 {result.provider_status})")
        move(subscription, State.INACTIVE, deactivated_at=result.inactivated_at or now(), deactivated_by="provider")
    return result.provider_status
