"""The presenter on a 1920×1080 projector: type scale, nothing cut, replay by keyboard alone, Mermaid copy."""

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from demo.extensions import db
from demo.payments.models import Payment
from demo.payments.providers.tosspayments_story import LANES as TOSS_LANES

from ..conftest import sign_in as sign_in_client
from ..payments.conftest import Shop, TossShop
from .axe import horizontal_overflow
from .conftest import sign_in, wait_until

PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture
def live_app(make_test_app):
    return make_test_app(WTF_CSRF_ENABLED=False)


def refunded_pc_payment(app) -> str:
    """A PC + QR payment, paid, then partly refunded (made with the test client, as another browser would)."""
    shop = Shop(app)
    sign_in_client(shop.client)  # refunds are the console's
    order_id = shop.start(flow="pc")
    shop.client.get(shop.path(shop.pay(order_id, method="CARD", card="104")))
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "partial", "amount": 1000, "seen_canceled": 0})
    return order_id


def nothing_cut(page) -> list[str]:
    """Code blocks and labels wider than their box (cut or scrolled sideways at the right edge)."""
    return page.evaluate(
        """[...document.querySelectorAll('pre, code, .pr-label, summary')]
             .filter(el => el.offsetParent && el.scrollWidth > el.clientWidth + 1)
             .map(el => el.className || el.tagName)"""
    )


def test_projector_scale_and_nothing_cut(live_server, new_context, shot):
    order_id = refunded_pc_payment(live_server.app)
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    for details in page.locator("details").all():
        details.locator("summary").click()  # every exchange and the export open: the widest the page gets
    size = lambda: page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")  # noqa: E731
    assert size() >= 24, "type is sized for a projector from 1600 px"
    assert horizontal_overflow(page) == 0 and nothing_cut(page) == []
    shot(page, "projector")
    automatic = size()
    page.get_by_role("button", name="글자 크게").click()
    page.get_by_role("button", name="글자 크게").click()
    assert size() > automatic * 1.25
    assert horizontal_overflow(page) == 0 and nothing_cut(page) == []
    shot(page, "projector-larger")
    page.reload()
    assert size() > automatic * 1.25, "the chosen size is kept in this browser"
    page.get_by_role("button", name="자동 글자 크기").click()
    assert size() == automatic


def test_replay_with_the_keyboard_alone(live_server, new_context, shot):
    order_id = refunded_pc_payment(live_server.app)
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    page.bring_to_front()  # the window a presenter types into has focus (pages of earlier tests may have taken it)
    replay = page.get_by_test_id("replay")
    for _ in range(30):  # Tab until the replay link has focus, as a keyboard user would
        page.keyboard.press("Tab")
        if replay.evaluate("el => el === document.activeElement"):
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/replay$"))
    page.evaluate("window.sameDocument = true")  # gone if a press turns into a full page load
    total = page.get_by_test_id("step").count()
    titles = []
    for number in range(1, total + 1):
        expect(page.locator("#replay")).to_have_attribute("data-step", str(number))
        expect(page).to_have_url(re.compile(r"/replay(\?step=\d+)?$"))
        titles.append(page.locator("#step-title").inner_text())
        assert page.get_by_test_id("why").inner_text().strip()
        if number > 1:  # the first step is a page load; later ones are htmx swaps
            wait_until(page, "document.activeElement !== document.body")  # focus survives the swap
        if number == 2:
            expect(page.locator(".pr-explain")).to_contain_text("approval_url에 주문번호")
            expect(page.locator(".pr-explain pre").first).to_contain_text('"approval_url"')
            shot(page, "replay-ready")
        page.keyboard.press("ArrowRight")
    expect(page.locator("#replay")).to_have_attribute("data-step", str(total))  # stays on the last step
    assert page.evaluate("window.sameDocument === true"), "every step was an htmx swap, not a page load"
    assert titles[-2:] == ["POST cancel · 환불", "취소 결과"] and titles[0] == "POST /checkout · 결제하기"
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#replay")).to_have_attribute("data-step", str(total - 1))
    expect(page).to_have_url(re.compile(rf"step={total - 1}$"))
    page.go_back()  # the history follows the steps
    expect(page).to_have_url(re.compile(rf"step={total}$"))
    assert horizontal_overflow(page) == 0 and nothing_cut(page) == []


def test_mermaid_copy_button_copies_the_download(live_server, new_context):
    order_id = refunded_pc_payment(live_server.app)
    context = new_context(viewport=PROJECTOR)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    page.get_by_text("Mermaid로 내보내기").click()
    page.get_by_role("button", name="복사").click()
    expect(page.locator("[data-copied-for=mermaid-text]")).to_have_text("복사했습니다.")
    copied = page.evaluate("navigator.clipboard.readText()")
    with page.expect_download() as download:
        page.get_by_role("link", name=".mmd 파일 받기").click()
    saved = download.value.path().read_text(encoding="utf-8")
    assert copied == saved and copied.startswith("sequenceDiagram\n") and "K-->>S: 12. 취소 결과" in copied


MERMAID = (Path(__file__).parent / "vendor" / "mermaid" / "mermaid.min.js").read_text(encoding="utf-8")
SOLID, DOTTED, NOTE = 0, 1, 2  # mermaid's sequence LINETYPE values


def mermaid_reads(page, text: str, shown: str) -> dict:
    """The export as mermaid parses and renders it, on about:blank (the site's CSP, no inline script, does not
    apply to this test page): its type, actors, messages, and whether the rendered SVG has `shown`."""
    page.set_content("<!doctype html><title>mermaid</title><main></main>")
    page.add_script_tag(content=MERMAID)
    return page.evaluate(
        """async ([text, shown]) => {
             mermaid.initialize({startOnLoad: false});
             const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
             const {svg} = await mermaid.render('sequence', text);
             return {
               type: diagram.type,
               actors: [...diagram.db.getActors().values()].map(actor => [actor.name, actor.description]),
               messages: diagram.db.getMessages().map(m => [m.from, m.to, m.type, m.message]),
               rendered: svg.includes(shown),
             };
           }""",
        [text, shown],
    )


def test_mermaid_itself_reads_the_export_of_a_pc_qr_payment_with_a_refund(live_server, new_context):
    """Parsed and rendered by mermaid (vendored for the tests), as GitHub would when the text is pasted."""
    order_id = refunded_pc_payment(live_server.app)
    page = new_context().new_page()
    sign_in(page, live_server.url)
    text = page.request.get(f"{live_server.url}/presenter/{order_id}/sequence.mmd").text()
    parsed = mermaid_reads(page.context.new_page(), text, "POST cancel · 환불")
    assert parsed["type"] == "sequence" and parsed["rendered"]
    assert parsed["actors"] == [["B", "브라우저"], ["S", "Strada 서버"], ["K", "카카오페이"], ["P", "휴대폰 카카오톡"]]
    assert [(src, dst, kind, label.split(". ", 1)[1]) for src, dst, kind, label in parsed["messages"]] == [
        ("B", "S", SOLID, "POST /checkout · 결제하기"),
        ("S", "K", SOLID, "POST ready"),
        ("K", "S", DOTTED, "tid · 결제창 URL"),
        ("S", "B", DOTTED, "303 → next_redirect_pc_url"),
        ("P", "K", SOLID, "QR 스캔 → 결제"),
        ("K", "B", DOTTED, "→ approval_url?pg_token"),
        ("B", "S", SOLID, "GET /approve?pg_token"),
        ("S", "K", SOLID, "POST approve"),
        ("K", "S", DOTTED, "aid · 결제 정보"),
        ("S", "B", DOTTED, "303 → 영수증"),
        ("S", "K", SOLID, "POST cancel · 환불"),
        ("K", "S", DOTTED, "취소 결과"),
    ]


def test_without_javascript_replay_links_work_and_the_live_page_refreshes(live_server, new_context):
    order_id = refunded_pc_payment(live_server.app)
    page = new_context(viewport=PROJECTOR, java_script_enabled=False).new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    assert '<meta http-equiv="refresh" content="5">' in page.content()  # partly refunded: more may come
    expect(page.get_by_role("button", name="복사")).to_be_hidden()  # needs JavaScript
    expect(page.get_by_role("group", name="글자 크기")).to_be_hidden()
    page.get_by_test_id("replay").click()
    page.get_by_role("link", name="다음 →").click()
    expect(page).to_have_url(re.compile(r"step=2$"))
    expect(page.locator("#step-title")).to_have_text("POST ready")


def test_a_refund_appears_without_reload_then_refreshing_stops(live_server, new_context, shot):
    shop = Shop(live_server.app)
    sign_in_client(shop.client)  # refunds are the console's
    order_id = shop.start(flow="pc")
    shop.client.get(shop.path(shop.pay(order_id)))
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    diagram = page.locator("#diagram")
    expect(diagram).to_have_attribute("data-live", "yes")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "partial", "amount": 1000, "seen_canceled": 0})
    expect(diagram).to_have_attribute("data-status", "partially_refunded")
    expect(page.get_by_test_id("step").filter(has_text="POST cancel · 환불")).to_have_attribute("data-state", "done")
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "full", "seen_canceled": 1000})
    expect(diagram).to_have_attribute("data-status", "refunded")
    expect(diagram).to_have_attribute("data-live", "no")
    assert page.evaluate("window.loadedOnce === true")
    shot(page, "refunded")


def app_payment(app, mode: str) -> str:
    """A Strada app payment made through /api/v1 (with the test client, as the app would), paid on the sandbox's app
    page and brought back through the bridge; 앱이 승인 also confirms. 해결방법2 그대로 ends at create (−799)."""
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {client.post('/api/v1/app-sessions', json={}).json['token']}"}
    body = {"product": "choco-pie", "quantity": 2, "return_mode": mode}
    created = client.post("/api/v1/payments", json=body, headers=bearer | {"Idempotency-Key": str(uuid.uuid4())})
    if mode == "scheme":
        assert created.status_code == 502
        with app.app_context():
            return db.session.scalar(select(Payment.order_id).order_by(Payment.id.desc()))
    order_id, sheet = created.json["order_id"], created.json["next_action"]["app_url"].split("/")[-2]
    form = {"action": "pay", "method": "MONEY", "via": "app"}
    bridge = urlsplit(client.post(f"/sandbox/kakaopay/mockup/v1/{sheet}/sheet", data=form).location)
    assert client.get(f"{bridge.path}?{bridge.query}").status_code == 200
    if mode == "app":
        assert client.post(f"/api/v1/payments/{order_id}/confirm", json={}, headers=bearer).status_code == 200
    return order_id


@pytest.mark.parametrize("mode", ["server", "app", "scheme"])
def test_an_app_payment_on_the_projector(live_server, new_context, shot, mode):
    order_id = app_payment(live_server.app, mode)
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    expect(page.locator(".pr-lane")).to_have_text(["앱", "Strada 서버", "카카오페이", "카카오톡"])
    expect(page.get_by_test_id("return-mode")).to_contain_text("Strada 앱 · ")
    expect(page.locator("#diagram")).to_have_attribute("data-status", "failed" if mode == "scheme" else "approved")
    for details in page.locator("details").all():
        details.locator("summary").click()  # every exchange and the export open: the widest the page gets
    assert horizontal_overflow(page) == 0 and nothing_cut(page) == []
    shot(page, mode)
    text = page.request.get(f"{live_server.url}/presenter/{order_id}/sequence.mmd").text()
    parsed = mermaid_reads(page.context.new_page(), text, "카카오톡에서 결제" if mode != "scheme" else "400 · −799")
    assert parsed["type"] == "sequence" and parsed["rendered"]
    assert parsed["actors"] == [["A", "앱"], ["S", "Strada 서버"], ["K", "카카오페이"], ["T", "카카오톡"]]
    written = [line.split(": ", 1)[1] for line in text.splitlines()[6:]]  # after the title and the participants
    assert [label for *_, label in parsed["messages"]] == written  # every label read as written ({id}, …, −799)


def refunded_toss_payment(app) -> str:
    """A 토스페이먼츠 payment: checkout, its window paid, successUrl confirmed, then partly refunded."""
    shop = TossShop(app)
    sign_in_client(shop.client)  # refunds are the console's
    order_id = shop.start()
    assert shop.client.get(shop.path(shop.pay(order_id))).status_code == 303
    shop.client.post(f"/payments/{order_id}/refund", data={"kind": "partial", "amount": 1000, "seen_canceled": 0})
    return order_id


def test_a_toss_payment_on_the_projector(live_server, new_context, shot):
    order_id = refunded_toss_payment(live_server.app)
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    expect(page.locator(".pr-lane")).to_have_text(list(TOSS_LANES))
    expect(page.get_by_test_id("platform")).to_have_text("토스페이먼츠")
    confirm = page.get_by_test_id("step").filter(has_text="POST /v1/payments/confirm")
    expect(confirm).to_have_attribute("data-state", "done")
    for details in page.locator("details").all():
        details.locator("summary").click()  # every exchange and the export open: the widest the page gets
    assert horizontal_overflow(page) == 0 and nothing_cut(page) == []
    shot(page, "projector")
    page.get_by_test_id("replay").click()
    expect(page.locator("#step-title")).to_have_text("POST /checkout · 주문 저장 (토스 호출 없음)")
    assert horizontal_overflow(page) == 0 and nothing_cut(page) == []
    text = page.request.get(f"{live_server.url}/presenter/{order_id}/sequence.mmd").text()
    parsed = mermaid_reads(page.context.new_page(), text, "POST /v1/payments/confirm")
    assert parsed["type"] == "sequence" and parsed["rendered"]
    assert parsed["actors"] == [
        ["B", "구매자 브라우저"],
        ["S", "Strada 서버"],
        ["W", "토스페이먼츠 결제창"],
        ["T", "토스페이먼츠 API"],
    ]
    written = [line.split(": ", 1)[1] for line in text.splitlines()[6:]]  # after the title and the participants
    assert [label for *_, label in parsed["messages"]] == written  # every label read as written ({id}, &, …)
    kinds = {label.split(". ", 1)[1]: kind for _, _, kind, label in parsed["messages"]}
    assert kinds["POST /v1/payments/confirm"] == SOLID and kinds["paymentKey · DONE · 결제 정보"] == DOTTED
    assert kinds["→ successUrl?paymentKey&orderId&amount"] == DOTTED


def ended_toss_payment(app, ending: str) -> str:
    """A Toss payment that did not pay: refused in its window (failUrl), declined at confirm, or a tampered amount."""
    shop = TossShop(app)
    order_id = shop.start()
    if ending == "fail":
        back = shop.in_window(order_id, "fail")
    elif ending == "reject":
        back = shop.pay(order_id, fault="reject")
    else:
        success = urlsplit(shop.pay(order_id))
        back = f"{success.path}?{success.query.replace('amount=4400', 'amount=10')}"
    shop.client.get(shop.path(back))
    return order_id


@pytest.mark.parametrize(
    ("ending", "shown"),
    [("fail", "→ failUrl?code=REJECT_CARD_COMPANY"), ("reject", "REJECT_CARD_PAYMENT"), ("tampered", "409 · 결제된")],
    ids=["fail", "reject", "tampered"],
)
def test_a_toss_payment_that_did_not_pay_on_the_projector(live_server, new_context, shot, ending, shown):
    order_id = ended_toss_payment(live_server.app, ending)
    page = new_context(viewport=PROJECTOR).new_page()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/presenter/{order_id}")
    expect(page.get_by_test_id("step").filter(has_text=shown)).to_have_attribute("data-state", "error")
    for details in page.locator("details").all():
        details.locator("summary").click()
    assert horizontal_overflow(page) == 0 and nothing_cut(page) == []
    shot(page, ending)
    text = page.request.get(f"{live_server.url}/presenter/{order_id}/sequence.mmd").text()
    parsed = mermaid_reads(page.context.new_page(), text, shown)
    assert parsed["type"] == "sequence" and parsed["rendered"]
    written = [line.split(": ", 1)[1] for line in text.splitlines()[6:]]
    assert [label for *_, label in parsed["messages"]] == written
