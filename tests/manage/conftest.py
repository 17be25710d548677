import pytest

from ..payments.conftest import Shop


@pytest.fixture
def shop(app):
    return Shop(app)


@pytest.fixture
def paid(shop):
    """factory: a paid order id (choco-pie × 2 = 4,400원 unless told otherwise)."""

    def make(**checkout) -> str:
        order_id = shop.start(**checkout)
        shop.client.get(shop.path(shop.pay(order_id)))
        assert shop.payment(order_id).status == "approved"
        return order_id

    return make


def order_api(app, tid: str) -> dict:
    headers = {"Authorization": f"SECRET_KEY {app.config['SANDBOX_SECRET_KEY']}"}
    body = {"cid": "TC0ONETIME", "tid": tid}
    return app.test_client().post("/sandbox/kakaopay/online/v1/payment/order", json=body, headers=headers).json
