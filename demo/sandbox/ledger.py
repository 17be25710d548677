"""KakaoPay's side of a payment: every state change, each a guarded (conditional) update.

Statuses follow the order API: READY → SEND_TMS / OPEN_PAYMENT → SELECT_METHOD → AUTH_PASSWORD (paid on the sheet,
waiting for the merchant's approve) → SUCCESS_PAYMENT → PART_CANCEL_PAYMENT / CANCEL_PAYMENT; the user quitting is
QUIT_PAYMENT, a wrong 결제 비밀번호 FAIL_AUTH_PASSWORD, any other failure FAIL_PAYMENT. A payment not finished
within SANDBOX_PAYMENT_TTL expires: it is stored as FAIL_PAYMENT (as KakaoPay's order API reports an abandoned
payment) the next time anything looks at it.
"""

import secrets
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import update

from ..extensions import db, guarded_update, insert_row
from .models import BEFORE_PAYMENT, PAID, SandboxAction, SandboxPayment, SandboxSubscription, new_id, now

WAITING = (*BEFORE_PAYMENT, "AUTH_PASSWORD")


def default_vat(taxable: int) -> int:
    """KakaoPay's VAT when none is sent: round(taxable / 11), halves up."""
    return (2 * taxable + 11) // 22


class SandboxError(Exception):
    """A KakaoPay error answer: HTTP status, error_code and message."""

    def __init__(self, code: int, message: str, http_status: int = 400):
        super().__init__(message)
        self.code, self.message, self.http_status = code, message, http_status


def move(payment: SandboxPayment, allowed: tuple[str, ...], status: str, **values) -> bool:
    """Set status (and values) only if the payment is still in one of ``allowed``; True when this call won."""
    won = guarded_update(payment, allowed, status=status, **values)
    db.session.commit()
    return won


def is_expired(payment: SandboxPayment) -> bool:
    """Expire a payment left unfinished past the TTL; True when it is (now) expired."""
    if payment.status in WAITING and now() >= payment.expires_at(current_app.config["SANDBOX_PAYMENT_TTL"]):
        move(payment, WAITING, "FAIL_PAYMENT", finished_at=now(), expired=True)
    return payment.expired


def seconds_left(payment: SandboxPayment) -> int:
    ttl = current_app.config["SANDBOX_PAYMENT_TTL"]
    return max(0, int((payment.expires_at(ttl) - now()).total_seconds()))


def open_sheet(payment: SandboxPayment) -> None:
    move(payment, ("READY", "SEND_TMS"), "OPEN_PAYMENT")


def choose_method(payment: SandboxPayment, method: str, card_company: str | None) -> None:
    move(
        payment,
        ("READY", "SEND_TMS", "OPEN_PAYMENT", "SELECT_METHOD"),
        "SELECT_METHOD",
        method=method,
        card_company=card_company,
    )


def pay(
    payment: SandboxPayment, method: str, card_company: str | None, fault: str | None, install_month: int = 0
) -> bool:
    """The user confirmed on the sheet (password entered): AUTH_PASSWORD with a fresh pg_token.

    ``install_month`` is the buyer's 할부 choice for a card; one fixed by the merchant at ready wins.
    """
    if payment.install_month is not None or method != "CARD":
        install_month = payment.install_month
    return move(
        payment,
        BEFORE_PAYMENT,
        "AUTH_PASSWORD",
        method=method,
        card_company=card_company,
        install_month=install_month,
        fault=fault or None,
        pg_token=secrets.token_hex(10),
    )


def fail_password(payment: SandboxPayment) -> bool:
    """A wrong 결제 비밀번호 on the sheet ends the payment as FAIL_AUTH_PASSWORD."""
    return move(payment, BEFORE_PAYMENT, "FAIL_AUTH_PASSWORD", finished_at=now())


def quit_payment(payment: SandboxPayment) -> bool:
    return move(payment, BEFORE_PAYMENT, "QUIT_PAYMENT", finished_at=now())


def fail_payment(payment: SandboxPayment) -> bool:
    return move(payment, BEFORE_PAYMENT, "FAIL_PAYMENT", finished_at=now())


def approve(payment: SandboxPayment, pg_token: str, payload: str | None = None) -> SandboxPayment:
    """The merchant's approve call: only once, only after the user paid, only with the right pg_token."""
    if payment.status in PAID or payment.status == "CANCEL_PAYMENT":
        raise SandboxError(-702, "이미 결제 완료된 결제입니다. (already paid)")
    if is_expired(payment):
        raise SandboxError(-723, "결제 유효 시간이 지났습니다. (payment expired)")
    if payment.status in BEFORE_PAYMENT:
        raise SandboxError(-701, "사용자 인증이 완료되지 않았습니다. (user has not finished the payment)")
    if payment.status != "AUTH_PASSWORD":
        raise SandboxError(-783, f"승인할 수 없는 상태입니다: {payment.status}")
    if not secrets.compare_digest(pg_token.encode(), (payment.pg_token or "").encode()):
        raise SandboxError(-708, "유효하지 않은 pg_token입니다. (invalid pg_token)")
    fault = take_fault(payment) or current_app.config.get("SANDBOX_FAULT")
    if fault == "approve_fail":
        fail_payment_after_auth(payment)
        raise SandboxError(-780, "결제 승인에 실패했습니다. (approval failure, injected)")
    if fault == "server_error":
        raise SandboxError(-9798, "서버 내부 오류 (injected)", http_status=500)
    if fault == "slow":
        time.sleep(current_app.config["SANDBOX_SLOW_SECONDS"])
    return settle(payment, payload)


APPROVE_FAULTS = ("approve_fail", "slow", "server_error")


def take_fault(payment: SandboxPayment) -> str | None:
    """The sheet's fault option fails only the first approve (one winner among parallel calls): the demo then shows the
    merchant recovering. SANDBOX_FAULT, by contrast, fails every call."""
    if payment.fault not in APPROVE_FAULTS:  # e.g. charge_fail: for the SID's later charges, not this approve
        return None
    fault = payment.fault
    taken = db.session.execute(
        update(SandboxPayment).where(SandboxPayment.id == payment.id, SandboxPayment.fault == fault).values(fault=None)
    ).rowcount
    db.session.commit()
    return fault if taken else None


def fail_payment_after_auth(payment: SandboxPayment) -> None:
    move(payment, ("AUTH_PASSWORD",), "FAIL_PAYMENT", finished_at=now())


def settle(payment: SandboxPayment, payload: str | None = None) -> SandboxPayment:
    """AUTH_PASSWORD → SUCCESS_PAYMENT, its PAYMENT action and (recurring CID) its SID, in one transaction.

    A lost race is a double approve."""
    aid, moment = new_id("A"), now()
    won = guarded_update(payment, ("AUTH_PASSWORD",), status="SUCCESS_PAYMENT", aid=aid, approved_at=moment)
    if not won:
        db.session.rollback()
        raise SandboxError(-702, "이미 결제 완료된 결제입니다. (already paid)")
    insert_row(
        SandboxAction,
        payment_id=payment.id,
        aid=aid,
        action_type="PAYMENT",
        amount=payment.total_amount,
        tax_free_amount=payment.tax_free_amount,
        vat_amount=payment.vat_amount,
        approved_at=moment,
        payload=payload,
    )
    if is_recurring_cid(payment.cid):
        issue_sid(payment, moment)
    db.session.commit()
    db.session.expire(payment, ["actions"])  # written as rows: a loaded list would miss them; read again if asked
    return payment


def is_recurring_cid(cid: str) -> bool:
    """정기결제 CIDs (test CID TCSUBSCRIP): approving their first payment issues an SID."""
    return cid in current_app.config["SANDBOX_SUBSCRIPTION_CIDS"].split(",")


def issue_sid(payment: SandboxPayment, moment: datetime) -> SandboxSubscription:
    """The SID of a recurring CID's first payment, recorded as an ISSUED_SID action beside PAYMENT (the caller
    commits: settle makes the payment, its action and the SID one transaction).

    A first payment made with the sheet's 정기결제 청구 실패 test option hands that fault on to the SID's charges.
    """
    subscription = SandboxSubscription(
        cid=payment.cid,
        partner_user_id=payment.partner_user_id,
        item_name=payment.item_name,
        method=payment.method or "MONEY",
        card_company=payment.card_company,
        first_payment_id=payment.id,
        fault=payment.fault if payment.fault == "charge_fail" else None,
        last_approved_at=moment,
    )
    db.session.add(subscription)
    db.session.flush()
    payment.sid = subscription.sid
    db.session.add(
        SandboxAction(
            payment_id=payment.id,
            action_type="ISSUED_SID",
            amount=0,
            tax_free_amount=0,
            vat_amount=0,
            approved_at=moment,
        )
    )
    return subscription


def cancel(
    payment: SandboxPayment, amount: int, tax_free: int, vat: int | None, payload: str | None = None
) -> SandboxAction:
    """Refund ``amount`` (of which ``tax_free`` is tax-free); partial refunds accumulate."""
    if payment.status not in PAID:
        raise SandboxError(-784, f"취소할 수 없는 상태입니다: {payment.status}")
    remaining = payment.total_amount - payment.canceled_amount
    remaining_tax_free = payment.tax_free_amount - payment.canceled_tax_free_amount
    remaining_vat = payment.vat_amount - payment.canceled_vat_amount
    if amount > remaining or tax_free > min(remaining_tax_free, amount):
        raise SandboxError(-710, f"취소 가능 금액({remaining:,}원)보다 큰 금액은 취소할 수 없습니다.")
    if amount - tax_free > remaining - remaining_tax_free:
        raise SandboxError(-710, "과세 취소 금액이 취소 가능한 과세 금액보다 큽니다. 비과세 취소 금액을 확인하세요.")
    if vat is None:  # KakaoPay's default, round(taxable / 11), never more than the VAT left; all of it at the end
        taxable = amount - tax_free
        last = taxable == remaining - remaining_tax_free
        vat = remaining_vat if last else min(default_vat(taxable), remaining_vat)
    if vat > min(remaining_vat, amount - tax_free):
        raise SandboxError(-710, "취소 부가세가 취소 가능한 부가세보다 큽니다.")
    status = "CANCEL_PAYMENT" if amount == remaining else "PART_CANCEL_PAYMENT"
    result = db.session.execute(
        update(SandboxPayment)
        .where(SandboxPayment.id == payment.id, SandboxPayment.canceled_amount == payment.canceled_amount)
        .values(
            status=status,
            canceled_at=now(),
            canceled_amount=SandboxPayment.canceled_amount + amount,
            canceled_tax_free_amount=SandboxPayment.canceled_tax_free_amount + tax_free,
            canceled_vat_amount=SandboxPayment.canceled_vat_amount + vat,
        )
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise SandboxError(-781, "동시에 다른 취소가 처리되었습니다. 다시 조회해 주세요. (cancel failure)")
    action = SandboxAction(
        payment_id=payment.id,
        action_type="CANCEL",
        amount=amount,
        tax_free_amount=tax_free,
        vat_amount=vat,
        payload=payload,
    )
    db.session.add(action)
    db.session.commit()
    db.session.refresh(payment)
    return action
