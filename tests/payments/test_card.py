"""A payment's card in the same names for every platform (providers.card): the receipt and the API read them."""

from demo.payments.providers import card

from .conftest import Shop, TossShop


def test_common_names_and_names_stored_before_them():
    stored = {"issuer": "현대카드", "bin": "433012", "install_month": "03", "card_type": "신용"}
    assert card(stored) == {"issuer": "현대카드", "purchaser": None, "bin": "433012", "install_month": "03"}
    before = {"kakaopay_issuer_corp": "수협은행", "kakaopay_purchase_corp": "비씨카드", "install_month": "00"}
    assert card(before) == {"issuer": "수협은행", "purchaser": "비씨카드", "bin": None, "install_month": "00"}
    assert card(None) is None and card({}) is None


def test_a_kakaopay_card_payment_shows_its_card(app):
    shop = Shop(app)
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id, method="CARD", card="신한카드", install_month="3")))
    payment = shop.payment(order_id)
    assert payment.card["issuer"] == "신한카드" and payment.card["install_month"] == "03"
    assert "kakaopay_issuer_corp" not in payment.card_info
    assert "신한카드 · 3개월" in shop.client.get(f"/payments/{order_id}").get_data(as_text=True)


def test_a_toss_card_payment_shows_its_card(app):
    shop = TossShop(app)
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    payment = shop.payment(order_id)
    assert payment.status == "approved" and payment.card["issuer"] == "현대카드"
    assert "현대카드 · 일시불" in shop.client.get(f"/payments/{order_id}").get_data(as_text=True)
