#!/usr/bin/env bash
# Set up (first run) and serve the demo: sandbox mode, SQLite under instance/, catalog seeded.
# Usage: ./run.sh            (PORT=5000 by default; see .env.example for settings)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements.txt
exec .venv/bin/python -m demo.serve
