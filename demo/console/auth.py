"""Who is the merchant: the password check, the one-click sign-in link, and `merchant_required`."""

import hashlib
import hmac
from functools import wraps

from flask import abort, current_app, request, session
from flask_login import LoginManager, UserMixin, current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

LINK_SALT = "console-sign-in"
NEXT_KEY = "console_next"
login_manager = LoginManager()


class Merchant(UserMixin):
    """The one console user. Its id is keyed on the password (an HMAC under the secret key: the session cookie is
    readable, so it must not carry a plain hash), so changing ADMIN_PASSWORD signs everyone out."""

    def __init__(self, secret_key: str, password: str):
        self.id = "merchant-" + hmac.new(secret_key.encode(), password.encode(), hashlib.sha256).hexdigest()[:32]


def merchant() -> Merchant:
    return Merchant(current_app.config["SECRET_KEY"], current_app.config["ADMIN_PASSWORD"])


@login_manager.user_loader
def load_user(user_id: str) -> Merchant | None:
    user = merchant()
    return user if hmac.compare_digest(user_id, user.id) else None


@login_manager.unauthorized_handler
def unauthorized():
    """A stranger: 403 with a Korean page and a sign-in link; after sign-in, back to this page (a GET)."""
    if request.method == "GET" and not request.headers.get("HX-Request"):
        session[NEXT_KEY] = request.full_path.rstrip("?")
    abort(403, description="판매자 콘솔에 로그인해야 볼 수 있는 화면입니다.")


def merchant_required(view):
    """The one guard for everything that acts on payments or lists all of them."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not is_merchant():
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return guarded


def is_merchant() -> bool:
    return bool(current_user.is_authenticated)


def password_matches(candidate: str) -> bool:
    expected = current_app.config["ADMIN_PASSWORD"].encode()
    return hmac.compare_digest(candidate.encode(errors="replace"), expected)


def link_serializer(secret_key: str, password: str) -> URLSafeTimedSerializer:
    """Tokens are signed with the secret key *and* the password: a new password voids every printed link."""
    return URLSafeTimedSerializer(secret_key + password, salt=LINK_SALT)


def sign_in_token(secret_key: str, password: str) -> str:
    return link_serializer(secret_key, password).dumps("merchant")


def token_is_valid(token: str) -> bool:
    settings = current_app.config
    serializer = link_serializer(settings["SECRET_KEY"], settings["ADMIN_PASSWORD"])
    try:
        return serializer.loads(token, max_age=settings["CONSOLE_LINK_MAX_AGE"]) == "merchant"
    except BadSignature:
        return False
