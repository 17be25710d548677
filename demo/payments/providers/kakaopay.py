"""KakaoPay single payment (단건결제) over the Open API, with requests. Same code for the sandbox and the real API."""

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

import requests

from .base import (
    Approval,
    BillingKey,
    Callback,
    CancelAction,
    Charge,
    Exchange,
    Kind,
    Lookup,
    Order,
    Outcome,
    PaymentError,
    Refund,
    Started,
)
from .transport import send

if TYPE_CHECKING:
    from ...presenter.steps import Story

LIVE_API = "https://open-api.kakaopay.com"
CONNECT_TIMEOUT = 3.0

STATES = {
    "SUCCESS_PAYMENT": "paid",
    "PART_CANCEL_PAYMENT": "paid",
    "CANCEL_PAYMENT": "paid",
    "AUTH_PASSWORD": "authorized",
    "ISSUED_SID": "authorized",
    "QUIT_PAYMENT": "cancelled",
    "FAIL_PAYMENT": "failed",
    "FAIL_AUTH_PASSWORD": "failed",
}  # anything else (READY, SEND_TMS, OPEN_PAYMENT, SELECT_METHOD, ARS_WAITING) is still pending
MESSAGES = {
    -701: "아직 사용자가 결제를 마치지 않았습니다.",
    -702: "이미 결제가 완료된 주문입니다.",
    -708: "결제 인증 정보(pg_token)가 올바르지 않습니다.",
    -710: "취소 가능 금액을 넘었습니다.",
    -721: "카카오페이에 없는 거래입니다.",
    -723: "결제 유효 시간이 지났습니다.",
    -780: "카카오페이가 결제 승인을 거절했습니다.",
    -781: "카카오페이가 결제 취소를 거절했습니다.",
    -783: "지금은 승인할 수 없는 결제 상태입니다.",
    -784: "지금은 취소할 수 없는 결제 상태입니다.",
    -731: "정기결제 가맹점 코드(CID)가 올바르지 않습니다.",
    -750: "카카오페이에 없는 정기결제 키(SID)입니다.",
    -751: "해지된 정기결제입니다.",
    -752: "이번 달 정기결제 한도를 넘었습니다.",
    -753: "정기결제를 시작한 사용자와 다릅니다.",
    -782: "카카오페이가 정기결제를 거절했습니다.",
    -401: "카카오페이 Secret key가 올바르지 않습니다.",
}
KINDS = {  # approve's error codes by what they mean; any other code tells nothing (Kind.UNKNOWN)
    -702: Kind.ALREADY_DONE,
    -708: Kind.BAD_CALLBACK,  # a wrong or forged pg_token
    -701: Kind.BAD_CALLBACK,  # the user has not finished
    -2: Kind.BAD_CALLBACK,  # a parameter error about the callback's own input
    -780: Kind.DECLINED,
    -723: Kind.EXPIRED,
}
PG_TOKEN = re.compile(r"[A-Za-z0-9]{1,64}")
PATHS = {"status": "manage/subscription/status", "inactive": "manage/subscription/inactive"}
MASKED = {"pg_token"}  # the only secret in a request body; the key travels in a header and is never stored


def uses_sandbox_in_process(settings: Mapping) -> bool:
    return not settings.get("KAKAOPAY_SECRET_KEY") and not settings.get("KAKAOPAY_API_BASE")


def masked(body: dict) -> str:
    shown = {key: (f"{value[:4]}…(masked)" if key in MASKED and value else value) for key, value in body.items()}
    return json.dumps(shown, ensure_ascii=False, indent=2)


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


CARD_NAMES = {"kakaopay_issuer_corp": "issuer", "kakaopay_purchase_corp": "purchaser"}  # card_info → CARD_FIELDS


def card(card_info: dict | None) -> dict | None:
    """approve's card_info with the common names (base.CARD_FIELDS) for its card companies; the rest as it came."""
    return {CARD_NAMES.get(name, name): value for name, value in card_info.items()} if card_info else None


def card_from_order(selected: dict | None) -> dict | None:
    """The order API's selected_card_info in card_info terms (what a receipt shows)."""
    if not selected:
        return None
    return {
        "issuer": selected.get("card_corp_name"),
        "bin": selected.get("card_bin"),
        "install_month": f"{int(selected.get('install_month') or 0):02d}",
        "interest_free_install": selected.get("interest_free_install"),
        "installment_type": selected.get("installment_type"),
    }


class KakaoPay:
    name = "kakaopay"
    label = "카카오페이"
    method_labels = {"CARD": "카드", "MONEY": "카카오페이머니"}  # payment_method_type as the receipt says it
    flow_labels = {"app": "카카오톡 앱"}  # its app page opens in KakaoTalk (the QR page is FLOW_LABELS' own)
    # KakaoTalk's in-app browser: the app flow (upper case: the kakaotalk-scrap preview bot is not a browser)
    in_app_browsers = ("KAKAOTALK",)
    platform = "kakaopay"  # its templates' folder (payments/kakaopay/), the same for both wires
    callbacks = {"approve": "approve", "cancel": "cancel", "fail": "fail"}  # approval_url, cancel_url, fail_url
    absent_after = 0  # no tid: ready never answered, nothing can be paid
    absent_ends = "failed"
    token_name = "pg_token"
    payable_for = 15 * 60  # a ready payment is payable for 15 minutes
    app_action = "open_kakaopay"
    app_schemes = {"kakaotalk": "카카오톡"}  # its app page opens KakaoTalk
    app_action_doc = (
        "open_kakaopay: open app_url in the app's web view, or KakaoTalk with android_app_scheme / ios_app_scheme; "
        "KakaoTalk comes back through the Strada server's bridge"
    )
    sandbox = "demo.sandbox"
    billing_key_label = "SID"  # 정기결제: the SID a recurring first payment issues
    live_api = LIVE_API
    path = "/online/v1/payment/"
    auth_scheme = "SECRET_KEY"
    error_fields = ("error_code", "error_message")  # where an error answer has its code and message
    messages = MESSAGES

    def __init__(self, api_base: str, secret_key: str, cid: str, timeout: float, session: requests.Session):
        self.api_base, self.secret_key, self.cid = api_base.rstrip("/"), secret_key, cid
        self.timeout, self.session = (CONNECT_TIMEOUT, timeout), session

    @staticmethod
    def content_sources(settings: Mapping) -> dict[str, list[str]]:
        return {}  # KakaoPay's pages are reached by redirect: nothing of them runs in ours

    @staticmethod
    def live(settings: Mapping) -> bool:
        """A real KakaoPay key: Kakao's stand-in has no business here."""
        return bool(settings.get("KAKAOPAY_SECRET_KEY"))

    @staticmethod
    def story() -> "Story":
        """How the presenter tells a KakaoPay payment (web, app and charge lanes), both wires alike."""
        from .kakaopay_story import STORY  # imported when a story is told: it needs the app's models and service

        return STORY

    @staticmethod
    def approval_number(aid: str | None, card_info: dict | None) -> str | None:
        """The receipt's 승인번호: KakaoPay's aid (its approval's id)."""
        return aid

    @classmethod
    def from_settings(
        cls, settings: Mapping, public_base: str, session: requests.Session, recurring: bool = False
    ) -> "KakaoPay":
        """The real test API with a Secret key(dev); otherwise the sandbox (KAKAOPAY_API_BASE or in process).
        ``recurring``: with the 정기결제 CID (KAKAOPAY_SUBSCRIPTION_CID), for a subscription's payments."""
        if settings.get("KAKAOPAY_SECRET_KEY"):
            api_base, key = settings.get("KAKAOPAY_API_BASE") or cls.live_api, settings["KAKAOPAY_SECRET_KEY"]
        else:
            api_base = settings.get("KAKAOPAY_API_BASE") or public_base.rstrip("/") + "/sandbox/kakaopay"
            key = settings["SANDBOX_SECRET_KEY"]
        cid = settings["KAKAOPAY_SUBSCRIPTION_CID" if recurring else "KAKAOPAY_CID"]
        return cls(api_base, key, cid, settings["PROVIDER_TIMEOUT"], session)

    def call(self, endpoint: str, body: dict) -> tuple[dict, Exchange]:
        body = {"cid": self.cid, **body}
        url = f"{self.api_base}{self.path}{PATHS.get(endpoint, endpoint)}"
        exchange = Exchange(endpoint=endpoint, url=url, request_body=masked(body))
        response = send(self, exchange, lambda: self.post(url, body))
        return self.decode(response, exchange), exchange

    def post(self, url: str, body: dict) -> requests.Response:
        headers = {"Authorization": f"{self.auth_scheme} {self.secret_key}"}
        return self.session.post(url, json=body, timeout=self.timeout, headers=headers)

    def error(self, data: dict, retryable: bool, exchange: Exchange) -> PaymentError | None:
        """The provider's error answer as a PaymentError; None when ``data`` is not an error body."""
        code_field, message_field = self.error_fields
        if code_field not in data:
            return None
        code = data[code_field]
        exchange.error = f"error {code}"
        message = self.messages.get(code, "카카오페이 요청이 실패했습니다.")
        kind = KINDS.get(code, Kind.UNKNOWN)
        return PaymentError(code, message, data.get(message_field), retryable, exchange, kind)

    def decode(self, response: requests.Response, exchange: Exchange) -> dict:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict):
            return data
        retryable = response.status_code >= 500
        error = self.error(data, retryable, exchange) if isinstance(data, dict) else None
        if error is None:
            exchange.error = "malformed response"
            raise PaymentError(
                response.status_code, "카카오페이 응답을 해석할 수 없습니다.", retryable=retryable, exchange=exchange
            )
        raise error

    def start(self, order: Order) -> Started:
        """ready: KakaoPay makes the payment and answers its tid and a page per device."""
        data, exchange = self.call(
            "ready",
            {
                "partner_order_id": order.order_id,
                "partner_user_id": order.user_id,
                "item_name": order.item_name,
                "item_code": order.item_code,
                "quantity": order.quantity,
                "total_amount": order.total_amount,
                "tax_free_amount": order.tax_free_amount,
                "vat_amount": order.vat_amount,
                "approval_url": order.approval_url,
                "cancel_url": order.cancel_url,
                "fail_url": order.fail_url,
            },
        )
        urls = {
            "pc": data["next_redirect_pc_url"],
            "mobile": data["next_redirect_mobile_url"],
            "app": data["next_redirect_app_url"],
            "android_app_scheme": data.get("android_app_scheme"),
            "ios_app_scheme": data.get("ios_app_scheme"),
        }
        return Started(raw=data, exchange=exchange, provider_ref=data["tid"], redirect_urls=urls)

    @staticmethod
    def parse_callback(kind: str, args: Mapping[str, str]) -> Callback | None:
        """approval_url carries a pg_token (tid comes from our own record); cancel_url and fail_url carry nothing."""
        if kind != "approve":
            return Callback(Outcome.CANCELLED if kind == "cancel" else Outcome.FAILED)
        pg_token = args.get("pg_token", "").strip()
        return Callback(Outcome.AUTHORIZED, token=pg_token) if PG_TOKEN.fullmatch(pg_token) else None

    def finalize(self, tid: str | None, order_id: str, user_id: str, pg_token: str, total_amount: int) -> Approval:
        data, exchange = self.call(
            "approve",
            {
                "tid": tid,
                "partner_order_id": order_id,
                "partner_user_id": user_id,
                "pg_token": pg_token,
                "total_amount": total_amount,
            },
        )
        return self.approval(data, exchange, data["aid"], card(data.get("card_info")))

    @staticmethod
    def approval(data: dict, exchange: Exchange, aid: str, card_info: dict | None) -> Approval:
        return Approval(
            raw=data,
            exchange=exchange,
            aid=aid,
            method=data.get("payment_method_type"),
            amounts=data["amount"],
            card_info=card_info,
            approved_at=parse_time(data.get("approved_at")),
            billing_key=data.get("sid"),
            tid=data.get("tid"),
        )

    def refund(
        self, tid: str, amount: int, tax_free_amount: int, vat_amount: int | None, reason: str, idempotency_key: str
    ) -> Refund:
        """The cancel API. It takes no reason (ours keeps it) and no idempotency key (one refund in flight a payment,
        by our own claim)."""
        body = {"tid": tid, "cancel_amount": amount, "cancel_tax_free_amount": tax_free_amount}
        if vat_amount is not None:
            body["cancel_vat_amount"] = vat_amount
        data, exchange = self.call("cancel", body)
        this, canceled = data["approved_cancel_amount"], data["canceled_amount"]
        return Refund(
            raw=data,
            exchange=exchange,
            status=data["status"],
            refunded=this["total"],
            canceled_total=canceled["total"],
            cancel_available=data["cancel_available_amount"]["total"],
            aid=data["aid"],
            refunded_tax_free=this.get("tax_free", 0),
            refunded_vat=this.get("vat", 0),
            canceled_tax_free=canceled.get("tax_free", 0),
            canceled_vat=canceled.get("vat", 0),
        )

    def lookup(self, tid: str | None, order_id: str) -> Lookup:
        """The order API, by tid (a payment without one was never made at KakaoPay)."""
        if tid is None:
            return Lookup(raw={}, exchange=None, state="absent", provider_status="결제 준비 응답 없음")
        data, exchange = self.call("order", {"tid": tid})
        status, actions = data["status"], data.get("payment_action_details") or []
        paid = [a for a in actions if a["payment_action_type"] == "PAYMENT"]
        card_info = card_from_order(data.get("selected_card_info"))
        approval = self.approval(data, exchange, paid[0]["aid"], card_info) if paid else None
        canceled = data.get("canceled_amount") or {}
        return Lookup(
            raw=data,
            exchange=exchange,
            state=STATES.get(status, "pending"),
            provider_status=status,
            canceled_total=canceled.get("total", 0),
            approval=approval,
            canceled_tax_free=canceled.get("tax_free", 0),
            canceled_vat=canceled.get("vat", 0),
            cancels=[CancelAction(a["aid"], a["amount"]) for a in actions if a["payment_action_type"] == "CANCEL"],
            provider_ref=tid,
        )

    @staticmethod
    def webhook(body: object) -> str | None:
        return None  # KakaoPay sends none for single payments

    def charge(self, charge: Charge) -> Approval:
        data, exchange = self.call(
            "subscription",
            {
                "sid": charge.billing_key,
                "partner_order_id": charge.order_id,
                "partner_user_id": charge.user_id,
                "item_name": charge.item_name,
                "item_code": charge.item_code,
                "quantity": charge.quantity,
                "total_amount": charge.total_amount,
                "tax_free_amount": charge.tax_free_amount,
                "vat_amount": charge.vat_amount,
            },
        )
        return self.approval(data, exchange, data["aid"], card(data.get("card_info")))

    def billing_status(self, billing_key: str) -> BillingKey:
        return self.billing_key(*self.call("status", {"sid": billing_key}))

    def deactivate(self, billing_key: str) -> BillingKey:
        return self.billing_key(*self.call("inactive", {"sid": billing_key}))

    @staticmethod
    def billing_key(data: dict, exchange: Exchange) -> BillingKey:
        return BillingKey(
            raw=data,
            exchange=exchange,
            active=data["status"] == "ACTIVE",
            provider_status=data["status"],
            inactivated_at=parse_time(data.get("inactivated_at")),
        )
