"""The emulated Open API, field by field and error by error, as the KakaoPay docs describe it."""

import re

import pytest

TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")
AMOUNT_KEYS = {"total", "tax_free", "vat", "point", "discount", "green_deposit"}


def error_code(response) -> int:
    assert {"error_code", "error_message"} <= set(response.json) <= {"error_code", "error_message", "extras"}
    return response.json["error_code"]


def test_ready_answers_the_documented_fields(kakao):
    ready = kakao.ready()
    assert re.fullmatch(r"T[0-9a-f]{19}", ready["tid"])
    assert ready["next_redirect_pc_url"].endswith("/info")
    assert ready["next_redirect_mobile_url"].endswith("/mInfo")
    assert ready["next_redirect_app_url"].endswith("/aInfo")
    assert ready["android_app_scheme"].startswith("kakaotalk://kakaopay/pg?url=")
    assert ready["ios_app_scheme"] == ready["android_app_scheme"]
    assert TIME.match(ready["created_at"])


def test_hosted_page_urls_use_the_public_base_url(make_test_app):
    from .conftest import Kakao

    ready = Kakao(make_test_app(PUBLIC_BASE_URL="http://192.168.0.10:5000")).ready()
    assert ready["next_redirect_pc_url"].startswith("http://192.168.0.10:5000/sandbox/kakaopay/mockup/v1/")


@pytest.mark.parametrize("header", ["", "SECRET_KEY wrong", "Bearer DEV_SANDBOX_0000000000000000000000000000"])
def test_a_bad_key_is_401(kakao, header):
    response = kakao.post("ready", {}, headers={"Authorization": header})
    assert response.status_code == 401 and error_code(response) == -401


def test_dev_secret_key_scheme_is_accepted(kakao):
    headers = {"Authorization": f"DEV_SECRET_KEY {kakao.app.config['SANDBOX_SECRET_KEY']}"}
    assert kakao.post("order", {"cid": "TC0ONETIME", "tid": "T0"}, headers=headers).status_code == 400  # −721


def test_malformed_json_is_a_400(kakao):
    response = kakao.client.post(
        "/sandbox/kakaopay/online/v1/payment/ready",
        data="{not json",
        headers={**kakao.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and error_code(response) == -2


@pytest.mark.parametrize(
    "field, value",
    [
        ("partner_order_id", "x" * 101),
        ("item_name", None),
        ("quantity", "two"),
        ("total_amount", 0),
        ("tax_free_amount", 3000),
        ("vat_amount", 2500),
        ("approval_url", "h" * 256),
        ("payment_method_type", "BITCOIN"),
        ("install_month", 13),
        ("total_amount", True),
    ],
)
def test_ready_validates_every_field(kakao, field, value):
    body = {
        "cid": "TC0ONETIME",
        "partner_order_id": "o",
        "partner_user_id": "u",
        "item_name": "i",
        "quantity": 1,
        "total_amount": 2200,
        "tax_free_amount": 0,
        "approval_url": "http://localhost/a",
        "cancel_url": "http://localhost/c",
        "fail_url": "http://localhost/f",
        field: value,
    }
    response = kakao.post("ready", body)
    assert response.status_code == 400 and error_code(response) == -2


def test_vat_defaults_to_a_eleventh_of_the_taxable_amount(kakao):
    ready = kakao.ready(total_amount=2200, tax_free_amount=0)
    assert kakao.order(ready["tid"])["amount"]["vat"] == 200
    mixed = kakao.ready(total_amount=10000, tax_free_amount=4500)
    assert kakao.order(mixed["tid"])["amount"]["vat"] == 500


def test_approve_answers_the_documented_fields(kakao):
    ready = kakao.ready(quantity=2, total_amount=4400)
    response = kakao.approve(ready, kakao.pay(ready, method="CARD", card="삼성카드"))
    body = response.json
    assert response.status_code == 200
    assert re.fullmatch(r"A[0-9a-f]{19}", body["aid"]) and body["tid"] == ready["tid"]
    assert body["payment_method_type"] == "CARD" and body["quantity"] == 2
    assert set(body["amount"]) == AMOUNT_KEYS and body["amount"]["total"] == 4400 and body["amount"]["vat"] == 400
    assert body["card_info"]["kakaopay_issuer_corp"] == "삼성카드" and body["card_info"]["install_month"] == "00"
    assert TIME.match(body["approved_at"]) and TIME.match(body["created_at"])


def test_money_payments_have_no_card_info(kakao):
    ready = kakao.ready()
    assert "card_info" not in kakao.approve(ready, kakao.pay(ready)).json


def test_approve_before_the_user_paid_is_701(kakao):
    ready = kakao.ready()
    assert error_code(kakao.approve(ready, "0" * 20)) == -701


def test_approve_twice_is_702(kakao):
    ready = kakao.ready()
    token = kakao.pay(ready)
    assert kakao.approve(ready, token).status_code == 200
    assert error_code(kakao.approve(ready, token)) == -702


@pytest.mark.parametrize("field, code", [("partner_order_id", -706), ("partner_user_id", -707)])
def test_id_mismatch(kakao, field, code):
    ready = kakao.ready()
    assert error_code(kakao.approve(ready, kakao.pay(ready), **{field: "someone-else"})) == code


def test_wrong_pg_token_is_708_and_the_right_one_still_works(kakao):
    ready = kakao.ready()
    token = kakao.pay(ready)
    assert error_code(kakao.approve(ready, "f" * 20)) == -708
    assert kakao.approve(ready, token).status_code == 200


def test_unknown_tid_is_721(kakao):
    assert error_code(kakao.post("order", {"cid": "TC0ONETIME", "tid": "T0000000000000000000"})) == -721


def test_expired_payment_is_723_and_fails(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_PAYMENT_TTL=0))
    ready = kakao.ready()
    assert error_code(kakao.approve(ready, "0" * 20)) == -723
    assert kakao.order(ready["tid"])["status"] == "FAIL_PAYMENT"


def test_quit_payment_cannot_be_approved_783(kakao):
    ready = kakao.ready()
    kakao.client.post(f"/sandbox/kakaopay/mockup/v1/{kakao.token(ready)}/sheet", data={"action": "quit"})
    assert kakao.order(ready["tid"])["status"] == "QUIT_PAYMENT"
    assert error_code(kakao.approve(ready, "0" * 20)) == -783


def test_approve_with_another_amount_is_refused(kakao):
    ready = kakao.ready()
    response = kakao.approve(ready, kakao.pay(ready), total_amount=1)
    assert response.status_code == 400 and error_code(response) == -704


@pytest.mark.parametrize("cid", [None, "", "TC0", "TC0ONETIMEX", "TC0NETIME1", 1234567890])
def test_a_malformed_or_unknown_cid_is_731(kakao, cid):
    response = kakao.post("ready", {**kakao.ready_body(), "cid": cid})
    assert response.status_code == 400 and error_code(response) == -731
    assert error_code(kakao.post("order", {"cid": cid, "tid": kakao.ready()["tid"]})) == -731


@pytest.mark.parametrize("fault, status, code", [("approve_fail", 400, -780), ("server_error", 500, -9798)])
def test_fault_injection_from_config(make_test_app, fault, status, code):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_FAULT=fault))
    ready = kakao.ready()
    response = kakao.approve(ready, kakao.pay(ready))
    assert response.status_code == status and error_code(response) == code


def test_fault_injection_from_the_sheet(kakao):
    ready = kakao.ready()
    response = kakao.approve(ready, kakao.pay(ready, fault="approve_fail"))
    assert error_code(response) == -780
    assert kakao.order(ready["tid"])["status"] == "FAIL_PAYMENT"


def test_slow_fault_answers_late(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_FAULT="slow", SANDBOX_SLOW_SECONDS=0.3))
    ready = kakao.ready()
    token = kakao.pay(ready)
    import time

    started = time.perf_counter()
    assert kakao.approve(ready, token).status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_partial_refunds_accumulate_then_710(kakao):
    ready = kakao.paid(total_amount=4400, quantity=2)
    first = kakao.cancel(ready["tid"], 1000).json
    assert first["status"] == "PART_CANCEL_PAYMENT"
    assert first["approved_cancel_amount"] == {**first["approved_cancel_amount"], "total": 1000, "vat": 91}
    assert first["canceled_amount"]["total"] == 1000 and first["cancel_available_amount"]["total"] == 3400
    assert error_code(kakao.cancel(ready["tid"], 3401)) == -710
    last = kakao.cancel(ready["tid"], 3400).json
    assert last["status"] == "CANCEL_PAYMENT" and last["cancel_available_amount"]["total"] == 0
    assert last["canceled_amount"]["vat"] == 400  # the last refund takes exactly the VAT left
    assert error_code(kakao.cancel(ready["tid"], 1)) == -784
    order = kakao.order(ready["tid"])
    assert [a["payment_action_type"] for a in order["payment_action_details"]] == ["PAYMENT", "CANCEL", "CANCEL"]
    assert [a["amount"] for a in order["payment_action_details"]] == [4400, 1000, 3400]


def test_cancel_before_approval_is_784(kakao):
    ready = kakao.ready()
    assert error_code(kakao.cancel(ready["tid"], 100)) == -784


def test_tax_free_refund_cannot_exceed_the_tax_free_amount(kakao):
    ready = kakao.paid(total_amount=15000, tax_free_amount=15000)
    assert error_code(kakao.cancel(ready["tid"], 100, tax_free=101)) == -710
    body = kakao.cancel(ready["tid"], 5000, tax_free=5000).json
    assert body["approved_cancel_amount"]["vat"] == 0 and body["cancel_available_amount"]["tax_free"] == 10000


def test_order_reports_each_status(kakao):
    ready = kakao.ready()
    assert kakao.order(ready["tid"])["status"] == "READY"
    kakao.client.get(f"/sandbox/kakaopay/mockup/v1/{kakao.token(ready)}/mInfo")
    assert kakao.order(ready["tid"])["status"] == "OPEN_PAYMENT"
    token = kakao.pay(ready)
    assert kakao.order(ready["tid"])["status"] == "AUTH_PASSWORD"
    kakao.approve(ready, token)
    order = kakao.order(ready["tid"])
    assert (
        order["status"] == "SUCCESS_PAYMENT" and order["payment_action_details"][0]["payment_action_type"] == "PAYMENT"
    )
    assert set(order["amount"]) == AMOUNT_KEYS and order["cancel_available_amount"]["total"] == 2200
