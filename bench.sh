#!/usr/bin/env bash
# Measure the demo against a bare Flask page in the same run with wrk; writes docs/benchmark.md, exits 1 when a
# budget fails. ~2-3 minutes. Settings: see bench/run.py (BENCH_SECONDS=8, BENCH_BASELINE=33e3310, ...).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements-bench.txt
source scripts/tools.sh
exec .venv/bin/python -m bench.run
