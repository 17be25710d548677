"""Configuration: class defaults, then instance/config.py, then the environment (and .env)."""

import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

# Keys read from the environment (or .env). Values are strings; see .env.example.
ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "PUBLIC_BASE_URL",
    "KAKAOPAY_SECRET_KEY",
    "KAKAOPAY_CID",
    "KAKAOPAY_API_BASE",
    "KAKAOPAY_TIMEOUT",
    "PAYMENT_PROVIDER",
    "SANDBOX_SECRET_KEY",
    "SANDBOX_PAYMENT_TTL",
    "SANDBOX_FAULT",
    "SANDBOX_SLOW_SECONDS",
    "STRADA_APP_UA_MARKER",
    "STALE_AFTER",
    "RECONCILE_AFTER",
    "IN_FLIGHT_SECONDS",
)
INT_KEYS = {"SANDBOX_PAYMENT_TTL", "STALE_AFTER", "RECONCILE_AFTER"}
FLOAT_KEYS = {"KAKAOPAY_TIMEOUT", "SANDBOX_SLOW_SECONDS", "IN_FLIGHT_SECONDS"}


class Config:
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # default: SQLite file under instance/
    PUBLIC_BASE_URL: str | None = None  # default: derived from the request
    PAYMENT_PROVIDER = "kakaopay"
    KAKAOPAY_SECRET_KEY: str | None = None  # set it to talk to the real KakaoPay test API
    KAKAOPAY_CID = "TC0ONETIME"
    KAKAOPAY_API_BASE: str | None = None  # default: the built-in sandbox, in process
    KAKAOPAY_TIMEOUT = 10.0  # read timeout in seconds; connect timeout is 3 s
    # The sandbox's own "secret key". A fixed, documented dev value: it guards nothing real.
    SANDBOX_SECRET_KEY = "DEV_SANDBOX_0000000000000000000000000000"
    SANDBOX_PAYMENT_TTL = 900  # seconds a ready payment stays payable
    # Fault injection for every approve: None, "approve_fail" (−780), "slow" (sleeps SANDBOX_SLOW_SECONDS),
    # "server_error" (HTTP 500). The sheet's 테스트 옵션 sets the same per payment.
    SANDBOX_FAULT: str | None = None
    SANDBOX_SLOW_SECONDS = 12.0
    STRADA_APP_UA_MARKER = "StradaApp"  # UA token of the Strada app's web view
    STALE_AFTER = 60  # seconds before viewing an in-flight payment asks the provider's order API
    RECONCILE_AFTER = 60  # seconds before `reconcile` picks up a payment left ready/approving
    # How long an approve or refund call may still be running at the provider after we stopped waiting: an approve
    # claim lapses after it, and a refund without an answer is settled as failed only once it is that old.
    # None: KAKAOPAY_TIMEOUT + 5 s.
    IN_FLIGHT_SECONDS: float | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session


def load_environment(config: dict) -> None:
    """Apply .env and the process environment on top of ``config``."""
    load_dotenv(override=False)
    for key in ENV_KEYS:
        value = os.environ.get(key)
        if value in (None, ""):
            continue
        if key in INT_KEYS:
            value = int(value)
        elif key in FLOAT_KEYS:
            value = float(value)
        config[key] = value


def persistent_secret_key(instance_path: str) -> str:
    """A random key generated once and kept in instance/secret_key.

    Several gunicorn workers may start at once: the key is written to a private temporary file and linked into place,
    which fails for all but the first, so every worker reads the same key.
    """
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        draft = path.with_name(f".secret_key.{os.getpid()}")
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
