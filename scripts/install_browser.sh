#!/usr/bin/env bash
# Install what the end-to-end browser test and the committee brief need: Debian's chromium, the Noto CJK
# fonts (Chinese in the browser screenshots and in the brief's PDF), WeasyPrint's system libraries (Pango),
# and the Python playwright package. Each is checked on its own and installed only when missing.
# Idempotent; never runs `playwright install` (browsers come from Debian, not from a download).
set -euo pipefail
missing=()
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then missing+=(fonts-noto-cjk); fi
# WeasyPrint (the brief's PDF) loads Pango through ctypes: libpango-1.0-0 and libpangoft2-1.0-0.
for lib in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0; do
  if ! ldconfig -p 2>/dev/null | grep -q "${lib%%:*}"; then missing+=("${lib##*:}"); fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
python3 -c "import playwright" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check playwright
