"""Every payment flow, clicked through in Chromium as teammates would, against the built-in sandbox."""

import re

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from .conftest import ANDROID_KAKAOTALK, IPHONE_KAKAOTALK, IPHONE_SAFARI, wait_until


def buy(page, base_url: str, slug: str = "choco-pie", quantity: int = 2) -> None:
    page.goto(f"{base_url}/products/{slug}?quantity={quantity}")
    page.get_by_role("button", name="카카오페이로 결제").click()


def pay_on_sheet(page, amount: str | None = None, password: str = "123456", wrong_password: bool = False) -> None:
    """결제하기 on the sheet, then the 결제 비밀번호 on the keypad (six digits submit it; any six pay, unless the
    keypad's test option 비밀번호 오류로 끝내기 is ticked)."""
    name = f"{amount} 결제하기" if amount else re.compile("결제하기$")
    page.get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", name="결제 비밀번호 입력")).to_be_visible()
    if wrong_password:
        page.locator(".kp-test summary").click()
        page.get_by_label("비밀번호 오류로 끝내기").check()
    for digit in password:
        page.locator(f"[data-key='{digit}']").click()


def scan_qr(page, tmp_path) -> str:
    """Decode the QR code on the PC page from a screenshot, as a phone camera would."""
    path = tmp_path / "qr.png"
    page.get_by_test_id("sandbox-qr").screenshot(path=str(path))
    codes = zxingcpp.read_barcodes(Image.open(path))
    assert len(codes) == 1
    return codes[0].text


def test_desktop_qr_scanned_by_kakaotalk_on_iphone(live_server, desktop, phone, shot, tmp_path):
    buy(desktop, live_server.url)
    expect(desktop).to_have_url(re.compile(r"/sandbox/kakaopay/mockup/v1/[\w-]+/info$"))
    expect(desktop.get_by_test_id("sandbox-amount")).to_have_text("4,400원")
    expect(desktop.get_by_test_id("sandbox-timer")).to_have_text(re.compile(r"1[45]:\d\d"))
    shot(desktop, "pc-qr")
    scan_url = scan_qr(desktop, tmp_path)
    assert scan_url.startswith(live_server.url) and scan_url.endswith("/scan")

    mobile = phone(IPHONE_KAKAOTALK)
    mobile.goto(scan_url)
    expect(desktop.get_by_test_id("sandbox-status")).to_have_attribute("data-status", "OPEN_PAYMENT")
    mobile.get_by_role("radio", name=re.compile("^카드")).check()
    expect(desktop.get_by_test_id("sandbox-status")).to_have_attribute("data-status", "SELECT_METHOD")
    shot(mobile, "scan-sheet")
    pay_on_sheet(mobile, "4,400원")
    expect(mobile.get_by_text("PC 화면을 확인해 주세요")).to_be_visible()
    expect(mobile.get_by_test_id("sheet-closed")).to_contain_text("결제가 완료되었습니다")
    shot(mobile, "scan-done")

    expect(desktop).to_have_url(re.compile(r"/payments/[\w-]+$"))
    expect(desktop.get_by_test_id("status")).to_have_text("결제 완료")
    expect(desktop.get_by_test_id("receipt-total")).to_have_text("4,400원")
    expect(desktop.get_by_test_id("receipt-vat")).to_have_text("400원")
    expect(desktop.locator(".receipt")).to_contain_text("신한카드")
    shot(desktop, "receipt")
    mobile.reload()  # the sheet after completion: no second payment
    expect(mobile.get_by_test_id("sheet-closed")).to_contain_text("결제가 완료되었습니다")


def test_iphone_safari_pays_on_the_mobile_page(live_server, phone, shot):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/mInfo$"))
    shot(page, "mobile-sheet")
    pay_on_sheet(page, "4,400원")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    expect(page.get_by_test_id("receipt-total")).to_have_text("4,400원")
    shot(page, "receipt")


def test_kakaotalk_in_app_browser_pays_on_the_app_page(live_server, phone, shot):
    page = phone(ANDROID_KAKAOTALK)
    buy(page, live_server.url, "jeju-tangerine", 1)
    expect(page).to_have_url(re.compile(r"/aInfo$"))
    pay_on_sheet(page, "15,000원")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    expect(page.locator(".receipt")).to_contain_text("카카오페이머니")
    shot(page, "receipt")


def test_quit_on_the_sheet_lands_on_the_cancel_page(live_server, phone, shot):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    page.get_by_role("button", name="결제 중단").click()
    expect(page).to_have_url(re.compile(r"/cancel$"))
    expect(page.get_by_test_id("outcome")).to_contain_text("결제를 중단했습니다")
    expect(page.get_by_role("link", name="다시 결제하기")).to_be_visible()
    shot(page, "cancelled")


def test_simulated_failure_lands_on_the_fail_page(live_server, phone, shot):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    page.get_by_text("테스트 옵션").click()
    page.get_by_role("button", name="결제 실패 만들기").click()
    expect(page).to_have_url(re.compile(r"/fail$"))
    expect(page.get_by_test_id("outcome")).to_contain_text("결제에 실패했습니다")
    shot(page, "failed")


def test_approve_fault_ends_on_a_failed_page(live_server, phone, shot):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    page.get_by_text("테스트 옵션").click()
    page.get_by_label("승인 응답").select_option("approve_fail")
    pay_on_sheet(page, "4,400원")
    expect(page.get_by_test_id("status")).to_have_text("결제 실패")
    expect(page.get_by_test_id("outcome")).to_contain_text("결제된 금액은 없습니다")
    expect(page.get_by_test_id("outcome")).not_to_contain_text("-780")  # the code is the console's
    shot(page, "approve-failed")


def test_quitting_on_the_phone_sends_the_pc_to_cancel(live_server, desktop, phone, tmp_path):
    buy(desktop, live_server.url)
    mobile = phone(IPHONE_KAKAOTALK)
    mobile.goto(scan_qr(desktop, tmp_path))
    mobile.get_by_role("button", name="결제 중단").click()
    expect(desktop).to_have_url(re.compile(r"/cancel$"))
    expect(desktop.get_by_test_id("outcome")).to_contain_text("결제를 중단했습니다")


def test_failing_on_the_phone_sends_the_pc_to_fail(live_server, desktop, phone, tmp_path):
    buy(desktop, live_server.url)
    mobile = phone(IPHONE_KAKAOTALK)
    mobile.goto(scan_qr(desktop, tmp_path))
    mobile.get_by_text("테스트 옵션").click()
    mobile.get_by_role("button", name="결제 실패 만들기").click()
    expect(mobile.get_by_test_id("sheet-closed")).to_contain_text("결제에 실패했습니다")
    expect(desktop).to_have_url(re.compile(r"/fail$"))
    expect(desktop.get_by_test_id("status")).to_have_text("결제 실패")


def test_cancel_button_on_the_pc_page(live_server, desktop):
    buy(desktop, live_server.url)
    desktop.get_by_role("button", name="결제 중단").click()
    expect(desktop).to_have_url(re.compile(r"/cancel$"))
    expect(desktop.get_by_test_id("status")).to_have_text("결제 중단")


def test_payment_request_message_to_a_phone_number(live_server, desktop, new_context, shot):
    buy(desktop, live_server.url)
    wait_until(desktop, "window.htmx !== undefined")  # with htmx the request form opens in place on the PC page
    desktop.get_by_role("link", name="카톡결제 · 휴대폰 번호로 결제 요청 보내기").click()
    desktop.get_by_label("휴대폰 번호").fill("010-1234-5678")
    desktop.get_by_label("생년월일 6자리").fill("900101")
    desktop.get_by_role("button", name="결제 요청 보내기").click()
    expect(desktop.get_by_text("010-****-5678 카카오톡으로 결제 요청을 보냈습니다")).to_be_visible()
    expect(desktop.get_by_test_id("sandbox-status")).to_have_attribute("data-status", "SEND_TMS")
    shot(desktop, "pc-tms")

    talk = new_context(viewport={"width": 390, "height": 844}, user_agent=IPHONE_KAKAOTALK).new_page()
    talk.goto(f"{live_server.url}/sandbox/kakaopay/talk")
    talk.get_by_label("휴대폰 번호").fill("01012345678")
    talk.get_by_role("button", name="메시지 보기").click()
    expect(talk.locator(".kp-bubble")).to_contain_text("4,400원 결제를 요청했습니다")
    shot(talk, "inbox")
    talk.get_by_role("link", name="결제하기").click()
    pay_on_sheet(talk, "4,400원")
    expect(desktop.get_by_test_id("status")).to_have_text("결제 완료")
    talk.goto(f"{live_server.url}/sandbox/kakaopay/talk")  # the paid request has no 결제하기 any more
    talk.get_by_label("휴대폰 번호").fill("01012345678")
    talk.get_by_role("button", name="메시지 보기").click()
    expect(talk.get_by_test_id("message-state")).to_have_text("결제가 완료되었습니다")
    expect(talk.get_by_role("link", name="결제하기")).to_have_count(0)
