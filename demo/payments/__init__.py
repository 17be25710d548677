"""Payments: checkout, the provider callbacks, receipts and history."""

from flask import Blueprint, Flask

bp = Blueprint("payments", __name__)

from . import views  # noqa: E402,F401


def init_app(app: Flask) -> None:
    """Hook for the payment service's per-app set-up (provider registry, CLI)."""
