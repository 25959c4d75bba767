"""Criteria are data: the pydantic models of a criteria file (:mod:`.models`), the registry of rule and
scorer kinds that is the one source of the file's schema (:mod:`.rules`), loading (:mod:`.loader`) and the
Markdown rendering of a criteria set (:mod:`.docs`).
"""

from __future__ import annotations

from screening.criteria.loader import criteria_sha256, load_criteria, load_criteria_bytes
from screening.criteria.models import CriteriaError, CriteriaSet

__all__ = ["CriteriaError", "CriteriaSet", "criteria_sha256", "load_criteria", "load_criteria_bytes"]
