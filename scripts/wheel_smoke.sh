#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the repository and score the bundled
# sample from another folder with the installed `screening` command (issue 11 item 8). Called by scripts/test.sh.
# The venv sees the already-installed dependencies (--system-site-packages): nothing is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
python3 -m pip install --quiet --disable-pip-version-check "setuptools>=70.1,<81"   # builds without the wheel package
rm -rf build dist                                    # a stale build/lib would ship deleted modules
python3 -m pip wheel . -w dist --no-deps --no-build-isolation --quiet --disable-pip-version-check
WHL=$(ls dist/*.whl)
listing() { python3 -m zipfile -l "$WHL" | awk 'NR > 1 {print $1}'; }
# every module of the checkout is in the wheel, and nothing else
diff <(git ls-files --cached --others --exclude-standard 'screening/*.py' | sort) <(listing | grep '^screening/.*\.py$' | sort)
# the packaged data equal the canonical top-level files byte for byte
python3 - "$WHL" <<'PY'
import hashlib, subprocess, sys, zipfile
from pathlib import Path
wheel = zipfile.ZipFile(sys.argv[1])
tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "criteria/*.yaml", "sample_projects/*.xlsx", "sample_projects/*.csv", "sample_projects/*.yaml",
                          "screening/*.yaml", "screening/*.csv", "screening/*.md"], capture_output=True, text=True, check=True).stdout.split()
packed = {n for n in wheel.namelist() if n.startswith("screening/") and n.endswith((".yaml", ".xlsx", ".csv", ".md"))}
want = {("screening/_data/" + f) if not f.startswith("screening/") else f: f for f in tracked}
assert set(want) == packed, f"packaged data differ from the repository: {sorted(set(want) ^ packed)}"
for inside, outside in want.items():
    assert hashlib.sha256(wheel.read(inside)).digest() == hashlib.sha256(Path(outside).read_bytes()).digest(), inside
print(f"wheel: {len(packed)} data files equal the repository's")
PY
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
V="$TMP/venv"
python3 -m venv --without-pip --system-site-packages "$V"
python3 -m pip --python "$V/bin/python" install --quiet --disable-pip-version-check --no-index --no-deps --force-reinstall "$WHL"
cd "$TMP"
# The checkout's editable install is visible through the system site-packages: drop its finder so that a
# module missing from the wheel fails here instead of being imported from the checkout.
"$V/bin/python" - "$ROOT" <<'PY'
import sys
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
sys.path[:] = [p for p in sys.path if not p.startswith(sys.argv[1])]
import screening, screening.resources as r
assert screening.__file__.startswith(sys.prefix), f"imported from {screening.__file__}, not the wheel"
assert r.DEFAULT_CRITERIA.is_file() and (r.SAMPLES_DIR / "sample_projects.xlsx").is_file()
PY
SAMPLE=$("$V/bin/python" -c 'import screening.resources as r; print(r.SAMPLES_DIR / "sample_projects.xlsx")')
"$V/bin/screening" score "$SAMPLE" --out "$TMP/ranked.xlsx"
test -s "$TMP/ranked.xlsx"
echo "wheel smoke test: $(basename "$WHL") installed in a fresh venv scored the bundled sample from $TMP"
