"""The Payment object every API answer and webhook carries: every key present, null where Toss sends null, in the
order of the docs' confirm example (contract §4.6)."""

import hashlib

from .models import PAID, TossSandboxCancel, TossSandboxPayment, toss_time
from .wire import public_url

VERSION = "2022-11-16"
# Card issuers the window offers: 2-character codes as in Toss's card code table, and a BIN and card type each.
CARDS = {
    "신한카드": ("41", ("45184212", "40482511"), ("신용", "체크")),
    "KB국민카드": ("11", ("45797211", "94901922"), ("신용", "체크")),
    "현대카드": ("61", ("43302812",), ("신용",)),
    "삼성카드": ("51", ("53107033",), ("신용",)),
    "롯데카드": ("71", ("46730944",), ("신용",)),
    "하나카드": ("21", ("46588710",), ("신용",)),
    "BC카드": ("31", ("62164011",), ("체크",)),
    "우리카드": ("W1", ("54092622",), ("신용",)),
    "NH농협카드": ("91", ("52481103",), ("체크",)),
}
EASY_PAY = "토스페이"
APPROVED = (*PAID, "CANCELED")


def vat(taxable: int) -> int:
    """round(taxable / 11), halves up: 1,000 → 91; 700 → 64."""
    return (2 * taxable + 11) // 22


def card_json(payment: TossSandboxPayment) -> dict:
    """The card the buyer paid with: stable per payment (derived from its paymentKey)."""
    code, bins, types = CARDS[payment.card_company]
    digest = hashlib.sha256(payment.payment_key.encode()).digest()
    bin_, digits = bins[digest[0] % len(bins)], f"{digest[1] % 1000:03d}"
    return {
        "issuerCode": code,
        "acquirerCode": code,
        "number": f"{bin_}****{digits}*",
        "installmentPlanMonths": payment.install_months,
        "isInterestFree": False,
        "interestPayer": None,
        "approveNo": "00000000",
        "useCardPoint": False,
        "cardType": types[digest[0] % len(types)],
        "ownerType": "개인",
        "acquireStatus": "READY",
        "amount": payment.total_amount,
    }


def cancel_json(cancel: TossSandboxCancel) -> dict:
    return {
        "transactionKey": cancel.transaction_key,
        "cancelReason": cancel.cancel_reason,
        "taxExemptionAmount": 0,
        "canceledAt": toss_time(cancel.canceled_at),
        "transferDiscountAmount": 0,
        "easyPayDiscountAmount": 0,
        "receiptKey": None,
        "cancelAmount": cancel.cancel_amount,
        "taxFreeAmount": cancel.tax_free_amount,
        "refundableAmount": cancel.refundable_amount,
        "cancelStatus": "DONE",
        "cancelRequestId": None,
    }


def payment_json(payment: TossSandboxPayment) -> dict:
    approved = payment.status in APPROVED
    expired = payment.status == "EXPIRED"
    easy_pay = None
    if approved and payment.easy_pay:
        paid_by_money = payment.method == "간편결제"
        easy_pay = {"provider": payment.easy_pay, "amount": payment.total_amount if paid_by_money else 0,
                    "discountAmount": 0}  # fmt: skip
    taxable = payment.balance_amount - payment.balance_tax_free_amount
    failure = {"code": payment.failure_code, "message": payment.failure_message} if payment.failure_code else None
    return {
        "mId": "tosspayments",
        "lastTransactionKey": payment.last_transaction_key,
        "paymentKey": payment.payment_key,
        "orderId": payment.order_id,
        "orderName": payment.order_name,
        "taxExemptionAmount": 0,
        "status": payment.status,
        "requestedAt": toss_time(payment.requested_at),
        "approvedAt": toss_time(payment.approved_at),
        "useEscrow": None if expired else False,
        "cultureExpense": False,
        "card": card_json(payment) if approved and payment.card_company else None,
        "virtualAccount": None,
        "transfer": None,
        "mobilePhone": None,
        "giftCertificate": None,
        "cashReceipt": None,
        "cashReceipts": None,
        "discount": None,
        "cancels": [cancel_json(cancel) for cancel in payment.cancels] or None,
        "secret": None,
        "type": "NORMAL",
        "easyPay": easy_pay,
        "country": "KR",
        "failure": failure,
        "isPartialCancelable": True,
        "receipt": {"url": receipt_url(payment)} if approved else None,
        "checkout": {"url": public_url("sandbox_toss.window", token=payment.token)},
        "currency": "KRW",
        "totalAmount": payment.total_amount,
        "balanceAmount": payment.balance_amount,
        "suppliedAmount": taxable - vat(taxable),
        "vat": vat(taxable),
        "taxFreeAmount": payment.balance_tax_free_amount,
        "metadata": None,
        "method": None if expired else payment.method,
        "version": VERSION,
    }


def receipt_url(payment: TossSandboxPayment) -> str:
    return public_url("sandbox_toss.receipt", transactionId=payment.payment_key, ref="PX")
