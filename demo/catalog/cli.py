"""`flask seed`: reset the demo catalog."""

import click

from . import bp
from .seed import seed_catalog


@bp.cli.command("seed")
def seed_command() -> None:
    """Re-seed the catalog (adds missing products, resets existing ones)."""
    click.echo(f"Seeded {seed_catalog(replace=True)} products.")
