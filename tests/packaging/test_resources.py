"""The bundled files are found through importlib.resources and are the canonical top-level files.

(``scripts/wheel_smoke.sh`` checks the same of a built wheel, installed in a fresh venv outside the repository.)
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

from screening import resources as bundled
from screening.criteria.loader import criteria_files, load_criteria

ROOT = Path(__file__).resolve().parents[2]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_packaged_criteria_and_samples_equal_the_top_level_files() -> None:
    for top, packaged in (
        (ROOT / "criteria", bundled.CRITERIA_DIR),
        (ROOT / "sample_projects", bundled.SAMPLES_DIR),
    ):
        canonical = sorted(p.name for p in top.iterdir() if p.suffix in {".yaml", ".xlsx", ".csv"})
        assert canonical, top
        for name in canonical:
            assert _digest(packaged / name) == _digest(top / name), name


def test_resources_are_located_inside_the_package_not_the_working_directory(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    package = Path(str(resources.files("screening")))
    assert bundled.DEFAULT_CRITERIA.is_relative_to(package)
    assert bundled.MAPPINGS_DIR.is_relative_to(package)
    assert load_criteria().fingerprint() == load_criteria(ROOT / "criteria" / "default.yaml").fingerprint()
    assert criteria_files()[0].name == "default.yaml"
