"""./bench.sh: the demo under gunicorn against a bare Flask page, in the same run, with budgets checked.

Starts both apps under the same gunicorn settings on 127.0.0.1, drives each scenario with locust (headless, bounded
in time) at 1 and 20 clients, and writes docs/benchmark.md.
"""

import csv
import gzip
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = (1, 20)
GUNICORN = ["--workers", "2", "--threads", "4", "--log-level", "warning"]
SCENARIOS = {  # scenario: request names it reports
    "product": ["product page"],
    "checkout": ["checkout"],
    "payment": ["1 checkout", "2 sandbox sheet", "3 sandbox pay", "4 approval callback", "5 receipt"],
    "history": ["history page"],
}


def sign_in(session: requests.Session, site_url: str, password: str) -> None:
    """History and presenter are the merchant console's: sign in through its form."""
    page = session.get(site_url + "/console/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(site_url + "/console/login", data={"password": password, "csrf_token": token})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(target: str, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{port}", target]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"{target} did not start")


def seed_history(env: dict, count: int) -> None:
    """10,000 payments in the bench database, written through the models."""
    os.environ.update(env)
    from demo import create_app
    from demo.extensions import db
    from demo.payments.models import Payment, Status

    app = create_app()
    statuses = list(Status.LABELS)
    start = datetime.now() - timedelta(days=30)
    with app.app_context():
        db.session.add_all(
            Payment(
                order_id=secrets.token_urlsafe(16),
                user_id="v_bench",
                provider="kakaopay",
                item_name="초코파이",
                item_code="choco-pie",
                quantity=1,
                total_amount=2200,
                tax_free_amount=0,
                vat_amount=200,
                flow=random.choice(["pc", "mobile", "app"]),
                status=random.choice(statuses),
                tid="T" + secrets.token_hex(10)[:19].upper(),
                created_at=start + timedelta(seconds=i * 250),
            )
            for i in range(count)
        )
        db.session.commit()


def load(url: str, scenario: str, clients: int, out: Path) -> dict[str, dict]:
    prefix = out / f"{scenario}-{clients}"
    env = {**os.environ, "BENCH_SCENARIO": scenario}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--only-summary",
            "-u",
            str(clients),
            "-r",
            str(clients),
            "-t",
            f"{SECONDS}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "5",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def worker_peak_rss_mb(master: subprocess.Popen) -> float:
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master.pid}$", text, re.M) and (match := re.search(r"^VmHWM:\s+(\d+)", text, re.M)):
            peaks.append(int(match.group(1)) / 1024)
    return max(peaks, default=0.0)


def transferred(url: str, path: str, session: requests.Session) -> int:
    """gzip bytes of a page plus every static file it references."""
    headers = {"Accept-Encoding": "gzip"}
    page = session.get(url + path, headers=headers, stream=True)
    body = page.raw.read()
    html = gzip.decompress(body) if page.headers.get("Content-Encoding") == "gzip" else body
    total = len(body)
    for asset in set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)):
        total += len(session.get(url + asset.decode(), headers=headers, stream=True).raw.read())
    return total


def row(name: str, stats: dict) -> dict:
    return {
        "name": name,
        "rps": float(stats["Requests/s"]),
        "p50": float(stats["50%"]),
        "p95": float(stats["95%"]),
        "p99": float(stats["99%"]),
        "fails": int(stats["Failure Count"]),
        "count": int(stats["Request Count"]),
    }


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="strada-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite'}",
        "SECRET_KEY": "bench",
        "ADMIN_PASSWORD": "bench",
        "PUBLIC_BASE_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    seed_history(env, 10_000)
    site, site_url = serve("wsgi:app", env)
    bare, bare_url = serve("bench.bare:app", {**env, "PYTHONPATH": str(ROOT)})
    try:
        results, floor = {}, {}
        for clients in CLIENTS:
            floor[clients] = row("bare page", load(bare_url, "bare", clients, work)["bare page"])
            for scenario, names in SCENARIOS.items():
                stats = load(site_url, scenario, clients, work)
                results[(scenario, clients)] = [row(name, stats[name]) for name in names if name in stats]
        session = requests.Session()
        sign_in(session, site_url, env["ADMIN_PASSWORD"])
        receipt = session.get(site_url + "/payments").text
        receipt_path = re.search(r'href="(/payments/[\w-]{20,})"', receipt).group(1)
        pages = {
            "/": "/",
            "/products/choco-pie": "/products/choco-pie",
            "/payments": "/payments",
            "/payments/<order_id>": receipt_path,
            "/presenter/": "/presenter/",
        }
        sizes = {label: transferred(site_url, path, session) for label, path in pages.items()}
        rss = {"site": worker_peak_rss_mb(site), "bare": worker_peak_rss_mb(bare)}
    finally:
        for process in (site, bare):
            process.terminate()
            process.wait(10)
    report, ok = render(results, floor, sizes, rss)
    print(report)
    (ROOT / "docs" / "benchmark.md").write_text(report)
    return 0 if ok else 1


def render(results, floor, sizes, rss) -> tuple[str, bool]:
    lines = [
        f"# Benchmark ({datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {SECONDS}s per run)",
        "",
        "gunicorn `" + " ".join(GUNICORN) + "`, SQLite, sandbox in process, locust closed loop.",
        "",
        "| scenario | request | clients | req/s | p50 ms | p95 ms | p99 ms | vs bare req/s | vs bare p50 | fails |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for clients in CLIENTS:
        base = floor[clients]
        lines.append(
            f"| bare Flask | bare page | {clients} | {base['rps']:.0f} | {base['p50']:.0f} | {base['p95']:.0f} "
            f"| {base['p99']:.0f} | 1.00 | 1.0× | {base['fails']} |"
        )
        for (scenario, n), rows in results.items():
            if n != clients:
                continue
            for r in rows:
                lines.append(
                    f"| {scenario} | {r['name']} | {clients} | {r['rps']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} "
                    f"| {r['p99']:.0f} | {r['rps'] / base['rps']:.2f} | {r['p50'] / max(base['p50'], 1):.1f}× "
                    f"| {r['fails']} |"
                )
    lines += ["", "| page (gzip, with its static files) | bytes |", "|---|---|"]
    lines += [f"| `{label}` | {size:,} |" for label, size in sizes.items()]
    lines += ["", f"Peak RSS per worker: site {rss['site']:.0f} MB, bare {rss['bare']:.0f} MB.", ""]
    checks = budgets(results, floor, sizes, rss)
    lines += ["## Budgets", "", "| budget | measured | result |", "|---|---|---|"]
    lines += [f"| {name} | {measured} | {'PASS' if passed else 'FAIL'} |" for name, measured, passed in checks]
    return "\n".join(lines) + "\n", all(passed for _, _, passed in checks)


def budgets(results, floor, sizes, rss):
    product = results[("product", 20)][0]
    steps = results[("payment", 1)]
    worst_step = max(steps, key=lambda r: r["p50"])
    pages20 = [r for (s, n), rows in results.items() if n == 20 and s != "history" for r in rows]
    slowest = max(pages20, key=lambda r: r["p95"])
    history = results[("history", 20)][0]
    failures = sum(r["fails"] for rows in results.values() for r in rows)
    return [
        (
            "product page ≥ 50% of bare throughput (20 clients)",
            f"{product['rps'] / floor[20]['rps']:.0%}",
            product["rps"] >= 0.5 * floor[20]["rps"],
        ),
        (
            "each payment step p50 ≤ 3× bare p50 (1 client)",
            f"{worst_step['name']}: {worst_step['p50']:.0f} ms vs bare {floor[1]['p50']:.0f} ms",
            worst_step["p50"] <= 3 * max(floor[1]["p50"], 1),
        ),
        (
            "p95 < 50 ms for every page at 20 clients",
            f"{slowest['name']}: {slowest['p95']:.0f} ms",
            slowest["p95"] < 50,
        ),
        (
            "product page ≤ 60 KB transferred",
            f"{sizes['/products/choco-pie'] / 1024:.1f} KB",
            sizes["/products/choco-pie"] <= 60 * 1024,
        ),
        ("RSS ≤ 120 MB per worker", f"{rss['site']:.0f} MB", rss["site"] <= 120),
        ("history, 10,000 payments: p95 < 100 ms (20 clients)", f"{history['p95']:.0f} ms", history["p95"] < 100),
        ("no failed requests", str(failures), failures == 0),
    ]


if __name__ == "__main__":
    sys.exit(main())
