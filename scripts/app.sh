#!/usr/bin/env bash
# Install the project and open the app on the bundled sample (README quick start, command 1).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e .
exec python3 -m streamlit run app.py "$@"
