"""Every sandbox answer has the keys, types, nesting and field order of KakaoPay's documented responses.

The reference is kakaopay_documented.json beside this file (see its _source): nothing extra, nothing missing, no
null where the docs leave a field out. Values are examples and are not compared.
"""

import json
from pathlib import Path

import pytest

DOCUMENTED = json.loads((Path(__file__).with_name("kakaopay_documented.json")).read_text(encoding="utf-8"))


def shape(value, path: str = "$"):
    """Keys (in order), JSON types and nesting of a value; a list is described by its elements."""
    if isinstance(value, dict):
        return {key: shape(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item, f"{path}[]") for item in value]
    assert value is not None, f"{path} is null: Kakao leaves a field without a value out"
    return type(value).__name__


def same_shape(answer: dict, name: str, ordered: bool = True) -> None:
    documented, actual = shape(DOCUMENTED[name]), shape(answer)
    assert actual == documented, f"{name}: sandbox {actual}\n documented {documented}"
    if ordered:
        assert json.dumps(actual) == json.dumps(documented), f"{name}: field order differs"


def test_ready(kakao):
    same_shape(kakao.ready(), "ready")


def test_money_payment_then_partial_and_full_cancel(kakao):
    ready = kakao.ready(item_name="초코파이")
    same_shape(kakao.order(ready["tid"]), "order_ready")
    same_shape(kakao.approve(ready, kakao.pay(ready)).json, "approve_money")
    same_shape(kakao.order(ready["tid"]), "order_money")
    same_shape(kakao.cancel(ready["tid"], 1000).json, "cancel_partial")
    same_shape(kakao.order(ready["tid"]), "order_part_canceled")
    same_shape(kakao.cancel(ready["tid"], 1200).json, "cancel_full")
    same_shape(kakao.order(ready["tid"]), "order_canceled")


def test_card_payment(kakao):
    ready = kakao.ready()
    approved = kakao.approve(ready, kakao.pay(ready, method="CARD", card="비씨카드")).json
    same_shape(approved, "approve_card", ordered=False)  # the docs' two approve examples order fields differently
    assert list(approved["card_info"]) == list(DOCUMENTED["approve_card"]["card_info"])
    same_shape(kakao.order(ready["tid"]), "order_card")


def test_payload_is_stored_and_echoed(kakao):
    ready = kakao.ready()
    approved = kakao.approve(ready, kakao.pay(ready), payload="memo").json
    same_shape(approved, "approve_money_with_payload")
    same_shape(kakao.order(ready["tid"]), "order_money_with_payload")
    canceled = kakao.cancel(ready["tid"], 2200, payload="refund memo").json
    same_shape(canceled, "cancel_with_payload")
    assert (approved["payload"], canceled["payload"]) == ("memo", "refund memo")
    details = kakao.order(ready["tid"])["payment_action_details"]
    assert [action.get("payload") for action in details] == ["memo", "refund memo"]


def test_method_error_carries_the_method_result(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_FAULT="approve_fail"))
    ready = kakao.ready()
    response = kakao.approve(ready, kakao.pay(ready))
    same_shape(response.json, "error_with_method_result")
    assert response.json["error_message"] == "approval failure!"
    assert response.json["extras"]["method_result_code"] == "USER_LOCKED"


@pytest.mark.parametrize(
    "call, code",
    [
        (lambda k, r: k.approve(r, "0" * 20), -701),
        (lambda k, r: k.approve(r, "0" * 20, partner_order_id="other"), -706),
        (lambda k, r: k.approve(r, "0" * 20, partner_user_id="other"), -707),
        (lambda k, r: k.approve({"tid": "T0000000000000000000"}, "0" * 20), -721),
        (lambda k, r: k.cancel(r["tid"], 100), -784),
        (lambda k, r: k.post("ready", {**k.ready_body(), "cid": "TC0NOTHING"}), -731),
        (lambda k, r: k.post("ready", {**k.ready_body(), "fail_url": "https://evil.example/f"}), -799),
        (lambda k, r: k.post("ready", {**k.ready_body(), "quantity": "--5"}), -2),
        (lambda k, r: k.post("order", {"cid": "TC0ONETIME", "tid": r["tid"]}, headers={}), -401),
    ],
)
def test_parameter_errors_have_no_extras(kakao, call, code):
    response = call(kakao, kakao.ready())
    same_shape(response.json, "error")
    assert response.json["error_code"] == code and response.status_code == (401 if code == -401 else 400)


def test_bodies_are_utf8_in_documented_order(kakao):
    response = kakao.post("ready", kakao.ready_body())
    assert response.content_type == "application/json;charset=UTF-8"
    ready = kakao.ready()
    raw = kakao.approve(ready, kakao.pay(ready)).get_data()
    assert "초코파이".encode() in raw and b"\\u" not in raw
    assert raw.startswith(b'{"aid": "A')


def test_app_schemes_carry_the_raw_order_url(kakao):
    ready = kakao.ready()
    scheme = ready["android_app_scheme"]
    assert scheme == ready["ios_app_scheme"] and scheme.startswith("kakaotalk://kakaopay/pg?url=http://")
    url = scheme.removeprefix("kakaotalk://kakaopay/pg?url=")
    assert url.endswith("/order") and url.rsplit("/", 2)[-2] == kakao.token(ready)
    assert kakao.client.get(url).status_code == 200
