# Sourced by test.sh: a Java runtime for openapi-generator (tests/api generate a Dart client from the API document).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v java >/dev/null && command -v apt-get >/dev/null; then
  echo "Installing a Java runtime (default-jre-headless) with apt-get…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
