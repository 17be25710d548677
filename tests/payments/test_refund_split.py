"""The merchant's VAT / tax-free split of a refund: every partial sequence is accepted and adds up exactly."""

from hypothesis import given
from hypothesis import strategies as st

from demo.payments.models import Payment
from demo.payments.service import refund_split


@given(total=st.integers(1, 500_000), share=st.floats(0, 1), cuts=st.lists(st.floats(0.01, 1), max_size=6))
def test_refund_split_adds_up(total, share, cuts):
    tax_free = int(total * share)
    vat = (2 * (total - tax_free) + 11) // 22
    payment = Payment(
        total_amount=total,
        tax_free_amount=tax_free,
        vat_amount=vat,
        canceled_amount=0,
        canceled_tax_free_amount=0,
        canceled_vat_amount=0,
    )
    for cut in [*cuts, 1.0]:
        left = total - payment.canceled_amount
        amount = max(1, min(left, round(left * cut)))
        part_tax_free, part_vat = refund_split(payment, amount)
        assert 0 <= part_tax_free <= tax_free - payment.canceled_tax_free_amount
        assert amount - part_tax_free <= (total - tax_free) - (
            payment.canceled_amount - payment.canceled_tax_free_amount
        )
        assert 0 <= part_vat <= vat - payment.canceled_vat_amount
        payment.canceled_amount += amount
        payment.canceled_tax_free_amount += part_tax_free
        payment.canceled_vat_amount += part_vat
        if payment.canceled_amount == total:
            break
    assert (payment.canceled_amount, payment.canceled_tax_free_amount, payment.canceled_vat_amount) == (
        total,
        tax_free,
        vat,
    )
