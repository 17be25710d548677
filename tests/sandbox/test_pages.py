"""The hosted pages' rules, over the Flask test client: keypad, 할부, caching, polling answers, 카톡결제, inbox."""

import re

import pytest

PAGE = "/sandbox/kakaopay/mockup/v1/{token}/{name}"


def url(kakao, ready, name: str) -> str:
    return PAGE.format(token=kakao.token(ready), name=name)


def sheet_post(kakao, ready, **form):
    return kakao.client.post(url(kakao, ready, "sheet"), data={"via": "mobile", **form})


def test_the_wrong_password_option_ends_as_fail_auth_password_and_goes_to_fail_url(kakao):
    ready = kakao.ready()
    response = sheet_post(kakao, ready, action="pay", method="MONEY", password="123456", wrong_password="1")
    assert response.status_code == 303 and response.location == "http://localhost/fail"
    assert kakao.order(ready["tid"])["status"] == "FAIL_AUTH_PASSWORD"
    assert kakao.approve(ready, "0" * 20).json["error_code"] == -783
    closed = kakao.client.get(url(kakao, ready, "scan")).get_data(as_text=True)
    assert "결제 비밀번호가 맞지 않습니다" in closed and "결제하기</button>" not in closed


@pytest.mark.parametrize("typed", ["123456", "000000", "907131"])
def test_any_six_digits_pay_as_in_kakaopays_test_mode(kakao, typed):
    ready = kakao.ready()
    response = sheet_post(kakao, ready, action="pay", method="MONEY", password=typed)
    assert response.location.startswith("http://localhost/approve?pg_token=")
    assert kakao.order(ready["tid"])["status"] == "AUTH_PASSWORD"


def test_the_keypad_states_the_rule_and_offers_the_wrong_password_option(kakao):
    ready = kakao.ready()
    page = kakao.client.get(url(kakao, ready, "password?via=mobile&method=MONEY")).get_data(as_text=True)
    assert "아무 숫자 6자리나 누르면 결제됩니다" in page and 'name="wrong_password"' in page
    assert "123456" not in page


@pytest.mark.parametrize("typed", ["12345", "abcdef", "1234567", ""])
def test_a_password_that_is_not_six_digits_asks_again(kakao, typed):
    ready = kakao.ready()
    response = sheet_post(kakao, ready, action="pay", method="CARD", card="현대카드", install_month="3", password=typed)
    assert response.status_code == 303 and "/password?" in response.location and "error=digits" in response.location
    assert "install_month=3" in response.location and "password" not in response.location.split("?")[1]
    assert kakao.order(ready["tid"])["status"] == "READY"
    page = kakao.client.get(response.location).get_data(as_text=True)
    assert "비밀번호는 숫자 6자리입니다" in page and "현대카드 · 3개월 할부" in page


def test_pay_button_leads_to_a_shuffled_keypad_carrying_the_choice(kakao):
    ready = kakao.ready()
    response = sheet_post(kakao, ready, action="auth", method="CARD", card="삼성카드", install_month="6", fault="")
    assert response.status_code == 303
    assert kakao.order(ready["tid"])["status"] == "SELECT_METHOD"
    pages = [kakao.client.get(response.location).get_data(as_text=True) for _ in range(4)]
    assert '<h1 class="kp-title">결제 비밀번호 입력</h1>' in pages[0] and "삼성카드 · 6개월 할부" in pages[0]
    assert re.search(r'name="install_month" value="6"', pages[0])
    orders = {tuple(re.findall(r'data-key="(\d)"', page)) for page in pages}
    assert all(sorted(order) == list("0123456789") for order in orders) and len(orders) > 1


@pytest.mark.parametrize("months, expected", [("3", "03"), ("0", "00"), ("12", "12"), ("1", "00"), ("99", "00")])
def test_installment_choice_reaches_approve(kakao, months, expected):
    ready = kakao.ready()
    token = kakao.pay(ready, method="CARD", card="신한카드", install_month=months, password="123456")
    assert kakao.approve(ready, token).json["card_info"]["install_month"] == expected


def test_merchant_fixed_installment_wins_and_money_has_none(kakao):
    fixed = kakao.ready(install_month=2, partner_order_id="order-1")
    assert "<option>2개월</option>" in kakao.client.get(url(kakao, fixed, "mInfo")).get_data(as_text=True)
    token = kakao.pay(fixed, method="CARD", card="신한카드", install_month="9")
    assert kakao.approve(fixed, token).json["card_info"]["install_month"] == "02"
    money = kakao.ready()
    kakao.approve(money, kakao.pay(money, install_month="9"))
    from demo.sandbox.models import SandboxPayment

    with kakao.app.app_context():
        from demo.extensions import db

        assert db.session.query(SandboxPayment).filter_by(tid=money["tid"]).one().install_month is None


@pytest.mark.parametrize("name", ["info", "scan", "mInfo", "aInfo", "tms"])
def test_hosted_pages_are_never_cached(kakao, name):
    response = kakao.client.get(url(kakao, kakao.ready(), name))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_api_answers_keep_their_own_caching(kakao):
    assert "no-store" not in kakao.post("order", {"cid": "TC0ONETIME", "tid": kakao.ready()["tid"]}).headers.get(
        "Cache-Control", ""
    )


def test_merchant_name_on_sheet_and_pc_page(kakao, make_test_app):
    ready = kakao.ready()
    for name in ("info", "scan"):
        assert 'data-testid="sandbox-merchant">Strada<' in kakao.client.get(url(kakao, ready, name)).get_data(True)
    from .conftest import Kakao

    other = Kakao(make_test_app(SANDBOX_MERCHANT_NAME="제주상회"))
    assert ">제주상회<" in other.client.get(url(other, other.ready(), "scan")).get_data(as_text=True)


def test_status_poll_is_204_while_unchanged(kakao):
    ready = kakao.ready()
    assert kakao.client.get(url(kakao, ready, "status?seen=READY")).status_code == 204
    changed = kakao.client.get(url(kakao, ready, "status?seen=OPEN_PAYMENT"))
    assert changed.status_code == 200 and 'data-status="READY"' in changed.get_data(as_text=True)


def test_an_open_sheet_learns_of_a_quit_on_the_pc(kakao):
    ready = kakao.ready()
    watch = url(kakao, ready, "watch?via=scan")
    assert kakao.client.get(watch, headers={"HX-Request": "true"}).status_code == 204
    kakao.client.post(url(kakao, ready, "sheet"), data={"action": "quit", "via": "pc"})
    answer = kakao.client.get(watch, headers={"HX-Request": "true"})
    assert answer.headers["HX-Redirect"] == url(kakao, ready, "scan")
    assert "결제를 중단했습니다" in kakao.client.get(url(kakao, ready, "scan")).get_data(as_text=True)


def test_a_sheet_that_paid_is_not_pulled_back_while_the_merchant_approves(kakao):
    """Between the sheet's 결제 and the merchant's approve (a slow one: seconds), the paying browser is following the
    redirect to approval_url; the watch must not answer with a redirect back to the sheet."""
    ready = kakao.ready()
    kakao.pay(ready)
    answer = kakao.client.get(url(kakao, ready, "watch?via=mobile"), headers={"HX-Request": "true"})
    assert answer.status_code == 204 and "HX-Redirect" not in answer.headers


def test_finished_sheet_tells_the_phone_to_look_at_the_pc(kakao):
    ready = kakao.ready()
    kakao.pay(ready)
    page = kakao.client.get(url(kakao, ready, "scan")).get_data(as_text=True)
    assert (
        "결제가 완료되었습니다" in page and "PC 화면을 확인해 주세요" in page and "다시 결제할 수 없습니다" not in page
    )
    assert kakao.client.get(url(kakao, ready, "password?via=scan")).location.endswith("/scan")


def test_buyer_pages_carry_no_developer_text(kakao):
    ready = kakao.ready()
    for name in ("info", "scan", "mInfo", "password?via=mobile"):
        page = kakao.client.get(url(kakao, ready, name), follow_redirects=True).get_data(as_text=True)
        visible = re.sub(r"<details class=\"kp-test\">.*?</details>", "", page, flags=re.S)
        for word in ("pc 흐름", "injected", "[-", "QUIT_PAYMENT", "ready →", "결제 취소", "−780"):
            assert word not in visible, (name, word)


@pytest.mark.parametrize(
    "phone, birth, message",
    [("010-12", "900101", "휴대폰 번호를 010으로"), ("010-1234-5678", "9001", "생년월일을 6자리 숫자로")],
)
def test_tms_errors_keep_what_was_typed_on_a_full_page(kakao, phone, birth, message):
    ready = kakao.ready()
    page = kakao.client.post(url(kakao, ready, "tms"), data={"phone": phone, "birth": birth}).get_data(as_text=True)
    assert page.startswith("<!doctype html>") and message in page
    assert f'value="{phone}"' in page and f'value="{birth}"' in page
    headers = {"HX-Request": "true"}
    fragment = kakao.client.post(url(kakao, ready, "tms"), data={"phone": phone, "birth": birth}, headers=headers)
    assert fragment.get_data(as_text=True).startswith("<form") and message in fragment.get_data(as_text=True)


def test_tms_sent_without_javascript_is_a_full_page(kakao):
    ready = kakao.ready()
    page = kakao.client.post(url(kakao, ready, "tms"), data={"phone": "01012345678", "birth": "900101"})
    text = page.get_data(as_text=True)
    assert text.startswith("<!doctype html>") and "010-****-5678 카카오톡으로 결제 요청을 보냈습니다" in text
    assert kakao.order(ready["tid"])["status"] == "SEND_TMS"


def test_inbox_keeps_the_number_and_drops_pay_after_payment(kakao):
    ready = kakao.ready()
    kakao.client.post(url(kakao, ready, "tms"), data={"phone": "01012345678", "birth": "900101"})
    inbox = kakao.client.post("/sandbox/kakaopay/talk", data={"phone": "010-1234-5678"}).get_data(as_text=True)
    assert "결제하기</a>" in inbox and 'value="010-1234-5678"' in inbox
    kakao.pay(ready)
    inbox = kakao.client.post("/sandbox/kakaopay/talk", data={"phone": "01012345678"}).get_data(as_text=True)
    assert "결제하기</a>" not in inbox and "결제가 완료되었습니다" in inbox
    wrong = kakao.client.post("/sandbox/kakaopay/talk", data={"phone": "12-34"}).get_data(as_text=True)
    assert 'value="12-34"' in wrong and "010으로 시작하는" in wrong


def test_an_unchanged_status_poll_is_one_query(kakao):
    from sqlalchemy import event

    from demo.extensions import db

    ready, statements = kakao.ready(), []
    with kakao.app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    answer = kakao.client.get(url(kakao, ready, "status?seen=READY"), headers={"HX-Request": "true"})
    event.remove(engine, "before_cursor_execute", record)
    assert answer.status_code == 204 and answer.data == b"" and len(statements) == 1


def test_a_poll_of_a_paid_or_expired_payment_is_never_204(kakao, make_test_app):
    from .conftest import Kakao

    ready = kakao.ready()
    kakao.pay(ready)
    paid = kakao.client.get(url(kakao, ready, "status?seen=AUTH_PASSWORD"), headers={"HX-Request": "true"})
    assert "pg_token=" in paid.headers["HX-Redirect"]
    expiring = Kakao(make_test_app(SANDBOX_PAYMENT_TTL=0))
    ready = expiring.ready()
    expired = expiring.client.get(url(expiring, ready, "status?seen=READY"), headers={"HX-Request": "true"})
    assert expired.headers["HX-Redirect"] == "http://localhost/fail"
    assert expiring.order(ready["tid"])["status"] == "FAIL_PAYMENT"
