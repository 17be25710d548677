"""The legacy kapi API (kapi.kakao.com/v1/payment/<name>), as seeds' older clients and PyPI clients call it.

A thin adapter over the same operations as the Open API: ``Authorization: KakaoAK <key>``, parameters from a form
body or the query string (strings, converted by the operation as Kakao does), errors as ``{code, msg, extras}``,
and card_info with the legacy field names.
"""

import hmac

from flask import current_app, request

from ..extensions import csrf
from .ledger import SandboxError
from .wire import error_parts, kakao_json, limit_body

PREFIX = "/v1/payment/"
CARD_NAMES = {  # Open API name → legacy name
    "kakaopay_purchase_corp": "purchase_corp",
    "kakaopay_purchase_corp_code": "purchase_corp_code",
    "kakaopay_issuer_corp": "issuer_corp",
    "kakaopay_issuer_corp_code": "issuer_corp_code",
}


def error_body(code: int, message: str, extras: dict | None) -> dict:
    body = {"code": code, "msg": message}
    return body | {"extras": extras} if extras else body


def authorize() -> None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    expected = current_app.config["SANDBOX_SECRET_KEY"].encode()
    if scheme != "KakaoAK" or not hmac.compare_digest(key.strip().encode(), expected):
        raise SandboxError(-401, "invalid admin key.", http_status=401)


def parameters() -> dict:
    """The query string, then the form body on top (a client may send either, or both)."""
    limit_body()
    return {**request.args.to_dict(), **request.form.to_dict()}


def legacy_names(answer: dict) -> dict:
    if "card_info" not in answer:
        return answer
    card = {CARD_NAMES.get(name, name): value for name, value in answer["card_info"].items()}
    return answer | {"card_info": card}


def view(name: str, operation):
    def legacy_view():
        try:
            limit_body()
            authorize()
            return kakao_json(legacy_names(operation(parameters())))
        except SandboxError as error:
            return kakao_json(error_body(*error_parts(error)), error.http_status)

    legacy_view.__name__ = "legacy_" + name.replace("/", "_")
    return csrf.exempt(legacy_view)
