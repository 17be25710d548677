"""The presenter for payments of the Strada app, made through /api/v1 in each return mode and paid (or quit) on the
sandbox's app page as the app's web view would: lanes 앱 · Strada 서버 · 카카오페이 · 카카오톡, the steps, the
Mermaid export and the replay."""

import time

import pytest
from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.presenter.telling import story

from ..api.conftest import generated, strada  # noqa: F401  (the API's live server and generated client)
from ..conftest import sign_in
from .test_presenter import parse_mermaid

APP = "/api/v1/payments"
START = [
    f"POST {APP} · Idempotency-Key",
    "POST ready · approval_url /app/return/…",
    "tid · next_redirect_app_url",
    "201 · next_action (tid 없음)",
    "카카오톡 결제창 열기 (app_url · 앱 스킴)",
    "카카오톡에서 결제",
]
BACK = ["→ approval_url?pg_token", "GET /app/return/{id}/approve?pg_token"]
APPROVE = ["POST approve", "aid · 결제 정보"]
HAND_OVER = "인계 → strada://payments/{id}"


@pytest.fixture
def provider():
    """The Strada app's return modes are KakaoPay's (no run per provider here)."""
    return "kakaopay"


@pytest.fixture
def presenter(strada):  # noqa: F811
    return sign_in(strada.app.test_client())


def buyer_of(strada):  # noqa: F811
    return strada.client(strada.app_token())


def steps_of(strada, order_id: str):  # noqa: F811
    with strada.app.app_context():
        return [
            (step.label, step.state) for step in story(db.session.scalar(select(Payment).filter_by(order_id=order_id)))
        ]


def labels(strada, order_id: str) -> list[str]:  # noqa: F811
    steps = steps_of(strada, order_id)
    assert all(state in ("done", "error") for _, state in steps), steps
    return [label for label, _ in steps]


def shown(presenter, order_id: str, mode: str) -> str:
    page = presenter.get(f"/presenter/{order_id}").get_data(as_text=True)
    lanes = ["앱", "Strada 서버", "카카오페이", "카카오톡"]
    assert [f'aria-hidden="true">{lane}</div>' in page for lane in lanes] == [True] * 4 and "브라우저" not in page
    assert f'<span data-testid="return-mode">Strada 앱 · {mode}</span>' in page
    return page


def mermaid_of(presenter, order_id: str) -> list[tuple]:
    participants, items = parse_mermaid(presenter.get(f"/presenter/{order_id}/sequence.mmd").get_data(as_text=True))
    assert participants == [("A", "앱"), ("S", "Strada 서버"), ("K", "카카오페이"), ("T", "카카오톡")]
    return [(src, arrow, dst, label) for _, src, arrow, dst, label in items]


def test_server_mode_paid_then_shown_exported_and_replayed(strada, presenter):  # noqa: F811
    payment = strada.create(buyer_of(strada)).parsed
    strada.follow(strada.on_sheet(payment, "pay"))  # the bridge approves
    order_id = payment.order_id
    expected = [*START, *BACK, *APPROVE, HAND_OVER, "GET …/{id}", "결제 완료"]
    assert labels(strada, order_id) == expected
    shown(presenter, order_id, "서버가 승인 (권장)")
    arrows = mermaid_of(presenter, order_id)
    assert [(src, arrow, dst) for src, arrow, dst, _ in arrows] == [
        ("A", "->>", "S"),
        ("S", "->>", "K"),
        ("K", "-->>", "S"),
        ("S", "-->>", "A"),
        ("A", "->>", "T"),
        ("T", "->>", "K"),
        ("K", "-->>", "T"),  # a redirect: dashed, though it runs to the right
        ("T", "->>", "S"),
        ("S", "->>", "K"),
        ("K", "-->>", "S"),
        ("S", "-->>", "A"),
        ("A", "->>", "S"),
        ("S", "-->>", "A"),
    ]
    assert [label for *_, label in arrows] == expected
    for number in range(1, len(expected) + 1):
        html = presenter.get(f"/presenter/{order_id}/replay?step={number}").get_data(as_text=True)
        assert f"{number} / {len(expected)}" in html and "Strada 앱 · 서버가 승인" in html
        assert '<p class="pr-why" data-testid="why"></p>' not in html
    bridge = presenter.get(f"/presenter/{order_id}/replay?step=8").get_data(as_text=True)
    assert "pg_token부터 저장합니다" in bridge
    index = presenter.get("/presenter/").get_data(as_text=True)
    assert 'data-testid="return-mode">Strada 앱 · 서버가 승인 (권장)' in index


def test_app_mode_confirmed_by_the_app(strada):  # noqa: F811
    buyer = buyer_of(strada)
    payment = strada.create(buyer, "app").parsed
    strada.follow(strada.on_sheet(payment, "pay"))  # the bridge keeps pg_token only
    waiting = dict(steps_of(strada, payment.order_id))
    assert waiting["POST …/{id}/confirm"] == "active" and waiting["POST approve"] == "pending"
    strada.api.confirm_payment.sync(client=buyer, order_id=payment.order_id, body=strada.models.ConfirmIn())
    expected = [*START, *BACK, HAND_OVER, "POST …/{id}/confirm", *APPROVE, "결제 완료"]
    assert labels(strada, payment.order_id) == expected


def test_app_mode_abandoned_after_paying_is_approved_not_drawn_as_a_confirm(strada):  # noqa: F811
    buyer = buyer_of(strada)
    payment = strada.create(buyer, "app").parsed
    strada.follow(strada.on_sheet(payment, "pay"))  # the bridge keeps pg_token; then the app says the user quit
    reason = strada.models.AbandonIn(reason=strada.models.AbandonInReason.QUIT)
    answer = strada.api.abandon_payment.sync_detailed(client=buyer, order_id=payment.order_id, body=reason)
    assert answer.status_code == 409
    steps = labels(strada, payment.order_id)
    assert steps[-4:] == ["POST …/{id}/abandon", *APPROVE, "409 · 결제 완료"]
    assert "POST …/{id}/confirm" not in steps


def test_app_mode_without_confirm_is_approved_by_recovery(strada, presenter):  # noqa: F811
    payment = strada.create(buyer_of(strada), "app").parsed
    strada.follow(strada.on_sheet(payment, "pay"))
    time.sleep(strada.app.config["APP_CONFIRM_GRACE"] + 1.1)  # stored times have whole seconds
    page = shown(presenter, payment.order_id, "앱이 승인")  # the screen's own check recovers it
    assert "결제 완료" in page
    steps = labels(strada, payment.order_id)
    assert steps[len(START) + 3 :][:3] == ["복구: 서버가 보관한 pg_token으로 승인", *APPROVE]
    assert "POST …/{id}/confirm" not in steps


def test_scheme_mode_is_refused_with_799_and_says_why(strada, presenter):  # noqa: F811
    answer = strada.create(buyer_of(strada), "scheme")
    assert answer.status_code == 502
    with strada.app.app_context():
        order_id = db.session.scalar(select(Payment.order_id).order_by(Payment.id.desc()))
    assert labels(strada, order_id) == [
        f"POST {APP} · Idempotency-Key",
        "POST ready · approval_url strada://…",
        "400 · −799",
        "502 provider_error · 결제 실패",
    ]
    shown(presenter, order_id, "해결방법2 그대로")
    arrows = mermaid_of(presenter, order_id)
    assert arrows[2] == ("K", "--x", "S", "400 · −799") and arrows[3][:3] == ("S", "--x", "A")
    why = presenter.get(f"/presenter/{order_id}/replay?step=3").get_data(as_text=True)
    assert "http(s) 콜백 URL만 받아 −799로 거절합니다" in why and "브리지" in why


def test_quit_through_the_bridge_and_the_apps_abandon(strada):  # noqa: F811
    buyer = buyer_of(strada)
    quit_ = strada.create(buyer).parsed
    strada.follow(strada.on_sheet(quit_, "quit"))  # the web view loads the bridge's cancel URL
    lookup = ["POST order · 주문 조회", "상태"]
    cancel = ["→ cancel_url", "GET /app/return/{id}/cancel", *lookup, HAND_OVER]
    assert labels(strada, quit_.order_id) == [*START, *cancel]
    left = strada.create(buyer, "app").parsed
    strada.on_sheet(left, "quit")  # the web view was closed: the app tells the server
    reason = strada.models.AbandonInReason.QUIT
    strada.api.abandon_payment.sync(client=buyer, order_id=left.order_id, body=strada.models.AbandonIn(reason=reason))
    assert labels(strada, left.order_id) == [*START, "POST …/{id}/abandon", *lookup, "결제 중단"]


def test_a_toss_payment_of_the_app_is_drawn_in_its_web_view(strada, presenter):  # noqa: F811
    """토스페이먼츠 through the app: Toss's lanes with the app's web view where the browser is, the API's start and
    the bridge's return in the steps, and the Mermaid export and replay as for the web."""
    created = strada.create(buyer_of(strada), platform="tosspayments")
    assert created.status_code == 201
    payment = created.parsed
    strada.follow(strada.in_toss_window(payment, "pay"))  # the bridge confirms
    order_id = payment.order_id
    steps = labels(strada, order_id)
    assert steps[:2] == [
        "POST /api/v1/payments · 주문 저장 (토스 호출 없음)",
        "201 · next_action open_checkout → /payments/{id}/pay",
    ]
    assert "GET /app/return/{id}/approve?paymentKey&amount" in steps and "POST /v1/payments/confirm" in steps
    assert steps[-1] == "인계 → strada://payments/{id}"
    page = presenter.get(f"/presenter/{order_id}").get_data(as_text=True)
    assert 'aria-hidden="true">Strada 앱 (웹뷰)</div>' in page and "구매자 브라우저" not in page
    participants, items = parse_mermaid(presenter.get(f"/presenter/{order_id}/sequence.mmd").get_data(as_text=True))
    assert [alias for alias, _ in participants] == ["A", "S", "W", "T"] and len(items) == len(steps)
    last = presenter.get(f"/presenter/{order_id}/replay?step={len(steps)}").get_data(as_text=True)
    assert f"{len(steps)} / {len(steps)}" in last
