"""``flask toss-sandbox deliver-webhooks``: expire what is due and send every due webhook, once or in a loop."""

import time

import click
from flask import current_app

from ..extensions import db
from . import bp, webhooks


@bp.cli.command("deliver-webhooks")
@click.option("--loop", is_flag=True, help="Keep going every TOSS_SANDBOX_WEBHOOK_POLL seconds (Ctrl-C stops).")
def deliver_webhooks(loop: bool) -> None:
    """Send the Toss sandbox's due PAYMENT_STATUS_CHANGED webhooks (and resend failed ones on schedule)."""
    base_url = current_app.config.get("PUBLIC_BASE_URL") or "http://localhost"
    while True:
        with current_app.test_request_context(base_url=base_url):
            expired, sent = webhooks.tick()
            db.session.remove()
        if expired or sent or not loop:
            click.echo(f"expired {expired}, sent {sent}")
        if not loop:
            return
        time.sleep(current_app.config["TOSS_SANDBOX_WEBHOOK_POLL"])
