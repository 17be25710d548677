"""One provider API call over requests, timed and kept as an Exchange; no answer at all is a PaymentError whose
outcome is unknown (Kind.NO_ANSWER): the call may still be running at the platform."""

import logging
from collections.abc import Callable
from time import perf_counter

import requests

from .base import Exchange, Kind, PaymentError

log = logging.getLogger(__name__)


def send(provider, exchange: Exchange, request: Callable[[], requests.Response]) -> requests.Response:
    """Run ``request`` for ``provider`` (its name for the log, its label for the user), filling ``exchange``."""
    started = perf_counter()
    try:
        response = request()
    except requests.RequestException as error:
        timed_out = isinstance(error, requests.Timeout)
        exchange.error = "timeout" if timed_out else f"connection error: {type(error).__name__}"
        label = provider.label
        message = f"{label} 응답이 늦어지고 있습니다." if timed_out else f"{label}에 연결할 수 없습니다."
        code = "timeout" if timed_out else "connection"
        raise PaymentError(code, message, retryable=True, exchange=exchange, kind=Kind.NO_ANSWER) from error
    finally:
        exchange.duration_ms = round((perf_counter() - started) * 1000)
    exchange.http_status, exchange.response_body = response.status_code, response.text[:50_000]
    log.info("%s %s -> %s in %d ms", provider.name, exchange.endpoint, response.status_code, exchange.duration_ms)
    return response
