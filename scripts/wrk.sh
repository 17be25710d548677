# Sourced by bench.sh and test.sh: make sure Debian's wrk (4.1.0, compiled, event-driven) is there.
if ! command -v wrk >/dev/null && command -v apt-get >/dev/null; then
  echo "Installing wrk (the benchmark's load generator) with apt-get…"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get install -y -qq wrk >/dev/null 2>&1 || { as_root apt-get update -qq && as_root apt-get install -y -qq wrk >/dev/null; }
fi
