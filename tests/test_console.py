"""Buyer vs merchant: the console sign-in, what a stranger's session can (not) do, the buyer's own view."""

import threading

import pytest

from demo.config import persistent_admin_password
from demo.console.auth import sign_in_token

from .conftest import ADMIN_PASSWORD, sign_in
from .payments.conftest import Shop


@pytest.fixture
def buyer(app):
    return Shop(app)


@pytest.fixture
def stranger(app):
    return app.test_client()


@pytest.fixture
def paid(buyer):
    order_id = buyer.start()
    buyer.client.get(buyer.path(buyer.pay(order_id)))
    assert buyer.payment(order_id).status == "approved"
    return order_id


def assert_forbidden(response):
    page = response.get_data(as_text=True)
    assert response.status_code == 403, page
    assert "판매자 콘솔에 로그인" in page and "/console/login" in page


def test_stranger_cannot_list_or_present(stranger, paid):
    for path in ("/payments", "/payments?status=paid", "/presenter/", f"/presenter/{paid}"):
        response = stranger.get(path)
        assert_forbidden(response)
        assert paid not in response.get_data(as_text=True)
    assert_forbidden(stranger.post("/presenter/", data={"product": "choco-pie", "quantity": 1, "flow": "pc"}))


def test_stranger_cannot_refund_or_reconcile(stranger, buyer, paid):
    assert_forbidden(stranger.post(f"/payments/{paid}/refund", data={"kind": "full", "seen_canceled": 0}))
    assert_forbidden(stranger.post("/payments/reconcile"))
    assert_forbidden(stranger.post(f"/payments/{paid}/check"))
    payment = buyer.payment(paid)
    assert (payment.status, payment.canceled_amount) == ("approved", 0)


def test_the_buyer_cannot_refund_either(buyer, paid):
    """Refunds are the merchant's: the buyer's own session is not enough."""
    assert_forbidden(buyer.client.post(f"/payments/{paid}/refund", data={"kind": "full", "seen_canceled": 0}))
    assert buyer.payment(paid).canceled_amount == 0


def test_stranger_cannot_cancel_a_pending_payment(stranger, buyer):
    order_id = buyer.start()
    stranger.get(f"/payments/{order_id}/cancel")
    stranger.get(f"/payments/{order_id}/fail")
    assert buyer.payment(order_id).status == "ready"  # KakaoPay's order API says it is still payable


def test_receipt_link_is_view_only(stranger, buyer, paid):
    page = stranger.get(f"/payments/{paid}").get_data(as_text=True)
    assert "영수증" in page and "4,400원" in page
    assert "refund" not in page and "POST approve" not in page and "처리 기록" not in page


def test_only_the_session_that_started_it_gets_back_to_kakaopay(stranger, buyer):
    order_id = buyer.start()
    sheet = buyer.sheet_url(order_id)
    own = buyer.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "결제창으로 돌아가기" in own and buyer.path(sheet) in own
    other = stranger.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "결제를 기다리고 있습니다" in other
    assert "결제창으로 돌아가기" not in other and buyer.path(sheet) not in other


def test_my_orders_lists_only_this_sessions_payments(app, buyer, paid):
    other = Shop(app)
    theirs = other.start()
    mine = buyer.client.get("/orders").get_data(as_text=True)
    assert paid in mine and theirs not in mine and mine.count('data-testid="my-order"') == 1
    assert theirs in other.client.get("/orders").get_data(as_text=True)
    fresh = app.test_client().get("/orders")
    assert fresh.status_code == 200 and "아직 주문이 없습니다" in fresh.get_data(as_text=True)


def test_console_sees_and_does_everything(app, buyer, paid):
    console = sign_in(app.test_client())
    assert paid in console.get("/payments").get_data(as_text=True)
    assert "처리 기록" in console.get(f"/payments/{paid}").get_data(as_text=True)
    assert console.get("/presenter/").status_code == 200
    response = console.post(f"/payments/{paid}/refund", data={"kind": "full", "seen_canceled": 0})
    assert response.status_code == 303 and buyer.payment(paid).status == "refunded"
    assert console.post("/payments/reconcile").status_code == 303


def test_wrong_password_is_refused(stranger):
    response = stranger.post("/console/login", data={"password": ADMIN_PASSWORD + "x"})
    assert response.status_code == 401 and "비밀번호가 올바르지 않습니다" in response.get_data(as_text=True)
    for password in ("", "\x00", "비밀번호", ADMIN_PASSWORD[:-1]):
        assert stranger.post("/console/login", data={"password": password}).status_code in (400, 401)  # NUL: 400
    assert stranger.get("/payments").status_code == 403


def test_sign_in_returns_to_the_page_that_asked_and_sign_out_is_a_post(stranger):
    assert stranger.get("/payments?status=paid").status_code == 403
    response = stranger.post("/console/login", data={"password": ADMIN_PASSWORD})
    assert response.status_code == 303 and response.location == "/payments?status=paid"
    assert stranger.get("/payments").status_code == 200
    assert stranger.get("/console/logout").status_code == 405
    assert stranger.post("/console/logout").status_code == 303
    assert stranger.get("/payments").status_code == 403


def test_sign_in_ignores_any_target_in_the_request(stranger):
    """No redirect takes its target from the request: ?next= is not read."""
    response = stranger.post("/console/login?next=https://evil.example/", data={"password": ADMIN_PASSWORD})
    assert response.location == "/payments"


def test_sign_in_needs_a_csrf_token(make_test_app):
    client = make_test_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/console/login", data={"password": ADMIN_PASSWORD})
    assert response.status_code == 400 and client.get("/payments").status_code == 403


def test_one_click_link_signs_in_while_fresh(app, stranger):
    token = sign_in_token(app.config["SECRET_KEY"], ADMIN_PASSWORD)
    response = stranger.get(f"/console/login?token={token}")
    assert response.status_code == 303 and response.location == "/payments"
    assert stranger.get("/payments").status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        sign_in_token("test-secret", "another-password"),  # a link printed for an old password
        sign_in_token("another-secret", ADMIN_PASSWORD),  # signed with another key
        sign_in_token("test-secret", ADMIN_PASSWORD)[:-2] + "xx",  # tampered
        "merchant",
        "",
    ],
)
def test_bad_links_do_not_sign_in(stranger, token):
    response = stranger.get(f"/console/login?token={token}")
    assert response.status_code in (200, 400) and stranger.get("/payments").status_code == 403


def test_expired_link_does_not_sign_in(make_test_app):
    app = make_test_app(CONSOLE_LINK_MAX_AGE=-1)
    client = app.test_client()
    response = client.get(f"/console/login?token={sign_in_token('test-secret', ADMIN_PASSWORD)}")
    assert response.status_code == 400 and "만료" in response.get_data(as_text=True)
    assert client.get("/payments").status_code == 403


def test_generated_password_is_one_for_all_workers(tmp_path):
    found = []
    threads = [threading.Thread(target=lambda: found.append(persistent_admin_password(tmp_path))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and len(found[0]) >= 16
    assert (tmp_path / "admin_password").stat().st_mode & 0o077 == 0
    assert persistent_admin_password(tmp_path) == found[0]


def test_nav_shows_console_links_only_to_the_merchant(app, stranger):
    page = stranger.get("/").get_data(as_text=True)
    assert "/orders" in page and 'href="/payments"' not in page and "/presenter/" not in page
    page = sign_in(app.test_client()).get("/").get_data(as_text=True)
    assert 'href="/payments"' in page and "/presenter/" in page and "/console/logout" in page


def test_run_sh_prints_a_link_that_signs_in(app, monkeypatch):
    """demo.serve computes the link from the same secrets the app reads (here: the environment)."""
    from demo.serve import console_credentials

    monkeypatch.setenv("SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("ADMIN_PASSWORD", ADMIN_PASSWORD)
    password, token = console_credentials()
    client = app.test_client()
    assert password == ADMIN_PASSWORD and client.get(f"/console/login?token={token}").status_code == 303
    assert client.get("/payments").status_code == 200
