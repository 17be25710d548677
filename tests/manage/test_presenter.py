"""The presenter view: starting a demo payment and the steps lit from its history."""

from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.presenter.story import story


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
    assert ("400", "error") in labels and labels[-1] == ("결제 실패", "error")


def test_refunds_and_lookups_appear_as_extra_steps(shop, paid):
    order_id = paid()
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 0})
    labels = states(shop.app, order_id)
    assert ("POST cancel · 환불", "done") in labels
