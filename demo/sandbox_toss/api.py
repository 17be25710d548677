"""The emulated core API (``/v1/payments/…``): Basic auth with the test secret key, JSON in, the Payment object or a
``{code, message}`` error out. Anything else under /v1/, and any 404, 405 or 413 there, answers Toss's JSON error.

Order of checks, as the real test server's: the body size, auth, the Idempotency-Key's length, the
TossPayments-Test-Code header (before the request is looked at), then the Idempotency-Key's stored answer, then the
request itself.
"""

from collections.abc import Callable

from flask import Flask, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, default_exceptions

from ..errors import render_error
from ..extensions import csrf, db
from . import bp, idempotency, ledger
from .models import TossSandboxPayment
from .payment_object import payment_json
from .wire import HTTP_ERRORS, TossError, error_answer, forced_error, limit_body, secret_key, toss_json

API = "/v1/"
INT_LIMIT = 2**31 - 1


def text(data: dict, name: str, max_length: int, min_length: int = 1, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not min_length <= len(value) <= max_length or "\x00" in value:
        raise TossError("INVALID_REQUEST")
    return value


def number(data: dict, name: str, minimum: int, required: bool = True) -> int | None:
    """A JSON number, or a numeric string (the official Django sample sends the query string's amount as is)."""
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= INT_LIMIT:
        raise TossError("INVALID_REQUEST")
    return value


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise TossError("INVALID_REQUEST")
    return data


def find(**criteria) -> TossSandboxPayment:
    payment = db.session.scalar(select(TossSandboxPayment).filter_by(**criteria))
    if payment is None:
        raise TossError("NOT_FOUND_PAYMENT")
    return payment


def answer(operation: Callable[..., TossSandboxPayment], **values):
    """Run ``operation`` behind auth, the test-code header and Idempotency-Key; a Payment object or an error."""
    try:
        limit_body()
        key = secret_key()
        idempotency_key = idempotency.checked_key() if request.method == "POST" else None
        if forced := forced_error(key):
            raise forced

        def run():
            try:
                return toss_json(payment_json(operation(**values)))
            except TossError as error:
                return error_answer(error)

        return idempotency.run_once(idempotency_key, key, run)
    except TossError as error:
        return error_answer(error)


def confirm() -> TossSandboxPayment:
    data = json_body()
    payment_key, order_id = text(data, "paymentKey", 200), text(data, "orderId", 64, min_length=6)
    amount = number(data, "amount", 0)
    return ledger.confirm(find(payment_key=payment_key), order_id, amount)


def by_payment_key(payment_key: str) -> TossSandboxPayment:
    payment = find(payment_key=payment_key)
    ledger.is_expired(payment)
    return payment


def by_order_id(order_id: str) -> TossSandboxPayment:
    payment = find(order_id=order_id)
    ledger.is_expired(payment)
    return payment


def cancel(payment_key: str) -> TossSandboxPayment:
    data = json_body()
    reason = text(data, "cancelReason", 200)
    amount = number(data, "cancelAmount", 1, required=False)
    tax_free = number(data, "taxFreeAmount", 0, required=False)
    refundable = number(data, "refundableAmount", 0, required=False)
    if data.get("currency", "KRW") != "KRW":
        raise TossError("INVALID_REQUEST")
    payment = find(payment_key=payment_key)
    ledger.is_expired(payment)
    return ledger.cancel(payment, reason, amount, tax_free, refundable)


@bp.post(API + "payments/confirm")
@csrf.exempt
def confirm_view():
    return answer(confirm)


@bp.get(API + "payments/<payment_key>")
def payment_view(payment_key: str):
    return answer(by_payment_key, payment_key=payment_key)


@bp.get(API + "payments/orders/<order_id>")
def order_view(order_id: str):
    return answer(by_order_id, order_id=order_id)


@bp.post(API + "payments/<payment_key>/cancel")
@csrf.exempt
def cancel_view(payment_key: str):
    return answer(cancel, payment_key=payment_key)


def json_errors(app: Flask) -> None:
    """404, 405, 413 and 400 under /sandbox/tosspayments/v1/ answer Toss's JSON error; elsewhere the handler
    registered before this one (another sandbox's, or the site's pages) answers as it did."""
    prefix = bp.url_prefix + API
    for code in HTTP_ERRORS:
        earlier = app.error_handler_spec[None].get(code, {}).get(default_exceptions[code], render_error)

        def handler(error: HTTPException, earlier=earlier):
            if request.path.startswith(prefix):
                return error_answer(TossError(HTTP_ERRORS[error.code], http_status=error.code))
            return earlier(error)

        app.register_error_handler(code, handler)
