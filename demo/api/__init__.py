"""The Strada app API, /api/v1: JSON for the Strada app and scripts, on the same payment service as the web pages.

Routes and their OpenAPI operations are declared with flask-openapi3 (pydantic v2 models validate the requests and
are the document's schemas); errors are RFC 9457 problems. Bearer tokens only: exempt from CSRF, never a cookie.
"""

from flask import Flask, request
from flask_openapi3 import APIBlueprint

from .. import config as config_module
from .. import errors
from ..extensions import csrf
from .problems import ApiProblem, from_http_error, from_validation_error

PREFIX = "/api/v1"
api = APIBlueprint("api", __name__, url_prefix=PREFIX)

from . import bridge, console_pages, document, views  # noqa: E402,F401  (routes register on import)


def init_app(app: Flask) -> None:
    if not app.config["MERCHANT_API_KEY"]:
        app.config["MERCHANT_API_KEY"] = config_module.persistent_merchant_api_key(app.instance_path)
    # flask-openapi3 answers a request its models refuse through the app's validation_error_callback (its own
    # OpenAPI app class has one; this app is a plain Flask app): a 422 problem.
    app.validation_error_callback = from_validation_error
    errors.JSON_ERRORS[PREFIX + "/"] = from_http_error
    app.register_error_handler(ApiProblem, lambda problem: problem.response())
    csrf.exempt(api)
    app.register_blueprint(api)
    app.register_blueprint(bridge.bp)


@api.before_request
def authenticate() -> None:
    """Every operation but the open ones needs a valid token, checked before its input (401 before 422)."""
    if request.endpoint not in views.OPEN_ENDPOINTS:
        views.caller()
