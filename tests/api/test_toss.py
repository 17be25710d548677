"""The Strada app pays with 토스페이먼츠 through the same API: the generated client creates the payment with
`platform`, the app's web view opens next_action (open_checkout: our checkout page, whose SDK call opens Toss's
window), and the window comes back through the bridge (서버가 승인, 앱이 승인, a quit, a failure, a tampered
amount), over real HTTP against the running sandbox."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from demo.payments.models import Payment


def toss_payment(strada, buyer, return_mode="server"):
    created = strada.create(buyer, return_mode, platform="tosspayments")
    assert created.status_code == 201, created.content
    return created.parsed


def confirms(strada, order_id: str) -> int:
    return strada.approve_calls(order_id, "confirm")


def test_server_mode_pays_once_and_refunds(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    payment = toss_payment(strada, buyer)
    assert payment.platform == "tosspayments" and payment.status == "ready" and payment.amount.total == 4400
    action = payment.next_action
    assert action.type_ == "open_checkout" and action.app_url.endswith(f"/payments/{payment.order_id}/pay")
    assert action.mobile_url == action.pc_url == action.app_url and action.android_app_scheme is None
    assert payment.expires_at - payment.created_at == timedelta(minutes=30)  # Toss's window, not KakaoPay's 15
    bridge = strada.in_toss_window(payment, "pay", card="삼성카드")
    assert bridge.startswith(f"{strada.url}/app/return/{payment.order_id}/approve?")
    assert {"paymentKey", "orderId", "amount"} <= set(parse_qs(urlsplit(bridge).query))
    page = strada.follow(bridge)
    assert page.status_code == 200 and "Strada 앱으로 돌아가기" in page.text and "paymentKey" not in page.text
    assert strada.follow(bridge).status_code == 200  # the web view reloads: still one confirm
    got = api.get_payment.sync(client=buyer, order_id=payment.order_id)
    assert got.status == "approved" and got.method == "CARD" and got.method_label == "카드"
    assert got.card.issuer == "삼성카드" and got.next_action is None and confirms(strada, payment.order_id) == 1
    body = strada.models.RefundIn(seen_canceled=0, reason="단순 변심")
    refund = api.create_refund.sync_detailed(
        client=strada.merchant(), order_id=payment.order_id, body=body, idempotency_key="toss-r-1"
    )
    assert refund.status_code == 201 and refund.parsed.payment.status == "refunded"
    assert refund.parsed.payment.provider.name == "tosspayments" and refund.parsed.payment.provider.tid
    mine = api.list_payments.sync(client=buyer, platform=strada.models.ListPaymentsPlatformType0("tosspayments"))
    assert [p.order_id for p in mine.items] == [payment.order_id]


def test_tampered_amount_on_the_bridge_is_refused_before_any_call(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    payment = toss_payment(strada, buyer, "app")
    bridge = strada.in_toss_window(payment, "pay")
    parts = urlsplit(bridge)
    claimed = {name: values[0] for name, values in parse_qs(parts.query).items()}
    forged = f"{strada.url}{parts.path}?{urlencode({**claimed, 'amount': '100'})}"
    refused = strada.follow(forged)
    assert refused.status_code == 409 and "결제 금액이 다릅니다" in refused.text
    assert strada.count(Payment, Payment.order_id == payment.order_id, Payment.pg_token.is_(None)) == 1  # not kept
    early = api.confirm_payment.sync_detailed(client=buyer, order_id=payment.order_id, body=strada.models.ConfirmIn())
    assert early.status_code == 409 and early.parsed.code == "not_authenticated_yet"
    assert confirms(strada, payment.order_id) == 0
    assert strada.follow(bridge).status_code == 200  # the real successUrl still works: 앱이 승인 keeps it
    done = api.confirm_payment.sync_detailed(client=buyer, order_id=payment.order_id, body=strada.models.ConfirmIn())
    assert done.status_code == 200 and done.parsed.status == "approved" and done.parsed.amount.total == 4400
    assert confirms(strada, payment.order_id) == 1


def test_app_mode_confirm_and_recovery(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    confirmed, forgotten = toss_payment(strada, buyer, "app"), toss_payment(strada, buyer, "app")
    for payment in (confirmed, forgotten):
        page = strada.follow(strada.in_toss_window(payment, "pay"))
        assert page.status_code == 200 and "토스페이먼츠 인증을 마쳤습니다" in page.text
        assert api.get_payment.sync(client=buyer, order_id=payment.order_id).status == "ready"
    for _ in range(2):
        done = api.confirm_payment.sync_detailed(
            client=buyer, order_id=confirmed.order_id, body=strada.models.ConfirmIn()
        )
        assert done.status_code == 200 and done.parsed.status == "approved"
    assert confirms(strada, confirmed.order_id) == 1
    time.sleep(strada.app.config["APP_CONFIRM_GRACE"] + 1.1)  # the app was killed before its confirm
    recovered = api.get_payment.sync(client=buyer, order_id=forgotten.order_id)
    assert recovered.status == "approved" and confirms(strada, forgotten.order_id) == 1


def test_a_closed_window_stays_payable_and_a_refusal_ends_failed(strada):
    api, buyer = strada.api, strada.client(strada.app_token())
    payment = toss_payment(strada, buyer)
    back = strada.in_toss_window(payment, "cancel")
    assert back.startswith(f"{strada.url}/app/return/{payment.order_id}/fail?code=PAY_PROCESS_CANCELED")
    assert strada.follow(back).status_code == 200
    body = strada.models.AbandonIn(reason=strada.models.AbandonInReason.FAILED)  # all the app can tell from fail
    kept = api.abandon_payment.sync_detailed(client=buyer, order_id=payment.order_id, body=body)
    assert kept.status_code == 409 and kept.parsed.payment.status == "ready"  # Toss still holds it READY
    assert kept.parsed.payment.next_action.type_ == "open_checkout"  # so the app offers the window again
    strada.follow(strada.in_toss_window(payment, "pay"))
    assert api.get_payment.sync(client=buyer, order_id=payment.order_id).status == "approved"
    refused = toss_payment(strada, buyer)
    page = strada.follow(strada.in_toss_window(refused, "fail"))
    assert page.status_code == 200 and "결제에 실패했습니다" in page.text
    ended = api.abandon_payment.sync_detailed(client=buyer, order_id=refused.order_id, body=body)
    assert ended.status_code == 200 and ended.parsed.status == "failed"
    assert "REJECT_CARD_COMPANY" in ended.parsed.status_reason


def test_an_unoffered_platform_is_refused_with_its_field(make_test_app, generated):
    from ..browser.conftest import LiveServer
    from .conftest import Strada

    with LiveServer(make_test_app(PAYMENT_PROVIDERS="kakaopay")) as server:
        strada = Strada(server, generated)
        buyer = strada.client(strada.app_token())
        refused = strada.create(buyer, platform="tosspayments")
        assert refused.status_code == 422 and refused.parsed.code == "validation_failed"
        assert refused.parsed.invalid_params[0].name == "platform"
        assert strada.count(Payment) == 0  # nothing was stored
        assert strada.create(buyer).parsed.platform == "kakaopay"


def test_parallel_returns_to_the_bridge_confirm_once(strada):
    """The web view and an impatient user load the same success URL ten times at once: one confirm, all answered."""
    api, buyer = strada.api, strada.client(strada.app_token())
    payment = toss_payment(strada, buyer)
    bridge = strada.in_toss_window(payment, "pay")
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: strada.follow(bridge).status_code, range(10)))
    assert statuses == [200] * 10
    assert api.get_payment.sync(client=buyer, order_id=payment.order_id).status == "approved"
    assert confirms(strada, payment.order_id) == 1
