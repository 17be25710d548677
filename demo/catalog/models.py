"""Products for sale. Prices are integer KRW including VAT (or tax-free)."""

from dataclasses import dataclass

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


@dataclass(frozen=True)
class Amounts:
    """What a quantity of a product costs, split the way the platforms want it (total, tax-free, VAT)."""

    total: int
    tax_free: int
    vat: int

    @property
    def supply(self) -> int:
        """공급가액: the taxable part without VAT."""
        return self.total - self.tax_free - self.vat


def vat_of(taxable: int) -> int:
    """VAT included in a taxable amount: round(taxable / 11), halves rounded up (the platforms' default)."""
    return (taxable * 2 + 11) // 22


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(1000))
    price: Mapped[int]
    tax_free: Mapped[bool] = mapped_column(default=False)
    art: Mapped[str] = mapped_column(String(32))  # name of the product's illustration
    position: Mapped[int] = mapped_column(default=0)
    recurring: Mapped[bool] = mapped_column(default=False)  # also sold as a monthly 정기결제

    def amounts(self, quantity: int) -> Amounts:
        total = self.price * quantity
        tax_free = total if self.tax_free else 0
        return Amounts(total=total, tax_free=tax_free, vat=vat_of(total - tax_free))


class CatalogVersion(db.Model):
    """One row: a number that changes whenever a product is written, so each worker knows when its cached
    catalog is stale (see catalog.cache)."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
