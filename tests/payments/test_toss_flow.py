"""Paying with 토스페이먼츠 through the merchant's routes: checkout, our SDK page, successUrl → confirm with the stored
amount, failUrl, the receipt, a refund with its 취소 사유, webhooks, and a closed window ending by our own expiry."""

import json
import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from demo.extensions import db
from demo.payments.models import ApiExchange, Payment, PaymentEvent

from .conftest import TossShop


@pytest.fixture(params=["kakaopay"])
def provider(request) -> str:
    return request.param  # the flow below is Toss's; PAYMENT_PROVIDER stays the default KakaoPay


def confirms(app, order_id: str) -> int:
    with app.app_context():
        payment = db.session.scalar(select(Payment).filter_by(order_id=order_id))
        query = select(func.count()).where(ApiExchange.payment_id == payment.id, ApiExchange.endpoint == "confirm")
        return db.session.scalar(query)


def test_the_product_page_offers_both_platforms_without_js(client):
    page = client.get("/products/choco-pie").get_data(as_text=True)
    assert 'name="provider" value="kakaopay"' in page and 'name="provider" value="tosspayments"' in page
    assert "카카오페이로 결제" in page and "토스페이먼츠로 결제" in page


def test_only_listed_platforms_are_offered(make_test_app):
    app = make_test_app(PAYMENT_PROVIDERS="kakaopay")
    client = app.test_client()
    assert "토스페이먼츠로 결제" not in client.get("/products/choco-pie").get_data(as_text=True)
    response = client.post("/checkout", data={"product": "choco-pie", "quantity": 1, "provider": "tosspayments"})
    assert response.status_code == 400 and "결제수단" in response.get_data(as_text=True)


def test_checkout_stores_the_payment_and_our_page_calls_the_sdk(toss_shop):
    response = toss_shop.checkout()
    assert response.status_code == 303 and response.location.endswith("/pay")
    order_id = toss_shop.start()
    payment = toss_shop.payment(order_id)
    assert payment.provider == "tosspayments" and payment.status == "ready" and payment.tid is None
    assert payment.redirect_urls["checkout"]["amount"] == payment.total_amount
    assert payment.redirect_urls["checkout"]["success_url"].endswith(f"/payments/{order_id}/toss/success")
    page = toss_shop.client.get(f"/payments/{order_id}/pay").get_data(as_text=True)
    assert "/sandbox/tosspayments/v2/standard" in page and f'data-order-id="{order_id}"' in page


def test_pay_confirms_once_and_shows_the_receipt(app, toss_shop):
    order_id = toss_shop.start()
    success = toss_shop.pay(order_id)
    assert f"/payments/{order_id}/toss/success?" in success
    response = toss_shop.client.get(toss_shop.path(success))
    assert response.status_code == 303 and response.location.endswith(f"/payments/{order_id}")
    assert toss_shop.client.get(toss_shop.path(success)).status_code == 303  # a reload: the same receipt
    payment = toss_shop.payment(order_id)
    assert payment.status == "approved" and payment.tid == parse_qs(urlsplit(success).query)["paymentKey"][0]
    assert confirms(app, order_id) == 1
    receipt = toss_shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "영수증" in receipt and "토스페이먼츠" in receipt and "카드" in receipt


def approval_number(page: str) -> str | None:
    found = re.search(r'data-testid="approval-number">([^<]*)<', page)
    return found and found.group(1)


def test_a_card_receipt_shows_the_card_approval_number_not_a_transaction_key(toss_shop):
    order_id = toss_shop.start()
    toss_shop.client.get(toss_shop.path(toss_shop.pay(order_id, card="신한카드")))
    payment = toss_shop.payment(order_id)
    with toss_shop.app.app_context():
        answer = json.loads(db.session.scalar(select(ApiExchange.response_body).filter_by(endpoint="confirm")))
    receipt = toss_shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert approval_number(receipt) == answer["card"]["approveNo"] == "00000000"  # the sandbox's, as test mode's
    assert payment.aid == answer["lastTransactionKey"] and payment.aid not in receipt  # not the 승인번호


def test_tossmoney_has_no_approval_number_row(toss_shop):
    """토스페이 with 토스머니: no card, and easyPay carries no approval number; the row is left out, not faked."""
    order_id = toss_shop.start()
    toss_shop.client.get(toss_shop.path(toss_shop.pay(order_id, method="TOSSPAY", tosspay_source="money")))
    receipt = toss_shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "간편결제 · 토스페이" in receipt and "승인번호" not in receipt and approval_number(receipt) is None
    with_card = toss_shop.start()
    toss_shop.client.get(toss_shop.path(toss_shop.pay(with_card, method="TOSSPAY", tosspay_source="card")))
    assert approval_number(toss_shop.client.get(f"/payments/{with_card}").get_data(as_text=True)) == "00000000"


def test_a_tampered_amount_is_never_confirmed(app, toss_shop):
    order_id = toss_shop.start()
    success = urlsplit(toss_shop.pay(order_id))
    query = {name: values[0] for name, values in parse_qs(success.query).items()}
    tampered = f"{success.path}?{urlencode({**query, 'amount': '10'})}"
    response = toss_shop.client.get(tampered)
    assert response.status_code == 409 and "결제된 금액은 없습니다" in response.get_data(as_text=True)
    assert toss_shop.payment(order_id).status == "ready" and confirms(app, order_id) == 0


def test_a_success_url_for_another_order_is_refused(app, toss_shop):
    first, second = toss_shop.start(), toss_shop.start()
    success = urlsplit(toss_shop.pay(first))
    response = toss_shop.client.get(f"/payments/{second}/toss/success?{success.query}")
    assert response.status_code == 409 and confirms(app, second) == 0
    assert toss_shop.payment(second).status == "ready"


@pytest.mark.parametrize("query", ["", "paymentKey=&orderId=x&amount=1", "paymentKey=a%20b&orderId=abcdef&amount=²"])
def test_a_malformed_success_url_is_a_clear_400(toss_shop, query):
    order_id = toss_shop.start()
    response = toss_shop.client.get(f"/payments/{order_id}/toss/success?{query}")
    assert response.status_code == 400 and "결제 확인 주소" in response.get_data(as_text=True)


def test_kakaopay_paths_do_not_serve_a_toss_payment(toss_shop):
    order_id = toss_shop.start()
    assert toss_shop.client.get(f"/payments/{order_id}/approve?pg_token=abc").status_code == 404


def test_quit_in_the_window_leaves_the_way_back_open(toss_shop):
    """Toss keeps the payment READY after 취소 (the buyer may come back), and a failUrl is anyone's to open: the
    payment stays payable, the page leads back to the window, and our own expiry ends it if nobody does."""
    order_id = toss_shop.start()
    fail = toss_shop.in_window(order_id, "cancel")
    assert "/toss/fail?" in fail and "PAY_PROCESS_CANCELED" in fail
    page = toss_shop.client.get(toss_shop.path(fail)).get_data(as_text=True)
    assert toss_shop.payment(order_id).status == "ready" and f"/payments/{order_id}/pay" in page
    assert "/toss/success?" in toss_shop.pay(order_id)  # back in the window: payable


QUIT_TEXT = "결제창을 닫았습니다"


def test_after_취소_the_page_says_the_window_is_closed_through_its_own_refreshes(toss_shop):
    """The failUrl's page says the window was closed and the payment is still open (not "waiting" as if the window
    were open), and so do its htmx polls and a plain reload of the receipt; paying after all gives the receipt."""
    order_id = toss_shop.start()
    fail = toss_shop.path(toss_shop.in_window(order_id, "cancel"))
    page = toss_shop.client.get(fail).get_data(as_text=True)
    assert QUIT_TEXT in page and "결제는 아직 끝나지 않았습니다" in page and "결제 중단으로 끝납니다" in page
    assert f"/payments/{order_id}/pay" in page and "결제를 기다리고 있습니다" not in page
    poll = toss_shop.client.get(f"/payments/{order_id}?poll=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert QUIT_TEXT in poll and f"/payments/{order_id}/pay" in poll and 'hx-get="' in poll  # still polling
    assert QUIT_TEXT in toss_shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    toss_shop.client.get(fail)  # the failUrl reloaded: one note, not two
    with toss_shop.app.app_context():
        payment_id = db.session.scalar(select(Payment.id).filter_by(order_id=order_id))
        causes = db.session.scalars(select(PaymentEvent.cause).filter_by(payment_id=payment_id)).all()
    notes = [cause for cause in causes if cause.startswith("결제창을 닫")]
    assert len(notes) == 1 and "PAY_PROCESS_CANCELED" in notes[0]
    toss_shop.client.get(toss_shop.path(toss_shop.pay(order_id)))
    receipt = toss_shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "영수증" in receipt and "결제가 완료되었습니다" in receipt and QUIT_TEXT not in receipt


def test_a_payment_not_yet_left_still_reads_as_waiting(toss_shop):
    order_id = toss_shop.start()
    toss_shop.open_window(order_id)
    page = toss_shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "결제를 기다리고 있습니다" in page and QUIT_TEXT not in page


def test_a_refused_card_ends_failed_with_its_code(toss_shop):
    order_id = toss_shop.start()
    fail = toss_shop.in_window(order_id, "fail")
    toss_shop.client.get(toss_shop.path(fail))
    payment = toss_shop.payment(order_id)
    assert payment.status == "failed" and payment.failure_code == "REJECT_CARD_COMPANY"


def test_a_closed_window_ends_결제_중단_by_expiry(make_test_app):
    app = make_test_app(TOSS_SANDBOX_SESSION_TTL=1, STALE_AFTER=0)
    shop = TossShop(app)
    order_id = shop.start()
    shop.open_window(order_id)  # …and closed: nothing comes back
    time.sleep(1.1)
    shop.client.get(f"/payments/{order_id}")
    assert shop.payment(order_id).status == "cancelled"


def test_an_order_whose_window_never_opened_ends_after_the_window_time(make_test_app):
    app = make_test_app(TOSS_WINDOW_SECONDS=2, STALE_AFTER=0)  # stored times have whole seconds: up to 1 s early
    shop = TossShop(app)
    order_id = shop.start()
    shop.client.get(f"/payments/{order_id}")
    assert shop.payment(order_id).status == "ready"  # Toss knows nothing yet: the buyer may still open it
    time.sleep(2.1)
    shop.client.get(f"/payments/{order_id}")
    assert shop.payment(order_id).status == "cancelled"


def test_refund_with_a_reason_and_a_lying_webhook(app, toss_shop, console):
    order_id = toss_shop.start()
    toss_shop.client.get(toss_shop.path(toss_shop.pay(order_id)))
    payment = toss_shop.payment(order_id)
    form = {"amount": "1000", "seen_canceled": "0", "reason": "상품 파손", "confirmed": "1"}
    console.post(f"/payments/{order_id}/refund", data=form)
    payment = toss_shop.payment(order_id)
    assert payment.canceled_amount == 1000 and payment.status == "partially_refunded"
    forged = {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": order_id, "status": "CANCELED"}}
    for _ in range(2):  # forged, then replayed
        assert toss_shop.client.post("/payments/webhooks/tosspayments", json=forged).status_code == 200
    assert toss_shop.payment(order_id).canceled_amount == 1000  # the lookup said otherwise
    unknown = {"eventType": "PAYMENT_STATUS_CHANGED", "data": {"orderId": "nobody-here", "paymentKey": "x"}}
    assert toss_shop.client.post("/payments/webhooks/tosspayments", json=unknown).status_code == 200
    assert toss_shop.client.post("/payments/webhooks/nowhere", json=unknown).status_code == 404


KEYS = st.sampled_from(["eventType", "data", "orderId", "status", "paymentKey"]) | st.text(max_size=10)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=80),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=JSON)
def test_any_webhook_body_is_answered_200_and_changes_nothing(app, toss_shop, body):
    """Unsigned and anyone's to send: whatever the body, Toss gets its 200 and the books only follow a lookup."""
    response = toss_shop.client.post("/payments/webhooks/tosspayments", json=body)
    assert response.status_code == 200
    raw = toss_shop.client.post("/payments/webhooks/tosspayments", data=b"\xff{", content_type="application/json")
    assert raw.status_code == 200
