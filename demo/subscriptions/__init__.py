"""정기결제: subscriptions started with a first payment, then charged by the server every month."""

from flask import Blueprint

bp = Blueprint("subscriptions", __name__, cli_group="subscriptions")

from . import cli, views  # noqa: E402,F401  (routes and commands register on import)
