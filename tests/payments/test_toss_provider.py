"""The Toss Payments client: unit tests of what needs no server, and contract tests over real HTTP against the Toss
sandbox served on its own port, as against api.tosspayments.com (the buyer pays in the sandbox's window over HTTP)."""

import json
import secrets
import time
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from demo.payments.providers import PROVIDERS
from demo.payments.providers.base import Kind, Order, Outcome, PaymentError
from demo.payments.providers.tosspayments import LIVE_API, LIVE_SDK, TossPayments

from ..browser.conftest import LiveServer

SANDBOX = "/sandbox/tosspayments"


@pytest.fixture
def provider() -> str:
    """The site's provider stays KakaoPay (the service does not drive Toss yet): these tests call the client alone."""
    return "kakaopay"


@pytest.fixture
def toss_server(make_test_app):
    """The whole app on 127.0.0.1; only its Toss sandbox is used, like Toss's host."""
    with LiveServer(make_test_app(TOSS_SANDBOX_SLOW_SECONDS=1.5)) as server:
        yield server


def make_client(server, session: requests.Session | None = None, **settings) -> TossPayments:
    config = {**server.app.config, "PROVIDER_TIMEOUT": 5.0, **settings}
    return TossPayments.from_settings(config, server.url, session or requests.Session())


@pytest.fixture
def toss(toss_server) -> TossPayments:
    return make_client(toss_server)


def order(**overrides) -> Order:
    fields = dict(
        order_id=secrets.token_urlsafe(16),
        user_id="v_" + secrets.token_urlsafe(12),
        item_name="초코파이",
        item_code="choco-pie",
        quantity=2,
        total_amount=10000,
        tax_free_amount=0,
        vat_amount=909,
        approval_url="http://localhost/payments/o/toss/success",
        cancel_url="http://localhost/payments/o/cancel",
        fail_url="http://localhost/payments/o/toss/fail",
    )
    return Order(**{**fields, **overrides})


def window(server, checkout: dict, action: str = "pay", **form) -> dict:
    """What the SDK call does with start's checkout (its form post), then the buyer's action in the window; returns
    the query of the successUrl or failUrl the window sends the browser to."""
    with requests.Session() as browser:
        opened = browser.post(
            server.url + SANDBOX + "/v2/checkout",
            data={
                "clientKey": checkout["client_key"],
                "customerKey": checkout["customer_key"],
                "method": "CARD",
                "amount": checkout["amount"],
                "taxFreeAmount": checkout["tax_free_amount"],
                "orderId": checkout["order_id"],
                "orderName": checkout["order_name"],
                "successUrl": checkout["success_url"],
                "failUrl": checkout["fail_url"],
                "display": "page",
            },
            timeout=10,
        )
        assert opened.status_code == 200 and "결제하기" in opened.text, opened.text
        data = {"action": action, "method": "CARD", "card": "현대카드", "display": "page", **form}
        done = browser.post(opened.url.split("?")[0], data=data, allow_redirects=False, timeout=10)
    assert done.status_code == 303
    return {name: values[0] for name, values in parse_qs(urlsplit(done.headers["Location"]).query).items()}


def authorized(toss: TossPayments, server, the_order: Order, **form):
    """Start, pay in the window, parse successUrl: the Callback to finalize."""
    started = toss.start(the_order)
    callback = toss.parse_callback("approve", window(server, started.checkout, **form))
    assert callback is not None and callback.outcome == Outcome.AUTHORIZED
    return callback


def paid(toss: TossPayments, server, the_order: Order, **form):
    callback = authorized(toss, server, the_order, **form)
    approval = toss.finalize(None, the_order.order_id, the_order.user_id, callback.token, the_order.total_amount)
    return callback, approval


def raises(call, *args) -> PaymentError:
    with pytest.raises(PaymentError) as caught:
        call(*args)
    return caught.value


class Canned(BaseAdapter):
    """A transport that raises ``error`` or answers ``status`` with ``body``: what no sandbox can be made to do."""

    def __init__(self, error: Exception | None = None, status: int = 200, body: bytes = b""):
        super().__init__()
        self.error, self.status, self.body = error, status, body

    def send(self, request, **kwargs):
        if self.error:
            raise self.error
        response = requests.Response()
        response.status_code, response._content, response.url, response.request = (
            self.status,
            self.body,
            request.url,
            request,
        )
        return response

    def close(self):
        pass


def canned(adapter: Canned) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    return session


# --- no server -------------------------------------------------------------------------------------------------------


def test_registered():
    assert PROVIDERS["tosspayments"] is TossPayments


def test_from_settings_sandbox_and_live():
    settings = {"TOSS_SANDBOX_SECRET_KEY": "test_sk_x", "TOSS_SANDBOX_CLIENT_KEY": "test_ck_x", "PROVIDER_TIMEOUT": 7.0}
    sandbox = TossPayments.from_settings(settings, "http://shop.test/", requests.Session())
    assert sandbox.api_base == "http://shop.test/sandbox/tosspayments"
    assert sandbox.sdk_url == "http://shop.test/sandbox/tosspayments/v2/standard"
    assert sandbox.client_key == "test_ck_x" and sandbox.timeout == (3.0, 7.0)
    assert sandbox.auth == "Basic dGVzdF9za194Og=="  # base64("test_sk_x:")
    assert sandbox.absent_after == 1860 and TossPayments.absent_ends == "cancelled"
    live = TossPayments.from_settings(
        {**settings, "TOSS_SECRET_KEY": "live_sk", "TOSS_CLIENT_KEY": "live_ck", "TOSS_WINDOW_SECONDS": 600},
        "http://shop.test",
        requests.Session(),
        recurring=True,
    )
    assert (live.api_base, live.sdk_url, live.client_key) == (LIVE_API, LIVE_SDK, "live_ck")
    assert live.absent_after == 600
    other = TossPayments.from_settings({**settings, "TOSS_API_BASE": "http://toss.test/"}, "http://x", None)
    assert other.api_base == "http://toss.test"


def test_start_gives_the_sdk_call_its_parameters():
    toss = TossPayments("http://x", "test_sk", "test_ck", "http://x/v2/standard", 5.0, requests.Session())
    the_order = order(item_name="가" * 120, tax_free_amount=2000)
    started = toss.start(the_order)
    assert started.exchange is None and started.raw == {} and started.provider_ref is None
    assert started.redirect_urls is None
    assert started.checkout == {
        "sdk_url": "http://x/v2/standard",
        "client_key": "test_ck",
        "customer_key": the_order.user_id,
        "order_id": the_order.order_id,
        "order_name": "가" * 100,
        "amount": 10000,
        "tax_free_amount": 2000,
        "success_url": the_order.approval_url,
        "fail_url": the_order.fail_url,
    }
    for user_id in ("", "x", "사용자", "a b"):  # not a valid customerKey: the anonymous one
        assert toss.start(order(user_id=user_id)).checkout["customer_key"] == TossPayments.ANONYMOUS == "@@ANONYMOUS"


def test_parse_success_callback():
    good = {
        "paymentType": "NORMAL",
        "orderId": "order-0001",
        "paymentKey": "tviva20240213121757MvuS8",
        "amount": "1000",
    }
    callback = TossPayments.parse_callback("approve", good)
    assert (callback.outcome, callback.token, callback.claimed_amount) == (Outcome.AUTHORIZED, good["paymentKey"], 1000)
    assert callback.order_id == "order-0001" and callback.code is None
    assert TossPayments.parse_callback("approve", {**good, "paymentKey": "k" * 200}).token == "k" * 200
    malformed = [
        {"orderId": "order-0001", "amount": "1000"},
        {**good, "paymentKey": ""},
        {**good, "paymentKey": "k" * 201},
        {**good, "paymentKey": "a b"},
        {**good, "paymentKey": "키"},
        {**good, "amount": ""},
        {**good, "amount": "-1"},
        {**good, "amount": "1,000"},
        {**good, "amount": "١٠٠٠"},  # digits, not ASCII
        {**good, "amount": "9" * 11},
        {name: value for name, value in good.items() if name != "orderId"},
        {**good, "orderId": "short"},
        {**good, "orderId": "o" * 65},
        {**good, "orderId": "order 0001"},
    ]
    for args in malformed:
        assert TossPayments.parse_callback("approve", args) is None, args


def test_parse_fail_callback():
    quit_ = TossPayments.parse_callback(
        "fail",
        {"code": "PAY_PROCESS_CANCELED", "message": "사용자에 의해 결제가 취소되었습니다.", "orderId": "order-0001"},
    )
    assert (quit_.outcome, quit_.code, quit_.order_id) == (Outcome.CANCELLED, "PAY_PROCESS_CANCELED", "order-0001")
    assert quit_.message == "사용자에 의해 결제가 취소되었습니다." and quit_.token is None
    refused = TossPayments.parse_callback("fail", {"code": "REJECT_CARD_COMPANY", "orderId": "order-0001"})
    assert (refused.outcome, refused.code, refused.message) == (Outcome.FAILED, "REJECT_CARD_COMPANY", None)
    for args in (
        {"message": "no code", "orderId": "order-0001"},
        {"code": "", "orderId": "order-0001"},
        {"code": "C" * 101},
        {"code": "A B"},
        {"code": "REJECT_CARD_COMPANY", "message": "m" * 501},
        {"code": "REJECT_CARD_COMPANY", "orderId": "bad id!"},
    ):
        assert TossPayments.parse_callback("fail", args) is None, args


def test_webhook_gives_only_an_order_id_to_look_up():
    body = {"eventType": "PAYMENT_STATUS_CHANGED", "createdAt": "2022-01-01T00:00:00.000000",
            "data": {"orderId": "order-0001", "status": "DONE", "paymentKey": "k"}}  # fmt: skip
    assert TossPayments.webhook(body) == "order-0001"
    for forged in (
        None,
        [],
        "PAYMENT_STATUS_CHANGED",
        {"eventType": "PAYMENT_STATUS_CHANGED"},
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": "order-0001"},
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": 12345678}},
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": ""}},
        {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": "o" * 65}},
        {"eventType": "DEPOSIT_CALLBACK", "data": {"orderId": "order-0001"}},
        {"orderId": "order-0001", "status": "DONE", "secret": "x"},
    ):
        assert TossPayments.webhook(forged) is None, forged


@pytest.mark.parametrize(
    ("error", "code"), [(requests.ReadTimeout("slow"), "timeout"), (requests.ConnectionError("refused"), "connection")]
)
def test_no_answer(error, code):
    toss = TossPayments("http://toss.test", "test_sk", "test_ck", "", 5.0, canned(Canned(error)))
    failed = raises(toss.finalize, None, "order-0001", "u", "payment-key", 1000)
    assert (failed.code, failed.kind, failed.retryable) == (code, Kind.NO_ANSWER, True)
    assert failed.exchange.endpoint == "confirm" and failed.exchange.http_status is None
    assert failed.message in ("토스페이먼츠 응답이 늦어지고 있습니다.", "토스페이먼츠에 연결할 수 없습니다.")


@pytest.mark.parametrize(("status", "body"), [(502, b"<html>Bad Gateway</html>"), (200, b"{}"), (200, b"[1]")])
def test_malformed_answer_tells_nothing(status, body):
    toss = TossPayments("http://toss.test", "test_sk", "test_ck", "", 5.0, canned(Canned(status=status, body=body)))
    failed = raises(toss.lookup, "payment-key", "order-0001")
    assert (failed.code, failed.kind, failed.retryable) == (status, Kind.UNKNOWN, status >= 500)
    assert failed.exchange.error == "malformed response" and failed.exchange.endpoint == "order"


def test_error_kinds():
    def kind(status: int, code: str) -> PaymentError:
        body = json.dumps({"code": code, "message": "토스의 메시지"}).encode()
        toss = TossPayments("http://toss.test", "sk", "ck", "", 5.0, canned(Canned(status=status, body=body)))
        return raises(toss.finalize, None, "order-0001", "u", "payment-key", 1000)

    for status, code, expected in [
        (400, "ALREADY_PROCESSED_PAYMENT", Kind.ALREADY_DONE),
        (404, "NOT_FOUND_PAYMENT", Kind.BAD_CALLBACK),
        (404, "NOT_FOUND_PAYMENT_SESSION", Kind.BAD_CALLBACK),
        (400, "INVALID_REQUEST", Kind.BAD_CALLBACK),
        (403, "REJECT_CARD_COMPANY", Kind.DECLINED),
        (400, "EXCEED_MAX_DAILY_PAYMENT_COUNT", Kind.DECLINED),
        (400, "INVALID_CARD_EXPIRATION", Kind.DECLINED),
        (400, "INVALID_STOPPED_CARD", Kind.DECLINED),
        (403, "FDS_ERROR", Kind.DECLINED),
        (400, "PROVIDER_ERROR", Kind.UNKNOWN),
        (409, "IDEMPOTENT_REQUEST_PROCESSING", Kind.UNKNOWN),
        (500, "FAILED_INTERNAL_SYSTEM_PROCESSING", Kind.UNKNOWN),
        (500, "REJECT_CARD_PAYMENT", Kind.UNKNOWN),  # a 5xx tells nothing, whatever its code
        (401, "UNAUTHORIZED_KEY", Kind.UNKNOWN),
        (400, "SOMETHING_NEW", Kind.UNKNOWN),
    ]:
        error = kind(status, code)
        assert (error.code, error.kind, error.provider_message) == (code, expected, "토스의 메시지"), code
        assert error.retryable == (status >= 500 or code in ("PROVIDER_ERROR", "IDEMPOTENT_REQUEST_PROCESSING"))
        assert error.exchange.http_status == status and error.exchange.error == f"error {code}"
    assert kind(401, "UNAUTHORIZED_KEY").message == "토스페이먼츠 시크릿 키가 올바르지 않습니다."
    assert kind(400, "INVALID_CARD_EXPIRATION").message == "카드사 또는 결제수단이 결제를 거절했습니다."


# --- over HTTP, against the sandbox ----------------------------------------------------------------------------------


def test_pay_and_finalize(toss, toss_server):
    the_order = order()
    callback, approval = paid(toss, toss_server, the_order)
    assert callback.claimed_amount == 10000 and callback.order_id == the_order.order_id
    data = approval.raw
    assert data["status"] == "DONE" and data["orderId"] == the_order.order_id
    assert approval.aid == data["lastTransactionKey"] and approval.tid == callback.token == data["paymentKey"]
    assert approval.method == "CARD"
    assert approval.amounts == {"total": 10000, "tax_free": 0, "vat": 909, "supplied": 9091, "balance": 10000}
    assert approval.card_info["issuer"] == "현대카드"
    assert approval.card_info["bin"] == data["card"]["number"][:6] and approval.card_info["install_month"] == "00"
    assert approval.card_info["easy_pay_provider"] is None
    assert approval.approved_at.tzinfo is None and abs(approval.approved_at - datetime.now()) < timedelta(minutes=1)
    exchange = approval.exchange
    assert exchange.endpoint == "confirm" and exchange.url == toss_server.url + SANDBOX + "/v1/payments/confirm"
    assert exchange.http_status == 200 and exchange.duration_ms >= 0 and exchange.error is None
    assert callback.token in exchange.request_body and '"amount": 10000' in exchange.request_body
    assert "test_sk" not in exchange.request_body + exchange.response_body  # the key is in a header, never stored
    again = toss.finalize(None, the_order.order_id, the_order.user_id, callback.token, 10000)
    assert again.aid == approval.aid and again.raw == data  # the same Idempotency-Key: Toss replays its answer


def test_a_twin_confirm_won(toss, toss_server):
    """Another confirm (not this one's Idempotency-Key) paid first: ALREADY_DONE, and the lookup shows it paid."""
    the_order = order()
    callback = authorized(toss, toss_server, the_order)
    body = {"paymentKey": callback.token, "orderId": the_order.order_id, "amount": 10000}
    twin = make_client(toss_server).call("confirm", "/v1/payments/confirm", body)
    assert twin[0]["status"] == "DONE"
    failed = raises(toss.finalize, None, the_order.order_id, the_order.user_id, callback.token, 10000)
    assert (failed.code, failed.kind, failed.retryable) == ("ALREADY_PROCESSED_PAYMENT", Kind.ALREADY_DONE, False)
    assert failed.exchange.http_status == 400 and failed.message == "이미 처리된 결제입니다."
    assert toss.lookup(callback.token, the_order.order_id).state == "paid"


def test_forged_payment_key_and_wrong_amount_leave_the_payment_payable(toss, toss_server):
    the_order = order()
    callback = authorized(toss, toss_server, the_order)
    forged = raises(toss.finalize, None, the_order.order_id, the_order.user_id, "forged-key-0000", 10000)
    assert (forged.code, forged.kind, forged.retryable) == ("NOT_FOUND_PAYMENT", Kind.BAD_CALLBACK, False)
    assert forged.exchange.http_status == 404
    wrong = raises(toss.finalize, None, the_order.order_id, the_order.user_id, callback.token, 100)
    assert (wrong.code, wrong.kind, wrong.retryable) == ("INVALID_REQUEST", Kind.BAD_CALLBACK, False)
    other = raises(toss.finalize, None, "another-order", the_order.user_id, callback.token, 10000)
    assert (other.code, other.kind) == ("NOT_FOUND_PAYMENT_SESSION", Kind.BAD_CALLBACK)
    assert toss.lookup(callback.token, the_order.order_id).state == "authorized"
    by_order = toss.lookup("forged-key-0000", the_order.order_id)  # an unknown paymentKey: found by our orderId
    assert (by_order.state, by_order.provider_ref) == ("authorized", callback.token)
    approval = toss.finalize(None, the_order.order_id, the_order.user_id, callback.token, 10000)
    assert approval.raw["status"] == "DONE"


def test_card_refusal_is_declined(toss, toss_server):
    the_order = order()
    callback = authorized(toss, toss_server, the_order, fault="reject")
    failed = raises(toss.finalize, None, the_order.order_id, the_order.user_id, callback.token, 10000)
    assert (failed.code, failed.kind, failed.retryable) == ("REJECT_CARD_PAYMENT", Kind.DECLINED, False)
    assert failed.exchange.http_status == 403 and failed.provider_message
    lookup = toss.lookup(callback.token, the_order.order_id)
    assert (lookup.state, lookup.provider_status, lookup.approval) == ("failed", "ABORTED", None)


def test_server_error_tells_nothing_and_a_retry_pays(toss, toss_server):
    the_order = order()
    callback = authorized(toss, toss_server, the_order, fault="server_error")
    failed = raises(toss.finalize, None, the_order.order_id, the_order.user_id, callback.token, 10000)
    assert failed.code == "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING"
    assert (failed.kind, failed.retryable, failed.exchange.http_status) == (Kind.UNKNOWN, True, 500)
    assert toss.lookup(callback.token, the_order.order_id).state == "authorized"
    by_order = toss.lookup("forged-key-0000", the_order.order_id)  # an unknown paymentKey: found by our orderId
    assert (by_order.state, by_order.provider_ref) == ("authorized", callback.token)
    approval = toss.finalize(None, the_order.order_id, the_order.user_id, callback.token, 10000)  # 5xx: key released
    assert approval.raw["status"] == "DONE"


def test_slow_confirm_times_out_and_runs_on(toss_server):
    """The slow fault answers after 1.5 s; a 0.3 s read timeout gives up first, and the confirm still pays there."""
    impatient, the_order = make_client(toss_server, PROVIDER_TIMEOUT=0.3), order()
    callback = authorized(impatient, toss_server, the_order, fault="slow")
    failed = raises(impatient.finalize, None, the_order.order_id, the_order.user_id, callback.token, 10000)
    assert (failed.code, failed.kind, failed.retryable) == ("timeout", Kind.NO_ANSWER, True)
    assert failed.exchange.error == "timeout" and failed.exchange.http_status is None
    patient = make_client(toss_server)
    deadline = time.monotonic() + 10
    while (lookup := patient.lookup(callback.token, the_order.order_id)).state != "paid":
        assert time.monotonic() < deadline, lookup.provider_status
        time.sleep(0.2)
    assert lookup.approval.raw["status"] == "DONE"


def test_lookup_by_payment_key_and_by_order_id(toss, toss_server):
    the_order = order()
    assert toss.lookup(None, the_order.order_id).state == "absent"
    callback, approval = paid(toss, toss_server, the_order)
    by_key, by_order = toss.lookup(callback.token, "ignored"), toss.lookup(None, the_order.order_id)
    assert by_key.exchange.url.endswith(f"/v1/payments/{callback.token}")
    assert by_order.exchange.url.endswith(f"/v1/payments/orders/{the_order.order_id}")
    for lookup in (by_key, by_order):
        assert (lookup.state, lookup.provider_status, lookup.provider_ref) == ("paid", "DONE", callback.token)
        assert lookup.exchange.endpoint == "order" and lookup.exchange.request_body == ""
        assert lookup.approval.aid == approval.aid and lookup.approval.card_info == approval.card_info
        assert lookup.approval.approved_at == approval.approved_at
        assert (lookup.canceled_total, lookup.cancels, lookup.remaining_vat) == (0, [], 909)


def test_lookup_states_before_payment(toss, toss_server):
    ready, quit_ = order(), order()
    window(toss_server, toss.start(ready).checkout, action="cancel")  # 취소: the window stays READY at Toss
    fail = window(toss_server, toss.start(quit_).checkout, action="fail")
    assert toss.parse_callback("fail", fail).outcome == Outcome.FAILED
    lookup = toss.lookup(None, ready.order_id)
    assert (lookup.state, lookup.provider_status, lookup.approval) == ("pending", "READY", None)
    assert lookup.provider_ref == lookup.raw["paymentKey"]
    assert toss.lookup(None, quit_.order_id).state == "failed"
    unknown = toss.lookup(None, "never-opened-0001")
    assert (unknown.state, unknown.provider_status, unknown.raw) == ("absent", "NOT_FOUND_PAYMENT", {})
    assert unknown.exchange.http_status == 404
    both = toss.lookup("unknown-payment-key", "never-opened-0001")  # neither the key nor the order
    assert both.state == "absent" and both.exchange.url.endswith("/orders/never-opened-0001")


def test_cancel_callback_from_the_window(toss, toss_server):
    the_order = order()
    args = window(toss_server, toss.start(the_order).checkout, action="cancel")
    callback = toss.parse_callback("fail", args)
    assert (callback.outcome, callback.code, callback.order_id) == (
        Outcome.CANCELLED,
        "PAY_PROCESS_CANCELED",
        the_order.order_id,
    )


def test_easy_pay(toss, toss_server):
    _, money = paid(toss, toss_server, order(), method="TOSSPAY", tosspay_source="money")
    assert money.method == "EASY_PAY" and money.card_info == {"easy_pay_provider": "토스페이"}
    _, card = paid(toss, toss_server, order(), method="TOSSPAY", tosspay_source="card", card="신한카드")
    assert card.method == "CARD" and card.card_info["issuer"] == "신한카드"
    assert card.card_info["easy_pay_provider"] == "토스페이"


def test_partial_refund_then_the_rest(toss, toss_server):
    the_order = order(tax_free_amount=2000)
    callback, approval = paid(toss, toss_server, the_order)
    key = callback.token
    first = toss.refund(key, 3000, 1000, None, "부분 취소", "refund-1")
    assert (first.status, first.refunded, first.canceled_total, first.cancel_available) == (
        "PARTIAL_CANCELED",
        3000,
        3000,
        7000,
    )
    assert first.aid == first.raw["lastTransactionKey"] != approval.aid
    assert (first.refunded_tax_free, first.canceled_tax_free, first.refunded_vat) == (1000, 1000, 0)
    assert (first.canceled_vat, first.remaining_vat) == (None, 545)  # round((7000 - 1000) / 11)
    assert first.exchange.endpoint == "cancel" and '"cancelReason": "부분 취소"' in first.exchange.request_body
    replayed = toss.refund(key, 3000, 1000, None, "부분 취소", "refund-1")
    assert replayed.aid == first.aid and replayed.cancel_available == 7000  # the same key: not refunded twice
    over = raises(toss.refund, key, 8000, 0, None, "초과", "refund-over")
    assert (over.code, over.retryable, over.exchange.http_status) == ("NOT_CANCELABLE_AMOUNT", False, 403)
    assert over.message == "취소 가능 금액을 넘었습니다."
    rest = toss.refund(key, 7000, 1000, 545, "나머지 취소", "refund-2")
    assert (rest.status, rest.refunded, rest.canceled_total, rest.cancel_available) == ("CANCELED", 7000, 10000, 0)
    assert (rest.refunded_tax_free, rest.canceled_tax_free, rest.refunded_vat, rest.remaining_vat) == (
        1000,
        2000,
        545,
        0,
    )
    assert rest.aid not in (first.aid, approval.aid)
    again = raises(toss.refund, key, 1000, 0, None, "또", "refund-3")
    assert (again.code, again.retryable) == ("ALREADY_CANCELED_PAYMENT", False)
    lookup = toss.lookup(key, the_order.order_id)
    assert (lookup.state, lookup.provider_status, lookup.canceled_total) == ("paid", "CANCELED", 10000)
    assert [(cancel.aid, cancel.amount) for cancel in lookup.cancels] == [(first.aid, 3000), (rest.aid, 7000)]
    assert (lookup.canceled_tax_free, lookup.canceled_vat, lookup.remaining_vat) == (2000, None, 0)
    assert lookup.approval.aid == key  # after a cancel, Toss's lastTransactionKey is the cancel's


def test_wrong_secret_key(toss_server):
    stranger = make_client(toss_server, TOSS_SANDBOX_SECRET_KEY="test_sk_wrong")
    failed = raises(stranger.lookup, None, "order-0001")
    assert (failed.code, failed.kind, failed.retryable) == ("UNAUTHORIZED_KEY", Kind.UNKNOWN, False)
    assert failed.exchange.http_status == 401 and "시크릿 키" in failed.message
