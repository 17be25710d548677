"""The payment resource names its platform, and GET /api/v1/payments filters by it as the console's history does."""

from sqlalchemy import select

from demo.api.models import AppSession
from demo.extensions import db
from demo.payments.models import Payment

from ..conftest import MERCHANT_API_KEY

MERCHANT = {"Authorization": f"Bearer {MERCHANT_API_KEY}"}


def add(app, order_id: str, provider: str, user_id: str = "u", status: str = "approved") -> None:
    with app.app_context():
        db.session.add(
            Payment(
                order_id=order_id,
                user_id=user_id,
                provider=provider,
                item_name="초코파이",
                quantity=1,
                total_amount=2200,
                tax_free_amount=0,
                vat_amount=200,
                flow="pc",
                status=status,
                tid=f"t-{order_id}",
            )
        )
        db.session.commit()


def listed(client, headers: dict, **query) -> list[tuple[str, str]]:
    response = client.get("/api/v1/payments", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(item["order_id"], item["platform"]) for item in response.json["items"]]


def test_the_list_filters_by_platform_and_each_payment_names_its_own(app, client):
    add(app, "kakao-1", "kakaopay")
    add(app, "legacy-1", "kakaopay_legacy", status="cancelled")
    add(app, "toss-1", "tosspayments")
    add(app, "toss-2", "tosspayments", status="failed")
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
    add(app, "mine-toss", "tosspayments", user_id=user_id)
    add(app, "mine-kakao", "kakaopay", user_id=user_id)
    add(app, "theirs-toss", "tosspayments")
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
