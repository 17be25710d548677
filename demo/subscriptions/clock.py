"""The demo clock: today's date plus a number of months, kept in the database so every worker agrees.

Billing dates are compared with this date, so a presenter can show months 2 and 3 in a minute. Payments, events
and the payment platform keep real time.
"""

import calendar
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

CLOCK_ID = 1


class DemoClock(db.Model):
    __tablename__ = "demo_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    months_ahead: Mapped[int] = mapped_column(default=0)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (1/31 + 1 → 2/28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def months_ahead() -> int:
    clock = db.session.get(DemoClock, CLOCK_ID, populate_existing=True)
    return clock.months_ahead if clock else 0


def today() -> date:
    return add_months(date.today(), months_ahead())


def ensure_clock() -> None:
    if db.session.get(DemoClock, CLOCK_ID) is None:
        try:
            db.session.add(DemoClock(id=CLOCK_ID, months_ahead=0))
            db.session.commit()
        except IntegrityError:  # another worker made it first
            db.session.rollback()


def set_months_ahead(months: int, only_forward: bool = False) -> None:
    """Set the offset in one UPDATE; ``only_forward`` never moves it back (parallel advances keep the largest)."""
    ensure_clock()
    query = update(DemoClock).where(DemoClock.id == CLOCK_ID).values(months_ahead=months)
    if only_forward:
        query = query.where(DemoClock.months_ahead < months)
    db.session.execute(query)
    db.session.commit()


def advance_one_month() -> None:
    ensure_clock()
    db.session.execute(
        update(DemoClock).where(DemoClock.id == CLOCK_ID).values(months_ahead=DemoClock.months_ahead + 1)
    )
    db.session.commit()


def advance_to(day: date) -> None:
    """Move the clock forward by whole months until ``day`` has come (never backwards)."""
    months = months_ahead()
    while add_months(date.today(), months) < day:
        months += 1
    set_months_ahead(months, only_forward=True)
