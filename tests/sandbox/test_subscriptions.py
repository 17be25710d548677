"""The emulated 정기결제 API: SID issuance, charge, status, inactive, and every documented error."""

import re

import pytest

SID = re.compile(r"^S[0-9a-f]{19}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")


def first_payment(kakao, cid="TCSUBSCRIP", **sheet) -> dict:
    """ready + pay + approve with a recurring CID; returns the approve answer."""
    ready = kakao.ready(cid=cid, partner_order_id="sub-1", partner_user_id="user-1", total_amount=9900)
    response = kakao.approve(ready, kakao.pay(ready, **sheet), cid=cid, partner_order_id="sub-1")
    assert response.status_code == 200, response.json
    return response.json


def charge_body(sid: str, **overrides) -> dict:
    body = {
        "cid": "TCSUBSCRIP",
        "sid": sid,
        "partner_order_id": "charge-2",
        "partner_user_id": "user-1",
        "item_name": "Strada Plus",
        "quantity": 1,
        "total_amount": 9900,
        "tax_free_amount": 0,
    }
    return {**body, **overrides}


def error_code(response) -> int:
    assert response.status_code == 400, response.json
    assert set(response.json) >= {"error_code", "error_message"} and "extras" not in response.json  # no method result
    return response.json["error_code"]


def test_a_recurring_cid_approve_issues_an_sid(kakao):
    approved = first_payment(kakao)
    assert SID.match(approved["sid"]) and approved["cid"] == "TCSUBSCRIP"
    order = kakao.post("order", {"cid": "TCSUBSCRIP", "tid": approved["tid"]}).json
    assert order["status"] == "SUCCESS_PAYMENT" and order["sid"] == approved["sid"]
    assert [a["payment_action_type"] for a in order["payment_action_details"]] == ["PAYMENT", "ISSUED_SID"]


def test_a_one_time_cid_approve_has_no_sid(kakao):
    ready = kakao.paid()
    order = kakao.order(ready["tid"])
    assert "sid" not in order
    assert [a["payment_action_type"] for a in order["payment_action_details"]] == ["PAYMENT"]


def test_a_charge_is_a_payment_of_its_own_and_refundable(kakao):
    approved = first_payment(kakao, method="CARD", card="삼성카드")
    response = kakao.post("subscription", charge_body(approved["sid"]))
    assert response.status_code == 200, response.json
    charge = response.json
    assert charge["tid"] != approved["tid"] and charge["aid"] != approved["aid"]
    assert charge["sid"] == approved["sid"] and charge["partner_order_id"] == "charge-2"
    assert charge["amount"]["total"] == 9900 and charge["amount"]["vat"] == 900
    assert charge["payment_method_type"] == "CARD" and charge["card_info"]["kakaopay_issuer_corp"] == "삼성카드"
    assert TIME.match(charge["approved_at"]) and None not in charge.values()
    refund = kakao.post(
        "cancel", {"cid": "TCSUBSCRIP", "tid": charge["tid"], "cancel_amount": 9900, "cancel_tax_free_amount": 0}
    )
    assert refund.status_code == 200 and refund.json["status"] == "CANCEL_PAYMENT"
    order = kakao.post("order", {"cid": "TCSUBSCRIP", "tid": charge["tid"]}).json
    assert [a["payment_action_type"] for a in order["payment_action_details"]] == ["PAYMENT", "CANCEL"]


def test_status_then_inactive_then_no_charge(kakao):
    sid = first_payment(kakao)["sid"]
    status = kakao.post("manage/subscription/status", {"cid": "TCSUBSCRIP", "sid": sid}).json
    assert status["available"] is True and status["status"] == "ACTIVE" and "inactivated_at" not in status
    assert status["payment_method_type"] == "MONEY" and status["item_name"] == "초코파이"
    assert kakao.post("subscription", charge_body(sid)).status_code == 200
    done = kakao.post("manage/subscription/inactive", {"cid": "TCSUBSCRIP", "sid": sid})
    assert done.status_code == 200 and done.json["status"] == "INACTIVE"
    assert TIME.match(done.json["inactivated_at"]) and TIME.match(done.json["last_approved_at"])
    again = kakao.post("manage/subscription/inactive", {"cid": "TCSUBSCRIP", "sid": sid}).json
    assert again["inactivated_at"] == done.json["inactivated_at"]
    status = kakao.post("manage/subscription/status", {"cid": "TCSUBSCRIP", "sid": sid}).json
    assert status["available"] is False and status["status"] == "INACTIVE"
    assert error_code(kakao.post("subscription", charge_body(sid, partner_order_id="charge-3"))) == -751


@pytest.mark.parametrize("name", ["subscription", "manage/subscription/status", "manage/subscription/inactive"])
def test_unknown_sid_and_single_payment_cid(kakao, name):
    sid = first_payment(kakao)["sid"]
    assert error_code(kakao.post(name, charge_body("S" + "0" * 19))) == -750
    assert error_code(kakao.post(name, charge_body(sid, cid="TC0ONETIME"))) == -731
    assert error_code(kakao.post(name, charge_body(None))) == -2


def test_an_sid_belongs_to_its_cid(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_SUBSCRIPTION_CIDS="TCSUBSCRIP,TCSUBSCRI2"))
    sid = first_payment(kakao)["sid"]
    assert error_code(kakao.post("subscription", charge_body(sid, cid="TCSUBSCRI2"))) == -750
    assert kakao.post("subscription", charge_body(sid)).status_code == 200


def test_partner_user_id_must_match_the_first_ready(kakao):
    sid = first_payment(kakao)["sid"]
    assert error_code(kakao.post("subscription", charge_body(sid, partner_user_id="someone-else"))) == -753


def test_the_monthly_limit(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_SUBSCRIPTION_MONTHLY_LIMIT=2))
    sid = first_payment(kakao)["sid"]
    for n in (2, 3):
        assert kakao.post("subscription", charge_body(sid, partner_order_id=f"c{n}")).status_code == 200
    assert error_code(kakao.post("subscription", charge_body(sid, partner_order_id="c4"))) == -752


def test_a_retried_charge_answers_the_same_payment(kakao):
    sid = first_payment(kakao)["sid"]
    first = kakao.post("subscription", charge_body(sid)).json
    again = kakao.post("subscription", charge_body(sid)).json
    assert again["tid"] == first["tid"] and again["aid"] == first["aid"]


@pytest.mark.parametrize(
    "overrides", [{"total_amount": 0}, {"tax_free_amount": 99999}, {"quantity": "x"}, {"item_name": None}]
)
def test_charge_parameters_are_checked(kakao, overrides):
    sid = first_payment(kakao)["sid"]
    assert error_code(kakao.post("subscription", charge_body(sid, **overrides))) == -2


def test_charge_fault_from_the_first_payment_sheet(kakao):
    sid = first_payment(kakao, fault="charge_fail")["sid"]
    response = kakao.post("subscription", charge_body(sid))
    assert error_code(response) == -782 and response.json["error_message"]


def test_charge_faults_from_settings(make_test_app):
    from .conftest import Kakao

    app = make_test_app(SANDBOX_SLOW_SECONDS=0.3)
    kakao = Kakao(app)
    sid = first_payment(kakao)["sid"]
    app.config["SANDBOX_FAULT"] = "charge_fail"
    assert error_code(kakao.post("subscription", charge_body(sid))) == -782
    app.config["SANDBOX_FAULT"] = "server_error"
    assert kakao.post("subscription", charge_body(sid)).status_code == 500
    app.config["SANDBOX_FAULT"] = "slow"
    import time

    started = time.perf_counter()
    assert kakao.post("subscription", charge_body(sid)).status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_subscription_endpoints_need_the_key(kakao):
    response = kakao.post("subscription", {}, headers={"Authorization": "SECRET_KEY wrong"})
    assert response.status_code == 401 and response.json["error_code"] == -401
