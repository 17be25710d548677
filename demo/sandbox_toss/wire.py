"""Toss's wire: Basic auth with a test secret key, JSON answers in Toss's field order, ``{code, message}`` errors with
real HTTP statuses, the ``TossPayments-Test-Code`` header and request limits."""

import base64
import binascii
import hmac
import json

from flask import Response, current_app, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

MAX_BODY = 64 * 1024  # bigger request bodies answer 413 with a JSON error
# code: (HTTP status, Toss's message). From the contract's error tables (§2.1, §2.2, §5); TossPayments-Test-Code
# may name any of them.
ERRORS = {
    "ALREADY_PROCESSED_PAYMENT": (400, "이미 처리된 결제 입니다."),
    "PROVIDER_ERROR": (400, "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요."),
    "INVALID_REQUEST": (400, "잘못된 요청입니다."),
    "INVALID_API_KEY": (400, "잘못된 시크릿키 연동 정보 입니다."),
    "INVALID_STOPPED_CARD": (400, "정지된 카드 입니다."),
    "EXCEED_MAX_DAILY_PAYMENT_COUNT": (400, "하루 결제 가능 횟수를 초과했습니다."),
    "UNAPPROVED_ORDER_ID": (400, "아직 승인되지 않은 주문번호입니다."),
    "ALREADY_CANCELED_PAYMENT": (400, "이미 취소된 결제 입니다."),
    "NOT_MATCHES_REFUNDABLE_AMOUNT": (400, "잔액 결과가 일치하지 않습니다."),
    "DUPLICATED_ORDER_ID": (400, "이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요."),
    "INVALID_IDEMPOTENCY_KEY": (400, "멱등키는 300자 이하여야 합니다."),
    "UNAUTHORIZED_KEY": (401, "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다."),
    "REJECT_CARD_PAYMENT": (403, "한도초과 혹은 잔액부족으로 결제에 실패했습니다."),
    "REJECT_ACCOUNT_PAYMENT": (403, "잔액부족으로 결제에 실패했습니다."),
    "REJECT_CARD_COMPANY": (403, "결제 승인이 거절되었습니다."),
    "FORBIDDEN_REQUEST": (403, "허용되지 않은 요청입니다."),
    "FORBIDDEN_CONSECUTIVE_REQUEST": (403, "반복적인 요청은 허용되지 않습니다. 잠시 후 다시 시도해주세요."),
    "INCORRECT_BASIC_AUTH_FORMAT": (403, "잘못된 요청입니다. ':' 를 포함해 인코딩해주세요."),
    "NOT_CANCELABLE_AMOUNT": (403, "취소 할 수 없는 금액 입니다."),
    "NOT_CANCELABLE_PAYMENT": (403, "취소 할 수 없는 결제 입니다."),
    "NOT_FOUND_PAYMENT": (404, "존재하지 않는 결제 정보 입니다."),
    "NOT_FOUND_PAYMENT_SESSION": (404, "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다."),
    "NOT_FOUND": (404, "존재하지 않는 정보 입니다."),
    "IDEMPOTENT_REQUEST_PROCESSING": (409, "이전 멱등 요청이 처리중입니다."),
    "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING": (500, "결제가 완료되지 않았어요. 다시 시도해주세요."),
    "FAILED_INTERNAL_SYSTEM_PROCESSING": (500, "내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요."),
    "UNKNOWN_PAYMENT_ERROR": (500, "결제에 실패했어요. 같은 문제가 반복된다면 은행이나 카드사로 문의해주세요."),
    "COMMON_ERROR": (500, "일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요."),
}
HTTP_ERRORS = {  # what the API paths answer for a request no route takes
    400: "INVALID_REQUEST",
    404: "NOT_FOUND",
    405: "INVALID_REQUEST",
    413: "INVALID_REQUEST",
}


class TossError(Exception):
    """An error answer: ``{"code", "message"}`` with the code's HTTP status (or the one given)."""

    def __init__(self, code: str, message: str | None = None, http_status: int | None = None):
        status, documented = ERRORS.get(code, (400, ERRORS["INVALID_REQUEST"][1]))
        super().__init__(message or documented)
        self.code, self.message, self.http_status = code, message or documented, http_status or status

    def body(self) -> dict:
        return {"code": self.code, "message": self.message}


def toss_json(body: dict, status: int = 200) -> Response:
    """UTF-8 JSON in the given field order, Korean not escaped."""
    return Response(json.dumps(body, ensure_ascii=False), status, content_type="application/json")


def error_answer(error: TossError) -> Response:
    return toss_json(error.body(), error.http_status)


def limit_body() -> None:
    request.max_content_length = MAX_BODY
    if (request.content_length or 0) > MAX_BODY:
        raise RequestEntityTooLarge()


def secret_key() -> str:
    """The caller's secret key from ``Authorization: Basic base64(secretKey + ":")`` (padded or not); raises
    UNAUTHORIZED_KEY (401) or INCORRECT_BASIC_AUTH_FORMAT (403)."""
    scheme, _, encoded = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise TossError("UNAUTHORIZED_KEY")
    encoded = encoded.strip()
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as error:
        raise TossError("UNAUTHORIZED_KEY") from error
    key, colon, _ = decoded.partition(":")
    if not colon:
        raise TossError("INCORRECT_BASIC_AUTH_FORMAT")
    expected = current_app.config["TOSS_SANDBOX_SECRET_KEY"].encode()
    if not hmac.compare_digest(key.encode(), expected):
        raise TossError("UNAUTHORIZED_KEY")
    return key


def forced_error(key: str) -> TossError | None:
    """``TossPayments-Test-Code: <CODE>``: with a test key, answer that error (before the request is looked at)."""
    code = request.headers.get("TossPayments-Test-Code", "").strip()
    if not code or not key.startswith("test_"):
        return None
    return TossError(code if code in ERRORS else "INVALID_REQUEST")


def public_url(endpoint: str, **values) -> str:
    """A sandbox URL on PUBLIC_BASE_URL (or this request's host): what a browser opens."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for(endpoint, **values)
