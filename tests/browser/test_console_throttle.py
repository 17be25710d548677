"""The console's sign-in form in Chromium, locked out after too many wrong passwords (under the site's CSP)."""

from playwright.sync_api import expect

from ..conftest import ADMIN_PASSWORD


def submit(page, password: str):
    page.get_by_label("비밀번호").fill(password)
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="로그인").click()
    return answer.value


def test_the_form_locks_out_and_says_how_long_to_wait(live_server, desktop):
    desktop.goto(f"{live_server.url}/console/login")
    for _ in range(5):
        assert submit(desktop, "a guess").status == 401
        expect(desktop.get_by_test_id("login-error")).to_have_text("비밀번호가 올바르지 않습니다.")
    locked = submit(desktop, ADMIN_PASSWORD)  # right, but not even checked
    assert locked.status == 429 and locked.headers["retry-after"].isdigit()
    expect(desktop.get_by_test_id("login-locked")).to_contain_text("로그인 시도가 너무 많습니다. 15분 뒤에 다시 시도해")
    expect(desktop.get_by_role("alert")).to_have_count(1)
    desktop.goto(f"{live_server.url}/payments")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("접근할 수 없습니다")
