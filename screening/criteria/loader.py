"""Loading a criteria file: YAML through ``yaml.safe_load``, pydantic validation, cross-references, errors that
name the place in the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from screening.criteria.models import CriteriaError, CriteriaSet, load_criteria_data
from screening.resources import CRITERIA_DIR, DEFAULT_CRITERIA


def load_criteria(path: str | Path | None = None) -> CriteriaSet:
    """Load a criteria YAML file (the default set when ``path`` is None)."""
    file = Path(path) if path is not None else DEFAULT_CRITERIA
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise CriteriaError(f"{file}: cannot read the criteria file ({exc.strerror})") from None
    return load_criteria_bytes(raw, str(file))


def load_criteria_bytes(raw: bytes, where: str) -> CriteriaSet:
    if len(raw) > 5_000_000:
        raise CriteriaError(f"{where}: the criteria file is larger than 5 MB; it cannot be a criteria set")
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise CriteriaError(f"{where}: {place}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    return load_criteria_data(data, where)


def criteria_sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def criteria_files(directory: Path = CRITERIA_DIR) -> list[Path]:
    """Criteria sets shipped in ``criteria/`` (the default first)."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    return sorted(files, key=lambda p: (p.stem != "default", p.name))
