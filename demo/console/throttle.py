"""Failed console sign-ins, counted per client address and over all addresses, in the database (so every gunicorn
worker and every restart counts the same ones).

An attempt counts the failures in the window, checks, and records its failure in one transaction that holds a lock
on the table from its first statement to its commit: attempts racing on any number of workers take turns, so no
more than the limit ever reach the check, and a right password is never refused because other attempts are in
flight. The check is a constant-time comparison, so the lock is held for milliseconds. Rows older than the window
are pruned by every attempt.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, request
from sqlalchemy import Index, String, case, delete, func, select, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

ADDRESS_LENGTH = 64  # an IPv6 address with a zone fits; anything longer is cut (it still counts)


class SignInFailure(db.Model):
    __tablename__ = "console_sign_in_failures"
    __table_args__ = (Index("ix_console_sign_in_failures_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    at: Mapped[datetime] = mapped_column(index=True)  # UTC, no zone


@dataclass(eq=False)  # an exception stays hashable
class LockedOut(Exception):
    """Sign-in refused without a check: wait ``seconds``; ``everyone`` when the cap over all addresses tripped."""

    seconds: int
    everyone: bool

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def client_address() -> str:
    """request.remote_addr: the peer, or behind BEHIND_HTTPS_PROXY the address the proxy saw (ProxyFix)."""
    return (request.remote_addr or "unknown")[:ADDRESS_LENGTH]


def attempt(check: Callable[[], bool]) -> bool:
    """Run ``check`` (the password comparison) unless this address or everyone is locked out (LockedOut is raised,
    ``check`` not called); a False answer is recorded as a failure. The caller clears them on a sign-in (`forget`)."""
    settings = current_app.config
    address, now = client_address(), utcnow()
    since = now - timedelta(seconds=settings["CONSOLE_SIGN_IN_WINDOW"])
    try:
        take_turn()
        db.session.execute(delete(SignInFailure).where(SignInFailure.at <= since))
        counts = select(func.count(), func.count(case((SignInFailure.address == address, 1))))
        everyone, mine = db.session.execute(counts.where(SignInFailure.at > since)).one()
        found = [
            lockout(everyone, settings["CONSOLE_SIGN_IN_FAILURES_ALL"], since, now, None),
            lockout(mine, settings["CONSOLE_SIGN_IN_FAILURES"], since, now, address),
        ]
        if refused := max(filter(None, found), key=lambda each: each.seconds, default=None):
            raise refused
        passed = check()
        if not passed:
            db.session.add(SignInFailure(address=address, at=now))
        return passed
    finally:
        db.session.commit()


def take_turn() -> None:
    """Start this transaction holding the table's lock. PostgreSQL: a table lock that only readers get past. SQLite
    has one writer at a time: the transaction's first statement (the prune, a DELETE) takes the write lock."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"LOCK TABLE {SignInFailure.__tablename__} IN SHARE ROW EXCLUSIVE MODE"))


def lockout(count: int, limit: int, since: datetime, now: datetime, address: str | None) -> LockedOut | None:
    """Locked out while ``count`` failures (of ``address``, or of everyone) reach ``limit``: until the
    (count − limit)-th oldest of them leaves the window, leaving limit − 1."""
    if count < limit:
        return None
    failures = select(SignInFailure.at).where(SignInFailure.at > since)
    if address is not None:
        failures = failures.where(SignInFailure.address == address)
    ages_out = db.session.scalar(failures.order_by(SignInFailure.at).offset(count - limit).limit(1)) or now
    left = ages_out + timedelta(seconds=current_app.config["CONSOLE_SIGN_IN_WINDOW"]) - now
    return LockedOut(seconds=max(1, math.ceil(left.total_seconds())), everyone=address is None)


def forget() -> None:
    """A sign-in from this address: its failures no longer count."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.address == client_address()))
    db.session.commit()
