"""A whole payment, step by step over HTTP, timing each step: checkout → sheet → pay → approval → receipt.

Latency, not throughput: one client, sequential requests. The forms are read from the pages (html.parser), so the
driver follows whatever fields the product page and the payment sheet carry, on today's code and on a baseline.

Two times per step: the server's, from gunicorn's access log (%(D)s, see access_log.py; the sandbox's API calls run
in process, inside their step), and the client's, over loopback, which adds ~1 ms of client, HTTP and gunicorn
overhead per request that neither app's code controls.
"""

import statistics
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import requests

from .access_log import AccessLog, Line

STEPS = ("1 checkout", "2 sandbox sheet", "3 sandbox pay", "4 approval callback", "5 receipt")
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@dataclass(frozen=True)
class Sent:
    """One request of a payment as the client made it; `step` is None for the product page (not a step)."""

    step: str | None
    method: str
    path: str
    status: int
    ms: float

    def matches(self, line: Line) -> bool:
        return (line.method, line.path, line.status) == (self.method, self.path, self.status)


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


def timed(sent: list[Sent], step: str | None, call, url: str, **kwargs) -> requests.Response:
    started = time.perf_counter()
    response = call(url, allow_redirects=False, **kwargs)
    ms = (time.perf_counter() - started) * 1000
    path = unquote(urlsplit(response.request.url).path)  # gunicorn logs PATH_INFO, percent-decoded
    sent.append(Sent(step, response.request.method, path, response.status_code, ms))
    response.raise_for_status()
    return response


def pay_once(base: str, session: requests.Session | None = None) -> list[Sent]:
    """One phone-browser payment (the mobile page); returns every request it made, in order."""
    session = session or requests.Session()
    session.headers["User-Agent"] = IPHONE_SAFARI
    sent: list[Sent] = []
    product = timed(sent, None, session.get, f"{base}/products/choco-pie")
    action, fields = Forms(product.text).find("/checkout")
    sheet = timed(sent, STEPS[0], session.post, urljoin(base, action), data=fields).headers["Location"]
    page = timed(sent, STEPS[1], session.get, on(base, sheet))
    action, fields = Forms(page.text).find("/sheet")
    pay = timed(sent, STEPS[2], session.post, on(base, action), data={**fields, "action": "pay"})
    approval = timed(sent, STEPS[3], session.get, on(base, pay.headers["Location"]))
    receipt = timed(sent, STEPS[4], session.get, on(base, approval.headers["Location"]))
    if "/payments/" not in receipt.url:
        raise RuntimeError(f"the payment did not end on a receipt: {receipt.url}")
    return sent


def server_times(sent: list[Sent], lines: list[Line]) -> dict[str, float]:
    """Each step's server ms from its access-log line. Fails loudly unless the lines are exactly the requests sent
    (method, path and status), each logged once; matched in order, though two workers may log a moment apart."""
    unmatched, times = list(lines), {}
    for request in sent:
        line = next((line for line in unmatched if request.matches(line)), None)
        if line is None:
            raise mismatch(sent, lines)
        unmatched.remove(line)
        if request.step:
            times[request.step] = line.ms
    if unmatched:
        raise mismatch(sent, lines)
    return times


def mismatch(sent: list[Sent], lines: list[Line]) -> RuntimeError:
    expected = "".join(f"\n  {request.method} {request.path} {request.status}" for request in sent)
    logged = "".join(f"\n  {line.method} {line.path} {line.status}" for line in lines) or " nothing"
    return RuntimeError(f"the access log does not match the payment's requests; sent:{expected}\nlogged:{logged}")


def pay_logged(base: str, log: AccessLog) -> dict[str, dict[str, float]]:
    """One payment: {"server": ms per step, "client": ms per step}."""
    sent = pay_once(base)
    server = server_times(sent, log.read(len(sent)))
    return {"server": server, "client": {request.step: request.ms for request in sent if request.step}}


def measure(servers: list[tuple[str, AccessLog]], payments: int) -> list[dict[str, dict[str, float]]]:
    """Per server (base URL, its access log): {"server": ..., "client": ...}, each the median ms of every step and
    of the whole payment, and the whole payment's p95, over `payments` payments (after warm-ups).

    With several servers (this tree and a baseline) the payments alternate between them, so a busy moment on a
    shared machine costs both alike.
    """
    for base, log in servers * 3:  # every worker has served a payment before the timed ones
        pay_logged(base, log)
    runs = [[pay_logged(base, log) for base, log in servers] for _ in range(payments)]
    return [
        {kind: summary([run[index][kind] for run in runs]) for kind in ("server", "client")}
        for index in range(len(servers))
    ]


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    medians = {name: statistics.median(run[name] for run in runs) for name in STEPS}
    totals = [sum(run.values()) for run in runs]
    return {**medians, "whole payment": statistics.median(totals), "whole payment p95": percentile(totals, 95)}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
