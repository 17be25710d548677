"""The official KakaoPay agent-toolkit's demo_payment tool (typescript/src/shared/payment/demoPayment.ts), as it
posts over HTTP: ready with callback URLs on Kakao's demo domain (payment-demo.kakaopay.com, which KakaoPay accepts),
then the link it hands out, `next_redirect_{pc,mobile}_url?kpayTid=<tid>`."""

import pytest
import requests

from ..subscriptions.test_toolkit_shapes import Toolkit, server  # noqa: F401  (the sandbox over HTTP)

DEMO = "https://payment-demo.kakaopay.com/online"


def demo_payment(toolkit: Toolkit, item_name: str, total_amount: int, link_type: str) -> dict:
    """demoPayment(): the same body (no vat_amount, fixed order and user ids) and the same link."""
    response = toolkit.post(
        "/online/v1/payment/ready",
        {
            "partner_order_id": "partner_order_id",
            "partner_user_id": "partner_user_id",
            "item_name": item_name,
            "quantity": 1,
            "total_amount": total_amount,
            "tax_free_amount": 0,
            "approval_url": f"{DEMO}/approval",
            "cancel_url": f"{DEMO}/cancel",
            "fail_url": f"{DEMO}/fail",
        },
    )
    assert response.status_code == 200, response.text
    data = response.json()
    link = data["next_redirect_pc_url"] if link_type == "PC" else data["next_redirect_mobile_url"]
    return {"demo_link": f"{link}?kpayTid={data['tid']}", "tid": data["tid"]}


@pytest.fixture
def toolkit(app, server):  # noqa: F811
    return Toolkit(server, app.config["SANDBOX_SECRET_KEY"], "TC0ONETIME")


def test_the_pc_demo_link_opens_the_qr_page(toolkit):
    answer = demo_payment(toolkit, "테스트 상품명", 1000, "PC")
    page = requests.get(answer["demo_link"], timeout=10)
    assert page.status_code == 200 and "QR" in page.text and "1,000원" in page.text


def test_the_mobile_demo_link_pays_back_to_kakaos_demo_site(toolkit):
    answer = demo_payment(toolkit, "테스트 상품명", 1000, "MOBILE")
    browser = requests.Session()
    sheet = browser.get(answer["demo_link"], timeout=10)
    assert sheet.status_code == 200 and "1,000원 결제하기" in sheet.text
    token = answer["demo_link"].split("/")[-2]
    paid = browser.post(
        f"{toolkit.base}/mockup/v1/{token}/sheet",
        data={"action": "pay", "method": "MONEY", "via": "mobile", "password": "246810"},
        allow_redirects=False,
        timeout=10,
    )
    assert paid.status_code == 303 and paid.headers["Location"].startswith(f"{DEMO}/approval?pg_token=")
    assert toolkit.post("/online/v1/payment/order", {"tid": answer["tid"]}).json()["status"] == "AUTH_PASSWORD"


def test_another_domain_is_still_refused(toolkit):
    body = {"partner_order_id": "o", "partner_user_id": "u", "item_name": "x", "quantity": 1, "total_amount": 100}
    urls = {name: f"https://payment-demo.example.com/{name}" for name in ("approval_url", "cancel_url", "fail_url")}
    refused = toolkit.post("/online/v1/payment/ready", {**body, "tax_free_amount": 0, **urls})
    assert refused.status_code == 400 and refused.json()["error_code"] == -799
