"""Payment providers by name. Adding one: a module with a class like KakaoPay, and an entry here."""

import requests
from flask import Flask, current_app, has_request_context, request

from .base import PaymentError, Provider
from .kakaopay import KakaoPay, uses_sandbox_in_process
from .kakaopay_legacy import KakaoPayLegacy
from .tosspayments import TossPayments
from .wsgi_adapter import WSGIAdapter

# PAYMENT_PROVIDER → provider class
PROVIDERS = {"kakaopay": KakaoPay, "kakaopay_legacy": KakaoPayLegacy, "tosspayments": TossPayments}

__all__ = ["PaymentError", "Provider", "get_provider", "init_app", "public_base_url"]


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


def get_provider(recurring: bool = False) -> Provider:
    """The configured provider; ``recurring`` for a subscription's payments (its own merchant id)."""
    provider_class = PROVIDERS[current_app.config["PAYMENT_PROVIDER"]]
    session = current_app.extensions["payments.http"]
    return provider_class.from_settings(current_app.config, public_base_url(), session, recurring=recurring)
