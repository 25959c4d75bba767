#!/usr/bin/env bash
# Install the project with its test extra, then run the whole test suite (README quick start, command 2).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"
bash scripts/install_browser.sh   # Debian chromium for the one browser test (never a downloaded browser)
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
python3 -m pytest -q -n 2 "$@"
