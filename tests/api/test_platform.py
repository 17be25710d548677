"""The payment resource names its platform, and GET /api/v1/payments filters by it as the console's history does."""

from sqlalchemy import select

from demo.api.models import AppSession
from demo.extensions import db

from ..conftest import MERCHANT_API_KEY, payment_row, store_payments

MERCHANT = {"Authorization": f"Bearer {MERCHANT_API_KEY}"}


def listed(client, headers: dict, **query) -> list[tuple[str, str]]:
    response = client.get("/api/v1/payments", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(item["order_id"], item["platform"]) for item in response.json["items"]]


def test_the_list_filters_by_platform_and_each_payment_names_its_own(app, client):
    store_payments(
        app,
        payment_row("kakao-1", provider="kakaopay"),
        payment_row("legacy-1", provider="kakaopay_legacy", status="cancelled"),
        payment_row("toss-1", provider="tosspayments"),
        payment_row("toss-2", provider="tosspayments", status="failed"),
    )
    everything = listed(client, MERCHANT)
    assert everything == [
        ("toss-2", "tosspayments"),
        ("toss-1", "tosspayments"),
        ("legacy-1", "kakaopay"),  # KakaoPay's older wire: the same platform
        ("kakao-1", "kakaopay"),
    ]
    assert listed(client, MERCHANT, platform="kakaopay") == [("legacy-1", "kakaopay"), ("kakao-1", "kakaopay")]
    assert listed(client, MERCHANT, platform="tosspayments", status="paid") == [("toss-1", "tosspayments")]
    assert listed(client, MERCHANT, platform="tosspayments", limit=1)[0][0] == "toss-2"
    got = client.get("/api/v1/payments/toss-1", headers=MERCHANT).json
    assert got["platform"] == "tosspayments" and got["provider"]["name"] == "tosspayments"


def test_an_app_sees_its_own_by_platform_and_an_unknown_platform_is_refused(app, client):
    token = client.post("/api/v1/app-sessions", json={}).json["token"]
    buyer = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        user_id = db.session.scalar(select(AppSession.user_id))
    store_payments(
        app,
        payment_row("mine-toss", provider="tosspayments", user_id=user_id),
        payment_row("mine-kakao", provider="kakaopay", user_id=user_id),
        payment_row("theirs-toss", provider="tosspayments"),
    )
    assert listed(client, buyer, platform="tosspayments") == [("mine-toss", "tosspayments")]
    for value in ("paypal", "kakaopay_legacy", "TOSSPAYMENTS"):  # a provider's name is not a platform
        response = client.get("/api/v1/payments", query_string={"platform": value}, headers=buyer)
        assert response.status_code == 422 and response.mimetype == "application/problem+json", value


def test_the_document_lists_the_platforms(app, client):
    document = client.get("/api/v1/openapi.json").json
    parameters = document["paths"]["/api/v1/payments"]["get"]["parameters"]
    platform = next(parameter for parameter in parameters if parameter["name"] == "platform")
    assert "tosspayments" in str(platform["schema"]) and "kakaopay_legacy" not in str(platform["schema"])
    payment = document["components"]["schemas"]["Payment"]
    assert "platform" in payment["required"] and payment["properties"]["platform"]["enum"] == [
        "kakaopay",
        "tosspayments",
    ]
