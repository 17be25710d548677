"""The Toss sandbox's OpenAPI document matches it: same routes, real answers validate, schemathesis finds nothing."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema_rs import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ..conftest import drop_database, make_app
from .conftest import basic


@pytest.fixture(scope="module")
def sandbox_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("toss-openapi"))
    yield app
    drop_database(app)


PREFIX = "/sandbox/tosspayments"
OPERATIONS = [
    ("POST", "/v1/payments/confirm"),
    ("GET", "/v1/payments/{paymentKey}"),
    ("GET", "/v1/payments/orders/{orderId}"),
    ("POST", "/v1/payments/{paymentKey}/cancel"),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.mark.parametrize("mode", list(GenerationMode))
@pytest.mark.parametrize("method, path", OPERATIONS)
def test_schemathesis_finds_nothing(sandbox_app, method, path, mode):
    """Stateless, every operation, valid and invalid data, the sandbox key: no 5xx, answers as documented."""
    api = schemathesis.openapi.from_wsgi("/sandbox/tosspayments/openapi.json", sandbox_app)
    operation = api[path][method]
    headers = {"Authorization": basic(sandbox_app.config["TOSS_SANDBOX_SECRET_KEY"])}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_api_route_is_documented_and_nothing_else(client):
    document = client.get("/sandbox/tosspayments/openapi.json").json
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    names = {"payment_key": "paymentKey", "order_id": "orderId"}
    served = {
        (method, re.sub(r"<(\w+)>", lambda match: "{" + names[match[1]] + "}", rule.rule.removeprefix(PREFIX)))
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == served


def validate(document: dict, name: str, body: dict) -> None:
    Draft202012Validator({"$ref": f"#/components/schemas/{name}", **document}).validate(body)


def test_real_answers_validate_against_the_document(toss):
    document = toss.client.get("/sandbox/tosspayments/openapi.json").json
    success = toss.authenticate(method="TOSSPAY", source="money")
    validate(document, "Payment", toss.get(f"/{success['paymentKey']}").json)
    validate(document, "Payment", toss.confirm(success).json)
    validate(document, "Payment", toss.cancel(success["paymentKey"], cancelAmount=100).json)
    validate(document, "Payment", toss.get(f"/orders/{success['orderId']}").json)
    validate(document, "Payment", toss.paid(method="CARD", card="하나카드"))
    validate(document, "Error", toss.cancel(success["paymentKey"], cancelAmount=10**6).json)
    toss.app.config["TOSS_SANDBOX_CONFIRM_TTL"] = 0
    expired = toss.authenticate()
    validate(document, "Payment", toss.get(f"/{expired['paymentKey']}").json)
