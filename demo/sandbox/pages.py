"""Stand-ins for Kakao's hosted pages: the PC QR page, the phone's payment sheet, and a KakaoTalk inbox."""

import hashlib
import hmac
import random
import re
from datetime import timedelta
from urllib.parse import urlsplit

import segno
from flask import abort, current_app, make_response, redirect, render_template, request, url_for
from sqlalchemy import bindparam, select

from ..extensions import db
from ..framing import frameable_by_self
from . import bp, ledger
from .models import BEFORE_PAYMENT, CARD_COMPANIES, SandboxMessage, SandboxPayment, now

PAGE = "/mockup/v1/<token>/"
FAULTS = {
    "": "정상",
    "approve_fail": "승인 실패 (−780)",
    "slow": "느린 응답",
    "server_error": "서버 오류 (500)",
    "charge_fail": "정기결제 청구 실패 (−782)",
}
INSTALLMENTS = {0: "일시불", **{months: f"{months}개월" for months in range(2, 13)}}
SHEETS = {"scan": "sandbox.scan_page", "mobile": "sandbox.mobile_page", "app": "sandbox.app_page"}
LOOPBACK = re.compile(r"^(localhost|127\.|\[?::1\]?$|0\.0\.0\.0)")
PHONE_ERROR = "휴대폰 번호를 010으로 시작하는 10~11자리 숫자로 입력해 주세요."
STILL_WAITING = select(SandboxPayment.status, SandboxPayment.pg_token, SandboxPayment.created_at)
ENDED = {"QUIT_PAYMENT": "cancel_url", "FAIL_PAYMENT": "fail_url", "FAIL_AUTH_PASSWORD": "fail_url"}


@bp.context_processor
def merchant():
    return {"merchant_name": current_app.config["SANDBOX_MERCHANT_NAME"]}


@bp.after_request
def no_store(response):
    """Hosted pages are never cached: Back after paying must not show a live sheet."""
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


BY_TOKEN = select(SandboxPayment).where(SandboxPayment.token == bindparam("token"))  # built once, as it runs often


def load(token: str) -> SandboxPayment:
    payment = db.session.scalar(BY_TOKEN, {"token": token}) or abort(404)
    ledger.is_expired(payment)
    return payment


def merchant_url(payment: SandboxPayment) -> str | None:
    """Where Kakao sends the browser once the payment left the sheet: approval, cancel or fail URL."""
    if payment.pg_token and payment.status not in ENDED:
        joiner = "&" if "?" in payment.approval_url else "?"
        return f"{payment.approval_url}{joiner}pg_token={payment.pg_token}"
    return getattr(payment, ENDED[payment.status]) if payment.status in ENDED else None


def public_url(endpoint: str, **values) -> str:
    """A sandbox URL on PUBLIC_BASE_URL (or this request's host): what a phone or the merchant's browser opens."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for(endpoint, **values)


def via_arg(source) -> str:
    via = source.get("via", "scan")
    return via if via in SHEETS else "scan"


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


def still_waiting(token: str, seen: str | None) -> bool:
    """The payment still shows `seen`, waits for the phone and has not expired: one indexed lookup of three
    columns, no ORM object (the PC page asks this every 250 ms)."""
    row = db.session.execute(STILL_WAITING.filter_by(token=token)).first()
    if row is None or row.status != seen or row.status not in BEFORE_PAYMENT or row.pg_token:
        return False
    return now() < row.created_at + timedelta(seconds=current_app.config["SANDBOX_PAYMENT_TTL"])


@bp.get(PAGE + "status")
def status(token: str):
    """The PC page's live status (htmx polls it with the status it shows); once the phone is done it sends the
    browser on. An unchanged status answers 204, so the page (and its aria-live region) stays as it is."""
    if still_waiting(token, request.args.get("seen")):
        return "", 204
    payment = load(token)
    target = merchant_url(payment)
    if target and request.headers.get("HX-Request") and payment.status != "SUCCESS_PAYMENT":
        return "", 200, {"HX-Redirect": target}
    if request.args.get("seen") == payment.status:
        return "", 204
    return render_template("sandbox/_status.html", payment=payment, seconds_left=ledger.seconds_left(payment))


@bp.get(PAGE + "watch")
def watch(token: str):
    """An open sheet polls this: once the payment ended elsewhere (quit on the PC, expiry) it shows the sheet again.
    Paid on a sheet and waiting for the merchant's approve (AUTH_PASSWORD): that sheet's browser is on its way to the
    merchant, and a redirect answered mid-way would pull it back here."""
    payment = load(token)
    if payment.status in ledger.WAITING:
        return "", 204
    return "", 200, {"HX-Redirect": url_for(SHEETS[via_arg(request.args)], token=token)}


def in_app(page: str, via: str):
    """The app's sheet and keypad may be shown by an app's web view: the Strada app shell frames them (same site)."""
    return frameable_by_self(make_response(page)) if via == "app" else page


def sheet(token: str, via: str):
    payment = load(token)
    ledger.open_sheet(payment)
    page = render_template(
        "sandbox/sheet.html",
        payment=payment,
        via=via,
        cards=CARD_COMPANIES,
        installments=INSTALLMENTS,
        faults=FAULTS,
        seconds_left=ledger.seconds_left(payment),
        done_url=merchant_url(payment),
    )
    return in_app(page, via)


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


def chosen_method(form) -> tuple[str, str | None]:
    card = form.get("card", "")
    if form.get("method") == "CARD":
        return "CARD", card if card in CARD_COMPANIES else next(iter(CARD_COMPANIES))
    return "MONEY", None


def chosen_install_month(form) -> int:
    months = form.get("install_month", 0, type=int)
    return months if months in INSTALLMENTS else 0


@bp.post(PAGE + "select")
def select_method(token: str):
    """The user picked 카카오페이머니 or a card on the sheet (SELECT_METHOD shows on the PC page)."""
    payment = load(token)
    ledger.choose_method(payment, *chosen_method(request.form))
    return "", 204


@bp.get(PAGE + "password")
def password_page(token: str):
    """결제 비밀번호: a 6-digit keypad (shuffled, as KakaoPay's is) for the method chosen on the sheet."""
    payment, via = load(token), via_arg(request.args)
    if payment.status not in BEFORE_PAYMENT:
        return redirect(url_for(SHEETS[via], token=token), 303)
    method, card = chosen_method(request.args)
    page = render_template(
        "sandbox/password.html",
        payment=payment,
        via=via,
        method=method,
        card=card,
        install_month=chosen_install_month(request.args),
        fault=request.args.get("fault", "") if request.args.get("fault") in FAULTS else "",
        keys=random.sample("0123456789", 10),
        sheets=SHEETS,
        error=request.args.get("error"),
        seconds_left=ledger.seconds_left(payment),
    )
    return in_app(page, via)


def keypad(token: str, via: str, form, **extra):
    """To the 결제 비밀번호 page, carrying what the sheet chose."""
    fields = {key: form.get(key, "") for key in ("method", "card", "install_month", "fault")}
    return redirect(url_for("sandbox.password_page", token=token, via=via, **fields, **extra), 303)


def enter_password(payment: SandboxPayment, form) -> None:
    """pay after the keypad: like KakaoPay's test mode, any six digits authenticate (scripts and tests may post pay
    without a password: no keypad step). The keypad's 테스트 옵션 비밀번호 오류 demos a wrong password instead.
    The digits are never kept."""
    if form.get("wrong_password"):
        ledger.fail_password(payment)
        return
    fault = form.get("fault", "")
    ledger.pay(
        payment,
        *chosen_method(form),
        fault=fault if fault in FAULTS else None,
        install_month=chosen_install_month(form),
    )


@bp.post(PAGE + "sheet")
def submit(token: str):
    """pay / quit / fail from the sheet (or quit from the PC page). Phones doing their own flow are redirected."""
    payment = load(token)
    action, via = request.form.get("action"), request.form.get("via", "scan")
    if action == "auth":  # 결제하기: on to the 결제 비밀번호 keypad
        ledger.choose_method(payment, *chosen_method(request.form))
        return keypad(token, via_arg(request.form), request.form)
    if action == "pay" and not re.fullmatch(r"\d{6}", request.form.get("password", "000000")):
        return keypad(token, via_arg(request.form), request.form, error="digits")
    if action == "pay":
        enter_password(payment, request.form)
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


def tms_form(payment: SandboxPayment, **context):
    """카톡결제: its own page (no auto-refresh wipes what is typed), or for htmx the form alone."""
    template = "sandbox/_tms.html" if request.headers.get("HX-Request") else "sandbox/tms.html"
    return render_template(template, payment=payment, **context)


def tms_error(phone: str | None, birth: str) -> str | None:
    if not phone:
        return PHONE_ERROR
    if not re.fullmatch(r"\d{6}", birth):
        return "생년월일을 6자리 숫자로 입력해 주세요. 예: 1990년 1월 1일이면 900101"
    return None


@bp.get(PAGE + "tms")
def tms_page(token: str):
    return tms_form(load(token))


@bp.post(PAGE + "tms")
def send_message(token: str):
    """휴대폰 번호 + 생년월일: a payment request message to that KakaoTalk (status SEND_TMS)."""
    payment = load(token)
    phone, birth = phone_number(), request.form.get("birth", "").strip()
    if error := tms_error(phone, birth):
        return tms_form(payment, error=error, phone=request.form.get("phone", ""), birth=birth)
    masked = f"{phone[:3]}-****-{phone[-4:]}"
    db.session.add(SandboxMessage(payment_id=payment.id, phone_hash=phone_digest(phone), phone_masked=masked))
    db.session.commit()
    ledger.move(payment, ("READY", "OPEN_PAYMENT"), "SEND_TMS")
    return tms_form(payment, sent=masked)


@bp.route("/talk", methods=["GET", "POST"])
def inbox():
    """A stand-in for KakaoTalk's chat: the payment request messages sent to one phone number."""
    phone = phone_number() if request.method == "POST" else None
    messages = []
    if phone:
        query = select(SandboxMessage).filter_by(phone_hash=phone_digest(phone)).order_by(SandboxMessage.id.desc())
        messages = db.session.scalars(query).all()
    for message in messages:
        ledger.is_expired(message.payment)
    error = PHONE_ERROR if request.method == "POST" and not phone else None
    typed = request.form.get("phone", "")
    return render_template("sandbox/talk.html", messages=messages, error=error, asked=phone is not None, typed=typed)
