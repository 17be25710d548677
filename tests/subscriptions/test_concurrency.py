"""`flask subscriptions charge-due` run by several processes at once charges each billing period exactly once."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from demo.extensions import db
from demo.payments.models import Payment
from demo.sandbox.models import SandboxPayment
from demo.subscriptions import clock
from demo.subscriptions.models import Subscription, SubscriptionCharge

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4


def test_parallel_charge_due_charges_each_period_once(app, buyer):
    subscription = buyer.start()
    with app.app_context():
        clock.set_months_ahead(3)  # periods 2, 3 and 4 are due
    env = {
        **os.environ,
        "FLASK_APP": "demo",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": "test-secret",
        "SANDBOX_FAULT": "slow",  # every charge takes a while, so the runs overlap
        "SANDBOX_SLOW_SECONDS": "0.4",
    }
    flask = [sys.executable, "-m", "flask", "subscriptions", "charge-due"]
    runs = [
        subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(PROCESSES)
    ]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        outputs.append(out)
    made = sum(int(out.strip().splitlines()[-1].split()[0]) for out in outputs)
    assert made == 3, outputs
    with app.app_context():
        rows = db.session.scalars(
            select(SubscriptionCharge).join(Subscription).where(Subscription.key == subscription.key)
        ).all()
        assert sorted((c.period, c.status, c.attempts) for c in rows) == [(p, "paid", 1) for p in (1, 2, 3, 4)]
        assert db.session.scalar(select(func.count()).where(Payment.flow == "server")) == 3
        charged = select(func.count()).where(SandboxPayment.sid == subscription.billing_key)
        assert db.session.scalar(charged) == 4  # the first payment and three charges, at KakaoPay too
        assert db.session.scalar(select(Subscription.next_period).filter_by(key=subscription.key)) == 5
