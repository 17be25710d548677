"""Back from the platform's pages: the callbacks of payments made through the API, /app/return/<order_id>/{approve,
cancel,fail}.

Platforms accept only http(s) callbacks (on the registered site domain), so the app's way back is this bridge. It
parses the callback with the payment's provider, refuses one bound to another order or amount, stores the token
before anything else, acts by the payment's return mode (서버가 승인: approves once, here; 앱이 승인: only keeps
the token for the app's confirm), and hands over to the app with its custom scheme, carrying only the order id
(another app can claim a custom scheme: never a token or the provider's id)."""

from urllib.parse import quote

from flask import Blueprint, abort, current_app, make_response, render_template, request

from ..framing import frameable_by_self
from ..payments import service
from ..payments.models import Payment, ReturnMode
from ..payments.providers import PaymentError
from ..payments.providers.base import Kind, Outcome
from ..payments.views import find_payment, malformed_callback
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


def returned(order_id: str, kind: str):
    payment = bridged_payment(order_id)
    provider = service.provider_of(payment)
    parsed = provider.parse_callback(kind, request.args)
    if parsed is None:
        malformed_callback(provider.label)
    if parsed.outcome != Outcome.AUTHORIZED:
        service.ended_by_user(payment, parsed)
        return hand_over(payment)
    refused = service.refusal(payment, parsed)
    if refused is not None:
        return hand_over(payment, refused, 409)
    service.keep_pg_token(payment, parsed.token)
    if payment.return_mode == ReturnMode.APP:
        return hand_over(payment)
    error = service.approve(payment, parsed.token)
    not_yet = error is not None and error.kind == Kind.BAD_CALLBACK
    return hand_over(payment, error, 409 if not_yet else 200)


for _kind in ("approve", "cancel", "fail"):  # approval_url, cancel_url, fail_url
    bp.add_url_rule(f"/<order_id>/{_kind}", "returned", returned, defaults={"kind": _kind})
