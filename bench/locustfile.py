"""Load scenarios, chosen with BENCH_SCENARIO. Each user loops with no think time (closed loop)."""

import os
import re

from locust import HttpUser, constant, task

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SCENARIO = os.environ.get("BENCH_SCENARIO", "bare")


def sign_in(client) -> None:
    """The merchant console's login form (ADMIN_PASSWORD, as the bench sets it)."""
    token = CSRF.search(client.get("/console/login", name="console login").text).group(1)
    form = {"password": os.environ["ADMIN_PASSWORD"], "csrf_token": token}
    client.post("/console/login", data=form, name="console login", allow_redirects=False)


class Visitor(HttpUser):
    wait_time = constant(0)

    def csrf(self, path: str, name: str) -> str:
        return CSRF.search(self.client.get(path, name=name).text).group(1)

    def on_start(self):
        if SCENARIO in ("checkout", "payment"):
            self.token = self.csrf("/products/choco-pie", "product page")
        if SCENARIO == "history":  # the merchant console's page: sign in first
            sign_in(self.client)

    @task
    def scenario(self):
        getattr(self, SCENARIO)()

    def bare(self):
        self.client.get("/", name="bare page")

    def product(self):
        self.client.get("/products/choco-pie", name="product page")

    def history(self):
        self.client.get("/payments", name="history page")

    def checkout(self):
        data = {"product": "choco-pie", "quantity": 2, "csrf_token": self.token, "flow": "mobile"}
        self.client.post("/checkout", data=data, name="checkout", allow_redirects=False)

    def payment(self):
        """checkout → sandbox sheet → pay → approval callback → receipt, over HTTP."""
        data = {"product": "choco-pie", "quantity": 2, "csrf_token": self.token, "flow": "mobile"}
        sheet = self.client.post("/checkout", data=data, name="1 checkout", allow_redirects=False).headers["Location"]
        path = re.sub(r"^https?://[^/]+", "", sheet)
        token = self.csrf(path, "2 sandbox sheet")
        form = {"action": "pay", "method": "MONEY", "via": "mobile", "csrf_token": token}
        pay = self.client.post(
            path.rsplit("/", 1)[0] + "/sheet", data=form, name="3 sandbox pay", allow_redirects=False
        )
        approval = re.sub(r"^https?://[^/]+", "", pay.headers["Location"])
        receipt = self.client.get(approval, name="4 approval callback", allow_redirects=False).headers["Location"]
        self.client.get(receipt, name="5 receipt")
