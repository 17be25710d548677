"""An OpenAPI 3.1 document of the emulated core API, served at /sandbox/tosspayments/openapi.json.

Written to match the sandbox exactly: every path under /v1/, every answer it can give. The Payment object has every
key, null where Toss sends null, so every key is ``required`` and nullable ones allow null. It is a reference for
integrators and what schemathesis checks the sandbox against.
"""

from . import bp
from .wire import toss_json

TIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$"}
STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
AMOUNT = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    extra = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
    return {**schema, "type": [schema["type"], "null"], **extra}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict, optional: dict | None = None, closed: bool = True) -> dict:
    schema = {"type": "object", "properties": {**required, **(optional or {})}, "required": list(required)}
    return schema | {"additionalProperties": False} if closed else schema


NULL = {"type": "null"}
STATUS = {
    "type": "string",
    "enum": ["READY", "IN_PROGRESS", "WAITING_FOR_DEPOSIT", "DONE", "CANCELED", "PARTIAL_CANCELED", "ABORTED",
             "EXPIRED"],
}  # fmt: skip
SCHEMAS = {
    "ConfirmRequest": obj(
        {
            "paymentKey": {"type": "string", "minLength": 1, "maxLength": 200},
            "orderId": {"type": "string", "minLength": 6, "maxLength": 64},
            "amount": AMOUNT,
        },
        closed=False,
    ),
    "CancelRequest": obj(
        {"cancelReason": {"type": "string", "minLength": 1, "maxLength": 200}},
        {
            "cancelAmount": {**AMOUNT, "minimum": 1},
            "taxFreeAmount": AMOUNT,
            "refundableAmount": AMOUNT,
            "currency": {"type": "string", "enum": ["KRW"]},
        },
        closed=False,
    ),
    "Card": obj(
        {
            "issuerCode": STRING,
            "acquirerCode": nullable(STRING),
            "number": STRING,
            "installmentPlanMonths": INTEGER,
            "isInterestFree": BOOLEAN,
            "interestPayer": nullable(STRING),
            "approveNo": STRING,
            "useCardPoint": BOOLEAN,
            "cardType": {"type": "string", "enum": ["신용", "체크", "기프트", "미확인"]},
            "ownerType": {"type": "string", "enum": ["개인", "법인", "미확인"]},
            "acquireStatus": STRING,
            "amount": INTEGER,
        }
    ),
    "Cancel": obj(
        {
            "transactionKey": STRING,
            "cancelReason": STRING,
            "taxExemptionAmount": INTEGER,
            "canceledAt": TIME,
            "transferDiscountAmount": INTEGER,
            "easyPayDiscountAmount": INTEGER,
            "receiptKey": nullable(STRING),
            "cancelAmount": INTEGER,
            "taxFreeAmount": INTEGER,
            "refundableAmount": INTEGER,
            "cancelStatus": {"type": "string", "enum": ["DONE"]},
            "cancelRequestId": nullable(STRING),
        }
    ),
    "EasyPay": obj({"provider": STRING, "amount": INTEGER, "discountAmount": INTEGER}),
    "Failure": obj({"code": STRING, "message": STRING}),
    "Url": obj({"url": STRING}),
    "Payment": obj(
        {
            "mId": STRING,
            "lastTransactionKey": nullable(STRING),
            "paymentKey": STRING,
            "orderId": STRING,
            "orderName": STRING,
            "taxExemptionAmount": INTEGER,
            "status": STATUS,
            "requestedAt": TIME,
            "approvedAt": nullable(TIME),
            "useEscrow": nullable(BOOLEAN),
            "cultureExpense": BOOLEAN,
            "card": nullable(ref("Card")),
            **dict.fromkeys(("virtualAccount", "transfer", "mobilePhone", "giftCertificate", "cashReceipt"), NULL),
            "cashReceipts": NULL,
            "discount": NULL,
            "cancels": {"anyOf": [{"type": "array", "items": ref("Cancel"), "minItems": 1}, NULL]},
            "secret": NULL,
            "type": {"type": "string", "enum": ["NORMAL", "BILLING", "BRANDPAY"]},
            "easyPay": nullable(ref("EasyPay")),
            "country": STRING,
            "failure": nullable(ref("Failure")),
            "isPartialCancelable": BOOLEAN,
            "receipt": nullable(ref("Url")),
            "checkout": nullable(ref("Url")),
            "currency": STRING,
            "totalAmount": INTEGER,
            "balanceAmount": INTEGER,
            "suppliedAmount": INTEGER,
            "vat": INTEGER,
            "taxFreeAmount": INTEGER,
            "metadata": NULL,
            "method": nullable({"type": "string", "enum": ["카드", "간편결제"]}),
            "version": STRING,
        }
    ),
    "Error": obj({"code": STRING, "message": STRING}),
}
ERRORS = {
    "400": "INVALID_REQUEST, ALREADY_PROCESSED_PAYMENT, ALREADY_CANCELED_PAYMENT, INVALID_IDEMPOTENCY_KEY, …",
    "401": "UNAUTHORIZED_KEY",
    "403": "INCORRECT_BASIC_AUTH_FORMAT, REJECT_CARD_PAYMENT, NOT_CANCELABLE_AMOUNT, NOT_CANCELABLE_PAYMENT, …",
    "404": "NOT_FOUND_PAYMENT, NOT_FOUND_PAYMENT_SESSION",
    "409": "IDEMPOTENT_REQUEST_PROCESSING",
    "413": "body too large",
    "500": "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING (fault injection), or any code forced by TossPayments-Test-Code",
}
HEADERS = {
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 300, "pattern": "^[!-~]+$"},
        "description": "scoped by (key, API key, URL, method), kept 15 days; a repeat answers the first response",
    },
}


def path_parameter(name: str) -> dict:
    schema = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Za-z0-9_=.-]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def operation(operation_id: str, summary: str, request: str | None = None, parameter: str | None = None) -> dict:
    answer = {"content": {"application/json": {"schema": ref("Payment")}}, "description": "the Payment object"}
    errors = {status: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
              for status, text in ERRORS.items()}  # fmt: skip
    spec = {
        "operationId": operation_id,
        "summary": summary,
        "security": [{"basicAuth": []}],
        "parameters": ([path_parameter(parameter)] if parameter else [])
        + ([HEADERS["Idempotency-Key"]] if request else []),  # fmt: skip
        "responses": {"200": answer, **errors},
    }
    if request:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(request)}}}
    return spec


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Strada Pay Toss Payments sandbox",
            "version": "1",
            "description": (
                "The built-in Toss Payments emulator's core API (api.tosspayments.com/v1/payments/*). Auth: HTTP "
                "Basic, username TOSS_SANDBOX_SECRET_KEY (a test_sk_ key), empty password. Every POST takes an "
                "Idempotency-Key; every call takes TossPayments-Test-Code: <ERROR_CODE> to force that error."
            ),
        },
        "servers": [{"url": "/sandbox/tosspayments"}],
        "paths": {
            "/v1/payments/confirm": {"post": operation("confirm", "결제 승인", "ConfirmRequest")},
            "/v1/payments/{paymentKey}": {
                "get": operation("getPayment", "paymentKey로 결제 조회", parameter="paymentKey")
            },
            "/v1/payments/orders/{orderId}": {
                "get": operation("getPaymentByOrderId", "orderId로 결제 조회", parameter="orderId")
            },
            "/v1/payments/{paymentKey}/cancel": {
                "post": operation("cancel", "결제 취소", "CancelRequest", parameter="paymentKey")
            },
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"basicAuth": {"type": "http", "scheme": "basic"}},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return toss_json(document())
