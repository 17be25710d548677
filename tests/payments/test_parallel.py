"""Ten approval callbacks at once, over real HTTP: one approve call, one receipt."""

from sqlalchemy import func, select

from demo.extensions import db
from demo.payments.models import ApiExchange, PaymentEvent

from ..conftest import callbacks_at_once
from .conftest import Shop


def test_parallel_callbacks_approve_exactly_once(make_test_app):
    app = make_test_app()
    shop, order_id = callbacks_at_once(app, Shop)
    payment = shop.payment(order_id)
    assert payment.status == "approved"
    with app.app_context():
        approves = db.session.scalar(select(func.count()).select_from(ApiExchange).filter_by(endpoint="approve"))
        claims = db.session.scalar(select(func.count()).select_from(PaymentEvent).filter_by(to_status="approving"))
    assert approves == 1 and claims == 1
    order = shop.client.post(
        "/sandbox/kakaopay/online/v1/payment/order",
        json={"cid": "TC0ONETIME", "tid": payment.tid},
        headers={"Authorization": f"SECRET_KEY {app.config['SANDBOX_SECRET_KEY']}"},
    ).json
    assert [a["payment_action_type"] for a in order["payment_action_details"]] == ["PAYMENT"]
