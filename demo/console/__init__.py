"""The merchant console: one merchant user, signed in with ADMIN_PASSWORD (Flask-Login)."""

from flask import Blueprint, Flask

from .. import config as config_module
from .auth import is_merchant, login_manager

bp = Blueprint("console", __name__, url_prefix="/console")

from . import views  # noqa: E402,F401  (routes register on import)


def init_app(app: Flask) -> None:
    if not app.config["ADMIN_PASSWORD"]:
        app.config["ADMIN_PASSWORD"] = config_module.persistent_admin_password(app.instance_path)
    login_manager.init_app(app)
    app.jinja_env.globals["is_merchant"] = is_merchant
    app.register_blueprint(bp)
