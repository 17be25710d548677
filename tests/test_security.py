"""Headers, cookies, trusted hosts, the sandbox's absence in live mode, and no inline script anywhere."""

import io
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def test_every_page_carries_the_security_headers(client):
    for path in (
        "/",
        "/products/choco-pie",
        "/orders",
        "/console/login",
        "/payments",
        "/nope",
        "/sandbox/kakaopay/talk",
    ):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, path
        script_src = re.search(r"script-src ([^;]+)", policy).group(1)
        assert script_src == "'self'", path  # no 'unsafe-inline', no 'unsafe-eval'
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin")


def test_session_cookie_is_lax_and_http_only(app):
    client = app.test_client()
    client.post("/checkout", data={"product": "choco-pie", "quantity": 1})
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.same_site == "Lax" and cookie.http_only and not cookie.secure


def test_behind_an_https_proxy_the_cookie_is_secure(make_test_app):
    app = make_test_app(BEHIND_HTTPS_PROXY=True)
    client = app.test_client()
    response = client.post(
        "/console/login",
        data={"password": app.config["ADMIN_PASSWORD"]},
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "localhost"},
    )
    assert "Secure" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_no_inline_script_or_event_handler_in_any_template():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        assert "hx-on" not in text and "javascript:" not in text and "js:" not in text, template


def test_untrusted_host_is_refused_with_a_korean_page(client):
    response = client.get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400 and "허용되지 않은 주소" in response.get_data(as_text=True)
    response = client.post("/checkout", data={"product": "choco-pie", "quantity": 1}, headers={"Host": "evil"})
    assert response.status_code == 400


def test_trusted_hosts_default_and_setting(make_test_app):
    app = make_test_app(PUBLIC_BASE_URL="http://demo.example:8000")
    assert {"localhost", "127.0.0.1", "demo.example"} <= set(app.config["TRUSTED_HOSTS"])
    assert app.test_client().get("/", headers={"Host": "demo.example:8000"}).status_code == 200
    app = make_test_app(TRUSTED_HOSTS=["shop.example", ".team.example"], PUBLIC_BASE_URL="http://pay.example")
    client = app.test_client()
    assert client.get("/", headers={"Host": "shop.example"}).status_code == 200
    assert client.get("/", headers={"Host": "pay.example"}).status_code == 200
    assert client.get("/", headers={"Host": "a.team.example:5000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_callback_urls_use_the_request_host_only_when_trusted(client, app):
    """No PUBLIC_BASE_URL: approval/cancel/fail and the KakaoPay page URLs follow the (trusted) request host:port."""
    response = client.post(
        "/checkout", data={"product": "choco-pie", "quantity": 1, "flow": "mobile"}, headers={"Host": "127.0.0.1:5123"}
    )
    assert response.location.startswith("http://127.0.0.1:5123/sandbox/kakaopay/")


def test_sandbox_is_not_mounted_with_a_real_key(make_test_app):
    client = make_test_app(KAKAOPAY_SECRET_KEY="DEV_REAL_KEY_FOR_TEST").test_client()
    for path in ("/sandbox/kakaopay/talk", "/sandbox/kakaopay/mockup/v1/abc/info"):
        assert client.get(path).status_code == 404
    assert client.post("/sandbox/kakaopay/online/v1/payment/ready", json={}).status_code == 404
    assert client.get("/").status_code == 200


def test_oversized_bodies_answer_413(client):
    response = client.post("/checkout", data={"product": "x" * 300 * 1024, "quantity": 1})
    assert response.status_code == 413 and "요청이 너무 큽니다" in response.get_data(as_text=True)
    multipart = {"product": "x" * 70 * 1024, "quantity": "1", "file": (io.BytesIO(b"x"), "x.txt")}
    assert client.post("/checkout", data=multipart, content_type="multipart/form-data").status_code == 413
    big_json = {"cid": "x" * 300 * 1024}
    assert client.post("/sandbox/kakaopay/online/v1/payment/ready", json=big_json).status_code == 413


def test_api_text_with_a_nul_byte_is_a_clear_422(client):
    """PostgreSQL cannot store a NUL byte: every request body refuses one before anything is written."""
    answer = client.post("/api/v1/app-sessions", json={"device_name": "폰\u0000"})
    assert answer.status_code == 422 and answer.json["code"] == "validation_failed"
