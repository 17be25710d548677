"""The built-in KakaoPay emulator: the Open API and stand-ins for Kakao's hosted pages."""

from flask import Blueprint, Flask

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox/kakaopay")

from . import api, openapi, pages, subscriptions  # noqa: E402,F401  (routes register on import)


def init_app(app: Flask) -> None:
    """Mount the sandbox."""
    app.register_blueprint(bp)
