"""Payments: checkout, the provider callbacks, receipts, refunds and history."""

from flask import Blueprint, Flask

from . import providers

bp = Blueprint("payments", __name__, cli_group="payments")

from . import cli, history, refunds, views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    providers.init_app(app)
    app.jinja_env.globals["started_here"] = views.started_here
