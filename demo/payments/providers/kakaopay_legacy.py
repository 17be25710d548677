"""KakaoPay single payment over the legacy kapi API (kapi.kakao.com/v1/payment/*), as older integrations speak it.

Same four calls and results as ``kakaopay``; the wire differs: ``Authorization: KakaoAK <admin key>``, form-encoded
parameters, errors as ``{code, msg, extras}``, card_info with purchase_corp / issuer_corp names. In sandbox mode it
talks to the sandbox's legacy adapter; with KAKAOPAY_SECRET_KEY set, that key is used as the app admin key.
"""

import requests

from .base import Approval, Exchange
from .kakaopay import MESSAGES, KakaoPay

LIVE_API = "https://kapi.kakao.com"
CARD_NAMES = {  # the legacy card_info's names → the Open API's (card companies: base.CARD_FIELDS)
    "purchase_corp": "purchaser",
    "purchase_corp_code": "kakaopay_purchase_corp_code",
    "issuer_corp": "issuer",
    "issuer_corp_code": "kakaopay_issuer_corp_code",
}
LEGACY_MESSAGES = {
    **MESSAGES,
    -401: "카카오페이 Admin key가 올바르지 않습니다.",
    -3: "카카오페이가 지원하지 않는 요청입니다.",
}


class KakaoPayLegacy(KakaoPay):
    name = "kakaopay_legacy"
    live_api = LIVE_API
    path = "/v1/payment/"
    auth_scheme = "KakaoAK"
    error_fields = ("code", "msg")
    messages = LEGACY_MESSAGES

    def post(self, url: str, body: dict) -> requests.Response:
        form = {name: str(value) for name, value in body.items() if value is not None}
        headers = {"Authorization": f"{self.auth_scheme} {self.secret_key}"}
        return self.session.post(url, data=form, timeout=self.timeout, headers=headers)

    @staticmethod
    def approval(data: dict, exchange: Exchange, aid: str, card_info: dict | None) -> Approval:
        if card_info:
            card_info = {CARD_NAMES.get(name, name): value for name, value in card_info.items()}
        return KakaoPay.approval(data, exchange, aid, card_info)
