"""The Strada 앱 in a browser, GET /app: a phone-sized app shell that is only a client of /api/v1 (static/js/app.js).

The page holds no payment data: the script makes its own app session, calls the API like the real app would, and
shows every call it made beside the phone."""

from flask import Blueprint, current_app, render_template

from ..api import PREFIX
from ..payments.models import ReturnMode
from ..payments.providers import PROVIDERS, enabled_platforms

bp = Blueprint("app_shell", __name__)


@bp.get("/app")
def index():
    settings, offered = current_app.config, enabled_platforms()
    return render_template(
        "app_shell/index.html",
        api_base=PREFIX,
        scheme=settings["STRADA_APP_SCHEME"],
        package=settings["STRADA_ANDROID_PACKAGE"],
        return_modes=ReturnMode.LABELS,
        platforms={platform: PROVIDERS[name].label for platform, name in offered.items()},
        apps={platform: PROVIDERS[name].app_schemes for platform, name in offered.items()},
    )
