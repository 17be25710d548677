"""POST /payments/<order_id>/refund: every branch."""

from sqlalchemy import func, select

from demo.extensions import db
from demo.payments.models import ApiExchange

from .conftest import order_api


def refund(shop, order_id, htmx=True, **form):
    data = {"seen_canceled": shop.payment(order_id).canceled_amount, **form}
    headers = {"HX-Request": "true"} if htmx else {}
    return shop.client.post(f"/payments/{order_id}/refund", data=data, headers=headers)


def test_two_partial_refunds_then_no_more(shop, paid):
    order_id = paid()
    first = refund(shop, order_id, kind="partial", amount="1,000").get_data(as_text=True)
    assert "1,000원을 결제 취소(환불)했습니다" in first and "부분 취소" in first and "<html" not in first
    payment = shop.payment(order_id)
    assert (payment.status, payment.canceled_amount, payment.cancel_available_amount) == (
        "partially_refunded",
        1000,
        3400,
    )
    assert (payment.canceled_vat_amount, payment.canceled_tax_free_amount) == (91, 0)
    second = refund(shop, order_id, kind="full").get_data(as_text=True)
    assert "3,400원을 결제 취소(환불)했습니다" in second and "더 취소할 금액이 없습니다" in second
    payment = shop.payment(order_id)
    assert (payment.status, payment.canceled_amount, payment.canceled_vat_amount) == ("refunded", 4400, 400)
    assert "승인된 결제만" in refund(shop, order_id, kind="partial", amount="1").get_data(as_text=True)
    order = order_api(shop.app, payment.tid)
    assert order["status"] == "CANCEL_PAYMENT" and order["canceled_amount"]["total"] == 4400
    assert order["canceled_amount"]["vat"] == 400


def test_tax_free_refund_sends_the_tax_free_split(shop, paid):
    order_id = paid(product="jeju-tangerine", quantity=1)
    refund(shop, order_id, kind="partial", amount="5000")
    payment = shop.payment(order_id)
    assert (payment.canceled_tax_free_amount, payment.canceled_vat_amount) == (5000, 0)
    assert order_api(shop.app, payment.tid)["canceled_amount"]["tax_free"] == 5000


def test_bad_amounts_change_nothing(shop, paid):
    order_id = paid()
    for amount, message in (
        ("0", "1원부터"),
        ("-5", "1원부터"),
        ("4401", "취소 가능 금액(4,400원)"),
        ("many", "숫자로"),
    ):
        page = refund(shop, order_id, kind="partial", amount=amount).get_data(as_text=True)
        assert message in page
    assert shop.payment(order_id).canceled_amount == 0
    with shop.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiExchange).filter_by(endpoint="cancel")) == 0


def test_refund_of_an_unapproved_payment_is_refused(shop):
    order_id = shop.start()
    assert "승인된 결제만" in refund(shop, order_id, kind="full").get_data(as_text=True)
    assert shop.payment(order_id).status == "ready"


def test_a_double_submitted_refund_refunds_once(shop, paid):
    order_id = paid()
    form = {"kind": "partial", "amount": "1000", "seen_canceled": 0}
    shop.client.post(f"/payments/{order_id}/refund", data=form, headers={"HX-Request": "true"})
    again = shop.client.post(f"/payments/{order_id}/refund", data=form, headers={"HX-Request": "true"})
    assert "이미 처리된 취소 요청" in again.get_data(as_text=True)
    assert shop.payment(order_id).canceled_amount == 1000
    assert order_api(shop.app, shop.payment(order_id).tid)["canceled_amount"]["total"] == 1000


def test_refund_without_javascript_redirects_to_the_receipt(shop, paid):
    order_id = paid()
    response = refund(shop, order_id, htmx=False, kind="full")
    assert response.status_code == 303 and response.location == f"/payments/{order_id}"
    assert "4,400원을 결제 취소(환불)했습니다" in shop.client.get(response.location).get_data(as_text=True)


def test_unknown_order_is_404(shop):
    assert shop.client.post("/payments/nope/refund", data={"kind": "full", "seen_canceled": 0}).status_code == 404


def test_the_form_asks_to_confirm_the_amount_and_kind_first(shop, paid):
    order_id = paid()
    for htmx in (True, False):
        review = refund(shop, order_id, htmx=htmx, step="review", kind="partial", amount="1,000")
        page = review.get_data(as_text=True)
        assert review.status_code == 200 and "1,000원을 부분 결제 취소(환불)할까요?" in page
        assert 'name="amount" value="1000"' in page and "취소 후 취소 가능 금액은 3,400원입니다" in page
        assert ("<html" in page) is not htmx
    full = refund(shop, order_id, step="review", kind="full").get_data(as_text=True)
    assert "4,400원을 전액 결제 취소(환불)할까요?" in full
    assert shop.payment(order_id).canceled_amount == 0  # nothing refunded by a review
    refund(shop, order_id, kind="partial", amount="1000")
    assert shop.payment(order_id).canceled_amount == 1000


def test_an_error_stays_beside_the_field_with_the_typed_amount(shop, paid):
    order_id = paid()
    for htmx, status in ((True, 200), (False, 422)):
        response = refund(shop, order_id, htmx=htmx, step="review", kind="partial", amount="9,999")
        page = response.get_data(as_text=True)
        assert response.status_code == status and 'value="9,999"' in page and 'aria-invalid="true"' in page
        assert 'id="refund-error"' in page and "취소 가능 금액(4,400원)" in page and "할까요?" not in page
    assert shop.payment(order_id).canceled_amount == 0


def test_the_reason_goes_through_review_and_stays_with_the_refund(shop, paid):
    order_id = paid()
    review = refund(shop, order_id, step="review", kind="partial", amount="1000", reason="  상품  파손 ")
    html = review.get_data(as_text=True)
    assert 'data-testid="review-reason">상품 파손<' in html and 'name="reason" value="상품 파손"' in html
    refund(shop, order_id, kind="partial", amount="1000", reason="상품 파손")
    refund(shop, order_id, kind="full")  # no reason typed: 고객 요청
    page = shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert page.count('data-testid="refund-reason">상품 파손<') == 1
    assert page.count('data-testid="refund-reason">고객 요청<') == 1


def test_a_reason_too_long_is_refused_before_any_call(shop, paid):
    order_id = paid()
    for step in ({"step": "review"}, {}):
        answer = refund(shop, order_id, htmx=False, kind="partial", amount="1000", reason="가" * 201, **step)
        assert answer.status_code == 422 and "취소 사유는" in answer.get_data(as_text=True)
    assert shop.payment(order_id).canceled_amount == 0
    with shop.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiExchange).filter_by(endpoint="cancel")) == 0
