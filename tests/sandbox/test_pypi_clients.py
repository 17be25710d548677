"""Two KakaoPay clients from PyPI, unmodified, complete a payment against the sandbox's legacy kapi API.

They call https://kapi.kakao.com/v1/payment/* with the app admin key. The only change is the host: a transport
that sends kapi.kakao.com to the sandbox served on 127.0.0.1 (what a hosts-file entry plus a path prefix would do).
The user pays over HTTP, like a phone on the mobile page.
"""

import pytest
import requests
from requests.adapters import HTTPAdapter

from ..browser.conftest import LiveServer

KAPI = "https://kapi.kakao.com/"


class KapiHost(HTTPAdapter):
    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def send(self, request, **kwargs):
        request.url = self.base + request.url.removeprefix(KAPI)
        return super().send(request, **kwargs)


@pytest.fixture
def kapi(make_test_app, monkeypatch):
    """The sandbox on its own port, reached by every requests call to kapi.kakao.com."""
    with LiveServer(make_test_app()) as server:
        adapter = KapiHost(server.url + "/sandbox/kakaopay/")
        original = requests.Session.get_adapter
        monkeypatch.setattr(
            requests.Session,
            "get_adapter",
            lambda session, url: adapter if url.startswith(KAPI) else original(session, url),
        )
        yield server


def pay_like_a_phone(mobile_url: str) -> str:
    """Open the mobile page, pay with a card on the sheet; returns the pg_token the approval_url receives."""
    assert requests.get(mobile_url, timeout=10).status_code == 200
    sheet = mobile_url.rsplit("/", 1)[0] + "/sheet"
    form = {"action": "pay", "method": "CARD", "card": "비씨카드", "via": "mobile"}
    response = requests.post(sheet, data=form, allow_redirects=False, timeout=10)
    assert response.status_code == 303 and response.headers["Location"].startswith("http://localhost/approval?")
    return response.headers["Location"].split("pg_token=")[1]


def callback_urls() -> dict:
    return {
        name: f"http://localhost/{name.removesuffix('_url')}" for name in ("approval_url", "cancel_url", "fail_url")
    }


def test_pykakaopay(kapi):
    from pykakaopay.single_payment import SinglePayment

    client = SinglePayment(kapi.app.config["SANDBOX_SECRET_KEY"], "TC0ONETIME")
    ready = client.ready(
        "order-1", "user-1", **callback_urls(), item_name="초코파이", quantity=2, total_amount=4400,
        tax_free_amount=0, vat_amount=400, device="mobile_web",
    )  # fmt: skip
    pg_token = pay_like_a_phone(ready["redirection_url"])
    approved = client.approval(ready["tid"], "order-1", "user-1", pg_token, payload="first")
    assert approved["amount"]["total"] == 4400 and approved["card_info"]["purchase_corp_code"] == "104"
    assert approved["payload"] == "first" and "kakaopay_purchase_corp" not in approved["card_info"]
    assert client.order(ready["tid"])["status"] == "SUCCESS_PAYMENT"
    assert client.cancel(ready["tid"], 1000, 0, "partial") is None  # it returns the body only for QUIT_PAYMENT
    order = client.order(ready["tid"])
    assert order["status"] == "PART_CANCEL_PAYMENT" and order["canceled_amount"]["total"] == 1000


def test_django_pf_billing(kapi):
    from django.conf import settings

    if not settings.configured:
        settings.configure(KAKAOPAY_CID="TC0ONETIME", KAKAOPAY_APP_ADMIN_KEY=kapi.app.config["SANDBOX_SECRET_KEY"])
    from pf_billing.interface import BillingAction

    client = BillingAction.set_pg("KakaoPay")
    ready = client.ready("user-1", "order-1", "초코파이", 4400, 2, **callback_urls())
    assert ready.status_code == 200, ready.text
    pg_token = pay_like_a_phone(ready.json()["next_redirect_mobile_url"])
    approved = client.approve("user-1", "order-1", pg_token, ready.json()["tid"])
    assert approved.status_code == 200 and approved.json()["amount"]["vat"] == 400
    assert client.track(ready.json()["tid"]).json()["status"] == "SUCCESS_PAYMENT"
    canceled = client.cancel(ready.json()["tid"], 4400)
    assert canceled.status_code == 200 and canceled.json()["status"] == "CANCEL_PAYMENT"
    error = client.cancel(ready.json()["tid"], 1)
    assert error.status_code == 400 and set(error.json()) == {"code", "msg"} and error.json()["code"] == -784
