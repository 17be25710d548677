"""Hostile input on every page route (merchant side and the sandbox's hosted pages): never a 5xx, never a change
to someone else's payment. Hypothesis draws every form and query parameter; both databases (TEST_DATABASE_URL).

The sandbox's JSON API has its own contract tests (schemathesis); it is left out here.
"""

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from demo.console.auth import sign_in_token
from demo.extensions import db
from demo.payments.models import Payment
from demo.sandbox.models import SandboxPayment

from .conftest import drop_database, make_app, sign_in
from .payments.conftest import Shop
from .sandbox_toss.conftest import Toss

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "--5",
    "²",
    "٣",
    "1e9",
    "1,000",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "\x00",
    "1\x00",
    "%00",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "https://evil.example/",
    "//evil.example",
    "' OR 1=1 --",
    "\ud7a3" * 3,
    "가" * 300,
    "x" * 5000,
    "full",
    "partial",
    "pay",
    "quit",
    "fail",
    "CARD",
    "MONEY",
    "pc",
    "mobile",
    "app",
    "choco-pie",
    "paid",
    "kakaopay",
    "tosspayments",
    "01012345678",
    "990101",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str))

# Every page route: method, path (with {id} for the path part), parameters, where they go, who may call it.
PAGE_ROUTES = [
    ("GET", "/", [], "args"),
    ("GET", "/products/{slug}", ["quantity"], "args"),
    ("POST", "/checkout", ["product", "quantity", "flow"], "form"),
    ("GET", "/payments/{order}/approve", ["pg_token"], "args"),
    ("GET", "/payments/{order}/cancel", [], "args"),
    ("GET", "/payments/{order}/fail", [], "args"),
    ("GET", "/payments/{order}", [], "args"),
    ("GET", "/payments/{order}/pay", [], "args"),
    ("GET", "/payments/{order}/toss/success", ["paymentType", "orderId", "paymentKey", "amount"], "args"),
    ("GET", "/payments/{order}/toss/fail", ["code", "message", "orderId"], "args"),
    ("POST", "/payments/webhooks/{name}", [], "form"),
    ("POST", "/payments/{order}/refund", ["kind", "amount", "seen_canceled"], "form"),
    ("GET", "/payments", ["status", "platform", "q", "page"], "args"),
    ("POST", "/payments/{order}/check", [], "form"),
    ("POST", "/payments/reconcile", ["status", "platform", "q", "page", "endpoint"], "args"),
    ("GET", "/orders", [], "args"),
    ("GET", "/app", [], "args"),
    ("GET", "/presenter/", [], "args"),
    ("POST", "/presenter/", ["product", "flow", "quantity"], "form"),
    ("GET", "/presenter/{order}", [], "args"),
    ("GET", "/presenter/{order}/replay", ["step"], "args"),
    ("GET", "/presenter/{order}/sequence.mmd", [], "args"),
    ("GET", "/console/", [], "args"),
    ("GET", "/console/login", ["token"], "args"),
    ("POST", "/console/login", ["password"], "form"),
    ("POST", "/console/logout", [], "form"),
    *[("GET", f"/sandbox/kakaopay/mockup/v1/{{token}}/{page}", [], "args") for page in ("info", "scan", "mInfo")],
    ("GET", "/sandbox/kakaopay/mockup/v1/{token}/aInfo", [], "args"),
    ("GET", "/sandbox/kakaopay/mockup/v1/{token}/status", [], "args"),
    ("GET", "/sandbox/kakaopay/mockup/v1/{token}/watch", [], "args"),
    ("GET", "/sandbox/kakaopay/mockup/v1/{token}/order", [], "args"),
    ("GET", "/sandbox/kakaopay/mockup/v1/{token}/password", ["via", "method", "card", "install_month"], "args"),
    ("GET", "/sandbox/kakaopay/mockup/v1/{token}/tms", [], "args"),
    ("POST", "/sandbox/kakaopay/mockup/v1/{token}/select", ["method", "card"], "form"),
    (
        "POST",
        "/sandbox/kakaopay/mockup/v1/{token}/sheet",
        ["action", "via", "fault", "method", "card", "install_month", "password"],
        "form",
    ),
    ("POST", "/sandbox/kakaopay/mockup/v1/{token}/tms", ["phone", "birth"], "form"),
    ("GET", "/sandbox/kakaopay/talk", [], "args"),
    ("POST", "/sandbox/kakaopay/talk", ["phone"], "form"),
    ("GET", "/sandbox/tosspayments/v2/checkout/{window}", ["display"], "args"),
    (
        "POST",
        "/sandbox/tosspayments/v2/checkout",
        [
            "clientKey",
            "customerKey",
            "method",
            "amount",
            "taxFreeAmount",
            "orderId",
            "orderName",
            "successUrl",
            "failUrl",
            "customerName",
            "display",
        ],
        "form",
    ),  # fmt: skip
    (
        "POST",
        "/sandbox/tosspayments/v2/checkout/{window}",
        ["action", "display", "method", "card", "installment", "tosspay_source", "fault"],
        "form",
    ),
    ("GET", "/sandbox/tosspayments/receipt/redirection", ["transactionId", "ref"], "args"),
    ("GET", "/sandbox/tosspayments/try", [], "args"),
    ("GET", "/sandbox/tosspayments/try/{outcome}", ["paymentType", "orderId", "paymentKey", "amount", "code"], "args"),
    ("POST", "/subscriptions", ["product", "flow"], "form"),
    ("GET", "/subscriptions/mine", [], "args"),
    ("GET", "/subscriptions/{sub}/cancel", [], "args"),
    ("POST", "/subscriptions/{sub}/cancel", [], "form"),
    ("GET", "/subscriptions", [], "args"),
    *[("POST", f"/subscriptions/{{sub}}/{action}", [], "form") for action in ("charge", "deactivate", "check")],
    ("POST", "/subscriptions/charge-due", [], "form"),
    ("POST", "/subscriptions/clock", ["action"], "form"),
    ("GET", "/app/return/{order}/approve", ["pg_token"], "args"),
    ("GET", "/app/return/{order}/cancel", [], "args"),
    ("GET", "/app/return/{order}/fail", [], "args"),
    ("GET", "/console/api", [], "args"),
    ("POST", "/console/api/keys", ["label"], "form"),
    ("POST", "/console/api/keys/{key}/revoke", [], "form"),
    ("POST", "/console/api/app-sessions/{key}/revoke", [], "form"),
]
# JSON APIs have their own contract tests (schemathesis): the sandboxes' and the Strada app API.
NOT_PAGES = re.compile(
    r"^/(static/|api/v1/|sandbox/kakaopay/(online/|v1/|openapi\.json)|sandbox/tosspayments/(v1/|openapi\.json|v2/standard$))"
)
HANGUL = re.compile(r"[가-힣]")


def rule_pattern(path: str) -> str:
    return re.sub(r"\{\w+\}", "<>", path)


def rule_paths(rule: str) -> list[str]:
    """A rule's paths with each choice of its any() parts written out (/app/return/{order}/approve), the other
    variable parts as <>."""
    choice = re.search(r"<any\(([^)]*)\):\w+>", rule)
    if choice:
        return [
            path
            for word in choice.group(1).split(",")
            for path in rule_paths(rule.replace(choice.group(0), word.strip(), 1))
        ]
    return [re.sub(r"<[^>]+>", "<>", rule)]


def test_every_page_route_is_fuzzed(world):
    """A route added later fails here until it is in PAGE_ROUTES (and so in the fuzz test)."""
    covered = {(method, rule_pattern(path)) for method, path, _, _ in PAGE_ROUTES}
    for rule in world.app.url_map.iter_rules():
        if NOT_PAGES.match(rule.rule):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            whole = (method, re.sub(r"<[^>]+>", "<>", rule.rule))  # {outcome}: any choice of an any() part
            for path in [] if whole in covered else rule_paths(rule.rule):
                assert (method, path) in covered, f"{method} {path} is not fuzzed"


class World:
    """Two other people's payments (one paid, one pending) that nothing the fuzzer sends may change, and the
    fuzzer's own: a paid payment and a pending one it may act on, as a stranger and as the signed-in console."""

    def __init__(self, app):
        self.app = app
        victim = Shop(app)
        self.victims = [self.paid(victim), victim.start()]
        me = Shop(app)
        self.own = [self.paid(me), me.start()]
        self.own_tokens = [me.sheet_url(order_id).split("/")[-2] for order_id in self.own]
        self.toss_windows = [Toss(app).open().split("/")[-1] for _ in range(2)]
        self.stranger, self.console = me.client, sign_in(app.test_client())
        self.before = self.snapshot()

    @staticmethod
    def paid(shop: Shop) -> str:
        order_id = shop.start()
        shop.client.get(shop.path(shop.pay(order_id)))
        return order_id

    def snapshot(self) -> list[tuple]:
        with self.app.app_context():
            payments = db.session.scalars(select(Payment).where(Payment.order_id.in_(self.victims))).all()
            tids = [p.tid for p in payments]
            kakao = db.session.scalars(select(SandboxPayment).where(SandboxPayment.tid.in_(tids))).all()
            return sorted(
                [(p.order_id, p.status, p.tid, p.aid, p.total_amount, p.canceled_amount) for p in payments]
                + [(k.tid, k.status, k.canceled_amount, k.pg_token) for k in kakao]
            )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """One app and one set of payments for the whole module: every route's examples pile up on the same data."""
    app = make_app(tmp_path_factory.mktemp("fuzz"))
    yield World(app)
    drop_database(app)


def path_part(world: World, name: str, as_console: bool):
    """A real id (the victims' only for a stranger: a signed-in merchant may refund anyone) or junk."""
    known = {
        "order": world.own + ([] if as_console else world.victims),
        "token": world.own_tokens,
        "slug": ["choco-pie", "americano"],
        "sub": ["no-such-subscription"],
        "key": ["1", "2", "999"],
        "window": world.toss_windows,
        "outcome": ["success", "fail"],
        "name": ["kakaopay", "tosspayments"],
    }[name]
    junk = values.map(lambda text: quote(text, safe=""))
    # mostly real ids, to get past the 404 (Hypothesis favours small integers, so 1..3 are the common draws)
    return st.integers(0, 3).flatmap(lambda pick: junk if pick == 0 else st.sampled_from(known))


def sign_in_again(world: World) -> None:
    """Back into the console through the one-click link: fuzzing /console/login with wrong passwords has locked this
    address out of the password form (429), and a lock-out does not refuse a valid link."""
    token = sign_in_token(world.app.config["SECRET_KEY"], world.app.config["ADMIN_PASSWORD"])
    assert world.console.get(f"/console/login?token={token}").status_code == 303


def send(client, method: str, path: str, where: str, fields: dict, headers: dict | None = None):
    """One request; never a 5xx, and a 4xx page speaks Korean."""
    where = "query_string" if where == "args" else "data"
    response = client.open(path, method=method, headers=headers or {}, **{where: fields})
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (path, fields, body[:2000])
    if response.status_code >= 400 and response.mimetype == "text/html":
        assert HANGUL.search(body), body[:2000]
    return response


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda route: f"{route[0]} {route[1]}")
def test_no_5xx_and_no_change_to_others(world, route, data):
    method, path, params, where = route
    as_console = data.draw(st.sampled_from([True, True, False]), label="console")
    for name in re.findall(r"\{(\w+)\}", path):
        path = path.replace(f"{{{name}}}", data.draw(path_part(world, name, as_console), label=name))
    every = st.fixed_dictionaries({name: values for name in params})
    some = st.dictionaries(st.sampled_from(params or [""]), values)
    fields = data.draw(st.one_of(every, every, some), label="fields")
    headers = data.draw(st.sampled_from([{}, {"HX-Request": "true"}]), label="headers")
    send(world.console if as_console else world.stranger, method, path, where, fields, headers)
    assert world.snapshot() == world.before
    if as_console and path == "/console/logout":
        sign_in_again(world)


@pytest.mark.parametrize("route", [r for r in PAGE_ROUTES if r[2]], ids=lambda route: f"{route[0]} {route[1]}")
def test_every_nasty_value_in_every_field(world, route):
    """Deterministic: each NASTY value alone in each field (the others valid-looking), as the console, on real ids."""
    method, path, params, where = route
    path = path.format(
        order=world.own[0], token=world.own_tokens[1], slug="choco-pie", window=world.toss_windows[1], outcome="fail"
    )
    valid = {"quantity": "1", "product": "choco-pie", "flow": "mobile", "kind": "partial", "amount": "100"}
    valid |= {"seen_canceled": "0", "method": "MONEY", "action": "pay", "via": "scan", "phone": "01012345678"}
    for name in params:
        for value in NASTY:
            send(world.console, method, path, where, {**valid, name: value})
    assert world.snapshot() == world.before
    sign_in_again(world)  # /console/logout may have signed it out
