"""Every sandbox answer has the keys, JSON types, nesting and key order of Toss's documented answers.

The reference is tosspayments_documented.json beside this file (see its _source): nothing extra, nothing missing,
null exactly where the docs send null. Values are examples and are not compared.
"""

import json
from pathlib import Path

import pytest

from .conftest import basic

DOCUMENTED = json.loads(Path(__file__).with_name("tosspayments_documented.json").read_text(encoding="utf-8"))


def shape(value):
    """Keys (in order), JSON types and nesting of a value; a list is described by its elements."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def same_shape(answer: dict, name: str, ordered: bool = True, **expected_changes) -> None:
    documented = shape(DOCUMENTED[name]) | expected_changes
    actual = shape(answer)
    assert actual == documented, f"{name}: sandbox {actual}\n documented {documented}"
    if ordered:
        assert list(actual) == list(documented), f"{name}: key order differs"
        assert json.dumps(actual) == json.dumps(documented), f"{name}: nested key order differs"


def test_confirm_of_a_card_paid_through_tosspay(toss):
    answer = toss.paid(method="TOSSPAY", source="card")
    same_shape(answer, "confirm")
    assert (answer["method"], answer["easyPay"]["provider"], answer["status"]) == ("카드", "토스페이", "DONE")
    assert answer["requestedAt"].endswith("+09:00") and answer["approvedAt"].endswith("+09:00")
    same_shape(toss.get(f"/{answer['paymentKey']}").json, "confirm")
    same_shape(toss.get(f"/orders/{answer['orderId']}").json, "confirm")


def test_plain_card_has_no_easy_pay_and_tosspay_money_no_card(toss):
    card = toss.paid(method="CARD", card="롯데카드")
    same_shape(card, "confirm", easyPay="NoneType")
    assert card["card"]["issuerCode"] == "71" and card["method"] == "카드"
    money = toss.paid(method="TOSSPAY", source="money")
    same_shape(money, "confirm", card="NoneType")
    assert money["method"] == "간편결제" and money["easyPay"]["amount"] == money["totalAmount"]


def test_full_cancel(toss):
    paid = toss.paid(method="TOSSPAY", source="card")
    answer = toss.cancel(paid["paymentKey"], cancelReason="테스트 결제 취소").json
    # The docs' cancel example ends "method, version, metadata", the confirm example "metadata, method, version":
    # the sandbox answers one order, the confirm example's.
    same_shape(answer, "cancel_full", ordered=False)
    assert list(answer) == list(DOCUMENTED["confirm"])
    assert list(answer["cancels"][0]) == list(DOCUMENTED["cancel_full"]["cancels"][0])
    assert (answer["status"], answer["balanceAmount"], answer["suppliedAmount"], answer["vat"]) == ("CANCELED", 0, 0, 0)
    assert answer["lastTransactionKey"] == answer["cancels"][0]["transactionKey"]


def test_partial_cancels_append_and_recompute_vat(toss):
    paid = toss.paid(method="TOSSPAY", source="card")
    first = toss.cancel(paid["paymentKey"], cancelAmount=300).json
    assert (first["status"], first["balanceAmount"], first["suppliedAmount"], first["vat"]) == (
        "PARTIAL_CANCELED", 700, 636, 64,
    )  # fmt: skip
    assert first["cancels"][0]["refundableAmount"] == 700 and first["totalAmount"] == 1000
    rest = toss.cancel(paid["paymentKey"]).json  # no cancelAmount: the whole balance
    assert [c["cancelAmount"] for c in rest["cancels"]] == [300, 700] and rest["status"] == "CANCELED"
    same_shape(rest, "cancel_full", ordered=False, cancels=[shape(DOCUMENTED["cancel_full"]["cancels"][0])] * 2)


@pytest.mark.parametrize(
    "call, status, code",
    [
        (lambda t, s: t.confirm(s) and t.confirm(s), 400, "ALREADY_PROCESSED_PAYMENT"),
        (lambda t, s: t.confirm(s, amount=999), 400, "INVALID_REQUEST"),
        (lambda t, s: t.confirm(s, orderId="other-order"), 404, "NOT_FOUND_PAYMENT_SESSION"),
        (lambda t, s: t.confirm({**s, "paymentKey": "nope"}), 404, "NOT_FOUND_PAYMENT"),
        (lambda t, s: t.confirm(s, headers={"Authorization": basic("test_sk_wrong")}), 401, "UNAUTHORIZED_KEY"),
        (lambda t, s: t.confirm(s, headers={}), 401, "UNAUTHORIZED_KEY"),
        (lambda t, s: t.confirm(s, headers={"Authorization": "Basic dGVzdA=="}), 403, "INCORRECT_BASIC_AUTH_FORMAT"),
        (lambda t, s: t.cancel(s["paymentKey"]), 403, "NOT_CANCELABLE_PAYMENT"),
        (lambda t, s: t.confirm(s) and t.cancel(s["paymentKey"], cancelAmount=1001), 403, "NOT_CANCELABLE_AMOUNT"),
        (lambda t, s: t.confirm(s) and t.cancel(s["paymentKey"]) and t.cancel(s["paymentKey"]), 400,
         "ALREADY_CANCELED_PAYMENT"),
        (lambda t, s: t.get("/orders/unknown-order"), 404, "NOT_FOUND_PAYMENT"),
        (lambda t, s: t.cancel(s["paymentKey"], cancelReason=""), 400, "INVALID_REQUEST"),
    ],
)  # fmt: skip
def test_error_answers(toss, call, status, code):
    response = call(toss, toss.authenticate())
    same_shape(response.json, "error")
    assert (response.status_code, response.json["code"]) == (status, code)
    assert response.content_type == "application/json"


def test_bodies_are_utf8_not_escaped(toss):
    raw = toss.confirm(toss.authenticate()).get_data()
    assert "토스 티셔츠".encode() in raw and b"\\u" not in raw and raw.startswith(b'{"mId": "tosspayments"')
