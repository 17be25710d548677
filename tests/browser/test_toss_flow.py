"""Paying with 토스페이먼츠 in Chromium, as a buyer clicks through: the product page's 토스페이먼츠로 결제, our pay
page, 결제창 열기 (a popup over the dimmed page on a PC, the whole page on a phone), card with 할부 or 토스페이
with 토스머니, a quit (취소: our page says the window is closed and the payment still open, and 다시 결제하기
still pays), a refusal, and the console's refunds with a 취소 사유. axe-core on our pages, the CSP guard
(new_context) on every page. Screenshots on a desktop, a phone and a projector, under tests/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible, horizontal_overflow
from .conftest import IPHONE_SAFARI, sign_in

TIMEOUT = 5_000  # ms: every step of the sandbox answers at once
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": IPHONE_SAFARI,
}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}
SCREENS = {"desktop": DESKTOP, "phone": PHONE, "projector": PROJECTOR}
RECEIPT = re.compile(r"/payments/[\w-]+$")


def page_in(new_context, options: dict, axe: bool = False):
    """A page on that screen. axe=True bypasses the CSP so the injected axe-core runs; the CSP guard then sees
    nothing, so every path below is also walked with axe=False."""
    context = new_context(bypass_csp=axe, **options)
    context.set_default_timeout(TIMEOUT)
    return context.new_page()


def to_pay_page(page, base_url: str, slug: str = "jeju-tangerine", quantity: int = 4) -> None:
    """Product page → 토스페이먼츠로 결제 → our pay page (15,000원 × 4 = 60,000원: 할부 allowed from 5만원)."""
    page.goto(f"{base_url}/products/{slug}?quantity={quantity}")
    page.get_by_role("button", name="토스페이먼츠로 결제").click()
    expect(page).to_have_url(re.compile(r"/payments/[\w-]+/pay$"))
    expect(page.get_by_role("heading", name="토스페이먼츠로 결제")).to_be_visible()


def open_window(page):
    """결제창 열기: a popup on a PC (returned), the page itself on a phone (None)."""
    button = page.get_by_role("button", name="결제창 열기")
    if page.viewport_size["width"] >= 1024:
        with page.expect_popup(timeout=TIMEOUT) as opened:
            button.click()
        window = opened.value
        window.set_default_timeout(TIMEOUT)
        expect(page.get_by_role("dialog", name="토스페이먼츠 결제창")).to_be_visible()
    else:
        button.click()
        window = page
    expect(window).to_have_url(re.compile(r"/sandbox/tosspayments/v2/checkout"))
    expect(window.get_by_role("heading", name="결제수단")).to_be_visible()
    return window


def pay_by_card(window, amount: str, card: str = "삼성카드", months: str | None = None) -> None:
    window.get_by_role("radio", name="카드").check()
    window.get_by_label("카드사").select_option(card)
    if months:
        window.get_by_label("할부").select_option(label=months)
    window.get_by_role("button", name=f"{amount} 결제하기").click()


def expect_receipt(page, method: str) -> None:
    expect(page).to_have_url(RECEIPT)
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    expect(page.get_by_test_id("platform")).to_have_text("토스페이먼츠")
    expect(page.locator(".receipt")).to_contain_text(method)


def test_desktop_pays_by_card_with_installments_in_the_popup(live_server, new_context, shot):
    page = page_in(new_context, DESKTOP)
    page.goto(f"{live_server.url}/products/jeju-tangerine?quantity=4")
    buttons = page.locator(".pay-buttons button")
    expect(buttons).to_have_text(["카카오페이로 결제", "토스페이먼츠로 결제"])
    to_pay_page(page, live_server.url)
    expect(page.get_by_test_id("total")).to_have_text("60,000원")
    widths = [button.bounding_box()["width"] for button in page.locator(".toss-checkout .actions .btn").all()]
    assert widths[0] == widths[1] > 400, widths  # 결제창 열기 and 상품으로 돌아가기, one column across the card
    window = open_window(page)
    expect(window.get_by_test_id("toss-amount")).to_have_text("60,000원")
    expect(window.get_by_label("할부").locator("option")).to_have_count(12)  # 일시불 and 2~12개월
    pay_by_card(window, "60,000원", months="3개월")
    expect_receipt(page, "카드")
    assert window.is_closed()  # the popup sent our page to successUrl and closed
    expect(page.get_by_test_id("receipt-total")).to_have_text("60,000원")
    expect(page.locator(".receipt")).to_contain_text("삼성카드 · 3개월")
    expect(page.get_by_test_id("outcome")).to_contain_text("결제가 완료되었습니다")
    page.reload()  # the receipt again: still one payment, still paid
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")


def test_phone_pays_with_tossmoney_in_the_page(live_server, new_context):
    page = page_in(new_context, PHONE)
    to_pay_page(page, live_server.url, "choco-pie", 2)
    window = open_window(page)
    assert window is page and len(page.context.pages) == 1  # no popup on a phone
    assert horizontal_overflow(page) == 0
    page.get_by_role("radio", name="토스페이").check()
    page.get_by_label("결제 방법").select_option("money")
    page.get_by_role("button", name="4,400원 결제하기").click()
    expect_receipt(page, "간편결제 · 토스페이")
    expect(page.get_by_test_id("receipt-total")).to_have_text("4,400원")
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_quit_then_back_to_the_window_and_pay(live_server, new_context, screen):
    page = page_in(new_context, SCREENS[screen])
    to_pay_page(page, live_server.url, "americano", 1)
    window = open_window(page)
    window.get_by_role("button", name="취소", exact=True).click()
    expect(page).to_have_url(re.compile(r"/toss/fail\?.*code=PAY_PROCESS_CANCELED"))
    if window is not page:
        expect(page.get_by_role("dialog", name="토스페이먼츠 결제창")).to_have_count(0)
    expect(page.get_by_test_id("status")).to_have_text("결제 대기")
    quit_url = page.url
    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_contain_text("결제창을 닫았습니다")
    expect(outcome).to_contain_text("결제는 아직 끝나지 않았습니다")
    # The page's own poll (htmx, the receipt's partial, after 2 s) has swapped it: still the same words; then a reload.
    expect(page.locator("#receipt")).to_have_attribute("hx-get", re.compile(r"poll=2$"), timeout=3 * TIMEOUT)
    expect(outcome).to_contain_text("결제창을 닫았습니다")
    page.reload()
    expect(outcome).to_contain_text("결제창을 닫았습니다")
    expect(outcome).not_to_contain_text("결제를 기다리고 있습니다")
    back = page.get_by_role("link", name="다시 결제하기")
    back.click()
    expect(page).to_have_url(re.compile(r"/payments/[\w-]+/pay$"))
    window = open_window(page)
    pay_by_card(window, "4,500원", card="현대카드")
    expect_receipt(page, "카드")
    page.goto(quit_url)  # the old failUrl again (history, a bookmark): the payment stays paid
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")


def test_a_refusal_ends_failed(live_server, new_context):
    page = page_in(new_context, PHONE)
    to_pay_page(page, live_server.url, "americano", 1)
    window = open_window(page)
    window.get_by_text("테스트 옵션").click()
    window.get_by_role("button", name="결제 실패 만들기").click()
    expect(page).to_have_url(re.compile(r"/toss/fail\?"))
    expect(page.get_by_test_id("status")).to_have_text("결제 실패")
    expect(page.get_by_test_id("outcome")).to_contain_text("결제에 실패했습니다")
    expect(page.get_by_test_id("outcome")).to_contain_text("결제된 금액은 없습니다")
    expect(page.get_by_test_id("outcome")).not_to_contain_text("REJECT_CARD_COMPANY")  # the code is the console's
    page.reload()  # the failUrl again: still failed, no error
    expect(page.get_by_test_id("status")).to_have_text("결제 실패")


def test_refund_in_the_console_partial_then_the_rest(live_server, new_context):
    page = page_in(new_context, DESKTOP)
    to_pay_page(page, live_server.url, "payments-book", 1)
    pay_by_card(open_window(page), "22,000원")
    expect_receipt(page, "카드")
    receipt = page.url
    expect(page.get_by_label("부분 취소 금액")).to_have_count(0)  # the buyer views; refunds are the console's
    sign_in(page, live_server.url)
    page.goto(receipt)
    page.get_by_label("부분 취소 금액").fill("5,000")
    page.get_by_label("취소 사유").fill("포장 훼손")
    page.get_by_role("button", name="부분 취소", exact=True).click()
    expect(page.get_by_test_id("refund-review")).to_contain_text("5,000원을 부분 결제 취소(환불)할까요?")
    expect(page.get_by_test_id("review-reason")).to_have_text("포장 훼손")
    page.get_by_role("button", name="5,000원 결제 취소(환불)하기").click()
    expect(page.get_by_test_id("refund-message")).to_have_text("5,000원을 결제 취소(환불)했습니다.")
    expect(page.get_by_test_id("status")).to_have_text("부분 취소")
    expect(page.get_by_test_id("refund-available")).to_have_text("17,000원")
    expect(page.get_by_test_id("refund-reason")).to_have_text("포장 훼손")
    page.get_by_label("취소 사유").fill("주문 취소")
    page.get_by_role("button", name="전액 취소 17,000원").click()
    expect(page.get_by_test_id("refund-review")).to_contain_text("17,000원을 전액 결제 취소(환불)할까요?")
    page.get_by_role("button", name="17,000원 결제 취소(환불)하기").click()
    expect(page.get_by_test_id("status")).to_have_text("전액 취소")
    expect(page.get_by_test_id("canceled")).to_have_text("22,000원")
    expect(page.get_by_test_id("refund-reason")).to_have_text(["포장 훼손", "주문 취소"])
    expect(page.get_by_text("더 취소할 금액이 없습니다")).to_be_visible()
    page.reload()  # the books as the server keeps them
    expect(page.get_by_test_id("status")).to_have_text("전액 취소")


def test_phone_pay_bar_holds_both_buttons(live_server, new_context):
    """On a phone the order box's pay bar sticks to the bottom: both buttons across it, and at the end of the page
    nothing is left under it (the footer ends above the bar)."""
    page = page_in(new_context, PHONE)
    page.goto(f"{live_server.url}/products/jeju-tangerine?quantity=4")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar = page.locator(".pay-bar").bounding_box()
    for button in page.locator(".pay-buttons button").all():
        box = button.bounding_box()
        assert bar["x"] + bar["width"] - (box["x"] + box["width"]) <= 20, "the button reaches the bar's right edge"
    footer = page.locator("footer").bounding_box()
    assert footer["y"] + footer["height"] <= bar["y"], "the footer ends above the pay bar"


def walk(page, base_url: str, shoot=None) -> dict[str, str]:
    """Every page of the flow on this screen (shoot(page, name) at each); the URL of each, for axe."""
    seen = {}

    def stop(name, target=page):
        seen[name] = target.url
        if shoot:
            shoot(target, name)

    page.goto(f"{base_url}/products/jeju-tangerine?quantity=4")
    stop("product")
    to_pay_page(page, base_url)
    stop("pay")
    window = open_window(page)
    if window is not page:
        stop("window-over-pay")  # our page, dimmed under the popup
    stop("window", window)
    window.get_by_role("button", name="취소", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("결제 대기")
    stop("quit")
    page.get_by_role("link", name="다시 결제하기").click()
    pay_by_card(open_window(page), "60,000원", months="일시불")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    stop("receipt")
    to_pay_page(page, base_url, "americano", 1)
    window = open_window(page)
    window.get_by_text("테스트 옵션").click()
    window.get_by_role("button", name="결제 실패 만들기").click()
    expect(page.get_by_test_id("status")).to_have_text("결제 실패")
    stop("fail")
    return seen


@pytest.mark.parametrize("screen", SCREENS)
def test_screens_fit_and_are_shot(live_server, new_context, shot, screen):
    """The flow's pages on each screen, under the CSP guard; nothing wider than the screen; screenshots."""
    page = page_in(new_context, SCREENS[screen])
    width = SCREENS[screen]["viewport"]["width"]

    def shoot(target, name):
        target.wait_for_timeout(100)  # the popup's overlay, fonts
        assert horizontal_overflow(target) == 0, f"{name} is wider than {width}px"
        shot(target, name)

    walk(page, live_server.url, shoot)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_our_pages_pass_axe(live_server, new_context, screen):
    """axe-core on the pay page, the quit page, the receipt and the fail page as the buyer meets them, then on the
    receipt and the fail page in the console (signed in: the refund form, the failure's code)."""
    page = page_in(new_context, SCREENS[screen], axe=True)

    def check(target, name):
        if name in ("pay", "quit", "receipt", "fail"):
            assert_accessible(target, f"{screen} {name}")

    seen = walk(page, live_server.url, check)
    sign_in(page, live_server.url)
    for name in ("receipt", "fail"):
        page.goto(seen[name])
        assert_accessible(page, f"{screen} console {name}")
