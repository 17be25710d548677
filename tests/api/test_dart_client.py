"""openapi-generator (the PyPI wheel) generates a Dart client (dart-dio, what a Flutter app would use) from the
document without errors. Needs a Java runtime: test.sh installs one (scripts/java.sh)."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java runtime (./test.sh installs one: scripts/java.sh)")
def test_openapi_generator_makes_a_dart_client(app, tmp_path):
    (tmp_path / "openapi.json").write_text(json.dumps(app.test_client().get("/api/v1/openapi.json").json))
    generator = Path(sys.executable).with_name("openapi-generator-cli")
    command = [generator, "generate", "-i", "openapi.json", "-g", "dart-dio", "-o", "dart"]  # the spec is validated too
    started = time.monotonic()
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    print(f"openapi-generator dart-dio: {time.monotonic() - started:.1f} s")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "[error]" not in done.stdout.lower()
    sources = {path.name for path in (tmp_path / "dart" / "lib").rglob("*.dart")}
    assert {"default_api.dart", "payment.dart", "problem.dart"} <= sources, sorted(sources)
