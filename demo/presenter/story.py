"""The single-payment flow as a sequence of steps between four lanes, lit from a payment's recorded history.

Each step carries `why`: one line of Korean for the presenter's replay (what the merchant does and why).
"""

import json
from dataclasses import dataclass

from ..payments.models import SERVER_FLOW, ApiExchange, Payment, Status

LANES = ("브라우저", "Strada 서버", "카카오페이", "휴대폰 카카오톡")
BROWSER, SERVER, KAKAOPAY, PHONE = range(4)
CHARGE_LANES = ("Strada 서버 · 정기결제 청구 (cron)", "카카오페이")  # a charge has no browser and no phone
ENDED = {Status.CANCELLED: "cancel_url", Status.FAILED: "fail_url"}
# What the order API tells about a payment still on the KakaoPay side, as the phone lane shows it.
PHASES = {
    "SEND_TMS": "결제 요청 메시지 받음",
    "OPEN_PAYMENT": "결제창 열림",
    "SELECT_METHOD": "결제 수단 선택",
    "AUTH_PASSWORD": "결제 인증 완료",
}
WATCHED = ("READY", *PHASES)  # answers of a lookup made while the user is still on KakaoPay's side
WHY = {
    "checkout": "가맹점 서버가 상품 목록으로 금액을 계산해 주문을 만듭니다. 브라우저가 보낸 금액은 믿지 않습니다.",
    "ready": "결제 준비 API를 부릅니다. approval_url에 주문번호를 넣어, 돌아올 pg_token을 쿠키 없이 tid와 짝짓습니다.",
    "ready_answer": "카카오페이가 tid와 기기별 결제창 URL을 돌려줍니다. 승인·조회·취소에 쓰도록 tid를 저장합니다.",
    "redirect": "기기에 맞는 결제창으로 보냅니다: PC는 QR 코드 화면, 휴대폰은 모바일 웹, 카카오톡 안에서는 앱 결제창.",
    "watch": "결제가 화면에 있는 동안 가맹점은 주문 조회(order) API로 사용자가 어디까지 왔는지 볼 수 있습니다.",
    "pay": "사용자가 카카오페이 화면에서 결제 수단을 고르고 인증합니다. 가맹점 서버는 콜백을 기다립니다.",
    "ended": "결제가 끝나지 않아 카카오페이가 브라우저를 {ending}로 보냅니다.",
    "ended_callback": "누구나 이 URL을 열 수 있으므로, 가맹점은 주문 조회로 정말 끝났는지 확인한 뒤에만 기록합니다.",
    "result": "결과 화면을 보여 줍니다. 결제되지 않았으니 영수증은 없습니다.",
    "approval_url": "인증이 끝나면 카카오페이가 브라우저를 approval_url로 보내며 pg_token을 붙입니다.",
    "approve_callback": "주문번호로 tid를 찾고 pg_token을 저장한 뒤 주문을 선점해, 새로고침에도 승인은 한 번만 합니다.",
    "approve": "tid·pg_token·주문번호·사용자 ID로 승인 API를 불러야 결제가 확정됩니다.",
    "approve_answer": "aid와 결제 수단·금액을 받아 결제 완료로 기록합니다.",
    "receipt": "결과를 저장한 뒤 영수증으로 보냅니다. 리다이렉트라서 새로고침해도 다시 승인하지 않습니다.",
    "order": "결과가 불확실할 때 가맹점은 추측하지 않고 주문 조회 API에 묻습니다.",
    "order_answer": "카카오페이의 주문 상태가 기준입니다: 가맹점 기록을 그에 맞춥니다.",
    "cancel": "결제 취소(cancel) API로 환불합니다. 취소 금액을 면세·부가세로 나눠 보냅니다.",
    "cancel_answer": "누적 취소 금액과 취소 가능 금액을 카카오페이 응답 그대로 반영합니다.",
    "charge": "정기결제 회차: 사용자 없이 가맹점 서버가 SID로 결제를 요청합니다 (cron이 charge-due 실행).",
    "charge_answer": "회차마다 새 tid와 aid가 옵니다. 각 회차는 영수증과 환불이 따로 있는 결제입니다.",
    "error_answer": "오류 응답: −701·−708이면 아직 결제할 수 있고, 그 밖의 오류는 결제 실패로 끝납니다.",
}


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


def lit(done: bool, started: bool = False) -> str:
    return "done" if done else "active" if started else "pending"


def call_steps(exchange: ApiExchange | None, request_label: str, answer_label: str, waiting: bool, kind: str):
    """A provider API call: the request and its answer, lit from the stored exchange (WHY[kind] explains it)."""
    why, answer_why = WHY[kind], WHY[f"{kind}_answer"]
    if exchange is None:
        state = "active" if waiting else "pending"
        return [
            Step(SERVER, KAKAOPAY, request_label, state, why=why),
            Step(KAKAOPAY, SERVER, answer_label, "pending", why=answer_why),
        ]
    failed = exchange.http_status != 200
    answer = f"{exchange.http_status or exchange.error}" if failed else answer_label
    return [
        Step(SERVER, KAKAOPAY, request_label, "done", exchange, why=why),
        Step(
            KAKAOPAY,
            SERVER,
            answer,
            "error" if failed else "done",
            exchange,
            why=WHY["error_answer"] if failed else answer_why,
        ),
    ]


def answered_status(exchange: ApiExchange) -> str | None:
    try:
        return json.loads(exchange.response_body or "").get("status")
    except (ValueError, AttributeError):
        return None


def watched(payment: Payment, lookups: list[ApiExchange]) -> tuple[list[ApiExchange], list[ApiExchange]]:
    """Split order lookups into those that watched the user on KakaoPay's pages (before any approve) and the rest."""
    claims = [event.at for event in payment.events if event.to_status == Status.APPROVING]
    before = min(claims) if claims else None
    watching, others = [], []
    for exchange in lookups:
        early = before is None or exchange.at < before
        (watching if early and answered_status(exchange) in WATCHED else others).append(exchange)
    return watching, others


def phone_steps(lane: int, lookups: list[ApiExchange]) -> list[Step]:
    """One step per phase the order API showed (sheet opened, method picked…), in the lane of whoever pays."""
    steps: list[Step] = []
    for exchange in lookups:
        status = answered_status(exchange)
        if status in PHASES and (not steps or steps[-1].note != status):
            steps.append(Step(lane, lane, PHASES[status], "done", exchange, note=status, why=WHY["watch"]))
    return steps


def lanes(payment: Payment) -> tuple[str, ...]:
    return CHARGE_LANES if payment.flow == SERVER_FLOW else LANES


def calls_by_endpoint(payment: Payment) -> dict[str, list[ApiExchange]]:
    calls: dict[str, list[ApiExchange]] = {}
    for exchange in payment.exchanges:
        calls.setdefault(exchange.endpoint, []).append(exchange)
    return calls


def later_calls(lookups: list[ApiExchange], refunds: list[ApiExchange]) -> list[Step]:
    """Order lookups and refunds made after the payment."""
    steps = []
    for exchange in lookups:
        steps += call_steps(exchange, "POST order · 주문 조회", "상태", False, "order")
    for exchange in refunds:
        steps += call_steps(exchange, "POST cancel · 환불", "취소 결과", False, "cancel")
    return steps


def charge_story(payment: Payment) -> list[Step]:
    """A subscription's later charge: the server calls KakaoPay with the SID; nobody is in the loop."""
    calls = calls_by_endpoint(payment)
    charge = next(iter(calls.get("subscription", [])), None)
    steps = call_steps(charge, "POST subscription · sid (사용자 없음)", "새 tid · aid · 결제 완료", True, "charge")
    steps += later_calls(calls.get("order", []), calls.get("cancel", []))
    return [
        Step(step.src - SERVER, step.dst - SERVER, step.label, step.state, step.exchange, why=step.why)
        for step in steps
    ]


def story(payment: Payment) -> list[Step]:
    if payment.flow == SERVER_FLOW:
        return charge_story(payment)
    calls = calls_by_endpoint(payment)
    watching, lookups = watched(payment, calls.get("order", []))
    claimed = any(event.to_status == Status.APPROVING for event in payment.events)
    ended_by_user = payment.status in ENDED and not claimed and payment.tid is not None
    user = {
        "pc": (PHONE, "QR 스캔 → 결제"),
        "mobile": (BROWSER, "모바일 결제창에서 결제"),
        "app": (BROWSER, "카카오톡 결제창에서 결제"),
    }[payment.flow]
    steps = [Step(BROWSER, SERVER, "POST /checkout · 결제하기", "done", why=WHY["checkout"])]
    steps += call_steps(next(iter(calls.get("ready", [])), None), "POST ready", "tid · 결제창 URL", True, "ready")
    redirect = f"303 → next_redirect_{payment.flow}_url"
    steps.append(Step(SERVER, BROWSER, redirect, lit(payment.tid is not None), why=WHY["redirect"]))
    steps += phone_steps(user[0], watching)
    phase = f" · 지금: {steps[-1].label}" if steps[-1].src == steps[-1].dst else ""
    steps.append(
        Step(
            user[0],
            KAKAOPAY,
            user[1],
            lit(claimed or ended_by_user, payment.tid is not None),
            note=f"가맹점은 콜백이 올 때까지 이 단계를 모릅니다 (주문 조회로 볼 수는 있습니다){phase}",
            why=WHY["pay"],
        )
    )
    if ended_by_user:
        ending = ENDED[payment.status]
        steps.append(Step(KAKAOPAY, BROWSER, f"→ {ending}", "error", why=WHY["ended"].format(ending=ending)))
        steps.append(Step(BROWSER, SERVER, f"GET /{ending.split('_')[0]}", "done", why=WHY["ended_callback"]))
        return steps + [Step(SERVER, BROWSER, "결과 화면", "done", why=WHY["result"])]
    steps.append(Step(KAKAOPAY, BROWSER, "→ approval_url?pg_token", lit(claimed), why=WHY["approval_url"]))
    steps.append(Step(BROWSER, SERVER, "GET /approve?pg_token", lit(claimed), why=WHY["approve_callback"]))
    steps += call_steps(
        next(iter(calls.get("approve", [])), None), "POST approve", "aid · 결제 정보", claimed, "approve"
    )
    approved = payment.status in Status.PAID
    steps.append(
        Step(
            SERVER,
            BROWSER,
            "303 → 영수증" if approved or not claimed else payment.status_label,
            "done" if approved else "error" if payment.status == Status.FAILED else "pending",
            why=WHY["receipt"],
        )
    )
    return steps + later_calls(lookups, calls.get("cancel", []))


def listed(payment: Payment, steps: list[Step]) -> tuple[list[ApiExchange], bool]:
    """The exchanges the side panel lists, newest first, and whether some were left out: a watching lookup that
    showed no new phase is noise, and leaving it out keeps the panel still while the screen refreshes (the receipt's
    timeline keeps them all)."""
    watching, _ = watched(payment, [exchange for exchange in payment.exchanges if exchange.endpoint == "order"])
    keep = {id(step.exchange) for step in steps} | {id(exchange) for exchange in watching[:1]}
    shown = [exchange for exchange in payment.exchanges if exchange not in watching or id(exchange) in keep]
    return shown[::-1], len(shown) < len(payment.exchanges)
