"""The sandbox API never answers 5xx or HTML: odd input gets a Kakao-style JSON 4xx, as from KakaoPay."""

import re

import pytest


def assert_kakao_error(response, status: int = 400, code: int | None = None, legacy: bool = False):
    assert response.status_code == status and response.content_type.startswith("application/json")
    key = "code" if legacy else "error_code"
    assert isinstance(response.json[key], int) and (code is None or response.json[key] == code)


@pytest.mark.parametrize("value", ["--5", "²", "٣", "1e3", " 7", 2**31, -(2**31) - 1, "2147483648", 1.5, [1]])
def test_odd_numbers_are_refused(kakao, value):
    assert_kakao_error(kakao.post("ready", {**kakao.ready_body(), "quantity": value}), code=-2)


@pytest.mark.parametrize("field", ["partner_order_id", "item_name", "item_code"])
@pytest.mark.parametrize("value", ["a\x00b", "\ud800"])
def test_nul_bytes_and_lone_surrogates_are_refused(kakao, field, value):
    assert_kakao_error(kakao.post("ready", {**kakao.ready_body(), field: value}), code=-2)


def test_non_ascii_pg_token_and_authorization(kakao):
    ready = kakao.ready()
    kakao.pay(ready)
    assert_kakao_error(kakao.approve(ready, "토큰"), code=-708)
    response = kakao.client.post(
        "/sandbox/kakaopay/online/v1/payment/order",
        json={"cid": "TC0ONETIME", "tid": ready["tid"]},
        headers={"Authorization": "SECRET_KEY 키".encode().decode("latin-1")},
    )
    assert_kakao_error(response, status=401, code=-401)


def test_huge_bodies_are_413_json(kakao):
    response = kakao.post("ready", {**kakao.ready_body(), "item_name": "x" * 100_000})
    assert_kakao_error(response, status=413)
    legacy = kakao.client.post(
        "/sandbox/kakaopay/v1/payment/ready", data={"item_name": "x" * 100_000}, headers={"Authorization": "KakaoAK x"}
    )
    assert_kakao_error(legacy, status=413, legacy=True)


@pytest.mark.parametrize(
    "method, path, status",
    [
        ("GET", "/sandbox/kakaopay/online/v1/payment/ready", 405),
        ("POST", "/sandbox/kakaopay/online/v1/payment/nothing", 404),
        ("POST", "/sandbox/kakaopay/online/", 404),
        ("DELETE", "/sandbox/kakaopay/v1/payment/order", 405),
        ("POST", "/sandbox/kakaopay/v1/payment/nothing", 404),
        ("GET", "/sandbox/kakaopay/v1/", 404),
    ],
)
def test_unknown_paths_and_wrong_methods_answer_json(client, method, path, status):
    response = client.open(path, method=method)
    assert_kakao_error(response, status=status, legacy="/online/" not in path)


def test_the_sites_own_404_page_is_unchanged(client):
    response = client.get("/nothing-here")
    assert response.status_code == 404 and response.content_type.startswith("text/html")


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/a",
        "javascript:alert(1)",
        "/relative",
        "ftp://localhost/a",
        "http://localhost.evil/a",
        "http://[::1",
        "http://user@evil.example/a",
    ],
)
def test_callback_urls_must_be_on_a_registered_site_domain(kakao, url):
    assert_kakao_error(kakao.post("ready", {**kakao.ready_body(), "approval_url": url}), code=-799)


def test_site_domains_setting(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(SANDBOX_SITE_DOMAINS="shop.example, pay.example"))
    assert kakao.post("ready", kakao.ready_body()).json["error_code"] == -799
    urls = {name: f"https://shop.example/{name}" for name in ("approval_url", "cancel_url", "fail_url")}
    assert kakao.post("ready", {**kakao.ready_body(), **urls}).status_code == 200


def test_public_base_url_host_is_a_site_domain(make_test_app):
    from .conftest import Kakao

    kakao = Kakao(make_test_app(PUBLIC_BASE_URL="http://192.168.0.7:5000"))
    urls = {name: f"http://192.168.0.7:5000/{name}" for name in ("approval_url", "cancel_url", "fail_url")}
    assert kakao.post("ready", {**kakao.ready_body(), **urls}).status_code == 200


def test_card_details_look_real(kakao):
    issuers, types = set(), set()
    for _ in range(40):  # 비씨카드 draws 신용 one time in three: 12 draws missed it ~1 run in 130, 40 ~1 in 10^7
        ready = kakao.ready()
        card = kakao.approve(ready, kakao.pay(ready, method="CARD", card="비씨카드")).json["card_info"]
        assert card["kakaopay_purchase_corp_code"] == "104" and re.fullmatch(r"\d{8}", card["approved_id"])
        assert re.fullmatch(r"\d{3}", card["kakaopay_issuer_corp_code"]) and re.fullmatch(r"\d{6}", card["bin"])
        issuers.add(card["kakaopay_issuer_corp"])
        types.add(card["card_type"])
    assert len(issuers) > 1 and "비씨카드" not in issuers and types == {"신용", "체크"}


def test_hosted_pages_send_the_browser_only_to_urls_given_at_ready(kakao):
    ready = kakao.ready()
    page = f"/sandbox/kakaopay/mockup/v1/{kakao.token(ready)}/"
    evil = {"approval_url": "https://evil.example/", "next": "https://evil.example/", "url": "https://evil.example/"}
    response = kakao.client.post(page + "sheet", data={"action": "pay", "method": "MONEY", "via": "mobile", **evil})
    assert response.location.startswith("http://localhost/approve?pg_token=")
    poll = kakao.client.get(page + "status", query_string=evil, headers={"HX-Request": "true"})
    assert poll.headers["HX-Redirect"] == response.location
    quit_ = kakao.ready()
    response = kakao.client.post(
        f"/sandbox/kakaopay/mockup/v1/{kakao.token(quit_)}/sheet", data={"action": "quit", "via": "app", **evil}
    )
    assert response.location == "http://localhost/cancel"
