"""The Toss sandbox's API semantics: auth, Idempotency-Key, TossPayments-Test-Code, time limits, faults, races."""

import base64
import threading
from datetime import timedelta

import pytest

from demo.extensions import db
from demo.sandbox_toss.models import TossSandboxPayment

from .conftest import Toss, basic, query

SECRET = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"


@pytest.mark.parametrize("padded", [True, False])
def test_basic_auth_padded_or_not(toss, padded):
    assert basic(SECRET).endswith("=")  # the key's base64 has padding to drop
    response = toss.confirm(toss.authenticate(), headers={"Authorization": basic(SECRET, padded)})
    assert response.status_code == 200 and response.json["status"] == "DONE"


@pytest.mark.parametrize(
    "header, status, code",
    [
        ("Bearer " + SECRET, 401, "UNAUTHORIZED_KEY"),
        ("Basic !!!", 401, "UNAUTHORIZED_KEY"),
        (basic("live_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"), 401, "UNAUTHORIZED_KEY"),
        ("Basic " + base64.b64encode(SECRET.encode()).decode(), 403, "INCORRECT_BASIC_AUTH_FORMAT"),
    ],
)
def test_bad_keys(toss, header, status, code):
    response = toss.get("/orders/order-0001", headers={"Authorization": header})
    assert (response.status_code, response.json["code"]) == (status, code)


def test_numeric_string_amount_and_lookups(toss):
    success = toss.authenticate()
    assert success["paymentType"] == "NORMAL" and success["amount"] == "1000"
    assert toss.get(f"/{success['paymentKey']}").json["status"] == "IN_PROGRESS"
    assert toss.confirm(success, amount="1000").status_code == 200  # the official Django sample sends a string
    order = toss.get(f"/orders/{success['orderId']}?orderId=ignored").json
    assert order["paymentKey"] == success["paymentKey"] and order["status"] == "DONE"


def test_amount_tamper_is_refused_and_the_payment_stays_confirmable(toss):
    success = toss.authenticate()
    tampered = toss.confirm(success, amount=10)
    assert (tampered.status_code, tampered.json["code"]) == (400, "INVALID_REQUEST")
    assert toss.get(f"/{success['paymentKey']}").json["status"] == "IN_PROGRESS"
    assert toss.confirm(success).json["status"] == "DONE"


def test_amount_mismatch_code_is_configurable(make_test_app):
    toss = Toss(make_test_app(TOSS_SANDBOX_AMOUNT_MISMATCH="NOT_FOUND_PAYMENT_SESSION"))
    response = toss.confirm(toss.authenticate(), amount=10)
    assert (response.status_code, response.json["code"]) == (404, "NOT_FOUND_PAYMENT_SESSION")


def age(app, order_id: str, **shift) -> None:
    """Move a payment's clock back."""
    with app.app_context():
        payment = db.session.scalar(db.select(TossSandboxPayment).filter_by(order_id=order_id))
        payment.requested_at -= timedelta(**shift)
        if payment.authenticated_at:
            payment.authenticated_at -= timedelta(**shift)
        db.session.commit()


def test_confirm_after_ten_minutes_is_expired(toss, app):
    success = toss.authenticate()
    age(toss.app, success["orderId"], seconds=app.config["TOSS_SANDBOX_CONFIRM_TTL"])
    response = toss.confirm(success)
    assert (response.status_code, response.json["code"]) == (404, "NOT_FOUND_PAYMENT_SESSION")
    looked_up = toss.get(f"/{success['paymentKey']}").json
    assert looked_up["status"] == "EXPIRED" and looked_up["failure"]["code"] == "EXPIRED_PAYMENT"
    assert (looked_up["method"], looked_up["card"], looked_up["receipt"], looked_up["useEscrow"]) == (None,) * 4


def test_window_left_open_expires_after_its_ttl(make_test_app):
    toss = Toss(make_test_app(TOSS_SANDBOX_SESSION_TTL=60))
    window = toss.open(orderId="order-idle")
    age(toss.app, "order-idle", seconds=59)
    assert toss.get("/orders/order-idle").json["status"] == "READY"
    age(toss.app, "order-idle", seconds=1)
    assert toss.get("/orders/order-idle").json["status"] == "EXPIRED"
    page = toss.client.get(window).get_data(as_text=True)
    assert "결제 시간이 지났습니다" in page and "원 결제하기" not in page


def test_idempotency_key_replays_the_first_answer_whatever_the_body(toss):
    first, second = toss.authenticate(), toss.authenticate()
    headers = {**toss.headers, "Idempotency-Key": "confirm-1"}
    answer = toss.confirm(first, headers=headers)
    again = toss.confirm(first, headers=headers)
    assert answer.status_code == again.status_code == 200 and answer.get_data() == again.get_data()
    other = toss.confirm(second, headers=headers)  # the body is not part of the scope (contract §2.2)
    assert other.json["paymentKey"] == first["paymentKey"]
    assert toss.get(f"/{second['paymentKey']}").json["status"] == "IN_PROGRESS"
    assert toss.confirm(first).json["code"] == "ALREADY_PROCESSED_PAYMENT"  # without the key: a new request


def test_idempotency_scope_is_key_api_key_url_and_method(toss):
    paid = toss.paid()
    headers = {**toss.headers, "Idempotency-Key": "same-key"}
    first = toss.cancel(paid["paymentKey"], headers=headers, cancelAmount=100)
    replay = toss.cancel(paid["paymentKey"], headers=headers, cancelAmount=500)
    assert first.get_data() == replay.get_data() and len(replay.json["cancels"]) == 1
    other_url = toss.cancel(toss.paid()["paymentKey"], headers=headers, cancelAmount=100)
    assert other_url.status_code == 200 and other_url.json["paymentKey"] != paid["paymentKey"]


def test_errors_are_replayed_too_but_not_server_errors(make_test_app):
    toss = Toss(make_test_app(TOSS_SANDBOX_FAULT="server_error"))
    success = toss.authenticate()
    headers = {**toss.headers, "Idempotency-Key": "retry-me"}
    assert toss.confirm(success, headers=headers).status_code == 500
    toss.app.config["TOSS_SANDBOX_FAULT"] = None
    assert toss.confirm(success, headers=headers).json["status"] == "DONE"  # the 500 released the key
    tampered = {**toss.headers, "Idempotency-Key": "tampered"}
    assert toss.confirm(toss.authenticate(), headers=tampered, amount=1).json["code"] == "INVALID_REQUEST"
    assert toss.confirm(success, headers=tampered).json["code"] == "INVALID_REQUEST"  # the stored first answer


def test_idempotency_key_limits(toss, app):
    too_long = toss.confirm(toss.authenticate(), headers={**toss.headers, "Idempotency-Key": "k" * 301})
    assert (too_long.status_code, too_long.json["code"]) == (400, "INVALID_IDEMPOTENCY_KEY")
    assert toss.confirm(toss.authenticate(), headers={**toss.headers, "Idempotency-Key": "k" * 300}).status_code == 200
    with app.app_context():  # a first request still running
        from demo.sandbox_toss import idempotency

        with app.test_request_context("/sandbox/tosspayments/v1/payments/confirm", method="POST"):
            assert idempotency.claim(idempotency.scope_of("running", SECRET)) is None
    running = toss.confirm(toss.authenticate(), headers={**toss.headers, "Idempotency-Key": "running"})
    assert (running.status_code, running.json["code"]) == (409, "IDEMPOTENT_REQUEST_PROCESSING")
    ignored = toss.get("/orders/order-0001", headers={**toss.headers, "Idempotency-Key": "k" * 400})
    assert ignored.status_code == 200  # GET ignores the header


@pytest.mark.parametrize(
    "code, status", [("REJECT_CARD_PAYMENT", 403), ("ALREADY_PROCESSED_PAYMENT", 400), ("COMMON_ERROR", 500),
                     ("IDEMPOTENT_REQUEST_PROCESSING", 409), ("NOT_FOUND_PAYMENT_SESSION", 404)],
)  # fmt: skip
def test_test_code_header_forces_the_error_before_anything_else(toss, code, status):
    headers = {**toss.headers, "TossPayments-Test-Code": code}
    response = toss.post("/confirm", {"paymentKey": "made-up"}, headers=headers)
    assert (response.status_code, response.json["code"]) == (status, code)
    assert toss.get("/orders/made-up-order", headers=headers).json["code"] == code


def test_window_fault_reject_aborts_the_payment_with_its_failure(toss):
    success = query(toss.act(toss.open(), "pay", method="CARD", card="삼성카드", fault="reject").location)
    response = toss.confirm(success)
    assert (response.status_code, response.json["code"]) == (403, "REJECT_CARD_PAYMENT")
    aborted = toss.get(f"/{success['paymentKey']}").json
    assert aborted["status"] == "ABORTED" and aborted["failure"]["code"] == "REJECT_CARD_PAYMENT"
    assert toss.confirm(success).json["code"] == "ALREADY_PROCESSED_PAYMENT"


def test_window_fault_server_error_fails_only_the_first_confirm(toss):
    success = query(toss.act(toss.open(), "pay", method="CARD", fault="server_error").location)
    first = toss.confirm(success)
    assert (first.status_code, first.json["code"]) == (500, "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING")
    assert toss.get(f"/{success['paymentKey']}").json["status"] == "IN_PROGRESS"
    assert toss.confirm(success).json["status"] == "DONE"


def test_parallel_confirms_one_wins(toss):
    success = toss.authenticate()
    answers = []

    def confirm():
        answers.append(Toss(toss.app).confirm(success))

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200, 400, 400, 400], [answer.json for answer in answers]
    assert {answer.json["code"] for answer in answers if answer.status_code == 400} == {"ALREADY_PROCESSED_PAYMENT"}


def test_api_paths_answer_json_errors(toss):
    unknown = toss.client.get("/sandbox/tosspayments/v1/unknown")
    assert (unknown.status_code, unknown.json["code"]) == (404, "NOT_FOUND")
    wrong_method = toss.client.delete("/sandbox/tosspayments/v1/payments/confirm")
    assert wrong_method.status_code == 405 and set(wrong_method.json) == {"code", "message"}
    huge = toss.client.post(
        "/sandbox/tosspayments/v1/payments/confirm", data="x" * 70_000, headers=toss.headers,
        content_type="application/json",
    )  # fmt: skip
    assert huge.status_code == 413 and huge.json["code"] == "INVALID_REQUEST"
    assert toss.post("/confirm", [1, 2]).json["code"] == "INVALID_REQUEST"
    assert toss.post("/confirm", {"paymentKey": "k", "orderId": "order-0001", "amount": True}).status_code == 400
    kakao = toss.client.get("/sandbox/kakaopay/online/v1/unknown")
    assert kakao.status_code == 404 and "error_code" in kakao.json  # the other sandbox's errors are its own
    assert toss.client.get("/no-such-page").mimetype == "text/html"


def test_not_mounted_with_real_toss_keys(make_test_app):
    app = make_test_app(TOSS_SECRET_KEY="test_sk_real", TOSS_CLIENT_KEY="test_ck_real")
    assert not any(rule.rule.startswith("/sandbox/tosspayments") for rule in app.url_map.iter_rules())
    assert app.test_client().get("/sandbox/kakaopay/openapi.json").status_code == 200
