"""The catalog: product list and product pages."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from . import cli, views  # noqa: E402,F401  (routes and commands register on import)
