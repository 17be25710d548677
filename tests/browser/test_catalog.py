"""The catalog and product pages in Chromium, on a desktop and an iPhone."""

import re

from playwright.sync_api import expect


def test_catalog_and_product_on_desktop(live_server, desktop, shot):
    desktop.goto(live_server.url)
    expect(desktop.locator(".product-card")).to_have_count(5)
    expect(desktop.get_by_text("초코파이").first).to_be_visible()
    shot(desktop, "catalog")
    desktop.get_by_text("초코파이").first.click()
    expect(desktop).to_have_url(re.compile(r"/products/choco-pie$"))
    expect(desktop.get_by_role("button", name="카카오페이로 결제")).to_be_visible()
    expect(desktop.get_by_test_id("total")).to_have_text("2,200원")
    shot(desktop, "product")


def test_quantity_stepper_updates_total_live(live_server, desktop):
    desktop.goto(f"{live_server.url}/products/choco-pie")
    desktop.get_by_label("수량 늘리기").click()
    expect(desktop.get_by_test_id("total")).to_have_text("4,400원")
    expect(desktop).to_have_url(re.compile(r"quantity=2$"))
    expect(desktop.locator("#amounts")).to_contain_text("400원")
    desktop.get_by_label("수량 줄이기").click()
    expect(desktop.get_by_test_id("total")).to_have_text("2,200원")


def test_typing_a_quantity_updates_total(live_server, desktop):
    desktop.goto(f"{live_server.url}/products/jeju-tangerine")
    desktop.locator("#quantity").fill("3")
    expect(desktop.get_by_test_id("total")).to_have_text("45,000원")
    expect(desktop.locator("#amounts")).to_contain_text("비과세 금액")


def test_stepper_works_without_javascript(live_server, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/products/americano")
    page.get_by_label("수량 늘리기").click()
    expect(page.get_by_test_id("total")).to_have_text("9,000원")


def test_product_page_on_iphone(live_server, phone, shot):
    page = phone()
    page.goto(live_server.url)
    shot(page, "catalog")
    page.goto(f"{live_server.url}/products/choco-pie")
    expect(page.get_by_role("button", name="카카오페이로 결제")).to_be_visible()
    shot(page, "product")
