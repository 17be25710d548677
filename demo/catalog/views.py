from flask import render_template, request
from sqlalchemy import select

from ..extensions import db
from . import bp
from .models import Product

MAX_QUANTITY = 99


def requested_quantity() -> int:
    """The ?quantity= of a product page, kept within 1..99 (the page is a calculator, not a form post)."""
    quantity = request.args.get("quantity", 1, type=int)
    return min(max(quantity, 1), MAX_QUANTITY)


@bp.get("/")
def index():
    products = db.session.scalars(select(Product).order_by(Product.position))
    return render_template("catalog/index.html", products=products)


@bp.get("/products/<slug>")
def product(slug: str):
    item = db.first_or_404(select(Product).filter_by(slug=slug))
    quantity = requested_quantity()
    template = "catalog/_order_box.html" if request.headers.get("HX-Request") else "catalog/product.html"
    return render_template(
        template, product=item, quantity=quantity, amounts=item.amounts(quantity), max_quantity=MAX_QUANTITY
    )
