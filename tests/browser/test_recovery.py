"""The sheet's fault options end at 결제 완료 by themselves, and a refund without an answer settles by itself."""

import time

import pytest
from playwright.sync_api import expect

from ..ledger.faults import FaultyTransport
from .conftest import IPHONE_SAFARI, sign_in
from .test_flow import buy, pay_on_sheet


@pytest.fixture
def live_app(make_test_app):
    # 느린 응답 scaled down: approve gives up after 1.5 s, KakaoPay finishes at 5 s (as 10 s / 12 s by default), so
    # 승인 확인 중 stays on screen for seconds even when the machine is slow to show the receipt
    app = make_test_app(WTF_CSRF_ENABLED=True, PROVIDER_TIMEOUT=1.5, SANDBOX_SLOW_SECONDS=5)
    app.faults = FaultyTransport.install(app)
    yield app
    app.faults.settle()


# Seconds from the keypad's last digit to 결제 완료, nobody clicking: a 500 is retried at once; 느린 응답 ends within
# 5 s of KakaoPay finishing (SANDBOX_SLOW_SECONDS after the approve call began).
BOUNDS = {"server_error": 8, "slow": 5 + 5}


@pytest.mark.parametrize("fault", ["server_error", "slow"])
def test_a_fault_option_ends_at_paid_without_a_manual_step(live_server, phone, shot, fault):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    page.get_by_text("테스트 옵션").click()  # the collapsed demo-only panel
    page.get_by_label("승인 응답").select_option(fault)
    pay_on_sheet(page, "4,400원")
    started = time.monotonic()
    if fault == "slow":
        expect(page.get_by_test_id("status")).to_have_text("승인 확인 중", timeout=10_000)
        expect(page.get_by_test_id("recheck")).to_contain_text("초 후 다시 확인합니다")
        shot(page, f"{fault}-checking")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료", timeout=BOUNDS[fault] * 1000)
    assert time.monotonic() - started <= BOUNDS[fault]
    shot(page, f"{fault}-paid")


def test_a_refund_without_an_answer_shows_checking_then_settles(live_server, live_app, phone, shot):
    page = phone(IPHONE_SAFARI)
    buy(page, live_server.url)
    pay_on_sheet(page, "4,400원")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    receipt = page.url
    sign_in(page, live_server.url)  # refunds are the merchant console's
    page.goto(receipt)
    live_app.faults.inject("cancel", "lose_answer")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("부분 취소 금액").fill("1000")
    page.get_by_role("button", name="부분 취소", exact=True).click()
    page.get_by_role("button", name="1,000원 결제 취소(환불)하기").click()  # the review step
    row = page.get_by_test_id("refund-row")
    expect(row).to_contain_text("확인 중")
    shot(page, "refund-checking")
    expect(row).to_contain_text("취소 완료", timeout=15_000)
    expect(page.get_by_test_id("status")).to_have_text("부분 취소")
    shot(page, "refund-settled")
