"""The provider interface: four calls, typed results that keep the raw response, one error type."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


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

    billing_key: str  # KakaoPay: the SID
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
    exchange: Exchange


@dataclass
class Ready(Result):
    tid: str
    redirect_urls: dict  # pc / mobile / app, plus app schemes where the provider has them


@dataclass
class Approval(Result):
    aid: str
    method: str | None
    amounts: dict
    card_info: dict | None
    approved_at: datetime | None
    billing_key: str | None = None  # a recurring payment's key for later charges (KakaoPay: sid)
    tid: str | None = None  # the provider's transaction id (a charge has a new one)


@dataclass
class Refund(Result):
    status: str
    refunded: int  # this refund
    canceled_total: int  # all refunds so far
    cancel_available: int
    aid: str = ""  # the provider's id of this cancel action
    refunded_tax_free: int = 0
    refunded_vat: int = 0
    canceled_tax_free: int = 0  # all refunds so far
    canceled_vat: int = 0


@dataclass
class CancelAction:
    """One refund as the order API lists it (payment_action_details, CANCEL)."""

    aid: str
    amount: int


@dataclass
class Lookup(Result):
    """The provider's view of a payment, reduced to what reconciliation needs."""

    state: str  # pending | authorized | paid | cancelled | failed
    provider_status: str
    canceled_total: int = 0
    approval: Approval | None = None
    canceled_tax_free: int = 0
    canceled_vat: int = 0
    cancels: list[CancelAction] = field(default_factory=list)


@dataclass
class BillingKey(Result):
    """A billing key as the provider sees it: only an active one can be charged."""

    active: bool
    provider_status: str
    inactivated_at: datetime | None = None


@dataclass
class PaymentError(Exception):
    """Any failure of a provider call: an error answer, a timeout, a broken connection or body."""

    code: int | str
    message: str
    provider_message: str | None = None
    retryable: bool = False  # True: the outcome is unknown (timeout, 5xx); ask again later
    exchange: Exchange | None = field(default=None, repr=False)

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class Provider(Protocol):
    name: str

    def ready(self, order: Order) -> Ready: ...

    def approve(self, tid: str, order_id: str, user_id: str, pg_token: str, total_amount: int) -> Approval: ...

    def refund(self, tid: str, amount: int, tax_free_amount: int, vat_amount: int | None) -> Refund: ...

    def lookup(self, tid: str) -> Lookup: ...

    # Recurring payments: a provider made with ``recurring=True`` pays the first payment (ready/approve above)
    # and these calls with its recurring merchant id.
    def charge(self, charge: Charge) -> Approval: ...

    def billing_status(self, billing_key: str) -> BillingKey: ...

    def deactivate(self, billing_key: str) -> BillingKey: ...
