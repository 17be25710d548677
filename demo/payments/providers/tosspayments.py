"""Toss Payments (토스페이먼츠) 결제창 over the core API, with requests. Same code for the sandbox and the real API.

The browser SDK makes the payment (start only hands the SDK call its parameters); successUrl brings the paymentKey and
the amount, and confirm finalizes it with our stored amount (contract §1.4, §3, §7)."""

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

import requests

from .base import (
    Approval,
    Callback,
    CancelAction,
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

LIVE_API = "https://api.tosspayments.com"
LIVE_SDK = "https://js.tosspayments.com/v2/standard"
CONNECT_TIMEOUT = 3.0

STATES = {
    "READY": "pending",
    "WAITING_FOR_DEPOSIT": "pending",
    "IN_PROGRESS": "authorized",
    "DONE": "paid",
    "PARTIAL_CANCELED": "paid",
    "CANCELED": "paid",  # refunded: paid, with its cancels (as KakaoPay's CANCEL_PAYMENT)
    "ABORTED": "failed",
    "EXPIRED": "cancelled",  # the window was never paid in (or closed) and timed out: 결제 중단
}
METHODS = {"카드": "CARD", "간편결제": "EASY_PAY"}
ISSUERS = {"11": "KB국민카드", "21": "하나카드", "31": "BC카드", "41": "신한카드", "51": "삼성카드", "61": "현대카드",
           "71": "롯데카드", "91": "NH농협카드", "W1": "우리카드", "4V": "VISA"}  # fmt: skip
MESSAGES = {
    "ALREADY_PROCESSED_PAYMENT": "이미 처리된 결제입니다.",
    "NOT_FOUND_PAYMENT": "토스페이먼츠에 없는 결제입니다.",
    "NOT_FOUND_PAYMENT_SESSION": "결제 유효 시간이 지났습니다.",
    "INVALID_REQUEST": "결제 요청 정보가 올바르지 않습니다.",
    "REJECT_CARD_PAYMENT": "한도초과 혹은 잔액부족으로 결제에 실패했습니다.",
    "REJECT_CARD_COMPANY": "카드사가 결제 승인을 거절했습니다.",
    "UNAUTHORIZED_KEY": "토스페이먼츠 시크릿 키가 올바르지 않습니다.",
    "INVALID_API_KEY": "토스페이먼츠 시크릿 키가 올바르지 않습니다.",
    "INCORRECT_BASIC_AUTH_FORMAT": "토스페이먼츠 인증 헤더가 올바르지 않습니다.",
    "ALREADY_CANCELED_PAYMENT": "이미 취소된 결제입니다.",
    "NOT_CANCELABLE_AMOUNT": "취소 가능 금액을 넘었습니다.",
    "NOT_CANCELABLE_PAYMENT": "지금은 취소할 수 없는 결제 상태입니다.",
    "IDEMPOTENT_REQUEST_PROCESSING": "이전 요청이 아직 처리 중입니다.",
    "PROVIDER_ERROR": "토스페이먼츠에 일시적인 오류가 있습니다.",
}
DECLINED_MESSAGE, FAILED_MESSAGE = "카드사 또는 결제수단이 결제를 거절했습니다.", "토스페이먼츠 요청이 실패했습니다."
# Errors about the callback's own input: an unknown (forged) paymentKey, an amount or orderId unlike the window's,
# and an expired session (10 minutes passed). None ends the payment: a stranger's forged successUrl must not kill a
# pending one, and an expired payment is ended by the lookup that follows (EXPIRED → failed).
BAD_CALLBACK = {"NOT_FOUND_PAYMENT", "NOT_FOUND_PAYMENT_SESSION", "INVALID_REQUEST"}
DECLINED = {"INVALID_STOPPED_CARD", "INVALID_REJECT_CARD", "NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT",
            "NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN", "NOT_ALLOWED_POINT_USE", "BELOW_MINIMUM_AMOUNT",
            "CARD_PROCESSING_ERROR", "RESTRICTED_TRANSFER_ACCOUNT", "NOT_AVAILABLE_BANK", "INVALID_PASSWORD",
            "FDS_ERROR"}  # fmt: skip
DECLINED_PREFIXES = ("REJECT_", "EXCEED_MAX_", "INVALID_CARD_")  # card refusals and limits (contract §5.2)
RETRYABLE = {"IDEMPOTENT_REQUEST_PROCESSING", "PROVIDER_ERROR"}  # besides any 5xx: the outcome is not known yet
CANCEL_CODES = {"PAY_PROCESS_CANCELED", "USER_CANCEL"}  # the buyer quit the window (결제 중단)
PAYMENT_KEY = re.compile(r"[!-~]{1,200}")  # printable ASCII, no spaces
ORDER_ID = re.compile(r"[A-Za-z0-9\-_=.]{6,64}")
AMOUNT = re.compile(r"[0-9]{1,10}")
CUSTOMER_KEY = re.compile(r"[A-Za-z0-9\-_=.@]{2,300}")


def kind_of(code: str) -> str:
    if code == "ALREADY_PROCESSED_PAYMENT":
        return Kind.ALREADY_DONE
    if code in BAD_CALLBACK:
        return Kind.BAD_CALLBACK
    return Kind.DECLINED if code in DECLINED or code.startswith(DECLINED_PREFIXES) else Kind.UNKNOWN


def parse_time(value: str | None) -> datetime | None:
    """``2024-02-13T12:18:14+09:00`` as naive local time (how the payment service stores every time)."""
    return datetime.fromisoformat(value).astimezone().replace(tzinfo=None) if value else None


def card_info(data: dict) -> dict | None:
    """The card (and easy pay) in the terms the receipt shows (base.CARD_FIELDS); Toss names no purchaser."""
    card, easy_pay = data.get("card"), (data.get("easyPay") or {}).get("provider")
    if not card:
        return {"easy_pay_provider": easy_pay} if easy_pay else None
    return {
        "issuer": ISSUERS.get(card.get("issuerCode"), card.get("issuerCode")),
        "bin": (card.get("number") or "")[:6] or None,
        "install_month": f"{int(card.get('installmentPlanMonths') or 0):02d}",
        "card_type": card.get("cardType"),
        "approve_no": card.get("approveNo"),
        "easy_pay_provider": easy_pay,
    }


def done_cancels(data: dict) -> list[dict]:
    return [cancel for cancel in data.get("cancels") or [] if cancel.get("cancelStatus") == "DONE"]


class TossPayments:
    name = "tosspayments"
    label = "토스페이먼츠"
    method_labels = {"CARD": "카드", "EASY_PAY": "간편결제"}
    flow_labels = {"pc": "PC · 결제창 (팝업)", "mobile": "모바일 웹 · 결제창", "app": "앱 · 결제창"}  # the SDK opens it
    platform = "tosspayments"
    in_app_browsers: tuple[str, ...] = ()  # none of its own: its window opens in any browser
    callbacks = {"toss/success": "approve", "toss/fail": "fail"}  # successUrl, failUrl
    ANONYMOUS = "@@ANONYMOUS"
    absent_after = 1800 + 60  # the window's 30 minutes, and a margin: an order Toss does not know by then is over
    absent_ends = "cancelled"  # a closed window sends nothing (결제 중단)
    token_name = "paymentKey"
    payable_for = 30 * 60  # the window's 30 minutes
    app_action = "open_checkout"
    app_schemes: dict[str, str] = {}  # the sandbox's window opens no app (live, card apps' schemes would be here)
    app_action_doc = (
        "open_checkout: open app_url (every *_url is the same page) in the app's web view: the Strada checkout page, "
        "whose script opens the 토스페이먼츠 window; the window comes back through the Strada server's bridge"
    )
    sandbox = "demo.sandbox_toss"

    def __init__(
        self,
        api_base: str,
        secret_key: str,
        client_key: str,
        sdk_url: str,
        timeout: float,
        session: requests.Session,
        absent_after: int | None = None,
    ):
        self.api_base, self.client_key, self.sdk_url = api_base.rstrip("/"), client_key, sdk_url
        self.auth = "Basic " + base64.b64encode(f"{secret_key}:".encode()).decode()
        self.timeout, self.session = (CONNECT_TIMEOUT, timeout), session
        self.absent_after = absent_after or type(self).absent_after
        self.payable_for = min(type(self).payable_for, self.absent_after)

    @staticmethod
    def content_sources(settings: Mapping) -> dict[str, list[str]]:
        """What the page's CSP must allow beyond this site: live, the real SDK and the window it frames."""
        if not settings.get("TOSS_SECRET_KEY"):
            return {}  # the sandbox's SDK stand-in and window are this site's own
        return {"script-src": ["https://js.tosspayments.com"], "frame-src": ["https://*.tosspayments.com"]}

    @staticmethod
    def live(settings: Mapping) -> bool:
        """Real Toss keys (either of the pair): Toss's stand-in has no business here."""
        return bool(settings.get("TOSS_SECRET_KEY") or settings.get("TOSS_CLIENT_KEY"))

    @staticmethod
    def story() -> "Story":
        """How the presenter tells a Toss payment: buyer, server, the SDK's window and the core API."""
        from .tosspayments_story import STORY  # imported when a story is told: it needs the app's models and service

        return STORY

    @staticmethod
    def approval_number(aid: str | None, card_info: dict | None) -> str | None:
        """The receipt's 승인번호: the card company's (card.approveNo). A 토스페이 payment without a card (토스머니)
        has none (easyPay carries no approval number); aid is a transaction key, not an approval number."""
        return (card_info or {}).get("approve_no")

    @classmethod
    def from_settings(
        cls, settings: Mapping, public_base: str, session: requests.Session, recurring: bool = False
    ) -> "TossPayments":
        """Real keys (TOSS_SECRET_KEY) talk to Toss; otherwise the sandbox. ``recurring`` is ignored (no billing)."""
        base = public_base.rstrip("/")
        if settings.get("TOSS_SECRET_KEY"):
            api_base, sdk_url = settings.get("TOSS_API_BASE") or LIVE_API, LIVE_SDK
            keys = settings["TOSS_SECRET_KEY"], settings["TOSS_CLIENT_KEY"]
        else:
            api_base = settings.get("TOSS_API_BASE") or base + "/sandbox/tosspayments"
            sdk_url = base + "/sandbox/tosspayments/v2/standard"
            keys = settings["TOSS_SANDBOX_SECRET_KEY"], settings["TOSS_SANDBOX_CLIENT_KEY"]
        timeout = settings["PROVIDER_TIMEOUT"]
        return cls(api_base, *keys, sdk_url, timeout, session, settings.get("TOSS_WINDOW_SECONDS"))

    def call(
        self, endpoint: str, path: str, body: dict | None = None, idempotency_key: str | None = None
    ) -> tuple[dict, Exchange]:
        """GET (no body) or POST ``path``; the Payment object and the exchange, or a PaymentError."""
        url = self.api_base + path
        exchange = Exchange(endpoint, url, json.dumps(body, ensure_ascii=False, indent=2) if body is not None else "")
        headers = {"Authorization": self.auth, **({"Idempotency-Key": idempotency_key} if idempotency_key else {})}
        if body is None:
            response = send(self, exchange, lambda: self.session.get(url, headers=headers, timeout=self.timeout))
        else:
            post = {"json": body, "headers": headers, "timeout": self.timeout}
            response = send(self, exchange, lambda: self.session.post(url, **post))
        return self.decode(response, exchange), exchange

    @staticmethod
    def decode(response: requests.Response, exchange: Exchange) -> dict:
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict) and "paymentKey" in data:
            return data
        retryable = response.status_code >= 500
        code = data.get("code") if isinstance(data, dict) else None
        if not isinstance(code, str) or response.status_code == 200:
            exchange.error = "malformed response"
            message = "토스페이먼츠 응답을 해석할 수 없습니다."
            raise PaymentError(response.status_code, message, retryable=retryable, exchange=exchange)
        exchange.error = f"error {code}"
        kind = Kind.UNKNOWN if retryable else kind_of(code)
        message = MESSAGES.get(code, DECLINED_MESSAGE if kind == Kind.DECLINED else FAILED_MESSAGE)
        raise PaymentError(code, message, data.get("message"), retryable or code in RETRYABLE, exchange, kind)

    def start(self, order: Order) -> Started:
        """No server call: the parameters of the SDK's requestPayment (Toss makes the payment in the window)."""
        customer_key = order.user_id if CUSTOMER_KEY.fullmatch(order.user_id or "") else self.ANONYMOUS
        checkout = {
            "sdk_url": self.sdk_url,
            "client_key": self.client_key,
            "customer_key": customer_key,
            "order_id": order.order_id,
            "order_name": order.item_name[:100],
            "amount": order.total_amount,
            "tax_free_amount": order.tax_free_amount,
            "success_url": order.approval_url,
            "fail_url": order.fail_url,
        }
        return Started(raw={}, exchange=None, checkout=checkout)

    @staticmethod
    def parse_callback(kind: str, args: Mapping[str, str]) -> Callback | None:
        """successUrl: paymentKey, orderId, amount; failUrl: code, message, orderId. None when malformed."""
        order_id = args.get("orderId")
        if order_id is not None and not ORDER_ID.fullmatch(order_id):
            return None
        if kind == "approve":
            payment_key, amount = args.get("paymentKey", ""), args.get("amount", "")
            if order_id is None or not PAYMENT_KEY.fullmatch(payment_key) or not AMOUNT.fullmatch(amount):
                return None
            return Callback(Outcome.AUTHORIZED, token=payment_key, claimed_amount=int(amount), order_id=order_id)
        code, message = args.get("code", ""), args.get("message")
        if not PAYMENT_KEY.fullmatch(code) or len(code) > 100 or (message is not None and len(message) > 500):
            return None
        outcome = Outcome.CANCELLED if code in CANCEL_CODES else Outcome.FAILED
        # Never conclusive: 취소 leaves the window payable (READY), and failUrl is anyone's to open.
        return Callback(outcome, code=code, message=message, order_id=order_id, conclusive=False)

    def finalize(
        self, provider_ref: str | None, order_id: str, user_id: str, token: str, total_amount: int
    ) -> Approval:
        """confirm with our stored amount. The Idempotency-Key is this confirm's own (Toss's scope leaves the body out):
        a retry replays its answer, 2xx or 4xx (a 5xx releases the key), for 15 days."""
        key = f"confirm-{order_id}-{total_amount}-{hashlib.sha256(token.encode()).hexdigest()[:16]}"
        body = {"paymentKey": token, "orderId": order_id, "amount": total_amount}
        return self.approval(*self.call("confirm", "/v1/payments/confirm", body, key))

    @staticmethod
    def approval(data: dict, exchange: Exchange) -> Approval:
        """After a cancel lastTransactionKey is that cancel's: the approval is then known by its paymentKey."""
        aid = data.get("lastTransactionKey") if not data.get("cancels") else None
        return Approval(
            raw=data,
            exchange=exchange,
            aid=aid or data["paymentKey"],
            method=METHODS.get(data.get("method"), data.get("method")),
            amounts={
                "total": data.get("totalAmount"),
                "tax_free": data.get("taxFreeAmount"),
                "vat": data.get("vat"),
                "supplied": data.get("suppliedAmount"),
                "balance": data.get("balanceAmount"),
            },
            card_info=card_info(data),
            approved_at=parse_time(data.get("approvedAt")),
            tid=data["paymentKey"],
        )

    def refund(
        self,
        provider_ref: str,
        amount: int,
        tax_free_amount: int,
        vat_amount: int | None,
        reason: str,
        idempotency_key: str,
    ) -> Refund:
        """cancel: Toss keeps only the VAT left (no VAT per cancel), so canceled_vat is None."""
        body = {"cancelReason": reason, "cancelAmount": amount, "taxFreeAmount": tax_free_amount}
        path = f"/v1/payments/{quote(provider_ref, safe='')}/cancel"
        data, exchange = self.call("cancel", path, body, idempotency_key)
        cancels = done_cancels(data)
        newest = cancels[-1] if cancels else {}
        return Refund(
            raw=data,
            exchange=exchange,
            status=data["status"],
            refunded=newest.get("cancelAmount", 0),
            canceled_total=data["totalAmount"] - data["balanceAmount"],
            cancel_available=data["balanceAmount"],
            aid=newest.get("transactionKey", ""),
            refunded_tax_free=newest.get("taxFreeAmount", 0),
            refunded_vat=vat_amount or 0,
            canceled_tax_free=sum(cancel.get("taxFreeAmount", 0) for cancel in cancels),
            canceled_vat=None,
            remaining_vat=data.get("vat"),
        )

    def lookup(self, provider_ref: str | None, order_id: str) -> Lookup:
        """By paymentKey when we have it (an unknown one, perhaps a forged callback's, falls back to our orderId),
        else by orderId; a payment Toss does not know is absent."""
        paths = [f"/v1/payments/orders/{quote(order_id, safe='')}"]
        if provider_ref:
            paths.insert(0, f"/v1/payments/{quote(provider_ref, safe='')}")
        for path in paths:
            try:
                data, exchange = self.call("order", path)
                break
            except PaymentError as error:
                if error.code != "NOT_FOUND_PAYMENT" or error.exchange is None or error.exchange.http_status != 404:
                    raise
                exchange = error.exchange
        else:
            return Lookup(raw={}, exchange=exchange, state="absent", provider_status="NOT_FOUND_PAYMENT")
        status, cancels = data["status"], done_cancels(data)
        state = STATES.get(status, "pending")
        return Lookup(
            raw=data,
            exchange=exchange,
            state=state,
            provider_status=status,
            canceled_total=data["totalAmount"] - data["balanceAmount"],
            approval=self.approval(data, exchange) if state == "paid" else None,
            canceled_tax_free=sum(cancel.get("taxFreeAmount", 0) for cancel in cancels),
            canceled_vat=None,
            cancels=[CancelAction(cancel["transactionKey"], cancel["cancelAmount"]) for cancel in cancels],
            remaining_vat=data.get("vat"),
            provider_ref=data["paymentKey"],
        )

    @staticmethod
    def webhook(body: object) -> str | None:
        """PAYMENT_STATUS_CHANGED: the orderId to look up. Its data (the status too) is never trusted: unsigned."""
        if not isinstance(body, dict) or body.get("eventType") != "PAYMENT_STATUS_CHANGED":
            return None
        data = body.get("data")
        order_id = data.get("orderId") if isinstance(data, dict) else None
        return order_id if isinstance(order_id, str) and 0 < len(order_id) <= 64 else None
