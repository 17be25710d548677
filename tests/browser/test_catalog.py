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


def test_pay_bar_is_on_screen_on_an_iphone(live_server, phone, shot):
    page = phone()
    page.goto(f"{live_server.url}/products/strada-plus?quantity=3")
    button = page.get_by_role("button", name="카카오페이로 결제")
    box = button.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box  # visible without scrolling
    expect(page.locator(".pay-bar-total")).to_contain_text("29,700원")
    page.mouse.wheel(0, 2000)
    page.wait_for_timeout(200)
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= 844  # and stays there
    expect(page.locator(".site-footer")).to_be_in_viewport()  # the bar covers no content at the bottom
    shot(page, "product")


def test_desktop_has_no_fixed_pay_bar(live_server, desktop):
    desktop.goto(f"{live_server.url}/products/choco-pie")
    assert desktop.locator(".pay-bar").evaluate("bar => getComputedStyle(bar).position") == "static"
    expect(desktop.locator(".pay-bar-total")).to_be_hidden()


def test_amounts_show_subtotal_supply_and_vat(live_server, desktop):
    desktop.goto(f"{live_server.url}/products/choco-pie?quantity=3")
    expect(desktop.locator("#amounts")).to_contain_text("2,200원 × 3개")
    expect(desktop.get_by_test_id("subtotal")).to_have_text("6,600원")
    expect(desktop.get_by_test_id("supply")).to_have_text("6,000원")
    expect(desktop.get_by_test_id("vat")).to_have_text("600원")


def test_typed_quantity_over_99_is_clamped_in_field_total_and_url(live_server, desktop):
    desktop.goto(f"{live_server.url}/products/choco-pie")
    desktop.locator("#quantity").fill("312")
    expect(desktop.get_by_test_id("total")).to_have_text("217,800원")
    expect(desktop.locator("#quantity")).to_have_value("99")
    expect(desktop).to_have_url(re.compile(r"/products/choco-pie\?quantity=99$"))
    desktop.goto(f"{live_server.url}/products/choco-pie?quantity=312")
    expect(desktop).to_have_url(re.compile(r"\?quantity=99$"))
    expect(desktop.locator("#quantity")).to_have_value("99")


def test_stepper_keeps_focus_after_the_swap(live_server, desktop):
    desktop.goto(f"{live_server.url}/products/choco-pie?quantity=2")
    desktop.get_by_label("수량 늘리기").focus()
    desktop.keyboard.press("Enter")
    expect(desktop.get_by_test_id("total")).to_have_text("6,600원")
    expect(desktop.get_by_label("수량 늘리기")).to_be_focused()


def test_typed_quantity_without_javascript_recomputes_before_paying(live_server, new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/products/choco-pie?quantity=2")
    page.locator("#quantity").fill("5")
    page.locator("#quantity").press("Enter")  # submits the quantity form, not the checkout
    expect(page).to_have_url(re.compile(r"\?quantity=5$"))
    expect(page.get_by_test_id("total")).to_have_text("11,000원")
    page.locator("#quantity").fill("3")  # typed but not recomputed: checkout pays what the page shows
    page.get_by_role("button", name="카카오페이로 결제").click()
    expect(page.get_by_test_id("sandbox-amount")).to_have_text("11,000원")


def test_catalog_grid_has_no_lone_card(live_server, desktop, phone):
    for page, expected in ((desktop, [2, 3]), (phone(), [1, 2, 2])):  # the first card is a wide featured one
        page.goto(live_server.url)
        tops = page.locator(".product-card").evaluate_all("cards => cards.map(c => c.getBoundingClientRect().top)")
        rows = [tops.count(top) for top in sorted(set(tops))]
        assert rows == expected
        for summary in page.locator(".product-card .summary").all_inner_texts():
            assert "원" not in summary.replace("원두", ""), summary
