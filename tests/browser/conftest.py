"""Browser fixtures: Debian's Chromium through Playwright, and the app on a live server thread.

Helpers for later tests: `live_server` (base URL), `desktop` (a desktop page), `phone(user_agent)` (a page in a
phone-sized context), `shot(page, name)` (a screenshot under tests/screenshots/, git-ignored), `sign_in(page, url)`
(the merchant console's login form). Every context fails its test if the page reports a Content-Security-Policy
violation (an inline script or style the policy blocked).
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from ..conftest import ADMIN_PASSWORD


def pytest_collection_modifyitems(items) -> None:
    """Every test in this folder drives Chromium: mark it `browser` (`-m "not browser"` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
IPHONE_KAKAOTALK = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.8.5"
)
ANDROID_KAKAOTALK = (
    "Mozilla/5.0 (Linux; Android 14; SM-S921N Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile Safari/537.36;KAKAOTALK 2410800"
)


def chromium_path() -> str | None:
    """CHROMIUM_PATH, else Debian's chromium; None lets Playwright use its own download."""
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


class LiveServer:
    """The app served by werkzeug on 127.0.0.1 and a free port, in a thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        app.config["PUBLIC_BASE_URL"] = self.url
        self.app = app
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()


@pytest.fixture
def live_app(make_test_app):
    """The app the live server serves; override in a test module to change its config."""
    return make_test_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def live_server(live_app):
    with LiveServer(live_app) as server:
        yield server


def sign_in(page, base_url: str) -> None:
    """Sign this page's browser context in to the merchant console, through the login form."""
    page.goto(f"{base_url}/console/login")
    page.get_by_label("비밀번호").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"{base_url}/payments")


@pytest.fixture
def new_context(browser):
    contexts, violations = [], []

    def watch(page):
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    def factory(**options):
        options.setdefault("locale", "ko-KR")
        options.setdefault("timezone_id", "Asia/Seoul")
        contexts.append(browser.new_context(**options))
        contexts[-1].set_default_timeout(10_000)
        contexts[-1].on("page", watch)
        return contexts[-1]

    yield factory
    for context in contexts:
        context.close()
    assert not violations, violations


@pytest.fixture
def desktop(new_context):
    """A page in a 1280×800 desktop Chrome context."""
    return new_context(viewport={"width": 1280, "height": 800}).new_page()


@pytest.fixture
def phone(new_context):
    """phone(user_agent=IPHONE_SAFARI) -> a page in a 390×844 touch context with that user agent."""

    def factory(user_agent: str = IPHONE_SAFARI):
        context = new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            user_agent=user_agent,
        )
        return context.new_page()

    return factory


@pytest.fixture
def shot(request):
    """shot(page, "name") saves tests/screenshots/<test name>-<name>.png (full page)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def wait_until(page, expression: str, seconds: float = 10.0) -> None:
    """Poll a JavaScript expression until it is true. page.wait_for_function would evaluate the string with eval,
    which the site's CSP forbids (no 'unsafe-eval'); page.evaluate goes through the DevTools protocol instead."""
    for _ in range(int(seconds * 20)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"still false after {seconds} s: {expression}")
