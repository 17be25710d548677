"""`flask payments list | show ORDER_ID | reconcile`: the payments from a terminal."""

import click
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from . import bp
from .models import Payment
from .reconcile import reconcile


@bp.cli.command("reconcile")
@click.option("--older-than", type=int, default=None, help="Seconds in flight before a payment is checked.")
def reconcile_command(older_than: int | None) -> None:
    """Bring the books in line with the provider's order API: payments in flight, open refunds, recent payments."""
    changes = reconcile(current_app.config["RECONCILE_AFTER"] if older_than is None else older_than)
    for change in changes:
        click.echo(change)
    click.echo(f"{len(changes)} payment(s) changed.")


@bp.cli.command("list")
@click.option("--status", default=None, help="Only payments with this status.")
@click.option("--limit", default=20, show_default=True)
def list_command(status: str | None, limit: int) -> None:
    """The newest payments, one per line."""
    query = select(Payment).order_by(Payment.id.desc()).limit(limit)
    if status:
        query = query.where(Payment.status == status)
    for p in db.session.scalars(query):
        click.echo(
            f"{p.created_at:%Y-%m-%d %H:%M:%S}  {p.status:<18} {p.total_amount:>9,}원  {p.flow:<6} "
            f"{p.order_id}  {p.item_name} × {p.quantity}"
        )


@bp.cli.command("show")
@click.argument("order_id")
def show_command(order_id: str) -> None:
    """One payment with its events and API exchanges."""
    payment = db.session.scalar(select(Payment).filter_by(order_id=order_id))
    if payment is None:
        raise click.ClickException(f"No payment with order id {order_id}")
    for label, value in [
        ("order_id", payment.order_id),
        ("status", payment.status),
        ("tid", payment.tid),
        ("aid", payment.aid),
        ("item", f"{payment.item_name} × {payment.quantity}"),
        (
            "amount",
            f"{payment.total_amount:,}원 (VAT {payment.vat_amount:,}, 비과세 "
            f"{payment.tax_free_amount:,}, 취소 {payment.canceled_amount:,})",
        ),
        ("flow", payment.flow),
        ("approved_at", payment.approved_at),
    ]:
        click.echo(f"{label:>12}: {value if value is not None else '-'}")
    for entry in payment.refunds:
        click.echo(
            f"  refund {entry.amount:>9,}원 (비과세 {entry.tax_free_amount:,}, VAT {entry.vat_amount:,}) "
            f"{entry.state:<9} {entry.aid or '-'}{' external' if entry.external else ''}"
        )
    for event in payment.events:
        click.echo(f"  {event.at:%H:%M:%S}  {event.from_status or '':>10} → {event.to_status:<18} {event.cause}")
    for exchange in payment.exchanges:
        click.echo(
            f"  {exchange.at:%H:%M:%S}  POST {exchange.endpoint:<8} {exchange.http_status or exchange.error} "
            f"{exchange.duration_ms} ms"
        )
