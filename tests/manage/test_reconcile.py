"""Reconciliation rules, the history button and the CLI."""

from types import SimpleNamespace

from ..conftest import sign_in
from ..payments.test_contract import eventually
from .conftest import order_api


def test_timed_out_approve_ends_approved_without_a_second_charge(make_test_app):
    from ..payments.conftest import Shop

    app = make_test_app(SANDBOX_FAULT="slow", SANDBOX_SLOW_SECONDS=1.5, PROVIDER_TIMEOUT=1.0, RECONCILE_AFTER=0)
    shop = Shop(app)
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    assert shop.payment(order_id).status == "approving"
    tid = shop.payment(order_id).tid  # the provider finishes the slow approve on its side (however loaded the machine)
    assert eventually(lambda: order_api(app, tid)["status"] == "SUCCESS_PAYMENT")
    result = app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert f"{order_id}: 승인 확인 중 → 결제 완료" in result.output and "1 payment(s) changed" in result.output
    payment = shop.payment(order_id)
    assert payment.status == "approved" and payment.aid
    actions = order_api(app, payment.tid)["payment_action_details"]
    assert [a["payment_action_type"] for a in actions] == ["PAYMENT"]


def test_approving_with_the_provider_still_waiting_retries_approve_once(make_test_app):
    from ..payments.conftest import Shop

    app = make_test_app(SANDBOX_FAULT="server_error", RECONCILE_AFTER=0)
    shop = Shop(app)
    sign_in(shop.client)
    order_id = shop.start()
    shop.client.get(shop.path(shop.pay(order_id)))
    assert shop.payment(order_id).status == "approving"
    app.config["SANDBOX_FAULT"] = None  # KakaoPay recovered
    page = shop.client.post("/payments/reconcile", follow_redirects=True).get_data(as_text=True)
    assert "상태가 바뀐 결제: 1건" in page and f"주문 {order_id}: 승인 확인 중 → 결제 완료" in page
    assert shop.payment(order_id).status == "approved"
    assert [a["payment_action_type"] for a in order_api(app, shop.payment(order_id).tid)["payment_action_details"]] == [
        "PAYMENT"
    ]


def test_abandoned_payments_end_failed_or_cancelled(make_test_app):
    from ..payments.conftest import Shop

    app = make_test_app(SANDBOX_PAYMENT_TTL=0, RECONCILE_AFTER=0, STALE_AFTER=3600)
    shop = Shop(app)
    abandoned = shop.start()
    result = app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert f"{abandoned}: 결제 대기 → 결제 실패" in result.output
    app.config["SANDBOX_PAYMENT_TTL"] = 900
    quit_ = shop.start()
    shop.on_sheet(quit_, "quit")  # the browser never came back to cancel_url
    app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert shop.payment(quit_).status == "cancelled"


def test_paid_but_never_called_back_is_found(make_test_app):
    """The merchant lost its approve answer entirely (crash after KakaoPay approved): the order API has it."""
    from ..payments.conftest import Shop

    app = make_test_app(RECONCILE_AFTER=0)
    shop = Shop(app)
    order_id = shop.start()
    pg_token = shop.pay(order_id).split("pg_token=")[1]
    payment = shop.payment(order_id)
    headers = {"Authorization": f"SECRET_KEY {app.config['SANDBOX_SECRET_KEY']}"}
    shop.client.post(
        "/sandbox/kakaopay/online/v1/payment/approve",
        headers=headers,
        json={
            "cid": "TC0ONETIME",
            "tid": payment.tid,
            "partner_order_id": order_id,
            "partner_user_id": payment.user_id,
            "pg_token": pg_token,
        },
    )
    app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert shop.payment(order_id).status == "approved"


def test_young_payments_are_left_alone(make_test_app):
    from ..payments.conftest import Shop

    app = make_test_app(RECONCILE_AFTER=3600)
    shop = Shop(app)
    order_id = shop.start()
    result = app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert "0 payment(s) changed" in result.output and shop.payment(order_id).status == "ready"


def test_list_and_show(app, paid, runner):
    order_id = paid()
    listing = runner.invoke(args=["payments", "list"]).output
    assert order_id in listing and "approved" in listing and "4,400원" in listing
    shown = runner.invoke(args=["payments", "show", order_id]).output
    assert "aid" in shown and "approving → approved" in shown
    assert "POST approve" in shown
    assert runner.invoke(args=["payments", "show", "nope"]).exit_code != 0


def test_order_ids_never_read_as_command_line_options(app, paid, runner, monkeypatch):
    """A random id starting with "-" (1 in 64 of token_urlsafe's) would be an option to `flask payments show`."""
    drawn = iter(["-hFirstDraw", "second-draw"])
    monkeypatch.setattr("demo.payments.models.secrets", SimpleNamespace(token_urlsafe=lambda n: next(drawn)))
    order_id = paid()
    assert order_id == "second-draw"
    assert "approving → approved" in runner.invoke(args=["payments", "show", order_id]).output
