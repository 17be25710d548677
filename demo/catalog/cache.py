"""The catalog as each worker process keeps it: read from the database once, then again only when the catalog
version row says a product was written (by any worker or command). Nothing outlives the process; every request
reads the version (one primary-key lookup), so all workers show the same catalog."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from .models import CatalogVersion, Product

VERSION = select(CatalogVersion.version).where(CatalogVersion.id == 1)


@dataclass(frozen=True)
class Catalog:
    version: int | None
    products: tuple[Product, ...]  # detached, in display order; read-only

    def find(self, slug: str) -> Product | None:
        return next((product for product in self.products if product.slug == slug), None)


EMPTY = Catalog(version=None, products=())


def current() -> Catalog:
    """This app's catalog in this process, reloaded when the stored version differs from the cached one (two
    threads may both reload: the same rows, the last one kept)."""
    cached = current_app.extensions.get("catalog", EMPTY)
    version = db.session.scalar(VERSION)
    if version is None or version != cached.version:
        products = db.session.scalars(select(Product).order_by(Product.position)).all()
        for product in products:
            db.session.expunge(product)  # detached: shared by threads, never written back
        cached = current_app.extensions["catalog"] = Catalog(version=version, products=tuple(products))
    return cached


@event.listens_for(Session, "before_flush")
def bump_version(session: Session, flush_context, instances) -> None:
    """Any write to a product moves the catalog version in the same transaction."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(item, Product) for item in changed):
        session.execute(update(CatalogVersion).values(version=CatalogVersion.version + 1))
