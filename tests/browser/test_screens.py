"""Every page on a desktop and a phone: rendered, styled, nothing wider than the screen. Screenshots for review."""

import pytest
from playwright.sync_api import expect

from .conftest import IPHONE_KAKAOTALK, IPHONE_SAFARI, sign_in
from .test_flow import buy

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_every_page_fits(live_server, new_context, shot, screen):
    options = {"viewport": VIEWPORTS[screen]}
    if screen == "phone":
        options.update(is_mobile=True, has_touch=True, user_agent=IPHONE_SAFARI)
    page = new_context(**options).new_page()
    buy(page, live_server.url, "jeju-tangerine", 1)
    sheet = page.url
    token = sheet.split("/")[-2]
    base = f"{live_server.url}/sandbox/kakaopay/mockup/v1/{token}"
    pages = {
        "catalog": "/",
        "product": "/products/strada-plus",
        "pc-qr": f"{base}/info",
        "scan": f"{base}/scan",
        "mobile-sheet": f"{base}/mInfo",
        "app-sheet": f"{base}/aInfo",
        "talk": "/sandbox/kakaopay/talk",
        "receipt-ready": None,
        "my-orders": "/orders",
        "forbidden": "/payments",
        "console-login": "/console/login",
        "history": "/payments",
        "presenter": "/presenter/",
        "not-found": "/products/nope",
    }
    for name, path in pages.items():
        if name == "history":
            sign_in(page, live_server.url)
        if path is None:
            page.goto(f"{live_server.url}/orders")
            page.locator("tbody a").first.click()
        else:
            page.goto(path if path.startswith("http") else live_server.url + path)
        expect(page.locator("body")).to_be_visible()
        page.wait_for_timeout(1300 if name.endswith("sheet") else 50)  # the bridge screen fades out
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[screen]["width"], f"{name} is {width}px wide"
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", name
        shot(page, name)


def test_kakaotalk_user_sees_the_app_bridge(live_server, phone):
    page = phone(IPHONE_KAKAOTALK)
    buy(page, live_server.url)
    expect(page.locator(".kp-bridge")).to_contain_text("카카오톡으로 이동 중")
    expect(page.get_by_role("button", name="4,400원 결제하기")).to_be_visible()
