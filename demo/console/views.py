"""Sign in (password or a one-click link), sign out. The console's pages are the payments' merchant views."""

import re

from flask import redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from . import bp, throttle
from .auth import NEXT_KEY, merchant, password_matches, token_is_valid


def signed_in():
    """Sign the merchant in (this address's failed attempts no longer count) and go back to the page that asked for
    it (a path this site stored), or the history."""
    throttle.forget()
    login_user(merchant())
    return redirect(session_next(), 303)


@bp.errorhandler(throttle.LockedOut)
def locked_out(lockout: throttle.LockedOut):
    """429: the sign-in page saying how long to wait; nothing was checked."""
    page = render_template("console/login.html", lockout=lockout)
    return page, 429, {"Retry-After": str(lockout.seconds)}


def session_next() -> str:
    stored = session.pop(NEXT_KEY, None) or ""
    return stored if re.match(r"/(?![/\\])", stored) else url_for("payments.history")  # a path of this site only


@bp.get("/")
def index():
    return redirect(url_for("payments.history"), 303)


@bp.get("/login")
def login():
    """The form, or a one-click link. A valid link signs in even during a lock-out (it is signed, not guessable: the
    merchant's way in while strangers hammer the form); a bad one counts as a failed attempt."""
    token = request.args.get("token")
    if not token:
        return render_template("console/login.html")
    if token_is_valid(token):
        return signed_in()
    throttle.attempt(lambda: False)  # a bad link: a failure like a wrong password (or LockedOut)
    error = "로그인 링크가 만료되었거나 올바르지 않습니다. 비밀번호로 로그인해 주세요."
    return render_template("console/login.html", error=error), 400


@bp.post("/login")
def login_with_password():
    password = request.form.get("password", "")
    if throttle.attempt(lambda: password_matches(password)):
        return signed_in()
    return render_template("console/login.html", error="비밀번호가 올바르지 않습니다."), 401


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("catalog.index"), 303)
