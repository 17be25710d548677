"""Friendly error pages (Korean) for 4xx and 500, and the refusal of input no route can store (NUL bytes)."""

from collections.abc import Callable

from flask import Flask, Response, abort, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .extensions import db

MESSAGES = {
    400: ("잘못된 요청입니다", "입력한 내용을 다시 확인해 주세요."),
    403: ("접근할 수 없습니다", "이 페이지를 볼 권한이 없습니다."),
    404: ("페이지를 찾을 수 없습니다", "주소가 바뀌었거나 없는 페이지입니다."),
    405: ("허용되지 않는 요청입니다", "이 주소는 그 방식으로 열 수 없습니다."),
    413: ("요청이 너무 큽니다", "입력한 내용을 줄여서 다시 시도해 주세요."),
    500: ("일시적인 오류가 발생했습니다", "잠시 후 다시 시도해 주세요. 결제는 중복으로 처리되지 않습니다."),
}


# Path prefixes whose errors are not pages (a JSON API): prefix → its handler (the Strada app API registers one).
JSON_ERRORS: dict[str, Callable[[HTTPException], Response]] = {}
ORDER_PAGES = ("/payments/", "/orders")  # a missing one is most likely a mistyped or expired order link
ORDER_NOT_FOUND = ("주문을 찾을 수 없습니다", "주문 링크가 잘못되었거나 없는 주문입니다. 내 주문에서 다시 찾아 주세요.")


def error_page(code: int, title: str, hint: str, detail: str | None = None):
    if request_ctx.url_adapter is None:  # the Host was refused: no URLs can be built, so no site chrome
        head = f"<!doctype html><html lang=ko><meta charset=utf-8><title>{escape(title)}</title>"
        return f"{head}<h1>{escape(title)}</h1><p>{escape(hint)}</p>", code
    about_order = request.path.startswith(ORDER_PAGES)
    context = {"code": code, "title": title, "hint": hint, "detail": detail, "about_order": about_order}
    return render_template("errors/error.html", **context), code


def render_error(error: HTTPException):
    for prefix, handler in JSON_ERRORS.items():
        if request.path.startswith(prefix):
            return handler(error)
    fallback = ("요청을 처리할 수 없습니다", "입력한 내용을 확인해 주세요.")
    order_missing = error.code == 404 and request.path.startswith(ORDER_PAGES)
    title, hint = ORDER_NOT_FOUND if order_missing else MESSAGES.get(error.code, fallback)
    detail = error.description if error.description != type(error).description else None
    return error_page(error.code, title, hint, detail)


def csrf_error(error: CSRFError):
    return error_page(400, "보안 토큰이 만료되었습니다", "페이지를 새로고침한 뒤 다시 시도해 주세요.")


def untrusted_host(error: SecurityError):
    return error_page(400, "허용되지 않은 주소입니다", "이 데모의 주소로 접속해 주세요. (운영자: TRUSTED_HOSTS 설정)")


def server_error(error: InternalServerError):
    db.session.rollback()
    return render_error(error)


def refuse_nul_bytes() -> None:
    """A NUL byte is never valid input here, and PostgreSQL cannot even compare a text with one: refuse it early."""
    values = (request.path, *request.args.values(), *request.form.values())
    if any("\x00" in value for value in values):
        abort(400, description="입력값에 허용되지 않는 문자가 있습니다.")


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(HTTPException, render_error)
