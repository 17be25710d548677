"""The merchant's views: every client here is signed in to the console (tests/test_console.py checks strangers)."""

import pytest

from ..conftest import sign_in
from ..payments.conftest import Shop, make_test_app, order_api, provider  # noqa: F401  (shared with the manage tests)


@pytest.fixture
def client(app):
    return sign_in(app.test_client())


@pytest.fixture
def shop(app):
    shop = Shop(app)
    sign_in(shop.client)
    return shop


@pytest.fixture
def paid(shop):
    """factory: a paid order id (choco-pie × 2 = 4,400원 unless told otherwise)."""

    def make(**checkout) -> str:
        order_id = shop.start(**checkout)
        shop.client.get(shop.path(shop.pay(order_id)))
        assert shop.payment(order_id).status == "approved"
        return order_id

    return make
