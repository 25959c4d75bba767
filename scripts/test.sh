#!/usr/bin/env bash
# Install the project with its test extra, check the installed wheel, then run the whole test suite
# (README quick start, command 2).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
bash scripts/install_browser.sh   # Debian chromium, CJK fonts and Pango for the browser test and the brief (never a downloaded browser)
bash scripts/install_postgres.sh  # Debian PostgreSQL server for tests/store (each test session starts its own throw-away cluster)
bash scripts/wheel_smoke.sh       # the wheel, installed in a fresh venv outside the repository, scores the sample
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
python3 -m pytest -q -n 2 "$@"
