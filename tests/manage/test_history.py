"""GET /payments: filters, search, paging, totals, partial for htmx."""

from demo.extensions import db
from demo.payments.models import Payment


def add_payments(app, count: int, status: str = "approved", **fields) -> None:
    item_name = fields.pop("item_name", "초코파이")
    with app.app_context():
        for i in range(count):
            db.session.add(
                Payment(
                    order_id=f"{status}-{i}-{fields.get('flow', 'pc')}",
                    user_id="u",
                    provider="kakaopay",
                    item_name=item_name,
                    quantity=1,
                    total_amount=2200,
                    tax_free_amount=0,
                    vat_amount=200,
                    flow="pc",
                    status=status,
                    tid=f"T{status[:3].upper()}{i:016d}",
                    **fields,
                )
            )
        db.session.commit()


def test_history_lists_newest_first_with_totals(app, client):
    add_payments(app, 3, "approved")
    add_payments(app, 1, "partially_refunded", canceled_amount=1000)
    add_payments(app, 2, "failed")
    page = client.get("/payments").get_data(as_text=True)
    assert "6건" in page and "결제 금액" in page
    assert "8,800원" in page  # approved: 4 × 2,200
    assert "7,800원" in page  # net: 8,800 − 1,000


def test_filter_by_status_and_search(app, client):
    add_payments(app, 2, "approved")
    add_payments(app, 2, "cancelled")
    page = client.get("/payments?status=cancelled").get_data(as_text=True)
    assert "2건" in page and "결제 중단" in page and "approved-0" not in page
    found = client.get("/payments?q=approved-1-pc").get_data(as_text=True)
    assert "1건" in found
    by_tid = client.get("/payments?q=tcan0000000000000001").get_data(as_text=True)
    assert "1건" in by_tid
    add_payments(app, 1, "refunded", item_name="딸기 우유 100%")
    assert "1건" in client.get("/payments", query_string={"q": "우유"}).get_data(as_text=True)  # part of a name
    assert "1건" in client.get("/payments", query_string={"q": "100%"}).get_data(as_text=True)
    assert "0건" in client.get("/payments", query_string={"q": "_"}).get_data(as_text=True)  # LIKE wildcards are text


def test_paging(app, client):
    add_payments(app, 45)
    first = client.get("/payments").get_data(as_text=True)
    assert "1 / 3" in first and "다음" in first
    last = client.get("/payments?page=3").get_data(as_text=True)
    assert "3 / 3" in last and last.count("<tr>") == 1 + 5


def test_partial_for_htmx_and_live_refresh(app, client):
    add_payments(app, 1, "ready")
    body = client.get("/payments", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert body.startswith('<section id="history"') and 'hx-trigger="every 3s"' in body
    add_payments(app, 1, "approved")
    settled = client.get("/payments?status=approved", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "every 3s" not in settled


def test_bad_page_numbers_are_harmless(client):
    assert client.get("/payments?page=-4").status_code == 200
    assert client.get("/payments?page=abc").status_code == 200
    assert "조건에 맞는 결제가 없습니다" in client.get("/payments?page=99").get_data(as_text=True)
