"""The KakaoPay client over real HTTP against the sandbox served on its own port, as against open-api.kakaopay.com."""

import time

import pytest
import requests

from demo.payments.providers import PROVIDERS
from demo.payments.providers.base import Order, PaymentError
from demo.payments.providers.kakaopay import KakaoPay

from ..browser.conftest import LiveServer


@pytest.fixture
def kakao_server(make_test_app):
    """The sandbox alone on 127.0.0.1, like KakaoPay's host; fault injection set per test."""
    app = make_test_app(SANDBOX_SLOW_SECONDS=4.0)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def client(kakao_server, provider):
    settings = {
        **kakao_server.app.config,
        "KAKAOPAY_API_BASE": kakao_server.url + "/sandbox/kakaopay",
        "PROVIDER_TIMEOUT": 2.0,  # well under the slow fault's 4 s, well over a loaded CI machine's answer
    }
    return PROVIDERS[provider].from_settings(settings, "http://unused", requests.Session())


def order(**overrides) -> Order:
    fields = dict(
        order_id="o-1",
        user_id="u-1",
        item_name="초코파이",
        item_code="choco-pie",
        quantity=2,
        total_amount=4400,
        tax_free_amount=0,
        vat_amount=400,
        approval_url="http://localhost/a",
        cancel_url="http://localhost/c",
        fail_url="http://localhost/f",
    )
    return Order(**{**fields, **overrides})


def pay(kakao_server, ready, fault: str = "") -> str:
    token = ready.redirect_urls["mobile"].split("/")[-2]
    response = requests.post(
        f"{kakao_server.url}/sandbox/kakaopay/mockup/v1/{token}/sheet",
        allow_redirects=False,
        data={"action": "pay", "method": "CARD", "card": "현대카드", "via": "mobile", "fault": fault},
    )
    return response.headers["Location"].split("pg_token=")[1]


def test_ready_approve_refund_lookup_over_http(client, kakao_server):
    ready = client.start(order())
    assert ready.provider_ref.startswith("T") and ready.redirect_urls["pc"].startswith(kakao_server.url)
    assert ready.exchange.http_status == 200 and ready.exchange.url.endswith(client.path + "ready")
    assert client.lookup(ready.provider_ref, "o").state == "pending"
    pg_token = pay(kakao_server, ready)
    assert client.lookup(ready.provider_ref, "o").provider_status == "AUTH_PASSWORD"
    approval = client.finalize(ready.provider_ref, "o-1", "u-1", pg_token, 4400)
    assert approval.method == "CARD" and approval.card_info["issuer"] == "현대카드"
    assert approval.amounts["vat"] == 400 and approval.approved_at is not None
    refund = client.refund(ready.provider_ref, 1000, 0, None, "고객 요청", "k-1")
    assert (refund.status, refund.refunded, refund.canceled_total, refund.cancel_available) == (
        "PART_CANCEL_PAYMENT",
        1000,
        1000,
        3400,
    )
    lookup = client.lookup(ready.provider_ref, "o")
    assert lookup.state == "paid" and lookup.approval.aid == approval.aid and lookup.canceled_total == 1000


def test_error_answers_become_payment_errors(client, kakao_server):
    ready = client.start(order())
    with pytest.raises(PaymentError) as raised:
        client.finalize(ready.provider_ref, "o-1", "u-1", "forged", 4400)
    assert raised.value.code == -701 and not raised.value.retryable
    assert raised.value.exchange.http_status == 400 and raised.value.provider_message


def state_or_none(client, tid: str) -> str | None:
    """The order API's state, or None when this lookup itself timed out (a loaded machine, a 0.5 s read timeout)."""
    try:
        return client.lookup(tid, "o").state
    except PaymentError as error:
        if not error.retryable:
            raise
        return None


def eventually(check, seconds: float = 8.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_timeouts_and_500s_are_retryable(client, kakao_server):
    ready = client.start(order())
    with pytest.raises(PaymentError) as raised:
        client.finalize(ready.provider_ref, "o-1", "u-1", pay(kakao_server, ready, "slow"), 4400)
    assert raised.value.code == "timeout" and raised.value.retryable and raised.value.exchange.http_status is None
    assert eventually(
        lambda: state_or_none(client, ready.provider_ref) == "paid"
    )  # a timeout is no failure: KakaoPay went on
    second = client.start(order(order_id="o-2"))
    with pytest.raises(PaymentError) as raised:
        client.finalize(second.provider_ref, "o-2", "u-1", pay(kakao_server, second, "server_error"), 4400)
    assert raised.value.retryable and raised.value.exchange.http_status == 500


def test_bad_key_and_unreachable_host(kakao_server, provider):
    settings = {
        **kakao_server.app.config,
        "KAKAOPAY_API_BASE": kakao_server.url + "/sandbox/kakaopay",
        "SANDBOX_SECRET_KEY": "wrong",
    }
    with pytest.raises(PaymentError) as raised:
        PROVIDERS[provider].from_settings(settings, "", requests.Session()).start(order())
    assert raised.value.code == -401
    settings["KAKAOPAY_API_BASE"] = "http://127.0.0.1:9"
    with pytest.raises(PaymentError) as raised:
        PROVIDERS[provider].from_settings(settings, "", requests.Session()).start(order())
    assert raised.value.code == "connection" and raised.value.retryable


def test_a_body_that_is_not_json_is_a_payment_error(kakao_server, provider):
    settings = {**kakao_server.app.config, "KAKAOPAY_API_BASE": kakao_server.url}  # wrong base: HTML 404s
    with pytest.raises(PaymentError) as raised:
        PROVIDERS[provider].from_settings(settings, "", requests.Session()).start(order())
    assert raised.value.code == 404 and "해석할 수 없습니다" in raised.value.message


def test_live_mode_uses_the_real_host_and_the_secret_key():
    settings = {
        "KAKAOPAY_SECRET_KEY": "DEVabc",
        "KAKAOPAY_API_BASE": None,
        "KAKAOPAY_CID": "TC0ONETIME",
        "PROVIDER_TIMEOUT": 10.0,
        "SANDBOX_SECRET_KEY": "x",
    }
    client = KakaoPay.from_settings(settings, "http://lan:5000", requests.Session())
    assert client.api_base == "https://open-api.kakaopay.com" and client.secret_key == "DEVabc"
    legacy = PROVIDERS["kakaopay_legacy"].from_settings(settings, "http://lan:5000", requests.Session())
    assert legacy.api_base == "https://kapi.kakao.com" and legacy.secret_key == "DEVabc"
