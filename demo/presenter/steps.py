"""The presenter's building blocks, naming no platform: a step (an arrow between two lanes), how it is lit from a
payment's recorded history, and what a platform's story gives the presenter (``Story``). Each provider declares its
story (``Provider.story()``): the lanes, the steps and one line of Korean per step (``why``) are platform knowledge.

Lane conventions every story keeps: lane 0 is where the payer starts (a browser, an app), lane 1 the merchant's server
(the diagram shows the duration of the calls it makes), the platform's lanes are to the right of it. A story with no
payer (a server-made charge) starts at the server.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..payments.models import ApiExchange, Payment, Status

PAYER, SERVER = range(2)
LOOKUP = "order"  # the endpoint name a platform's lookup (order API) is recorded under


@dataclass
class Step:
    src: int
    dst: int
    label: str
    state: str  # done | active | pending | error
    exchange: ApiExchange | None = None
    note: str = ""
    why: str = ""

    @property
    def span(self) -> tuple[int, int]:
        """Grid columns (1-based, end exclusive) the arrow covers."""
        return min(self.src, self.dst) + 1, max(self.src, self.dst) + 2

    @property
    def is_answer(self) -> bool:
        """The provider answering the server: its exchange's response is what this step shows."""
        return self.src > self.dst and self.exchange is not None


@dataclass(frozen=True)
class Story:
    """How a platform tells a payment: its lanes, its steps, the Mermaid export's title and participant ids."""

    lanes: Callable[[Payment], tuple[str, ...]]
    steps: Callable[[Payment], list[Step]]
    title: Callable[[Payment], str]
    aliases: Mapping[tuple[str, ...], str]  # each lane set → its Mermaid participant ids, one letter a lane
    watching: tuple[str, ...] = ()  # statuses of a lookup that only watched the payer on the platform's pages
    asker: int | None = None  # the lane that only asks (its leftward arrows are requests); None: every one answers
    redirector: int | None = None  # the lane whose arrows into the asker's are redirects (dashed)


def lit(done: bool, started: bool = False) -> str:
    return "done" if done else "active" if started else "pending"


def error_label(exchange: ApiExchange) -> str:
    """An error answer as the diagram shows it: the HTTP status (or the error) and the platform's code, a number
    (negative ones with a proper minus, e.g. 400 · −799) or a string (400 · ALREADY_PROCESSED_PAYMENT)."""
    try:
        body = json.loads(exchange.response_body or "")
        code = int(body.get("error_code", body.get("code")))  # where the platforms put a numeric code
    except (ValueError, TypeError, AttributeError):
        return f"{exchange.http_status or exchange.error}{named_code(exchange)}"
    return f"{exchange.http_status or exchange.error} · {'−' if code < 0 else ''}{abs(code)}"


def named_code(exchange: ApiExchange) -> str:
    """A platform's string error code (e.g. ALREADY_PROCESSED_PAYMENT) as " · CODE"; "" when there is none."""
    try:
        code = json.loads(exchange.response_body or "").get("code")
    except (ValueError, AttributeError):
        return ""
    return f" · {code}" if isinstance(code, str) and code else ""


def call_steps(
    exchange: ApiExchange | None,
    request_label: str,
    answer_label: str,
    waiting: bool,
    kind: str,
    whys: Mapping[str, str],
    api: int,
) -> list[Step]:
    """A provider API call: the request and its answer, lit from the stored exchange (whys[kind] explains it;
    whys[kind_error], when there is one, a failed answer, else whys["error_answer"]). ``api``: the platform API's
    lane."""
    why, answer_why = whys[kind], whys[f"{kind}_answer"]
    if exchange is None:
        state = "active" if waiting else "pending"
        return [
            Step(SERVER, api, request_label, state, why=why),
            Step(api, SERVER, answer_label, "pending", why=answer_why),
        ]
    failed = exchange.http_status != 200
    answer = error_label(exchange) if failed else answer_label
    return [
        Step(SERVER, api, request_label, "done", exchange, why=why),
        Step(
            api,
            SERVER,
            answer,
            "error" if failed else "done",
            exchange,
            why=whys.get(f"{kind}_error", whys["error_answer"]) if failed else answer_why,
        ),
    ]


def answered_status(exchange: ApiExchange) -> str | None:
    try:
        return json.loads(exchange.response_body or "").get("status")
    except (ValueError, AttributeError):
        return None


def calls_by_endpoint(payment: Payment) -> dict[str, list[ApiExchange]]:
    calls: dict[str, list[ApiExchange]] = {}
    for exchange in payment.exchanges:
        calls.setdefault(exchange.endpoint, []).append(exchange)
    return calls


def was_claimed(payment: Payment) -> bool:
    """Whether a request ever claimed the payment for approving (the approve call was, or is being, made)."""
    return any(event.to_status == Status.APPROVING for event in payment.events)


def outcome(payment: Payment) -> str:
    """The last answer's light: paid, failed, or still open."""
    return "done" if payment.status in Status.PAID else "error" if payment.status == Status.FAILED else "pending"


def watched(
    payment: Payment, lookups: list[ApiExchange], statuses: tuple[str, ...]
) -> tuple[list[ApiExchange], list[ApiExchange]]:
    """Split lookups into those that watched the payer on the platform's pages (made before any approve, answering
    one of ``statuses``) and the rest."""
    claims = [event.at for event in payment.events if event.to_status == Status.APPROVING]
    before = min(claims) if claims else None
    watching, others = [], []
    for exchange in lookups:
        early = before is None or exchange.at < before
        (watching if early and answered_status(exchange) in statuses else others).append(exchange)
    return watching, others


def listed(payment: Payment, steps: list[Step], statuses: tuple[str, ...]) -> tuple[list[ApiExchange], bool]:
    """The exchanges the side panel lists, newest first, and whether some were left out: a watching lookup (one
    answering ``statuses``, the story's) that showed no new phase is noise, and leaving it out keeps the panel still
    while the screen refreshes (the receipt's timeline keeps them all)."""
    lookups = [exchange for exchange in payment.exchanges if exchange.endpoint == LOOKUP]
    watching, _ = watched(payment, lookups, statuses)
    keep = {id(step.exchange) for step in steps} | {id(exchange) for exchange in watching[:1]}
    shown = [exchange for exchange in payment.exchanges if exchange not in watching or id(exchange) in keep]
    return shown[::-1], len(shown) < len(payment.exchanges)
