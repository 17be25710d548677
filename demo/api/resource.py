"""The payment resource: what an app (its buyer) or a merchant key sees of a payment. An app never sees tid, aid,
cid or a pg_token."""

import hashlib
import json
from datetime import datetime, timedelta, timezone

from flask import url_for
from sqlalchemy import bindparam, func, select

from ..extensions import db
from ..payments.models import Payment, PaymentEvent, Status, now
from ..payments.providers import card, public_base_url
from ..payments.service import provider_of

KST = timezone(timedelta(hours=9), "KST")  # Korea keeps no daylight saving time
LATEST_EVENT = select(func.max(PaymentEvent.id)).where(PaymentEvent.payment_id == bindparam("payment_id"))


def iso(moment: datetime | None) -> str | None:
    """Stored times are the server's local wall clock; the API gives them in Korean time, ISO 8601 with +09:00 (the
    same moment wherever the server runs)."""
    return None if moment is None else moment.astimezone(KST).isoformat()


def absolute(endpoint: str, **values) -> str:
    return public_base_url() + url_for(endpoint, **values)


def status_reason(payment: Payment) -> str | None:
    if payment.failure_code:
        return f"[{payment.failure_code}] {payment.failure_message or ''}".strip()
    return None


def next_action(payment: Payment, app_action: str, expires_at: datetime) -> dict | None:
    """What the app opens, while the payment is ready, started at the platform and not expired."""
    if payment.status != Status.READY or not payment.redirect_urls or now() >= expires_at:
        return None
    urls = payment.redirect_urls
    return {
        "type": app_action,
        "app_url": urls["app"],
        "android_app_scheme": urls.get("android_app_scheme"),
        "ios_app_scheme": urls.get("ios_app_scheme"),
        "mobile_url": urls["mobile"],
        "pc_url": urls["pc"],
    }


def payment_json(payment: Payment, merchant: bool) -> dict:
    provider = provider_of(payment)
    expires_at = payment.created_at + timedelta(seconds=provider.payable_for)  # the platform's limit
    body = {
        "order_id": payment.order_id,
        "status": payment.status,
        "status_label": payment.status_label,
        "status_reason": status_reason(payment),
        "platform": provider.platform,
        "return_mode": payment.return_mode,
        "item": {"product": payment.item_code, "name": payment.item_name, "quantity": payment.quantity},
        "amount": {
            "total": payment.total_amount,
            "tax_free": payment.tax_free_amount,
            "vat": payment.vat_amount,
            "supply": payment.total_amount - payment.tax_free_amount - payment.vat_amount,
        },
        "canceled_amount": payment.canceled_amount,
        "cancel_available_amount": payment.cancel_available_amount,
        "method": payment.payment_method_type,
        "method_label": payment.method_label if payment.payment_method_type else None,
        "card": card(payment.card_info),  # issuer, purchaser, bin, install_month for every platform
        "created_at": iso(payment.created_at),
        "approved_at": iso(payment.approved_at),
        "expires_at": iso(expires_at),
        "refunds": [refund_json(entry) for entry in payment.refunds],
        "links": {
            "self": absolute("api.get_payment", order_id=payment.order_id),
            "receipt": absolute("payments.receipt", order_id=payment.order_id),
        },
        "version": db.session.scalar(LATEST_EVENT, {"payment_id": payment.id}) or 0,
        "next_action": next_action(payment, provider.app_action, expires_at),
    }
    if merchant:
        body["provider"] = {"name": payment.provider, "tid": payment.tid, "aid": payment.aid}
    return body


def refund_json(entry) -> dict:
    return {"amount": entry.amount, "state": entry.state, "reason": entry.reason, "created_at": iso(entry.created_at)}


def etag(body: dict) -> str:
    """A strong ETag of exactly what is answered (the version, the expiry of next_action, everything)."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return f'"{digest[:32]}"'
