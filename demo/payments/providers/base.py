"""The provider seam both platforms sit behind (DESIGN.md "Providers"): start, parse a callback, finalize, look up,
refund, read a webhook; typed results that keep the raw response, one error type whose ``kind`` says what an answer
means. Nothing outside this package names a platform."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ...presenter.steps import Story


@dataclass
class Exchange:
    """One API call as it went over the wire, secrets masked: stored for the receipt and the presenter."""

    endpoint: str
    url: str
    request_body: str
    http_status: int | None = None
    response_body: str | None = None
    duration_ms: int = 0
    error: str | None = None


@dataclass
class Order:
    """What the merchant asks the provider to prepare."""

    order_id: str
    user_id: str
    item_name: str
    item_code: str | None
    quantity: int
    total_amount: int
    tax_free_amount: int
    vat_amount: int
    approval_url: str
    cancel_url: str
    fail_url: str


@dataclass
class Charge:
    """A later payment of a subscription, made by the server with the billing key (no user step)."""

    billing_key: str  # the provider's key for later charges (billing_key_label)
    order_id: str
    user_id: str  # the same user as the first payment
    item_name: str
    item_code: str | None
    quantity: int
    total_amount: int
    tax_free_amount: int
    vat_amount: int


@dataclass
class Result:
    raw: dict
    exchange: Exchange | None


@dataclass
class Started(Result):
    """What start gives: a redirect per device (the platform made its payment: ``provider_ref`` is known), or the
    parameters of the platform's browser SDK call (``checkout``: it knows nothing until the buyer comes back)."""

    provider_ref: str | None = None
    redirect_urls: dict | None = None  # pc / mobile / app, plus app schemes where the provider has them
    checkout: dict | None = None


class Outcome:
    AUTHORIZED = "authorized"  # the buyer paid in the platform's window: finalize with token
    CANCELLED = "cancelled"  # the buyer quit (결제 중단)
    FAILED = "failed"


@dataclass
class Callback:
    """A platform's callback, parsed by its provider; bound to our order id by the URL's path, never trusted alone."""

    outcome: str
    token: str | None = None  # what finalize needs (KakaoPay: pg_token; Toss: paymentKey)
    claimed_amount: int | None = None  # the amount the callback says was paid (Toss puts it in the URL)
    code: str | None = None
    message: str | None = None
    order_id: str | None = None  # the order id the callback names, where the platform sends one
    conclusive: bool = True  # a cancel or fail callback that may end the payment when the order API cannot be asked


# The card of a payment as the receipt and the API read it: card_info's common keys, the same for every platform
# (install_month: two digits, "00" for 일시불). A provider's card_info may hold more of its platform's own details.
CARD_FIELDS = ("issuer", "purchaser", "bin", "install_month")


@dataclass
class Approval(Result):
    aid: str
    method: str | None
    amounts: dict
    card_info: dict | None  # CARD_FIELDS and the platform's own details; None: paid without a card
    approved_at: datetime | None
    billing_key: str | None = None  # a recurring payment's key for later charges (billing_key_label)
    tid: str | None = None  # the provider's transaction id (a charge has a new one)


@dataclass
class Refund(Result):
    status: str
    refunded: int  # this refund
    canceled_total: int  # all refunds so far
    cancel_available: int
    aid: str = ""  # the provider's id of this cancel action (refund_ref)
    refunded_tax_free: int = 0
    refunded_vat: int = 0
    canceled_tax_free: int = 0  # all refunds so far
    canceled_vat: int | None = 0  # None: the platform keeps only the VAT left (remaining_vat)
    remaining_vat: int | None = None


@dataclass
class CancelAction:
    """One refund as the order API lists it (payment_action_details, CANCEL)."""

    aid: str
    amount: int


@dataclass
class Lookup(Result):
    """The provider's view of a payment, reduced to what reconciliation needs."""

    state: str  # absent | pending | authorized | paid | cancelled | failed
    provider_status: str
    canceled_total: int = 0
    approval: Approval | None = None
    canceled_tax_free: int = 0
    canceled_vat: int | None = 0  # None: the platform keeps only the VAT left (remaining_vat)
    cancels: list[CancelAction] = field(default_factory=list)
    remaining_vat: int | None = None
    provider_ref: str | None = None  # the platform's id of the payment, found by our order id


@dataclass
class BillingKey(Result):
    """A billing key as the provider sees it: only an active one can be charged."""

    active: bool
    provider_status: str
    inactivated_at: datetime | None = None


class Kind:
    """What a finalize answer that is not 200 means (DESIGN.md, "What an answer means")."""

    ALREADY_DONE = "already_done"  # a twin request won: paid; look it up
    BAD_CALLBACK = "bad_callback"  # this callback was wrong or early: release the claim, still payable
    DECLINED = "declined"  # definitely not paid
    EXPIRED = "expired"  # definitely not paid: the payment's time ran out (declined, and the API says 410)
    NO_ANSWER = "no_answer"  # timeout or connection error: the call may still run there; keep the claim
    UNKNOWN = "unknown"  # an answer that tells nothing (5xx, malformed, unexpected): look it up, retry


@dataclass
class PaymentError(Exception):
    """Any failure of a provider call: an error answer, a timeout, a broken connection or body."""

    code: int | str
    message: str
    provider_message: str | None = None
    retryable: bool = False  # True: the outcome is unknown (timeout, 5xx); ask again later
    exchange: Exchange | None = field(default=None, repr=False)
    kind: str = Kind.UNKNOWN

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class Provider(Protocol):
    name: str
    label: str  # the platform's name as buyers read it
    method_labels: dict[str, str]  # payment method type → how the receipt says it
    flow_labels: dict[str, str]  # device flow → the platform's page for it, where it differs from FLOW_LABELS
    platform: str  # the folder of its templates (payments/<platform>/): its pay button, its checkout page
    in_app_browsers: tuple[str, ...]  # user-agent tokens of its own app's browser: the app flow (devices.py)
    callbacks: dict[str, str]  # path under /payments/<order_id>/ → the kind parse_callback is given
    absent_after: int  # seconds after which a payment the platform does not know is over (closed window)
    absent_ends: str  # …as cancelled or failed
    token_name: str  # what its success callback carries for finalize, as the timeline names it
    payable_for: int  # seconds a started payment stays payable (the API's expires_at)
    app_action: str  # the API's next_action.type: what the Strada app opens (app_action_doc says it)
    app_action_doc: str
    app_schemes: dict[str, str]  # URL schemes of apps its pages open (an app's web view hands them over) → the app
    sandbox: str  # the module of its platform's built-in emulator (its init_app mounts it)

    @staticmethod
    def live(settings: Mapping) -> bool: ...  # real keys are set: the platform itself answers, no sandbox is mounted

    @staticmethod
    def content_sources(settings: Mapping) -> dict[str, list[str]]: ...  # CSP sources its checkout needs

    @staticmethod
    def story() -> "Story": ...  # how the presenter tells its payments (a module of its own, imported on first use)

    @staticmethod
    def approval_number(aid: str | None, card_info: dict | None) -> str | None: ...  # the receipt's 승인번호

    def start(self, order: Order) -> Started: ...

    def parse_callback(self, kind: str, args: Mapping[str, str]) -> Callback | None: ...  # None: malformed

    def finalize(
        self, provider_ref: str | None, order_id: str, user_id: str, token: str, total_amount: int
    ) -> Approval: ...

    def refund(
        self,
        provider_ref: str,
        amount: int,
        tax_free_amount: int,
        vat_amount: int | None,
        reason: str,
        idempotency_key: str,
    ) -> Refund: ...

    def lookup(self, provider_ref: str | None, order_id: str) -> Lookup: ...

    def webhook(self, body: object) -> str | None: ...  # the order id to look up; never changes the books itself


class RecurringProvider(Provider, Protocol):
    """A platform with 정기결제: made with ``recurring=True`` it pays the first payment (start/finalize above) and
    these calls with its recurring merchant id."""

    billing_key_label: str  # what the platform calls a billing key

    def charge(self, charge: Charge) -> Approval: ...

    def billing_status(self, billing_key: str) -> BillingKey: ...

    def deactivate(self, billing_key: str) -> BillingKey: ...
