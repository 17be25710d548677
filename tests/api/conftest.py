"""The Strada app API over real HTTP: the app on a live server, a client generated from its OpenAPI document by
openapi-python-client (used as generated), and the sandbox's app page driven as the app's web view would."""

import html
import importlib
import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from demo.extensions import db
from demo.payments.models import ApiExchange, Payment

from ..browser.conftest import LiveServer
from ..conftest import MERCHANT_API_KEY, drop_database, make_app

PACKAGE = "strada_api_client"
GENERATION_SECONDS = {}  # measured once per session, printed by test_generated_client


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """openapi-python-client's package for /api/v1/openapi.json, generated into a tmp dir and imported."""
    app = make_app(tmp_path_factory.mktemp("openapi-doc"))
    document = app.test_client().get("/api/v1/openapi.json").json
    drop_database(app)
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(json.dumps(document))
    (folder / "config.yml").write_text("post_hooks: []\n")  # no formatter run on the generated code
    started = time.monotonic()
    command = [Path(sys.executable).with_name("openapi-python-client"), "generate", "--path", "openapi.json"]
    command += ["--meta", "none", "--config", "config.yml"]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
    GENERATION_SECONDS["openapi-python-client"] = time.monotonic() - started
    assert done.returncode == 0 and "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


class Operations:
    """The generated operation modules by name (strada.api.get_payment.sync(...)), imported when first used."""

    def __getattr__(self, name: str):
        return importlib.import_module(f"{PACKAGE}.api.default.{name}")


class Strada:
    """The live server, with the generated client's modules at hand and the sheet the app's web view shows."""

    def __init__(self, server: LiveServer, package):
        self.server, self.url, self.app = server, server.url, server.app
        self.package = package
        self.api = Operations()
        self.models = importlib.import_module(f"{PACKAGE}.models")

    def client(self, token: str | None = None):
        if token is None:
            return self.package.Client(base_url=self.url, raise_on_unexpected_status=True)
        return self.package.AuthenticatedClient(base_url=self.url, token=token, raise_on_unexpected_status=True)

    def merchant(self):
        return self.client(MERCHANT_API_KEY)

    def app_token(self, device: str = "테스트 폰") -> str:
        body = self.models.AppSessionIn(device_name=device)
        return self.api.create_app_session.sync(client=self.client(), body=body).token

    def create(self, buyer, return_mode: str = "server", product: str = "choco-pie", quantity: int = 2, platform=None):
        mode = self.models.PaymentInReturnMode(return_mode)
        chosen = {"platform": self.models.PaymentInPlatformType0(platform)} if platform else {}
        body = self.models.PaymentIn(product=product, quantity=quantity, return_mode=mode, **chosen)
        return self.api.create_payment.sync_detailed(client=buyer, body=body, idempotency_key=str(uuid.uuid4()))

    def in_toss_window(self, payment, action: str, **form) -> str:
        """What the app's web view does with an open_checkout next_action: load our checkout page, make its SDK call
        with the page's own parameters (as static/js/tosspayments.js does), act in the sandbox's window; returns
        where the window sends the web view (the bridge's success or fail URL)."""
        page = requests.get(payment.next_action.app_url, timeout=30)
        assert page.status_code == 200 and "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
        tag = re.search(r"<form[^>]*data-toss-checkout[^>]*>", page.text).group(0)
        d = {name: html.unescape(value) for name, value in re.findall(r'data-([a-z-]+)="([^"]*)"', tag)}
        fields = {
            "clientKey": d["client-key"],
            "customerKey": d["customer-key"],
            "method": "CARD",
            "amount": d["amount"],
            "taxFreeAmount": d["tax-free-amount"],
            "orderId": d["order-id"],
            "orderName": d["order-name"],
            "successUrl": d["success-url"],
            "failUrl": d["fail-url"],
            "display": "page",  # a web view: the window takes the whole page
        }
        opened = requests.post(f"{self.url}/sandbox/tosspayments/v2/checkout", data=fields, allow_redirects=False)
        assert opened.status_code == 303, opened.text
        window = self.url + opened.headers["Location"].split("?")[0]
        data = {"action": action, "display": "page", "method": "CARD", "card": "현대카드", **form}
        acted = requests.post(window, data=data, allow_redirects=False, timeout=30)
        assert acted.status_code == 303, acted.text
        return acted.headers["Location"]

    def on_sheet(self, payment, action: str, **form) -> str:
        """Act on KakaoPay's app page (the next_action's app_url) over HTTP; returns where it sends the web view."""
        token = payment.next_action.app_url.split("/")[-2]
        data = {"action": action, "method": "MONEY", "via": "app", **form}
        url = f"{self.url}/sandbox/kakaopay/mockup/v1/{token}/sheet"
        response = requests.post(url, data=data, allow_redirects=False, timeout=30)
        assert response.status_code == 303, response.text
        return response.headers["Location"]

    def follow(self, url: str) -> requests.Response:
        """The web view following KakaoPay's redirect to the bridge."""
        return requests.get(url, allow_redirects=False, timeout=30)

    def count(self, model, *where) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.count()).select_from(model).where(*where))

    def approve_calls(self, order_id: str, endpoint: str = "approve") -> int:
        """The platform calls that approve the payment (KakaoPay's approve, Toss's confirm)."""
        with self.app.app_context():
            payment_id = db.session.scalar(select(Payment.id).where(Payment.order_id == order_id))
        return self.count(ApiExchange, ApiExchange.payment_id == payment_id, ApiExchange.endpoint == endpoint)


@pytest.fixture
def strada(make_test_app, generated):
    app = make_test_app(APP_CONFIRM_GRACE=2.0, RECONCILE_AFTER=0, APP_SESSIONS_PER_ADDRESS=1000)
    with LiveServer(app) as server:
        yield Strada(server, generated)
