"""The payment window the SDK opens: what it accepts, where it sends the browser, what it leaves at Toss."""

import pytest

from .conftest import query

SDK = "/sandbox/tosspayments/v2/standard"


def test_sdk_is_served_as_javascript(client):
    response = client.get(SDK)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert b"TossPayments.ANONYMOUS" in response.data and b"requestPayment" in response.data


def test_success_url_carries_payment_type_order_id_payment_key_and_amount(toss):
    window = toss.open(successUrl="http://localhost/payments/abc/toss/success?x=1")
    response = toss.act(window, "pay", method="CARD", card="신한카드")
    assert response.location.startswith("http://localhost/payments/abc/toss/success?x=1&paymentType=NORMAL&orderId=")
    params = query(response.location)
    assert list(params) == ["x", "paymentType", "orderId", "paymentKey", "amount"] and params["amount"] == "1000"


def test_cancel_sends_fail_url_and_leaves_the_payment_ready(toss):
    window = toss.open(orderId="order-quit")
    response = toss.act(window, "cancel")
    assert query(response.location) == {
        "code": "PAY_PROCESS_CANCELED", "message": "사용자에 의해 결제가 취소되었습니다.", "orderId": "order-quit",
    }  # fmt: skip
    assert "paymentKey" not in response.location
    assert toss.get("/orders/order-quit").json["status"] == "READY"
    assert toss.open(orderId="order-quit") == window  # the buyer may open it again


def test_refusal_in_the_window_aborts(toss):
    response = toss.act(toss.open(orderId="order-fail"), "fail")
    assert query(response.location)["code"] == "REJECT_CARD_COMPANY"
    aborted = toss.get("/orders/order-fail").json
    assert aborted["status"] == "ABORTED" and aborted["failure"]["code"] == "REJECT_CARD_COMPANY"
    again = toss.client.post("/sandbox/tosspayments/v2/checkout", data=toss.window_fields(orderId="order-fail"))
    assert again.status_code == 400 and "DUPLICATED_ORDER_ID" in again.get_data(as_text=True)


def test_installments_from_fifty_thousand_won(toss):
    small = query(toss.act(toss.open(amount="49000"), "pay", method="CARD", installment="3").location)
    assert toss.confirm(small).json["card"]["installmentPlanMonths"] == 0
    window = toss.open(amount="50000")
    assert "12개월" in toss.client.get(window).get_data(as_text=True)
    success = query(toss.act(window, "pay", method="CARD", card="BC카드", installment="3").location)
    assert toss.confirm(success).json["card"]["installmentPlanMonths"] == 3


def test_popup_window_hands_off_to_the_opener(toss):
    window = toss.open(display="popup")
    response = toss.client.post(window, data={"action": "pay", "display": "popup", "method": "CARD"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-handoff="http://localhost/success?paymentType=NORMAL&amp;' in page


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"clientKey": "test_ck_other"}, "INVALID_CLIENT_KEY"),
        ({"orderId": "short"}, "INVALID_ORDER_ID"),
        ({"orderId": "주문번호-한글"}, "INVALID_ORDER_ID"),
        ({"orderName": ""}, "INVALID_ORDER_NAME"),
        ({"amount": "0"}, "INVALID_AMOUNT_VALUE"),
        ({"amount": "1.5"}, "INVALID_AMOUNT_VALUE"),
        ({"taxFreeAmount": "2000"}, "INVALID_AMOUNT_VALUE"),
        ({"successUrl": "javascript:alert(1)"}, "INCORRECT_SUCCESS_URL_FORMAT"),
        ({"failUrl": "/relative"}, "INCORRECT_FAIL_URL_FORMAT"),
        ({"method": "VIRTUAL_ACCOUNT"}, "INVALID_METHOD"),
        ({"customerKey": "한"}, "INVALID_CUSTOMER_KEY"),
    ],
)
def test_window_refuses_what_the_sdk_refuses(toss, overrides, code):
    response = toss.client.post("/sandbox/tosspayments/v2/checkout", data=toss.window_fields(**overrides))
    assert response.status_code == 400 and code in response.get_data(as_text=True)


def test_a_paid_window_cannot_pay_again(toss):
    window = toss.open()
    toss.act(window, "pay", method="CARD")
    again = toss.act(window, "pay", method="CARD")
    assert again.status_code == 303 and again.location.startswith(window)
    assert "결제 인증이 끝났습니다" in toss.client.get(window).get_data(as_text=True)
    assert toss.client.get("/sandbox/tosspayments/v2/checkout/unknown").status_code == 404


def test_receipt_page_for_paid_payments_only(toss):
    paid = toss.paid(method="CARD", card="우리카드")
    toss.cancel(paid["paymentKey"], cancelAmount=400, cancelReason="부분 환불")
    url = toss.get(f"/{paid['paymentKey']}").json["receipt"]["url"].removeprefix("http://localhost")
    page = toss.client.get(url).get_data(as_text=True)
    assert "카드 매출전표" in page and "우리카드" in page and "부분 환불" in page and "600원" in page
    success = toss.authenticate()
    missing = f"/sandbox/tosspayments/receipt/redirection?transactionId={success['paymentKey']}&ref=PX"
    assert toss.client.get(missing).status_code == 404


def test_try_page_calls_the_sdk(client):
    page = client.get("/sandbox/tosspayments/try").get_data(as_text=True)
    assert SDK in page and 'data-client-key="test_ck_' in page
    result = client.get("/sandbox/tosspayments/try/fail?code=PAY_PROCESS_CANCELED&message=m&orderId=o")
    assert "PAY_PROCESS_CANCELED" in result.get_data(as_text=True)
