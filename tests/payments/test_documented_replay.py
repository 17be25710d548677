"""The merchant's KakaoPay clients read KakaoPay's documented answers (absent fields, real error bodies included).

A fake transport replays the documented example responses (tests/sandbox/kakaopay_documented.json) instead of any
server, so this holds against KakaoPay itself, not only against our sandbox.
"""

import json
from pathlib import Path

import pytest
import requests
from requests.adapters import BaseAdapter

from demo.payments.providers import PROVIDERS
from demo.payments.providers.base import Order, PaymentError

KAKAO_WIRES = [name for name, provider in PROVIDERS.items() if provider.platform == "kakaopay"]
DOCUMENTED = json.loads((Path(__file__).parent.parent / "sandbox" / "kakaopay_documented.json").read_text("utf-8"))


class Replay(BaseAdapter):
    """Answers each endpoint with a canned (status, body); remembers what was sent."""

    def __init__(self, answers: dict):
        super().__init__()
        self.answers, self.sent = answers, []

    def send(self, request, **kwargs):
        self.sent.append(request)
        status, body = self.answers[request.url.rsplit("/", 1)[1]]
        response = requests.Response()
        response.status_code, response._content, response.url = status, json.dumps(body).encode(), request.url
        response.headers["Content-Type"] = "application/json;charset=UTF-8"
        return response

    def close(self):
        pass


def client(provider: str, **answers):
    session, replay = requests.Session(), Replay(answers)
    session.mount("https://", replay)
    settings = {"KAKAOPAY_SECRET_KEY": "DEVkey", "KAKAOPAY_CID": "TC0ONETIME", "PROVIDER_TIMEOUT": 1.0}
    return PROVIDERS[provider].from_settings(settings, "https://shop.example", session), replay


def legacy_card(card: dict) -> dict:
    return {name.removeprefix("kakaopay_"): value for name, value in card.items()}


CARD_NAMES = {"kakaopay": dict, "kakaopay_legacy": legacy_card}  # legacy: no kakaopay_ prefix on card companies
ORDER = Order("o", "u", "초코파이", None, 1, 2200, 0, 200, "https://s/a", "https://s/c", "https://s/f")


@pytest.mark.parametrize("provider", KAKAO_WIRES)
def test_ready_approve_money_and_card(provider):
    card = {**DOCUMENTED["approve_card"], "card_info": CARD_NAMES[provider](DOCUMENTED["approve_card"]["card_info"])}
    kakao, replay = client(provider, ready=(200, DOCUMENTED["ready"]), approve=(200, DOCUMENTED["approve_money"]))
    ready = kakao.start(ORDER)
    assert ready.provider_ref == DOCUMENTED["ready"]["tid"] and ready.redirect_urls["pc"].endswith("/info")
    money = kakao.finalize(ready.provider_ref, "o", "u", "token", 2200)
    assert money.card_info is None and money.method == "MONEY" and money.amounts["total"] == 2200
    replay.answers["approve"] = (200, card)
    paid = kakao.finalize(ready.provider_ref, "o", "u", "token", 2200)
    assert paid.card_info["issuer"] == "수협은행" and paid.card_info["install_month"] == "00"
    assert paid.approved_at.isoformat() == "2023-07-15T21:18:22"


@pytest.mark.parametrize("provider", KAKAO_WIRES)
@pytest.mark.parametrize(
    "name", ["order_money", "real_order_money", "order_card", "order_part_canceled", "order_ready"]
)
def test_order_answers(provider, name):
    body = DOCUMENTED[name]
    kakao, _ = client(provider, order=(200, body))
    lookup = kakao.lookup(body["tid"], "o")
    assert lookup.provider_status == body["status"]
    if name == "order_ready":
        assert lookup.state == "pending" and lookup.approval is None
    else:
        assert lookup.state == "paid" and lookup.approval.aid == body["payment_action_details"][0]["aid"]
    if name == "order_card":
        assert lookup.approval.card_info["issuer"] == "수협은행"
        assert lookup.approval.card_info["install_month"] == "00"


@pytest.mark.parametrize("provider", KAKAO_WIRES)
def test_cancel(provider):
    kakao, _ = client(provider, cancel=(200, DOCUMENTED["cancel_partial"]))
    refund = kakao.refund("T1234567890123456789", 1000, 0, None, "고객 요청", "k-1")
    assert (refund.status, refund.refunded, refund.canceled_total, refund.cancel_available) == (
        "PART_CANCEL_PAYMENT",
        1000,
        1000,
        1200,
    )


@pytest.mark.parametrize(
    "provider, error",
    [
        ("kakaopay", "error_with_method_result"),
        ("kakaopay", "error"),
        ("kakaopay_legacy", "legacy_error_with_method_result"),
        ("kakaopay_legacy", "legacy_error"),
    ],
)
def test_error_bodies(provider, error):
    body = DOCUMENTED[error]
    kakao, _ = client(provider, approve=(400, body))
    with pytest.raises(PaymentError) as raised:
        kakao.finalize("T1", "o", "u", "token", 2200)
    code = body.get("error_code", body.get("code"))
    assert raised.value.code == code and not raised.value.retryable
    assert raised.value.provider_message == body.get("error_message", body.get("msg"))


def test_an_error_body_of_the_other_wire_is_not_understood():
    kakao, _ = client("kakaopay", approve=(400, DOCUMENTED["legacy_error"]))
    with pytest.raises(PaymentError) as raised:
        kakao.finalize("T1", "o", "u", "token", 2200)
    assert raised.value.code == 400 and "해석할 수 없습니다" in raised.value.message
