"""Config layering, schema and seed, catalog routes and error pages."""

import gzip
import re

from sqlalchemy import func, select

from demo import config as config_module
from demo.catalog.models import Amounts, Product, vat_of
from demo.extensions import db


def test_env_overrides_defaults(monkeypatch):
    config = {"KAKAOPAY_CID": "TC0ONETIME", "SANDBOX_PAYMENT_TTL": 900}
    monkeypatch.setenv("KAKAOPAY_CID", "TCSUBSCRIP")
    monkeypatch.setenv("SANDBOX_PAYMENT_TTL", "60")
    monkeypatch.setenv("PROVIDER_TIMEOUT", "2.5")
    monkeypatch.setenv("PUBLIC_BASE_URL", "")
    config_module.load_environment(config)
    assert config["KAKAOPAY_CID"] == "TCSUBSCRIP"
    assert config["SANDBOX_PAYMENT_TTL"] == 60
    assert config["PROVIDER_TIMEOUT"] == 2.5
    assert "PUBLIC_BASE_URL" not in config


def test_provider_timeout_falls_back_to_its_old_name(monkeypatch):
    config = {}
    monkeypatch.delenv("PROVIDER_TIMEOUT", raising=False)
    monkeypatch.setenv("KAKAOPAY_TIMEOUT", "4")
    config_module.load_environment(config)
    assert config["PROVIDER_TIMEOUT"] == 4.0
    monkeypatch.setenv("PROVIDER_TIMEOUT", "6")
    config_module.load_environment(config)
    assert config["PROVIDER_TIMEOUT"] == 6.0


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = config_module.persistent_secret_key(str(tmp_path))
    assert len(first) == 64
    assert config_module.persistent_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_first_start_seeds_catalog_idempotently(app, make_test_app):
    make_test_app()  # a second start on the same database adds nothing
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 5
        choco = db.session.scalar(select(Product).filter_by(slug="choco-pie"))
        assert (choco.price, choco.amounts(1).vat) == (2200, 200)


def test_seed_command_resets_products(app, runner):
    with app.app_context():
        db.session.scalar(select(Product).filter_by(slug="choco-pie")).price = 1
        db.session.commit()
    result = runner.invoke(args=["catalog", "seed"])
    assert "Seeded 5 products" in result.output
    with app.app_context():
        assert db.session.scalar(select(Product.price).filter_by(slug="choco-pie")) == 2200


def test_amounts_split_vat_and_tax_free(app):
    with app.app_context():
        choco = db.session.scalar(select(Product).filter_by(slug="choco-pie"))
        tangerine = db.session.scalar(select(Product).filter_by(slug="jeju-tangerine"))
        assert choco.amounts(2) == Amounts(total=4400, tax_free=0, vat=400)
        assert tangerine.amounts(3).tax_free == 45000 and tangerine.amounts(3).vat == 0
    assert [vat_of(x) for x in (2200, 4500, 5, 6, 16)] == [200, 409, 0, 1, 1]


def test_catalog_lists_products(client):
    page = client.get("/").get_data(as_text=True)
    assert "초코파이" in page and "2,200원" in page and "면세" in page


def test_product_page_shows_pay_form(client):
    page = client.get("/products/choco-pie").get_data(as_text=True)
    assert 'action="/checkout"' in page and 'name="csrf_token"' in page and "카카오페이로 결제" in page
    assert "부가세" in page and "200원" in page


def test_product_partial_for_htmx(client):
    response = client.get("/products/choco-pie?quantity=2", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="order-box"' in body and "4,400원" in body


def test_quantity_is_kept_in_range(client):
    """Out-of-range or garbled quantities redirect to the URL of what is shown; htmx gets it as HX-Replace-Url."""
    for typed, shown in (
        ("500", "/products/choco-pie?quantity=99"),
        ("-3", "/products/choco-pie"),
        ("abc", "/products/choco-pie"),
    ):
        response = client.get(f"/products/choco-pie?quantity={typed}")
        assert response.status_code == 303 and response.location == shown
    assert "217,800원" in client.get("/products/choco-pie?quantity=500", follow_redirects=True).get_data(as_text=True)
    partial = client.get("/products/choco-pie?quantity=312", headers={"HX-Request": "true"})
    assert partial.headers["HX-Replace-Url"] == "/products/choco-pie?quantity=99"
    assert 'value="99"' in partial.get_data(as_text=True) and "217,800원" in partial.get_data(as_text=True)
    assert client.get("/products/choco-pie?quantity=7").status_code == 200


def test_not_found_page_is_friendly(client):
    response = client.get("/products/nope")
    assert response.status_code == 404
    assert "페이지를 찾을 수 없습니다" in response.get_data(as_text=True)


def test_missing_csrf_token_is_a_400_page(make_test_app):
    client = make_test_app(WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/checkout", data={"product": "choco-pie", "quantity": "1"})
    assert response.status_code == 400
    assert "보안 토큰" in response.get_data(as_text=True)


def test_server_error_page_rolls_back(app):
    @app.get("/boom")
    def boom():
        db.session.add(Product(slug="half-done", name="x", summary="x", description="x", price=1, art="x"))
        db.session.flush()
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "일시적인 오류" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Product).filter_by(slug="half-done")) is None


def test_static_files_are_versioned_cached_and_compressed(client):
    page = client.get("/products/choco-pie", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = client.get("/products/choco-pie").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.css\?v=\w+)"', html).group(1)
    response = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "max-age=31536000" in response.headers["Cache-Control"]
    assert gzip.decompress(response.data).startswith(b"/* Strada Pay demo")
    response.close()


def test_workers_starting_together_share_one_secret_key(tmp_path):
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=4) as pool:
        keys = set(pool.map(config_module.persistent_secret_key, [str(tmp_path)] * 8))
    assert len(keys) == 1 and sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def test_the_mode_chip_and_sandboxes_follow_each_platforms_keys(make_test_app):
    sandbox = make_test_app()
    page = sandbox.test_client().get("/").get_data(as_text=True)
    assert ">샌드박스</span>" in page and "카카오페이 · 토스페이먼츠 단건결제" in page
    assert {"sandbox", "sandbox_toss"} <= set(sandbox.blueprints)
    live = make_test_app(KAKAOPAY_SECRET_KEY="DEVkey")
    page = live.test_client().get("/").get_data(as_text=True)
    assert 'mode-live" title="카카오페이 테스트 API · 토스페이먼츠 내장 에뮬레이터">카카오페이 테스트 API<' in page
    assert "sandbox" not in live.blueprints and "sandbox_toss" in live.blueprints
