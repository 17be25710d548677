"""The emulated 정기결제 API: charge an SID, ask its status, deactivate it.

Each operation is a plain function ``op(data: dict) -> dict`` (the request's fields in, the answer's fields out,
SandboxError for an error answer), exposed on the Open API and the legacy kapi API by ``api.expose``.
Where KakaoPay's documents leave a behaviour open, the choice is marked [U] (see kakaopay-subscription.md).
"""

import time

from flask import current_app
from sqlalchemy import func, select, update

from ..extensions import db
from . import ledger
from .ledger import SandboxError
from .models import SandboxAction, SandboxPayment, SandboxSubscription, kakao_time, new_id, now
from .operations import approve_answer, check_cid, field, without_none

CHARGE_FIELDS = ("partner_order_id", "partner_user_id", "item_name")


def find_sid(data: dict) -> SandboxSubscription:
    """The SID named by cid + sid, with KakaoPay's errors for a wrong pair."""
    cid, sid = check_cid(data), field(data, "sid", max_length=20)
    if not ledger.is_recurring_cid(cid):  # [U] code: the single-payment CID cannot use an SID
        raise SandboxError(-731, "invalid cid for sid.")
    subscription = db.session.scalar(select(SandboxSubscription).filter_by(sid=sid))
    if subscription is None:
        raise SandboxError(-750, "invalid sid.")
    if subscription.cid != cid:  # [U] code: an SID belongs to the CID that issued it; another CID does not see it
        raise SandboxError(-750, "cid and sid do not match.")
    return subscription


def charges_this_month(subscription: SandboxSubscription) -> int:
    start = now().replace(day=1, hour=0, minute=0, second=0)
    query = select(func.count()).where(
        SandboxPayment.sid == subscription.sid,
        SandboxPayment.approved_at >= start,
        SandboxPayment.id != subscription.first_payment_id,
    )
    return db.session.scalar(query)


def inject_fault(subscription: SandboxSubscription) -> None:
    fault = subscription.fault or current_app.config.get("SANDBOX_FAULT")
    if fault == "charge_fail":
        raise SandboxError(-782, "subscription payment failure.")
    if fault == "server_error":
        raise SandboxError(-9798, "서버 내부 오류 (injected)", http_status=500)
    if fault == "slow":
        time.sleep(current_app.config["SANDBOX_SLOW_SECONDS"])


def charge(data: dict) -> dict:
    """POST …/subscription: a server-to-server payment with an ACTIVE SID; a payment of its own (tid, aid)."""
    subscription = find_sid(data)
    order_id, user_id, item_name = (field(data, name) for name in CHARGE_FIELDS)
    total, tax_free = field(data, "total_amount", int), field(data, "tax_free_amount", int)
    vat = field(data, "vat_amount", int, required=False, default=ledger.default_vat(total - tax_free))
    quantity = field(data, "quantity", int)
    if total <= 0 or quantity <= 0 or not 0 <= tax_free <= total or not 0 <= vat <= total - tax_free:
        raise SandboxError(-2, "invalid amount: 0 < total_amount, 0 <= tax_free_amount <= total_amount, vat_amount")
    if subscription.status != "ACTIVE":
        raise SandboxError(-751, "inactive sid.")
    if user_id != subscription.partner_user_id:
        raise SandboxError(-753, "partner_user_id is different from the first payment.")
    # [U] A retry of a charge whose answer was lost (same SID and partner_order_id) gets that charge's answer again
    # instead of a second payment: the merchant's way to learn the outcome of a timed-out charge.
    earlier = db.session.scalar(select(SandboxPayment).filter_by(sid=subscription.sid, partner_order_id=order_id))
    if earlier is not None and earlier.id != subscription.first_payment_id:
        return approve_answer(earlier)
    if charges_this_month(subscription) >= current_app.config["SANDBOX_SUBSCRIPTION_MONTHLY_LIMIT"]:
        raise SandboxError(-752, "monthly limit exceeded.")
    inject_fault(subscription)
    aid, moment = new_id("A"), now()
    payment = SandboxPayment(
        cid=subscription.cid,
        sid=subscription.sid,
        partner_order_id=order_id,
        partner_user_id=user_id,
        item_name=item_name,
        item_code=field(data, "item_code", required=False),
        quantity=quantity,
        total_amount=total,
        tax_free_amount=tax_free,
        vat_amount=vat,
        approval_url="",  # no hosted page, no callbacks: nobody is in the loop
        cancel_url="",
        fail_url="",
        status="SUCCESS_PAYMENT",
        method=subscription.method,
        card_company=subscription.card_company,
        aid=aid,
        created_at=moment,
        approved_at=moment,
    )
    db.session.add(payment)
    db.session.flush()
    db.session.add(
        SandboxAction(
            payment_id=payment.id,
            aid=aid,
            action_type="PAYMENT",
            amount=total,
            tax_free_amount=tax_free,
            vat_amount=vat,
            approved_at=moment,
        )
    )
    subscription.last_approved_at = moment
    db.session.commit()
    return approve_answer(payment)


def sid_answer(subscription: SandboxSubscription) -> dict:
    return without_none(
        {
            "cid": subscription.cid,
            "sid": subscription.sid,
            "status": subscription.status,
            "created_at": kakao_time(subscription.created_at),
            "last_approved_at": kakao_time(subscription.last_approved_at),
            "inactivated_at": kakao_time(subscription.inactivated_at),
        }
    )


def status(data: dict) -> dict:
    """POST …/manage/subscription/status: ACTIVE or INACTIVE; `available` exactly when it can be charged."""
    subscription = find_sid(data)
    return {
        "available": subscription.status == "ACTIVE",
        **sid_answer(subscription),
        "payment_method_type": subscription.method,
        "item_name": subscription.item_name,  # [U] the first payment's
        "use_point_status": "POINT_USE",
    }


def inactive(data: dict) -> dict:
    """POST …/manage/subscription/inactive: no charge after this; there is no way back (no reactivation API).

    [U] Deactivating an INACTIVE SID again answers the same record (inactivated_at unchanged), not an error.
    """
    subscription = find_sid(data)
    db.session.execute(
        update(SandboxSubscription)
        .where(SandboxSubscription.id == subscription.id, SandboxSubscription.status == "ACTIVE")
        .values(status="INACTIVE", inactivated_at=now())
    )
    db.session.commit()
    db.session.refresh(subscription)
    return sid_answer(subscription)
