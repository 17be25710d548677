"""A payment nobody finishes expires: the PC page goes to fail_url and the sheet refuses to pay."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import IPHONE_KAKAOTALK


@pytest.fixture
def live_app(make_test_app):
    return make_test_app(WTF_CSRF_ENABLED=True, SANDBOX_PAYMENT_TTL=3)


def test_expired_qr_page_goes_to_fail_url(live_server, desktop, phone, shot):
    desktop.goto(f"{live_server.url}/products/americano")
    desktop.get_by_role("button", name="카카오페이로 결제").click()
    scan_url = desktop.get_by_test_id("scan-link").get_attribute("href")
    expect(desktop).to_have_url(re.compile(r"/fail$"), timeout=8000)
    expect(desktop.get_by_test_id("outcome")).to_contain_text("결제에 실패했습니다")
    shot(desktop, "expired")
    mobile = phone(IPHONE_KAKAOTALK)
    mobile.goto(scan_url)
    expect(mobile.get_by_test_id("sheet-closed")).to_contain_text("결제 유효 시간이 지났습니다")
    shot(mobile, "expired-sheet")
