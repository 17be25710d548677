"""Which story a payment tells: its provider's (``Provider.story()``), so the presenter names no platform."""

from ..payments.models import Payment
from ..payments.service import provider_of
from .steps import Step, Story


def telling(payment: Payment) -> Story:
    return provider_of(payment).story()


def lanes(payment: Payment) -> tuple[str, ...]:
    return telling(payment).lanes(payment)


def story(payment: Payment) -> list[Step]:
    return telling(payment).steps(payment)
