"""Jinja filters shared by every template."""

from datetime import datetime

from flask import Flask


def won(amount: int | None) -> str:
    """2200 -> '2,200원'."""
    return "-" if amount is None else f"{amount:,}원"


def when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def init_app(app: Flask) -> None:
    app.add_template_filter(won)
    app.add_template_filter(when)
