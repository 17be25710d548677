"""판매자 콘솔 → API 키: merchant API keys (made here, shown once, revocable) and the app sessions (revocable).
Console pages (the console blueprint), kept beside the tokens they manage."""

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ..console import bp
from ..console.auth import merchant_required
from ..extensions import db
from ..payments.models import now
from .auth import create_merchant_key, revoke
from .models import AppSession, MerchantKey

SESSIONS_SHOWN = 50


def api_page(status: int = 200, **context):
    keys = db.session.scalars(select(MerchantKey).order_by(MerchantKey.id.desc())).all()
    sessions = db.session.scalars(select(AppSession).order_by(AppSession.id.desc()).limit(SESSIONS_SHOWN)).all()
    return render_template("console/api.html", keys=keys, sessions=sessions, moment=now(), **context), status


@bp.get("/api")
@merchant_required
def api_access():
    return api_page()


@bp.post("/api/keys")
@merchant_required
def create_key():
    label = request.form.get("label", "").strip()
    if not label or len(label) > 100:
        return api_page(422, label_error="키 이름을 1~100자로 입력해 주세요.", typed=label[:100])
    return api_page(201, new_key=create_merchant_key(label), new_label=label)


@bp.post("/api/keys/<int(max=2147483647):key_id>/revoke")  # row ids are 32-bit: a bigger one is a 404
@merchant_required
def revoke_key(key_id: int):
    done = revoke(MerchantKey, key_id)
    flash("API 키를 폐기했습니다." if done else "이미 폐기했거나 없는 API 키입니다.", "api")
    return redirect(url_for(".api_access"), 303)


@bp.post("/api/app-sessions/<int(max=2147483647):session_id>/revoke")
@merchant_required
def revoke_app_session(session_id: int):
    done = revoke(AppSession, session_id)
    flash("앱 세션을 폐기했습니다." if done else "이미 폐기했거나 없는 앱 세션입니다.", "api")
    return redirect(url_for(".api_access"), 303)
