"""scripts/app.sh reinstalls only when pyproject.toml changed or the installed package lives elsewhere."""

from __future__ import annotations

import hashlib
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _decision(stamp: pathlib.Path) -> str:
    env = {**os.environ, "SCREENING_APP_STAMP": str(stamp), "SCREENING_APP_DRY_RUN": "1"}
    env.pop("PYTHONPATH", None)
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "app.sh")], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def _installed_here() -> bool:
    code = "import pathlib, screening; print(pathlib.Path(screening.__file__).resolve().parent.parent)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd="/", env=env, capture_output=True, text=True, check=False
    )
    return out.stdout.strip() == str(ROOT.resolve())


def test_app_script_installs_only_when_pyproject_changed(tmp_path: pathlib.Path) -> None:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = tmp_path / "stamp"
    assert _decision(stamp) == "install"  # no stamp yet
    stamp.write_text(f"{digest} {ROOT.resolve()}\n")
    assert _decision(stamp) == ("up to date" if _installed_here() else "install")
    stamp.write_text(f"{'0' * 64} {ROOT.resolve()}\n")  # pyproject.toml changed since
    assert _decision(stamp) == "install"
    stamp.write_text(f"{digest} /somewhere/else\n")  # installed from another folder
    assert _decision(stamp) == "install"
