"""A whole payment, step by step over HTTP, timing each step: checkout → sheet → pay → approval → receipt.

Latency, not throughput: one client, sequential requests. The forms are read from the pages (html.parser), so the
driver follows whatever fields the product page and the payment sheet carry, on today's code and on a baseline.
"""

import statistics
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

STEPS = ("1 checkout", "2 sandbox sheet", "3 sandbox pay", "4 approval callback", "5 receipt")
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


class Forms(HTMLParser):
    """Every <form>: its action and the name=value of its inputs (the first value of each name wins)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1][1].setdefault(attrs["name"], attrs.get("value") or "")

    def find(self, action_ends: str) -> tuple[str, dict[str, str]]:
        return next((action, fields) for action, fields in self.forms if action.endswith(action_ends))


def on(base: str, location: str) -> str:
    """A redirect target on the server under test: the sandbox builds its links on the host it was called with."""
    parts = urlsplit(urljoin(base + "/", location))
    return f"{base}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def timed(steps: dict, name: str, call, *args, **kwargs) -> requests.Response:
    started = time.perf_counter()
    response = call(*args, allow_redirects=False, **kwargs)
    steps[name] = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return response


def pay_once(base: str, session: requests.Session | None = None) -> dict[str, float]:
    """One phone-browser payment (the mobile page); returns ms per step."""
    session = session or requests.Session()
    session.headers["User-Agent"] = IPHONE_SAFARI
    action, fields = Forms(session.get(f"{base}/products/choco-pie").text).find("/checkout")
    steps: dict[str, float] = {}
    sheet = timed(steps, STEPS[0], session.post, urljoin(base, action), data=fields).headers["Location"]
    page = timed(steps, STEPS[1], session.get, on(base, sheet))
    action, fields = Forms(page.text).find("/sheet")
    pay = timed(steps, STEPS[2], session.post, on(base, action), data={**fields, "action": "pay"})
    approval = timed(steps, STEPS[3], session.get, on(base, pay.headers["Location"]))
    receipt = timed(steps, STEPS[4], session.get, on(base, approval.headers["Location"]))
    if "/payments/" not in receipt.url:
        raise RuntimeError(f"the payment did not end on a receipt: {receipt.url}")
    return steps


def measure(bases: list[str], payments: int) -> list[dict[str, float]]:
    """Median ms of each step and of the whole payment, per server, over `payments` payments each (after warm-ups).

    With several servers (this tree and a baseline) the payments alternate between them, so a busy moment on a
    shared machine costs both alike.
    """
    for base in bases * 3:  # every worker has served a payment before the timed ones
        pay_once(base)
    runs = [[pay_once(base) for base in bases] for _ in range(payments)]
    return [summary([run[index] for run in runs]) for index in range(len(bases))]


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    medians = {name: statistics.median(run[name] for run in runs) for name in STEPS}
    totals = [sum(run.values()) for run in runs]
    return {**medians, "whole payment": statistics.median(totals), "whole payment p95": percentile(totals, 95)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
