#!/usr/bin/env bash
# Measure the demo against a bare Flask page in the same run; writes docs/benchmark.md. BENCH_SECONDS=8 per run.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh requirements-bench.txt
exec .venv/bin/python -m bench.run
