"""Jinja filters shared by every template."""

import json
from datetime import datetime

from flask import Flask


def won(amount: int | None) -> str:
    """2200 -> '2,200원'."""
    return "-" if amount is None else f"{amount:,}원"


def when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def pretty_json(text: str | None) -> str:
    """Indent a JSON body for reading; anything that is not JSON is shown as it is."""
    try:
        return json.dumps(json.loads(text or ""), ensure_ascii=False, indent=2)
    except ValueError:
        return text or ""


def init_app(app: Flask) -> None:
    app.add_template_filter(won)
    app.add_template_filter(when)
    app.add_template_filter(pretty_json)
