"""`flask subscriptions charge-due`: what a daily cron job runs. `flask subscriptions clock`: the demo clock."""

import click

from . import bp, clock, service


@bp.cli.command("charge-due")
def charge_due_command() -> None:
    """Charge every billing period due by the demo clock; idempotent, safe to run in parallel."""
    charges = service.charge_due()
    for charge in charges:
        payment = charge.payment
        click.echo(
            f"{charge.subscription.key}  {charge.period}회차  {charge.billing_date}  {charge.status:<8} "
            f"{payment.total_amount:,}원  {payment.order_id}  {charge.error or ''}".rstrip()
        )
    click.echo(f"{len(charges)} charge(s) made on {clock.today()}.")


@bp.cli.command("clock")
@click.option("--advance", is_flag=True, help="Move the demo clock one month forward.")
@click.option("--reset", is_flag=True, help="Back to today.")
def clock_command(advance: bool, reset: bool) -> None:
    """Show (or move) the demo clock that billing dates are compared with."""
    if reset:
        clock.set_months_ahead(0)
    if advance:
        clock.advance_one_month()
    click.echo(f"{clock.today()} (+{clock.months_ahead()} month(s))")
