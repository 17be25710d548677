import re

import pytest
from sqlalchemy import select

from demo.extensions import db
from demo.subscriptions.models import Subscription


class Buyer:
    """A buyer's browser (the test client) starting 정기결제 and paying the first payment on the sandbox sheet."""

    def __init__(self, app):
        self.app, self.client = app, app.test_client()

    def start(self, flow="mobile", **sheet) -> Subscription:
        response = self.client.post("/subscriptions", data={"product": "strada-plus", "flow": flow})
        assert response.status_code == 303, response.get_data(as_text=True)
        token = response.location.split("/")[-2]
        data = {"action": "pay", "method": "MONEY", "via": "mobile", **sheet}
        approval = self.client.post(f"/sandbox/kakaopay/mockup/v1/{token}/sheet", data=data).location
        receipt = self.client.get(re.sub(r"^https?://[^/]+", "", approval))
        assert receipt.status_code == 303, receipt.get_data(as_text=True)
        return self.subscription()

    def subscription(self) -> Subscription:
        with self.app.app_context():
            subscription = db.session.scalars(select(Subscription).order_by(Subscription.id.desc())).first()
            from demo.subscriptions import service

            service.refresh(subscription)
            db.session.expunge_all()
            return subscription


@pytest.fixture
def buyer(app):
    return Buyer(app)
