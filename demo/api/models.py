"""Who may call the Strada app API (app sessions, merchant keys) and what it already answered (idempotency)."""

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..payments.models import now


class AppSession(db.Model):
    """One app install: one buyer (like one browser session on the web). Only the token's hash is kept."""

    __tablename__ = "app_sessions"
    __table_args__ = (Index("ix_app_sessions_address_created", "address", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(64))  # partner_user_id of its payments, anonymous
    device_name: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))  # the client address that created it (rate limit)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    def usable(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at


class MerchantKey(db.Model):
    """A merchant API key made in the console (MERCHANT_API_KEY is one more, kept in the configuration)."""

    __tablename__ = "merchant_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class IdempotencyState:
    RUNNING = "running"
    DONE = "done"


class IdempotencyRecord(db.Model):
    """A request made with an Idempotency-Key and its stored answer. The unique (caller, key) makes the first
    insert win across workers and machines; records older than a day are pruned."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("caller", "key", name="uq_idempotency_records_caller_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10), default=IdempotencyState.RUNNING)
    status_code: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
