"""RFC 9457 problem details: every error under /api/v1 is `application/problem+json` with a stable `code`."""

import json

from flask import Response
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://strada.example/problems/"  # a stable identifier per code (RFC 9457 §3.1.1), not fetched
TITLES = {
    "validation_failed": "The request is not valid",
    "idempotency_key_missing": "An Idempotency-Key header is required",
    "idempotency_key_reused": "This Idempotency-Key was used with another request",
    "request_in_progress": "A request with this Idempotency-Key is still running",
    "unauthenticated": "A valid bearer token is required",
    "forbidden": "This token may not do that",
    "payment_not_found": "No such payment",
    "not_found": "No such resource",
    "method_not_allowed": "Method not allowed",
    "payload_too_large": "The request body is too large",
    "bad_request": "The request cannot be read",
    "not_authenticated_yet": "The buyer has not finished paying yet",
    "invalid_state": "The payment is not in a state that allows this",
    "payment_expired": "The payment expired",
    "provider_error": "The payment platform refused the request",
    "provider_unavailable": "The payment platform could not be reached; try again",
    "rate_limited": "Too many requests",
    "internal_error": "Internal error",
}
HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


class ApiProblem(Exception):
    """An error answer: ``status``, ``code`` (a TITLES key), optional ``detail``, extra members and headers."""

    def __init__(self, status: int, code: str, detail: str | None = None, headers: dict | None = None, **extra):
        super().__init__(detail or code)
        self.status, self.code, self.detail, self.headers, self.extra = status, code, detail, headers or {}, extra

    def body(self) -> dict:
        body = {"type": TYPE_BASE + self.code, "title": TITLES[self.code], "status": self.status, "code": self.code}
        if self.detail:
            body["detail"] = self.detail
        return body | self.extra

    def response(self) -> Response:
        return problem_response(self.status, self.body(), self.headers)


def utf8_json(body: dict, status: int = 200, headers: dict | None = None, mimetype="application/json") -> Response:
    """A JSON answer in UTF-8 with Korean as it is (jsonify would escape every Hangul syllable)."""
    return Response(json.dumps(body, ensure_ascii=False), status, headers=headers or {}, mimetype=mimetype)


def problem_response(status: int, body: dict, headers: dict | None = None) -> Response:
    return utf8_json(body, status, headers, PROBLEM_JSON)


def unauthenticated(detail: str) -> ApiProblem:
    return ApiProblem(401, "unauthenticated", detail, {"WWW-Authenticate": 'Bearer realm="strada"'})


def from_validation_error(error: ValidationError) -> Response:
    """flask-openapi3's request validation failed: 422 validation_failed with RFC 9457 §3's invalid_params."""
    params = [
        {"name": ".".join(str(part) for part in item["loc"]) or "body", "reason": item["msg"]}
        for item in error.errors(include_url=False, include_input=False)
    ]
    problem = ApiProblem(422, "validation_failed", "Some fields are missing or invalid.", invalid_params=params)
    return problem.response()


def from_http_error(error: HTTPException) -> Response:
    """Flask's own 400/404/405/413 (and a 500 that should never happen) under /api/v1, as problems."""
    status = error.code or 500
    code = HTTP_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    valid = getattr(error, "valid_methods", None)
    headers = {"Allow": ", ".join(valid)} if valid else None
    return ApiProblem(status, code, error.description, headers).response()
