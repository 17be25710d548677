"""Friendly error pages (Korean) for 400, 403, 404, 405 and 500."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db

MESSAGES = {
    400: ("잘못된 요청입니다", "입력한 내용을 다시 확인해 주세요."),
    403: ("접근할 수 없습니다", "이 페이지를 볼 권한이 없습니다."),
    404: ("페이지를 찾을 수 없습니다", "주소가 바뀌었거나 없는 주문일 수 있습니다."),
    405: ("허용되지 않는 요청입니다", "이 주소는 그 방식으로 열 수 없습니다."),
    500: ("일시적인 오류가 발생했습니다", "잠시 후 다시 시도해 주세요. 결제는 중복으로 처리되지 않습니다."),
}


def render_error(error: HTTPException):
    title, hint = MESSAGES.get(error.code, (error.name, ""))
    detail = error.description if error.description != type(error).description else None
    return render_template("errors/error.html", code=error.code, title=title, hint=hint, detail=detail), error.code


def csrf_error(error: CSRFError):
    title = "보안 토큰이 만료되었습니다"
    hint = "페이지를 새로고침한 뒤 다시 시도해 주세요."
    return render_template("errors/error.html", code=400, title=title, hint=hint, detail=None), 400


def server_error(error: InternalServerError):
    db.session.rollback()
    return render_error(error)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(InternalServerError, server_error)
    app.register_error_handler(HTTPException, render_error)
