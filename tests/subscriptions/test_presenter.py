"""The presenter draws a subscription's charge as server ↔ KakaoPay only: no browser, no phone lane."""

from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.presenter.telling import lanes, story

from ..conftest import sign_in


def test_a_charge_is_drawn_server_to_server(app, buyer):
    subscription = buyer.start()
    console = sign_in(app.test_client())
    console.post(f"/subscriptions/{subscription.key}/charge")
    with app.app_context():
        charge = db.session.scalar(select(Payment).filter_by(flow="server"))
        first = db.session.get(Payment, subscription.first_payment_id)
        assert lanes(charge) == ("Strada 서버 · 정기결제 청구 (cron)", "카카오페이") and len(lanes(first)) == 4
        steps = story(charge)
        assert {step.src for step in steps} | {step.dst for step in steps} == {0, 1}
        assert [s.state for s in steps] == ["done"] * 2 and "subscription" in steps[0].label
        order_id = charge.order_id
    page = console.get(f"/presenter/{order_id}").get_data(as_text=True)
    assert "브라우저" not in page and "휴대폰" not in page and "repeat(2, minmax(0, 1fr))" in page
    assert "정기결제 자동 청구" in page and "POST subscription" in page
