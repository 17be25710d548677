"""The OpenAPI document matches the sandbox: same routes, real answers validate, and schemathesis finds nothing."""

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


@pytest.fixture(scope="module")
def sandbox_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("openapi"))
    yield app
    drop_database(app)


OPERATIONS = [
    ("POST", "/online/v1/payment/ready"),
    ("POST", "/online/v1/payment/approve"),
    ("POST", "/online/v1/payment/cancel"),
    ("POST", "/online/v1/payment/order"),
    ("POST", "/v1/payment/ready"),
    ("POST", "/v1/payment/approve"),
    ("POST", "/v1/payment/cancel"),
    ("POST", "/v1/payment/order"),
    ("GET", "/v1/payment/order"),
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
    api = schemathesis.openapi.from_wsgi("/sandbox/kakaopay/openapi.json", sandbox_app)
    operation = api[path][method]
    scheme = "SECRET_KEY" if path.startswith("/online/") else "KakaoAK"
    headers = {"Authorization": f"{scheme} {sandbox_app.config['SANDBOX_SECRET_KEY']}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_route_is_documented_and_nothing_else(client):
    document = client.get("/sandbox/kakaopay/openapi.json").json
    documented = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    served = {
        (method, rule.rule.removeprefix("/sandbox/kakaopay"))
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith(("/sandbox/kakaopay/online/", "/sandbox/kakaopay/v1/"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == served


def validate(document: dict, name: str, body: dict) -> None:
    Draft202012Validator({"$ref": f"#/components/schemas/{name}", **document}).validate(body)


def test_real_answers_validate_against_the_document(kakao):
    document = kakao.client.get("/sandbox/kakaopay/openapi.json").json
    ready = kakao.ready()
    validate(document, "ReadyResponse", ready)
    validate(document, "OrderResponse", kakao.order(ready["tid"]))
    approved = kakao.approve(ready, kakao.pay(ready, method="CARD"), payload="p").json
    validate(document, "ApproveResponse", approved)
    validate(document, "OrderResponse", kakao.order(ready["tid"]))
    validate(document, "CancelResponse", kakao.cancel(ready["tid"], 100, payload="r").json)
    validate(document, "OrderResponse", kakao.order(ready["tid"]))
    validate(document, "Error", kakao.cancel(ready["tid"], 10**6).json)
    legacy = kakao.client.post(
        "/sandbox/kakaopay/v1/payment/order",
        query_string={"cid": "TC0ONETIME", "tid": ready["tid"]},
        headers={"Authorization": "KakaoAK nope"},
    )
    validate(document, "LegacyError", legacy.json)
