"""A client generated from /api/v1/openapi.json by openapi-python-client, used as generated, goes through every
way a payment made in the Strada app can end (서버가 승인, 앱이 승인 with and without confirm, 결제 중단, 결제 실패,
해결방법2 그대로)."""

import time

from .conftest import GENERATION_SECONDS


def test_generation_is_fast(generated):
    print(f"openapi-python-client generated the client in {GENERATION_SECONDS['openapi-python-client']:.2f} s")
    assert GENERATION_SECONDS["openapi-python-client"] < 30


def test_server_mode_pay_get_304_refund_history(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    products = api.list_products.sync(client=buyer)
    assert [p.id for p in products.items][:1] == ["choco-pie"] and products.items[0].price == 2200
    created = strada.create(buyer)
    assert created.status_code == 201
    payment = created.parsed
    assert payment.status == "ready" and payment.amount.total == 4400 and payment.amount.vat == 400
    assert payment.platform == "kakaopay"
    assert payment.next_action.app_url.endswith("/aInfo") and payment.next_action.ios_app_scheme.startswith(
        "kakaotalk://"
    )
    words = created.content.decode()
    assert not any(f'"{name}"' in words for name in ("provider", "tid", "aid", "cid", "pg_token"))
    bridge = strada.on_sheet(payment, "pay")
    assert bridge.startswith(f"{strada.url}/app/return/{payment.order_id}/approve?pg_token=")
    page = strada.follow(bridge)
    assert page.status_code == 200 and "Strada 앱으로 돌아가기" in page.text
    assert f'href="strada://payments/{payment.order_id}"' in page.text and "pg_token" not in page.text
    assert "intent://payments/" in page.text and "S.browser_fallback_url=" in page.text
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    got = api.get_payment.sync_detailed(client=buyer, order_id=payment.order_id)
    assert got.status_code == 200 and got.parsed.status == "approved" and got.parsed.method == "MONEY"
    assert got.parsed.next_action is None
    etag = got.headers["ETag"]
    again = api.get_payment.sync_detailed(client=buyer, order_id=payment.order_id, if_none_match=etag)
    assert again.status_code == 304 and again.headers["ETag"] == etag
    body = strada.models.RefundIn(amount=1000, seen_canceled=0, reason="상품 파손")
    refund = api.create_refund.sync_detailed(
        client=strada.merchant(), order_id=payment.order_id, body=body, idempotency_key="r-1"
    )
    assert refund.status_code == 201 and refund.parsed.refund.state == "done"
    assert refund.parsed.refund.reason == "상품 파손" and refund.parsed.payment.refunds[0].reason == "상품 파손"
    assert refund.parsed.payment.status == "partially_refunded" and refund.parsed.payment.provider.tid
    replay = api.create_refund.sync_detailed(
        client=strada.merchant(), order_id=payment.order_id, body=body, idempotency_key="r-1"
    )
    assert replay.status_code == 201 and strada.approve_calls(payment.order_id) == 1
    changed = api.get_payment.sync_detailed(client=buyer, order_id=payment.order_id, if_none_match=etag)
    assert changed.status_code == 200 and changed.parsed.canceled_amount == 1000
    history = api.list_payments.sync(client=buyer)
    assert [p.order_id for p in history.items] == [payment.order_id] and history.next_cursor is None
    kakao = api.list_payments.sync(client=buyer, platform=strada.models.ListPaymentsPlatformType0("kakaopay"))
    assert [p.order_id for p in kakao.items] == [payment.order_id]
    assert (
        api.list_payments.sync(client=buyer, platform=strada.models.ListPaymentsPlatformType0("tosspayments")).items
        == []
    )


def test_quit_and_fail_are_confirmed_by_the_order_api(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    quit = strada.create(buyer).parsed
    strada.on_sheet(quit, "quit")  # the web view was closed before the cancel URL loaded: the app reports it
    body = strada.models.AbandonIn(reason=strada.models.AbandonInReason.QUIT, message="사용자가 결제창을 닫음")
    ended = api.abandon_payment.sync_detailed(client=buyer, order_id=quit.order_id, body=body)
    assert ended.status_code == 200 and ended.parsed.status == "cancelled" and ended.parsed.status_label == "결제 중단"
    failed = strada.create(buyer).parsed
    page = strada.follow(strada.on_sheet(failed, "fail"))  # this time the web view loads the bridge's fail URL
    assert page.status_code == 200 and "결제에 실패했습니다" in page.text
    body = strada.models.AbandonIn(reason=strada.models.AbandonInReason.FAILED)
    ended = api.abandon_payment.sync_detailed(client=buyer, order_id=failed.order_id, body=body)
    assert ended.status_code == 200 and ended.parsed.status == "failed"
    pending = strada.create(buyer).parsed
    refused = api.abandon_payment.sync_detailed(client=buyer, order_id=pending.order_id, body=body)
    assert refused.status_code == 409 and refused.parsed.code == "invalid_state"
    assert refused.parsed.payment.status == "ready"  # still payable at KakaoPay: not ended on the app's word
    statuses = {p.order_id: p.status for p in api.list_payments.sync(client=buyer).items}
    assert statuses == {quit.order_id: "cancelled", failed.order_id: "failed", pending.order_id: "ready"}


def test_app_mode_confirm_approves_with_the_stored_token(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    payment = strada.create(buyer, "app").parsed
    early = api.confirm_payment.sync_detailed(client=buyer, order_id=payment.order_id, body=strada.models.ConfirmIn())
    assert early.status_code == 409 and early.parsed.code == "not_authenticated_yet"
    page = strada.follow(strada.on_sheet(payment, "pay"))
    assert page.status_code == 200 and "Strada 앱이 결제를 승인하면" in page.text
    kept = api.get_payment.sync(client=buyer, order_id=payment.order_id)
    assert kept.status == "ready" and strada.approve_calls(payment.order_id) == 0
    for _ in range(2):  # idempotent: the repeat answers the same payment, one approve
        body = strada.models.ConfirmIn()
        done = api.confirm_payment.sync_detailed(client=buyer, order_id=payment.order_id, body=body)
        assert done.status_code == 200 and done.parsed.status == "approved"
    assert strada.approve_calls(payment.order_id) == 1


def test_app_mode_without_confirm_is_approved_by_recovery(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    payment = strada.create(buyer, "app").parsed
    strada.follow(strada.on_sheet(payment, "pay"))  # and the app is killed: no confirm ever comes
    assert api.get_payment.sync(client=buyer, order_id=payment.order_id).status == "ready"
    time.sleep(strada.app.config["APP_CONFIRM_GRACE"] + 1.1)  # stored times have whole seconds
    recovered = api.get_payment.sync(client=buyer, order_id=payment.order_id)
    assert recovered.status == "approved" and strada.approve_calls(payment.order_id) == 1


def test_scheme_mode_is_refused_by_kakaopay_with_799(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    refused = strada.create(buyer, "scheme")
    assert refused.status_code == 502 and refused.parsed.code == "provider_error"
    assert refused.parsed.provider.code == -799
    [payment] = api.list_payments.sync(client=buyer).items
    assert payment.status == "failed" and payment.return_mode == "scheme" and "-799" in payment.status_reason


def test_a_confirm_after_the_payment_expired_is_410(make_test_app, generated):
    from ..browser.conftest import LiveServer
    from .conftest import Strada

    with LiveServer(make_test_app(SANDBOX_PAYMENT_TTL=2, APP_CONFIRM_GRACE=60)) as server:
        strada = Strada(server, generated)
        api, buyer = strada.api, strada.client(strada.app_token())
        payment = strada.create(buyer, "app").parsed
        strada.follow(strada.on_sheet(payment, "pay"))  # the token is kept; the app confirms too late
        time.sleep(2.5)
        late = api.confirm_payment.sync_detailed(
            client=buyer, order_id=payment.order_id, body=strada.models.ConfirmIn()
        )
        assert late.status_code == 410 and late.parsed.code == "payment_expired"
        assert api.get_payment.sync(client=buyer, order_id=payment.order_id).status == "failed"
