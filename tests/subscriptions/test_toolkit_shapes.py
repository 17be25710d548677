"""The official KakaoPay agent-toolkit's three 정기결제 tools, as they post (typescript/src/shared/subscription/*.ts
and shared/client.ts: axios, JSON body, `Authorization: SECRET_KEY …`), over HTTP against the sandbox, for an SID
issued by a real first payment made through the merchant's checkout."""

import threading

import pytest
import requests
from werkzeug.serving import make_server


@pytest.fixture
def server(app):
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}/sandbox/kakaopay"
    http.shutdown()
    thread.join()


class Toolkit:
    """KakaoPayClient: base URL, the two headers, and `{ cid: context.cid, ...params }` bodies."""

    def __init__(self, base: str, secret_key: str, cid: str):
        self.base, self.cid = base, cid
        self.headers = {"Authorization": f"SECRET_KEY {secret_key}", "Content-Type": "application/json"}

    def post(self, path: str, params: dict) -> requests.Response:
        return requests.post(self.base + path, json={"cid": self.cid, **params}, headers=self.headers, timeout=10)

    def request_subscription(self, **params):
        return self.post("/online/v1/payment/subscription", params)

    def get_subscription(self, sid: str):
        return self.post("/online/v1/payment/manage/subscription/status", {"sid": sid})

    def inactive_subscription(self, sid: str):
        return self.post("/online/v1/payment/manage/subscription/inactive", {"sid": sid})


def test_the_toolkit_calls_succeed_for_a_real_first_payment(app, buyer, server):
    subscription = buyer.start()
    toolkit = Toolkit(server, app.config["SANDBOX_SECRET_KEY"], "TCSUBSCRIP")
    status = toolkit.get_subscription(subscription.billing_key)
    assert status.status_code == 200 and status.json()["available"] is True
    charge = toolkit.request_subscription(
        sid=subscription.billing_key,
        partner_order_id="toolkit-order-2",
        partner_user_id=subscription.user_id,
        item_name="Strada Plus 1개월 구독",
        quantity=1,
        total_amount=9900,
        tax_free_amount=0,
    )
    assert charge.status_code == 200, charge.text
    assert charge.json()["sid"] == subscription.billing_key and charge.json()["amount"]["vat"] == 900
    assert charge.headers["Content-Type"].startswith("application/json")
    inactive = toolkit.inactive_subscription(subscription.billing_key)
    assert inactive.status_code == 200 and inactive.json()["status"] == "INACTIVE"
    assert toolkit.get_subscription(subscription.billing_key).json()["available"] is False
    again = toolkit.request_subscription(
        sid=subscription.billing_key,
        partner_order_id="toolkit-order-3",
        partner_user_id=subscription.user_id,
        item_name="Strada Plus 1개월 구독",
        quantity=1,
        total_amount=9900,
        tax_free_amount=0,
    )
    assert again.status_code == 400 and again.json()["error_code"] == -751
