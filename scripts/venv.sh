# Sourced by run.sh / test.sh: create .venv and install the pinned requirements file "$1" when it changed.
if [ ! -x .venv/bin/python ]; then
  python=${PYTHON:-}
  for candidate in python3 python3.13 python3.12 python3.11; do
    [ -n "$python" ] && break
    "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && python=$candidate
  done
  [ -n "$python" ] || { echo "Python 3.11+ is required (set PYTHON=/path/to/python3)" >&2; exit 1; }
  echo "Creating the virtual environment .venv with $python…"
  "$python" -m venv .venv
fi
stamp=.venv/.installed-$1
if [ ! -f "$stamp" ] || ! cmp -s <(cat requirements*.txt) "$stamp"; then
  # The pinned names of "$1" and the files it includes with -r, e.g. "Flask, Werkzeug, …, pytest, playwright".
  names=$(cat "$1" $(sed -n 's/^-r *//p' "$1") | sed -n 's/^\([A-Za-z0-9_.-]*\).*==.*/\1/p' | paste -sd, - | sed 's/,/, /g')
  echo "Installing the pinned packages of $1 into .venv (first run or changed requirements; usually 20–40 s):"
  echo "  $names"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"
  cat requirements*.txt > "$stamp"
  echo "Installed."
fi
