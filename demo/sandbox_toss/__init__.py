"""The built-in Toss Payments emulator: the core API, the browser SDK's stand-in, its payment window, webhooks.

It stands for Toss as demo.sandbox stands for Kakao: it imports nothing of the merchant side and could run alone.
"""

from flask import Blueprint, Flask

bp = Blueprint("sandbox_toss", __name__, url_prefix="/sandbox/tosspayments", cli_group="toss-sandbox")

from . import api, cli, openapi, pages, webhooks  # noqa: E402,F401  (routes register on import)


def init_app(app: Flask) -> None:
    """Mount the sandbox, its JSON errors, and the webhook dispatcher (started by the first request a process
    serves)."""
    app.register_blueprint(bp)
    api.json_errors(app)
    app.before_request(webhooks.ensure_dispatcher)
