"""The legacy kapi API: KakaoAK auth, form body or query string, {code, msg, extras} errors, legacy card names."""

import pytest

LEGACY = "/sandbox/kakaopay/v1/payment/"


@pytest.fixture
def kapi(kakao):
    headers = {"Authorization": f"KakaoAK {kakao.app.config['SANDBOX_SECRET_KEY']}"}

    def call(name, method="POST", headers=headers, **kwargs):
        return kakao.client.open(LEGACY + name, method=method, headers=headers, **kwargs)

    return call


def strings(body: dict) -> dict:
    return {name: str(value) for name, value in body.items()}


def test_a_card_payment_through_the_legacy_api(kakao, kapi):
    ready = kapi("ready", data=strings(kakao.ready_body())).json
    assert ready["tid"].startswith("T") and "error_code" not in ready
    pg_token = kakao.pay(ready, method="CARD", card="비씨카드")
    approve = {"cid": "TC0ONETIME", "tid": ready["tid"], "partner_order_id": "order-1", "partner_user_id": "user-1"}
    approved = kapi("approve", query_string={**approve, "pg_token": pg_token}).json  # everything in the query
    card = approved["card_info"]
    assert card["purchase_corp"] == "비씨카드" and card["purchase_corp_code"] == "104" and "issuer_corp_code" in card
    assert not any(name.startswith("kakaopay_") for name in card)
    order = kapi("order", method="GET", query_string={"cid": "TC0ONETIME", "tid": ready["tid"]}).json
    assert order["status"] == "SUCCESS_PAYMENT" and order["selected_card_info"]["install_month"] == 0
    canceled = kapi("cancel", data={"cid": "TC0ONETIME", "tid": ready["tid"], "cancel_amount": "2200",
                                    "cancel_tax_free_amount": "0", "payload": "환불"}).json  # fmt: skip
    assert canceled["status"] == "CANCEL_PAYMENT" and canceled["payload"] == "환불"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "SECRET_KEY DEV_SANDBOX_0000000000000000000000000000"}, {"Authorization": "KakaoAK nope"}],
)
def test_other_keys_are_401_in_the_legacy_shape(kapi, headers):
    response = kapi("order", headers=headers, data={"cid": "TC0ONETIME", "tid": "T0"})
    assert response.status_code == 401 and response.json == {"code": -401, "msg": "invalid key."}


def test_errors_use_code_and_msg(kakao, kapi):
    response = kapi("ready", data={**strings(kakao.ready_body()), "quantity": "two"})
    assert response.status_code == 400 and set(response.json) == {"code", "msg"} and response.json["code"] == -2
    assert kapi("order", data={"cid": "TC0ONETIME", "tid": "T0000000000000000000"}).json["code"] == -721


def test_method_errors_carry_extras(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_FAULT="approve_fail"))
    ready = kakao.ready()
    body = {"cid": "TC0ONETIME", "tid": ready["tid"], "partner_order_id": "order-1", "partner_user_id": "user-1"}
    headers = {"Authorization": f"KakaoAK {kakao.app.config['SANDBOX_SECRET_KEY']}"}
    response = kakao.client.post(LEGACY + "approve", data={**body, "pg_token": kakao.pay(ready)}, headers=headers)
    assert response.json["code"] == -780 and response.json["msg"] == "approval failure!"
    assert response.json["extras"]["method_result_code"] == "USER_LOCKED"
