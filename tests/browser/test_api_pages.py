"""The Strada app API's pages in Chromium: the hand-over page (framed by a same-origin page it hands the app URL to),
the console's API 키 page, and the /api/v1/docs reference, on a laptop and a phone; axe-clean, no CSP violation."""

import uuid

import pytest
import requests

from .axe import assert_accessible, horizontal_overflow
from .conftest import sign_in, wait_until


@pytest.fixture
def live_app(make_test_app):
    """Without CSRF: the tests post KakaoPay's sheet over HTTP as a script, not through its page's form."""
    return make_test_app()


PHONE_BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def paid_through_the_bridge(base: str, return_mode: str = "server") -> tuple[str, str]:
    """(order id, bridge URL) of a payment made through the API and paid on KakaoPay's app page."""
    token = requests.post(f"{base}/api/v1/app-sessions", json={}, timeout=30).json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}
    body = {"product": "choco-pie", "quantity": 1, "return_mode": return_mode}
    payment = requests.post(f"{base}/api/v1/payments", json=body, headers=headers, timeout=30).json()
    sheet = payment["next_action"]["app_url"].split("/")[-2]
    data = {"action": "pay", "method": "MONEY", "via": "app"}
    paid = requests.post(f"{base}/sandbox/kakaopay/mockup/v1/{sheet}/sheet", data=data, allow_redirects=False)
    return payment["order_id"], paid.headers["Location"]


def axe_page(new_context):
    """A page for axe-core (its script is injected: CSP bypassed there, and only there)."""
    return new_context(bypass_csp=True, viewport={"width": 1280, "height": 800}).new_page()


def test_hand_over_page(live_server, desktop, phone, shot, new_context):
    order_id, bridge = paid_through_the_bridge(live_server.url)
    desktop.goto(bridge)
    back = desktop.get_by_role("link", name="Strada 앱으로 돌아가기")
    assert back.get_attribute("href") == f"strada://payments/{order_id}"
    assert desktop.get_by_test_id("status").inner_text() == "결제 완료"
    shot(desktop, "desktop")
    checked = axe_page(new_context)
    checked.goto(f"{live_server.url}/app/return/{order_id}/approve?pg_token=again")
    assert_accessible(checked, "hand-over")
    small = phone(PHONE_BROWSER)
    small.goto(f"{live_server.url}/app/return/{order_id}/approve?pg_token=again")  # a repeated callback: same page
    assert horizontal_overflow(small) == 0
    shot(small, "phone")


def test_hand_over_page_in_a_frame_posts_the_app_url_to_its_parent(live_server, desktop):
    """What the browser app shell sees: the page, framed by a same-origin page, posts {type, url} to it."""
    order_id, bridge = paid_through_the_bridge(live_server.url, "app")
    desktop.goto(f"{live_server.url}/api/v1/docs")  # any same-origin page stands for /app here
    desktop.evaluate(
        """(url) => { window.handedOver = null;
           window.addEventListener("message", (event) => { window.handedOver = event.data; });
           const frame = document.createElement("iframe"); frame.src = url; document.body.append(frame); }""",
        bridge,
    )
    wait_until(desktop, "window.handedOver !== null")
    assert desktop.evaluate("window.handedOver") == {"type": "strada-return", "url": f"strada://payments/{order_id}"}


def test_console_api_keys_and_docs(live_server, desktop, phone, shot, new_context):
    sign_in(desktop, live_server.url)
    requests.post(f"{live_server.url}/api/v1/app-sessions", json={"device_name": "갤럭시 S24"}, timeout=30)
    desktop.goto(f"{live_server.url}/console/api")
    desktop.get_by_label("키 이름").fill("정산 스크립트")
    desktop.get_by_test_id("create-key").click()
    key = desktop.get_by_test_id("new-key-value").inner_text()
    assert key.startswith("sm_")
    answer = requests.get(f"{live_server.url}/api/v1/payments", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    shot(desktop, "keys")
    checked = axe_page(new_context)
    sign_in(checked, live_server.url)
    checked.goto(f"{live_server.url}/console/api")
    assert_accessible(checked, "console api keys")
    desktop.get_by_role("button", name="정산 스크립트 폐기").click()
    assert desktop.get_by_test_id("api-message").inner_text() == "API 키를 폐기했습니다."
    answer = requests.get(f"{live_server.url}/api/v1/payments", headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 401
    desktop.goto(f"{live_server.url}/api/v1/docs")
    desktop.locator(".opblock").first.wait_for()
    shot(desktop, "docs")
    small = phone(PHONE_BROWSER)
    small.goto(f"{live_server.url}/api/v1/docs")
    small.locator(".opblock").first.wait_for()
    shot(small, "docs-phone")
