"""Refund swap, history filtering and the presenter view, in Chromium."""

import re

from playwright.sync_api import expect

from .conftest import IPHONE_SAFARI, sign_in
from .test_flow import buy, pay_on_sheet


def pay_on_phone(page, base_url, slug="choco-pie", quantity=2):
    buy(page, base_url, slug, quantity)
    pay_on_sheet(page)
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")


def test_refund_in_two_steps_swaps_the_receipt(live_server, phone, shot):
    page = phone(IPHONE_SAFARI)
    pay_on_phone(page, live_server.url)
    receipt = page.url
    expect(page.get_by_label("부분 취소 금액")).to_have_count(0)  # the buyer views; refunds are the console's
    sign_in(page, live_server.url)  # the merchant, on a phone
    page.goto(receipt)
    page.get_by_label("부분 취소 금액").fill("9,999")
    page.get_by_role("button", name="부분 취소").click()
    expect(page.get_by_test_id("refund-error")).to_contain_text("취소 가능 금액(4,400원)")
    expect(page.get_by_label("부분 취소 금액")).to_have_value("9,999")  # kept, beside its error
    page.get_by_label("부분 취소 금액").fill("1,000")
    page.get_by_label("취소 사유").fill("상품 파손")
    page.get_by_role("button", name="부분 취소").click()
    expect(page.get_by_test_id("refund-review")).to_contain_text("1,000원을 부분 결제 취소(환불)할까요?")
    expect(page.get_by_test_id("review-reason")).to_have_text("상품 파손")
    shot(page, "review")
    confirm = page.get_by_role("button", name="1,000원 결제 취소(환불)하기")
    expect(confirm).to_be_focused()
    confirm.click()
    expect(page.get_by_test_id("refund-message")).to_have_text("1,000원을 결제 취소(환불)했습니다.")
    expect(page.get_by_test_id("status")).to_have_text("부분 취소")
    expect(page.get_by_test_id("refund-available")).to_have_text("3,400원")
    expect(page.get_by_test_id("refund-reason")).to_have_text("상품 파손")
    shot(page, "partial")
    page.get_by_role("button", name="전액 취소 3,400원").click()
    expect(page.get_by_test_id("refund-review")).to_contain_text("3,400원을 전액 결제 취소(환불)할까요?")
    page.get_by_role("button", name="3,400원 결제 취소(환불)하기").click()
    expect(page.get_by_test_id("status")).to_have_text("전액 취소")
    expect(page.get_by_text("더 취소할 금액이 없습니다")).to_be_visible()
    expect(page.get_by_test_id("canceled")).to_have_text("4,400원")
    shot(page, "refunded")
    page.evaluate("window.print = () => { window.printed = true; }")  # 인쇄 works from static/js, not inline
    page.get_by_role("button", name="인쇄").click()
    assert page.evaluate("window.printed") is True


def test_refund_without_javascript_asks_first_then_refunds(live_server, new_context, phone, shot):
    buyer = phone(IPHONE_SAFARI)
    pay_on_phone(buyer, live_server.url)
    page = new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False).new_page()
    sign_in(page, live_server.url)
    page.goto(buyer.url)
    page.get_by_label("부분 취소 금액").fill("abc")
    page.get_by_role("button", name="부분 취소", exact=True).click()
    expect(page.get_by_test_id("refund-error")).to_contain_text("숫자로")
    expect(page.get_by_label("부분 취소 금액")).to_have_value("abc")
    page.get_by_label("부분 취소 금액").fill("1,500")
    page.get_by_role("button", name="부분 취소", exact=True).click()
    expect(page.get_by_test_id("refund-review")).to_contain_text("1,500원을 부분 결제 취소(환불)할까요?")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")  # nothing refunded yet
    shot(page, "review")
    page.get_by_role("link", name="돌아가기").click()
    expect(page.get_by_test_id("refund-review")).to_have_count(0)
    page.get_by_role("button", name="전액 취소 4,400원").click()
    page.get_by_role("button", name="4,400원 결제 취소(환불)하기").click()
    expect(page.get_by_test_id("refund-message")).to_have_text("4,400원을 결제 취소(환불)했습니다.")
    expect(page.get_by_test_id("status")).to_have_text("전액 취소")


def test_history_filters_with_htmx(live_server, desktop, phone, shot):
    page = phone(IPHONE_SAFARI)
    pay_on_phone(page, live_server.url)
    buy(page, live_server.url, "americano", 1)
    page.get_by_role("button", name="결제 중단").click()
    sign_in(desktop, live_server.url)
    desktop.goto(f"{live_server.url}/payments")
    expect(desktop.get_by_test_id("count")).to_have_text("2건")
    expect(desktop.get_by_test_id("net-total")).to_have_text("4,400원")
    shot(desktop, "all")
    desktop.get_by_label("상태").select_option("cancelled")
    expect(desktop.get_by_test_id("count")).to_have_text("1건")
    expect(desktop).to_have_url(re.compile(r"status=cancelled"))
    expect(desktop.locator("tbody")).to_contain_text("아메리카노")
    desktop.reload()  # the filter lives in the URL
    expect(desktop.get_by_test_id("count")).to_have_text("1건")
    page.goto(f"{live_server.url}/orders")  # the buyer's own orders, on the phone
    expect(page.get_by_test_id("my-order")).to_have_count(2)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/payments")
    shot(page, "phone")


def test_presenter_follows_a_live_payment(live_server, new_context, shot):
    context = new_context(viewport={"width": 1920, "height": 1080})
    presenter = context.new_page()
    sign_in(presenter, live_server.url)
    presenter.goto(f"{live_server.url}/presenter/")
    shot(presenter, "start")
    presenter.get_by_label("모바일 웹").check()
    presenter.get_by_role("button", name="새 데모 결제").click()
    expect(presenter).to_have_url(re.compile(r"/presenter/[\w-]+$"))
    steps = presenter.get_by_test_id("step")
    paying = steps.filter(has_text="모바일 결제창에서 결제")
    expect(paying).to_have_attribute("data-state", "active")  # waiting for the user on the sheet
    expect(presenter.locator(".pr-exchange").last).to_contain_text("POST ready")
    expect(presenter.locator(".pr-live")).to_contain_text("주문 조회(order) API")
    shot(presenter, "waiting")
    with context.expect_page() as opened:
        presenter.get_by_test_id("open-sheet").click()
    sheet = opened.value
    expect(presenter.locator(".pr-self", has_text="결제창 열림")).to_have_attribute(
        "data-state", "done"
    )  # seen by the order API
    pay_on_sheet(sheet)
    expect(sheet.get_by_test_id("status")).to_have_text("결제 완료")
    expect(presenter.locator("#diagram")).to_have_attribute("data-status", "approved")
    expect(steps.last).to_have_text(re.compile("303 → 영수증"))
    expect(steps.last).to_have_attribute("data-state", "done")
    expect(presenter.locator(".pr-exchange").first).to_contain_text("POST approve")
    expect(presenter.locator(".pr-exchange").first).to_contain_text("(masked)")
    shot(presenter, "approved")
