"""Failed console sign-ins, counted per client address and over all addresses, in the database (so every gunicorn
worker and every restart counts the same ones).

An attempt first *reserves* its row: it is written and committed as a failure before anything is checked, and only
then are the rows in the window counted, this one included. Of any set of attempts racing, the last to count sees
every other's committed row, so no more than the limit are ever let through to the password check, whatever the
number of workers. A refused attempt gives its row back (waiting does not lengthen the lock-out); a sign-in deletes
its address's rows; an attempt let through that fails simply keeps its row. Rows older than the window are pruned
by every attempt.
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, request
from sqlalchemy import Index, String, case, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

ADDRESS_LENGTH = 64  # an IPv6 address with a zone fits; anything longer is cut (it still counts)


class SignInFailure(db.Model):
    __tablename__ = "console_sign_in_failures"
    __table_args__ = (Index("ix_console_sign_in_failures_address_at", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    at: Mapped[datetime] = mapped_column(index=True)  # UTC, no zone


@dataclass(frozen=True)
class Lockout:
    """Why and how long sign-in is refused: ``everyone`` when the cap over all addresses tripped."""

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


def admit() -> Lockout | None:
    """Reserve this attempt as a failure; None lets the caller check the password (a sign-in then clears the
    failures, see `forget`). A Lockout: refused, the password must not be checked."""
    settings = current_app.config
    address, now = client_address(), utcnow()
    since = now - timedelta(seconds=settings["CONSOLE_SIGN_IN_WINDOW"])
    db.session.execute(delete(SignInFailure).where(SignInFailure.at <= since))
    reserved = SignInFailure(address=address, at=now)
    db.session.add(reserved)
    db.session.commit()
    in_window = select(func.count(), func.count(case((SignInFailure.address == address, 1))))
    everyone, mine = db.session.execute(in_window.where(SignInFailure.at > since)).one()
    found = [
        lockout(reserved, everyone, settings["CONSOLE_SIGN_IN_FAILURES_ALL"], since, everyone=True),
        lockout(reserved, mine, settings["CONSOLE_SIGN_IN_FAILURES"], since, everyone=False),
    ]
    refused = max(filter(None, found), key=lambda each: each.seconds, default=None)
    if refused:
        db.session.delete(reserved)
        db.session.commit()
    return refused


def lockout(reserved: SignInFailure, count: int, limit: int, since: datetime, everyone: bool) -> Lockout | None:
    """Refused when ``count`` rows (this attempt's included) exceed ``limit``. Attempts are let in again once the
    others are down to limit − 1: when the (others − limit)-th oldest of them leaves the window."""
    if count <= limit:
        return None
    others = select(SignInFailure.at).where(SignInFailure.at > since, SignInFailure.id != reserved.id)
    if not everyone:
        others = others.where(SignInFailure.address == reserved.address)
    ages_out = db.session.scalar(others.order_by(SignInFailure.at, SignInFailure.id).offset(count - 1 - limit).limit(1))
    window = timedelta(seconds=current_app.config["CONSOLE_SIGN_IN_WINDOW"])
    left = (ages_out or reserved.at) + window - reserved.at
    return Lockout(seconds=max(1, math.ceil(left.total_seconds())), everyone=everyone)


def forget() -> None:
    """A sign-in from this address: its failures no longer count."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.address == client_address()))
    db.session.commit()
