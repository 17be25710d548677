from flask import abort

from . import bp


@bp.post("/checkout")
def checkout():
    abort(501)
