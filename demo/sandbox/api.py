"""The emulated KakaoPay Open API (POST /online/v1/payment/<name>, JSON) and the one place operations are exposed.

``expose(name, operation)`` serves an operation (``op(data: dict) -> dict``, see ``operations``) on both wires:
the Open API here and the legacy kapi API (``legacy``) at /v1/payment/<name>. Anything else under either prefix,
and any 404, 405 or 413 there, answers JSON in that wire's error shape.
"""

import hmac
from collections.abc import Callable

from flask import current_app, request
from werkzeug.exceptions import HTTPException

from ..errors import render_error
from ..extensions import csrf
from . import bp, legacy, operations, subscriptions
from .ledger import SandboxError
from .wire import error_parts, kakao_json, limit_body

Operation = Callable[[dict], dict]
OPEN_API = "/online/v1/payment/"
LEGACY_API = legacy.PREFIX
HTTP_ERRORS = {400: -2, 404: -3, 405: -3, 413: -2}  # Kakao's code for a bad request (e.g. a NUL byte), an unknown
# API, a wrong method, a body too big


def error_body(code: int, message: str, extras: dict | None) -> dict:
    body = {"error_code": code, "error_message": message}
    return body | {"extras": extras} if extras else body


def authorize() -> None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    expected = current_app.config["SANDBOX_SECRET_KEY"].encode()
    if scheme not in ("SECRET_KEY", "DEV_SECRET_KEY") or not hmac.compare_digest(key.strip().encode(), expected):
        raise SandboxError(-401, "invalid secret key.", http_status=401)


def json_body() -> dict:
    limit_body()
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise SandboxError(-2, "the body must be a JSON object.")
    return data


def open_api_view(name: str, operation: Operation):
    def view():
        try:
            limit_body()
            authorize()
            return kakao_json(operation(json_body()))
        except SandboxError as error:
            return kakao_json(error_body(*error_parts(error)), error.http_status)

    view.__name__ = "open_" + name.replace("/", "_")
    return csrf.exempt(view)


def expose(name: str, operation: Operation, legacy_methods: tuple[str, ...] = ("POST",)) -> None:
    """Serve ``operation`` at /online/v1/payment/<name> (Open API) and /v1/payment/<name> (legacy kapi)."""
    view = open_api_view(name, operation)
    bp.add_url_rule(OPEN_API + name, view.__name__, view, methods=["POST"])
    view = legacy.view(name, operation)
    bp.add_url_rule(LEGACY_API + name, view.__name__, view, methods=list(legacy_methods))


expose("ready", operations.ready)
expose("approve", operations.approve)
expose("cancel", operations.cancel)
expose("order", operations.order, legacy_methods=("GET", "POST"))
expose("subscription", subscriptions.charge)
expose("manage/subscription/status", subscriptions.status)
expose("manage/subscription/inactive", subscriptions.inactive)


@bp.app_errorhandler(400)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
def http_error(error: HTTPException):
    """JSON for the APIs' paths (never an HTML page a client would try to parse); the site's pages elsewhere."""
    path = request.path.removeprefix(bp.url_prefix)
    if path == request.path or not path.startswith(("/online/", "/v1/")):
        return render_error(error)
    code, message = HTTP_ERRORS[error.code], f"{error.code} {error.name}".lower()
    if path.startswith("/v1/"):
        return kakao_json(legacy.error_body(code, message, None), error.code)
    return kakao_json(error_body(code, message, None), error.code)
