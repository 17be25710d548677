"""The single-payment flow as a sequence of steps between four lanes, lit from a payment's recorded history."""

from dataclasses import dataclass

from ..payments.models import SERVER_FLOW, ApiExchange, Payment, Status

LANES = ("브라우저", "Strada 서버", "카카오페이", "휴대폰 카카오톡")
BROWSER, SERVER, KAKAOPAY, PHONE = range(4)
CHARGE_LANES = ("Strada 서버 · 정기결제 청구 (cron)", "카카오페이")  # a charge has no browser and no phone
ENDED = {Status.CANCELLED: "cancel_url", Status.FAILED: "fail_url"}


@dataclass
class Step:
    src: int
    dst: int
    label: str
    state: str  # done | active | pending | error
    exchange: ApiExchange | None = None
    note: str = ""

    @property
    def span(self) -> tuple[int, int]:
        """Grid columns (1-based, end exclusive) the arrow covers."""
        return min(self.src, self.dst) + 1, max(self.src, self.dst) + 2


def lit(done: bool, started: bool = False) -> str:
    return "done" if done else "active" if started else "pending"


def call_steps(exchange: ApiExchange | None, request_label: str, answer_label: str, waiting: bool) -> list[Step]:
    """A provider API call: the request and its answer, lit from the stored exchange."""
    if exchange is None:
        state = "active" if waiting else "pending"
        return [Step(SERVER, KAKAOPAY, request_label, state), Step(KAKAOPAY, SERVER, answer_label, "pending")]
    failed = exchange.http_status != 200
    answer = f"{exchange.http_status or exchange.error}" if failed else answer_label
    return [
        Step(SERVER, KAKAOPAY, request_label, "done", exchange),
        Step(KAKAOPAY, SERVER, answer, "error" if failed else "done", exchange),
    ]


def lanes(payment: Payment) -> tuple[str, ...]:
    return CHARGE_LANES if payment.flow == SERVER_FLOW else LANES


def calls_by_endpoint(payment: Payment) -> dict[str, list[ApiExchange]]:
    calls: dict[str, list[ApiExchange]] = {}
    for exchange in payment.exchanges:
        calls.setdefault(exchange.endpoint, []).append(exchange)
    return calls


def later_calls(calls: dict[str, list[ApiExchange]]) -> list[Step]:
    """Order lookups and refunds made after the payment."""
    steps = []
    for exchange in calls.get("order", []):
        steps += call_steps(exchange, "POST order · 주문 조회", "상태", False)
    for exchange in calls.get("cancel", []):
        steps += call_steps(exchange, "POST cancel · 환불", "취소 결과", False)
    return steps


def charge_story(payment: Payment) -> list[Step]:
    """A subscription's later charge: the server calls KakaoPay with the SID; nobody is in the loop."""
    calls = calls_by_endpoint(payment)
    charge = next(iter(calls.get("subscription", [])), None)
    steps = call_steps(charge, "POST subscription · sid (사용자 없음)", "새 tid · aid · 결제 완료", True)
    steps += later_calls(calls)
    return [Step(step.src - SERVER, step.dst - SERVER, step.label, step.state, step.exchange) for step in steps]


def story(payment: Payment) -> list[Step]:
    if payment.flow == SERVER_FLOW:
        return charge_story(payment)
    calls = calls_by_endpoint(payment)
    claimed = any(event.to_status == Status.APPROVING for event in payment.events)
    ended_by_user = payment.status in ENDED and not claimed and payment.tid is not None
    user = {
        "pc": (PHONE, "QR 스캔 → 결제"),
        "mobile": (BROWSER, "모바일 결제창에서 결제"),
        "app": (BROWSER, "카카오톡 결제창에서 결제"),
    }[payment.flow]
    steps = [Step(BROWSER, SERVER, "POST /checkout · 결제하기", "done")]
    steps += call_steps(next(iter(calls.get("ready", [])), None), "POST ready", "tid · 결제창 URL", True)
    steps.append(Step(SERVER, BROWSER, f"303 → next_redirect_{payment.flow}_url", lit(payment.tid is not None)))
    steps.append(
        Step(
            user[0],
            KAKAOPAY,
            user[1],
            lit(claimed or ended_by_user, payment.tid is not None),
            note="가맹점은 콜백이 올 때까지 이 단계를 알 수 없습니다",
        )
    )
    if ended_by_user:
        steps.append(Step(KAKAOPAY, BROWSER, f"→ {ENDED[payment.status]}", "error"))
        steps.append(Step(BROWSER, SERVER, f"GET /{ENDED[payment.status].split('_')[0]}", "done"))
        return steps + [Step(SERVER, BROWSER, "결과 화면", "done")]
    steps.append(Step(KAKAOPAY, BROWSER, "→ approval_url?pg_token", lit(claimed)))
    steps.append(Step(BROWSER, SERVER, "GET /approve?pg_token", lit(claimed)))
    steps += call_steps(next(iter(calls.get("approve", [])), None), "POST approve", "aid · 결제 정보", claimed)
    approved = payment.status in Status.PAID
    steps.append(
        Step(
            SERVER,
            BROWSER,
            "303 → 영수증" if approved or not claimed else payment.status_label,
            "done" if approved else "error" if payment.status == Status.FAILED else "pending",
        )
    )
    return steps + later_calls(calls)
