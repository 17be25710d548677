"""The emulated KakaoPay Open API: POST /online/v1/payment/{ready,approve,cancel,order}, JSON in and out."""

import hmac
from urllib.parse import quote

from flask import current_app, jsonify, request
from sqlalchemy import select

from ..extensions import csrf, db
from . import bp, ledger
from .ledger import SandboxError
from .models import CARD_COMPANIES, PAID, SandboxAction, SandboxPayment, kakao_time
from .pages import public_url


@bp.errorhandler(SandboxError)
def error_json(error: SandboxError):
    extras = {"method_result_code": str(error.code), "method_result_message": error.message}
    body = {"error_code": error.code, "error_message": error.message, "extras": extras}
    return jsonify(body), error.http_status


def authorize() -> None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    expected = current_app.config["SANDBOX_SECRET_KEY"]
    if scheme not in ("SECRET_KEY", "DEV_SECRET_KEY") or not hmac.compare_digest(key.strip(), expected):
        raise SandboxError(-401, "유효하지 않은 Secret key입니다. (invalid secret key)", http_status=401)


def body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise SandboxError(-2, "요청 본문이 올바른 JSON 객체가 아닙니다. (invalid JSON body)")
    return data


def field(data: dict, name: str, kind: type = str, required: bool = True, max_length: int = 100, default=None):
    """One request field, checked as KakaoPay checks it; violations answer −2 (invalid parameter)."""
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise SandboxError(-2, f"필수 파라미터가 없습니다: {name}")
        return default
    if kind is int:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise SandboxError(-2, f"{name}은(는) 정수여야 합니다.")
    elif not isinstance(value, str) or len(value) > max_length:
        raise SandboxError(-2, f"{name}은(는) {max_length}자 이하의 문자열이어야 합니다.")
    return value


def check_cid(data: dict) -> str:
    cid = field(data, "cid", max_length=10)
    if len(cid) != 10 or not cid.isalnum():
        raise SandboxError(-2, "cid는 10자리 영문/숫자여야 합니다.")
    return cid


def find(data: dict) -> SandboxPayment:
    cid, tid = check_cid(data), field(data, "tid", max_length=20)
    payment = db.session.scalar(select(SandboxPayment).filter_by(tid=tid, cid=cid))
    if payment is None:
        raise SandboxError(-721, "존재하지 않는 거래입니다. (tid not found)")
    return payment


def amount_json(total: int, tax_free: int, vat: int) -> dict:
    return {"total": total, "tax_free": tax_free, "vat": vat, "point": 0, "discount": 0, "green_deposit": 0}


def payment_json(payment: SandboxPayment) -> dict:
    """The fields approve, cancel and order all answer with."""
    return {
        "tid": payment.tid,
        "cid": payment.cid,
        "partner_order_id": payment.partner_order_id,
        "partner_user_id": payment.partner_user_id,
        "payment_method_type": payment.method,
        "item_name": payment.item_name,
        "item_code": payment.item_code,
        "quantity": payment.quantity,
        "amount": amount_json(payment.total_amount, payment.tax_free_amount, payment.vat_amount),
        "created_at": kakao_time(payment.created_at),
        "approved_at": kakao_time(payment.approved_at),
        **({"sid": payment.sid} if payment.sid else {}),  # 정기결제: the SID its approve issued (or it charged)
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


def card_info(payment: SandboxPayment) -> dict | None:
    if payment.method != "CARD":
        return None
    code = CARD_COMPANIES.get(payment.card_company, "06")
    return {
        "kakaopay_purchase_corp": payment.card_company,
        "kakaopay_purchase_corp_code": code,
        "kakaopay_issuer_corp": payment.card_company,
        "kakaopay_issuer_corp_code": code,
        "bin": "123456",
        "card_type": "신용",
        "install_month": f"{payment.install_month or 0:02d}",
        "approved_id": payment.aid[-8:],
        "card_mid": "123456789",
        "interest_free_install": "N",
        "installment_type": "CARD_INSTALLMENT",
        "card_item_code": "",
    }


@bp.post("/online/v1/payment/ready")
@csrf.exempt
def ready():
    authorize()
    data = body()
    total, tax_free = field(data, "total_amount", int), field(data, "tax_free_amount", int)
    vat = field(data, "vat_amount", int, required=False, default=ledger.default_vat(total - tax_free))
    quantity = field(data, "quantity", int)
    method = field(data, "payment_method_type", required=False)
    install_month = field(data, "install_month", int, required=False)
    if total <= 0 or quantity <= 0 or not 0 <= tax_free <= total or not 0 <= vat <= total - tax_free:
        raise SandboxError(
            -2, "금액이 올바르지 않습니다: total_amount > 0, 0 ≤ tax_free_amount ≤ total_amount, vat_amount ≤ 과세 금액"
        )
    if method not in (None, "CARD", "MONEY") or (install_month is not None and not 0 <= install_month <= 12):
        raise SandboxError(-2, "payment_method_type은 CARD 또는 MONEY, install_month는 0~12여야 합니다.")
    payment = SandboxPayment(
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
        **{name: field(data, name, max_length=255) for name in ("approval_url", "cancel_url", "fail_url")},
    )
    db.session.add(payment)
    db.session.commit()
    app_url = public_url("sandbox.app_page", token=payment.token)
    scheme = "kakaotalk://kakaopay/pg?url=" + quote(app_url, safe="")
    return jsonify(
        tid=payment.tid,
        tms_result=False,
        created_at=kakao_time(payment.created_at),
        next_redirect_app_url=app_url,
        next_redirect_mobile_url=public_url("sandbox.mobile_page", token=payment.token),
        next_redirect_pc_url=public_url("sandbox.pc_page", token=payment.token),
        android_app_scheme=scheme,
        ios_app_scheme=scheme,
    )


@bp.post("/online/v1/payment/approve")
@csrf.exempt
def approve():
    authorize()
    data = body()
    payment = find(data)
    if field(data, "partner_order_id") != payment.partner_order_id:
        raise SandboxError(-706, "partner_order_id가 결제 준비 요청과 다릅니다.")
    if field(data, "partner_user_id") != payment.partner_user_id:
        raise SandboxError(-707, "partner_user_id가 결제 준비 요청과 다릅니다.")
    total = field(data, "total_amount", int, required=False)
    if total is not None and total != payment.total_amount:
        raise SandboxError(-798, "승인 요청 금액이 결제 준비 금액과 다릅니다. (amount mismatch)")
    ledger.approve(payment, field(data, "pg_token", max_length=20))
    return jsonify(
        aid=payment.aid,
        **payment_json(payment),
        card_info=card_info(payment),
        sequential_payment_methods=None,
        payload=None,
    )


@bp.post("/online/v1/payment/cancel")
@csrf.exempt
def cancel():
    authorize()
    data = body()
    payment = find(data)
    amount, tax_free = field(data, "cancel_amount", int), field(data, "cancel_tax_free_amount", int)
    vat = field(data, "cancel_vat_amount", int, required=False)
    if amount <= 0 or tax_free < 0 or (vat is not None and vat < 0):
        raise SandboxError(-2, "취소 금액은 0보다 커야 합니다.")
    available = field(data, "cancel_available_amount", int, required=False)
    if available is not None and available != payment.cancel_available_amount:
        raise SandboxError(-710, "cancel_available_amount가 실제 취소 가능 금액과 다릅니다.")
    action = ledger.cancel(payment, amount, tax_free, vat)
    return jsonify(
        aid=action.aid,
        status=payment.status,
        **payment_json(payment),
        approved_cancel_amount=amount_json(action.amount, action.tax_free_amount, action.vat_amount),
        **refund_amounts(payment),
        canceled_at=kakao_time(payment.canceled_at),
        payload=None,
    )


def action_json(action: SandboxAction) -> dict:
    return {
        "aid": action.aid,
        "approved_at": kakao_time(action.approved_at),
        "amount": action.amount,
        "point_amount": 0,
        "discount_amount": 0,
        "green_deposit": 0,
        "payment_action_type": action.action_type,
        "payload": None,
    }


@bp.post("/online/v1/payment/order")
@csrf.exempt
def order():
    authorize()
    payment = find(body())
    ledger.is_expired(payment)
    card = card_info(payment) if payment.aid else None
    return jsonify(
        **payment_json(payment),
        status=payment.status,
        **refund_amounts(payment),
        canceled_at=kakao_time(payment.canceled_at),
        selected_card_info=card,
        payment_action_details=[action_json(action) for action in payment.actions],
    )
