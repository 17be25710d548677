import re

import pytest
from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment

PROVIDERS = ["kakaopay", "kakaopay_legacy"]  # every provider passes the same flow, refund and reconcile tests


@pytest.fixture(params=PROVIDERS)
def provider(request) -> str:
    return request.param


@pytest.fixture
def make_test_app(make_test_app, provider):
    """The root factory, with PAYMENT_PROVIDER set to each provider in turn."""

    def factory(**overrides):
        return make_test_app(**{"PAYMENT_PROVIDER": provider, **overrides})

    return factory


class Shop:
    """A visitor's browser (the test client) going through checkout and the sandbox's pages."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()

    def checkout(self, product="choco-pie", quantity=2, flow="mobile", **headers):
        return self.client.post(
            "/checkout", data={"product": product, "quantity": quantity, "flow": flow}, headers=headers
        )

    def start(self, **kwargs) -> str:
        """Checkout; returns the order id."""
        response = self.checkout(**kwargs)
        assert response.status_code == 303, response.get_data(as_text=True)
        with self.app.app_context():
            return db.session.scalars(select(Payment.order_id).order_by(Payment.id.desc())).first()

    def sheet_url(self, order_id: str) -> str:
        return self.payment(order_id).redirect_urls["mobile"]

    def on_sheet(self, order_id: str, action: str, **form):
        """Act on the sandbox sheet; returns the URL the sandbox sends the browser to."""
        token = self.sheet_url(order_id).split("/")[-2]
        data = {"action": action, "method": "MONEY", "via": "mobile", **form}
        return self.client.post(f"/sandbox/kakaopay/mockup/v1/{token}/sheet", data=data).location

    def pay(self, order_id: str, **form) -> str:
        return self.on_sheet(order_id, "pay", **form)

    def payment(self, order_id: str) -> Payment:
        with self.app.app_context():
            payment = db.session.scalar(select(Payment).filter_by(order_id=order_id))
            db.session.expunge(payment)
            return payment

    def path(self, url: str) -> str:
        return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def shop(app):
    return Shop(app)


def order_api(app, tid: str) -> dict:
    headers = {"Authorization": f"SECRET_KEY {app.config['SANDBOX_SECRET_KEY']}"}
    body = {"cid": "TC0ONETIME", "tid": tid}
    return app.test_client().post("/sandbox/kakaopay/online/v1/payment/order", json=body, headers=headers).json


class TossShop(Shop):
    """The same visitor paying with 토스페이먼츠: our checkout page, then the sandbox's window as its SDK opens it."""

    def checkout(self, product="choco-pie", quantity=2, flow="pc", **headers):
        data = {"product": product, "quantity": quantity, "flow": flow, "provider": "tosspayments"}
        return self.client.post("/checkout", data=data, headers=headers)

    def window_fields(self, order_id: str, **overrides) -> dict:
        """What the SDK call on our checkout page posts to open the window: the parameters start stored."""
        checkout = self.payment(order_id).redirect_urls["checkout"]
        return {
            "clientKey": checkout["client_key"],
            "customerKey": checkout["customer_key"],
            "method": "CARD",
            "amount": str(checkout["amount"]),
            "taxFreeAmount": str(checkout["tax_free_amount"]),
            "orderId": checkout["order_id"],
            "orderName": checkout["order_name"],
            "successUrl": checkout["success_url"],
            "failUrl": checkout["fail_url"],
            "display": "page",
            **overrides,
        }

    def open_window(self, order_id: str, **overrides) -> str:
        """Open the window as the SDK call on our checkout page does; returns the window's path."""
        response = self.client.post("/sandbox/tosspayments/v2/checkout", data=self.window_fields(order_id, **overrides))
        assert response.status_code == 303, response.get_data(as_text=True)
        return response.location.split("?")[0]

    def in_window(self, order_id: str, action: str, **form) -> str:
        """Act in the window; returns where it sends the browser (successUrl or failUrl with their query)."""
        window = self.open_window(order_id)
        data = {"action": action, "display": "page", "method": "CARD", "card": "현대카드", **form}
        return self.client.post(window, data=data).location

    def pay(self, order_id: str, **form) -> str:
        return self.in_window(order_id, "pay", **form)


@pytest.fixture
def toss_shop(app):
    return TossShop(app)
