"""A committee's weights applied to a run: the group's criteria set, and an SMAA over the reviewers' actual
weight sets as well as over the Dirichlet around the group weights (issue 16 item 2).

The group weights and the reviewers' sets come from :func:`screening.criteria.elicitation.combine`. A
reviewer's *set* is their own weights on every scope they weighted and the group's elsewhere.

``P(top k)`` under the committee (:func:`committee_smaa`) is a mixture with equal mass
(:data:`REVIEWER_MASS`) on

* the reviewers' sets, each reviewer counting alike (so it is the share of reviewers whose weights put the
  project in the top k), and
* ``draws`` Dirichlet draws around the group's dimension weights, ``w ~ Dirichlet(κ · w₀/Σw₀)`` as in
  :func:`screening.analysis.sensitivity.monte_carlo` (same draws, same ranking rule, through
  :func:`~screening.analysis.sensitivity.draw_ranks`).

Both parts are shown apart as well, so a planner sees whether the committee's disagreement or the uncertainty
around its consensus moves a project.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from screening.analysis.sensitivity import draw_ranks, draw_weights
from screening.analysis.sheets import ExtraSheet
from screening.analysis.weights import current_weights, validated_weights
from screening.criteria.elicitation import Committee
from screening.criteria.models import CriteriaSet
from screening.i18n import t
from screening.model import Result
from screening.stages.score import Weights

# why: our choice — the reviewers' own sets are the evidence of disagreement and the Dirichlet cloud the
# uncertainty around their consensus; neither is privileged, so each carries half of the probability
REVIEWER_MASS = 0.5

CHUNK_CELLS = 1 << 20  # draws × projects ranked at a time (memory bounded at 100,000 projects)


def group_criteria(criteria: CriteriaSet, committee: Committee) -> CriteriaSet:
    """The criteria set under the group weights, re-validated (a weights file's ids override the dimension or
    criterion weights they name)."""
    return validated_weights(criteria, committee.overrides())


def reviewer_weights(criteria: CriteriaSet, committee: Committee) -> dict[str, Weights]:
    """Each reviewer's full set of weights: their own where they gave some, the group's elsewhere."""
    return {by: current_weights(criteria, committee.reviewer_overrides(by)) for by in committee.reviewers}


@dataclass(frozen=True)
class CommitteeSmaa:
    """One row per ranked project, in group-rank order (columns: :func:`committee_smaa`)."""

    table: pd.DataFrame
    reviewers: list[str]
    draws: int
    seed: int
    concentration: float
    top_k: int

    def meta(self) -> dict[str, object]:
        return {
            "reviewers": "; ".join(self.reviewers),
            "draws": self.draws,
            "seed": self.seed,
            "concentration": self.concentration,
            "top_k": self.top_k,
            "reviewer_mass": REVIEWER_MASS,
            "method": (
                "P(top k, committee) = reviewer_mass x share of reviewers whose own weight set puts the project "
                "in the top k + (1 - reviewer_mass) x P(top k) over Dirichlet(kappa * w0/sum w0) draws around the "
                "group's dimension weights (seeded numpy default_rng; ranked by score (0.01) desc, completeness "
                "desc, project_id asc)"
            ),
        }

    def most_contested(self, n: int = 5) -> pd.DataFrame:
        """The projects the reviewers disagree on most: in the top k for some reviewers but not all."""
        t = self.table
        share = t["reviewers_top_k"] / max(1, len(self.reviewers))
        split = t[(share > 0) & (share < 1)]
        return split.sort_values(["p_top_k_committee", "rank"], ascending=[False, True]).head(n)


def committee_smaa(
    result: Result,
    committee: Committee,
    *,
    draws: int = 10_000,
    top_k: int = 10,
    seed: int = 0,
    concentration: float = 100.0,
) -> CommitteeSmaa:
    """SMAA over the reviewers' sets and the Dirichlet around the group weights, for ``result`` (a run under
    the group weights: :func:`group_criteria`). Columns: ``project_id``, ``rank`` (group weights),
    ``rank_best`` / ``rank_worst`` over the reviewers' sets, ``reviewers_top_k`` (how many reviewers' sets put
    it in the top k), ``p_top_k_dirichlet``, ``p_top_k_committee``, then ``rank: <reviewer>`` for each."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    pm, policy = result.pm, result.criteria.missing_policy
    dims, _ = pm.dimension_layout
    group = result.weights
    n = len(pm.project_ids)
    k = max(1, min(top_k, n)) if n else 0
    by_reviewer = reviewer_weights(result.criteria, committee)
    ranks = {}
    for by, w in by_reviewer.items():
        vec = np.array([[w.dimensions[d] for d in dims]], dtype=float)
        ranks[by] = draw_ranks(pm, w, vec, policy)[0] if n else np.zeros(0, dtype=int)
    base_vec = np.array([group.dimensions[d] for d in dims], dtype=float)
    base_rank = draw_ranks(pm, group, base_vec[None, :], policy)[0] if n else np.zeros(0, dtype=int)
    hits = np.zeros(n)
    if n:
        wd = draw_weights(base_vec, draws, concentration, seed)
        step = max(1, CHUNK_CELLS // n)
        for lo in range(0, draws, step):
            hits += (draw_ranks(pm, group, wd[lo : lo + step], policy) <= k).sum(axis=0)
    p_dir = hits / draws
    stack = np.array(list(ranks.values())) if ranks else np.zeros((0, n), dtype=int)
    in_top = (stack <= k).sum(axis=0) if len(stack) else np.zeros(n, dtype=int)
    share = in_top / max(1, len(ranks))
    table = pd.DataFrame(
        {
            "project_id": np.asarray(pm.project_ids).astype(str),
            "rank": base_rank,
            "rank_best": stack.min(axis=0) if len(stack) else base_rank,
            "rank_worst": stack.max(axis=0) if len(stack) else base_rank,
            "reviewers_top_k": in_top,
            "p_top_k_dirichlet": p_dir,
            "p_top_k_committee": REVIEWER_MASS * share + (1 - REVIEWER_MASS) * p_dir,
            **{f"rank: {by}": r for by, r in ranks.items()},
        }
    )
    table = table.sort_values("rank", kind="stable").reset_index(drop=True)
    return CommitteeSmaa(table, list(ranks), draws, seed, concentration, k)


def committee_sheet(smaa: CommitteeSmaa) -> ExtraSheet:
    """The committee's robustness sheet: the table, a blank row, then the settings as item/value rows."""
    cols = list(smaa.table.columns)
    blank = pd.DataFrame([[None] * len(cols)], columns=cols)
    tail = pd.DataFrame(
        [[item, value, *([None] * (len(cols) - 2))] for item, value in smaa.meta().items()], columns=cols
    )
    frame = pd.concat([smaa.table.astype(object), blank, tail], ignore_index=True).astype(object)
    return ExtraSheet(t("cm_sheet", "en"), t("cm_sheet", "zh"), frame)
