"""토스페이먼츠's story for the presenter: no server call until the buyer comes back. Our server stores the order,
our page's SDK opens Toss's window in the browser, successUrl brings the paymentKey and an amount that is checked
against the stored one, and only then does confirm make the payment. Lookups and refunds are calls of Toss's API too.
Imported only when a payment's story is told (``TossPayments.story()``), never with the providers package."""

from dataclasses import dataclass

from ...presenter.steps import SERVER, Step, Story, answered_status, call_steps, calls_by_endpoint, lit, outcome
from ..models import ApiExchange, Payment, Status
from ..service import NOT_APPROVED

LANES = ("구매자 브라우저", "Strada 서버", "토스페이먼츠 결제창", "토스페이먼츠 API")
APP_LANES = ("Strada 앱 (웹뷰)", *LANES[1:])  # a payment of the app: the same steps in its web view, via the bridge
BUYER, _, WINDOW, API = range(4)  # lane 1 is the server (steps.SERVER)
WHY = {
    "checkout": "가맹점 서버가 상품 목록으로 금액을 계산해 주문을 저장합니다. 토스페이먼츠는 아직 부르지 않습니다: "
    "준비 API가 없고, 결제는 결제창에서 만들어집니다.",
    "pay_page": "우리 결제 페이지로 보냅니다. 페이지에는 SDK 호출에 쓸 주문번호·금액·successUrl·failUrl이 있습니다.",
    "sdk": "브라우저에서 SDK의 requestPayment()가 토스페이먼츠 결제창을 엽니다. 가맹점 서버는 이 단계를 모릅니다.",
    "pay": "구매자가 결제창에서 결제 수단을 고르고 인증합니다. 가맹점 서버는 successUrl이나 failUrl을 기다립니다.",
    "success_url": "인증이 끝나면 결제창이 브라우저를 successUrl로 보내며 paymentKey·orderId·amount를 붙입니다.",
    "success_callback": "이 주소는 누구나 열 수 있습니다: 주문번호가 이 결제의 것이고 amount가 저장한 금액과 같을 때만 "
    "승인합니다.",
    "amount_ok": "amount가 저장한 주문 금액과 같습니다. 주문을 선점해, 새로고침에도 승인은 한 번만 합니다.",
    "refused": "금액이 다르거나 다른 주문의 주소라 승인하지 않습니다. confirm은 부르지 않고, 결제는 결제 대기로 "
    "남아 결제창으로 돌아갈 수 있습니다.",
    "refused_answer": "409: 결제된 금액은 없습니다. 아무도 결제하지 않으면 유효 시간이 지나 결제 중단으로 끝납니다.",
    "confirm": "결제 승인(confirm) API에 paymentKey·orderId와 저장한 금액을 보내야 결제가 확정됩니다. "
    "Idempotency-Key가 있어 다시 보내도 승인은 한 번입니다.",
    "confirm_answer": "Payment 객체(status DONE, 결제 수단·금액)를 받아 결제 완료로 기록합니다.",
    "error_answer": "오류 응답은 HTTP 상태와 문자열 코드입니다: ALREADY_PROCESSED_PAYMENT면 조회로 확인하고, "
    "카드 거절은 결제 실패로 끝납니다.",
    "receipt": "결과를 저장한 뒤 영수증으로 보냅니다. 리다이렉트라서 새로고침해도 다시 승인하지 않습니다.",
    "fail_url": "결제가 실패하면 결제창이 브라우저를 failUrl로 보내며 code와 message를 붙입니다.",
    "fail_callback": "누구나 이 URL을 열 수 있으므로, 조회 API로 토스페이먼츠가 끝났다고 할 때만 기록합니다.",
    "result": "결과 화면을 보여 줍니다. 결제되지 않았으니 영수증은 없습니다.",
    "closed": "결제창이 닫히면 아무 URL도 오지 않습니다. 가맹점은 조회 API로 상태를 확인합니다.",
    "expired": "유효 시간이 지나 토스페이먼츠가 EXPIRED라고 하거나 결제를 모르면, 가맹점이 결제 중단으로 끝냅니다.",
    "order": "결과가 불확실할 때 가맹점은 추측하지 않고 조회 API(paymentKey 또는 orderId)에 묻습니다.",
    "order_answer": "토스페이먼츠의 status가 기준입니다: 가맹점 기록을 그에 맞춥니다.",
    "order_error": "404 NOT_FOUND_PAYMENT: 토스페이먼츠가 모르는 주문입니다 (결제창을 열지 않았거나 아직 인증 전).",
    "cancel": "결제 취소(cancel) API에 cancelReason과 취소 금액을 보내 환불합니다.",
    "cancel_answer": "남은 금액(balanceAmount)과 취소 내역을 토스페이먼츠 응답 그대로 반영합니다.",
}


@dataclass(frozen=True)
class Route:
    """The way a payment comes and goes: the web's pages, or the Strada app's API and bridge (the same steps)."""

    start: str
    to_window: str
    success: str
    fail: str
    done: str


WEB = Route(
    "POST /checkout · 주문 저장 (토스 호출 없음)",
    "303 → /payments/{id}/pay",
    "GET /toss/success?paymentKey&amount",
    "GET /toss/fail?code",
    "303 → 영수증",
)
APP = Route(
    "POST /api/v1/payments · 주문 저장 (토스 호출 없음)",
    "201 · next_action open_checkout → /payments/{id}/pay",
    "GET /app/return/{id}/approve?paymentKey&amount",
    "GET /app/return/{id}/fail?code",
    "인계 → strada://payments/{id}",
)


def route(payment: Payment) -> Route:
    return APP if payment.return_mode else WEB


@dataclass
class Seen:
    """What the records tell of a Toss payment: the buyer's way back, a refusal, the lookups around the claim."""

    claimed: bool
    refusal: str | None  # the refused success callback's reason
    ended: bool  # cancelled or failed without any approve
    by_fail_url: bool  # ended through failUrl (its code kept)
    before: list[ApiExchange]  # lookups before the claim (all of them without one)
    after: list[ApiExchange]

    @property
    def returned(self) -> bool:
        """The buyer came back through successUrl."""
        return self.claimed or self.refusal is not None

    @classmethod
    def of(cls, payment: Payment, lookups: list[ApiExchange]) -> "Seen":
        claims = [event.at for event in payment.events if event.to_status == Status.APPROVING]
        refusals = [event.cause for event in payment.events if event.cause.startswith(NOT_APPROVED)]
        pivot = min(claims) if claims else None
        claimed = pivot is not None
        ended = payment.status in (Status.CANCELLED, Status.FAILED) and not claimed
        return cls(
            claimed=claimed,
            refusal=refusals[0].partition(": ")[2] if refusals else None,
            ended=ended,
            by_fail_url=ended and payment.failure_code is not None,
            before=[exchange for exchange in lookups if pivot is None or exchange.at < pivot],
            after=[exchange for exchange in lookups if pivot is not None and exchange.at >= pivot],
        )


def title(payment: Payment) -> str:
    """The diagram's title: the window is the platform's in every browser (no QR code, no KakaoTalk)."""
    return f"{payment.item_name} × {payment.quantity} · {payment.platform_label} 결제창 · {payment.status_label}"


def lookup_label(exchange: ApiExchange) -> str:
    key = "orders/{orderId}" if "/orders/" in exchange.url else "{paymentKey}"
    return f"GET /v1/payments/{key} · 조회"


def news(lookups: list[ApiExchange]) -> list[ApiExchange]:
    """The lookups that told something new (the screen asks every few seconds while the window is open)."""
    kept: list[ApiExchange] = []
    for exchange in lookups:
        if not kept or (exchange.http_status, answered_status(exchange)) != (
            kept[-1].http_status,
            answered_status(kept[-1]),
        ):
            kept.append(exchange)
    return kept


def lookup_steps(lookups: list[ApiExchange]) -> list[Step]:
    steps = []
    for exchange in news(lookups):
        answer = f"status {answered_status(exchange) or '?'}"
        steps += call_steps(exchange, lookup_label(exchange), answer, False, "order", WHY, API)
    return steps


def refund_steps(refunds: list[ApiExchange]) -> list[Step]:
    steps = []
    for exchange in refunds:
        steps += call_steps(exchange, "POST …/{paymentKey}/cancel · 환불", "취소 결과", False, "cancel", WHY, API)
    return steps


def opening_steps(payment: Payment, seen: Seen, known: bool) -> list[Step]:
    """Checkout (no platform call), our page, the SDK opening the window, the buyer paying in it."""
    opened = seen.returned or seen.ended or known
    finished = seen.returned or seen.ended
    note = "가맹점은 successUrl·failUrl이 올 때까지 이 단계를 모릅니다"
    return [
        Step(BUYER, SERVER, route(payment).start, "done", why=WHY["checkout"]),
        Step(SERVER, BUYER, route(payment).to_window, "done", why=WHY["pay_page"]),
        Step(BUYER, WINDOW, "SDK requestPayment() · 결제창 열기", lit(opened, True), why=WHY["sdk"]),
        Step(BUYER, WINDOW, "결제창에서 결제", lit(finished, opened), note=note, why=WHY["pay"]),
    ]


def fail_url_steps(payment: Payment, seen: Seen) -> list[Step]:
    """failUrl with its code; the server records it only once the lookup agrees."""
    code = payment.failure_code
    steps = [
        Step(WINDOW, BUYER, f"→ failUrl?code={code}", "error", why=WHY["fail_url"]),
        Step(BUYER, SERVER, route(payment).fail, "done", why=WHY["fail_callback"]),
    ]
    result = f"결과 화면 · {payment.status_label}"
    return steps + lookup_steps(seen.before) + [Step(SERVER, BUYER, result, "done", why=WHY["result"])]


def expiry_steps(payment: Payment, lookups: list[ApiExchange], closed: bool = True) -> list[Step]:
    """Nothing came back from the window: the lookups, then our own ending (결제 중단)."""
    steps = []
    if closed:
        note = "결제창에서 아무 URL도 돌아오지 않았습니다"
        steps.append(Step(WINDOW, WINDOW, "결제창 닫힘", "error", note=note, why=WHY["closed"]))
    steps += lookup_steps(lookups)
    if payment.status in (Status.CANCELLED, Status.FAILED):
        note = "유효 시간이 지났습니다"
        steps.append(Step(SERVER, SERVER, payment.status_label, "error", note=note, why=WHY["expired"]))
    return steps


def return_steps(payment: Payment, seen: Seen) -> list[Step]:
    """successUrl and the amount check against the stored amount (refused: no confirm)."""
    back = lit(seen.returned)
    steps = [
        Step(WINDOW, BUYER, "→ successUrl?paymentKey&orderId&amount", back, why=WHY["success_url"]),
        Step(BUYER, SERVER, route(payment).success, back, why=WHY["success_callback"]),
    ]
    if seen.refusal is not None:
        note = f"{seen.refusal} · confirm 호출 없음"
        steps.append(Step(SERVER, SERVER, "주문·금액 확인 → 승인하지 않음", "error", note=note, why=WHY["refused"]))
        return steps + [Step(SERVER, BUYER, "409 · 결제된 금액 없음", "error", why=WHY["refused_answer"])]
    note, checked = "successUrl의 주문번호와 amount가 저장한 주문과 같습니다", lit(seen.claimed)
    return steps + [Step(SERVER, SERVER, "금액 확인: amount = 저장 금액", checked, note=note, why=WHY["amount_ok"])]


def confirm_steps(payment: Payment, calls: dict[str, list[ApiExchange]], seen: Seen) -> list[Step]:
    confirm = next(iter(calls.get("confirm", [])), None)
    answer = "paymentKey · DONE · 결제 정보"
    steps = call_steps(confirm, "POST /v1/payments/confirm", answer, seen.claimed, "confirm", WHY, API)
    label = route(payment).done if payment.status in Status.PAID or not seen.claimed else payment.status_label
    return steps + [Step(SERVER, BUYER, label, outcome(payment), why=WHY["receipt"])]


def story(payment: Payment) -> list[Step]:
    calls = calls_by_endpoint(payment)
    lookups = calls.get("order", [])
    seen = Seen.of(payment, lookups)
    known = any(exchange.http_status == 200 for exchange in lookups)  # Toss knows the payment: the window opened
    steps = opening_steps(payment, seen, known)
    if seen.by_fail_url:
        return steps + fail_url_steps(payment, seen)
    if seen.ended and not seen.returned:
        return steps + expiry_steps(payment, seen.before)
    if seen.refusal is not None and not seen.claimed:
        return steps + return_steps(payment, seen) + expiry_steps(payment, seen.before, closed=False)
    steps += lookup_steps(seen.before) + return_steps(payment, seen) + confirm_steps(payment, calls, seen)
    return steps + lookup_steps(seen.after) + refund_steps(calls.get("cancel", []))


STORY = Story(
    lanes=lambda payment: APP_LANES if payment.return_mode else LANES,
    steps=story,
    title=title,
    aliases={LANES: "BSWT", APP_LANES: "ASWT"},
    watching=("READY",),  # a lookup before the buyer came back that found the payment not yet paid
    asker=None,  # no lane only asks: every leftward arrow is an answer or a redirect
)
