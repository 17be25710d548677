"""Payments for the history scenario, written through the demo's own models into the bench database."""

import os
import random
import secrets
from datetime import datetime, timedelta


def seed_history(env: dict, count: int) -> None:
    os.environ.update(env)
    from demo import create_app
    from demo.extensions import db
    from demo.payments.models import Payment, Status

    app = create_app()
    statuses = list(Status.LABELS)
    start = datetime.now() - timedelta(days=30)
    with app.app_context():
        db.session.add_all(
            Payment(
                order_id=secrets.token_urlsafe(16),
                user_id="v_bench",
                provider="kakaopay",
                item_name="초코파이",
                item_code="choco-pie",
                quantity=1,
                total_amount=2200,
                tax_free_amount=0,
                vat_amount=200,
                flow=random.choice(["pc", "mobile", "app"]),
                status=random.choice(statuses),
                tid="T" + secrets.token_hex(10)[:19].upper(),
                created_at=start + timedelta(seconds=i * 250),
            )
            for i in range(count)
        )
        db.session.commit()
        db.engine.dispose()
