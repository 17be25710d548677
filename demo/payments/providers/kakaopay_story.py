"""KakaoPay's story for the presenter: the single-payment flow as a sequence of steps between four lanes, lit from a
payment's recorded history. A payment of the Strada app (/api/v1, return_mode set) has its own lanes: the app in place
of the browser; a subscription's later charge has two (the server and KakaoPay).

Each step carries `why`: one line of Korean for the presenter's replay (what the merchant does and why).
Imported only when a payment's story is told (``KakaoPay.story()``), never with the providers package.
"""

from functools import partial

from ...presenter import steps as generic
from ...presenter.steps import (
    SERVER,
    Step,
    Story,
    answered_status,
    calls_by_endpoint,
    lit,
    outcome,
    was_claimed,
)
from ..models import SERVER_FLOW, ApiExchange, Payment, ReturnMode, Status
from ..service import APP_REPORTED, CONFIRM_OVERDUE

LANES = ("브라우저", "Strada 서버", "카카오페이", "휴대폰 카카오톡")
BROWSER, _, KAKAOPAY, PHONE = range(4)  # lane 1 is the server (steps.SERVER)
APP_LANES = ("앱", "Strada 서버", "카카오페이", "카카오톡")  # the same places: the app where the browser is
APP, TALK = BROWSER, PHONE
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
    "app_create": "앱이 Idempotency-Key와 함께 상품과 수량만 보냅니다. 금액은 서버가 상품 목록으로 계산합니다.",
    "app_ready": "결제 준비 API를 부릅니다. approval_url은 Strada 서버의 브리지 /app/return/<주문번호>/approve입니다.",
    "app_ready_answer": "카카오페이가 tid와 next_redirect_app_url을 돌려줍니다. tid는 서버에만 남습니다.",
    "scheme_ready": "해결방법2: approval_url을 앱의 스킴 strada://…로 보내 카카오톡에서 곧장 앱으로 가려 합니다.",
    "scheme_ready_error": "카카오페이는 등록한 사이트 도메인의 http(s) 콜백 URL만 받아 −799로 거절합니다. "
    "해결방법2는 쓰인 그대로는 동작할 수 없고, 서버의 브리지(/app/return/…)가 해법입니다.",
    "next_action": "앱에는 결제창을 여는 next_action(앱 URL과 스킴)만 줍니다. tid·aid·pg_token은 앱에 가지 않습니다.",
    "open_talk": "앱이 카카오톡(앱 스킴)이나 웹뷰에서 카카오페이 결제창을 엽니다.",
    "talk_pay": "사용자가 카카오톡에서 결제 수단을 고르고 인증합니다. 서버는 브리지 콜백을 기다립니다.",
    "bridge": "브리지가 주문번호로 결제를 찾아 pg_token부터 저장합니다. 그다음에 return_mode대로 움직입니다.",
    "hand_over": "인계 화면이 strada://payments/<주문번호>로 앱을 엽니다. 스킴은 가로챌 수 있어 주문번호만 보냅니다.",
    "hand_over_app": "앱이 승인: 브리지는 승인하지 않고 pg_token만 보관한 채 앱으로 넘깁니다.",
    "app_get": "앱은 받은 주문번호로 서버에 결제 상태를 묻습니다. 결과는 언제나 서버가 알려 줍니다.",
    "app_result": "결제 리소스(상태·금액·결제 수단)를 돌려줍니다. tid·aid는 앱에 보이지 않습니다.",
    "confirm": "앱이 confirm을 보내면 서버가 보관한 pg_token으로 승인합니다. 여러 번 보내도 승인은 한 번입니다.",
    "recovered": "앱이 정해진 시간 안에 confirm을 보내지 않아, 복구(조회·대사)가 보관된 pg_token으로 승인합니다.",
    "abandon": "앱이 결제 중단·실패를 알려도 서버는 주문 조회로 카카오페이가 확인한 것만 기록합니다.",
    "abandon_paid": "앱이 중단을 알려도 카카오페이가 결제됐다고 하면 서버는 보관한 pg_token으로 승인합니다. "
    "결제된 결제는 덮어쓰지 않고, 앱에는 409와 실제 상태를 돌려줍니다.",
    "create_error": "결제 준비가 실패해 앱은 provider_error를 받고, 결제는 결제 실패로 끝납니다.",
}
WHY["scheme_ready_answer"] = WHY["app_ready_answer"]  # never seen: KakaoPay refuses a strada:// callback


# A KakaoPay API call and its answer: steps.call_steps with this story's WHY and lane.
call_steps = partial(generic.call_steps, whys=WHY, api=KAKAOPAY)


def watched(payment: Payment, lookups: list[ApiExchange]) -> tuple[list[ApiExchange], list[ApiExchange]]:
    """Split order lookups into those that watched the user on KakaoPay's pages (before any approve) and the rest."""
    return generic.watched(payment, lookups, WATCHED)


def phone_steps(lane: int, lookups: list[ApiExchange]) -> list[Step]:
    """One step per phase the order API showed (sheet opened, method picked…), in the lane of whoever pays."""
    steps: list[Step] = []
    for exchange in lookups:
        status = answered_status(exchange)
        if status in PHASES and (not steps or steps[-1].note != status):
            steps.append(Step(lane, lane, PHASES[status], "done", exchange, note=status, why=WHY["watch"]))
    return steps


def lanes(payment: Payment) -> tuple[str, ...]:
    if payment.flow == SERVER_FLOW:
        return CHARGE_LANES
    return LANES if payment.return_mode is None else APP_LANES


def title(payment: Payment) -> str:
    mode = f" · Strada 앱 · {payment.return_mode_label}" if payment.return_mode else ""
    return f"{payment.item_name} × {payment.quantity} · {payment.flow_label}{mode} · {payment.status_label}"


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


def paying_steps(payment: Payment, lane: int, label: str, watching: list[ApiExchange], finished: bool, why: str):
    """The phases the order API showed in the payer's lane, then the payer paying on KakaoPay's side."""
    steps = phone_steps(lane, watching)
    phase = f" · 지금: {steps[-1].label}" if steps else ""
    note = f"가맹점은 콜백이 올 때까지 이 단계를 모릅니다 (주문 조회로 볼 수는 있습니다){phase}"
    steps.append(Step(lane, KAKAOPAY, label, lit(finished, payment.tid is not None), note=note, why=why))
    return steps


def ended_steps(payment: Payment, lane: int, callback: str, lookups: list[ApiExchange]) -> list[Step]:
    """KakaoPay sends the payer to cancel_url / fail_url; the server believes only the order API."""
    ending = ENDED[payment.status]
    steps = [
        Step(KAKAOPAY, lane, f"→ {ending}", "error", why=WHY["ended"].format(ending=ending)),
        Step(lane, SERVER, f"GET {callback}/{ending.split('_')[0]}", "done", why=WHY["ended_callback"]),
    ]
    return steps + later_calls(lookups, [])


def approve_steps(calls: dict[str, list[ApiExchange]], claimed: bool) -> list[Step]:
    return call_steps(next(iter(calls.get("approve", [])), None), "POST approve", "aid · 결제 정보", claimed, "approve")


def story(payment: Payment) -> list[Step]:
    if payment.flow == SERVER_FLOW:
        return charge_story(payment)
    if payment.return_mode is not None:
        return app_story(payment)
    calls = calls_by_endpoint(payment)
    watching, lookups = watched(payment, calls.get("order", []))
    claimed = was_claimed(payment)
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
    steps += paying_steps(payment, *user, watching, claimed or ended_by_user, WHY["pay"])
    if ended_by_user:
        steps += ended_steps(payment, BROWSER, "", lookups)
        return steps + [Step(SERVER, BROWSER, "결과 화면", "done", why=WHY["result"])]
    steps.append(Step(KAKAOPAY, BROWSER, "→ approval_url?pg_token", lit(claimed), why=WHY["approval_url"]))
    steps.append(Step(BROWSER, SERVER, "GET /approve?pg_token", lit(claimed), why=WHY["approve_callback"]))
    steps += approve_steps(calls, claimed)
    approved = payment.status in Status.PAID
    label = "303 → 영수증" if approved or not claimed else payment.status_label
    steps.append(Step(SERVER, BROWSER, label, outcome(payment), why=WHY["receipt"]))
    return steps + later_calls(lookups, calls.get("cancel", []))


ABANDON_NOTE = APP_REPORTED.partition("{")[0]  # the abandon's cause up to what the app reported


def caused(payment: Payment, prefix: str) -> bool:
    """Whether an event's cause starts so: what the records tell of who acted (the app, recovery)."""
    return any(event.cause.startswith(prefix) for event in payment.events)


def app_result(payment: Payment, asked: str, why: str) -> list[Step]:
    """The app asks the server (its own API call) and gets the payment as the server knows it."""
    claimed = was_claimed(payment)
    state = outcome(payment)
    return [
        Step(APP, SERVER, asked, lit(state != "pending", claimed), why=why),
        Step(SERVER, APP, payment.status_label, state, why=WHY["app_result"]),
    ]


def app_story(payment: Payment) -> list[Step]:
    """A payment of the Strada app: created through /api/v1, paid in KakaoTalk, back through the bridge."""
    calls = calls_by_endpoint(payment)
    watching, lookups = watched(payment, calls.get("order", []))
    claimed = was_claimed(payment)
    returned = claimed or payment.pg_token is not None
    abandoned = caused(payment, ABANDON_NOTE)
    ended = payment.status in ENDED and not claimed and payment.tid is not None
    scheme = payment.return_mode == ReturnMode.SCHEME
    api, mine = "/api/v1/payments", "…/{id}"  # the order's own calls, short enough for one lane
    steps = [Step(APP, SERVER, f"POST {api} · Idempotency-Key", "done", why=WHY["app_create"])]
    ready = next(iter(calls.get("ready", [])), None)
    request = "POST ready · approval_url strada://…" if scheme else "POST ready · approval_url /app/return/…"
    steps += call_steps(ready, request, "tid · next_redirect_app_url", True, "scheme_ready" if scheme else "app_ready")
    if payment.tid is None and payment.status == Status.FAILED:
        return steps + [
            Step(SERVER, APP, f"502 provider_error · {payment.status_label}", "error", why=WHY["create_error"])
        ]
    started = lit(payment.tid is not None)
    steps.append(Step(SERVER, APP, "201 · next_action (tid 없음)", started, why=WHY["next_action"]))
    steps.append(Step(APP, TALK, "카카오톡 결제창 열기 (app_url · 앱 스킴)", started, why=WHY["open_talk"]))
    steps += paying_steps(payment, TALK, "카카오톡에서 결제", watching, returned or ended, WHY["talk_pay"])
    path, hand_over = "/app/return/{id}", "인계 → strada://payments/{id}"
    if ended and abandoned:
        steps.append(Step(APP, SERVER, f"POST {mine}/abandon", "done", why=WHY["abandon"]))
        return steps + later_calls(lookups, []) + [Step(SERVER, APP, payment.status_label, "done", why=WHY["result"])]
    if ended:
        steps += ended_steps(payment, TALK, path, lookups)
        return steps + [Step(SERVER, APP, hand_over, "done", why=WHY["result"])]
    steps.append(Step(KAKAOPAY, TALK, "→ approval_url?pg_token", lit(returned), why=WHY["approval_url"]))
    steps.append(Step(TALK, SERVER, f"GET {path}/approve?pg_token", lit(returned), why=WHY["bridge"]))
    if payment.return_mode == ReturnMode.SERVER:
        steps += approve_steps(calls, claimed)
        steps.append(Step(SERVER, APP, hand_over, lit(payment.status not in Status.IN_FLIGHT), why=WHY["hand_over"]))
        steps += app_result(payment, f"GET {mine}", WHY["app_get"])
    else:
        steps.append(Step(SERVER, APP, hand_over, lit(returned), why=WHY["hand_over_app"]))
        if caused(payment, CONFIRM_OVERDUE):
            note = "앱의 confirm이 APP_CONFIRM_GRACE 안에 오지 않았습니다"
            steps.append(
                Step(SERVER, SERVER, "복구: 서버가 보관한 pg_token으로 승인", "done", note=note, why=WHY["recovered"])
            )
            steps += approve_steps(calls, claimed)
            steps += app_result(payment, f"GET {mine}", WHY["app_get"])
        elif abandoned:  # the app said quit after paying: KakaoPay's order API says paid, so the server approves
            note = "앱은 중단을 알렸지만 주문 조회로는 결제 인증 완료였습니다"
            steps.append(Step(APP, SERVER, f"POST {mine}/abandon", "done", note=note, why=WHY["abandon_paid"]))
            steps += approve_steps(calls, claimed)
            steps.append(Step(SERVER, APP, f"409 · {payment.status_label}", outcome(payment), why=WHY["app_result"]))
        else:
            waiting = "앱의 confirm을 기다립니다: 오지 않으면 복구가 보관한 pg_token으로 승인합니다"
            confirm = f"POST {mine}/confirm"
            steps.append(Step(APP, SERVER, confirm, lit(claimed, returned), note=waiting, why=WHY["confirm"]))
            steps += approve_steps(calls, claimed)
            steps.append(Step(SERVER, APP, payment.status_label, outcome(payment), why=WHY["app_result"]))
    return steps + later_calls(lookups, calls.get("cancel", []))


STORY = Story(
    lanes=lanes,
    steps=story,
    title=title,
    aliases={LANES: "BSKP", CHARGE_LANES: "SK", APP_LANES: "ASKT"},
    watching=WATCHED,
    asker=PHONE,  # the payer's phone at the right only asks…
    redirector=KAKAOPAY,  # …except KakaoPay's redirects to it (카카오톡 in the app's lanes)
)
