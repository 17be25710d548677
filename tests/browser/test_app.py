"""The Strada 앱 (/app) in Chromium, as a phone (390×844) and a laptop (1280×800): it pays, quits and fails in
every return mode through KakaoPay's app page in its web view (or KakaoTalk, by the app scheme), comes back by the
strada:// hand-over, finishes with the API, and lists every call it made. axe-clean; no CSP violation."""

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible, horizontal_overflow
from .test_flow import pay_on_sheet

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
ANDROID_APP = (
    "Mozilla/5.0 (Linux; Android 14; SM-S921N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
    " StradaApp/1.0"
)


@pytest.fixture
def live_app(make_test_app):
    return make_test_app(WTF_CSRF_ENABLED=True)


@pytest.fixture(params=list(VIEWPORTS))
def app_page(request, new_context, live_server):
    context = new_context(viewport=VIEWPORTS[request.param], user_agent=ANDROID_APP, bypass_csp=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/app")
    expect(page.get_by_role("button", name=re.compile("초코파이"))).to_be_visible()
    page.viewport = request.param
    return page


def start(page, mode: str, open_with: str = "앱 안 웹뷰 (app_url)"):
    page.get_by_role("button", name=re.compile("초코파이")).click()
    page.get_by_label("수량").select_option("2")
    page.get_by_label(mode).check()
    page.get_by_label(open_with).check()
    page.get_by_test_id("app-pay").click()


def start_toss(page, mode: str, shot=None):
    """토스페이먼츠 chosen: the button says so, the open-by-scheme choice goes (Toss's window opens no app)."""
    page.get_by_role("button", name=re.compile("초코파이")).click()
    page.get_by_label("수량").select_option("2")
    page.get_by_role("radio", name="토스페이먼츠").check()
    expect(page.get_by_test_id("app-pay")).to_have_text("토스페이먼츠로 결제")
    expect(page.get_by_label("카카오톡 앱 (app scheme)")).to_be_hidden()
    page.get_by_label(mode).check()
    if shot:
        shot(page, f"{page.viewport}-toss-form")
    page.get_by_test_id("app-pay").click()
    view = page.frame_locator("[data-webview]")
    expect(page.locator("[data-webview-title]")).to_have_text("토스페이먼츠")
    view.get_by_role("button", name="결제창 열기").click()  # our checkout page: its SDK call, the window in the view
    expect(view.get_by_role("heading", name="결제수단")).to_be_visible()
    return view


def calls(page) -> list[str]:
    """The log's call lines, oldest first: 'POST /api/v1/payments 201'."""
    lines = page.locator(".api-call summary").all_inner_texts()
    return [" ".join(line.split()[:3]) for line in reversed(lines)]


def result(page):
    return page.get_by_test_id("app-result-title")


@pytest.mark.parametrize("mode", ["서버가 승인 (권장)", "앱이 승인"], ids=["server", "app"])
def test_pay_in_the_web_view(app_page, mode, shot):
    start(app_page, mode)
    sheet = app_page.frame_locator("[data-webview]")
    expect(sheet.get_by_role("button", name="4,400원 결제하기")).to_be_visible()
    shot(app_page, f"{app_page.viewport}-sheet")
    pay_on_sheet(sheet, "4,400원", password="307152")
    expect(result(app_page)).to_have_text("결제 완료")
    expect(app_page.locator("[data-result-facts]")).to_contain_text("4,400원")
    made = calls(app_page)
    assert "POST /api/v1/payments 201" in made
    assert made[-1].startswith(("GET /api/v1/payments/", "POST /api/v1/payments/"))
    if mode == "앱이 승인":
        assert re.match(r"POST /api/v1/payments/[\w-]+/confirm 200", made[-1])
    else:
        assert not any("/confirm" in line for line in made)
    shot(app_page, f"{app_page.viewport}-paid")
    app_page.get_by_role("button", name="결제 내역").click()
    expect(app_page.locator(".app-history-item").first).to_contain_text("결제 완료")
    if app_page.viewport == "phone":
        assert horizontal_overflow(app_page) == 0
    shot(app_page, f"{app_page.viewport}-history")


def test_pay_in_kakaotalk_by_the_app_scheme(app_page, shot):
    start(app_page, "서버가 승인 (권장)", "카카오톡 앱 (app scheme)")
    expect(app_page.get_by_role("heading", name="카카오톡")).to_be_visible()
    expect(app_page.locator("[data-talk-url]")).to_contain_text("/sandbox/kakaopay/")
    shot(app_page, f"{app_page.viewport}-talk")
    pay_on_sheet(app_page.frame_locator("[data-talk]"), "4,400원", password="918273")
    expect(result(app_page)).to_have_text("결제 완료")
    assert any(step.startswith("카카오톡 앱 열기: kakaotalk://kakaopay/pg?url=") for step in steps(app_page))


def steps(page) -> list[str]:
    return page.locator(".api-step").all_inner_texts()


@pytest.mark.parametrize("mode", ["서버가 승인 (권장)", "앱이 승인"], ids=["server", "app"])
def test_quit_and_fail_on_the_sheet_end_through_abandon(app_page, mode, shot):
    start(app_page, mode)
    app_page.frame_locator("[data-webview]").get_by_role("button", name="결제 중단").click()
    expect(result(app_page)).to_have_text("결제 중단")
    assert re.match(r"POST /api/v1/payments/[\w-]+/abandon 200", calls(app_page)[-1])
    shot(app_page, f"{app_page.viewport}-quit")
    app_page.get_by_role("button", name="쇼핑 계속하기").click()
    start(app_page, mode)
    sheet = app_page.frame_locator("[data-webview]")
    sheet.get_by_text("테스트 옵션").click()
    sheet.get_by_role("button", name="결제 실패 만들기").click()
    expect(result(app_page)).to_have_text("결제 실패")
    assert re.match(r"POST /api/v1/payments/[\w-]+/abandon 200", calls(app_page)[-1])
    shot(app_page, f"{app_page.viewport}-failed")


def test_closing_the_web_view_leaves_a_payable_payment_payable(app_page, shot):
    start(app_page, "서버가 승인 (권장)")
    expect(app_page.frame_locator("[data-webview]").get_by_role("button", name="4,400원 결제하기")).to_be_visible()
    app_page.get_by_role("button", name="결제 화면 닫기").click()
    expect(app_page.get_by_role("heading", name="결제 화면을 닫았습니다")).to_be_visible()
    assert re.match(r"POST /api/v1/payments/[\w-]+/abandon 409", calls(app_page)[-1])
    shot(app_page, f"{app_page.viewport}-closed")
    app_page.get_by_role("button", name="결제 화면 다시 열기").click()
    pay_on_sheet(app_page.frame_locator("[data-webview]"), "4,400원", password="564738")
    expect(result(app_page)).to_have_text("결제 완료")


def test_the_design_docs_scheme_callback_is_refused(app_page, shot):
    start(app_page, "해결방법2 그대로")
    expect(result(app_page)).to_have_text("해결방법2 그대로는 쓸 수 없습니다")
    expect(app_page.locator("[data-result-text]")).to_contain_text("-799")
    assert calls(app_page)[-1] == "POST /api/v1/payments 502"
    shot(app_page, f"{app_page.viewport}-scheme")


@pytest.mark.parametrize("mode", ["서버가 승인 (권장)", "앱이 승인"], ids=["server", "app"])
def test_pay_with_toss_in_the_web_view(app_page, mode, shot):
    window = start_toss(app_page, mode, shot)
    shot(app_page, f"{app_page.viewport}-toss-window")
    window.get_by_role("radio", name="카드").check()
    window.get_by_label("카드사").select_option("삼성카드")
    window.get_by_role("button", name="4,400원 결제하기").click()
    expect(result(app_page)).to_have_text("결제 완료")
    facts = app_page.locator("[data-result-facts]")
    expect(facts).to_contain_text("토스페이먼츠")
    expect(facts).to_contain_text("삼성카드")
    made = calls(app_page)
    assert ("/confirm 200" in made[-1]) == (mode == "앱이 승인")
    shot(app_page, f"{app_page.viewport}-toss-paid")


def test_toss_quit_offers_the_window_again_and_a_refusal_fails(app_page, shot):
    window = start_toss(app_page, "서버가 승인 (권장)")
    window.get_by_role("button", name="취소").click()  # Toss's 취소: its failUrl, the payment still READY there
    expect(app_page.get_by_role("heading", name="결제 화면을 닫았습니다")).to_be_visible()
    expect(app_page.locator("[data-closed-text]")).to_contain_text("토스페이먼츠에서는 결제가 아직 열려 있습니다")
    assert re.match(r"POST /api/v1/payments/[\w-]+/abandon 409", calls(app_page)[-1])
    shot(app_page, f"{app_page.viewport}-toss-closed")
    app_page.get_by_role("button", name="결제 화면 다시 열기").click()
    view = app_page.frame_locator("[data-webview]")
    view.get_by_role("button", name="결제창 열기").click()
    view.get_by_role("button", name="4,400원 결제하기").click()
    expect(result(app_page)).to_have_text("결제 완료")
    app_page.get_by_role("button", name="쇼핑 계속하기").click()
    window = start_toss(app_page, "서버가 승인 (권장)")
    window.get_by_text("테스트 옵션").click()
    window.get_by_role("button", name="결제 실패 만들기").click()
    expect(result(app_page)).to_have_text("결제 실패")
    expect(app_page.locator("[data-result-text]")).to_contain_text("REJECT_CARD_COMPANY")


def test_toss_refuses_the_scheme_callback_in_the_sdk(app_page):
    app_page.get_by_role("button", name=re.compile("초코파이")).click()
    app_page.get_by_role("radio", name="토스페이먼츠").check()
    app_page.get_by_label("해결방법2 그대로").check()
    app_page.get_by_test_id("app-pay").click()
    view = app_page.frame_locator("[data-webview]")
    view.get_by_role("button", name="결제창 열기").click()
    expect(view.get_by_role("alert")).to_have_text("successUrl이 올바른 URL이 아닙니다.")  # strada://: no window


def test_the_app_is_accessible(live_server, new_context):
    page = new_context(bypass_csp=True, viewport=VIEWPORTS["laptop"]).new_page()
    page.goto(f"{live_server.url}/app")
    expect(page.get_by_role("button", name=re.compile("초코파이"))).to_be_visible()
    assert_accessible(page, "app-home")
    page.get_by_role("button", name=re.compile("초코파이")).click()
    assert_accessible(page, "app-product")
    page.get_by_test_id("app-pay").click()
    expect(page.frame_locator("[data-webview]").get_by_role("button", name="2,200원 결제하기")).to_be_visible()
    assert_accessible(page, "app-webview")
    page.get_by_role("button", name="결제 화면 닫기").click()
    assert_accessible(page, "app-closed")
