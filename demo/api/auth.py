"""Bearer tokens: app tokens (one app install = one buyer) and merchant keys. Random, stored as SHA-256 hashes
(the tokens have 256 bits of entropy: a fast hash is enough), expiring (app tokens), revocable. Cookies are never
read here: a signed-in console browser is no caller of the API."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, g, request
from sqlalchemy import func, select, update

from ..console.throttle import client_address
from ..extensions import db
from ..payments.models import now
from .models import AppSession, MerchantKey
from .problems import ApiProblem, unauthenticated

APP_PREFIX, MERCHANT_PREFIX = "sa_", "sm_"
CONFIGURED_KEY = "config"  # the caller id of MERCHANT_API_KEY (or the generated one in instance/)


@dataclass(frozen=True)
class Caller:
    kind: str  # "app" | "merchant"
    id: str  # scope of its idempotency keys: "app:<session id>" | "merchant:<key id>"
    user_id: str | None = None  # an app's buyer

    @property
    def is_merchant(self) -> bool:
        return self.kind == "merchant"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(prefix: str) -> tuple[str, str]:
    """(token, its hash): the token is shown once, only the hash is stored."""
    token = prefix + secrets.token_urlsafe(32)
    return token, token_hash(token)


def open_app_session(device_name: str | None) -> tuple[str, AppSession]:
    """A new buyer for a new app install (429 when this address made too many lately)."""
    settings, moment = current_app.config, now()
    since = moment - timedelta(seconds=settings["APP_SESSION_WINDOW"])
    made = select(func.count()).where(AppSession.address == client_address(), AppSession.created_at > since)
    if db.session.scalar(made) >= settings["APP_SESSIONS_PER_ADDRESS"]:
        retry = {"Retry-After": str(settings["APP_SESSION_WINDOW"])}
        raise ApiProblem(429, "rate_limited", "Too many app sessions from this address; try again later.", retry)
    token, hashed = new_token(APP_PREFIX)
    session = AppSession(
        token_hash=hashed,
        user_id="a_" + secrets.token_urlsafe(12),
        device_name=device_name,
        address=client_address(),
        created_at=moment,
        expires_at=moment + timedelta(seconds=settings["APP_SESSION_TTL"]),
    )
    db.session.add(session)
    db.session.commit()
    return token, session


def create_merchant_key(label: str) -> str:
    token, hashed = new_token(MERCHANT_PREFIX)
    db.session.add(MerchantKey(key_hash=hashed, label=label))
    db.session.commit()
    return token


def bearer_token() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("Send Authorization: Bearer <app token or merchant key>.")
    return token.strip()


def caller() -> Caller:
    """Who sent this request (401 for a missing, unknown, expired or revoked token); looked up once per request."""
    if "api_caller" not in g:
        g.api_caller = identify(bearer_token())
    return g.api_caller


def identify(token: str) -> Caller:
    moment = now()
    configured = current_app.config.get("MERCHANT_API_KEY") or ""
    if configured and hmac.compare_digest(token.encode(errors="replace"), configured.encode()):
        return Caller("merchant", f"merchant:{CONFIGURED_KEY}")
    hashed = token_hash(token)
    if token.startswith(MERCHANT_PREFIX):
        key = db.session.scalar(select(MerchantKey).where(MerchantKey.key_hash == hashed))
        if key is not None and hmac.compare_digest(key.key_hash, hashed) and key.revoked_at is None:
            touch(key, moment)
            return Caller("merchant", f"merchant:{key.id}")
    elif token.startswith(APP_PREFIX):
        session = db.session.scalar(select(AppSession).where(AppSession.token_hash == hashed))
        if session is not None and hmac.compare_digest(session.token_hash, hashed) and session.usable(moment):
            touch(session, moment)
            return Caller("app", f"app:{session.id}", session.user_id)
    raise unauthenticated("The token is unknown, expired or revoked.")


def touch(row: AppSession | MerchantKey, moment: datetime) -> None:
    """last_used_at, written at most once a minute per token: a poll every second reads the row it just loaded and
    writes nothing (no UPDATE, no commit). The UPDATE's own condition keeps two workers from writing it twice."""
    since = moment - timedelta(minutes=1)
    if row.last_used_at is not None and row.last_used_at >= since:
        return
    model = type(row)
    stale = model.last_used_at.is_(None) | (model.last_used_at < since)
    db.session.execute(update(model).where(model.id == row.id, stale).values(last_used_at=moment))
    db.session.commit()


def require_app() -> Caller:
    """An app token (a buyer): creating, confirming and abandoning payments are the buyer's."""
    who = caller()
    if who.kind != "app":
        raise ApiProblem(403, "forbidden", "Only an app token (a buyer) may do this.")
    return who


def require_merchant() -> Caller:
    who = caller()
    if not who.is_merchant:
        raise ApiProblem(403, "forbidden", "Only a merchant key may do this.")
    return who


def revoke(model, row_id: int) -> bool:
    """Revoke an app session or a merchant key (console). True when it was still active."""
    done = db.session.execute(
        update(model).where(model.id == row_id, model.revoked_at.is_(None)).values(revoked_at=now())
    ).rowcount
    db.session.commit()
    return bool(done)
