"""Stand-ins for Kakao's hosted pages: the PC QR page, the phone's payment sheet, and a KakaoTalk inbox."""

import hashlib
import hmac
import re
from urllib.parse import urlsplit

import segno
from flask import abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from ..extensions import db
from . import bp, ledger
from .models import CARD_COMPANIES, SandboxMessage, SandboxPayment

PAGE = "/mockup/v1/<token>/"
FAULTS = {"": "정상", "approve_fail": "승인 실패 (−780)", "slow": "느린 응답", "server_error": "서버 오류 (500)"}
LOOPBACK = re.compile(r"^(localhost|127\.|\[?::1\]?$|0\.0\.0\.0)")


def load(token: str) -> SandboxPayment:
    payment = db.first_or_404(select(SandboxPayment).filter_by(token=token))
    ledger.is_expired(payment)
    return payment


def merchant_url(payment: SandboxPayment) -> str | None:
    """Where Kakao sends the browser once the payment left the sheet: approval, cancel or fail URL."""
    if payment.pg_token and payment.status not in ("FAIL_PAYMENT", "QUIT_PAYMENT"):
        joiner = "&" if "?" in payment.approval_url else "?"
        return f"{payment.approval_url}{joiner}pg_token={payment.pg_token}"
    return {"QUIT_PAYMENT": payment.cancel_url, "FAIL_PAYMENT": payment.fail_url}.get(payment.status)


def public_url(endpoint: str, **values) -> str:
    """A sandbox URL on PUBLIC_BASE_URL (or this request's host): what a phone or the merchant's browser opens."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for(endpoint, **values)


@bp.get(PAGE + "info")
def pc_page(token: str):
    payment = load(token)
    if (target := merchant_url(payment)) and payment.status != "SUCCESS_PAYMENT":
        return redirect(target, 303)
    scan_url = public_url("sandbox.scan_page", token=token)
    qr = segno.make(scan_url, error="m").svg_inline(omitsize=True, border=2, dark="#191919")
    loopback = LOOPBACK.match(urlsplit(scan_url).hostname or "") is not None
    return render_template(
        "sandbox/pc.html",
        payment=payment,
        qr=qr,
        scan_url=scan_url,
        loopback=loopback,
        seconds_left=ledger.seconds_left(payment),
    )


@bp.get(PAGE + "status")
def status(token: str):
    """The PC page's live status (htmx polls it); once the phone is done it sends the browser on."""
    payment = load(token)
    target = merchant_url(payment)
    if target and request.headers.get("HX-Request") and payment.status != "SUCCESS_PAYMENT":
        return "", 200, {"HX-Redirect": target}
    return render_template("sandbox/_status.html", payment=payment, seconds_left=ledger.seconds_left(payment))


def sheet(token: str, via: str):
    payment = load(token)
    ledger.open_sheet(payment)
    return render_template(
        "sandbox/sheet.html",
        payment=payment,
        via=via,
        cards=CARD_COMPANIES,
        faults=FAULTS,
        seconds_left=ledger.seconds_left(payment),
        done_url=merchant_url(payment),
    )


@bp.get(PAGE + "scan")
def scan_page(token: str):
    return sheet(token, "scan")


@bp.get(PAGE + "mInfo")
def mobile_page(token: str):
    return sheet(token, "mobile")


@bp.get(PAGE + "aInfo")
def app_page(token: str):
    return sheet(token, "app")


@bp.get(PAGE + "order")
def app_scheme_page(token: str):
    """What KakaoTalk opens from android_app_scheme / ios_app_scheme (``kakaotalk://kakaopay/pg?url=…/order``)."""
    return sheet(token, "app")


def chosen_method() -> tuple[str, str | None]:
    card = request.form.get("card", "")
    if request.form.get("method") == "CARD":
        return "CARD", card if card in CARD_COMPANIES else next(iter(CARD_COMPANIES))
    return "MONEY", None


@bp.post(PAGE + "select")
def select_method(token: str):
    """The user picked 카카오페이머니 or a card on the sheet (SELECT_METHOD shows on the PC page)."""
    payment = load(token)
    ledger.choose_method(payment, *chosen_method())
    return "", 204


@bp.post(PAGE + "sheet")
def submit(token: str):
    """pay / quit / fail from the sheet (or quit from the PC page). Phones doing their own flow are redirected."""
    payment = load(token)
    action, via = request.form.get("action"), request.form.get("via", "scan")
    fault = request.form.get("fault", "")
    if action == "pay":
        ledger.pay(payment, *chosen_method(), fault=fault if fault in FAULTS else None)
    elif action == "quit":
        ledger.quit_payment(payment)
    elif action == "fail":
        ledger.fail_payment(payment)
    else:
        abort(400, description="알 수 없는 요청입니다.")
    if via == "scan":
        return redirect(url_for("sandbox.scan_page", token=token), 303)
    return redirect(merchant_url(payment) or url_for("sandbox.pc_page", token=token), 303)


def phone_digest(phone: str) -> str:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), phone.encode(), hashlib.sha256).hexdigest()


def phone_number() -> str | None:
    digits = re.sub(r"\D", "", request.form.get("phone", ""))
    return digits if re.fullmatch(r"01[016789]\d{7,8}", digits) else None


@bp.post(PAGE + "tms")
def send_message(token: str):
    """휴대폰 번호 + 생년월일: a payment request message to that KakaoTalk (status SEND_TMS)."""
    payment = load(token)
    phone, birth = phone_number(), request.form.get("birth", "")
    if not phone or not re.fullmatch(r"\d{6}", birth):
        return render_template(
            "sandbox/_tms.html", payment=payment, error="휴대폰 번호와 생년월일 6자리를 확인해 주세요."
        )
    masked = f"{phone[:3]}-****-{phone[-4:]}"
    db.session.add(SandboxMessage(payment_id=payment.id, phone_hash=phone_digest(phone), phone_masked=masked))
    db.session.commit()
    ledger.move(payment, ("READY", "OPEN_PAYMENT"), "SEND_TMS")
    return render_template("sandbox/_tms.html", payment=payment, sent=masked)


@bp.route("/talk", methods=["GET", "POST"])
def inbox():
    """A stand-in for KakaoTalk's chat: the payment request messages sent to one phone number."""
    phone = phone_number() if request.method == "POST" else None
    messages = []
    if phone:
        query = select(SandboxMessage).filter_by(phone_hash=phone_digest(phone)).order_by(SandboxMessage.id.desc())
        messages = db.session.scalars(query).all()
    error = "휴대폰 번호를 확인해 주세요." if request.method == "POST" and not phone else None
    return render_template("sandbox/talk.html", messages=messages, error=error, asked=phone is not None)
