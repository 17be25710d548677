#!/usr/bin/env bash
# Set up (first run) and run every test, browser tests included. Extra arguments go to pytest.
# Usage: ./test.sh            ./test.sh -k refund            TEST_DATABASE_URL=postgresql+psycopg://... ./test.sh
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements-dev.txt
source scripts/chromium.sh
source scripts/java.sh
source scripts/tools.sh
exec .venv/bin/python -m pytest "$@"
