"""What keeps the pages cheap (issue 14): the work they no longer do per request, and that they still show and
check the same things."""

import gzip
import os
import re

import pytest
from flask import Flask
from flask_talisman import Talisman
from sqlalchemy import event, select

from demo import CONTENT_SECURITY_POLICY, assets
from demo.catalog.models import Product
from demo.extensions import db

from .conftest import sign_in


def statements(app: Flask, call) -> list[str]:
    """The SQL statements `call` runs on the app's engine."""
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_product_page_reads_only_the_catalog_version_once_cached(app, client):
    client.get("/products/choco-pie")
    queries = statements(app, lambda: client.get("/products/choco-pie"))
    assert len(queries) == 1 and "catalog_version" in queries[0]
    page = client.get("/products/choco-pie").get_data(as_text=True)
    assert "초코파이" in page and "2,200원" in page


def test_a_product_written_elsewhere_shows_on_every_worker(make_test_app):
    """Two apps on one database stand for two workers: a write through either moves the version both read."""
    first, second = make_test_app(), make_test_app()
    clients = first.test_client(), second.test_client()
    for client in clients:
        assert "2,200원" in client.get("/products/choco-pie").get_data(as_text=True)
    with second.app_context():
        db.session.scalar(select(Product).filter_by(slug="choco-pie")).price = 2500
        db.session.commit()
    for client in clients:
        assert "2,500원" in client.get("/products/choco-pie").get_data(as_text=True)
        assert "2,500원" in client.get("/").get_data(as_text=True)
    with first.app_context():
        db.session.delete(db.session.scalar(select(Product).filter_by(slug="americano")))
        db.session.commit()
    for client in clients:
        assert client.get("/products/americano").status_code == 404
        assert "아메리카노" not in client.get("/").get_data(as_text=True)


def test_a_rolled_back_product_write_changes_nothing(app, client):
    client.get("/products/choco-pie")
    with app.app_context():
        db.session.scalar(select(Product).filter_by(slug="choco-pie")).price = 1
        db.session.flush()
        db.session.rollback()
    assert "2,200원" in client.get("/products/choco-pie").get_data(as_text=True)


def test_static_urls_are_versioned_without_touching_the_disk_per_page(app, client, monkeypatch):
    stat, touched = os.stat, []

    def spy(path, *args, **kwargs):
        if str(path).startswith(app.static_folder):
            touched.append(path)
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", spy)
    html = client.get("/products/choco-pie").get_data(as_text=True)
    monkeypatch.undo()
    assert re.search(r'href="/static/css/site\.css\?v=[0-9a-f]+"', html)
    assert re.search(r'src="/static/vendor/htmx/htmx\.min\.js\?v=[0-9a-f]+"', html)
    assert touched == []


def test_static_urls_follow_the_script_root(client):
    """Built once per file and mount point: an app served under a prefix links its static files there."""
    root = client.get("/").get_data(as_text=True)
    mounted = client.get("/", base_url="http://localhost/shop/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=\w+)"', root).group(1)
    assert f'href="/shop{css}"' in mounted and f'href="{css}"' in client.get("/").get_data(as_text=True)


def test_a_changed_static_file_gets_a_new_version(tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("a{}")
    before = assets.static_versions(str(tmp_path))
    (tmp_path / "css" / "a.css").write_text("a{color:red}")
    assert before.keys() == {"css/a.css"} and assets.static_versions(str(tmp_path)) != before


def test_pages_without_a_form_write_no_session(client):
    response = client.get("/")
    assert "Set-Cookie" not in response.headers and "csrf" not in response.get_data(as_text=True).lower()


def test_htmx_posts_still_carry_the_csrf_token(make_test_app):
    """Forms post the token as a field; site.js adds it as a header to htmx requests from it."""
    client = make_test_app(WTF_CSRF_ENABLED=True).test_client()
    html = client.get("/products/choco-pie").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    fields = {"product": "choco-pie", "quantity": "1"}
    assert client.post("/checkout", data=fields).status_code == 400
    assert client.post("/checkout", data=fields, headers={"X-CSRFToken": token}).status_code == 303


def test_tiny_bodies_are_not_compressed_pages_are(client):
    page = client.get("/products/choco-pie", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and b"<!doctype html>" in gzip.decompress(page.data)
    icon = client.get("/static/img/favicon.svg", headers={"Accept-Encoding": "gzip"})
    assert len(icon.data) < assets.COMPRESS_MIN_SIZE and "Content-Encoding" not in icon.headers
    icon.close()


@pytest.mark.parametrize("https", [False, True])
def test_security_headers_are_exactly_talismans(make_test_app, https):
    """Headers built once per scheme are the ones flask-talisman sets on each response with the same options."""
    ours = make_test_app(BEHIND_HTTPS_PROXY=https)
    stock = Flask(__name__)
    Talisman(
        stock,
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=https,
        session_cookie_http_only=True,
    )
    stock.get("/")(lambda: "x")
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    expected = stock.test_client().get("/", headers=headers).headers
    for path in ("/", "/products/choco-pie", "/no-such-page"):
        got = ours.test_client().get(path, headers=headers).headers
        names = {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"}
        names |= {"Strict-Transport-Security"} if https else set()
        for name in names | {"Permissions-Policy", "X-XSS-Protection", "Feature-Policy", "Document-Policy"}:
            assert got.get(name) == expected.get(name), name
        assert names <= set(got.keys())


def test_an_app_polling_its_payment_writes_nothing(app, client):
    """An app token's last use is written at most once a minute: a poll reads the token and the payment only."""
    token = client.post("/api/v1/app-sessions", json={"device_name": "폰"}).json["token"]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "poll-1"}
    created = client.post("/api/v1/payments", json={"product": "choco-pie", "quantity": 1}, headers=headers)
    path = f"/api/v1/payments/{created.json['order_id']}"
    tag = client.get(path, headers=headers).headers["ETag"]
    queries = statements(app, lambda: client.get(path, headers={**headers, "If-None-Match": tag}))
    assert queries and all(query.lstrip().upper().startswith("SELECT") for query in queries), queries


def test_the_history_runs_as_many_statements_with_a_platform_filter(app, client):
    """The platform filter and column ride on the same two statements (totals, one page of rows)."""
    sign_in(client)
    client.get("/payments")
    plain = statements(app, lambda: client.get("/payments"))
    for query in ("?platform=tosspayments", "?platform=kakaopay&status=paid&q=x&page=2", "?platform=paypal"):
        client.get(f"/payments{query}")
        filtered = statements(app, lambda query=query: client.get(f"/payments{query}"))
        assert len(filtered) == len(plain) == 2, (query, filtered)
