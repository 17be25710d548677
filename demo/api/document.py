"""GET /api/v1/openapi.json (the generated document) and GET /api/v1/docs (a reference page, vendored Swagger UI:
works offline; its setup is a static script, so the CSP stays script-src 'self')."""

from functools import cache

from flask import render_template

from . import api
from .openapi_docs import build_document
from .problems import utf8_json

VERSION = "1.0.0"


@cache
def document() -> dict:
    """Built once per process: the routes are fixed once the app is made."""
    return build_document(api, VERSION)


@api.get("/openapi.json", doc_ui=False)
def openapi_json():
    return utf8_json(document())


@api.get("/docs", doc_ui=False)
def reference():
    return render_template("api/docs.html")
