import base64
from urllib.parse import parse_qs, urlsplit

import pytest

API = "/sandbox/tosspayments/v1/payments"


def basic(secret_key: str, padded: bool = True) -> str:
    encoded = base64.b64encode(f"{secret_key}:".encode()).decode()
    return "Basic " + (encoded if padded else encoded.rstrip("="))


def query(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


class Toss:
    """Opens windows and pays in them as a browser would, and calls the API as a merchant would (test client)."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()
        self.headers = {"Authorization": basic(app.config["TOSS_SANDBOX_SECRET_KEY"])}
        self.orders = 0

    def window_fields(self, **overrides) -> dict:
        self.orders += 1
        return {
            "clientKey": self.app.config["TOSS_SANDBOX_CLIENT_KEY"],
            "customerKey": "@@ANONYMOUS",
            "method": "CARD",
            "amount": "1000",
            "orderId": f"order-{self.orders:04d}",
            "orderName": "토스 티셔츠 외 2건",
            "successUrl": "http://localhost/success",
            "failUrl": "http://localhost/fail",
            "display": "page",
            **overrides,
        }

    def open(self, **overrides) -> str:
        """Open the window (the SDK's form post); returns the window's path."""
        response = self.client.post("/sandbox/tosspayments/v2/checkout", data=self.window_fields(**overrides))
        assert response.status_code == 303, response.get_data(as_text=True)
        return response.location.split("?")[0]

    def act(self, window: str, action: str, **form):
        return self.client.post(window, data={"action": action, "display": "page", **form})

    def authenticate(self, method: str = "CARD", card: str = "현대카드", **overrides) -> dict:
        """Open a window and pay in it; returns successUrl's query (paymentType, orderId, paymentKey, amount)."""
        source = overrides.pop("source", "card")
        window = self.open(**overrides)
        response = self.act(window, "pay", method=method, card=card, tosspay_source=source)
        assert response.status_code == 303 and response.location.startswith("http://localhost/success?")
        return query(response.location)

    def post(self, path: str, body, headers: dict | None = None):
        return self.client.post(API + path, json=body, headers=self.headers if headers is None else headers)

    def confirm(self, success: dict, headers: dict | None = None, **overrides):
        body = {"paymentKey": success["paymentKey"], "orderId": success["orderId"], "amount": int(success["amount"])}
        return self.post("/confirm", {**body, **overrides}, headers)

    def paid(self, **overrides) -> dict:
        success = self.authenticate(**overrides)
        response = self.confirm(success)
        assert response.status_code == 200, response.json
        return response.json

    def cancel(self, payment_key: str, headers: dict | None = None, **body):
        return self.post(f"/{payment_key}/cancel", {"cancelReason": "고객 요청", **body}, headers)

    def get(self, path: str, headers: dict | None = None):
        return self.client.get(API + path, headers=self.headers if headers is None else headers)


@pytest.fixture
def toss(app):
    return Toss(app)
