# Sourced by test.sh: make sure a Chromium is there for the browser tests.
# CHROMIUM_PATH wins; else Debian/Ubuntu's chromium (installed with apt when missing); else Playwright's own download.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "Installing Chromium and Korean fonts with apt-get…"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    .venv/bin/python -m playwright install chromium
  fi
fi
