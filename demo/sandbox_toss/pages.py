"""The browser side: the SDK stand-in (``/v2/standard``), the hosted payment window it opens, the handoff back to
the merchant's successUrl / failUrl, the card receipt, and a sandbox-owned page to try the SDK on.

The window answers as Toss's does: paying redirects to ``successUrl?paymentType=NORMAL&orderId=…&paymentKey=…
&amount=…``; 취소 and a refusal to ``failUrl?code=…&message=…&orderId=…``; closing the window sends nothing.
"""

import re
import secrets
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from ..extensions import csrf, db
from ..framing import frameable_by_self
from . import bp, ledger
from .models import TossSandboxPayment
from .payment_object import CARDS, EASY_PAY, payment_json
from .wire import ERRORS, TossError, public_url

STATIC = Path(__file__).resolve().parents[2] / "static" / "sandbox_toss"
ORDER_ID = re.compile(r"[A-Za-z0-9\-_=.]{6,64}")  # lenient: the reference's set, plus = (v1 SDK) and .
CUSTOMER_KEY = re.compile(r"[A-Za-z0-9\-_=.@]{2,300}")
METHODS = {"CARD": "CARD", "카드": "CARD", "TOSSPAY": "TOSSPAY", "토스페이": "TOSSPAY"}  # v2, v1, and 토스페이 direct
INSTALLMENTS = {0: "일시불", **{months: f"{months}개월" for months in range(2, 13)}}
INSTALLMENT_MINIMUM = 50_000  # cards offer 할부 from 5만원
FAIL_CODES = {
    "PAY_PROCESS_CANCELED": "사용자에 의해 결제가 취소되었습니다.",
    "REJECT_CARD_COMPANY": ERRORS["REJECT_CARD_COMPANY"][1],
}


@bp.context_processor
def merchant():
    return {"merchant_name": current_app.config["SANDBOX_MERCHANT_NAME"]}


@bp.after_request
def no_store(response):
    """The window is never cached: Back after paying must not show a live window. It may be framed by the site's own
    pages (as Toss's window is: an app's web view, a layer over a PC page)."""
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
        frameable_by_self(response)
    return response


@bp.get("/v2/standard")
def sdk():
    """The browser SDK (``<script src=".../v2/standard">``): ``TossPayments(clientKey)`` as the real one."""
    script = (STATIC / "sdk.js").read_bytes()
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "public, max-age=300"})


def window_error(code: str, message: str):
    """A request the window cannot take (the real SDK refuses it before opening anything)."""
    return render_template("sandbox_toss/error.html", code=code, message=message), 400


def absolute_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and len(value) <= 2000


def positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and 0 < int(value) < 2**31 else None


WINDOW_ERRORS = {  # what the SDK refuses before opening the window (the server checks the same again)
    "INVALID_CLIENT_KEY": "클라이언트 키가 올바르지 않습니다.",
    "INVALID_ORDER_ID": "orderId는 영문 대소문자, 숫자, 특수문자(-, _) 만 허용합니다. 6자 이상 64자 이하여야 합니다.",
    "INVALID_ORDER_NAME": "orderName은 1자 이상 100자 이하여야 합니다.",
    "INVALID_AMOUNT_VALUE": "결제 금액은 0보다 큰 정수여야 하고, 면세 금액은 결제 금액 이하여야 합니다.",
    "INCORRECT_SUCCESS_URL_FORMAT": "successUrl이 올바른 URL이 아닙니다.",
    "INCORRECT_FAIL_URL_FORMAT": "failUrl이 올바른 URL이 아닙니다.",
    "INVALID_METHOD": "샌드박스는 카드(CARD)와 토스페이만 지원합니다.",
    "INVALID_CUSTOMER_KEY": "customerKey는 2자 이상 300자 이하의 영문, 숫자, 특수문자(-, _, =, ., @)여야 합니다.",
}


def window_refusal(form, amount: int | None, tax_free: str) -> str | None:
    """The first WINDOW_ERRORS code the SDK's parameters break, or None."""
    checks = {
        "INVALID_CLIENT_KEY": form.get("clientKey", "") == current_app.config["TOSS_SANDBOX_CLIENT_KEY"],
        "INVALID_ORDER_ID": ORDER_ID.fullmatch(form.get("orderId", "")),
        "INVALID_ORDER_NAME": 0 < len(form.get("orderName", "")) <= 100,
        "INVALID_AMOUNT_VALUE": amount is not None
        and tax_free.isascii()
        and tax_free.isdigit()
        and int(tax_free) <= amount,
        "INCORRECT_SUCCESS_URL_FORMAT": absolute_url(form.get("successUrl", "")),
        "INCORRECT_FAIL_URL_FORMAT": absolute_url(form.get("failUrl", "")),
        "INVALID_METHOD": form.get("method", "") in METHODS,
        "INVALID_CUSTOMER_KEY": CUSTOMER_KEY.fullmatch(form.get("customerKey") or "@@ANONYMOUS"),
    }
    return next((code for code, passed in checks.items() if not passed), None)


@bp.post("/v2/checkout")
@csrf.exempt  # the merchant's page posts here (the SDK's form): Toss checks the client key, not a CSRF token
def open_window():
    form = request.form
    amount, tax_free = positive_int(form.get("amount")), form.get("taxFreeAmount", "0")
    if code := window_refusal(form, amount, tax_free):
        return window_error(code, WINDOW_ERRORS[code])
    fields = {
        "order_name": form["orderName"],
        "customer_key": form.get("customerKey") or None,
        "customer_name": (form.get("customerName") or "")[:100] or None,
        "requested_method": METHODS[form["method"]],
        "total_amount": amount,
        "tax_free_amount": int(tax_free),
        "success_url": form["successUrl"],
        "fail_url": form["failUrl"],
    }
    try:
        payment = ledger.open_window(form["orderId"], **fields)
    except TossError as error:
        return window_error(error.code, error.message)
    return redirect(url_for("sandbox_toss.window", token=payment.token, display=display_arg(form)), 303)


def load(token: str) -> TossSandboxPayment:
    payment = db.session.scalar(select(TossSandboxPayment).filter_by(token=token)) or abort(404)
    ledger.is_expired(payment)
    return payment


def display_arg(source) -> str:
    return "popup" if source.get("display") == "popup" else "page"


@bp.get("/v2/checkout/<token>")
def window(token: str):
    payment = load(token)
    return render_template(
        "sandbox_toss/window.html",
        payment=payment,
        display=display_arg(request.args),
        cards=CARDS,
        installments=INSTALLMENTS if payment.total_amount >= INSTALLMENT_MINIMUM else {0: "일시불"},
        installment_minimum=INSTALLMENT_MINIMUM,
        faults=ledger.CONFIRM_FAULTS,
        seconds_left=ledger.seconds_left(payment),
    )


def with_query(url: str, **params) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def success_target(payment: TossSandboxPayment) -> str:
    return with_query(payment.success_url, paymentType="NORMAL", orderId=payment.order_id,
                      paymentKey=payment.payment_key, amount=payment.total_amount)  # fmt: skip


def fail_target(payment: TossSandboxPayment, code: str) -> str:
    return with_query(payment.fail_url, code=code, message=FAIL_CODES[code], orderId=payment.order_id)


def chosen(form) -> tuple[str, str | None, str | None, int]:
    """(method, card company, easy pay, 할부) from the window: 카드, or 토스페이 with 토스머니 or a card."""
    card = form.get("card") if form.get("card") in CARDS else next(iter(CARDS))
    months = form.get("installment", 0, type=int)
    if form.get("method") == "TOSSPAY":
        if form.get("tosspay_source") == "money":
            return "간편결제", None, EASY_PAY, 0
        return "카드", card, EASY_PAY, 0
    return "카드", card, None, months if months in INSTALLMENTS else 0


@bp.post("/v2/checkout/<token>")
def act(token: str):
    """결제하기 / 취소 / 결제 실패 만들기 in the window, then back to the merchant (an expired window stays here)."""
    payment, action = load(token), request.form.get("action")
    display = display_arg(request.form)
    if payment.status != "READY" or action not in ("pay", "cancel", "fail"):
        return redirect(url_for("sandbox_toss.window", token=token, display=display), 303)
    if action == "pay":
        method, card, easy_pay, months = chosen(request.form)
        if months and payment.total_amount < INSTALLMENT_MINIMUM:
            months = 0
        fault = request.form.get("fault", "")
        ledger.authenticate(payment, method, card, easy_pay, months, fault if fault in ledger.CONFIRM_FAULTS else None)
        target = success_target(payment) if payment.status == "IN_PROGRESS" else None
    elif action == "cancel":
        target = fail_target(payment, "PAY_PROCESS_CANCELED")  # the payment stays READY: the buyer may come back
    else:
        ledger.abort(payment, "REJECT_CARD_COMPANY", FAIL_CODES["REJECT_CARD_COMPANY"])
        target = fail_target(payment, "REJECT_CARD_COMPANY")
    if target is None:
        return redirect(url_for("sandbox_toss.window", token=token, display=display), 303)
    if display == "popup":  # the window is a popup over the merchant's page: send that page on, close this one
        return render_template("sandbox_toss/handoff.html", target=target)
    return redirect(target, 303)


@bp.get("/receipt/redirection")
def receipt():
    """The card receipt a Payment's ``receipt.url`` points at (paid payments only)."""
    payment = db.session.scalar(select(TossSandboxPayment).filter_by(payment_key=request.args.get("transactionId")))
    if payment is None or payment.approved_at is None:
        abort(404)
    return render_template("sandbox_toss/receipt.html", payment=payment, answer=payment_json(payment))


@bp.get("/try")
def try_page():
    """A page of the sandbox's own that calls the SDK, to try the window without a merchant."""
    return render_template(
        "sandbox_toss/try.html",
        client_key=current_app.config["TOSS_SANDBOX_CLIENT_KEY"],
        order_id="try-" + secrets.token_urlsafe(12),
        success_url=public_url("sandbox_toss.try_result", outcome="success"),
        fail_url=public_url("sandbox_toss.try_result", outcome="fail"),
    )


@bp.get("/try/<any(success, fail):outcome>")
def try_result(outcome: str):
    """What came back on successUrl or failUrl, as a merchant would read it."""
    names = (
        ("paymentType", "orderId", "paymentKey", "amount") if outcome == "success" else ("code", "message", "orderId")
    )
    return render_template("sandbox_toss/try_result.html", outcome=outcome,
                           params={name: request.args.get(name) for name in names})  # fmt: skip
