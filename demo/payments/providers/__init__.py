"""Payment providers by name. Adding one: a module with a class like KakaoPay (base.Provider), and an entry here."""

from collections.abc import Mapping
from typing import NamedTuple

import requests
from flask import Flask, current_app, has_request_context, request

from .base import CARD_FIELDS, PaymentError, Provider
from .kakaopay import KakaoPay, uses_sandbox_in_process
from .kakaopay_legacy import KakaoPayLegacy
from .tosspayments import TossPayments
from .wsgi_adapter import WSGIAdapter

# name → provider class
PROVIDERS = {"kakaopay": KakaoPay, "kakaopay_legacy": KakaoPayLegacy, "tosspayments": TossPayments}

__all__ = [
    "PROVIDERS",
    "content_security_policy",
    "PaymentError",
    "Provider",
    "card",
    "enabled",
    "get_provider",
    "init_app",
    "modes",
    "public_base_url",
    "sandboxes",
]


def init_app(app: Flask) -> None:
    """One HTTP session per app; in sandbox mode it reaches the sandbox in process."""
    session = requests.Session()
    if uses_sandbox_in_process(app.config):
        session.trust_env = False  # nothing leaves the process: no proxy or .netrc to look up on every call
        adapter = WSGIAdapter(app.wsgi_app)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    app.extensions["payments.http"] = session


def public_base_url() -> str:
    """PUBLIC_BASE_URL, else this request's host: the base of callback URLs and sandbox pages."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else "http://localhost"


def content_security_policy(policy: dict, settings: Mapping) -> dict:
    """``policy`` with the sources every offered platform's checkout needs (live Toss: its SDK and window)."""
    merged = {directive: list(value) if isinstance(value, list) else [value] for directive, value in policy.items()}
    for name in settings["PAYMENT_PROVIDERS"].split(","):
        for directive, sources in PROVIDERS[name.strip()].content_sources(settings).items():
            merged.setdefault(directive, list(merged["default-src"])).extend(sources)
    return merged


# card_info stored before the common names (base.CARD_FIELDS): both platforms stored KakaoPay's names
STORED_CARD_NAMES = {"issuer": "kakaopay_issuer_corp", "purchaser": "kakaopay_purchase_corp"}


def card(card_info: dict | None) -> dict | None:
    """A payment's stored card_info as the receipt and the API read it: CARD_FIELDS (None where unknown); None
    without card_info."""
    if not card_info:
        return None
    return {name: card_info.get(name, card_info.get(STORED_CARD_NAMES.get(name, name))) for name in CARD_FIELDS}


def enabled() -> list[str]:
    """The platforms a buyer may choose (PAYMENT_PROVIDERS), the default first: PAYMENT_PROVIDER, which also picks
    its platform's wire (kakaopay_legacy stands in for kakaopay)."""
    default = current_app.config["PAYMENT_PROVIDER"]
    listed = [name.strip() for name in current_app.config["PAYMENT_PROVIDERS"].split(",")]
    others = [name for name in listed if name in PROVIDERS and PROVIDERS[name].label != PROVIDERS[default].label]
    return [default, *others]


def enabled_platforms() -> dict[str, str]:
    """Each enabled platform → the provider name that serves it (its wire), the default first."""
    return {PROVIDERS[name].platform: name for name in enabled()}


def platforms() -> dict[str, type[Provider]]:
    """One provider per platform (its first wire in PROVIDERS), by platform."""
    first: dict[str, type[Provider]] = {}
    for provider in PROVIDERS.values():
        first.setdefault(provider.platform, provider)
    return first


def sandboxes(settings: Mapping) -> list[str]:
    """The modules of the built-in emulators to mount: every platform's whose real keys are not set."""
    return [provider.sandbox for provider in platforms().values() if not provider.live(settings)]


class Mode(NamedTuple):
    label: str
    live: bool  # the platform's test API; else its built-in sandbox


def modes() -> list[Mode]:
    """Every platform a buyer may choose, and whether it is live (the header's mode chip)."""
    offered = dict.fromkeys(PROVIDERS[name].platform for name in enabled())
    return [Mode(platforms()[key].label, platforms()[key].live(current_app.config)) for key in offered]


def get_provider(name: str | None = None, recurring: bool = False) -> Provider:
    """Provider ``name`` (None: the default); ``recurring`` for a subscription's payments (its own merchant id)."""
    provider_class = PROVIDERS[name or current_app.config["PAYMENT_PROVIDER"]]
    session = current_app.extensions["payments.http"]
    return provider_class.from_settings(current_app.config, public_base_url(), session, recurring=recurring)
