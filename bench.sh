#!/usr/bin/env bash
# Measure the demo against a bare Flask page in the same run with wrk; writes docs/benchmark.md, exits 1 when a
# budget fails. ~2-3 minutes. Settings: see bench/run.py (BENCH_SECONDS=8, BENCH_BASELINE=33e3310, ...).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements-bench.txt
if ! command -v wrk >/dev/null; then  # Debian's wrk 4.1.0 (compiled, event-driven: not the bottleneck)
  if [ "$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi
fi
exec .venv/bin/python -m bench.run
