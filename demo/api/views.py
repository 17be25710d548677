"""The API's operations. Each parses (flask-openapi3, with the models of schemas.py), asks the payment service, and
answers the payment resource (resource.py) or a problem."""

from flask import Response, current_app
from sqlalchemy import select

from ..catalog import cache as catalog_cache
from ..extensions import db
from ..payments import service
from ..payments.history import FILTERS, PLATFORMS
from ..payments.models import Payment, Status
from ..payments.providers import PaymentError, enabled_platforms
from ..payments.providers.base import Kind
from ..payments.reconcile import reconcile_changes
from . import api
from .auth import Caller, caller, open_app_session, require_app, require_merchant
from .idempotency import run_once
from .openapi_docs import error_responses, etag_header, json_response, links, payment_response
from .problems import ApiProblem, utf8_json
from .resource import etag, iso, payment_json, refund_json
from .schemas import (
    INT_MAX,
    AbandonIn,
    AppSessionIn,
    AppSessionOut,
    ConfirmIn,
    IdempotencyHeader,
    IfNoneMatchHeader,
    OrderPath,
    PaymentIn,
    PaymentList,
    PaymentsQuery,
    ProductList,
    ReconcileResult,
    RefundIn,
    RefundResult,
)

BEARER = [{"bearer": []}]
OPEN_ENDPOINTS = {"api.create_app_session", "api.openapi_json", "api.reference"}
__all__ = ["OPEN_ENDPOINTS", "caller"]


def problem_for(error: PaymentError) -> ApiProblem:
    """A provider error as the app sees it: unknown outcome → 503 (retry), a refusal → 502 with its code."""
    provider = {"code": error.code, "message": error.provider_message or error.message}
    if error.retryable:
        return ApiProblem(503, "provider_unavailable", error.message, provider=provider, retryable=True)
    return ApiProblem(502, "provider_error", error.message, provider=provider)


def visible_payment(who: Caller, order_id: str) -> Payment:
    """The payment, if this caller may see it: its buyer's app or a merchant. Anyone else's is 'not found'."""
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order_id))
    if payment is None or not (who.is_merchant or payment.user_id == who.user_id):
        raise ApiProblem(404, "payment_not_found", "No payment with this order id for this token.")
    return payment


def invalid_state(payment: Payment, who: Caller, detail: str) -> ApiProblem:
    return ApiProblem(409, "invalid_state", detail, payment=payment_json(payment, who.is_merchant))


def answer(payment: Payment, who: Caller, status: int = 200) -> Response:
    response = utf8_json(payment_json(payment, who.is_merchant))
    response.status_code = status
    return response


@api.post(
    "/app-sessions",
    operation_id="createAppSession",
    summary="Start an app session (one app install = one buyer)",
    responses={201: json_response(AppSessionOut, "the token, shown once"), **error_responses(422, 429, auth=False)},
)
def create_app_session(body: AppSessionIn):
    """The token authenticates every later call of this install (`Authorization: Bearer <token>`)."""
    token, session = open_app_session(body.device_name)
    out = {"token": token, "user_id": session.user_id, "expires_at": iso(session.expires_at)}
    return utf8_json(out, 201)


@api.get(
    "/products",
    operation_id="listProducts",
    summary="The catalog",
    security=BEARER,
    responses={200: json_response(ProductList, "every product, in display order"), **error_responses(422)},
)
def list_products():
    products = catalog_cache.current().products
    items = [
        {"id": p.slug, "name": p.name, "price": p.price, "tax_free": p.tax_free, "recurring": p.recurring}
        for p in products
    ]
    return utf8_json({"items": items})


def invalid_param(name: str, reason: str, detail: str) -> ApiProblem:
    return ApiProblem(422, "validation_failed", detail, invalid_params=[{"name": name, "reason": reason}])


def start_payment(who: Caller, body: PaymentIn) -> tuple[int, dict]:
    product = catalog_cache.current().find(body.product)
    if product is None:
        raise invalid_param("product", "no such product (see GET /api/v1/products)", "Unknown product.")
    offered = enabled_platforms()
    if body.platform is not None and body.platform not in offered:
        reason = f"this site offers {', '.join(offered)}"
        raise invalid_param("platform", reason, "This payment platform is not offered.")
    provider = offered.get(body.platform) if body.platform else None
    try:
        payment = service.start(
            product, body.quantity, "app", who.user_id, return_mode=body.return_mode, provider_name=provider
        )
    except PaymentError as error:
        raise problem_for(error) from error
    return 201, payment_json(payment, merchant=False)


@api.post(
    "/payments",
    operation_id="createPayment",
    summary="Create a payment for the app's buyer (on the chosen platform)",
    security=BEARER,
    responses={
        201: payment_response("the payment, with next_action to open the payment screen", links("createPayment")),
        **error_responses(403, 409, 422, 502, 503),
    },
)
def create_payment(header: IdempotencyHeader, body: PaymentIn):
    """The server prices the order from the catalog. `Idempotency-Key` is required: a retry with the same key and
    body answers the stored result without a second platform call."""
    who = require_app()
    return run_once(who, header.idempotency_key, lambda: start_payment(who, body))


@api.get(
    "/payments",
    operation_id="listPayments",
    summary="Payments, newest first: an app token sees its own, a merchant key every one",
    security=BEARER,
    responses={200: json_response(PaymentList, "one page"), **error_responses(422)},
)
def list_payments(query: PaymentsQuery):
    who = caller()
    statement = select(Payment).order_by(Payment.id.desc()).limit(query.limit + 1)
    if not who.is_merchant:
        statement = statement.where(Payment.user_id == who.user_id)
    if query.status:
        statement = statement.where(Payment.status.in_(FILTERS[query.status]))
    if query.platform:
        statement = statement.where(Payment.provider.in_(PLATFORMS[query.platform]))
    if query.cursor:
        statement = statement.where(Payment.id < min(int(query.cursor), INT_MAX))
    payments = db.session.scalars(statement).all()
    page = payments[: query.limit]
    more = len(payments) > query.limit
    items = [payment_json(payment, who.is_merchant) for payment in page]
    return utf8_json({"items": items, "next_cursor": str(page[-1].id) if more else None})


@api.get(
    "/payments/<order_id>",
    operation_id="getPayment",
    summary="One payment (ETag / If-None-Match → 304)",
    security=BEARER,
    responses={
        200: payment_response("the payment", etag=True),
        304: {"description": "unchanged since the ETag sent in If-None-Match", "headers": etag_header()},
        **error_responses(404, 422),
    },
)
def get_payment(path: OrderPath, header: IfNoneMatchHeader):
    """A stale in-flight payment is checked against the platform's order API first (as the web receipt does)."""
    who = caller()
    payment = visible_payment(who, path.order_id)
    if service.needs_check(payment):
        service.sync(payment)
    body = payment_json(payment, who.is_merchant)
    tag = etag(body)
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    sent = {value.strip() for value in (header.if_none_match or "").split(",")}
    if tag in sent or f"W/{tag}" in sent or "*" in sent:
        return Response(status=304, headers=headers)
    response = utf8_json(body)
    response.headers.update(headers)
    return response


@api.post(
    "/payments/<order_id>/confirm",
    operation_id="confirmPayment",
    summary="결제 완료: approve with the pg_token the bridge stored (앱이 승인)",
    security=BEARER,
    responses={
        200: payment_response("the payment (approved, or approving while the platform's answer is open)"),
        **error_responses(403, 404, 409, 410, 422, 502, 503),
    },
)
def confirm_payment(path: OrderPath, body: ConfirmIn):
    """Idempotent: a repeat, or a race with the bridge or a receipt view, answers the same payment (one approve).
    Before the buyer finished paying: 409 not_authenticated_yet (retry later)."""
    who = require_app()
    payment = visible_payment(who, path.order_id)
    if payment.status in (Status.CANCELLED, Status.FAILED):
        raise invalid_state(payment, who, "The payment is over; it cannot be approved.")
    error = service.confirm(payment, body.pg_token)
    if error is not None and error.kind == Kind.BAD_CALLBACK:
        provider = {"code": error.code, "message": error.provider_message or error.message}
        raise ApiProblem(409, "not_authenticated_yet", error.message, provider=provider, retryable=True)
    if error is not None and error.kind == Kind.EXPIRED:
        raise ApiProblem(410, "payment_expired", error.message)
    if error is not None and payment.status not in (*Status.PAID, Status.APPROVING):
        raise problem_for(error)
    return answer(payment, who)


@api.post(
    "/payments/<order_id>/abandon",
    operation_id="abandonPayment",
    summary="updateStatus: the buyer quit (결제 중단) or the payment failed (결제 실패)",
    security=BEARER,
    responses={
        200: payment_response("the payment as the platform's order API confirms it (cancelled or failed)"),
        **error_responses(403, 404, 409, 422, 503),
    },
)
def abandon_payment(path: OrderPath, body: AbandonIn):
    """The server asks the platform's order API and finishes only what it confirms: a paid payment is never overwritten
    and a still payable one stays payable (409 invalid_state with the payment as it really is)."""
    who = require_app()
    payment = visible_payment(who, path.order_id)
    words = "결제 중단" if body.reason == "quit" else "결제 실패"
    cause = service.APP_REPORTED.format(what=words) + (f": {body.message}" if body.message else "")
    try:
        service.abandon(payment, cause)
    except PaymentError as error:
        raise problem_for(error) from error
    if payment.status in (Status.CANCELLED, Status.FAILED):
        return answer(payment, who)
    state = "paid" if payment.status in Status.PAID else f"still payable at {service.provider_of(payment).label}"
    raise invalid_state(payment, who, f"The payment is {state}; it was not ended.")


def refund_payment(order_id: str, body: RefundIn, who: Caller) -> tuple[int, dict]:
    payment = visible_payment(who, order_id)
    if payment.status not in (Status.APPROVED, Status.PARTIALLY_REFUNDED):
        raise invalid_state(payment, who, "Only an approved payment can be refunded.")
    available = payment.cancel_available_amount
    amount = available if body.amount is None else body.amount
    if amount > available:
        reason = f"at most the cancel_available_amount, {available}"
        raise invalid_param("amount", reason, "The amount is more than is left.")
    try:
        entry = service.refund(payment, amount, body.seen_canceled, body.reason)
    except service.RefundError as error:
        if isinstance(error.__cause__, PaymentError):
            raise problem_for(error.__cause__) from error
        raise invalid_state(payment, who, str(error)) from error
    return 201, {"refund": refund_json(entry), "payment": payment_json(payment, merchant=True)}


@api.post(
    "/payments/<order_id>/refunds",
    operation_id="createRefund",
    summary="Refund (결제 취소) all or part of a payment",
    security=BEARER,
    responses={
        201: json_response(RefundResult, "the refund and the payment"),
        **error_responses(403, 404, 409, 422, 502, 503),
    },
)
def create_refund(path: OrderPath, header: IdempotencyHeader, body: RefundIn):
    """Merchant keys only. `seen_canceled` is the canceled_amount you last saw: a stale one is refused (409), so a
    double submit never refunds twice."""
    who = require_merchant()
    return run_once(who, header.idempotency_key, lambda: refund_payment(path.order_id, body, who))


@api.post(
    "/reconcile",
    operation_id="reconcile",
    summary="대사: bring the books in line with the platforms' order APIs",
    security=BEARER,
    responses={200: json_response(ReconcileResult, "what changed"), **error_responses(403, 422)},
)
def run_reconcile():
    require_merchant()
    changed = reconcile_changes(current_app.config["RECONCILE_AFTER"])
    return utf8_json({"changed": [{"order_id": order_id, "changes": words} for order_id, words in changed]})
