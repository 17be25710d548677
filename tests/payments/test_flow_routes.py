"""Checkout, the three callbacks and the receipt: every branch, against the in-process sandbox."""

from sqlalchemy import func, select

from demo.extensions import db
from demo.payments.models import ApiExchange, Payment

from ..conftest import sign_in
from .conftest import order_api
from .test_contract import eventually
from .test_devices import AGENTS


def approve_calls(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ApiExchange).filter_by(endpoint="approve"))


def test_checkout_redirects_by_device(shop):
    for flow, page in (("pc", "/info"), ("mobile", "/mInfo"), ("app", "/aInfo")):
        response = shop.checkout(flow=None, **{"User-Agent": AGENTS[flow][0]})
        assert response.status_code == 303 and response.location.endswith(page)


def test_checkout_override_and_htmx(shop):
    response = shop.checkout(flow="app", **{"HX-Request": "true"})
    assert response.status_code == 200 and response.headers["HX-Redirect"].endswith("/aInfo")


def test_checkout_stores_amounts_from_the_catalog(shop):
    response = shop.client.post("/checkout", data={"product": "choco-pie", "quantity": 2, "total_amount": 1})
    assert response.status_code == 303
    with shop.app.app_context():
        payment = db.session.scalars(select(Payment)).one()
        assert (payment.total_amount, payment.vat_amount, payment.tax_free_amount) == (4400, 400, 0)
        assert payment.status == "ready" and payment.tid.startswith("T") and len(payment.order_id) >= 22
        assert set(payment.redirect_urls) >= {"pc", "mobile", "app", "ios_app_scheme"}
        assert payment.user_id.startswith("v_")


def test_visitor_id_is_stable_within_a_session(shop):
    first, second = shop.start(), shop.start()
    assert shop.payment(first).user_id == shop.payment(second).user_id


def test_checkout_rejects_bad_input(shop):
    for data in (
        {"product": "nope", "quantity": 1},
        {"product": "choco-pie", "quantity": 0},
        {"product": "choco-pie", "quantity": 100},
        {"product": "choco-pie", "quantity": "many"},
        {"product": "choco-pie"},
    ):
        response = shop.client.post("/checkout", data=data)
        assert response.status_code == 400
        assert "수량" in response.get_data(as_text=True) or "상품" in response.get_data(as_text=True)
    with shop.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 0


def test_ready_error_shows_the_kakaopay_code_and_stores_a_failed_order(make_test_app):
    app = make_test_app(KAKAOPAY_CID="BADCID")
    response = app.test_client().post("/checkout", data={"product": "choco-pie", "quantity": 1})
    page = response.get_data(as_text=True)
    assert response.status_code == 502 and "결제를 시작하지 못했습니다" in page and "다시 시도" in page
    assert "-731" not in page and "CID" not in page  # buyers read plain Korean; the code is the console's
    merchant = app.test_client()
    sign_in(merchant)
    assert "-731" in merchant.post("/checkout", data={"product": "choco-pie", "quantity": 1}).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Payment.status)).all() == ["failed", "failed"]


def test_unreachable_provider_is_a_friendly_error(make_test_app):
    app = make_test_app(KAKAOPAY_API_BASE="http://127.0.0.1:9/sandbox/kakaopay")
    response = app.test_client().post("/checkout", data={"product": "choco-pie", "quantity": 1})
    assert response.status_code == 502 and "카카오페이에 연결할 수 없습니다" in response.get_data(as_text=True)


def test_approval_then_receipt(shop):
    order_id = shop.start()
    response = shop.client.get(shop.path(shop.pay(order_id)))
    assert response.status_code == 303 and response.location == f"/payments/{order_id}"
    page = shop.client.get(response.location).get_data(as_text=True)
    assert "결제가 완료되었습니다" in page and "4,400원" in page and "카카오페이머니" in page
    payment = shop.payment(order_id)
    assert payment.status == "approved" and payment.aid.startswith("A") and payment.pg_token
    assert f'data-testid="approval-number">{payment.aid}<' in page  # 승인번호: KakaoPay's aid


def test_repeated_callback_approves_once(shop):
    order_id = shop.start()
    url = shop.path(shop.pay(order_id))
    for _ in range(3):
        assert shop.client.get(url).location == f"/payments/{order_id}"
    assert approve_calls(shop.app) == 1


def test_approval_needs_a_pg_token_and_a_known_order(shop):
    order_id = shop.start()
    assert shop.client.get(f"/payments/{order_id}/approve").status_code == 400
    assert shop.client.get("/payments/nope/approve?pg_token=abc").status_code == 404


def test_forged_pg_token_leaves_the_payment_payable(shop):
    order_id = shop.start()
    real = shop.path(shop.pay(order_id))
    response = shop.client.get(f"/payments/{order_id}/approve?pg_token=forged")
    assert response.status_code == 409 and "아직 완료되지 않았습니다" in response.get_data(as_text=True)
    assert shop.payment(order_id).status == "ready" and shop.payment(order_id).pg_token is None
    assert shop.client.get(real).status_code == 303
    assert shop.payment(order_id).status == "approved"


def test_callback_before_the_user_paid_is_701_and_not_terminal(shop):
    order_id = shop.start()
    response = shop.client.get(f"/payments/{order_id}/approve?pg_token=early")
    assert response.status_code == 409 and "-701" not in response.get_data(as_text=True)
    sign_in(shop.client)
    response = shop.client.get(f"/payments/{order_id}/approve?pg_token=early")
    assert response.status_code == 409 and "-701" in response.get_data(as_text=True)
    assert shop.payment(order_id).status == "ready"


def test_approve_failure_ends_as_failed_with_the_reason(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id, fault="approve_fail")))
    payment = shop.payment(order_id)
    assert payment.status == "failed" and payment.failure_code == "-780"
    page = shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "결제에 실패했습니다" in page and "결제된 금액은 없습니다" in page
    assert not any(word in page for word in ("injected", "-780", "영수증", "결제 금액", "icon-bad"))
    sign_in(shop.client)
    assert "-780" in shop.client.get(f"/payments/{order_id}").get_data(as_text=True)  # the merchant sees why


def test_approve_timeout_keeps_the_payment_approving(make_test_app):
    from .conftest import Shop

    shop = Shop(make_test_app(SANDBOX_FAULT="slow", SANDBOX_SLOW_SECONDS=1.0, PROVIDER_TIMEOUT=0.2))
    order_id = shop.start()
    response = shop.client.get(shop.path(shop.pay(order_id)))
    assert response.status_code == 303
    payment = shop.payment(order_id)
    assert payment.status == "approving" and payment.pg_token
    assert "결제 승인을 확인하고 있습니다" in shop.client.get(response.location).get_data(as_text=True)
    assert eventually(lambda: order_api(shop.app, payment.tid)["status"] == "SUCCESS_PAYMENT")  # KakaoPay went on


def test_a_provider_500_is_retried_at_once(shop):
    order_id = shop.start()
    response = shop.client.get(shop.path(shop.pay(order_id, fault="server_error")))
    assert response.status_code == 303 and shop.payment(order_id).status == "approved"


def test_quit_lands_on_cancel_and_finalizes(shop):
    order_id = shop.start()
    response = shop.client.get(shop.path(shop.on_sheet(order_id, "quit")))
    assert response.status_code == 200 and "결제를 중단했습니다" in response.get_data(as_text=True)
    assert shop.payment(order_id).status == "cancelled"


def test_failure_lands_on_fail_and_finalizes(shop):
    order_id = shop.start()
    response = shop.client.get(shop.path(shop.on_sheet(order_id, "fail")))
    assert "결제에 실패했습니다" in response.get_data(as_text=True)
    assert shop.payment(order_id).status == "failed"


def test_a_stranger_cannot_cancel_or_fail_a_pending_payment(shop):
    order_id = shop.start()
    shop.client.get(f"/payments/{order_id}/cancel")
    shop.client.get(f"/payments/{order_id}/fail")
    assert shop.payment(order_id).status == "ready"


def test_late_cancel_after_approval_changes_nothing(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    page = shop.client.get(f"/payments/{order_id}/cancel").get_data(as_text=True)
    assert shop.payment(order_id).status == "approved" and "결제가 완료되었습니다" in page


def test_receipt_partial_for_htmx_polling(shop):
    order_id = shop.start()
    body = shop.client.get(f"/payments/{order_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in body and 'hx-trigger="load delay:1s"' in body and "poll=1" in body


def test_viewing_a_stale_expired_payment_finishes_it(make_test_app):
    from .conftest import Shop

    shop = Shop(make_test_app(SANDBOX_PAYMENT_TTL=0, STALE_AFTER=0))
    order_id = shop.start()
    assert "결제에 실패했습니다" in shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert shop.payment(order_id).status == "failed"


def test_exchanges_are_stored_with_secrets_masked(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    with shop.app.app_context():
        exchanges = db.session.scalars(select(ApiExchange).order_by(ApiExchange.id)).all()
        assert [e.endpoint for e in exchanges] == ["ready", "approve"]
        approve = exchanges[1]
        assert approve.http_status == 200 and approve.duration_ms >= 0
        assert "(masked)" in approve.request_body and shop.payment(order_id).pg_token not in approve.request_body
        assert shop.app.config["SANDBOX_SECRET_KEY"] not in approve.request_body
    page = sign_in(shop.client).get(f"/payments/{order_id}").get_data(as_text=True)  # the timeline: console only
    assert "POST approve" in page and "ready → approving" in page


def test_each_provider_speaks_its_own_wire(shop, provider):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    with shop.app.app_context():
        urls = db.session.scalars(select(ApiExchange.url)).all()
    path = {"kakaopay": "/sandbox/kakaopay/online/v1/payment/", "kakaopay_legacy": "/sandbox/kakaopay/v1/payment/"}
    assert urls and all(path[provider] in url for url in urls)
