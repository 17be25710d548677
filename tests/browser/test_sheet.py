"""The emulated KakaoPay sheet in Chromium: keypad, wrong password, 할부, countdown, PC cancel, Back, no-JS."""

import random
import re

from playwright.sync_api import expect
from sqlalchemy import select

from demo.extensions import db
from demo.sandbox.models import SandboxPayment

from .conftest import IPHONE_KAKAOTALK, IPHONE_SAFARI
from .test_flow import buy, pay_on_sheet


def sandbox_status(live_server) -> str:
    with live_server.app.app_context():
        return db.session.scalars(select(SandboxPayment.status).order_by(SandboxPayment.id.desc())).first()


def seconds(text: str) -> int:
    minutes, secs = text.split(":")
    return int(minutes) * 60 + int(secs)


def test_card_with_installments_through_the_keypad(live_server, phone, shot):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url, "payments-book", 3)
    expect(page.get_by_test_id("sandbox-merchant")).to_have_text("Strada")
    expect(page.get_by_role("heading", level=1)).to_have_text("결제수단 선택")
    page.get_by_role("radio", name="카드").check()
    page.get_by_label("카드사").select_option("현대카드")
    page.get_by_label("할부").select_option(label="3개월")
    page.wait_for_timeout(1300)  # the bridge screen fades out
    shot(page, "sheet")
    page.get_by_role("button", name="66,000원 결제하기").click()
    expect(page.get_by_text("현대카드 · 3개월 할부")).to_be_visible()
    expect(page.locator(".kp-dots span.on")).to_have_count(0)
    for digit in "1234":
        page.locator(f"[data-key='{digit}']").click()
    expect(page.locator(".kp-dots span.on")).to_have_count(4)
    page.get_by_role("button", name="한 자리 지우기").click()
    expect(page.locator(".kp-dots span.on")).to_have_count(3)
    shot(page, "keypad")
    for digit in "456":
        page.locator(f"[data-key='{digit}']").click()
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    expect(page.locator(".receipt")).to_contain_text("현대카드")
    expect(page.locator(".receipt")).to_contain_text(re.compile(r"0?3개월"))


def test_any_six_digits_on_the_keypad_pay(live_server, phone, shot):
    """A teammate types their own digits: KakaoPay's test mode skips authentication, and the keypad says so."""
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    digits = "".join(random.choice("0123456789") for _ in range(6))
    page.get_by_role("button", name="4,400원 결제하기").click()
    expect(page.get_by_test_id("password-rule")).to_have_text("테스트 결제: 아무 숫자 6자리나 누르면 결제됩니다")
    shot(page, "keypad-rule")
    for digit in digits:
        page.locator(f"[data-key='{digit}']").click()
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")


def test_the_wrong_password_option_fails_the_payment(live_server, phone, shot):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    pay_on_sheet(page, "4,400원", password="123456", wrong_password=True)
    expect(page).to_have_url(re.compile(r"/fail$"))
    expect(page.get_by_test_id("status")).to_have_text("결제 실패")
    assert sandbox_status(live_server) == "FAIL_AUTH_PASSWORD"
    shot(page, "failed")


def test_wrong_password_on_a_scanned_sheet_sends_the_pc_to_fail(live_server, desktop, phone):
    buy(desktop, live_server.url)
    mobile = phone(IPHONE_KAKAOTALK)
    mobile.goto(desktop.get_by_test_id("scan-link").get_attribute("href"))
    pay_on_sheet(mobile, "4,400원", password="999999", wrong_password=True)
    expect(mobile.get_by_test_id("sheet-closed")).to_contain_text("결제 비밀번호가 맞지 않습니다")
    expect(desktop).to_have_url(re.compile(r"/fail$"))


def test_countdown_counts_down_on_pc_and_sheet(live_server, desktop, phone):
    buy(desktop, live_server.url)
    timer = desktop.get_by_test_id("sandbox-timer")
    first = seconds(timer.inner_text())
    desktop.wait_for_timeout(2500)
    assert 1 <= first - seconds(timer.inner_text()) <= 4
    mobile = phone(IPHONE_KAKAOTALK)
    mobile.goto(desktop.get_by_test_id("scan-link").get_attribute("href"))
    sheet_timer = mobile.get_by_test_id("sandbox-timer")
    start = seconds(sheet_timer.inner_text())
    mobile.wait_for_timeout(2200)
    assert 1 <= start - seconds(sheet_timer.inner_text()) <= 3
    first_now = seconds(timer.inner_text())  # the PC status swapped (OPEN_PAYMENT): its timer still counts
    desktop.wait_for_timeout(1500)
    assert seconds(timer.inner_text()) < first_now


def test_quit_on_the_pc_closes_the_open_sheet(live_server, desktop, phone, shot):
    buy(desktop, live_server.url)
    mobile = phone(IPHONE_KAKAOTALK)
    mobile.goto(desktop.get_by_test_id("scan-link").get_attribute("href"))
    expect(mobile.get_by_role("button", name="4,400원 결제하기")).to_be_visible()
    desktop.get_by_role("button", name="결제 중단").click()
    expect(desktop).to_have_url(re.compile(r"/cancel$"))
    expect(mobile.get_by_test_id("sheet-closed")).to_contain_text("결제를 중단했습니다", timeout=6000)
    expect(mobile.get_by_role("button", name="4,400원 결제하기")).to_have_count(0)
    shot(mobile, "closed")


def test_back_after_paying_shows_no_live_sheet(live_server, phone):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    pay_on_sheet(page, "4,400원")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    page.go_back()
    expect(page.get_by_test_id("sheet-closed")).to_contain_text("결제가 완료되었습니다")
    expect(page.get_by_role("button", name=re.compile("결제하기$"))).to_have_count(0)


def test_keypad_without_javascript(live_server, new_context, shot):
    page = new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, user_agent=IPHONE_SAFARI
    ).new_page()
    buy(page, live_server.url)
    page.get_by_role("button", name="4,400원 결제하기").click()
    page.get_by_label("비밀번호 6자리").fill("123")
    page.get_by_role("button", name="확인").click()  # the browser refuses 3 digits (the server would too)
    expect(page.get_by_role("heading", name="결제 비밀번호 입력")).to_be_visible()
    assert page.get_by_label("비밀번호 6자리").evaluate("input => input.validity.valid") is False
    expect(page.locator("[data-keypad]")).to_be_hidden()
    shot(page, "keypad-nojs")
    page.get_by_label("비밀번호 6자리").fill("123456")
    page.get_by_role("button", name="확인").click()
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")


def test_kakaotalk_payment_request_without_javascript(live_server, new_context, shot):
    page = new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800}).new_page()
    buy(page, live_server.url)
    page.get_by_role("link", name="카톡결제 · 휴대폰 번호로 결제 요청 보내기").click()
    page.get_by_label("휴대폰 번호").fill("010-1234-5678")
    page.get_by_label("생년월일 6자리").fill("9001")
    page.get_by_role("button", name="결제 요청 보내기").click()
    expect(page.locator("#kp-tms-error")).to_contain_text("생년월일을 6자리 숫자로")
    page.wait_for_timeout(3500)  # the QR page refreshes every 3 s without JS; this page must not
    expect(page.get_by_label("휴대폰 번호")).to_have_value("010-1234-5678")
    expect(page.get_by_label("생년월일 6자리")).to_have_value("9001")
    shot(page, "tms-error")
    page.get_by_label("생년월일 6자리").fill("900101")
    page.get_by_role("button", name="결제 요청 보내기").click()
    expect(page.get_by_text("010-****-5678 카카오톡으로 결제 요청을 보냈습니다")).to_be_visible()


def test_kakaotalk_payment_request_error_keeps_input_with_htmx(live_server, desktop, shot):
    buy(desktop, live_server.url)
    desktop.get_by_role("link", name="카톡결제 · 휴대폰 번호로 결제 요청 보내기").click()
    expect(desktop.get_by_label("휴대폰 번호")).to_be_focused()  # focus follows the swap
    desktop.get_by_label("휴대폰 번호").fill("02-123")
    desktop.get_by_label("생년월일 6자리").fill("900101")
    desktop.get_by_role("button", name="결제 요청 보내기").click()
    expect(desktop.locator("#kp-tms-error")).to_contain_text("010으로 시작하는")
    expect(desktop.locator("#kp-tms-error")).to_be_focused()
    expect(desktop.get_by_label("휴대폰 번호")).to_have_value("02-123")
    expect(desktop).to_have_url(re.compile(r"/info$"))
    shot(desktop, "tms-error")
