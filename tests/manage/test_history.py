"""GET /payments: filters, search, paging, totals, partial for htmx."""

import random
from datetime import datetime, timedelta

from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from demo.extensions import db
from demo.payments.history import FILTERS, PLATFORMS, Totals, page_query, receipt_urls, totals, totals_query
from demo.payments.models import Payment, Status
from demo.payments.providers import PROVIDERS

from ..conftest import payment_row, sign_in, store_payments
from ..payments.conftest import TossShop


def add_payments(app, count: int, status: str = "approved", **fields) -> None:
    """``count`` payments in one status (order ids like approved-0-pc; another platform's prefixed with its name)."""
    provider = fields.setdefault("provider", "kakaopay")
    prefix = "" if provider == "kakaopay" else f"{provider}-"
    rows = [
        payment_row(f"{prefix}{status}-{i}-pc", status=status, tid=f"T{status[:3].upper()}{i:016d}", **fields)
        for i in range(count)
    ]
    store_payments(app, *rows)


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


def test_totals_and_rows_match_a_plain_fold_for_every_filter(app, client):
    """The one-statement totals and the column rows against the obvious computation over all payments."""
    rng = random.Random(14)
    statuses = list(Status.LABELS)
    rows = []
    for i in range(70):
        total = rng.randrange(100, 50_000)
        rows.append(
            payment_row(
                f"fold-{i}",
                provider=rng.choice(list(PROVIDERS)),
                item_name=rng.choice(["초코파이", "딸기 우유", "바나나 우유"]),
                total_amount=total,
                vat_amount=0,
                flow=rng.choice(["pc", "mobile", "app", "server"]),
                status=rng.choice(statuses),
                canceled_amount=rng.randrange(0, total),
                tid=f"TFOLD{i:015d}",
                created_at=datetime(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 40)),  # ties: id decides
            )
        )
    store_payments(app, *rows)
    with app.app_context():
        everything = db.session.scalars(select(Payment)).all()
        for status, platform in [(status, "") for status in ["", *FILTERS]] + [("", key) for key in PLATFORMS]:
            for q in ["", "우유", "fold-3", "tfold000000000000000007", "TFOLD000000000000009"]:
                shown = [
                    p
                    for p in everything
                    if (not status or p.status in FILTERS[status])
                    and (not platform or PROVIDERS[p.provider].platform == platform)
                    and (not q or q == p.order_id or q in p.item_name or p.tid in (q, q.upper()))
                ]
                paid = [p for p in shown if p.status in Status.PAID]
                expected = Totals(len(shown), sum(p.total_amount for p in paid), sum(p.canceled_amount for p in paid))
                assert totals(status, q, platform) == expected, (status, platform, q)
                newest = sorted(shown, key=lambda p: (p.created_at, p.id), reverse=True)
                for page in (1, 2):
                    rows = db.session.execute(page_query(status, q, page, platform)).all()
                    assert [row.order_id for row in rows] == [p.order_id for p in newest[(page - 1) * 20 : page * 20]]
    page = client.get("/payments?page=2").get_data(as_text=True)
    for payment in sorted(everything, key=lambda p: (p.created_at, p.id), reverse=True)[20:40]:
        assert f'href="/payments/{payment.order_id}"' in page and payment.flow_label in page


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order_id=st.text(min_size=1, max_size=30))
def test_receipt_urls_are_what_url_for_builds(app, order_id):
    with app.test_request_context("/payments"):  # as in the history view: the blueprint's own endpoint
        assert receipt_urls()(order_id) == url_for("payments.receipt", order_id=order_id)


def test_kept_statements_do_not_keep_results(app, client):
    add_payments(app, 3)
    assert "3건" in client.get("/payments?status=approved").get_data(as_text=True)
    hits = totals_query.cache_info().hits, page_query.cache_info().hits
    add_payments(app, 2, "refunded", canceled_amount=2200)
    page = client.get("/payments?status=approved").get_data(as_text=True)
    assert (totals_query.cache_info().hits, page_query.cache_info().hits) > hits  # the kept statements ran
    assert "3건" in page and "refunded-0" not in page
    everything = client.get("/payments").get_data(as_text=True)
    assert "5건" in everything and "4,400원" in everything and "refunded-1" in everything  # refunded: 2 × 2,200


def partial(client, **args) -> str:
    return client.get("/payments", query_string=args, headers={"HX-Request": "true"}).get_data(as_text=True)


def test_filter_by_platform(app, client):
    add_payments(app, 2, "approved")
    add_payments(app, 1, "cancelled", provider="kakaopay_legacy")  # KakaoPay over its older wire: the same platform
    add_payments(app, 3, "approved", provider="tosspayments")
    kakao = partial(client, platform="kakaopay")
    assert "3건" in kakao and "kakaopay_legacy-cancelled-0" in kakao and "tosspayments-" not in kakao
    assert kakao.count('data-testid="platform">카카오페이<') == 3 and "토스페이먼츠" not in kakao
    toss = partial(client, platform="tosspayments")
    assert "3건" in toss and "6,600원" in toss and toss.count('data-testid="platform">토스페이먼츠<') == 3
    assert "카카오페이" not in toss
    assert "2건" in partial(client, platform="kakaopay", status="approved")  # with the status filter
    assert "0건" in partial(client, platform="tosspayments", q="kakaopay_legacy-cancelled-0-pc")  # and the search
    page = client.get("/payments?platform=tosspayments").get_data(as_text=True)
    assert '<select name="platform">' in page and '<option value="tosspayments" selected>토스페이먼츠</option>' in page
    assert '<option value="kakaopay" >카카오페이</option>' in page  # every platform of PROVIDERS, once
    assert page.count('<option value="kakaopay"') == 1 and "3건" in page


def test_unknown_platform_shows_everything(app, client):
    add_payments(app, 2, "approved")
    add_payments(app, 1, "approved", provider="tosspayments")
    for value in ("paypal", "kakaopay_legacy", "KAKAOPAY", ""):  # a provider's name is not a platform key
        page = client.get("/payments", query_string={"platform": value}).get_data(as_text=True)
        assert "3건" in page and "selected>카카오페이" not in page and "selected>토스페이먼츠" not in page, value


def test_pager_and_polling_keep_the_platform(app, client):
    add_payments(app, 25, "approved", provider="tosspayments")
    add_payments(app, 5, "approved")
    first = partial(client, platform="tosspayments", q="초코")
    assert "25건" in first and "1 / 2" in first
    assert "/payments?status=&amp;platform=tosspayments&amp;q=%EC%B4%88%EC%BD%94&amp;page=2" in first
    second = client.get("/payments?platform=tosspayments&q=초코&page=2").get_data(as_text=True)
    assert (
        "2 / 2" in second
        and second.count("<tr>") == 1 + 5
        and "platform=tosspayments&amp;q=%EC%B4%88%EC%BD%94&amp;page=1" in second
    )
    add_payments(app, 1, "ready", provider="tosspayments")
    live = partial(client, platform="tosspayments")
    assert (
        'hx-trigger="every 3s"' in live
        and 'hx-get="/payments?status=&amp;platform=tosspayments&amp;q=&amp;page=1"' in live
    )
    assert "every 3s" not in partial(client, platform="kakaopay")  # the in-flight one is Toss's


def test_reconcile_comes_back_to_the_same_filter(client):
    response = client.post("/payments/reconcile?platform=tosspayments&status=paid&page=2")
    assert response.status_code == 303 and "platform=tosspayments" in response.location
    assert "platform=" not in client.post("/payments/reconcile?platform=paypal").location


def test_search_finds_a_toss_payment_by_its_case_sensitive_payment_key(app):
    toss = TossShop(app)
    sign_in(toss.client)
    order_id = toss.start()
    toss.client.get(toss.path(toss.pay(order_id)))
    payment = toss.payment(order_id)
    key = payment.tid
    assert payment.status == "approved" and key != key.upper()  # a paymentKey has lower-case letters
    add_payments(app, 2, "approved")
    found = partial(toss.client, q=key)
    assert (
        "1건" in found and f'href="/payments/{order_id}"' in found and 'data-testid="platform">토스페이먼츠<' in found
    )
    assert "0건" in partial(toss.client, q=key.upper())  # another key
    assert "1건" in partial(toss.client, q="tapp0000000000000001")  # KakaoPay's tid, typed in lower case, still
    assert "1건" in partial(toss.client, q=key, platform="tosspayments")
    assert "0건" in partial(toss.client, q=key, platform="kakaopay")
