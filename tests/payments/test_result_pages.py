"""Issue 13 part C: what buyers read on result, receipt and error pages (the glossary, no developer text)."""

import re

from demo.payments.models import Status

from ..conftest import sign_in

DEVELOPER_TEXT = ("injected", "pc 흐름", "mobile 흐름", "QUIT_PAYMENT", "[-", "timeout", "pg_token", "→", "HTTP ")


def text_of(response) -> str:
    """The visible text of a page (tags, scripts and styles dropped)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_glossary_labels():
    assert Status.LABELS["cancelled"] == "결제 중단" and Status.LABELS["failed"] == "결제 실패"
    assert "결제 취소" not in Status.LABELS.values()  # 결제 취소 is a refund (부분 취소 / 전액 취소)


def test_a_quit_payment_gets_a_neutral_result_page_not_a_receipt(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.on_sheet(order_id, "quit")))
    page = text_of(shop.client.get(f"/payments/{order_id}"))
    assert "결제를 중단했습니다" in page and "결제된 금액은 없습니다" in page and "다시 결제하기" in page
    assert "영수증" not in page and "결제 금액" not in page and "결제 취소" not in page and "주문 내용" in page
    html = shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    assert "icon-neutral" in html and "icon-bad" not in html and "data-print" not in html
    assert not [word for word in DEVELOPER_TEXT if word in page]


def test_a_failed_payment_gets_a_warning_result_page_with_a_next_step(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id, fault="approve_fail")))
    response = shop.client.get(f"/payments/{order_id}")
    page = text_of(response)
    assert "결제에 실패했습니다" in page and "다른 결제수단으로 다시 결제하기" in page and "영수증" not in page
    assert "icon-warn" in response.get_data(as_text=True)
    assert not [word for word in DEVELOPER_TEXT if word in page]


def test_a_paid_payment_gets_a_receipt_with_the_supply_amount(shop):
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    page = text_of(shop.client.get(f"/payments/{order_id}"))
    assert "영수증" in page and "결제 금액 4,400원" in page and "공급가액 4,000원" in page and "부가세 400원" in page
    assert not [word for word in DEVELOPER_TEXT if word in page]
    assert "처리 기록" not in page  # the API timeline is the console's


def test_the_receipt_refreshes_without_javascript_only_while_in_flight(shop):
    order_id = shop.start()
    refresh = '<noscript><meta http-equiv="refresh"'
    assert refresh in shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
    shop.client.get(shop.path(shop.pay(order_id)))
    assert refresh not in shop.client.get(f"/payments/{order_id}").get_data(as_text=True)


def test_the_400_and_not_yet_pages_speak_korean_only(shop):
    order_id = shop.start()
    for path in (f"/payments/{order_id}/approve", f"/payments/{order_id}/approve?pg_token=forged"):
        page = text_of(shop.client.get(path))
        assert "결제" in page and not [word for word in DEVELOPER_TEXT if word in page], page


def test_the_404_page_fits_the_url(client):
    order = text_of(client.get("/payments/nope"))
    assert "주문을 찾을 수 없습니다" in order and "내 주문 보기" in order
    other = text_of(client.get("/products/nope"))
    assert "페이지를 찾을 수 없습니다" in other and "내 주문" not in other.replace("내 주문 내 구독", "")
    assert "주문" not in other.split("페이지를 찾을 수 없습니다")[-1]


def test_the_merchant_sees_codes_on_error_pages(client):
    assert "HTTP 404" not in text_of(client.get("/products/nope"))
    sign_in(client)
    assert "HTTP 404" in text_of(client.get("/products/nope"))
