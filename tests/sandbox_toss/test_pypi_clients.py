"""A Toss Payments client from PyPI, python-tosspayments 1.1.0, unmodified but for its base URL, runs confirm →
lookup → partial cancel → cancel the rest against the sandbox served on 127.0.0.1, over real HTTP (the buyer pays in
the window over HTTP too). Its base URL is a private attribute (``_TossPayments__base_url``), the only way to set it.

The other candidate on PyPI, tosspayments-python-server-sdk (every version, 1.0.3 to 1.0.6), cannot be imported:
its package __init__ imports PaymentAlreadyCanceledError and others that its exceptions module does not define.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ..browser.conftest import LiveServer

SANDBOX = "/sandbox/tosspayments"


@pytest.fixture
def server(make_test_app):
    with LiveServer(make_test_app()) as server:
        yield server


def pay_in_the_window(server, order_id: str, amount: int) -> dict:
    """The SDK's form post, then 결제하기 with a card; returns successUrl's query."""
    with requests.Session() as browser:
        opened = browser.post(
            server.url + SANDBOX + "/v2/checkout",
            data={
                "clientKey": server.app.config["TOSS_SANDBOX_CLIENT_KEY"], "customerKey": "@@ANONYMOUS",
                "method": "CARD", "amount": amount, "orderId": order_id, "orderName": "토스 티셔츠 외 2건",
                "successUrl": "http://localhost/success", "failUrl": "http://localhost/fail", "display": "page",
            },
            timeout=10,
        )  # fmt: skip
        assert opened.status_code == 200 and "결제하기" in opened.text
        paid = browser.post(opened.url.split("?")[0], data={"action": "pay", "method": "CARD", "card": "현대카드"},
                            allow_redirects=False, timeout=10)  # fmt: skip
    assert paid.status_code == 303
    return {name: values[0] for name, values in parse_qs(urlsplit(paid.headers["Location"]).query).items()}


def test_python_tosspayments(server):
    from tosspayments.main import TossPayments

    client = TossPayments(server.app.config["TOSS_SANDBOX_SECRET_KEY"])
    client._TossPayments__base_url = server.url + SANDBOX + "/"  # its base URL, private: nothing else changes
    success = pay_in_the_window(server, "order-pt-0001", 20000)
    confirmed = client.confirm(success["paymentKey"], success["orderId"], success["amount"], idempotency_key="c-1")
    assert confirmed["status"] == "DONE"
    replayed = client.confirm(success["paymentKey"], success["orderId"], success["amount"], idempotency_key="c-1")
    assert replayed == confirmed  # Toss replays the first answer for the same key
    assert client.get_payment_by_payment_key(success["paymentKey"])["orderId"] == "order-pt-0001"
    assert client.get_payment_by_order_id("order-pt-0001")["status"] == "DONE"
    partial = client.cancel(success["paymentKey"], {"cancelReason": "부분 취소", "cancelAmount": 2000}, "r-1")
    assert partial["balanceAmount"] == 18000 and partial["status"] == "PARTIAL_CANCELED"
    rest = client.cancel(success["paymentKey"], {"cancelReason": "나머지 취소"}, "r-2")
    assert rest["status"] == "CANCELED" and rest["balanceAmount"] == 0 and len(rest["cancels"]) == 2
    with pytest.raises(Exception) as refused:
        client.confirm(success["paymentKey"], success["orderId"], success["amount"])
    assert refused.value.code == 400 and refused.value.error_type == "ALREADY_PROCESSED_PAYMENT"
