"""The OpenAPI 3.1 document: flask-openapi3 collects every operation of the blueprint (paths, parameters, request
bodies from the pydantic models); the responses are declared here per operation with their schemas (generated from
the response models), content types (problem+json for errors), headers and links."""

from flask_openapi3 import APIBlueprint
from flask_openapi3.models import APISpec, Components, Info, Schema
from flask_openapi3.utils import get_model_schema
from pydantic import BaseModel

from .problems import PROBLEM_JSON
from .schemas import Payment, Problem

REF = "#/components/schemas/"
RESPONSE_MODELS: set[type[BaseModel]] = {Problem}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}}
ERRORS = {
    400: ("bad_request, idempotency_key_missing: a header or the body cannot be read", None),
    401: (
        "unauthenticated: no, an unknown, an expired or a revoked token",
        {"WWW-Authenticate": {"description": 'Bearer realm="strada"', "schema": {"type": "string"}}},
    ),
    403: ("forbidden: this kind of token may not do this (app token vs merchant key)", None),
    404: ("payment_not_found: no such payment for this token (another buyer's is not found either)", None),
    409: (
        "invalid_state (with `payment` as it really is), not_authenticated_yet (retry), request_in_progress "
        "(the first request with this Idempotency-Key still runs)",
        RETRY_AFTER,
    ),
    410: ("payment_expired", None),
    422: ("validation_failed (with invalid_params), idempotency_key_reused", None),
    429: ("rate_limited", RETRY_AFTER),
    502: ("provider_error: the payment platform refused (with `provider {code, message}`, e.g. −799)", None),
    503: ("provider_unavailable: the payment platform did not answer; retry", None),
}


def ref(model: type[BaseModel]) -> dict:
    RESPONSE_MODELS.add(model)
    return {"$ref": REF + model.__name__}


def json_response(model: type[BaseModel], description: str, headers: dict | None = None, link: dict | None = None):
    response = {"description": description, "content": {"application/json": {"schema": ref(model)}}}
    if headers:
        response["headers"] = headers
    if link:
        response["links"] = link
    return response


def etag_header() -> dict:
    description = "the payment's current version (send it as If-None-Match)"
    return {"ETag": {"description": description, "schema": {"type": "string"}}}


def payment_response(description: str, link: dict | None = None, etag: bool = False) -> dict:
    return json_response(Payment, description, etag_header() if etag else None, link)


def error_responses(*codes: int, auth: bool = True) -> dict:
    """Problem responses: 400 everywhere, 401 where a token is needed, and ``codes``."""
    wanted = sorted({400, *codes, *([401] if auth else [])})
    responses = {}
    for code in wanted:
        description, headers = ERRORS[code]
        responses[code] = {"description": description, "content": {PROBLEM_JSON: {"schema": {"$ref": REF + "Problem"}}}}
        if headers:
            responses[code]["headers"] = headers
    return responses


def links(source: str) -> dict:
    """OpenAPI links from a created payment to what can be done with it next (a client's, and schemathesis's,
    stateful flow)."""
    order_id = {"order_id": "$response.body#/order_id"}
    return {
        operation: {"operationId": operation, "parameters": order_id}
        for operation in ("getPayment", "confirmPayment", "abandonPayment")
        if operation != source
    }


def build_document(api: APIBlueprint, version: str) -> dict:
    schemas = dict(api.components_schemas)
    for model in RESPONSE_MODELS:
        schema = get_model_schema(model, mode="serialization")
        for name, value in schema.pop("$defs", {}).items():
            schemas[name] = Schema(**value)
        schemas[model.__name__] = Schema(**schema)
    spec = APISpec(
        openapi="3.1.0",
        info=Info(
            title="Strada API",
            version=version,
            description="The Strada app's API: app sessions, payments through the site's payment platforms, refunds "
            "and reconcile. "
            "Errors are RFC 9457 problems (`application/problem+json`) with a stable `code`.",
        ),
        paths=api.paths,
        components=Components(
            schemas=schemas,
            securitySchemes={
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an app token (POST /api/v1/app-sessions) or a merchant key (console)",
                }
            },
        ),
        tags=api.tags or None,
    )
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True, warnings=False)
