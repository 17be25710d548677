"""정기결제 in Chromium: started on a phone to the first receipt, three charges with the demo clock from the console,
a refund of one, 해지 from 내 구독, and nothing charged after it. Screenshots of 내 구독, the console and the
presenter during a charge, on desktop and phone."""

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from demo.extensions import db
from demo.sandbox.models import SandboxPayment

from .conftest import IPHONE_SAFARI, sign_in
from .test_flow import pay_on_sheet


def test_subscription_from_phone_to_cancellation(live_server, phone, desktop, shot):
    page = phone(IPHONE_SAFARI)
    page.on("dialog", lambda dialog: dialog.accept())
    desktop.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/products/strada-plus")
    expect(page.get_by_test_id("subscription-offer")).to_contain_text("자동 결제")
    shot(page, "product")
    page.get_by_role("button", name=re.compile("^정기결제 시작")).click()
    expect(page).to_have_url(re.compile(r"/mInfo$"))
    pay_on_sheet(page, "9,900원")
    expect(page.get_by_test_id("status")).to_have_text("결제 완료")
    shot(page, "first-receipt")
    page.get_by_test_id("my-subscriptions").click()
    expect(page.get_by_test_id("subscription-status")).to_have_text("이용 중")
    expect(page.get_by_test_id("charge")).to_have_count(1)

    sign_in(desktop, live_server.url)  # the console is the merchant's
    desktop.goto(f"{live_server.url}/subscriptions")
    for period in (2, 3, 4):
        desktop.get_by_role("button", name="다음 회차 결제 실행").click()
        expect(desktop.get_by_test_id("subscription-message")).to_contain_text(f"{period}회차 결제 완료")
    expect(desktop.get_by_test_id("charge")).to_have_count(4)
    expect(desktop.get_by_test_id("demo-today")).to_contain_text("-")
    shot(desktop, "console")

    charge_receipts = desktop.get_by_test_id("charge-receipt")
    charge_receipts.nth(2).click()  # the third period
    expect(desktop.get_by_test_id("status")).to_have_text("결제 완료")
    expect(desktop.locator(".receipt")).to_contain_text("정기결제 자동 청구")
    desktop.get_by_role("button", name="전액 취소 9,900원").click()
    desktop.get_by_role("button", name="9,900원 결제 취소(환불)하기").click()  # the review step
    expect(desktop.get_by_test_id("status")).to_have_text("전액 취소")
    order_id = desktop.url.rsplit("/", 1)[1]
    desktop.goto(f"{live_server.url}/presenter/{order_id}")
    expect(desktop.get_by_test_id("step")).to_have_count(4)
    shot(desktop, "presenter-charge")

    page.reload()
    expect(page.get_by_test_id("charge")).to_have_count(4)
    expect(page.locator('[data-testid=charge][data-period="3"]')).to_contain_text("전액 취소")
    shot(page, "mine")
    page.get_by_role("link", name="정기결제 해지").click()
    expect(page.get_by_role("heading", name="정기결제를 해지할까요?")).to_be_visible()
    shot(page, "confirm-cancel")
    page.get_by_role("button", name="해지하기").click()
    expect(page.get_by_test_id("subscription-status")).to_have_text("해지됨")
    shot(page, "cancelled")

    sign_in(desktop, live_server.url)  # the console is the merchant's
    desktop.goto(f"{live_server.url}/subscriptions")
    expect(desktop.get_by_role("button", name="다음 회차 결제 실행")).to_have_count(0)
    desktop.get_by_role("button", name="한 달 뒤로 이동").click()
    desktop.get_by_role("button", name="청구 실행 (charge-due)").click()
    expect(desktop.get_by_test_id("subscription-message")).to_contain_text("0건 청구")
    expect(desktop.get_by_test_id("charge")).to_have_count(4)
    with live_server.app.app_context():  # the books equal the sandbox's: four payments, one refunded
        paid = select(func.count()).where(
            SandboxPayment.cid == "TCSUBSCRIP", SandboxPayment.status == "SUCCESS_PAYMENT"
        )
        assert db.session.scalar(paid) == 3
        refunded = select(func.count()).where(SandboxPayment.status == "CANCEL_PAYMENT")
        assert db.session.scalar(refunded) == 1

    phone_console = phone(IPHONE_SAFARI)
    phone_console.goto(f"{live_server.url}/subscriptions")
    shot(phone_console, "console-phone")
    phone_console.goto(f"{live_server.url}/presenter/{order_id}")
    shot(phone_console, "presenter-charge-phone")
    desktop.goto(f"{live_server.url}/subscriptions/mine")
    shot(desktop, "mine-desktop-empty")
