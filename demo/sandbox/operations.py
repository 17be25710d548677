"""What the emulated KakaoPay does, independent of the wire: each operation is ``op(data: dict) -> dict``.

``data`` holds the request parameters (JSON values from the Open API, strings from the legacy kapi API); the answer
is the documented response body with Kakao's field names and order, fields without a value left out. Errors are
raised as ``SandboxError``. The wire adapters (``api`` for the Open API, ``legacy`` for kapi) add auth, parsing and
their error shape; ``api.expose`` registers an operation under both.
"""

import hashlib
from urllib.parse import urlsplit

from flask import current_app, request
from sqlalchemy import bindparam, select

from ..extensions import db, insert_row
from . import ledger
from .ledger import SandboxError
from .models import CARD_COMPANIES, CARDS, PAID, SandboxAction, SandboxPayment, kakao_time
from .pages import public_url

SINGLE_PAYMENT_CID = "TC0ONETIME"  # the test CIDs: this one, and the 정기결제 ones (SANDBOX_SUBSCRIPTION_CIDS)
INT_RANGE = range(-(2**31), 2**31)  # Kakao's integers are 32-bit


def field(data: dict, name: str, kind: type = str, required: bool = True, max_length: int = 100, default=None):
    """One request parameter, checked and converted as KakaoPay does; violations answer −2 (invalid request)."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise SandboxError(-2, f"{name} is required.")
        return default
    if kind is int:
        if isinstance(value, str) and value.isascii() and value.lstrip("-").isdigit() and value.count("-") <= 1:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value not in INT_RANGE:
            raise SandboxError(-2, f"{name} must be an integer.")
        return value
    if not isinstance(value, str) or len(value) > max_length or "\x00" in value or not utf8(value):
        raise SandboxError(-2, f"{name} must be a string of at most {max_length} characters.")
    return value


def utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from JSON's \ud800
        return False
    return True


def without_none(fields: dict) -> dict:
    """Kakao leaves a field without a value out of the answer instead of sending null."""
    return {name: value for name, value in fields.items() if value is not None}


def check_cid(data: dict) -> str:
    cid = data.get("cid")
    if cid != SINGLE_PAYMENT_CID and not (isinstance(cid, str) and ledger.is_recurring_cid(cid)):
        raise SandboxError(-731, "invalid cid.")
    return cid


BY_TID = select(SandboxPayment).where(  # built once: every API call but ready runs it
    SandboxPayment.tid == bindparam("tid"), SandboxPayment.cid == bindparam("cid")
)


def find(data: dict) -> SandboxPayment:
    cid, tid = check_cid(data), field(data, "tid", max_length=20)
    payment = db.session.scalar(BY_TID, {"tid": tid, "cid": cid})
    if payment is None:
        raise SandboxError(-721, "TID doesn't exist.")
    return payment


# Kakao's own demo site: KakaoPay accepts callbacks there for every merchant (the official agent-toolkit's demo_payment
# tool sends its approval, cancel and fail URLs to it).
KAKAO_DEMO_DOMAIN = "payment-demo.kakaopay.com"


def site_domains() -> set[str]:
    """Kakao's 사이트 도메인: SANDBOX_SITE_DOMAINS, else the public host (or this request's) and loopback names; and
    always Kakao's demo domain."""
    configured = current_app.config.get("SANDBOX_SITE_DOMAINS")
    if configured:
        names = configured.split(",") if isinstance(configured, str) else configured
        return {name.strip().lower() for name in names if name.strip()} | {KAKAO_DEMO_DOMAIN}
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return {(urlsplit(base).hostname or "").lower(), "localhost", "127.0.0.1", KAKAO_DEMO_DOMAIN}


def callback_url(data: dict, name: str) -> str:
    url = field(data, name, max_length=255)
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or host not in site_domains():
        raise SandboxError(-799, f"{name} is not on a registered site domain.")
    return url


def amount_json(total: int, tax_free: int, vat: int) -> dict:
    return {"total": total, "tax_free": tax_free, "vat": vat, "point": 0, "discount": 0, "green_deposit": 0}


def card_of(payment: SandboxPayment) -> dict:
    """The card the user paid with: stable per payment (derived from its tid), realistic issuer, BIN and type."""
    digest = hashlib.sha256(payment.tid.encode()).digest()
    purchaser = payment.card_company if payment.card_company in CARDS else next(iter(CARDS))
    issuer, issuer_code, bin_, card_type = CARDS[purchaser][digest[0] % len(CARDS[purchaser])]
    return {
        "purchaser": purchaser,
        "purchaser_code": CARD_COMPANIES[purchaser],
        "issuer": issuer,
        "issuer_code": issuer_code,
        "bin": bin_,
        "card_type": card_type,
        "approved_id": f"{int.from_bytes(digest[1:5], 'big') % 10**8:08d}",
        "install_month": payment.install_month or 0,
    }


def card_info(payment: SandboxPayment) -> dict | None:
    """approve's card_info (CARD only), in the documented field order."""
    if payment.method != "CARD":
        return None
    card = card_of(payment)
    return {
        "interest_free_install": "N",
        "bin": card["bin"],
        "card_type": card["card_type"],
        "card_mid": "123456789",
        "approved_id": card["approved_id"],
        "install_month": f"{card['install_month']:02d}",
        "installment_type": "CARD_INSTALLMENT",
        "kakaopay_purchase_corp": card["purchaser"],
        "kakaopay_purchase_corp_code": card["purchaser_code"],
        "kakaopay_issuer_corp": card["issuer"],
        "kakaopay_issuer_corp_code": card["issuer_code"],
    }


def selected_card_info(payment: SandboxPayment) -> dict | None:
    """order's selected_card_info: its own shape, install_month an integer."""
    if payment.method != "CARD" or not payment.aid:
        return None
    card = card_of(payment)
    return {
        "card_bin": card["bin"],
        "install_month": card["install_month"],
        "installment_type": "CARD_INSTALLMENT",
        "card_corp_name": card["issuer"],
        "interest_free_install": "N",
    }


def order_fields(payment: SandboxPayment) -> dict:
    """partner_order_id … amount: the part approve, cancel and order share, in documented order."""
    return {
        "partner_order_id": payment.partner_order_id,
        "partner_user_id": payment.partner_user_id,
        "payment_method_type": payment.method,
        "item_name": payment.item_name,
        "item_code": payment.item_code,
        "quantity": payment.quantity,
        "amount": amount_json(payment.total_amount, payment.tax_free_amount, payment.vat_amount),
    }


def refund_amounts(payment: SandboxPayment) -> dict:
    """canceled_amount (cumulative) and cancel_available_amount (what is left), as amount objects."""
    paid = payment.status in PAID
    return {
        "canceled_amount": amount_json(
            payment.canceled_amount, payment.canceled_tax_free_amount, payment.canceled_vat_amount
        ),
        "cancel_available_amount": amount_json(
            payment.cancel_available_amount,
            payment.tax_free_amount - payment.canceled_tax_free_amount if paid else 0,
            payment.vat_amount - payment.canceled_vat_amount if paid else 0,
        ),
    }


def ready(data: dict) -> dict:
    total, tax_free = field(data, "total_amount", int), field(data, "tax_free_amount", int)
    vat = field(data, "vat_amount", int, required=False, default=ledger.default_vat(max(total - tax_free, 0)))
    quantity = field(data, "quantity", int)
    method = field(data, "payment_method_type", required=False)
    install_month = field(data, "install_month", int, required=False)
    if total <= 0 or quantity <= 0 or not 0 <= tax_free <= total or not 0 <= vat <= total - tax_free:
        raise SandboxError(-2, "invalid amount: 0 < total_amount, 0 <= tax_free_amount <= total_amount, vat_amount")
    if method not in (None, "CARD", "MONEY") or (install_month is not None and not 0 <= install_month <= 12):
        raise SandboxError(-2, "payment_method_type must be CARD or MONEY, install_month 0 to 12.")
    row = insert_row(
        SandboxPayment,
        cid=check_cid(data),
        partner_order_id=field(data, "partner_order_id"),
        partner_user_id=field(data, "partner_user_id"),
        item_name=field(data, "item_name"),
        item_code=field(data, "item_code", required=False),
        quantity=quantity,
        total_amount=total,
        tax_free_amount=tax_free,
        vat_amount=vat,
        allowed_method=method,
        install_month=install_month,
        **{name: callback_url(data, name) for name in ("approval_url", "cancel_url", "fail_url")},
    )
    db.session.commit()
    token = row["token"]
    scheme = "kakaotalk://kakaopay/pg?url=" + public_url("sandbox.app_scheme_page", token=token)
    return {
        "tid": row["tid"],
        "next_redirect_app_url": public_url("sandbox.app_page", token=token),
        "next_redirect_mobile_url": public_url("sandbox.mobile_page", token=token),
        "next_redirect_pc_url": public_url("sandbox.pc_page", token=token),
        "android_app_scheme": scheme,
        "ios_app_scheme": scheme,
        "created_at": kakao_time(row["created_at"]),
    }


def approve(data: dict) -> dict:
    payment = find(data)
    if field(data, "partner_order_id") != payment.partner_order_id:
        raise SandboxError(-706, "partner_order_id doesn't match.")
    if field(data, "partner_user_id") != payment.partner_user_id:
        raise SandboxError(-707, "partner_user_id doesn't match.")
    total = field(data, "total_amount", int, required=False)
    if total is not None and total != payment.total_amount:
        raise SandboxError(-704, "total_amount doesn't match the amount of ready.")
    pg_token = field(data, "pg_token", max_length=20)
    if not pg_token.isascii():
        raise SandboxError(-708, "invalid pg_token.")
    payload = field(data, "payload", required=False, max_length=200)
    ledger.approve(payment, pg_token, payload)
    return approve_answer(payment, payload)


def approve_answer(payment: SandboxPayment, payload: str | None = None) -> dict:
    """approve's answer (``payload``: the one approve stored with the payment); a 정기결제 charge answers the same."""
    return without_none(
        {
            "aid": payment.aid,
            "tid": payment.tid,
            "cid": payment.cid,
            "sid": payment.sid,  # 정기결제: the SID this payment issued (or was charged with)
            **order_fields(payment),
            "card_info": card_info(payment),
            "created_at": kakao_time(payment.created_at),
            "approved_at": kakao_time(payment.approved_at),
            "payload": payload,
        }
    )


def cancel(data: dict) -> dict:
    payment = find(data)
    amount, tax_free = field(data, "cancel_amount", int), field(data, "cancel_tax_free_amount", int)
    vat = field(data, "cancel_vat_amount", int, required=False)
    if amount <= 0 or tax_free < 0 or (vat is not None and vat < 0):
        raise SandboxError(
            -2, "cancel_amount must be positive, cancel_tax_free_amount and cancel_vat_amount not negative."
        )
    available = field(data, "cancel_available_amount", int, required=False)
    if available is not None and available != payment.cancel_available_amount:
        raise SandboxError(-710, "cancel_available_amount doesn't match.")
    payload = field(data, "payload", required=False, max_length=200)
    action = ledger.cancel(payment, amount, tax_free, vat, payload)
    return without_none(
        {
            "aid": action.aid,
            "tid": payment.tid,
            "cid": payment.cid,
            "sid": payment.sid,
            "status": payment.status,
            **order_fields(payment),
            "approved_cancel_amount": amount_json(action.amount, action.tax_free_amount, action.vat_amount),
            **refund_amounts(payment),
            "created_at": kakao_time(payment.created_at),
            "approved_at": kakao_time(payment.approved_at),
            "canceled_at": kakao_time(payment.canceled_at),
            "payload": action.payload,
        }
    )


def action_json(action: SandboxAction) -> dict:
    return without_none(
        {
            "aid": action.aid,
            "payment_action_type": action.action_type,
            "payment_method_type": action.payment.method,
            "amount": action.amount,
            "point_amount": 0,
            "discount_amount": 0,
            "approved_at": kakao_time(action.approved_at),
            "green_deposit": 0,
            "payload": action.payload,
        }
    )


def order(data: dict) -> dict:
    payment = find(data)
    ledger.is_expired(payment)
    return without_none(
        {
            "tid": payment.tid,
            "cid": payment.cid,
            "sid": payment.sid,
            "status": payment.status,
            **order_fields(payment),
            **refund_amounts(payment),
            "created_at": kakao_time(payment.created_at),
            "approved_at": kakao_time(payment.approved_at),
            "canceled_at": kakao_time(payment.canceled_at),
            "selected_card_info": selected_card_info(payment),
            "payment_action_details": [action_json(action) for action in payment.actions],
        }
    )
