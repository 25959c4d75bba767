#!/usr/bin/env bash
# Install what tests/store needs to start its own throw-away PostgreSQL server: Debian's `postgresql`
# package (the server binaries under /usr/lib/postgresql/<version>/bin and the `postgres` user that runs
# them, since initdb and postgres refuse root). Idempotent: apt-get runs only when no server binaries are
# found. The package's own cluster is not used by the tests (tests/store/conftest.py makes one per session).
set -euo pipefail
have_server() {
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}
if ! have_server || ! getent passwd postgres >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
python3 -c "import psycopg" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check "psycopg[binary]>=3.1"
