"""Payments: checkout, the provider callbacks, receipts, refunds and history."""

from flask import Blueprint, Flask

from . import providers

bp = Blueprint("payments", __name__, cli_group="payments")

from . import cli, history, refund_records, refunds, views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    providers.init_app(app)
    app.jinja_env.globals["started_here"] = views.started_here
    app.jinja_env.globals["payment_providers"] = lambda: [providers.PROVIDERS[name] for name in providers.enabled()]
    app.jinja_env.globals["payment_modes"] = providers.modes
    app.jinja_env.globals.update(reason_max=refund_records.REASON_MAX, default_reason=refund_records.DEFAULT_REASON)
