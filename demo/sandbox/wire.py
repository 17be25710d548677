"""What both wire adapters share: Kakao's JSON bodies, error messages and method results, request limits."""

import json

from flask import Response, request
from werkzeug.exceptions import RequestEntityTooLarge

from .ledger import SandboxError

MAX_BODY = 64 * 1024  # bigger request bodies answer 413 with a JSON error
# Kakao's own wording per error code; codes not listed keep the operation's message (e.g. which field is invalid).
MESSAGES = {
    -3: "unsupported api.",
    -401: "invalid key.",
    -701: "payment is not authenticated yet!",
    -702: "payment is already done!",
    -704: "amount is different from ready!",
    -706: "partner_order_id is different!",
    -707: "partner_user_id is different!",
    -708: "invalid pg_token!",
    -710: "cancel amount is over the cancel available amount!",
    -721: "TID doesn't exist!",
    -723: "payment time expired!",
    -731: "invalid cid!",
    -780: "approval failure!",
    -781: "cancel failure!",
    -783: "not approvable status!",
    -784: "not cancelable status!",
    -750: "invalid sid!",
    -751: "inactive sid!",
    -752: "sid monthly limit exceeded!",
    -753: "partner_user_id is different from the sid's!",
    -782: "subscription payment failure!",
    -799: "unregistered site domain!",
}
# The payment method's own result, which Kakao carries in extras (only for errors that come from the method).
METHOD_RESULTS = {
    -780: {
        "method_result_code": "USER_LOCKED",
        "method_result_message": "진행중인 거래가 있습니다. 잠시 후 다시 시도해 주세요.",
    },
}


def kakao_json(body: dict, status: int = 200) -> Response:
    """UTF-8 JSON in the given field order, Korean not escaped: as KakaoPay's servers write it."""
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json;charset=UTF-8")


def error_parts(error: SandboxError) -> tuple[int, str, dict | None]:
    """code, Kakao's message, and extras (None when the payment method gave no result of its own)."""
    return error.code, MESSAGES.get(error.code, error.message), METHOD_RESULTS.get(error.code)


def limit_body() -> None:
    """Refuse huge bodies before anything else (413, answered as JSON by the sandbox's error handlers)."""
    request.max_content_length = MAX_BODY
    if (request.content_length or 0) > MAX_BODY:
        raise RequestEntityTooLarge()
