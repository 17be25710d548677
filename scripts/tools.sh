# Sourced by bench.sh and test.sh: Debian's command-line tools the tests use — wrk (4.1.0, compiled, event-driven:
# the benchmark's load generator), and curl, jq and openssl (the README's curl sequence runs as written).
missing=""
for tool in wrk curl jq openssl; do command -v "$tool" >/dev/null || missing="$missing $tool"; done
if [ -n "$missing" ] && command -v apt-get >/dev/null; then
  echo "Installing$missing with apt-get…"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  # shellcheck disable=SC2086
  as_root apt-get install -y -qq $missing >/dev/null 2>&1 || { as_root apt-get update -qq && as_root apt-get install -y -qq $missing >/dev/null; }
fi
