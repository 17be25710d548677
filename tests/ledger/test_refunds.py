"""Refunds as records: at most one in flight, cumulative amounts only from provider answers and never backwards,
unknown outcomes settled from the order API, refunds made outside the site recorded by reconcile."""

import threading

import pytest

from ..conftest import sign_in
from ..sandbox.conftest import Kakao
from .conftest import books, reconcile
from .test_approve import in_parallel


def refund(client, order_id: str, amount: int, seen: int):
    data = {"kind": "partial", "amount": str(amount), "seen_canceled": seen}
    return client.post(f"/payments/{order_id}/refund", data=data, headers={"HX-Request": "true"})


def states(shop, order_id) -> list[tuple[int, str]]:
    from demo.extensions import db
    from demo.payments.refund_records import RefundRecord

    with shop.app.app_context():
        rows = db.session.query(RefundRecord).filter_by(payment_id=shop.payment(order_id).id).order_by(RefundRecord.id)
        return [(r.amount, r.state) for r in rows]


def test_a_refund_is_a_record_with_the_providers_answer(shop, paid):
    order_id = paid()
    page = refund(shop.client, order_id, 1000, 0).get_data(as_text=True)
    assert 'data-testid="refund-row" data-state="done"' in page and "취소 완료" in page
    assert states(shop, order_id) == [(1000, "done")]
    assert books(shop.app) == []


@pytest.mark.parametrize("fault", ["lose_request", "lose_answer", "late", "server_error", "server_error_after"])
def test_a_refund_without_an_answer_is_unknown_then_settled(shop, paid, fault):
    order_id = paid()
    shop.app.faults.inject("cancel", fault)
    page = refund(shop.client, order_id, 1000, 0).get_data(as_text=True)
    assert "확인 중" in page and 'data-testid="refund-pending"' in page
    assert states(shop, order_id) == [(1000, "unknown")]
    refused = refund(shop.client, order_id, 500, shop.payment(order_id).canceled_amount).get_data(as_text=True)
    assert "처리 중인 취소 요청" in refused  # at most one refund in flight
    shop.app.faults.settle()
    shop.client.get(f"/payments/{order_id}")  # viewing the receipt settles it
    happened = fault in ("lose_answer", "late", "server_error_after")
    assert states(shop, order_id) == [(1000, "done" if happened else "failed")]
    assert shop.payment(order_id).canceled_amount == (1000 if happened else 0)
    assert books(shop.app) == []
    assert "처리 중인 취소 요청" not in refund(shop.client, order_id, 500, shop.payment(order_id).canceled_amount).text


def test_an_old_answer_arriving_late_never_moves_the_amount_back(shop, paid):
    """A reconcile's order lookup (taken before a refund) answers after the refund's answer."""
    order_id = paid()
    shop.app.faults.inject("order", "hold")
    worker = threading.Thread(target=reconcile, args=(shop.app,))
    worker.start()
    while not shop.app.faults.injected:
        pass
    refund(shop.client, order_id, 1000, 0)
    shop.app.faults.release()
    worker.join(30)
    assert shop.payment(order_id).canceled_amount == 1000 and books(shop.app) == []


def test_a_refund_made_outside_the_site_is_recorded_by_reconcile(shop, paid):
    order_id = paid()
    refund(shop.client, order_id, 1000, 0)
    Kakao(shop.app).cancel(shop.payment(order_id).tid, 500)  # KakaoPay's console
    report = reconcile(shop.app)
    assert f"{order_id}: 사이트 밖에서 한 500원 취소를 기록" in report
    assert states(shop, order_id) == [(1000, "done"), (500, "done")]
    assert shop.payment(order_id).canceled_amount == 1500 and books(shop.app) == []
    assert "0 payment(s) changed" in reconcile(shop.app)  # nothing twice


def test_parallel_refunds_with_different_seen_amounts(shop, paid):
    order_id = paid()
    refund(shop.client, order_id, 100, 0)
    results = in_parallel(
        10, lambda i: refund(sign_in(shop.app.test_client()), order_id, 100 + i, (i % 2) * 100).status_code
    )
    assert all(status < 500 for status in results)
    assert books(shop.app) == []
    done = [amount for amount, state in states(shop, order_id) if state == "done"]
    assert sum(done) == shop.payment(order_id).canceled_amount


@pytest.mark.parametrize("round_", range(3))
def test_parallel_identical_refunds_refund_once(shop, paid, round_):
    """20 console sessions (a double-click, two tabs) post the same refund, all having seen nothing refunded."""
    order_id = paid()
    clients = [sign_in(shop.app.test_client()) for _ in range(20)]
    results = in_parallel(20, lambda i: refund(clients[i], order_id, 1000, 0).status_code)
    assert all(status < 500 for status in results)
    assert states(shop, order_id) == [(1000, "done")]
    assert shop.payment(order_id).canceled_amount == 1000 and books(shop.app) == []


def test_the_refund_claim_is_held_until_the_amount_has_grown(shop, paid, monkeypatch):
    """The window behind a double refund, held open: a refund's answer has arrived but the cumulative amount is not
    raised yet. A second request that saw 0 refunded must still find the claim taken."""
    from demo.payments import service

    order_id, answered, go_on = paid(), threading.Event(), threading.Event()
    raise_refunded = service.raise_refunded

    def slow_raise(*args, **kwargs):
        answered.set()
        go_on.wait(30)
        return raise_refunded(*args, **kwargs)

    monkeypatch.setattr(service, "raise_refunded", slow_raise)
    first = threading.Thread(target=refund, args=(sign_in(shop.app.test_client()), order_id, 1000, 0))
    first.start()
    assert answered.wait(30)
    second = refund(sign_in(shop.app.test_client()), order_id, 1000, 0).get_data(as_text=True)
    go_on.set()
    first.join(30)
    assert "처리 중인 취소 요청" in second
    assert states(shop, order_id) == [(1000, "done")] and books(shop.app) == []


def test_two_tabs_reviewing_the_same_refund_refund_once(shop, paid):
    """Two tabs each open the review step, then each confirms: the second confirmation is refused."""
    order_id = paid()
    tabs = [sign_in(shop.app.test_client()) for _ in range(2)]
    form = {"kind": "partial", "amount": "1000", "seen_canceled": "0"}
    for tab in tabs:
        review = tab.post(f"/payments/{order_id}/refund", data={**form, "step": "review"})
        assert review.status_code == 200 and "1,000원" in review.text
    first, second = (tab.post(f"/payments/{order_id}/refund", data=form) for tab in tabs)
    assert first.status_code == 303 and second.status_code == 422
    assert "이미 처리된 취소 요청" in second.text
    assert states(shop, order_id) == [(1000, "done")] and books(shop.app) == []


def test_parallel_reconciles_record_an_external_refund_once(shop, paid):
    order_id = paid()
    Kakao(shop.app).cancel(shop.payment(order_id).tid, 700)
    outputs = in_parallel(4, lambda i: sign_in(shop.app.test_client()).post("/payments/reconcile").status_code)
    assert set(outputs) == {303}
    assert states(shop, order_id) == [(700, "done")] and books(shop.app) == []


def test_check_now_reports_what_changed(shop, paid):
    order_id = paid()
    Kakao(shop.app).cancel(shop.payment(order_id).tid, 300)
    page = shop.client.post(f"/payments/{order_id}/check", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "지금 확인: 사이트 밖에서 한 300원 취소를 기록" in page and "부분 취소" in page
    page = shop.client.post(f"/payments/{order_id}/check", follow_redirects=True).get_data(as_text=True)
    assert "지금 확인: 카카오페이와 일치합니다" in page


def test_the_console_lists_what_reconcile_changed(shop, paid):
    order_id = paid()
    Kakao(shop.app).cancel(shop.payment(order_id).tid, 400)
    page = shop.client.post("/payments/reconcile", follow_redirects=True).get_data(as_text=True)
    assert (
        "대사를 마쳤습니다. 상태가 바뀐 결제: 1건" in page
        and f"<li>주문 {order_id}: 사이트 밖에서 한 400원 취소를 기록, 누적 취소 금액 400원" in page
    )
