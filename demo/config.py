"""Configuration: class defaults, then instance/config.py, then the environment (and .env)."""

import contextlib
import os
import secrets
import socket
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

# Keys read from the environment (or .env). Values are strings; see .env.example.
ENV_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "PUBLIC_BASE_URL",
    "KAKAOPAY_SECRET_KEY",
    "KAKAOPAY_CID",
    "KAKAOPAY_SUBSCRIPTION_CID",
    "KAKAOPAY_API_BASE",
    "PROVIDER_TIMEOUT",
    "PAYMENT_PROVIDER",
    "PAYMENT_PROVIDERS",
    "SANDBOX_SECRET_KEY",
    "SANDBOX_PAYMENT_TTL",
    "SANDBOX_FAULT",
    "SANDBOX_SLOW_SECONDS",
    "SANDBOX_MERCHANT_NAME",
    "SANDBOX_SUBSCRIPTION_CIDS",
    "SANDBOX_SUBSCRIPTION_MONTHLY_LIMIT",
    "SANDBOX_SITE_DOMAINS",
    "TOSS_SECRET_KEY",
    "TOSS_CLIENT_KEY",
    "TOSS_API_BASE",
    "TOSS_WINDOW_SECONDS",
    "TOSS_SANDBOX_SECRET_KEY",
    "TOSS_SANDBOX_CLIENT_KEY",
    "TOSS_SANDBOX_SESSION_TTL",
    "TOSS_SANDBOX_CONFIRM_TTL",
    "TOSS_SANDBOX_FAULT",
    "TOSS_SANDBOX_SLOW_SECONDS",
    "TOSS_SANDBOX_AMOUNT_MISMATCH",
    "TOSS_SANDBOX_WEBHOOK_URL",
    "TOSS_SANDBOX_WEBHOOK_MINUTE",
    "TOSS_SANDBOX_WEBHOOK_POLL",
    "TOSS_SANDBOX_WEBHOOK_THREAD",
    "STRADA_APP_UA_MARKER",
    "STALE_AFTER",
    "RECONCILE_AFTER",
    "ADMIN_PASSWORD",
    "CONSOLE_SIGN_IN_FAILURES",
    "CONSOLE_SIGN_IN_FAILURES_ALL",
    "CONSOLE_SIGN_IN_WINDOW",
    "TRUSTED_HOSTS",
    "BEHIND_HTTPS_PROXY",
    "IN_FLIGHT_SECONDS",
    "MERCHANT_API_KEY",
    "APP_SESSION_TTL",
    "APP_SESSIONS_PER_ADDRESS",
    "APP_SESSION_WINDOW",
    "APP_CONFIRM_GRACE",
    "STRADA_APP_SCHEME",
    "STRADA_ANDROID_PACKAGE",
)
INT_KEYS = {
    "SANDBOX_PAYMENT_TTL",
    "SANDBOX_SUBSCRIPTION_MONTHLY_LIMIT",
    "STALE_AFTER",
    "RECONCILE_AFTER",
    "CONSOLE_SIGN_IN_FAILURES",
    "CONSOLE_SIGN_IN_FAILURES_ALL",
    "CONSOLE_SIGN_IN_WINDOW",
    "APP_SESSION_TTL",
    "APP_SESSIONS_PER_ADDRESS",
    "APP_SESSION_WINDOW",
    "TOSS_SANDBOX_SESSION_TTL",
    "TOSS_SANDBOX_CONFIRM_TTL",
    "TOSS_WINDOW_SECONDS",
}
FLOAT_KEYS = {
    "PROVIDER_TIMEOUT",
    "SANDBOX_SLOW_SECONDS",
    "IN_FLIGHT_SECONDS",
    "APP_CONFIRM_GRACE",
    "TOSS_SANDBOX_SLOW_SECONDS",
    "TOSS_SANDBOX_WEBHOOK_MINUTE",
    "TOSS_SANDBOX_WEBHOOK_POLL",
}
LIST_KEYS = {"TRUSTED_HOSTS"}  # comma-separated
BOOL_KEYS = {"BEHIND_HTTPS_PROXY", "TOSS_SANDBOX_WEBHOOK_THREAD"}  # 1/true/yes
OLD_NAMES = {"PROVIDER_TIMEOUT": "KAKAOPAY_TIMEOUT"}  # read when the key itself is unset (its name before)


class Config:
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # default: SQLite file under instance/
    PUBLIC_BASE_URL: str | None = None  # default: derived from the request
    PAYMENT_PROVIDER = "kakaopay"  # the default platform, and its wire (kakaopay_legacy: the kapi API)
    PAYMENT_PROVIDERS = "kakaopay,tosspayments"  # the platforms offered at checkout
    KAKAOPAY_SECRET_KEY: str | None = None  # set it to talk to the real KakaoPay test API
    KAKAOPAY_CID = "TC0ONETIME"
    KAKAOPAY_SUBSCRIPTION_CID = "TCSUBSCRIP"  # 정기결제 CID: the first payment and every later charge
    KAKAOPAY_API_BASE: str | None = None  # default: the built-in sandbox, in process
    PROVIDER_TIMEOUT = 10.0  # every platform's API calls: read timeout in seconds; connect timeout is 3 s
    # The sandbox's own "secret key". A fixed, documented dev value: it guards nothing real.
    SANDBOX_SECRET_KEY = "DEV_SANDBOX_0000000000000000000000000000"
    SANDBOX_PAYMENT_TTL = 900  # seconds a ready payment stays payable
    # Fault injection for every approve: None, "approve_fail" (−780), "slow" (sleeps SANDBOX_SLOW_SECONDS),
    # "server_error" (HTTP 500). The sheet's 테스트 옵션 sets the same per payment. "slow" and "server_error" apply to
    # 정기결제 charges too, and "charge_fail" makes every charge fail with −782.
    SANDBOX_FAULT: str | None = None
    SANDBOX_SLOW_SECONDS = 12.0
    SANDBOX_MERCHANT_NAME = "Strada"  # the 가맹점 name the sandbox's sheet and QR page show (Kakao's is per CID)
    SANDBOX_SUBSCRIPTION_CIDS = "TCSUBSCRIP"  # comma-separated recurring CIDs: their approve issues an SID
    SANDBOX_SUBSCRIPTION_MONTHLY_LIMIT = 100  # charges per SID per calendar month before −752
    # Kakao's 사이트 도메인: hosts callback URLs given at ready may use, comma-separated. Default: the host of
    # PUBLIC_BASE_URL (or of the request) plus localhost and 127.0.0.1.
    SANDBOX_SITE_DOMAINS: str | None = None
    # Toss Payments: real test keys (API 개별 연동 키, test_sk_… / test_ck_…) unmount the Toss sandbox.
    TOSS_SECRET_KEY: str | None = None
    TOSS_CLIENT_KEY: str | None = None
    TOSS_WINDOW_SECONDS: int | None = None  # None: the window's 30 minutes and a margin (TossPayments.absent_after)
    TOSS_API_BASE: str | None = None  # default: https://api.tosspayments.com with real keys, else the sandbox
    # The Toss sandbox's key pair: the docs' own test pair (it guards nothing real).
    TOSS_SANDBOX_SECRET_KEY = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"
    TOSS_SANDBOX_CLIENT_KEY = "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq"
    TOSS_SANDBOX_SESSION_TTL = 1800  # seconds an opened window stays payable (Toss: 30 minutes)
    TOSS_SANDBOX_CONFIRM_TTL = 600  # seconds to confirm after the buyer authenticated (Toss: 10 minutes)
    # Fault injection for every confirm: None, "reject" (403 REJECT_CARD_PAYMENT), "slow" (answers after
    # TOSS_SANDBOX_SLOW_SECONDS), "server_error" (500). The window's 테스트 옵션 sets the same for one payment.
    TOSS_SANDBOX_FAULT: str | None = None
    TOSS_SANDBOX_SLOW_SECONDS = 12.0
    TOSS_SANDBOX_AMOUNT_MISMATCH = "INVALID_REQUEST"  # Toss's code for a confirm amount unlike the window's [U]
    # Where PAYMENT_STATUS_CHANGED webhooks go. None: <PUBLIC_BASE_URL>/payments/webhooks/tosspayments.
    TOSS_SANDBOX_WEBHOOK_URL: str | None = None
    TOSS_SANDBOX_WEBHOOK_MINUTE = 1.0  # seconds per minute of Toss's resend schedule (1, 4, 16 … 4096 minutes)
    TOSS_SANDBOX_WEBHOOK_POLL = 1.0  # seconds between the dispatcher's rounds
    TOSS_SANDBOX_WEBHOOK_THREAD: bool | None = None  # the per-process dispatcher; None: on unless TESTING
    STRADA_APP_UA_MARKER = "StradaApp"  # UA token of the Strada app's web view
    STALE_AFTER = 60  # seconds before viewing an in-flight payment asks the provider's order API
    RECONCILE_AFTER = 60  # seconds before `reconcile` picks up a payment left ready/approving
    # How long an approve or refund call may still be running at the provider after we stopped waiting: an approve
    # claim lapses after it, and a refund without an answer is settled as failed only once it is that old.
    # None: PROVIDER_TIMEOUT + 5 s.
    IN_FLIGHT_SECONDS: float | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}  # a dropped server connection is replaced (SQLite: off)
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    # The merchant console's password. Unset: generated once into instance/admin_password (./run.sh prints it).
    ADMIN_PASSWORD: str | None = None
    CONSOLE_LINK_MAX_AGE = 900  # seconds a one-click console sign-in link printed by ./run.sh stays valid
    # Failed console sign-ins (wrong password or bad link) allowed per CONSOLE_SIGN_IN_WINDOW seconds from one client
    # address, and from all addresses together; beyond them, sign-in answers 429 without checking the password.
    CONSOLE_SIGN_IN_FAILURES = 5
    CONSOLE_SIGN_IN_FAILURES_ALL = 50
    CONSOLE_SIGN_IN_WINDOW = 900
    # Host names (and IPs) the app answers to; None: localhost, this machine's names and LAN addresses. The host of
    # PUBLIC_BASE_URL is always added (see trusted_hosts). A leading dot allows subdomains (".example.com").
    TRUSTED_HOSTS: list[str] | None = None
    # The Strada app API (/api/v1). A merchant key for scripts; unset: generated once into instance/merchant_api_key
    # (./run.sh prints it). More keys are made in the console.
    MERCHANT_API_KEY: str | None = None
    APP_SESSION_TTL = 30 * 24 * 3600  # seconds an app token lives
    APP_SESSIONS_PER_ADDRESS = 30  # app sessions one client address may create per APP_SESSION_WINDOW seconds
    APP_SESSION_WINDOW = 600
    APP_CONFIRM_GRACE = 30.0  # 앱이 승인: seconds the app has to confirm before recovery approves the kept pg_token
    STRADA_APP_SCHEME = "strada"  # the app's custom URL scheme: <scheme>://payments/<order_id>
    STRADA_ANDROID_PACKAGE = "com.strada.app"  # the Android app's package, for the intent:// hand-over link
    # Served over https behind one reverse proxy (that sets X-Forwarded-Proto/-For/-Host): trust those headers
    # (werkzeug's ProxyFix, one hop) and mark the session cookie Secure.
    BEHIND_HTTPS_PROXY = False
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    MAX_CONTENT_LENGTH = 256 * 1024  # bytes of any request body (forms and the sandbox's JSON are small)
    MAX_FORM_MEMORY_SIZE = 64 * 1024  # bytes of one non-file form field


def load_environment(config: dict) -> None:
    """Apply .env and the process environment on top of ``config``."""
    load_dotenv(override=False)
    for key in ENV_KEYS:
        value = os.environ.get(key)
        if value in (None, "") and key in OLD_NAMES:
            value = os.environ.get(OLD_NAMES[key])
        if value in (None, ""):
            continue
        if key in INT_KEYS:
            value = int(value)
        elif key in FLOAT_KEYS:
            value = float(value)
        elif key in LIST_KEYS:
            value = [item.strip() for item in value.split(",") if item.strip()]
        elif key in BOOL_KEYS:
            value = value.strip().lower() in ("1", "true", "yes", "on")
        config[key] = value


def persistent_secret_key(instance_path: str) -> str:
    """A random key generated once and kept in instance/secret_key."""
    return persistent_secret(instance_path, "secret_key", secrets.token_hex(32))


def persistent_admin_password(instance_path: str) -> str:
    """The console password generated once and kept in instance/admin_password (when ADMIN_PASSWORD is unset)."""
    return persistent_secret(instance_path, "admin_password", secrets.token_urlsafe(12))


def persistent_merchant_api_key(instance_path: str) -> str:
    """The merchant API key generated once and kept in instance/merchant_api_key (when MERCHANT_API_KEY is unset)."""
    return persistent_secret(instance_path, "merchant_api_key", "sm_" + secrets.token_urlsafe(32))


def persistent_secret(instance_path: str, name: str, fresh: str) -> str:
    """A secret generated once and kept in instance/<name>.

    Several gunicorn workers may start at once: the value is written to a private temporary file and linked into
    place, which fails for all but the first, so every worker reads the same value.
    """
    path = Path(instance_path) / name
    if not path.exists():
        draft = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        draft.write_text(fresh)
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def lan_address() -> str:
    """The address other machines on the LAN reach this one at; 127.0.0.1 when there is no network.

    connect() on a UDP socket only asks the kernel for a route; no packet is sent.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: any routable address works, nothing is sent
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def trusted_hosts(configured: list[str] | None, public_base_url: str | None) -> list[str]:
    """TRUSTED_HOSTS, by default localhost and this machine's host names and addresses; always with the host of
    PUBLIC_BASE_URL (the in-process sandbox is called there)."""
    if configured is None:
        hostname = socket.gethostname()
        hosts = {"localhost", "127.0.0.1", "::1", hostname, socket.getfqdn(), lan_address()}
        with contextlib.suppress(OSError):  # a host name that does not resolve adds nothing
            hosts.update(info[4][0] for info in socket.getaddrinfo(hostname, None))
    else:
        hosts = set(configured)
    if public_base_url and (public_host := urlsplit(public_base_url).hostname):
        hosts.add(public_host)
    return sorted(hosts)
