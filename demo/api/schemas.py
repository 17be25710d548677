"""The API's request and response bodies as pydantic models: flask-openapi3 validates requests with them and the
OpenAPI document's schemas are generated from them."""

from datetime import datetime
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..catalog.views import MAX_QUANTITY
from ..payments.history import PLATFORM_LABELS, PLATFORMS
from ..payments.models import Status
from ..payments.providers import PROVIDERS
from ..payments.refund_records import DEFAULT_REASON, REASON_MAX

StatusValue = Literal["ready", "approving", "approved", "partially_refunded", "refunded", "cancelled", "failed"]
ReturnModeValue = Literal["server", "app", "scheme"]
PlatformValue = Literal[tuple(PLATFORMS)]  # the payment platforms (history.PLATFORMS: each with its label)
AppActionValue = Literal[tuple(dict.fromkeys(provider.app_action for provider in PROVIDERS.values()))]
APP_ACTIONS = "; ".join(dict.fromkeys(provider.app_action_doc for provider in PROVIDERS.values()))
PLATFORM_WORDS = ", ".join(f"{key} ({label})" for key, label in PLATFORM_LABELS.items())
INT_MAX = 2**31 - 1  # the database's integer columns (PostgreSQL refuses a bigger bound value: no 500 for it)
ORDER_ID = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="the payment's order id")
assert set(StatusValue.__args__) == set(Status.LABELS)


class Closed(BaseModel):
    """A request body: unknown members are refused (a typo is an error, not a silent default), and so is a NUL byte
    in any text (PostgreSQL cannot store one: the web's forms refuse it the same way, demo/errors.py)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def no_nul_bytes(cls, data):
        if isinstance(data, dict) and any(isinstance(value, str) and "\x00" in value for value in data.values()):
            raise ValueError("text may not contain NUL bytes")
        return data


# Requests


class AppSessionIn(Closed):
    device_name: str | None = Field(default=None, max_length=100, description="shown in the console's list")


class PaymentIn(Closed):
    product: str = Field(min_length=1, max_length=64, description="a product id from GET /products")
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    return_mode: ReturnModeValue = Field(
        default="server",
        description="how the payment comes back from the platform's pages to the app: server (서버가 승인, "
        "recommended), app (앱이 승인), scheme (해결방법2 그대로: callbacks in the app's own scheme, which the "
        "platforms refuse)",
    )
    platform: PlatformValue | None = Field(
        default=None,
        description=f"the payment platform to pay with: {PLATFORM_WORDS}; absent: the site's default. One the site "
        "does not offer (PAYMENT_PROVIDERS) is refused (422)",
    )


class ConfirmIn(Closed):
    pg_token: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9]+$", description="absent: the stored one"
    )


class AbandonIn(Closed):
    reason: Literal["quit", "failed"]
    message: str | None = Field(default=None, max_length=200)


class RefundIn(Closed):
    amount: int | None = Field(default=None, ge=1, le=INT_MAX, description="absent: everything that is left")
    seen_canceled: int = Field(ge=0, le=INT_MAX, description="canceled_amount as the caller last saw it")
    reason: str | None = Field(
        default=None, min_length=1, max_length=REASON_MAX, description=f"취소 사유 (absent: {DEFAULT_REASON})"
    )


class OrderPath(BaseModel):
    order_id: str = ORDER_ID


class Parameters(BaseModel):
    """Query and header parameters. flask-openapi3 (4.3) asks their model for its JSON schema on every request it
    validates; a class's schema never changes, so it is built once per class and arguments (a 304 poll spent ~15%
    of its time rebuilding it)."""

    @classmethod
    def model_json_schema(cls, *args, **kwargs) -> dict:
        return _schema(cls, args, tuple(sorted(kwargs.items())))


@cache
def _schema(model: type[BaseModel], args: tuple, kwargs: tuple) -> dict:
    return BaseModel.model_json_schema.__func__(model, *args, **dict(kwargs))


class PaymentsQuery(Parameters):
    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=10, pattern=r"^[0-9]+$", description="next_cursor of a page")
    status: StatusValue | Literal["paid", "in_flight"] | None = None
    platform: PlatformValue | None = Field(default=None, description="only this payment platform's payments")


class IdempotencyHeader(Parameters):
    idempotency_key: str | None = Field(
        default=None,
        alias="Idempotency-Key",
        max_length=255,
        description="required: one key per intended operation; a retry with the same key and body gets the "
        "stored answer (kept 24 h)",
    )


class IfNoneMatchHeader(Parameters):
    if_none_match: str | None = Field(default=None, alias="If-None-Match", max_length=200)


# Responses


class AppSessionOut(BaseModel):
    token: str = Field(description="the bearer token, shown only in this answer")
    user_id: str
    expires_at: datetime


class Product(BaseModel):
    id: str
    name: str
    price: int
    tax_free: bool
    recurring: bool


class ProductList(BaseModel):
    items: list[Product]


class Item(BaseModel):
    product: str | None
    name: str
    quantity: int


class Amount(BaseModel):
    total: int
    tax_free: int
    vat: int
    supply: int


class Card(BaseModel):
    issuer: str | None
    purchaser: str | None
    bin: str | None
    install_month: str | None


class RefundOut(BaseModel):
    amount: int
    state: Literal["requested", "done", "failed", "unknown"]
    reason: str | None = Field(description="취소 사유; null for a refund made outside the site")
    created_at: datetime


class Links(BaseModel):
    self: str
    receipt: str


class NextAction(BaseModel):
    type: AppActionValue = Field(description=APP_ACTIONS)
    app_url: str
    android_app_scheme: str | None
    ios_app_scheme: str | None
    mobile_url: str
    pc_url: str


class ProviderRef(BaseModel):
    name: str
    tid: str | None
    aid: str | None


class Payment(BaseModel):
    order_id: str
    status: StatusValue
    status_label: str = Field(description="the status in the UI's Korean words")
    status_reason: str | None
    platform: PlatformValue = Field(description=f"the payment platform it was paid with: {PLATFORM_WORDS}")
    return_mode: ReturnModeValue | None = Field(description="null for a payment made on the web")
    item: Item
    amount: Amount
    canceled_amount: int
    cancel_available_amount: int
    method: Literal["CARD", "MONEY", "EASY_PAY"] | None
    method_label: str | None = Field(description="the method as the receipt says it (카드, 간편결제, …)")
    card: Card | None
    created_at: datetime
    approved_at: datetime | None
    expires_at: datetime
    refunds: list[RefundOut]
    links: Links
    version: int = Field(description="grows with every change; the ETag follows it")
    next_action: NextAction | None = Field(description="only while the payment can be paid")
    provider: ProviderRef | None = Field(default=None, description="merchant keys only")


class PaymentList(BaseModel):
    items: list[Payment]
    next_cursor: str | None


class RefundResult(BaseModel):
    refund: RefundOut
    payment: Payment


class Change(BaseModel):
    order_id: str
    changes: list[str]


class ReconcileResult(BaseModel):
    changed: list[Change]


class InvalidParam(BaseModel):
    name: str
    reason: str


class ProviderError(BaseModel):
    code: int | str
    message: str | None


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    code: str = Field(description="stable, snake_case")
    detail: str | None = None
    invalid_params: list[InvalidParam] | None = None
    provider: ProviderError | None = None
    payment: Payment | None = Field(default=None, description="invalid_state: the payment as it really is")
    retryable: bool | None = None
