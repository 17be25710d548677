"""The Toss sandbox's SDK stand-in and window in Chromium: a PC opens it as a popup over the page (and the page goes
to successUrl when the popup pays), a phone as the page itself; card and 토스페이, a quit (window closed: nothing
sent), a failure. The sandbox's own SDK 시험 페이지 calls the SDK, as a merchant's checkout page would."""

import pytest
from playwright.sync_api import expect

from ..sandbox_toss.conftest import Toss
from .axe import assert_accessible, horizontal_overflow
from .conftest import IPHONE_SAFARI

TRY = "/sandbox/tosspayments/try"


def order_id(page) -> str:
    return page.get_by_test_id("try-order-id").inner_text()


def open_popup(page, base: str):
    page.goto(base + TRY)
    with page.expect_popup() as opened:
        page.get_by_role("button", name="결제하기").click()
    popup = opened.value
    expect(popup.get_by_test_id("toss-amount")).to_have_text("15,000원")
    return popup


def test_desktop_card_in_a_popup_reaches_success_url_then_confirms(desktop, live_server, shot):
    popup = open_popup(desktop, live_server.url)
    expect(desktop.get_by_role("dialog", name="토스페이먼츠 결제창")).to_be_visible()
    shot(popup, "window-desktop")
    shot(desktop, "page-under-popup")
    popup.get_by_label("카드사").select_option("삼성카드")
    popup.get_by_role("button", name="15,000원 결제하기").click()
    desktop.wait_for_url("**/try/success?**")
    assert popup.is_closed()
    expect(desktop.get_by_test_id("try-paymentType")).to_have_text("NORMAL")
    expect(desktop.get_by_test_id("try-amount")).to_have_text("15000")
    success = {name: desktop.get_by_test_id(f"try-{name}").inner_text() for name in ("paymentKey", "orderId", "amount")}
    confirmed = Toss(live_server.app).confirm(success).json
    assert confirmed["status"] == "DONE" and confirmed["card"]["issuerCode"] == "51"


def test_desktop_closing_the_popup_sends_nothing(desktop, live_server):
    popup = open_popup(desktop, live_server.url)
    order = order_id(desktop)
    popup.close()
    expect(desktop.get_by_role("dialog", name="토스페이먼츠 결제창")).to_have_count(0)
    assert desktop.url.endswith(TRY)
    assert Toss(live_server.app).get(f"/orders/{order}").json["status"] == "READY"  # nothing changed at Toss


def test_desktop_failure_goes_to_fail_url(desktop, live_server):
    popup = open_popup(desktop, live_server.url)
    order = order_id(desktop)
    popup.get_by_text("테스트 옵션").click()
    popup.get_by_role("button", name="결제 실패 만들기").click()
    desktop.wait_for_url("**/try/fail?**")
    expect(desktop.get_by_test_id("try-code")).to_have_text("REJECT_CARD_COMPANY")
    expect(desktop.get_by_test_id("try-orderId")).to_have_text(order)
    assert Toss(live_server.app).get(f"/orders/{order}").json["status"] == "ABORTED"


def test_phone_tosspay_in_the_page(phone, live_server, shot):
    page = phone()
    page.goto(live_server.url + TRY)
    page.get_by_role("button", name="결제하기").click()
    page.wait_for_url("**/v2/checkout/**")
    assert horizontal_overflow(page) == 0
    page.get_by_role("radio", name="토스페이").check()
    page.get_by_label("결제 방법").select_option("money")
    shot(page, "window-phone")
    page.get_by_role("button", name="15,000원 결제하기").click()
    page.wait_for_url("**/try/success?**")
    success = {name: page.get_by_test_id(f"try-{name}").inner_text() for name in ("paymentKey", "orderId", "amount")}
    confirmed = Toss(live_server.app).confirm(success).json
    assert (confirmed["method"], confirmed["easyPay"]["provider"], confirmed["card"]) == ("간편결제", "토스페이", None)


def test_phone_card_then_cancel_in_the_window(phone, live_server):
    page = phone()
    page.goto(live_server.url + TRY)
    page.get_by_label("결제수단").select_option("CARD")
    page.get_by_role("button", name="결제하기").click()
    page.get_by_role("button", name="취소", exact=True).click()
    page.wait_for_url("**/try/fail?**")
    expect(page.get_by_test_id("try-code")).to_have_text("PAY_PROCESS_CANCELED")


def test_sdk_refuses_bad_parameters_before_opening(desktop, live_server):
    desktop.goto(live_server.url + TRY)
    desktop.get_by_label("결제 금액 (원)").fill("0")
    desktop.get_by_label("주문명").fill("x")
    desktop.evaluate("document.querySelector('[data-try]').noValidate = true")
    desktop.get_by_role("button", name="결제하기").click()
    expect(desktop.get_by_role("alert")).to_contain_text("BELOW_ZERO_AMOUNT")
    assert len(desktop.context.pages) == 1


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_window_and_pages_are_accessible(new_context, live_server, screen, shot):
    options = {"viewport": {"width": 1280, "height": 800}}
    if screen == "phone":
        options = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "user_agent": IPHONE_SAFARI}
    page = new_context(bypass_csp=True, **options).new_page()
    toss = Toss(live_server.app)
    live_server.app.config["WTF_CSRF_ENABLED"] = False  # the test client pays without the window's CSRF token
    paid = toss.paid(amount="60000")
    live_server.app.config["WTF_CSRF_ENABLED"] = True
    pages = {
        "try": TRY,
        "window": toss.open(amount="60000"),
        "window-paid": paid["checkout"]["url"].removeprefix(live_server.url),
        "receipt": paid["receipt"]["url"].removeprefix(live_server.url),
        "success": TRY + "/success?paymentType=NORMAL&orderId=o&paymentKey=k&amount=1",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        if name == "window":
            page.get_by_text("테스트 옵션").click()
            shot(page, f"window-{screen}")
        assert_accessible(page, f"{screen} {name}")
        assert screen == "desktop" or horizontal_overflow(page) == 0, name
