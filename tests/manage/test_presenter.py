"""The presenter view: starting a demo payment and the steps lit from its history."""

import re
import time
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import select

from demo import presenter
from demo.extensions import db
from demo.payments.models import Payment
from demo.payments.providers.kakaopay_story import PHONE
from demo.presenter import mermaid
from demo.presenter.telling import story


def states(app, order_id):
    with app.app_context():
        payment = db.session.scalar(select(Payment).filter_by(order_id=order_id))
        return [(step.label, step.state) for step in story(payment)]


def test_new_demo_payment_uses_the_chosen_flow(shop):
    response = shop.client.post("/presenter/", data={"product": "choco-pie", "quantity": 3, "flow": "app"})
    assert response.status_code == 303
    order_id = response.location.rsplit("/", 1)[1]
    payment = shop.payment(order_id)
    assert payment.flow == "app" and payment.total_amount == 6600
    page = shop.client.get(response.location).get_data(as_text=True)
    assert "카카오톡 앱" in page and payment.redirect_urls["app"] in page and 'hx-trigger="every 1s"' in page


def test_bad_presenter_input_is_a_400(shop):
    for data in (
        {"product": "nope", "quantity": 1, "flow": "pc"},
        {"product": "choco-pie", "quantity": 1, "flow": "x"},
        {"product": "choco-pie", "quantity": 0, "flow": "pc"},
    ):
        assert shop.client.post("/presenter/", data=data).status_code == 400


def test_steps_light_up_as_the_payment_moves(shop, paid):
    order_id = shop.start(flow="pc")
    waiting = states(shop.app, order_id)
    assert waiting[4] == ("QR 스캔 → 결제", "active") and waiting[-1][1] == "pending"
    done = states(shop.app, paid())
    assert all(state == "done" for _, state in done) and len(done) == 10


def test_cancelled_payment_tells_its_own_ending(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.on_sheet(order_id, "quit")))
    labels = states(shop.app, order_id)
    assert ("→ cancel_url", "error") in labels and labels[-1] == ("결과 화면", "done")


def test_failed_approve_shows_the_error_answer(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id, fault="approve_fail")))
    labels = states(shop.app, order_id)
    assert ("400 · −780", "error") in labels and labels[-1] == ("결제 실패", "error")  # KakaoPay's code with it


def test_refunds_and_lookups_appear_as_extra_steps(shop, paid):
    order_id = paid()
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 0})
    labels = states(shop.app, order_id)
    assert ("POST cancel · 환불", "done") in labels


@pytest.fixture
def watch_always(monkeypatch):
    """The presenter asks the order API on every refresh (not every 3 s), so a test needs no sleeping."""
    monkeypatch.setattr(presenter, "WATCH_EVERY", timedelta(0))


def sandbox_token(shop, order_id):
    return shop.payment(order_id).redirect_urls["pc"].split("/")[-2]


def pc_payment_with_a_refund(shop, watch_always) -> str:
    """A PC + QR payment the presenter watched (sheet opened, card picked), paid from the phone, then refunded."""
    order_id = shop.start(flow="pc")
    screen = f"/presenter/{order_id}"
    base = f"/sandbox/kakaopay/mockup/v1/{sandbox_token(shop, order_id)}"
    shop.client.get(screen)  # READY: nothing on the phone yet
    shop.client.get(f"{base}/scan")  # the phone scanned the QR code: OPEN_PAYMENT
    shop.client.get(screen)
    shop.client.post(f"{base}/select", data={"method": "CARD", "card": "104"})  # SELECT_METHOD
    shop.client.get(screen)
    shop.client.get(screen)  # the same phase twice makes one step
    shop.client.post(f"{base}/sheet", data={"action": "pay", "method": "CARD", "card": "104", "via": "scan"})
    approval = shop.client.get(f"{base}/info").location  # the PC page sends the browser to approval_url
    assert shop.client.get(shop.path(approval)).status_code == 303
    refund = shop.client.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 0})
    assert refund.status_code in (200, 303) and shop.payment(order_id).status == "refunded"
    return order_id


def test_the_phone_lane_shows_the_sheet_opened_and_a_method_picked(shop, watch_always):
    order_id = shop.start(flow="pc")
    base = f"/sandbox/kakaopay/mockup/v1/{sandbox_token(shop, order_id)}"
    page = shop.client.get(f"/presenter/{order_id}").get_data(as_text=True)
    assert "3초마다 주문 조회(order) API를 호출" in page  # the screen says what it does
    shop.client.get(f"{base}/scan")
    shop.client.get(f"/presenter/{order_id}")
    shop.client.post(f"{base}/select", data={"method": "MONEY"})
    shop.client.get(f"/presenter/{order_id}")
    steps = story_of(shop.app, order_id)
    phone = [(step.label, step.note) for step in steps if step.src == step.dst == PHONE]
    assert phone == [("결제창 열림", "OPEN_PAYMENT"), ("결제 수단 선택", "SELECT_METHOD")]
    waiting = next(step for step in steps if step.label == "QR 스캔 → 결제")
    assert waiting.state == "active" and waiting.note.endswith("지금: 결제 수단 선택")
    assert shop.payment(order_id).status == "ready"  # watching never changes the payment
    html = poll(shop, order_id).get_data(as_text=True)  # SELECT_METHOD again: not listed, nothing changed
    assert html.count("<code>POST order</code>") == 3 and "주문 조회는 생략했습니다" in html
    assert poll(shop, order_id, **version_of(html)).status_code == 204  # a new lookup that shows nothing new


def test_a_phone_flow_shows_a_qr_code_of_its_sheet(shop, paid):
    order_id = shop.start(flow="app")
    page = shop.client.get(f"/presenter/{order_id}").get_data(as_text=True)
    assert "<svg" in page and "실제 휴대폰으로 카카오톡 앱 결제창 열기" in page
    assert 'data-testid="qr-loopback"' in page  # the test app's public URL is localhost: no phone can open it
    shop.app.config["PUBLIC_BASE_URL"] = "http://192.168.0.10:5000"
    shop.app.config["TRUSTED_HOSTS"].append("192.168.0.10")  # as create_app does for PUBLIC_BASE_URL's host
    lan = shop.client.get(f"/presenter/{shop.start(flow='mobile')}").get_data(as_text=True)
    assert "<svg" in lan and 'data-testid="qr-loopback"' not in lan
    assert "<svg" not in shop.client.get(f"/presenter/{paid()}").get_data(as_text=True)


def test_watching_finishes_a_payment_kakaopay_says_is_over(shop, watch_always):
    order_id = shop.start(flow="pc")
    shop.on_sheet(order_id, "quit")  # the browser never follows the sandbox to cancel_url
    shop.client.get(f"/presenter/{order_id}")
    assert shop.payment(order_id).status == "cancelled"
    assert ("→ cancel_url", "error") in [(step.label, step.state) for step in story_of(shop.app, order_id)]


def test_watching_asks_the_order_api_at_most_every_few_seconds(shop):
    order_id = shop.start(flow="pc")
    for _ in range(3):
        shop.client.get(f"/presenter/{order_id}")
    with shop.app.app_context():
        payment = db.session.scalar(select(Payment).filter_by(order_id=order_id))
        endpoints = [exchange.endpoint for exchange in payment.exchanges]
    assert endpoints == ["ready", "order"]


def story_of(app, order_id):
    with app.app_context():
        return story(db.session.scalar(select(Payment).filter_by(order_id=order_id)))


def poll(shop, order_id, **args):
    return shop.client.get(f"/presenter/{order_id}", query_string=args, headers={"HX-Request": "true"})


def version_of(html: str) -> dict:
    match = re.search(r'hx-get="[^"]*\?([^"]*)"', html)
    return dict(parse_qsl(match.group(1).replace("&amp;", "&"))) if match else {}


def test_polling_goes_on_after_payment_until_nothing_can_change(shop, paid):
    order_id = paid()
    html = poll(shop, order_id).get_data(as_text=True)
    assert 'data-live="yes"' in html and "every 2s" in html
    args = version_of(html)
    assert poll(shop, order_id, **args).status_code == 204  # unchanged: nothing to swap
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "partial", "amount": 1000, "seen_canceled": 0})
    changed = poll(shop, order_id, **args)
    assert changed.status_code == 200 and "부분 취소" in changed.get_data(as_text=True)
    args = version_of(changed.get_data(as_text=True))
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 1000})
    final = poll(shop, order_id, **args).get_data(as_text=True)
    assert 'data-live="no"' in final and "hx-trigger" not in final and "자동 갱신을 멈췄습니다" in final


def test_polling_stops_after_its_cap(shop, paid):
    order_id = paid()
    long_ago = time.time() - presenter.POLL_FOR - 1
    html = poll(shop, order_id, since=long_ago).get_data(as_text=True)
    assert 'data-live="no"' in html and "15분이 지나" in html


def test_replay_walks_every_step_with_its_call_and_why(shop, paid):
    order_id = paid()
    steps = story_of(shop.app, order_id)
    for number, step in enumerate(steps, 1):
        html = shop.client.get(f"/presenter/{order_id}/replay?step={number}").get_data(as_text=True)
        assert f"{number} / {len(steps)}" in html and step.why and step.why in html
        assert ('rel="prev"' in html) == (number > 1) and ('rel="next"' in html) == (number < len(steps))
        if step.exchange is not None:
            assert f"POST {step.exchange.url}" in html
    ready = shop.client.get(f"/presenter/{order_id}/replay?step=2").get_data(as_text=True)
    assert "approval_url에 주문번호를 넣어" in ready and "&#34;approval_url&#34;" in ready
    partial = shop.client.get(f"/presenter/{order_id}/replay?step=99", headers={"HX-Request": "true"})
    html = partial.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="replay"') and f"{len(steps)} / {len(steps)}" in html


MESSAGE = re.compile(r"^    ([ABSKPTW])(->>|-->>|-x|--x)([ABSKPTW]): (\d+)\. (.+)$")
NOTE = re.compile(r"^    Note over ([ABSKPTW]): (\d+)\. (.+?) \(([^()]+)\)$")  # a status or the step's note


def parse_mermaid(text: str) -> tuple[list[str], list[tuple]]:
    """A strict reader for the subset the export uses; anything else in the text fails the test."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "sequenceDiagram" and lines[1].startswith("    title ")
    participants, items = [], []
    for line in lines[2:]:
        if match := re.fullmatch(r"    participant ([ABSKPTW]) as (.+)", line):
            assert not items, "participants come before any message"
            participants.append((match[1], match[2]))
        elif match := MESSAGE.match(line):
            assert {match[1], match[3]} <= {alias for alias, _ in participants}
            assert ";" not in match[5] and "#" not in match[5].replace("#59;", "").replace("#35;", "")
            items.append((int(match[4]), match[1], match[2], match[3], match[5]))
        elif match := NOTE.match(line):
            items.append((int(match[2]), match[1], "note", match[1], match[3]))
        else:
            raise AssertionError(f"not Mermaid sequenceDiagram syntax: {line!r}")
    return participants, items


def test_mermaid_export_of_a_pc_qr_payment_with_a_refund(shop, watch_always):
    order_id = pc_payment_with_a_refund(shop, watch_always)
    response = shop.client.get(f"/presenter/{order_id}/sequence.mmd")
    assert response.mimetype == "text/plain" and "attachment" in response.headers["Content-Disposition"]
    participants, items = parse_mermaid(response.get_data(as_text=True))
    assert participants == [("B", "브라우저"), ("S", "Strada 서버"), ("K", "카카오페이"), ("P", "휴대폰 카카오톡")]
    assert [number for number, *_ in items] == list(range(1, len(items) + 1))
    assert [(src, arrow, dst, label) for _, src, arrow, dst, label in items] == [
        ("B", "->>", "S", "POST /checkout · 결제하기"),
        ("S", "->>", "K", "POST ready"),
        ("K", "-->>", "S", "tid · 결제창 URL"),
        ("S", "-->>", "B", "303 → next_redirect_pc_url"),
        ("P", "note", "P", "결제창 열림"),
        ("P", "note", "P", "결제 수단 선택"),
        ("P", "->>", "K", "QR 스캔 → 결제"),
        ("K", "-->>", "B", "→ approval_url?pg_token"),
        ("B", "->>", "S", "GET /approve?pg_token"),
        ("S", "->>", "K", "POST approve"),
        ("K", "-->>", "S", "aid · 결제 정보"),
        ("S", "-->>", "B", "303 → 영수증"),
        ("S", "->>", "K", "POST cancel · 환불"),
        ("K", "-->>", "S", "취소 결과"),
    ]
    page = shop.client.get(f"/presenter/{order_id}").get_data(as_text=True)
    assert 'data-copy="mermaid-text"' in page and f"/presenter/{order_id}/sequence.mmd" in page


def test_mermaid_marks_a_failed_answer_and_escapes_its_separators(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id, fault="approve_fail")))
    text = shop.client.get(f"/presenter/{order_id}/sequence.mmd").get_data(as_text=True)
    assert "    K--xS: 9. 400 · −780" in text and "    S--xB: 10. 결제 실패" in text
    assert mermaid.text("a;b#c") == "a#59;b#35;c"
