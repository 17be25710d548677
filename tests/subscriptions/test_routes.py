"""정기결제 from the buyer's and the console's side, through the routes, against the in-process sandbox, for every
provider (the Open API and the legacy kapi one: billing keys are provider methods)."""

from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.subscriptions.models import Subscription

from ..conftest import sign_in
from ..payments.conftest import make_test_app, provider  # noqa: F401  (every test runs for each provider)


def charges(app, key: str) -> list[tuple[int, str, str]]:
    with app.app_context():
        subscription = db.session.scalar(select(Subscription).filter_by(key=key))
        return [(c.period, c.status, c.payment.status) for c in subscription.charges]


def test_product_page_explains_and_offers_it(client):
    page = client.get("/products/strada-plus").get_data(as_text=True)
    assert "정기결제 시작" in page and "자동 결제" in page and "해지" in page
    assert "정기결제 시작" not in client.get("/products/choco-pie").get_data(as_text=True)


def test_only_a_recurring_product_can_be_subscribed(client):
    assert client.post("/subscriptions", data={"product": "choco-pie"}).status_code == 400


def test_first_payment_issues_the_sid_and_activates(app, buyer):
    subscription = buyer.start()
    assert subscription.status == "active" and subscription.billing_key.startswith("S")
    assert subscription.next_period == 2
    with app.app_context():
        first = db.session.get(Payment, subscription.first_payment_id)
        assert first.recurring and first.status == "approved" and first.billing_key == subscription.billing_key
        assert '"cid": "TCSUBSCRIP"' in first.exchanges[0].request_body
    page = buyer.client.get("/subscriptions/mine").get_data(as_text=True)
    assert "이용 중" in page and "1회차" in page and "다음 결제일" in page


def test_charge_next_three_times_then_refund_one_then_cancel(app, buyer):
    subscription = buyer.start()
    console = sign_in(app.test_client())
    for _ in range(3):
        assert console.post(f"/subscriptions/{subscription.key}/charge").status_code == 303
    assert charges(app, subscription.key) == [(n, "paid", "approved") for n in (1, 2, 3, 4)]
    with app.app_context():
        second = db.session.scalar(select(Subscription).filter_by(key=subscription.key)).charges[1].payment
        order_id, tid = second.order_id, second.tid
        assert second.flow == "server" and tid != db.session.get(Payment, subscription.first_payment_id).tid
    refund = console.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 0})
    assert refund.status_code == 303
    assert charges(app, subscription.key)[1] == (2, "paid", "refunded")
    page = buyer.client.get(f"/subscriptions/{subscription.key}/cancel").get_data(as_text=True)
    assert "해지할까요" in page
    assert buyer.client.post(f"/subscriptions/{subscription.key}/cancel").status_code == 303
    assert buyer.subscription().status == "inactive"
    console.post("/subscriptions/clock", data={"action": "advance"})
    console.post("/subscriptions/clock", data={"action": "advance"})
    assert console.post("/subscriptions/charge-due").status_code == 303
    assert len(charges(app, subscription.key)) == 4  # nothing charged after 해지
    assert "해지됨" in buyer.client.get("/subscriptions/mine").get_data(as_text=True)


def test_another_browser_cannot_cancel_it(app, buyer):
    subscription = buyer.start()
    stranger = app.test_client()
    assert stranger.get(f"/subscriptions/{subscription.key}/cancel").status_code == 404
    assert stranger.post(f"/subscriptions/{subscription.key}/cancel").status_code == 404
    assert "이 브라우저에서 시작한 구독이 없습니다" in stranger.get("/subscriptions/mine").get_data(as_text=True)


def test_console_deactivates(app, buyer):
    subscription = buyer.start()
    console = sign_in(app.test_client())
    assert console.post(f"/subscriptions/{subscription.key}/deactivate").status_code == 303
    assert buyer.subscription().status == "inactive"
    page = console.get("/subscriptions").get_data(as_text=True)
    assert "해지됨" in page and "콘솔" in page


def test_charge_due_waits_for_the_billing_date(app, buyer, runner):
    subscription = buyer.start()
    result = runner.invoke(args=["subscriptions", "charge-due"])
    assert "0 charge(s)" in result.output
    runner.invoke(args=["subscriptions", "clock", "--advance"])
    result = runner.invoke(args=["subscriptions", "charge-due"])
    assert "1 charge(s)" in result.output and "2회차" in result.output
    assert "0 charge(s)" in runner.invoke(args=["subscriptions", "charge-due"]).output
    assert [c[0] for c in charges(app, subscription.key)] == [1, 2]


def test_a_failed_charge_is_shown_and_retried(app, buyer, runner):
    subscription = buyer.start(fault="charge_fail")
    runner.invoke(args=["subscriptions", "clock", "--advance"])
    result = runner.invoke(args=["subscriptions", "charge-due"])
    assert "failed" in result.output and "-782" in result.output
    assert charges(app, subscription.key)[1] == (2, "failed", "failed")
    page = sign_in(app.test_client()).get("/subscriptions").get_data(as_text=True)
    assert "결제 실패" in page and "다음 청구 때 다시 시도합니다" in page
    app.config["SANDBOX_FAULT"] = None
    with app.app_context():
        from demo.sandbox.models import SandboxSubscription

        db.session.execute(db.update(SandboxSubscription).values(fault=None))
        db.session.commit()
    assert "1 charge(s)" in runner.invoke(args=["subscriptions", "charge-due"]).output
    assert charges(app, subscription.key)[1] == (2, "paid", "approved")
    with app.app_context():
        charge = db.session.scalar(select(Subscription).filter_by(key=subscription.key)).charges[1]
        assert charge.attempts == 2
        attempts = db.session.scalars(select(Payment).where(Payment.flow == "server")).all()
        assert [p.status for p in attempts] == ["failed", "approved"]


def test_a_timed_out_charge_is_retried_with_the_same_order_and_paid_once(make_test_app):  # noqa: F811  (the provider-parametrized factory imported above)
    from demo.sandbox.models import SandboxPayment

    from ..payments.test_contract import eventually
    from .conftest import Buyer

    app = make_test_app(PROVIDER_TIMEOUT=0.3, SANDBOX_SLOW_SECONDS=0.8)
    buyer = Buyer(app)
    subscription = buyer.start()
    runner = app.test_cli_runner()
    runner.invoke(args=["subscriptions", "clock", "--advance"])
    app.config["SANDBOX_FAULT"] = "slow"
    result = runner.invoke(args=["subscriptions", "charge-due"])
    assert "unknown" in result.output and "timeout" in result.output
    assert charges(app, subscription.key)[1] == (2, "unknown", "approving")

    with app.app_context():
        sid_payments = select(db.func.count()).where(SandboxPayment.sid == subscription.billing_key)
        assert eventually(lambda: db.session.scalar(sid_payments) == 2)  # KakaoPay went on: first + this charge
    app.config["SANDBOX_FAULT"] = None
    assert "1 charge(s)" in runner.invoke(args=["subscriptions", "charge-due"]).output
    assert charges(app, subscription.key)[1] == (2, "paid", "approved")
    with app.app_context():
        assert db.session.scalar(sid_payments) == 2  # the retry got the same charge back, not a second one
        assert db.session.scalar(select(db.func.count()).where(Payment.flow == "server")) == 1


def test_a_key_deactivated_at_kakaopay_ends_the_subscription_on_check(app, buyer):
    subscription = buyer.start()
    headers = {"Authorization": f"SECRET_KEY {app.config['SANDBOX_SECRET_KEY']}"}
    body = {"cid": "TCSUBSCRIP", "sid": subscription.billing_key}
    console = sign_in(app.test_client())
    console.post(f"/subscriptions/{subscription.key}/check")
    assert buyer.subscription().status == "active"
    console.post("/sandbox/kakaopay/online/v1/payment/manage/subscription/inactive", json=body, headers=headers)
    response = console.post(f"/subscriptions/{subscription.key}/check", follow_redirects=True)
    assert "카카오페이 SID 상태: INACTIVE" in response.get_data(as_text=True)
    assert buyer.subscription().status == "inactive"
    assert "카카오페이에서 해지" in console.get("/subscriptions").get_data(as_text=True)


def test_a_stranger_cannot_use_the_console(app, buyer):
    subscription = buyer.start()
    stranger = app.test_client()
    assert stranger.get("/subscriptions").status_code == 403
    for action in ("charge", "deactivate", "check"):
        assert stranger.post(f"/subscriptions/{subscription.key}/{action}").status_code == 403
    assert stranger.post("/subscriptions/charge-due").status_code == 403
    assert stranger.post("/subscriptions/clock", data={"action": "advance"}).status_code == 403
    assert len(charges(app, subscription.key)) == 1 and buyer.subscription().status == "active"
