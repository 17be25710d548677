from flask import abort, redirect, render_template, request, url_for

from . import bp, cache

MAX_QUANTITY = 99


def requested_quantity() -> int:
    """The ?quantity= of a product page, kept within 1..99 (the page is a calculator, not a form post)."""
    quantity = request.args.get("quantity", 1, type=int)
    return min(max(quantity, 1), MAX_QUANTITY)


@bp.get("/")
def index():
    return render_template("catalog/index.html", products=cache.current().products)


@bp.get("/products/<slug>")
def product(slug: str):
    """The product page; for htmx its order box. The URL always names the quantity shown (a typed 312 → 99)."""
    item = cache.current().find(slug) or abort(404)
    quantity = requested_quantity()
    shown_url = url_for("catalog.product", slug=slug, quantity=quantity if quantity > 1 else None)
    typed = request.args.get("quantity")
    if typed is not None and typed != str(quantity) and not request.headers.get("HX-Request"):
        return redirect(shown_url, 303)
    amounts = item.amounts(quantity)
    context = dict(product=item, quantity=quantity, amounts=amounts, max_quantity=MAX_QUANTITY)
    if request.headers.get("HX-Request"):
        return render_template("catalog/_order_box.html", **context), {"HX-Replace-Url": shown_url}
    return render_template("catalog/product.html", **context)
