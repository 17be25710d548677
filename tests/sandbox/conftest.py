import pytest


class Kakao:
    """Calls the sandbox API as a merchant would, through the Flask test client."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()
        self.headers = {"Authorization": f"SECRET_KEY {app.config['SANDBOX_SECRET_KEY']}"}

    def post(self, name: str, body: dict, headers: dict | None = None):
        url = f"/sandbox/kakaopay/online/v1/payment/{name}"
        return self.client.post(url, json=body, headers=self.headers if headers is None else headers)

    def ready_body(self) -> dict:
        return {
            "cid": "TC0ONETIME",
            "partner_order_id": "order-1",
            "partner_user_id": "user-1",
            "item_name": "초코파이",
            "quantity": 1,
            "total_amount": 2200,
            "tax_free_amount": 0,
            "approval_url": "http://localhost/approve",
            "cancel_url": "http://localhost/cancel",
            "fail_url": "http://localhost/fail",
        }

    def ready(self, **overrides):
        response = self.post("ready", {**self.ready_body(), **overrides})
        assert response.status_code == 200, response.json
        return response.json

    def token(self, ready: dict) -> str:
        return ready["next_redirect_pc_url"].split("/")[-2]

    def pay(self, ready: dict, **form) -> str:
        """The user pays on the mobile sheet; returns the pg_token the merchant receives."""
        data = {"action": "pay", "method": "MONEY", "via": "mobile", **form}
        response = self.client.post(f"/sandbox/kakaopay/mockup/v1/{self.token(ready)}/sheet", data=data)
        return response.location.split("pg_token=")[1]

    def approve(self, ready: dict, pg_token: str, **overrides):
        body = {
            "cid": "TC0ONETIME",
            "tid": ready["tid"],
            "partner_order_id": "order-1",
            "partner_user_id": "user-1",
            "pg_token": pg_token,
        }
        return self.post("approve", {**body, **overrides})

    def paid(self, **ready_fields) -> dict:
        ready = self.ready(**ready_fields)
        assert self.approve(ready, self.pay(ready)).status_code == 200
        return ready

    def cancel(self, tid: str, amount: int, tax_free: int = 0, **extra):
        body = {"cid": "TC0ONETIME", "tid": tid, "cancel_amount": amount, "cancel_tax_free_amount": tax_free}
        return self.post("cancel", {**body, **extra})

    def order(self, tid: str):
        return self.post("order", {"cid": "TC0ONETIME", "tid": tid}).json


@pytest.fixture
def kakao(app):
    return Kakao(app)
