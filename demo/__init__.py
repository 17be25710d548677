"""Strada Pay demo: a single payment flow on each payment platform it offers, end to end."""

import importlib
import os

from flask import Flask, Response, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import schema
from .extensions import csrf, db
from .framing import FRAMEABLE_BY_SELF
from .payments.providers import content_security_policy, sandboxes


def create_app(test_config: dict | None = None) -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.join(root, "instance"),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_object(config_module.Config)
    app.config.from_pyfile("config.py", silent=True)
    if test_config is None:
        config_module.load_environment(app.config)
    else:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config_module.persistent_secret_key(app.instance_path)
    settings = app.config
    settings["TRUSTED_HOSTS"] = config_module.trusted_hosts(settings["TRUSTED_HOSTS"], settings["PUBLIC_BASE_URL"])
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"] or (
        "sqlite:///" + os.path.join(app.instance_path, "strada.sqlite")
    )
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):  # a file has no connection to lose: no ping per use
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {**settings["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False}

    db.init_app(app)
    csrf.init_app(app)
    secure(app)
    schema.init_app(app)

    from . import (
        api,
        app_shell,
        assets,
        catalog,
        console,
        errors,
        filters,
        payments,
        presenter,
        subscriptions,
    )

    assets.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    console.init_app(app)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(payments.bp)
    for module in sandboxes(app.config):  # each platform's stand-in, unless its real keys are set
        importlib.import_module(module).init_app(app)
    app.register_blueprint(presenter.bp)
    app.register_blueprint(app_shell.bp)
    app.register_blueprint(subscriptions.bp)
    payments.init_app(app)
    api.init_app(app)

    with app.app_context():
        schema.upgrade_schema()
    return app


# Scripts only from this site's files (no inline script, no eval); inline *styles* stay allowed for the style
# attributes of the presenter's diagram and the sandbox's QR code.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
}


def secure(app: Flask) -> None:
    """Security headers and cookie flags (flask-talisman); behind an https proxy, trust its X-Forwarded-* headers."""
    behind_proxy = app.config["BEHIND_HTTPS_PROXY"]
    if behind_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    SameHeadersTalisman(
        app,
        force_https=False,  # https is the proxy's job; the LAN demo is plain http
        content_security_policy=content_security_policy(CONTENT_SECURITY_POLICY, app.config),
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=behind_proxy,
        session_cookie_http_only=True,
    )


class SameHeadersTalisman(Talisman):
    """Talisman whose headers are built once per scheme, then copied onto each response. They are the same for
    every response of this app (no view has its own Talisman options and the CSP has no nonce), except that a
    response marked by framing.frameable_by_self may be framed by this site's own pages."""

    def init_app(self, app: Flask, **options) -> None:
        super().init_app(app, **options)
        self.built: dict[bool, list[tuple[str, str]]] = {}

    def _set_response_headers(self, response: Response) -> Response:
        https = request.is_secure or request.headers.get("X-Forwarded-Proto") == "https"
        if https not in self.built:
            blank = Response()
            own = set(blank.headers.keys())
            headers = super()._set_response_headers(blank).headers
            self.built[https] = [(name, value) for name, value in headers.items() if name not in own]
        response.headers.update(self.built[https])
        if getattr(response, FRAMEABLE_BY_SELF, False):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
            policy = response.headers["Content-Security-Policy"]
            framed = policy.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
            response.headers["Content-Security-Policy"] = framed
        return response
