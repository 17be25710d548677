"""Any sequence of partial refunds: amounts, VAT and tax-free parts add up and never go over."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import create_app

from .conftest import Kakao


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    total=st.integers(1, 200_000),
    tax_free_share=st.sampled_from([0, 1, 2]),
    refunds=st.lists(st.integers(1, 120_000), min_size=1, max_size=5),
)
def test_partial_refunds_add_up(tmp_path_factory, total, tax_free_share, refunds):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'p.sqlite'}",
        }
    )
    kakao = Kakao(app)
    tax_free = [0, total // 3, total][tax_free_share]
    tid = kakao.paid(total_amount=total, tax_free_amount=tax_free)["tid"]
    refunded = refunded_tax_free = 0
    for amount in refunds:
        left, left_tax_free = total - refunded, tax_free - refunded_tax_free
        part_tax_free = min(left_tax_free, max(0, amount - (left - left_tax_free)))  # taxable part first
        response = kakao.cancel(tid, amount, tax_free=part_tax_free)
        if amount > left:
            assert response.status_code == 400 and response.json["error_code"] in (-710, -784)
            continue
        assert response.status_code == 200, response.json
        refunded += amount
        refunded_tax_free += part_tax_free
        body = response.json
        assert body["canceled_amount"]["total"] == refunded
        assert body["cancel_available_amount"]["total"] == total - refunded
        assert 0 <= body["canceled_amount"]["vat"] <= body["amount"]["vat"]
        assert body["status"] == ("CANCEL_PAYMENT" if refunded == total else "PART_CANCEL_PAYMENT")
    order = kakao.order(tid)
    if refunded == total:
        assert order["canceled_amount"]["vat"] == order["amount"]["vat"]
        assert order["canceled_amount"]["tax_free"] == tax_free


def test_default_vat_never_exceeds_what_is_left(kakao):
    """Found by the property test: rounding each partial refund's VAT up could ask for more VAT than remains."""
    tid = kakao.paid(total_amount=34502, tax_free_amount=11500)["tid"]
    assert kakao.cancel(tid, 1623).json["approved_cancel_amount"]["vat"] == 148
    second = kakao.cancel(tid, 21379).json
    assert second["approved_cancel_amount"]["vat"] == 1943 and second["cancel_available_amount"]["vat"] == 0
