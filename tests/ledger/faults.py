"""A fault-injecting requests transport between the provider client and the sandbox: what a network and a provider
do to calls. Faults are planned per endpoint (KakaoPay: ready, approve, cancel, order; Toss: confirm, cancel, order)
and used once each, in order."""

import threading
import time

import requests
from requests.adapters import BaseAdapter

FAULTS = (
    "lose_request",  # never arrives: connection error, nothing happened there
    "lose_answer",  # done there, the answer never comes back: connection error
    "late",  # arrives after the client gave up (delay past the timeout): read timeout, done there a moment later
    "server_error",  # a 503 from a gateway in front: not done there
    "server_error_after",  # done there, then a 502 from the gateway on the way back
    "hold",  # done there, the answer is held until release(): answers arrive in another order
)


class FaultyTransport(BaseAdapter):
    def __init__(self, inner: BaseAdapter, late_seconds: float = 0.3):
        super().__init__()
        self.inner, self.late_seconds = inner, late_seconds
        self.plan: list[tuple[str, str]] = []
        self.lock, self.released = threading.Lock(), threading.Event()
        self.background: list[threading.Thread] = []
        self.injected: list[tuple[str, str]] = []

    @classmethod
    def install(cls, app, **kwargs) -> "FaultyTransport":
        session = app.extensions["payments.http"]
        transport = cls(session.get_adapter("http://sandbox"), **kwargs)
        session.mount("http://", transport)
        session.mount("https://", transport)
        return transport

    def inject(self, endpoint: str, fault: str, times: int = 1) -> None:
        assert fault in FAULTS, fault
        with self.lock:
            self.plan += [(endpoint, fault)] * times

    def take(self, endpoint: str) -> str | None:
        with self.lock:
            for index, (name, fault) in enumerate(self.plan):
                if name == endpoint:
                    del self.plan[index]
                    self.injected.append((endpoint, fault))
                    return fault
        return None

    @staticmethod
    def endpoint(request) -> str:
        """The URL's last segment; Toss's lookups (GET /v1/payments/{paymentKey}, …/orders/{orderId}) are "order"."""
        if request.method == "GET" and "/v1/payments/" in request.url:
            return "order"
        return request.url.rsplit("/", 1)[-1]

    def send(self, request, **kwargs):
        fault = self.take(self.endpoint(request))
        if fault == "lose_request":
            raise requests.ConnectionError("injected: request lost", request=request)
        if fault == "server_error":
            return self.gateway_error(request, 503)
        if fault == "late":
            thread = threading.Thread(target=self.deliver_late, args=(request, kwargs), daemon=True)
            self.background.append(thread)
            thread.start()
            raise requests.ReadTimeout("injected: no answer within the timeout", request=request)
        response = self.inner.send(request, **kwargs)
        if fault == "lose_answer":
            raise requests.ConnectionError("injected: answer lost", request=request)
        if fault == "server_error_after":
            return self.gateway_error(request, 502)
        if fault == "hold":
            self.released.wait(10)
        return response

    def deliver_late(self, request, kwargs) -> None:
        time.sleep(self.late_seconds)
        self.inner.send(request, **kwargs)

    def release(self) -> None:
        self.released.set()

    def settle(self) -> None:
        """Wait until every late request has arrived (so no call outlives its test)."""
        for thread in self.background:
            thread.join(10)

    @staticmethod
    def gateway_error(request, status: int) -> requests.Response:
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url, request
        response._content = b"<html><body>Bad Gateway</body></html>"
        response.headers["Content-Type"] = "text/html"
        return response

    def close(self) -> None:
        self.inner.close()
