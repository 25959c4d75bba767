"""Edited weights: validate them against the criteria set and re-rank a run under them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from screening.criteria.models import CriteriaSet
from screening.model import Result
from screening.pipeline import reweigh
from screening.stages.score import Weights


def current_weights(criteria: CriteriaSet, overrides: dict[str, dict[str, float]] | None) -> Weights:
    """The criteria set's own weights with ``overrides`` laid over them (unknown ids dropped)."""
    base = Weights.of(criteria)
    if not overrides:
        return base
    dims = {k: overrides.get("dimensions", {}).get(k, v) for k, v in base.dimensions.items()}
    crits = {k: overrides.get("criteria", {}).get(k, v) for k, v in base.criteria.items()}
    return Weights(dims, crits)


def validated_weights(criteria: CriteriaSet, overrides: dict[str, dict[str, float]] | None) -> CriteriaSet:
    """The criteria set with the overrides applied and re-validated in Python.

    Raises :class:`screening.criteria.CriteriaError` for a weight that is not a number, is negative, above
    1000, or leaves a dimension (or all dimensions) weighing nothing.
    """
    from screening.criteria.models import CriteriaError

    w = current_weights(criteria, overrides)
    for kind, table in (("dimension", w.dimensions), ("criterion", w.criteria)):
        for k, v in table.items():
            if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
                raise CriteriaError(
                    f"<edited weights>: {kind} '{k}': weight {v!r} is not a number; enter 0–1000"
                )
    if w == Weights.of(criteria):
        return criteria
    return criteria.with_weights(w.dimensions, w.criteria)


def apply_weights(result: Result, edited: CriteriaSet) -> Result:
    """Re-rank ``result`` under the weights of ``edited`` (a re-validated copy of its criteria set).

    Uses the stored point matrix (:func:`screening.pipeline.reweigh`); nothing is read or validated again.
    The returned result carries the edited criteria set, so an export records the weights used.
    """
    weights = Weights.of(edited)
    if edited is result.criteria or weights == result.weights:
        return replace(result, criteria=edited) if edited is not result.criteria else result
    out = reweigh(result, weights)
    return replace(
        out, criteria=edited, criteria_sha256=None
    )  # no file holds the edited set; its fingerprint does
