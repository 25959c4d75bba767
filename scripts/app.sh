#!/usr/bin/env bash
# Install the project and open the app on the bundled sample (README quick start, command 1).
# The install is editable, so code changes need no reinstall: pip runs only when pyproject.toml changed since
# the last install from this folder, or when the installed package points elsewhere (a stamp records both).
set -euo pipefail
cd "$(dirname "$0")/.."
here="$(pwd -P)"
stamp_dir="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
stamp="${SCREENING_APP_STAMP:-$stamp_dir/.screening_app_install}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1) $here"
have="$(cat "$stamp" 2>/dev/null || true)"
where="$(cd / && python3 -c 'import pathlib, screening; print(pathlib.Path(screening.__file__).resolve().parent.parent)' 2>/dev/null || true)"
if [ "$want" != "$have" ] || [ "$where" != "$here" ]; then
  if [ -n "${SCREENING_APP_DRY_RUN:-}" ]; then echo "install"; exit 0; fi
  python3 -m pip install --quiet --disable-pip-version-check -e .
  printf '%s\n' "$want" > "$stamp" 2>/dev/null || true
fi
if [ -n "${SCREENING_APP_DRY_RUN:-}" ]; then echo "up to date"; exit 0; fi
exec python3 -m streamlit run app.py "$@"
