"""Which story a payment tells: its provider's platform picks the lanes and the steps (the one place a platform is
named in the presenter)."""

from collections.abc import Callable
from typing import NamedTuple

from ..payments.models import Payment
from ..payments.service import provider_of
from . import story as kakaopay
from . import toss


class Telling(NamedTuple):
    lanes: Callable[[Payment], tuple[str, ...]]
    story: Callable[[Payment], list[kakaopay.Step]]
    title: Callable[[Payment], str]  # the Mermaid export's


STORIES = {
    "kakaopay": Telling(kakaopay.lanes, kakaopay.story, kakaopay.title),  # web, app and charge stories: story.py picks
    "tosspayments": Telling(lambda payment: toss.TOSS_LANES, toss.toss_story, toss.toss_title),
}


def telling(payment: Payment) -> Telling:
    return STORIES[provider_of(payment).platform]


def lanes(payment: Payment) -> tuple[str, ...]:
    return telling(payment).lanes(payment)


def story(payment: Payment) -> list[kakaopay.Step]:
    return telling(payment).story(payment)
