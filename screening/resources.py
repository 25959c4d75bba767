"""Where the bundled files are: the criteria sets and the sample projects shipped inside the package.

The canonical files are the repository's top-level ``criteria/`` and ``sample_projects/`` (DESIGN.md fixes
them). ``screening/_data/`` holds two symbolic links to them, so an editable install reads the canonical files
themselves and a wheel carries real copies (setuptools follows the links when it builds; ``scripts/wheel_smoke.sh``
checks the copies byte for byte). Everything is found through :mod:`importlib.resources`, never relative to
the working directory or the repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["CRITERIA_DIR", "DEFAULT_CRITERIA", "EVIDENCE_DIR", "SAMPLES_DIR", "MAPPINGS_DIR"]

# files("screening") is a pathlib.Path for a package on disk (wheel or editable install); Path() for mypy.
_PACKAGE = Path(str(resources.files("screening")))
CRITERIA_DIR = _PACKAGE / "_data" / "criteria"
DEFAULT_CRITERIA = CRITERIA_DIR / "default.yaml"
SAMPLES_DIR = _PACKAGE / "_data" / "sample_projects"
# Reference data (country sheet, inference rules, basins): real files, not links; each folder has a README.
EVIDENCE_DIR = _PACKAGE / "_data" / "evidence"
MAPPINGS_DIR = Path(str(resources.files("screening.io.mappings")))
