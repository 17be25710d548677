"""Back from KakaoTalk: the callbacks of payments made through the API, /app/return/<order_id>/{approve,cancel,fail}.

KakaoPay accepts only http(s) callbacks on the registered site domain, so the app's way back is this bridge. It stores
pg_token before anything else, acts by the payment's return mode (서버가 승인: approves once, here; 앱이 승인:
only keeps the token for the app's confirm), and hands over to the app with its custom scheme, carrying only the
order id (another app can claim a custom scheme: never pg_token or tid)."""

from urllib.parse import quote

from flask import Blueprint, abort, current_app, make_response, render_template, request

from ..framing import frameable_by_self
from ..payments import service
from ..payments.models import Payment, ReturnMode, Status
from ..payments.providers import PaymentError
from ..payments.views import find_payment
from .resource import absolute

bp = Blueprint("app_return", __name__, url_prefix="/app/return")


def bridged_payment(order_id: str) -> Payment:
    """A payment made through the API (a web payment's callbacks are /payments/…: not found here)."""
    payment = find_payment(order_id)
    if payment.return_mode is None:
        abort(404)
    return payment


def hand_over_links(payment: Payment) -> dict:
    settings = current_app.config
    scheme, package = settings["STRADA_APP_SCHEME"], settings["STRADA_ANDROID_PACKAGE"]
    web_result = absolute("payments.receipt", order_id=payment.order_id)
    intent = (
        f"intent://payments/{payment.order_id}#Intent;scheme={scheme};package={package};"
        f"S.browser_fallback_url={quote(web_result, safe='')};end"
    )
    return {"deep_link": f"{scheme}://payments/{payment.order_id}", "intent_link": intent, "web_result": web_result}


def hand_over(payment: Payment, error: PaymentError | None = None, status: int = 200):
    """The hand-over page: opens the app, or inside the browser app shell hands the URL to it; the web result below."""
    page = render_template("app_return/handover.html", payment=payment, error=error, **hand_over_links(payment))
    return frameable_by_self(make_response(page, status))


@bp.get("/<order_id>/approve")
def approve(order_id: str):
    payment = bridged_payment(order_id)
    pg_token = request.args.get("pg_token", "").strip()
    if not pg_token or len(pg_token) > 64 or not (pg_token.isascii() and pg_token.isalnum()):
        abort(400, description="결제 확인 주소가 올바르지 않습니다. 카카오페이 결제창에서 결제를 다시 진행해 주세요.")
    service.keep_pg_token(payment, pg_token)
    if payment.return_mode == ReturnMode.APP:
        return hand_over(payment)
    error = service.approve(payment, pg_token)
    not_yet = error is not None and error.code in service.NOT_TERMINAL
    return hand_over(payment, error, 409 if not_yet else 200)


@bp.get("/<order_id>/cancel")
def cancel(order_id: str):
    payment = bridged_payment(order_id)
    service.ended_by_user(payment, Status.CANCELLED)
    return hand_over(payment)


@bp.get("/<order_id>/fail")
def fail(order_id: str):
    payment = bridged_payment(order_id)
    service.ended_by_user(payment, Status.FAILED)
    return hand_over(payment)
