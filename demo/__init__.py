"""Strada Pay demo: the KakaoPay single payment flow, end to end."""

import os

from flask import Flask

from . import config as config_module
from . import schema
from .extensions import csrf, db


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
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"] or (
        "sqlite:///" + os.path.join(app.instance_path, "strada.sqlite")
    )

    db.init_app(app)
    csrf.init_app(app)
    schema.init_app(app)

    from . import assets, catalog, errors, filters, payments, presenter, sandbox

    assets.init_app(app)
    filters.init_app(app)
    errors.init_app(app)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(payments.bp)
    app.register_blueprint(sandbox.bp)
    app.register_blueprint(presenter.bp)
    payments.init_app(app)

    with app.app_context():
        schema.upgrade_schema()
    return app
