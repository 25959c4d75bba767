"""Loading a criteria file: YAML through ``yaml.safe_load``, pydantic validation, cross-references, errors that
name the place in the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from screening.criteria.models import CriteriaError, CriteriaSet, load_criteria_data
from screening.i18n import text
from screening.limits import LimitError, ilimit, limit, load_yaml_bounded, mb, read_file_bounded
from screening.resources import CRITERIA_DIR, DEFAULT_CRITERIA


def read_criteria_file(path: str | Path) -> bytes:
    """A criteria file's bytes within ``MAX_CRITERIA_BYTES``; directories, devices and pipes refused by type
    (``/dev/zero`` is never read)."""
    try:
        return read_file_bounded(path, limit("MAX_CRITERIA_BYTES"), "MAX_CRITERIA_BYTES")
    except LimitError as exc:
        raise CriteriaError(f"{path}: {exc.text.en}") from None


def load_criteria(path: str | Path | None = None) -> CriteriaSet:
    """Load a criteria YAML file (the default set when ``path`` is None)."""
    file = Path(path) if path is not None else DEFAULT_CRITERIA
    return load_criteria_bytes(read_criteria_file(file), str(file))


def load_criteria_bytes(raw: bytes, where: str) -> CriteriaSet:
    """Parse and validate a criteria file's bytes. Bounded before pydantic sees anything: the bytes
    (``MAX_CRITERIA_BYTES``), the nesting depth while composing (``MAX_YAML_DEPTH``), the YAML nodes with every
    alias counted as what it stands for, without expanding it (``MAX_CRITERIA_NODES``: an anchor bomb of 1 KB
    is refused, the default set's own anchors load), and the dimensions and criteria (``MAX_DIMENSIONS``,
    ``MAX_CRITERIA``)."""
    cap = limit("MAX_CRITERIA_BYTES")
    if len(raw) > cap:
        said = text("lim_file_too_large", size=mb(len(raw)), limit=mb(cap), setting="MAX_CRITERIA_BYTES")
        raise CriteriaError(f"{where}: {said.en}")
    try:
        data = load_yaml_bounded(
            raw.decode("utf-8-sig"),
            max_nodes=ilimit("MAX_CRITERIA_NODES"),
            nodes_setting="MAX_CRITERIA_NODES",
        )
    except LimitError as exc:
        raise CriteriaError(f"{where}: {exc.text.en}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise CriteriaError(f"{where}: {place}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    _check_counts(data, where)
    return load_criteria_data(data, where)


def _check_counts(data: object, where: str) -> None:
    """Dimensions and criteria within their limits, counted on the parsed document before validation."""
    if not isinstance(data, dict) or not isinstance(data.get("dimensions"), list):
        return
    dims = data["dimensions"]
    max_dims, max_crit = ilimit("MAX_DIMENSIONS"), ilimit("MAX_CRITERIA")
    if len(dims) > max_dims:
        said = text("lim_dimensions", n=f"{len(dims):,}", limit=max_dims)
        raise CriteriaError(f"{where}: dimensions: {said.en}")
    n = sum(len(d["criteria"]) for d in dims if isinstance(d, dict) and isinstance(d.get("criteria"), list))
    if n > max_crit:
        said = text("lim_criteria", n=f"{n:,}", limit=max_crit)
        raise CriteriaError(f"{where}: dimensions: {said.en}")


def criteria_sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def criteria_files(directory: Path = CRITERIA_DIR) -> list[Path]:
    """Criteria sets shipped in ``criteria/`` (the default first)."""
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    return sorted(files, key=lambda p: (p.stem != "default", p.name))
