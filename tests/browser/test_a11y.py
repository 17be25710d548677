"""axe-core on every page, on a desktop and a phone, and no page wider than a 390 px phone.

The buyer's pages are visited signed out, the console's signed in (with the refund's error and review states).
"""

import pytest
from playwright.sync_api import expect

from ..conftest import sign_in as sign_in_client
from ..payments.conftest import Shop
from ..subscriptions.conftest import Buyer
from .axe import assert_accessible, horizontal_overflow, violations
from .conftest import IPHONE_SAFARI, SCREENSHOTS, sign_in

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
        "user_agent": IPHONE_SAFARI,
    },
}
SANDBOX_PAGES = (
    "sandbox-pc",
    "sandbox-scan",
    "sandbox-mobile",
    "sandbox-app",
    "sandbox-keypad",
    "sandbox-tms",
    "sandbox-closed",
)


@pytest.fixture
def live_app(make_test_app):
    """CSRF off: the test makes its payments with the app's test client, then the browser looks at them."""
    return make_test_app(WTF_CSRF_ENABLED=False)


def payments(app) -> dict[str, str]:
    """One payment in each state a page shows: paid (then partly refunded), quit, failed, and one still on the sheet."""
    shop = Shop(app)
    sign_in_client(shop.client)  # the refund is the console's
    made = {}
    made["paid"] = shop.start(flow="pc")
    shop.client.get(shop.path(shop.pay(made["paid"])))
    shop.client.post(f"/payments/{made['paid']}/refund", data={"kind": "partial", "amount": 1000, "seen_canceled": 0})
    made["quit"] = shop.start()
    shop.client.get(shop.path(shop.on_sheet(made["quit"], "quit")))
    made["failed"] = shop.start()
    shop.client.get(shop.path(shop.pay(made["failed"], fault="approve_fail")))
    made["ready"] = shop.start(flow="pc")
    return made


def every_page(app) -> dict[str, str]:
    """Every page a buyer (signed out) can see; also the console's sign-in page locked out (429) after too many
    wrong passwords from this address (the browser's too: 127.0.0.1)."""
    made = payments(app)
    stranger = app.test_client()
    for _ in range(app.config["CONSOLE_SIGN_IN_FAILURES"]):
        assert stranger.post("/console/login", data={"password": "a guess"}).status_code == 401
    shop = Shop(app)
    token = shop.payment(made["ready"]).redirect_urls["pc"].split("/")[-2]
    sheet = f"/sandbox/kakaopay/mockup/v1/{token}"
    quit_token = shop.payment(made["quit"]).redirect_urls["pc"].split("/")[-2]
    return {
        "catalog": "/",
        "product": "/products/strada-plus",
        "receipt-paid": f"/payments/{made['paid']}",
        "result-quit": f"/payments/{made['quit']}",
        "result-failed": f"/payments/{made['failed']}",
        "my-orders": "/orders",
        "my-subscriptions": "/subscriptions/mine",
        "console-login": "/console/login",
        "console-login-locked": "/console/login?token=a-guess",
        "error-403": "/payments",
        "sandbox-pc": f"{sheet}/info",
        "sandbox-scan": f"{sheet}/scan",
        "sandbox-mobile": f"{sheet}/mInfo",
        "sandbox-app": f"{sheet}/aInfo",
        "sandbox-keypad": f"{sheet}/password?via=mobile&method=CARD&card=신한카드&install_month=3",
        "sandbox-tms": f"{sheet}/tms",
        "sandbox-closed": f"/sandbox/kakaopay/mockup/v1/{quit_token}/mInfo",
        "not-yet": f"/payments/{made['ready']}/approve?pg_token=forged0token0123",
        "talk-inbox": "/sandbox/kakaopay/talk",
        "error-404": "/products/nope",
        "error-404-order": "/payments/nope",
        "error-400": f"/payments/{made['ready']}/approve",
    }


def console_pages(app) -> dict[str, str]:
    """Every page of the merchant console (signed in): receipts with the refund form and the API timeline too."""
    made = payments(app)
    Buyer(app).start()
    return {
        "history": "/payments",
        "console-receipt-paid": f"/payments/{made['paid']}",
        "console-result-failed": f"/payments/{made['failed']}",
        "console-subscriptions": "/subscriptions",
        "presenter": "/presenter/",
        "presenter-live": f"/presenter/{made['ready']}",
        "presenter-paid": f"/presenter/{made['paid']}",
        "replay": f"/presenter/{made['paid']}/replay?step=3",
    }


def problems(page, base_url: str, pages: dict[str, str], screen: str, axe: bool) -> list[str]:
    """Visit the pages on the screen; what axe-core (if asked) and the overflow check at 390 px found."""
    SCREENSHOTS.mkdir(exist_ok=True)
    found = []
    for name, path in pages.items():
        page.goto(base_url + path)
        page.wait_for_timeout(1300 if name in ("sandbox-mobile", "sandbox-app") else 0)  # the bridge screen fades
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{screen}-{name}.png"), full_page=True)
        found += check(page, name, screen, axe)
    return found


def check(page, name: str, screen: str, axe: bool) -> list[str]:
    """What axe-core (if asked) and the overflow check at 390 px find on the page as it is now."""
    try:
        if axe:
            assert_accessible(page, name)
        if screen == "phone":
            assert horizontal_overflow(page) == 0, f"{name} is {horizontal_overflow(page)}px wider than 390"
    except AssertionError as error:
        return [str(error)]
    return []


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_every_page_passes_axe_and_fits(live_server, new_context, screen):
    pages = every_page(live_server.app)
    sandbox = {name: pages.pop(name) for name in SANDBOX_PAGES}
    page = new_context(bypass_csp=True, **SCREENS[screen]).new_page()
    found = problems(page, live_server.url, pages, screen, axe=True)
    found += problems(page, live_server.url, sandbox, screen, axe=False)  # axe: test_sandbox_pages_pass_axe
    assert not found, "\n\n".join(found)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_console_pages_and_refund_steps_pass_axe_and_fit(live_server, new_context, screen):
    pages = console_pages(live_server.app)
    page = new_context(bypass_csp=True, **SCREENS[screen]).new_page()
    sign_in(page, live_server.url)
    found = problems(page, live_server.url, pages, screen, axe=True)
    page.goto(live_server.url + pages["console-receipt-paid"])
    for amount, state in (("99,999", "refund-error"), ("500", "refund-review")):
        page.get_by_label("부분 취소 금액").fill(amount)
        page.get_by_role("button", name="부분 취소", exact=True).click()
        expect(page.get_by_test_id(state)).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / f"a11y-{screen}-{state}.png"), full_page=True)
        found += check(page, state, screen, axe=True)
    assert not found, "\n\n".join(found)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_sandbox_pages_pass_axe(live_server, new_context, screen):
    pages = {name: path for name, path in every_page(live_server.app).items() if name in SANDBOX_PAGES}
    page = new_context(bypass_csp=True, **SCREENS[screen]).new_page()
    assert not problems(page, live_server.url, pages, screen, axe=True)


def test_keyboard_skip_link_focus_ring_and_focus_after_a_swap(live_server, desktop):
    desktop.goto(f"{live_server.url}/products/choco-pie")
    desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="본문으로 건너뛰기")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0, "the skip link shows when focused"
    desktop.keyboard.press("Enter")
    assert desktop.evaluate("document.activeElement.id") == "main"
    more = desktop.get_by_role("link", name="수량 늘리기")
    more.focus()
    ring = more.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert ring == "solid 3px", "a visible focus ring"
    desktop.keyboard.press("Enter")  # htmx swaps the order box
    expect(desktop.get_by_role("spinbutton")).to_have_value("2")
    expect(desktop.get_by_role("link", name="수량 늘리기")).to_be_focused()  # not dropped to <body>
    desktop.keyboard.press("Enter")
    expect(desktop.get_by_role("spinbutton")).to_have_value("3")


def test_code_blocks_are_keyboard_scrollable_and_labelled(live_server, desktop):
    order_id = Shop(live_server.app).start(flow="pc")
    sign_in(desktop, live_server.url)
    for path in (f"/presenter/{order_id}", f"/payments/{order_id}"):  # the presenter and the receipt's timeline
        desktop.goto(f"{live_server.url}{path}")
        assert desktop.locator("pre").count()
        for block in desktop.locator("pre").all():
            assert block.get_attribute("tabindex") == "0" and block.get_attribute("aria-label")


def test_a_pending_receipt_refreshes_itself_without_javascript(live_server, new_context):
    """The result page says it changes by itself: true without JavaScript too (a meta refresh while in flight)."""
    shop = Shop(live_server.app)
    order_id = shop.start()
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/payments/{order_id}")
    expect(page.get_by_test_id("outcome")).to_contain_text("결제를 기다리고 있습니다")
    shop.client.get(shop.path(shop.on_sheet(order_id, "quit")))
    expect(page.get_by_test_id("outcome")).to_contain_text("결제를 중단했습니다", timeout=8000)


def test_axe_runs_the_experimental_rules_too(new_context):
    """The presenter's old 가− button: a name without its visible text fails only an experimental rule."""
    page = new_context(bypass_csp=True).new_page()
    page.set_content('<html lang="ko"><title>t</title><main><button aria-label="글자 작게">가−</button></main></html>')
    assert "label-content-name-mismatch" in [found["rule"] for found in violations(page)]
