"""README "Strada 앱에서 쓰기": its curl sequence, run exactly as written (bash, curl, jq, openssl) against the app on
a live server. Between its two blocks the buyer pays on KakaoPay's app page, as the README says, over HTTP."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from ..browser.conftest import LiveServer
from ..conftest import MERCHANT_API_KEY

README = Path(__file__).parents[2] / "README.md"
TOOLS = ("bash", "curl", "jq", "openssl")


def sequence_blocks() -> list[str]:
    section = README.read_text().split("## Strada 앱에서 쓰기", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def test_the_readme_has_the_two_blocks():
    create, after = sequence_blocks()
    assert "app-sessions" in create and "next_action.app_url" in create
    assert "If-None-Match" in after and "/refunds" in after


@pytest.mark.skipif(not all(map(shutil.which, TOOLS)), reason="needs " + ", ".join(TOOLS))
def test_the_readme_curl_sequence_runs_as_written(make_test_app, tmp_path):
    create, after = sequence_blocks()
    with LiveServer(make_test_app()) as server:
        env = {"PATH": "/usr/bin:/bin", "BASE": server.url, "MERCHANT_KEY": MERCHANT_API_KEY}
        script = tmp_path / "sequence.sh"
        paid = tmp_path / "paid"
        # The blocks as written, with only a wait for the buyer between them; -e: any failing command fails the test.
        script.write_text(f"set -euo pipefail\n{create}\nwhile [ ! -e {paid} ]; do sleep 0.1; done\n{after}")
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
        run = subprocess.Popen(["bash", str(script)], env=env, text=True, **pipes)
        lines = []
        for line in run.stdout:
            lines.append(line.strip())
            if "/aInfo" in line:
                break
        app_url = lines[-1]
        assert app_url.startswith(server.url + "/sandbox/kakaopay/") and app_url.endswith("/aInfo"), lines
        sheet = app_url.rsplit("/", 1)[0] + "/sheet"
        paying = requests.post(sheet, data={"action": "pay", "method": "MONEY", "via": "app"}, timeout=30)
        assert paying.ok and "/app/return/" in paying.url  # the bridge approved and handed over
        paid.touch()
        out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    products, *_ = lines
    assert '"id":"choco-pie"' in products
    status, not_modified, *history, refund = out.strip().splitlines()
    assert status == "결제 완료" and not_modified == "304"
    assert history[0].endswith(" 결제 완료")
    assert refund == '{"status":"partially_refunded","canceled_amount":1000}'
