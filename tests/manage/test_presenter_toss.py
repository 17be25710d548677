"""The presenter telling a 토스페이먼츠 payment: its own lanes, checkout with no platform call, the SDK's window,
successUrl's amount checked before confirm, failUrl's code, expiry (결제 중단), refunds, and the Mermaid export."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.payments.providers.tosspayments_story import LANES as TOSS_LANES
from demo.presenter.telling import lanes, story

from ..conftest import sign_in
from ..payments.conftest import TossShop

OPENING = [
    ("POST /checkout · 주문 저장 (토스 호출 없음)", "done"),
    ("303 → /payments/{id}/pay", "done"),
    ("SDK requestPayment() · 결제창 열기", "done"),
    ("결제창에서 결제", "done"),
]
RETURN = [
    ("→ successUrl?paymentKey&orderId&amount", "done"),
    ("GET /toss/success?paymentKey&amount", "done"),
]


@pytest.fixture(params=["kakaopay"])
def provider(request) -> str:
    return request.param  # PAYMENT_PROVIDER stays the default; these payments choose Toss at checkout


def toss(app) -> TossShop:
    shop = TossShop(app)
    sign_in(shop.client)  # the presenter and refunds are the console's
    return shop


@pytest.fixture
def toss_shop(app):
    return toss(app)


def told(app, order_id):
    with app.app_context():
        payment = db.session.scalar(select(Payment).filter_by(order_id=order_id))
        return lanes(payment), story(payment), payment.status


def states(app, order_id):
    return [(step.label, step.state) for step in told(app, order_id)[1]]


def paid(shop) -> str:
    order_id = shop.start()
    assert shop.client.get(shop.path(shop.pay(order_id))).status_code == 303
    return order_id


def test_a_paid_payment_checks_the_amount_then_confirms(toss_shop):
    order_id = paid(toss_shop)
    lanes_, steps, status = told(toss_shop.app, order_id)
    assert lanes_ == TOSS_LANES == ("구매자 브라우저", "Strada 서버", "토스페이먼츠 결제창", "토스페이먼츠 API")
    assert status == "approved"
    assert states(toss_shop.app, order_id) == OPENING + RETURN + [
        ("금액 확인: amount = 저장 금액", "done"),
        ("POST /v1/payments/confirm", "done"),
        ("paymentKey · DONE · 결제 정보", "done"),
        ("303 → 영수증", "done"),
    ]
    assert steps[0].exchange is None and steps[0].why.startswith("가맹점 서버가")  # no call before the window
    assert steps[-2].exchange.endpoint == "confirm" and steps[-2].is_answer
    assert all(step.why for step in steps)


def test_a_waiting_payment_lights_the_window_and_leaves_the_rest_pending(toss_shop):
    order_id = toss_shop.start()
    labels = states(toss_shop.app, order_id)
    assert labels[2] == ("SDK requestPayment() · 결제창 열기", "active")
    assert labels[3] == ("결제창에서 결제", "pending") and labels[-1] == ("303 → 영수증", "pending")


def test_a_refused_card_ends_at_the_fail_url_with_its_code(toss_shop):
    order_id = toss_shop.start()
    toss_shop.client.get(toss_shop.path(toss_shop.in_window(order_id, "fail")))
    labels = states(toss_shop.app, order_id)
    assert labels[4:] == [
        ("→ failUrl?code=REJECT_CARD_COMPANY", "error"),
        ("GET /toss/fail?code", "done"),
        ("GET /v1/payments/orders/{orderId} · 조회", "done"),
        ("status ABORTED", "done"),
        ("결과 화면 · 결제 실패", "done"),
    ]
    assert not any("confirm" in label for label, _ in labels)


def test_a_declined_confirm_shows_its_string_code(toss_shop):
    order_id = toss_shop.start()
    toss_shop.client.get(toss_shop.path(toss_shop.pay(order_id, fault="reject")))
    labels = states(toss_shop.app, order_id)
    assert ("POST /v1/payments/confirm", "done") in labels
    assert any(label.endswith(" · REJECT_CARD_PAYMENT") and state == "error" for label, state in labels)
    assert labels[-1] == ("결제 실패", "error")


def test_a_tampered_amount_is_refused_with_no_confirm(toss_shop):
    order_id = toss_shop.start()
    success = urlsplit(toss_shop.pay(order_id))
    query = {name: values[0] for name, values in parse_qs(success.query).items()}
    toss_shop.client.get(f"{success.path}?{urlencode({**query, 'amount': '10'})}")
    _, steps, status = told(toss_shop.app, order_id)
    assert status == "ready"
    assert [(step.label, step.state) for step in steps] == OPENING + RETURN + [
        ("주문·금액 확인 → 승인하지 않음", "error"),
        ("409 · 결제된 금액 없음", "error"),
    ]
    assert "10원 ≠ 4,400원" in steps[-2].note and "confirm 호출 없음" in steps[-2].note


def test_a_quit_ends_결제_중단_by_expiry(make_test_app):
    shop = toss(make_test_app(TOSS_SANDBOX_SESSION_TTL=1, STALE_AFTER=0))
    order_id = shop.start()
    shop.client.get(shop.path(shop.in_window(order_id, "cancel")))  # 취소: the payment stays payable
    assert told(shop.app, order_id)[2] == "ready"
    time.sleep(1.1)
    shop.client.get(f"/payments/{order_id}")  # nobody came back: the lookup finds it EXPIRED
    labels = states(shop.app, order_id)
    assert told(shop.app, order_id)[2] == "cancelled"
    assert labels[:4] == OPENING and labels[4] == ("결제창 닫힘", "error")
    assert ("status EXPIRED", "done") in labels and labels[-1] == ("결제 중단", "error")
    assert not any("successUrl" in label or "confirm" in label for label, _ in labels)


def test_refunds_are_cancel_calls(toss_shop):
    order_id = paid(toss_shop)
    toss_shop.client.post(f"/payments/{order_id}/refund", data={"kind": "partial", "amount": 1000, "seen_canceled": 0})
    toss_shop.client.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 1000})
    _, steps, status = told(toss_shop.app, order_id)
    assert status == "refunded"
    cancels = [step for step in steps if step.exchange is not None and step.exchange.endpoint == "cancel"]
    assert [(step.label, step.state) for step in cancels] == [
        ("POST …/{paymentKey}/cancel · 환불", "done"),
        ("취소 결과", "done"),
    ] * 2
    assert '"cancelReason"' in cancels[0].exchange.request_body


def test_mermaid_names_toss_lanes_and_dashes_its_answers(toss_shop):
    order_id = paid(toss_shop)
    toss_shop.client.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 0})
    text = toss_shop.client.get(f"/presenter/{order_id}/sequence.mmd").get_data(as_text=True)
    assert text.startswith("sequenceDiagram\n    title 초코파이 × 2 · 토스페이먼츠 결제창 · 전액 취소\n")
    assert (
        "    participant B as 구매자 브라우저\n    participant S as Strada 서버\n"
        "    participant W as 토스페이먼츠 결제창\n    participant T as 토스페이먼츠 API\n"
    ) in text
    for line in (
        "    B->>S: 1. POST /checkout · 주문 저장 (토스 호출 없음)",
        "    S-->>B: 2. 303 → /payments/{id}/pay",
        "    B->>W: 3. SDK requestPayment() · 결제창 열기",
        "    W-->>B: 5. → successUrl?paymentKey&orderId&amount",
        "    Note over S: 7. 금액 확인: amount = 저장 금액 (successUrl의 주문번호와 amount가 저장한 주문과 같습니다)",
        "    S->>T: 8. POST /v1/payments/confirm",
        "    T-->>S: 9. paymentKey · DONE · 결제 정보",
        "    S->>T: 11. POST …/{paymentKey}/cancel · 환불",
        "    T-->>S: 12. 취소 결과",
    ):
        assert line in text.splitlines()


def test_failed_endings_cross_in_mermaid(toss_shop):
    order_id = toss_shop.start()
    toss_shop.client.get(toss_shop.path(toss_shop.in_window(order_id, "fail")))
    text = toss_shop.client.get(f"/presenter/{order_id}/sequence.mmd").get_data(as_text=True)
    assert "    W--xB: 5. → failUrl?code=REJECT_CARD_COMPANY" in text.splitlines()


def test_the_show_page_replay_and_index_name_the_platform(toss_shop):
    order_id = paid(toss_shop)
    page = toss_shop.client.get(f"/presenter/{order_id}").get_data(as_text=True)
    assert 'data-testid="platform">토스페이먼츠<' in page and "토스페이먼츠 API" in page
    assert "<code>POST confirm</code>" in page
    replay = toss_shop.client.get(f"/presenter/{order_id}/replay?step=8").get_data(as_text=True)
    assert "POST /v1/payments/confirm" in replay and "Idempotency-Key" in replay and "토스페이먼츠" in replay
    first = toss_shop.client.get(f"/presenter/{order_id}/replay?step=1").get_data(as_text=True)
    assert "API 호출이 없습니다" in first
    index = toss_shop.client.get("/presenter/").get_data(as_text=True)
    assert 'data-testid="platform">토스페이먼츠<' in index


def test_a_waiting_payment_says_the_window_is_the_browsers(toss_shop):
    order_id = toss_shop.start()
    page = toss_shop.client.get(f"/presenter/{order_id}").get_data(as_text=True)
    assert "SDK가 엽니다" in page and "3초마다 주문 조회" not in page


def test_a_new_demo_payment_may_use_toss(toss_shop):
    index = toss_shop.client.get("/presenter/").get_data(as_text=True)
    assert 'name="provider" value="tosspayments"' in index and "카카오페이 · 토스페이먼츠 단건결제 흐름" in index
    assert "<span>카카오톡 앱</span>" in index  # the flows as the default platform (KakaoPay) names its pages
    form = {"product": "choco-pie", "quantity": 1, "flow": "pc", "provider": "tosspayments"}
    response = toss_shop.client.post("/presenter/", data=form)
    assert response.status_code == 303
    payment = toss_shop.payment(response.location.rsplit("/", 1)[1])
    assert payment.provider == "tosspayments" and payment.total_amount == 2200
    page = toss_shop.client.get(response.location).get_data(as_text=True)
    assert f"/payments/{payment.order_id}/pay" in page  # 결제창 열기: our page, whose SDK opens the window
    assert toss_shop.client.post("/presenter/", data={**form, "provider": "nowhere"}).status_code == 400
