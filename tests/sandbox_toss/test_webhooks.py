"""PAYMENT_STATUS_CHANGED webhooks: queued with the change, sent over real HTTP to a small receiver, retried on the
(compressed) schedule, never sent twice at once, delivered by the CLI and by the dispatcher thread."""

import json
import threading
import time
from datetime import timedelta

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from demo.extensions import db
from demo.sandbox_toss import webhooks
from demo.sandbox_toss.models import TossSandboxWebhookDelivery

from .conftest import Toss


class Receiver:
    """A merchant webhook endpoint on 127.0.0.1: records each POST, answers the next status of ``answers``."""

    def __init__(self, answers=(200,)):
        self.answers, self.received = list(answers), []
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}/payments/webhooks/tosspayments"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @Request.application
    def wsgi(self, request: Request) -> Response:
        self.received.append((dict(request.headers), request.get_data(as_text=True)))
        status = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return Response("ok", status)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()


def deliveries(app) -> list[TossSandboxWebhookDelivery]:
    with app.app_context():
        rows = db.session.scalars(db.select(TossSandboxWebhookDelivery).order_by(TossSandboxWebhookDelivery.id)).all()
        db.session.expunge_all()
        return rows


def deliver(app) -> int:
    with app.test_request_context():
        return webhooks.deliver_due()


def test_every_announced_change_is_sent_with_toss_headers(make_test_app):
    with Receiver() as receiver:
        toss = Toss(make_test_app(TOSS_SANDBOX_WEBHOOK_URL=receiver.url))
        paid = toss.paid()
        toss.cancel(paid["paymentKey"], cancelAmount=100)
        toss.act(toss.open(), "cancel")  # a quit: nothing at all
        toss.authenticate()  # IN_PROGRESS: nothing
        assert deliver(toss.app) == 2
    (first_headers, first), (_, second) = receiver.received
    assert first_headers["Tosspayments-Webhook-Transmission-Retried-Count"] == "0"
    assert first_headers["Tosspayments-Webhook-Transmission-Id"].startswith("whtrans_a01")
    assert first_headers["Tosspayments-Webhook-Transmission-Time"].endswith("+09:00")
    assert "Tosspayments-Webhook-Signature" not in first_headers  # payment webhooks are unsigned
    body = json.loads(first)
    assert list(body) == ["eventType", "createdAt", "data"] and body["eventType"] == "PAYMENT_STATUS_CHANGED"
    assert "+" not in body["createdAt"] and "." in body["createdAt"]  # microseconds, no offset
    assert body["data"]["status"] == "DONE" and body["data"]["paymentKey"] == paid["paymentKey"]
    assert json.loads(second)["data"]["status"] == "PARTIAL_CANCELED"
    assert [row.status for row in deliveries(toss.app)] == ["delivered", "delivered"]


def test_non_200_is_resent_on_the_compressed_schedule_then_given_up(make_test_app):
    with Receiver(answers=(500, 404, 200)) as receiver:
        app = make_test_app(TOSS_SANDBOX_WEBHOOK_URL=receiver.url, TOSS_SANDBOX_WEBHOOK_MINUTE=0.05)
        Toss(app).paid()
        assert deliver(app) == 1
        (row,) = deliveries(app)
        assert (row.status, row.retried_count, row.last_http_status) == ("pending", 1, 500)
        assert deliver(app) == 0  # not due yet: 1 "minute" = 0.05 s
        time.sleep(0.06)
        assert deliver(app) == 1
        (row,) = deliveries(app)
        assert (row.retried_count, row.last_http_status) == (2, 404)
        time.sleep(0.21)  # 4 "minutes"
        assert deliver(app) == 1
    counts = [headers["Tosspayments-Webhook-Transmission-Retried-Count"] for headers, _ in receiver.received]
    ids = {headers["Tosspayments-Webhook-Transmission-Id"] for headers, _ in receiver.received}
    assert counts == ["0", "1", "2"] and len(ids) == 1
    assert deliveries(app)[0].status == "delivered"
    with app.app_context():  # after the 7th resend fails, Toss gives up
        row = db.session.get(TossSandboxWebhookDelivery, 1)
        row.status, row.retried_count, row.url = "pending", 7, "http://127.0.0.1:9/closed"
        db.session.commit()
    assert deliver(app) == 1 and deliveries(app)[0].status == "failed"


def test_a_claimed_delivery_is_not_sent_twice(make_test_app):
    with Receiver() as receiver:
        app = make_test_app(TOSS_SANDBOX_WEBHOOK_URL=receiver.url)
        Toss(app).paid()
        with app.app_context():
            moment = webhooks.clock()
            assert webhooks.claim(1, moment) and not webhooks.claim(1, moment)
            assert webhooks.claim(1, moment + timedelta(seconds=webhooks.CLAIM_SECONDS + 1))  # a lapsed claim
        assert deliver(app) == 0 and receiver.received == []


def test_cli_expires_and_delivers(make_test_app):
    with Receiver() as receiver:
        app = make_test_app(TOSS_SANDBOX_WEBHOOK_URL=receiver.url, TOSS_SANDBOX_SESSION_TTL=0)
        Toss(app).open(orderId="order-abandoned")
        result = app.test_cli_runner().invoke(args=["toss-sandbox", "deliver-webhooks"])
        assert result.exit_code == 0 and "expired 1, sent 1" in result.output
    data = json.loads(receiver.received[0][1])["data"]
    assert (data["orderId"], data["status"]) == ("order-abandoned", "EXPIRED")
    assert data["failure"]["code"] == "EXPIRED_PAYMENT"


def test_default_url_is_the_merchant_path_on_the_public_base(make_test_app):
    app = make_test_app(PUBLIC_BASE_URL="http://192.0.2.10:5000")
    Toss(app).paid()
    assert deliveries(app)[0].url == "http://192.0.2.10:5000/payments/webhooks/tosspayments"


@pytest.mark.timeout(20)
def test_the_dispatcher_thread_sends_without_holding_a_request(make_test_app):
    with Receiver() as receiver:
        app = make_test_app(
            TOSS_SANDBOX_WEBHOOK_URL=receiver.url, TOSS_SANDBOX_WEBHOOK_THREAD=True, TOSS_SANDBOX_WEBHOOK_POLL=0.05
        )
        Toss(app).paid()  # its first request started the thread; confirm answered before anything was sent
        dispatcher = app.extensions["toss_sandbox_dispatcher"]
        for _ in range(200):
            if receiver.received:
                break
            time.sleep(0.02)
        dispatcher.stop()
        dispatcher.join(5)
    assert len(receiver.received) == 1 and not dispatcher.is_alive()
    assert app.test_client().get("/sandbox/tosspayments/try").status_code == 200
    assert app.extensions["toss_sandbox_dispatcher"] is dispatcher  # one per process and app


def test_off_in_testing_by_default(app):
    app.test_client().get("/sandbox/tosspayments/try")
    assert "toss_sandbox_dispatcher" not in app.extensions
