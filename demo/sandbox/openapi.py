"""An OpenAPI 3.1 document of the emulated API (Open API and legacy kapi), served at /sandbox/kakaopay/openapi.json.

Written to match the sandbox exactly: every path under the two prefixes, every answer it can give (fields without a
value are left out, so they are not ``required``). It is a reference for integrators and what schemathesis checks
the sandbox against. Adding an operation: one entry in ``OPERATIONS`` (and its schemas in ``SCHEMAS``).
"""

from . import bp
from .wire import kakao_json

INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
TIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$", "description": "local time, no zone"}


def string(max_length: int = 100, **extra) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length, **extra}


def integer(minimum: int = 0, maximum: int = 2**31 - 1) -> dict:
    return {**INT32, "minimum": minimum, "maximum": maximum}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict, optional: dict | None = None, closed: bool = True) -> dict:
    schema = {"type": "object", "properties": {**required, **(optional or {})}, "required": list(required)}
    return schema | {"additionalProperties": False} if closed else schema


CID = {"type": "string", "enum": ["TC0ONETIME", "TCSUBSCRIP"], "description": "test CID; others answer −731"}
TID = string(20, pattern="^T[0-9a-f]{19}$")
AID = {"type": "string", "pattern": "^A[0-9a-f]{19}$"}
SID = {"type": "string", "pattern": "^S[0-9a-f]{19}$"}
STATUS = {
    "type": "string",
    "enum": [
        "READY",
        "SEND_TMS",
        "OPEN_PAYMENT",
        "SELECT_METHOD",
        "ARS_WAITING",
        "AUTH_PASSWORD",
        "ISSUED_SID",
        "SUCCESS_PAYMENT",
        "PART_CANCEL_PAYMENT",
        "CANCEL_PAYMENT",
        "FAIL_AUTH_PASSWORD",
        "QUIT_PAYMENT",
        "FAIL_PAYMENT",
    ],
}
METHOD = {"type": "string", "enum": ["CARD", "MONEY"]}
CALLBACK = string(255, description="absolute http(s) URL on a registered site domain (else −799)")
CARD_STRINGS = ("bin", "card_type", "install_month", "approved_id", "card_mid", "interest_free_install")
CARD_CORPS = ("purchase_corp", "purchase_corp_code", "issuer_corp", "issuer_corp_code")
ORDER_FIELDS = {
    "partner_order_id": {"type": "string"},
    "partner_user_id": {"type": "string"},
    "item_name": {"type": "string"},
    "quantity": {"type": "integer"},
    "amount": ref("Amount"),
}

SCHEMAS = {
    "Amount": obj(
        {name: {"type": "integer"} for name in ("total", "tax_free", "vat", "point", "discount", "green_deposit")}
    ),
    "ReadyRequest": obj(
        {
            "cid": CID,
            "partner_order_id": string(),
            "partner_user_id": string(),
            "item_name": string(),
            "quantity": integer(1),
            "total_amount": integer(1),
            "tax_free_amount": integer(0),
            "approval_url": CALLBACK,
            "cancel_url": CALLBACK,
            "fail_url": CALLBACK,
        },
        {
            "item_code": string(),
            "vat_amount": integer(0),
            "payment_method_type": METHOD,
            "install_month": integer(0, 12),
        },
        closed=False,
    ),
    "ReadyResponse": obj(
        {
            "tid": TID,
            "next_redirect_app_url": {"type": "string"},
            "next_redirect_mobile_url": {"type": "string"},
            "next_redirect_pc_url": {"type": "string"},
            "android_app_scheme": {"type": "string", "pattern": "^kakaotalk://kakaopay/pg\\?url="},
            "ios_app_scheme": {"type": "string", "pattern": "^kakaotalk://kakaopay/pg\\?url="},
            "created_at": TIME,
        }
    ),
    "ApproveRequest": obj(
        {"cid": CID, "tid": TID, "partner_order_id": string(), "partner_user_id": string(), "pg_token": string(20)},
        {"total_amount": integer(1), "payload": string(200)},
        closed=False,
    ),
    "CardInfo": obj(
        {
            **{f"kakaopay_{name}": {"type": "string"} for name in CARD_CORPS},
            **dict.fromkeys(CARD_STRINGS, {"type": "string"}),
        },
        {"installment_type": {"type": "string"}},
    ),
    "LegacyCardInfo": obj(
        {**{name: {"type": "string"} for name in CARD_CORPS}, **dict.fromkeys(CARD_STRINGS, {"type": "string"})},
        {"installment_type": {"type": "string"}},
    ),
    "ApproveResponse": obj(
        {"aid": AID, "tid": TID, "cid": CID, **ORDER_FIELDS, "payment_method_type": METHOD},
        {"sid": SID, "item_code": {"type": "string"}, "card_info": ref("CardInfo"), "payload": {"type": "string"}}
        | {"created_at": TIME, "approved_at": TIME},
    ),
    "CancelRequest": obj(
        {"cid": CID, "tid": TID, "cancel_amount": integer(1), "cancel_tax_free_amount": integer(0)},
        {"cancel_vat_amount": integer(0), "cancel_available_amount": integer(0), "payload": string(200)},
        closed=False,
    ),
    "CancelResponse": obj(
        {
            "aid": AID,
            "tid": TID,
            "cid": CID,
            "status": {"type": "string", "enum": ["PART_CANCEL_PAYMENT", "CANCEL_PAYMENT"]},
            **ORDER_FIELDS,
            "payment_method_type": METHOD,
            "approved_cancel_amount": ref("Amount"),
            "canceled_amount": ref("Amount"),
            "cancel_available_amount": ref("Amount"),
            "created_at": TIME,
            "approved_at": TIME,
            "canceled_at": TIME,
        },
        {"sid": SID, "item_code": {"type": "string"}, "payload": {"type": "string"}},
    ),
    "OrderRequest": obj({"cid": CID, "tid": TID}, closed=False),
    "SelectedCardInfo": obj(
        {
            "card_bin": {"type": "string"},
            "install_month": {"type": "integer"},
            "installment_type": {"type": "string"},
            "card_corp_name": {"type": "string"},
            "interest_free_install": {"type": "string"},
        }
    ),
    "PaymentAction": obj(
        {
            "aid": AID,
            "payment_action_type": {"type": "string", "enum": ["PAYMENT", "CANCEL", "ISSUED_SID"]},
            "amount": {"type": "integer"},
            "point_amount": {"type": "integer"},
            "discount_amount": {"type": "integer"},
            "approved_at": TIME,
            "green_deposit": {"type": "integer"},
        },
        {"payment_method_type": METHOD, "payload": {"type": "string"}},
    ),
    "OrderResponse": obj(
        {
            "tid": TID,
            "cid": CID,
            "status": STATUS,
            **ORDER_FIELDS,
            "canceled_amount": ref("Amount"),
            "cancel_available_amount": ref("Amount"),
            "created_at": TIME,
            "payment_action_details": {"type": "array", "items": ref("PaymentAction")},
        },
        {
            "sid": SID,
            "payment_method_type": METHOD,
            "item_code": {"type": "string"},
            "approved_at": TIME,
            "canceled_at": TIME,
            "selected_card_info": ref("SelectedCardInfo"),
        },
    ),
    "SubscriptionRequest": obj(
        {
            "cid": CID,
            "sid": string(20),
            "partner_order_id": string(),
            "partner_user_id": string(),
            "item_name": string(),
            "quantity": integer(1),
            "total_amount": integer(1),
            "tax_free_amount": integer(0),
        },
        {"item_code": string(), "vat_amount": integer(0), "payload": string(200)},
        closed=False,
    ),
    "SidRequest": obj({"cid": CID, "sid": string(20)}, closed=False),
    "SidInactiveResponse": obj(
        {"cid": CID, "sid": SID, "status": {"type": "string", "enum": ["ACTIVE", "INACTIVE"]}, "created_at": TIME},
        {"last_approved_at": TIME, "inactivated_at": TIME},
    ),
    "SidStatusResponse": obj(
        {
            "available": {"type": "boolean"},
            "cid": CID,
            "sid": SID,
            "status": {"type": "string", "enum": ["ACTIVE", "INACTIVE"]},
            "created_at": TIME,
            "payment_method_type": METHOD,
            "item_name": {"type": "string"},
        },
        {"last_approved_at": TIME, "inactivated_at": TIME, "use_point_status": {"type": "string"}},
    ),
    "MethodResult": obj({"method_result_code": {"type": "string"}, "method_result_message": {"type": "string"}}),
    "Error": obj(
        {"error_code": {"type": "integer"}, "error_message": {"type": "string"}}, {"extras": ref("MethodResult")}
    ),
    "LegacyError": obj({"code": {"type": "integer"}, "msg": {"type": "string"}}, {"extras": ref("MethodResult")}),
}
SCHEMAS["LegacyApproveResponse"] = {
    **SCHEMAS["ApproveResponse"],
    "properties": {**SCHEMAS["ApproveResponse"]["properties"], "card_info": ref("LegacyCardInfo")},
}
# name: (summary, request schema, response schema, legacy methods, HTTP 500 possible: approve's injected fault)
OPERATIONS = {
    "ready": ("결제 준비 (ready)", "ReadyRequest", "ReadyResponse", ("post",), False),
    "approve": ("결제 승인 (approve)", "ApproveRequest", "ApproveResponse", ("post",), True),
    "cancel": ("결제 취소 (cancel, refund)", "CancelRequest", "CancelResponse", ("post",), False),
    "order": ("주문 조회 (order)", "OrderRequest", "OrderResponse", ("get", "post"), False),
    "subscription": ("정기결제 회차 결제 (subscription)", "SubscriptionRequest", "ApproveResponse", ("post",), True),
    "manage/subscription/status": ("SID 상태 조회", "SidRequest", "SidStatusResponse", ("post",), False),
    "manage/subscription/inactive": ("SID 비활성화", "SidRequest", "SidInactiveResponse", ("post",), False),
}
ERRORS = {
    "400": "KakaoPay error: −2 invalid parameter, −7xx (see error_code)",
    "401": "bad key (−401)",
    "413": "body too large",
}


def responses(schema: str, error: str, server_error: bool) -> dict:
    def answer(description: str, name: str) -> dict:
        return {"description": description, "content": {"application/json": {"schema": ref(name)}}}

    answers = {"200": answer("OK", schema)} | {status: answer(text, error) for status, text in ERRORS.items()}
    if server_error:
        answers["500"] = answer("only with the sandbox's server_error fault injection", error)
    return answers


def open_api_operation(name: str) -> dict:
    summary, request_schema, response_schema, _, server_error = OPERATIONS[name]
    return {
        "post": {
            "operationId": name,
            "summary": summary,
            "tags": ["Open API"],
            "security": [{"SecretKey": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref(request_schema)}}},
            "responses": responses(response_schema, "Error", server_error),
        }
    }


def legacy_operation(name: str) -> dict:
    summary, request_schema, response_schema, methods, server_error = OPERATIONS[name]
    if response_schema == "ApproveResponse":
        response_schema = "LegacyApproveResponse"
    operations = {}
    for method in methods:
        operation = {
            "operationId": f"legacy_{name}_{method}",
            "summary": f"{summary}, legacy kapi",
            "tags": ["legacy kapi"],
            "security": [{"KakaoAK": []}],
            "responses": responses(response_schema, "LegacyError", server_error),
        }
        if method == "get":
            schema = SCHEMAS[request_schema]
            operation["parameters"] = [
                {"name": field, "in": "query", "required": field in schema["required"], "schema": spec}
                for field, spec in schema["properties"].items()
            ]
        else:
            form = {"application/x-www-form-urlencoded": {"schema": ref(request_schema)}}
            operation["requestBody"] = {"required": True, "content": form}
        operations[method] = operation
    return operations


def document() -> dict:
    paths = {f"/online/v1/payment/{name}": open_api_operation(name) for name in OPERATIONS}
    paths |= {f"/v1/payment/{name}": legacy_operation(name) for name in OPERATIONS}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Strada Pay KakaoPay sandbox",
            "version": "1",
            "description": (
                "The built-in KakaoPay emulator: the Open API (open-api.kakaopay.com/online/v1/payment/*) and the "
                "legacy kapi API (kapi.kakao.com/v1/payment/*; parameters as a form body or in the query string). "
                "The sandbox key is SANDBOX_SECRET_KEY. Fields without a value are left out of answers."
            ),
        },
        "servers": [{"url": "/sandbox/kakaopay"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "SecretKey": {"type": "apiKey", "in": "header", "name": "Authorization",
                              "description": "SECRET_KEY <key> (or DEV_SECRET_KEY <key>)"},
                "KakaoAK": {"type": "apiKey", "in": "header", "name": "Authorization",
                            "description": "KakaoAK <key>"},
            },
        },
    }  # fmt: skip


@bp.get("/openapi.json")
def openapi_json():
    return kakao_json(document())
