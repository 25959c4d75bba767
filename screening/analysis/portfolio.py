"""Portfolio under a budget: the best set of *eligible* ranked projects, solved exactly.

Eligibility follows the screening. By default only the top two tiers of the criteria set (``priority`` and
``recommended``) are candidates, never ``insufficient_data``, and never a project carrying a flag the
criteria mark ``blocks_portfolio`` (an unapproved restricted or sensitive item, an ex-post record …); excluded
records are not ranked, so never candidates at all. The planner may widen this (``include_tiers``,
``allow_flags``); a widened eligibility is said in every output (:meth:`Eligibility.describe`). Screening must
be able to say no as well as yes: liu-zhang-2024 §三(三) (改变"供给过度") — a portfolio that funds whatever
was ranked would undo the screening.

Objective. The default, ``score_weighted_cost``, maximises Σ score_i · cost_i: each dollar is weighted by
the score of the project it funds, so the envelope goes to the best projects and a project counts in
proportion to the money it uses. The old objective, Σ score_i (kept as ``sum_of_scores``), counts every
project the same whatever its size: it rewards the mere number of cheap projects (ten USD 10 m projects
scoring 70 beat one USD 100 m project scoring 80), and splitting one programme into many records raises its
value. Σ score · cost does not change when a programme is split into phases or tranches. The mix of tracks
(small-and-beautiful against flagship) is a separate policy choice, the planner's 三个统筹, set by the
constraints ``min_small_share``, ``min_small_count`` and ``min_flagship_count``, not by the objective.

Model (a 0-1 knapsack with side constraints, solved with ``scipy.optimize.milp`` / HiGHS branch-and-cut,
``mip_rel_gap=0`` and a time limit; Martello & Toth 1990, *Knapsack Problems*, for the base model)::

    maximise    Σ w_i · x_i                           x_i ∈ {0, 1}, one per eligible ranked project
                w_i = score_i · cost_i  (score_weighted_cost)  or  w_i = score_i  (sum_of_scores)
    subject to  Σ cost_i · x_i ≤ budget        (cost = total_investment_usd_m, or the planner's cost_column)
                Σ_{small} cost_i · x_i ≥ S · Σ cost_i · x_i               min_small_share S (share of chosen cost)
                Σ_{small} x_i ≥ N_s                                       min_small_count
                Σ_{flagship} x_i ≥ N_f                                    min_flagship_count
                Σ_{country c} cost_i · x_i ≤ C · Σ cost_i · x_i  ∀ c      max_country_share (linearised)
                Σ_{sector s}  cost_i · x_i ≤ C · Σ cost_i · x_i  ∀ s      max_sector_share
                x_i + x_j ≤ 1   for every duplicate pair (the criteria's duplicates flag)   no_duplicates
                x_i = x_j       for the eligible members i, j of one project group          whole_groups
    eligible:   tiers (default top two, plus include_tiers, less exclude_tiers), no blocks_portfolio flag
                (less allow_flags), less exclude_flags, or any flag (exclude_flagged).

Exactness. The objective is solved in integers: scores are rounded to 0.01 (integer hundredths) and costs
are put on the coarsest decimal grid that holds them all (1, 0.1 … 10⁻⁶ USD m); the weights are the integer
products divided by their common divisor. An integer objective with a relative gap of 0 is proven optimal,
not approximately so (HiGHS also rounds its bound to the integer objective). Only a cost finer than
10⁻⁶ USD m (one dollar) is rounded, and in the weight only, never in the budget or share constraints; so is
a cost grid made coarser to keep the weights' sum below 2⁵³, where doubles stop being exact integers. A
project of zero cost adds nothing to Σ score · cost: it is chosen only when a count constraint needs it.
The reported status is the solver's (``optimal``, ``time_limit``, ``infeasible``…) with the gap reached.
The efficient frontier re-solves the same model with only the budget right-hand side changed.

Project groups (:mod:`screening.stages.groups`: tranches, phases, sections and co-financed parts of one
project). By default (``whole_groups``) the eligible members of a group are one decision: chosen together or
not at all. A tranche of a road without its other sections buys no road, and the lender that funds one
tranche is committed to the project; Σ score · cost is the same whether a project comes as one record or as
its tranches, so keeping them together changes what is decided, not how it is valued. Each member keeps its
own score (fixed anchors); the group only ties the decisions. A group some of whose members are not eligible
(another tier, a blocking flag, excluded) is reported (:meth:`Portfolio.group_note`): its eligible members
are offered together, the others are not funded here. Links can join a framework agreement's many works into
one group (AidData's programme ids); a planner who wants to decide on them one by one turns ``whole_groups``
off.

The budget is counted in ``total_investment_usd_m`` (the best amount the source has; ``amount_basis`` says
whether it is a project cost or a financing commitment) unless the planner names another money column
(``cost_column``, e.g. ``project_cost_usd_m``); a project with no value in that column is not eligible and
is counted apart.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import re
import sys
import time
import typing
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array

from screening.criteria.models import FlagRole, Tier
from screening.i18n import Text, join, text
from screening.io.schema import decision_code
from screening.report import THIN_FILE_SHARE
from screening.stages.groups import GROUP, GROUP_SIZE
from screening.vocab.coerce import parse_number

__all__ = [
    "DEFAULT_TIER_COUNT",
    "ConstraintsError",
    "binding_constraints",
    "decisions_of",
    "Eligibility",
    "Objective",
    "Portfolio",
    "PortfolioConstraints",
    "blocking_flag_ids",
    "duplicate_flag_ids",
    "duplicate_pairs_from_hits",
    "efficient_frontier",
    "eligibility",
    "optimise",
    "value_for_money",
]


COST = "total_investment_usd_m"


SMALL = "small_and_beautiful"


FLAGSHIP = "flagship"


INSUFFICIENT = "insufficient_data"


# The tier ids are a fixed schema vocabulary (best first); a ranked frame may also carry insufficient_data.
SCHEMA_TIERS: tuple[str, ...] = typing.get_args(Tier.model_fields["id"].annotation)


TierId = Literal["priority", "recommended", "conditional", "deferred", "insufficient_data"]


Objective = Literal["score_weighted_cost", "sum_of_scores"]


DEFAULT_TIER_COUNT = 2  # the top two tiers of the criteria set: priority and recommended


_EXACT_LIMIT = 2.0**53  # doubles hold every integer up to here


POOL_PREFIX, POOL_SUFFIX = "funding_", "_usd_m"  # a pool column: funding_<pool>_usd_m


POOL_NAME = re.compile(r"[a-z][a-z0-9_]*")


PROFILE = "cost_profile"  # "40;35;25": per cent of the cost in each construction year from start_year


PROFILE_TOLERANCE = 0.5  # why: our choice — percentages typed to one decimal may add to 99.9 or 100.1


class ConstraintsError(ValueError):
    """A constraint that cannot be applied to these projects (an unknown id, an unreadable cost profile …);
    :attr:`text` says which, in one line, in both languages."""

    def __init__(self, said: Text) -> None:
        super().__init__(said.en)
        self.text = said


class PortfolioConstraints(BaseModel):
    """The planner's constraints (all optional except the budget, in USD million)."""

    model_config = ConfigDict(extra="forbid")

    budget: float = Field(ge=0, description="USD million, like total_investment_usd_m")
    objective: Objective = Field(
        default="score_weighted_cost",
        description="score_weighted_cost: Σ score × cost (each dollar weighted by its project's score); "
        "sum_of_scores: Σ score (rewards the number of projects)",
    )
    min_small_share: float | None = Field(
        default=None, ge=0, le=1, description="minimum share of the chosen cost in small_and_beautiful"
    )
    min_small_count: int | None = Field(default=None, ge=0)
    min_flagship_count: int | None = Field(default=None, ge=0)
    max_country_share: float | None = Field(default=None, gt=0, le=1, description="share of the chosen cost")
    max_sector_share: float | None = Field(default=None, gt=0, le=1, description="share of the chosen cost")
    no_duplicates: bool = Field(
        default=False, description="never two projects flagged as duplicates of each other"
    )
    include_tiers: list[TierId] = Field(
        default_factory=list, description="tiers made eligible beyond the default top two (widens)"
    )
    allow_flags: list[str] = Field(
        default_factory=list, description="blocks_portfolio flags whose projects become eligible (widens)"
    )
    exclude_tiers: list[str] = Field(default_factory=list)
    exclude_flags: list[str] = Field(default_factory=list)
    exclude_flagged: bool = Field(default=False, description="leave out every project with a review flag")
    time_limit: float = Field(default=60.0, gt=0, description="seconds")
    cost_column: str = Field(
        default=COST, min_length=1, description="the money column the budget counts (USD million)"
    )
    whole_groups: bool = Field(
        default=True, description="the eligible members of a project group are chosen together or not at all"
    )
    # issue 17: decisions, exclusions, dependencies, funding pools and yearly budgets (docs/portfolio.md)
    must_fund: list[str] = Field(
        default_factory=list, description="project ids funded whatever their eligibility (the planner's call)"
    )
    must_not: list[str] = Field(default_factory=list, description="project ids never funded")
    exclusive: list[list[str]] = Field(
        default_factory=list, description="groups of project ids of which at most one is funded"
    )
    requires: dict[str, list[str]] = Field(
        default_factory=dict, description="B: [A, …] — B is funded only if every A is funded"
    )
    decisions: dict[str, str] = Field(
        default_factory=dict,
        description="reviewers' decisions, id → approve (must fund) / reject (must not) / defer (no effect)",
    )
    pools: dict[str, float] = Field(
        default_factory=dict,
        description="funding pool → its budget (USD million); a project's share of a pool comes from the "
        "column funding_<pool>_usd_m or from pool_shares; the rest of its cost counts against the budget",
    )
    pool_shares: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="id → {pool: USD million}, beside or instead of the pool columns"
    )
    budget_by_year: dict[int, float] = Field(
        default_factory=dict,
        description="year → budget (USD million) for the money the budget counts, spread over construction "
        "years (cost_profile, else evenly from start_year over construction_months)",
    )

    @field_validator("pools", "budget_by_year")
    @classmethod
    def _non_negative(cls, v: dict[Any, float]) -> dict[Any, float]:
        bad = [str(k) for k, x in v.items() if not (math.isfinite(float(x)) and float(x) >= 0)]
        if bad:
            raise ValueError(f"budgets must be finite and at least 0: {', '.join(bad)}")
        return v

    @field_validator("pools")
    @classmethod
    def _pool_names(cls, v: dict[str, float]) -> dict[str, float]:
        bad = [k for k in v if not POOL_NAME.fullmatch(k)]
        if bad:
            raise ValueError(
                f"pool names are lower-case words with _ (funding_<pool>_usd_m): {', '.join(bad)}"
            )
        return v

    @field_validator("budget_by_year")
    @classmethod
    def _years(cls, v: dict[int, float]) -> dict[int, float]:
        bad = [str(y) for y in v if not 1950 <= int(y) <= 2100]
        if bad:
            raise ValueError(f"budget years must lie in 1950–2100: {', '.join(bad)}")
        return v

    @field_validator("exclusive")
    @classmethod
    def _groups(cls, v: list[list[str]]) -> list[list[str]]:
        short = [g for g in v if len(set(g)) < 2]
        if short:
            raise ValueError(f"an exclusive group names at least two projects: {short[0]}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> PortfolioConstraints:
        codes = {pid: decision_code(d) for pid, d in self.decisions.items()}
        odd = sorted(pid for pid, c in codes.items() if c not in ("approve", "reject", "defer"))
        if odd:
            raise ValueError(f"decisions are approve, reject or defer: {', '.join(odd)}")
        for pid, shares in self.pool_shares.items():
            unknown = [p for p in shares if p not in self.pools]
            if unknown:
                raise ValueError(f"pool_shares of {pid} name pools without a budget: {', '.join(unknown)}")
            neg = [p for p, x in shares.items() if not (math.isfinite(float(x)) and float(x) >= 0)]
            if neg:
                raise ValueError(f"pool_shares of {pid} must be at least 0: {', '.join(neg)}")
        both = sorted(set(self.forced_ids()) & set(self.barred_ids()))
        if both:
            raise ValueError(f"both must-fund (or approved) and must-not (or rejected): {', '.join(both)}")
        loops = [b for b, needs in self.requires.items() if b in needs]
        if loops:
            raise ValueError(f"a project cannot require itself: {', '.join(loops)}")
        return self

    def decision_codes(self) -> dict[str, str]:
        """The decisions as codes (approve / reject / defer), whatever language they were written in."""
        return {pid: str(decision_code(d)) for pid, d in self.decisions.items()}

    def forced_ids(self) -> dict[str, str]:
        """id → why it must be funded: ``must_fund`` (the planner's list) or ``reviewer_approval``."""
        out = {pid: "reviewer_approval" for pid, c in self.decision_codes().items() if c == "approve"}
        out.update({pid: "must_fund" for pid in self.must_fund})
        return out

    def barred_ids(self) -> dict[str, str]:
        """id → why it is never funded: ``must_not`` or ``reviewer_rejection``."""
        out = {pid: "reviewer_rejection" for pid, c in self.decision_codes().items() if c == "reject"}
        out.update({pid: "must_not" for pid in self.must_not})
        return out

    def referenced_ids(self) -> list[str]:
        """Every project id the constraints name (for the unknown-id check)."""
        ids = [*self.must_fund, *self.must_not, *self.decisions, *self.pool_shares]
        ids += [i for g in self.exclusive for i in g]
        ids += [i for b, needs in self.requires.items() for i in (b, *needs)]
        return list(dict.fromkeys(str(i) for i in ids))

    def describe(self) -> list[Text]:
        """The active constraints in words."""
        said = [text("pf_con_budget", budget=self.budget)]
        if self.min_small_share:
            said.append(text("pf_con_min_small_share", share=self.min_small_share))
        if self.min_small_count:
            said.append(text("pf_con_min_small_count", n=self.min_small_count))
        if self.min_flagship_count:
            said.append(text("pf_con_min_flagship_count", n=self.min_flagship_count))
        if self.max_country_share is not None:
            said.append(text("pf_con_max_country_share", share=self.max_country_share))
        if self.max_sector_share is not None:
            said.append(text("pf_con_max_sector_share", share=self.max_sector_share))
        if self.no_duplicates:
            said.append(text("pf_con_no_duplicates"))
        if self.exclude_tiers:
            said.append(text("pf_con_exclude_tiers", tiers=join(self.exclude_tiers)))
        if self.exclude_flags:
            said.append(text("pf_con_exclude_flags", flags=join(self.exclude_flags)))
        if self.exclude_flagged:
            said.append(text("pf_con_exclude_flagged"))
        if self.cost_column != COST:
            said.append(text("pf_con_cost_column", column=self.cost_column))
        if not self.whole_groups:
            said.append(text("pf_con_split_groups"))
        forced, barred = self.forced_ids(), self.barred_ids()
        if forced:
            said.append(text("pf_con_must_fund", ids=join(sorted(forced))))
        if barred:
            said.append(text("pf_con_must_not", ids=join(sorted(barred))))
        for group in self.exclusive:
            said.append(text("pf_con_exclusive", ids=join(group)))
        for b, needs in sorted(self.requires.items()):
            said.append(text("pf_con_requires", b=b, a=join(needs)))
        for pool, cap in self.pools.items():
            said.append(text("pf_con_pool", pool=pool, budget=_fmt(cap)))
        for year, cap in sorted(self.budget_by_year.items()):
            said.append(text("pf_con_year", year=year, budget=_fmt(cap)))
        return said


def objective_label(objective: str) -> Text:
    """The objective in words (``pf_objective_<name>``)."""
    return text(f"pf_objective_{objective}")


def blocking_flag_ids(criteria: Any) -> list[str]:
    """The criteria set's flags marked ``blocks_portfolio``: their projects are left out by default."""
    return [] if criteria is None else [f.id for f in criteria.flags if f.blocks_portfolio]


@dataclass(frozen=True)
class Eligibility:
    """Which ranked projects are candidates: the default (from the criteria) and what the planner widened."""

    default_tiers: tuple[str, ...]  # the top two tiers of the criteria set
    tiers: tuple[str, ...]  # eligible tiers: default + include_tiers − exclude_tiers
    blocking_flags: tuple[str, ...]  # blocks_portfolio flags still keeping their projects out
    allowed_flags: tuple[str, ...]  # blocks_portfolio flags the planner lifted
    added_tiers: tuple[str, ...] = ()  # tiers beyond the default (include_tiers)
    ranked: int = 0  # ranked projects before eligibility
    eligible: int = 0  # eligible projects (with a cost and a score)
    left_out_by_tier: int = 0
    left_out_by_blocking_flag: int = 0  # of a tier still eligible
    left_out_by_no_cost: int = 0  # otherwise eligible, with no value in the cost column
    cost_column: str = COST
    insufficient: int = 0  # ranked projects of tier insufficient_data (data too thin to judge)
    completeness_line: float = 0.5  # the criteria's completeness_threshold (for the words of thin_note)
    forced: int = 0  # candidates only because they must be funded (must_fund, approval), counted in eligible
    left_out_by_no_year: int = 0  # with yearly budgets: no start_year, so no year to count the cost in
    approved_not_ranked: tuple[str, ...] = ()  # approved by reviewers, but excluded by the screening

    def thin_note(self) -> Text | None:
        """Why thin records are not in an "optimal" portfolio, in words: when insufficient_data projects were
        made eligible (whatever their number), or when the file is thin (more than
        :data:`screening.report.THIN_FILE_SHARE` of the ranked projects lack data) and they are left out."""
        line = f"{self.completeness_line:.0%}"
        if self.insufficient and INSUFFICIENT in self.tiers:
            return text("pf_thin_included", line=line)
        if self.ranked and self.insufficient > THIN_FILE_SHARE * self.ranked:
            return text(
                "pf_thin_note",
                n=self.insufficient,
                ranked=self.ranked,
                judged=self.ranked - self.insufficient,
                line=line,
            )
        return None

    @property
    def widened(self) -> bool:
        """Anything made eligible that the default leaves out."""
        return bool(self.added_tiers or self.allowed_flags)

    def describe(self) -> Text:
        """One line: the eligible tiers and blocking flags, default or widened, and how many are eligible."""
        rule = (
            text("pf_elig_rule", tiers=join(self.tiers), blocking=join(self.blocking_flags))
            if self.blocking_flags
            else text("pf_elig_rule_no_flags", tiers=join(self.tiers))
        )
        counts = text(
            "pf_elig_counts",
            eligible=self.eligible,
            ranked=self.ranked,
            by_tier=self.left_out_by_tier,
            by_flag=self.left_out_by_blocking_flag,
        )
        if self.left_out_by_no_cost:
            counts = text(
                "pf_elig_no_cost", counts=counts, n=self.left_out_by_no_cost, column=self.cost_column
            )
        if self.left_out_by_no_year:
            counts = text("pf_elig_no_year", counts=counts, n=self.left_out_by_no_year)
        if self.forced:
            counts = text("pf_elig_forced", counts=counts, n=self.forced)
        if self.approved_not_ranked:
            counts = text("pf_elig_approved_not_ranked", counts=counts, ids=join(self.approved_not_ranked))
        if not self.widened:
            return text("pf_elig_default", rule=rule, counts=counts)
        changes: list[Text] = []
        if self.added_tiers:
            changes.append(text("pf_elig_added_tiers", tiers=join(self.added_tiers)))
        if self.allowed_flags:
            changes.append(text("pf_elig_allowed_flags", flags=join(self.allowed_flags)))
        return text("pf_elig_widened", changes=join(changes, "sep_items"), rule=rule, counts=counts)


def eligibility(constraints: PortfolioConstraints, criteria: Any = None) -> Eligibility:
    """The eligibility rule for ``constraints`` under ``criteria`` (a CriteriaSet; None: the schema's tiers
    and no blocking flag). Counts are filled in by :func:`optimise`."""
    order = [t.id for t in criteria.tiers] if criteria is not None else list(SCHEMA_TIERS)
    default = order[:DEFAULT_TIER_COUNT]
    added = [t for t in [*order, INSUFFICIENT] if t in constraints.include_tiers and t not in default]
    tiers = [t for t in [*default, *added] if t not in constraints.exclude_tiers]
    blocking = blocking_flag_ids(criteria)
    allowed = [f for f in blocking if f in constraints.allow_flags]
    return Eligibility(
        default_tiers=tuple(default),
        tiers=tuple(tiers),
        blocking_flags=tuple(f for f in blocking if f not in allowed),
        allowed_flags=tuple(allowed),
        added_tiers=tuple(added),
    )


@dataclass
class Portfolio:
    """Result of :func:`optimise`."""

    chosen: pd.DataFrame  # project_id, rank, cost, score, cum_cost, cum_score, track, tier, country, sector
    objective: float  # value of the objective maximised (NaN when none was found)
    total_cost: float
    status: str  # optimal | time_limit | infeasible | no_candidates | error
    status_text: str  # the solver's own message
    gap: float | None  # relative MIP gap reached (0 when proven optimal)
    bound: float | None  # best bound on the objective
    constraints: PortfolioConstraints
    eligible: int
    message: Text  # one line in each language
    seconds: float = 0.0
    eligibility: Eligibility | None = None
    tracks: dict[str, Text] = field(default_factory=dict)  # track id → label, in the criteria's order
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "time_limit") and not np.isnan(self.objective)

    @property
    def total_score(self) -> float:
        """Σ score of the chosen projects."""
        return round(float(self.chosen["score"].sum()), 2) if self.ok else float("nan")

    @property
    def mean_score_per_dollar(self) -> float:
        """Cost-weighted mean score of the chosen projects (Σ score × cost / Σ cost): the score a dollar buys."""
        if not self.ok or self.total_cost <= 0:
            return float("nan")
        return round(float((self.chosen["score"] * self.chosen["cost"]).sum()) / self.total_cost, 2)

    def track_mix(self) -> pd.DataFrame:
        """The chosen set per track: ``track``, ``projects``, ``cost``, ``cost_share`` (every track of the
        criteria set, in its order, then any other track found)."""
        chosen = self.chosen
        track = (
            chosen["track"].astype(str) if "track" in chosen.columns else pd.Series("", index=chosen.index)
        )
        order = list(self.tracks) + [t for t in dict.fromkeys(track) if t not in self.tracks]
        projects = [int((track == t).sum()) for t in order]
        cost = [float(chosen.loc[(track == t).to_numpy(), "cost"].sum()) for t in order]
        total = sum(cost)
        share = [c / total if total > 0 else 0.0 for c in cost]
        return pd.DataFrame({"track": order, "projects": projects, "cost": cost, "cost_share": share})

    def track_mix_text(self) -> Text:
        """The track mix in one line: count, cost and share of cost per track."""
        mix = self.track_mix()
        items = [
            text("pf_track_mix_item", track=self.tracks.get(track, track), n=n, cost=_fmt(cost), share=share)
            for track, n, cost, share in zip(
                mix["track"].astype(str),
                mix["projects"].astype(int),
                mix["cost"],
                mix["cost_share"],
                strict=True,
            )
        ]
        return text("pf_track_mix", items=join(items, "sep_items"))

    def group_counts(self) -> tuple[int, int, list[str]]:
        """(project groups with a chosen member, records of them chosen, ids of the groups some of whose
        members are not chosen: not eligible, or left out with ``whole_groups`` off)."""
        chosen = self.chosen
        if not self.ok or GROUP not in chosen.columns or GROUP_SIZE not in chosen.columns:
            return 0, 0, []
        grouped = chosen[chosen[GROUP].map(lambda g: isinstance(g, str) and bool(g))]
        if grouped.empty:
            return 0, 0, []
        per = grouped.groupby(GROUP, observed=True).agg(
            chosen=("project_id", "size"), size=(GROUP_SIZE, "max")
        )
        partly = sorted(str(g) for g, row in per.iterrows() if row["chosen"] < row["size"])
        return len(per), len(grouped), partly

    def group_note(self) -> Text | None:
        """One line on the project groups in the portfolio (None when it holds no member of a group)."""
        groups, members, partly = self.group_counts()
        if not groups:
            return None
        if not partly:
            return text("pf_groups_whole", groups=groups, members=members)
        return text(
            "pf_groups_partly", groups=groups, members=members, partly=len(partly), ids=", ".join(partly)
        )

    def override_notes(self) -> list[Text]:
        """One line per chosen project funded by a must-fund or a reviewer's approval although the default
        eligibility leaves it out ("BR-043 funded by the reviewer's approval despite tier conditional")."""
        chosen = self.chosen
        if not self.ok or "funded_despite" not in chosen.columns:
            return []
        out = []
        for pid, by, why in zip(
            chosen["project_id"], chosen["forced_by"], chosen["funded_despite"], strict=True
        ):
            if not why:
                continue
            reasons = [despite_label(w) for w in str(why).split(";") if w]
            out.append(text(f"pf_override_{by}", id=pid, reasons=join(reasons, "sep_items")))
        return out

    def pool_totals(self) -> pd.DataFrame:
        """Money of the chosen projects per budget: ``budget`` (the main one, then each pool), ``used``,
        ``limit``, ``left``."""
        c = self.constraints
        rows = [("budget", self.budget_used(), c.budget)]
        for pool, cap in c.pools.items():
            col = pool_column(pool)
            used = float(self.chosen[col].sum()) if self.ok and col in self.chosen.columns else 0.0
            rows.append((f"pool:{pool}", used, float(cap)))
        return _totals(rows)

    def year_totals(self) -> pd.DataFrame:
        """The budget's money of the chosen projects per budget year: ``budget`` (``year:<y>``), ``used``,
        ``limit``, ``left``."""
        rows = []
        for year, cap in sorted(self.constraints.budget_by_year.items()):
            col = f"spend_{year}_usd_m"
            used = float(self.chosen[col].sum()) if self.ok and col in self.chosen.columns else 0.0
            rows.append((f"year:{year}", used, float(cap)))
        return _totals(rows)

    def budget_used(self) -> float:
        """The money of the chosen projects counted against the main budget (their cost less pool shares)."""
        if not self.ok:
            return 0.0
        if "budget_cost" in self.chosen.columns:
            return float(self.chosen["budget_cost"].sum())
        return self.total_cost

    def constraints_frame(self, lang: str | None = None) -> pd.DataFrame:
        """Constraints, eligibility, solver status, gap and track mix as ``item``/``value`` rows (for the
        ``Portfolio`` sheet); texts in ``lang``, or in both languages ("English / 中文") when ``lang`` is None."""

        def said(value: Text) -> str:
            return f"{value.en} / {value.zh}" if lang is None else value.get(lang)

        c = self.constraints
        e = self.eligibility
        thin = None if e is None else e.thin_note()
        rows: list[tuple[str, object]] = [
            ("budget_usd_m", c.budget),
            ("objective", c.objective),
            ("objective_in_words", said(objective_label(c.objective))),
            ("min_small_share", c.min_small_share),
            ("min_small_count", c.min_small_count),
            ("min_flagship_count", c.min_flagship_count),
            ("max_country_share", c.max_country_share),
            ("max_sector_share", c.max_sector_share),
            ("no_duplicates", c.no_duplicates),
            ("cost_column", c.cost_column),
            ("whole_groups", c.whole_groups),
            ("default_eligible_tiers", "" if e is None else ", ".join(e.default_tiers)),
            ("include_tiers", ", ".join(c.include_tiers)),
            ("allow_flags", ", ".join(c.allow_flags)),
            ("eligible_tiers", "" if e is None else ", ".join(e.tiers)),
            ("blocking_flags", "" if e is None else ", ".join(e.blocking_flags)),
            ("eligibility_widened", None if e is None else e.widened),
            ("eligibility", "" if e is None else said(e.describe())),
            ("thin_data", "" if thin is None else said(thin)),
            ("exclude_tiers", ", ".join(c.exclude_tiers)),
            ("exclude_flags", ", ".join(c.exclude_flags)),
            ("exclude_flagged", c.exclude_flagged),
            ("time_limit_s", c.time_limit),
            ("eligible_projects", self.eligible),
            ("chosen_projects", len(self.chosen)),
            ("total_cost_usd_m", round(self.total_cost, 6)),
            ("objective_value", self.objective),
            ("total_score", self.total_score),
            ("mean_score_per_dollar", self.mean_score_per_dollar),
        ]
        mix = self.track_mix()
        for track, n, cost in zip(mix["track"], mix["projects"], mix["cost"], strict=True):
            rows += [
                (f"track_projects:{track}", int(n)),
                (f"track_cost_usd_m:{track}", round(float(cost), 6)),
            ]
        rows += [
            ("track_mix", said(self.track_mix_text())),
            ("status", self.status),
            ("solver_message", self.status_text),
            ("mip_gap", self.gap),
            ("best_bound", self.bound),
            ("solve_seconds", round(self.seconds, 3)),
            ("message", said(self.message)),
        ]
        note = self.group_note()
        if note is not None:
            rows.append(("project_groups", said(note)))
        if c.forced_ids() or c.barred_ids() or c.exclusive or c.requires:
            rows += [
                ("must_fund", ", ".join(sorted(c.forced_ids()))),
                ("must_not", ", ".join(sorted(c.barred_ids()))),
                ("exclusive", " | ".join(", ".join(g) for g in c.exclusive)),
                ("requires", " | ".join(f"{b} ← {', '.join(a)}" for b, a in sorted(c.requires.items()))),
            ]
        rows += [(f"funded_despite:{i}", said(n)) for i, n in enumerate(self.override_notes(), start=1)]
        if c.pools or c.budget_by_year:
            for frame in (self.pool_totals(), self.year_totals()):
                for name, used, cap in zip(frame["budget"], frame["used"], frame["limit"], strict=True):
                    rows += [(f"used_usd_m:{name}", round(float(used), 6)), (f"limit_usd_m:{name}", cap)]
        return pd.DataFrame(rows, columns=["item", "value"])


def _totals(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["budget", "used", "limit"])
    frame["left"] = frame["limit"] - frame["used"]
    return frame


def despite_label(reason: str) -> Text:
    """One code of ``funded_despite`` in words: ``tier:<id>``, ``flag:<id>`` or ``excluded_by_planner``."""
    kind, _, arg = reason.partition(":")
    if kind == "tier":
        return text("pf_despite_tier", tier=arg)
    if kind == "flag":
        return text("pf_despite_flag", flag=arg)
    return text("pf_despite_excluded_by_planner")


def binding_constraints(portfolio: Portfolio, time_limit: float | None = None) -> pd.DataFrame:
    """Which constraints bind the optimum: one row per constraint family of the model (the budget, each pool,
    each year, the must-fund and must-not lists, the exclusive groups, the dependencies, the shares and counts,
    the duplicates and the groups). ``tight``: some row of it holds with no slack at the optimum; ``binds``:
    the best objective rises when this family alone is dropped (re-solved exactly, so "binds" is the
    planner's question — does this constraint cost value? — not only "is it tight"). Columns: ``constraint``
    (the family key), ``label`` (:class:`Text`), ``used``, ``limit`` (money rows: budget, pool, year; NaN for
    the others), ``tight``, ``binds``, ``objective_without`` (NaN when the re-solve found none). Each re-solve
    has ``time_limit`` seconds (default: the constraints'); one stopped by it before proving its optimum
    reports ``binds`` True only if what it found already beats the portfolio, else None (not known)."""
    cols = ["constraint", "label", "used", "limit", "tight", "binds", "objective_without"]
    m = portfolio.extra.get("model")
    if m is None or m.a is None or not portfolio.ok:
        return pd.DataFrame(columns=cols)
    cons = portfolio.constraints
    chosen = set(portfolio.chosen["project_id"].astype(str))
    x = m.frame["project_id"].astype(str).isin(chosen).to_numpy(dtype=float)
    act = m.a @ x
    ub = m.ub.copy()
    ub[0] = cons.budget
    scale = 1e-7 * (1 + np.abs(act))
    tight_rows = (np.abs(act - ub) <= scale) | (np.abs(act - m.lb) <= scale)
    rows = []
    for family in dict.fromkeys(_family(name) for name in m.names):
        idx = [i for i, name in enumerate(m.names) if _family(name) == family]
        keep = [i for i in range(len(m.names)) if i not in set(idx)]
        limit = cons.time_limit if time_limit is None else time_limit
        best, proven = _objective_with_rows(m, keep, ub, limit)
        money = family == "budget" or family.startswith(("pool:", "year:"))
        better = best is not None and best > portfolio.objective + 1e-6 * (1 + abs(portfolio.objective))
        rows.append(
            {
                "constraint": family,
                "label": family_label(family, cons),
                "used": float(act[idx[0]]) if money else np.nan,
                "limit": float(ub[idx[0]]) if money else np.nan,
                "tight": bool(tight_rows[idx].any()) if family not in ("group",) else bool(len(idx)),
                "binds": True if better else (False if proven else None),
                "objective_without": np.nan if best is None else best,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _objective_with_rows(
    m: _Model, keep: list[int], ub: np.ndarray, time_limit: float
) -> tuple[float | None, bool]:
    """(best objective value of the model restricted to the rows ``keep``, None when no solution is found;
    whether that is proven: optimal, or infeasible)."""
    n = len(m.frame)
    if m.a is None:
        return None, False
    constraints = [LinearConstraint(m.a[keep], m.lb[keep], ub[keep])] if keep else []
    with _native_stdout_silenced():
        res = milp(
            m.c,
            constraints=constraints,
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": True},
        )
    if res.x is None:
        return None, res.status == 2
    chosen = m.frame[np.rint(res.x) > 0.5]
    return _value(chosen, m.objective), res.status == 0


def duplicate_pairs_from_hits(
    hits: pd.DataFrame | None, flag_ids: Collection[str] | None = None
) -> set[tuple[str, str]]:
    """Unordered pairs of project ids flagged as duplicates of each other (from the hits' ``partners``).

    ``flag_ids``: the duplicate checks to read (a criteria set's flag with the role ``duplicates``:
    :func:`duplicate_flag_ids`); None reads every hit that names partners (only a duplicate check does)."""
    pairs: set[tuple[str, str]] = set()
    if hits is None or hits.empty or "partners" not in hits.columns:
        return pairs
    dup = hits[hits["partners"].notna()]
    if flag_ids is not None:
        dup = dup[dup["id"].isin(list(flag_ids))]
    for pid, partners in zip(dup["project_id"].astype(str), dup["partners"].astype(str), strict=True):
        for other in (p.strip() for p in partners.split(",")):
            if other and other != pid:
                pairs.add((min(pid, other), max(pid, other)))
    return pairs


def duplicate_flag_ids(criteria: Any) -> list[str]:
    """The id of the criteria set's flag with the role ``duplicates`` (none without such a flag)."""
    flag = criteria.flag_by_role(FlagRole.DUPLICATES)
    return [] if flag is None else [flag.id]


@dataclass(frozen=True)
class _Input:
    frame: pd.DataFrame
    hits: pd.DataFrame | None
    criteria: Any  # a CriteriaSet, or None for a bare ranked frame
    records: frozenset[str] = frozenset()  # every record's id (a Result): excluded ones are known, not ranked


def _unpack(ranked: Any, hits: pd.DataFrame | None, criteria: Any = None) -> _Input:
    if hasattr(ranked, "ranked") and hasattr(ranked, "hits"):  # a pipeline Result
        records = getattr(ranked, "records", None)
        ids = frozenset() if records is None else frozenset(records["project_id"].dropna().astype(str))
        return _Input(
            ranked.ranked,
            ranked.hits if hits is None else hits,
            getattr(ranked, "criteria", None) if criteria is None else criteria,
            ids,
        )
    return _Input(ranked, hits, criteria)


def decisions_of(result: Any) -> dict[str, str]:
    """Reviewers' decisions carried by a re-imported workbook (``Input.reviews``: id → approve / reject /
    defer), for :func:`optimise`'s ``decisions``; empty for any other input. The last word for an id wins."""
    reviews = getattr(getattr(result, "input", None), "reviews", None)
    if reviews is None or len(reviews) == 0:
        return {}
    out: dict[str, str] = {}
    for pid, dec in zip(reviews["project_id"], reviews["reviewer_decision"], strict=True):
        code = decision_code(dec)
        if isinstance(pid, str) and pid and code in ("approve", "reject", "defer"):
            out[pid] = code
    return out


def with_decisions(
    constraints: PortfolioConstraints, decisions: Mapping[str, str] | None
) -> PortfolioConstraints:
    """The constraints with reviewers' ``decisions`` added (a decision given here wins over the same id's in
    ``constraints.decisions``); a conflict (approved and must-not …) raises :class:`ConstraintsError`."""
    if not decisions:
        return constraints
    data = constraints.model_dump()
    data["decisions"] = {**constraints.decisions, **{str(k): str(v) for k, v in decisions.items()}}
    try:
        return PortfolioConstraints.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise ConstraintsError(
            text("pf_err_constraints", msg=str(first["msg"]).removeprefix("Value error, "))
        ) from None


def _pairs(given: _Input) -> set[tuple[str, str]]:
    """Duplicate pairs: from a criteria set, its duplicates flag; from a bare frame, any partners."""
    ids = duplicate_flag_ids(given.criteria) if given.criteria is not None else None
    return duplicate_pairs_from_hits(given.hits, ids)


def _track_labels(criteria: Any) -> dict[str, Text]:
    if criteria is None:
        return {}
    return {t.id: t.label for t in criteria.tracks}


def _flag_sets(frame: pd.DataFrame) -> pd.Series:
    if "flags" not in frame.columns:
        return pd.Series([set()] * len(frame), index=frame.index, dtype=object)
    return frame["flags"].fillna("").astype(str).str.split(";").map(lambda fs: {f for f in fs if f})


def _eligible(
    frame: pd.DataFrame,
    c: PortfolioConstraints,
    criteria: Any = None,
    forced: Collection[str] = (),
) -> tuple[pd.DataFrame, Eligibility]:
    """The candidates: eligible ranked projects with a cost and a score, plus the ``forced`` ids (must fund,
    approved) whatever their tier or flags; those get ``_forced`` True and ``_despite`` (why the default
    would leave them out: ``tier:<id>``, ``flag:<id>``, ``excluded_by_planner``)."""
    rule = eligibility(c, criteria)
    n = len(frame)
    by_tier = np.ones(n, dtype=bool)
    if "tier" in frame.columns:
        by_tier = frame["tier"].astype(str).isin(rule.tiers).to_numpy()
    flags = _flag_sets(frame)
    blocking = set(rule.blocking_flags)
    not_blocked = ~flags.map(lambda fs: bool(fs & blocking)).to_numpy(dtype=bool)
    keep = by_tier & not_blocked
    by_planner = np.ones(n, dtype=bool)
    if c.exclude_flagged:
        by_planner &= ~flags.map(bool).to_numpy(dtype=bool)
    if c.exclude_flags:
        bad = set(c.exclude_flags)
        by_planner &= ~flags.map(lambda fs: bool(fs & bad)).to_numpy(dtype=bool)
    keep &= by_planner
    ids = frame["project_id"].astype(str).to_numpy() if n else np.array([], dtype=object)
    is_forced = np.isin(ids, list(forced)) if len(forced) else np.zeros(n, dtype=bool)
    despite = np.full(n, "", dtype=object)
    tiers = frame["tier"].astype(str).to_numpy() if "tier" in frame.columns else np.full(n, "")
    for i in np.flatnonzero(is_forced & ~keep):
        why = [] if by_tier[i] else [f"tier:{tiers[i]}"]
        why += [f"flag:{f}" for f in sorted(flags.iloc[i] & blocking)]
        why += [] if by_planner[i] else ["excluded_by_planner"]
        despite[i] = ";".join(why)
    out = frame[keep | is_forced].copy()
    out["_forced"] = is_forced[keep | is_forced]
    out["_despite"] = despite[keep | is_forced]
    blank = pd.Series(np.nan, index=out.index)
    cost = out[c.cost_column] if c.cost_column in out.columns else blank
    out["_cost"] = pd.to_numeric(cost, errors="coerce").astype(float)
    out["_score"] = pd.to_numeric(out["score"], errors="coerce").astype(float)
    no_cost = int((out["_cost"].isna() & out["_score"].notna()).sum())
    lacking = out[out["_forced"] & ~(out["_cost"].notna() & out["_score"].notna() & (out["_cost"] >= 0))]
    if len(lacking):
        raise ConstraintsError(
            text(
                "pf_err_forced_no_cost",
                ids=join(lacking["project_id"].astype(str).tolist()),
                column=c.cost_column,
            )
        )
    out = out[out["_cost"].notna() & out["_score"].notna() & (out["_cost"] >= 0)]
    if "rank" in out.columns:
        out = out.sort_values("rank", kind="stable")
    out, no_year = _money(out.reset_index(drop=True), c)
    counted = Eligibility(
        default_tiers=rule.default_tiers,
        tiers=rule.tiers,
        blocking_flags=rule.blocking_flags,
        allowed_flags=rule.allowed_flags,
        added_tiers=rule.added_tiers,
        ranked=n,
        eligible=len(out),
        left_out_by_tier=int((~by_tier).sum()),
        left_out_by_blocking_flag=int((by_tier & ~not_blocked).sum()),
        left_out_by_no_cost=no_cost,
        cost_column=c.cost_column,
        insufficient=int((frame["tier"].astype(str) == INSUFFICIENT).sum()) if "tier" in frame.columns else 0,
        completeness_line=float(getattr(criteria, "completeness_threshold", 0.5)),
        forced=int((out["_despite"] != "").sum()) if len(out) else 0,
        left_out_by_no_year=no_year,
    )
    return out, counted


def pool_column(pool: str) -> str:
    """The input column of a funding pool: ``funding_<pool>_usd_m``."""
    return f"{POOL_PREFIX}{pool}{POOL_SUFFIX}"


def pool_columns(frame: pd.DataFrame) -> dict[str, str]:
    """Pool → column for every ``funding_<pool>_usd_m`` column of the frame (read by prefix: such columns are
    not canonical; they pass through the pipeline as the file wrote them)."""
    out: dict[str, str] = {}
    for col in frame.columns:
        name = str(col)
        if name.startswith(POOL_PREFIX) and name.endswith(POOL_SUFFIX):
            pool = name[len(POOL_PREFIX) : -len(POOL_SUFFIX)]
            if POOL_NAME.fullmatch(pool):
                out[pool] = name
    return out


def _money_cell(value: object, pid: str, column: str) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == "":
        return 0.0
    number, problem = parse_number(value, money=True)
    if problem is not None or not isinstance(number, int | float) or number < 0:
        raise ConstraintsError(text("pf_err_pool_value", id=pid, column=column, value=str(value)[:40]))
    return float(number)


def parse_profile(value: object, pid: str = "") -> list[float] | None:
    """A ``cost_profile`` cell ("40;35;25": per cent of the cost in each construction year, from
    ``start_year``) as shares adding to 1; None when blank. A profile that is not numbers separated by ";"
    or does not add to 100 (± :data:`PROFILE_TOLERANCE`) raises :class:`ConstraintsError`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    written = str(value).strip().replace("；", ";")
    if not written:
        return None
    parts = [p.strip().removesuffix("%") for p in written.split(";")]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ConstraintsError(text("pf_err_profile_format", id=pid, value=written[:60])) from None
    if not numbers or any(not math.isfinite(x) or x < 0 for x in numbers):
        raise ConstraintsError(text("pf_err_profile_format", id=pid, value=written[:60]))
    total = sum(numbers)
    if abs(total - 100) > PROFILE_TOLERANCE:
        raise ConstraintsError(text("pf_err_profile_sum", id=pid, value=written[:60], total=f"{total:g}"))
    return [x / total for x in numbers]


def construction_years(months: object) -> int:
    """Calendar years a cost is spread over: ⌈months / 12⌉, at least 1 (one year when unknown).
    why: our choice — the start month is not an input, so a project is taken to start in January."""
    m = pd.to_numeric(pd.Series([months]), errors="coerce").iloc[0]
    if pd.isna(m) or m <= 0:
        return 1
    return max(1, math.ceil(float(m) / 12))


def _money(out: pd.DataFrame, c: PortfolioConstraints) -> tuple[pd.DataFrame, int]:
    """Add ``_main`` (the money the budget counts: the cost less the pools' shares), ``_pool:<p>`` and
    ``_year:<y>`` (the budget's money spent in year y); drop projects with no start year when yearly budgets
    are set (their count is returned)."""
    out = out.copy()
    ids = out["project_id"].astype(str).to_numpy()
    cost = out["_cost"].to_numpy(dtype=float)
    columns = pool_columns(out)
    pooled = np.zeros(len(out))
    for pool in c.pools:
        share = np.zeros(len(out))
        col = columns.get(pool)
        if col is not None:
            share = np.array([_money_cell(v, pid, col) for v, pid in zip(out[col], ids, strict=True)])
        for i, pid in enumerate(ids):
            given = c.pool_shares.get(pid, {})
            if pool in given:
                share[i] = float(given[pool])
        out[f"_pool:{pool}"] = share
        pooled += share
    over = np.flatnonzero(pooled > cost * (1 + 1e-9) + 1e-9)
    if len(over):
        i = int(over[0])
        raise ConstraintsError(
            text("pf_err_pools_over_cost", id=ids[i], pooled=_fmt(pooled[i]), cost=_fmt(cost[i]))
        )
    out["_main"] = np.maximum(cost - pooled, 0.0)
    if not c.budget_by_year:
        return out, 0
    start = pd.to_numeric(out["start_year"], errors="coerce") if "start_year" in out.columns else None
    has_year = np.zeros(len(out), dtype=bool) if start is None else start.notna().to_numpy()
    missing = ~has_year & out["_forced"].to_numpy(dtype=bool)
    if missing.any():
        raise ConstraintsError(text("pf_err_forced_no_year", ids=join(ids[missing].tolist())))
    no_year = int((~has_year).sum())
    out = out[has_year].reset_index(drop=True)
    ids = ids[has_year]
    years = sorted(c.budget_by_year)
    spend = {y: np.zeros(len(out)) for y in years}
    profiles = out[PROFILE].to_numpy(dtype=object) if PROFILE in out.columns else np.full(len(out), None)
    months = (
        out["construction_months"].to_numpy(dtype=object)
        if "construction_months" in out.columns
        else np.full(len(out), None)
    )
    first: np.ndarray = (
        pd.to_numeric(out["start_year"], errors="coerce").to_numpy(dtype=float) if len(out) else np.zeros(0)
    )
    main = out["_main"].to_numpy(dtype=float)
    for i in range(len(out)):
        split = parse_profile(profiles[i], ids[i])
        if split is None:
            k = construction_years(months[i])
            split = [1.0 / k] * k
        for j, part in enumerate(split):
            y = int(first[i]) + j
            if y in spend:
                spend[y][i] = main[i] * part
    for y in years:
        out[f"_year:{y}"] = spend[y]
    return out, no_year


def _cost_grid(cost: np.ndarray) -> int:
    """Decimals d (0…6) of the coarsest grid 10⁻ᵈ USD m that holds every cost (6 when none does)."""
    for d in range(7):
        scaled = cost * 10.0**d
        if np.all(np.abs(scaled - np.rint(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return d
    return 6


def _integer_weights(score: np.ndarray, cost: np.ndarray, objective: str) -> tuple[np.ndarray, float]:
    """Integer objective weights and the unit of one weight step (weight × unit = objective value).

    Scores in hundredths; for ``score_weighted_cost`` times cost on its grid (:func:`_cost_grid`), made
    coarser while the weights' sum would pass 2⁵³. The weights are divided by their common divisor (smaller
    numbers for the solver, the same optimum)."""
    hundredths = np.rint(score * 100).astype(np.int64)
    if objective == "sum_of_scores":
        steps, unit = hundredths, 0.01
    else:
        d = _cost_grid(cost)
        while True:
            grid = np.rint(cost * 10.0**d).astype(np.int64)
            steps = hundredths * grid
            if d == 0 or float(np.abs(steps).sum()) < _EXACT_LIMIT:
                break
            d -= 1
        unit = 0.01 / 10.0**d
    divisor = math.gcd(*(int(v) for v in np.abs(steps))) if len(steps) else 1
    divisor = max(divisor, 1)
    return (steps // divisor).astype(float), unit * divisor


def _value(frame: pd.DataFrame, objective: str) -> float:
    """The objective's value for a set of projects (from the exact scores and costs)."""
    if objective == "sum_of_scores":
        return round(float(frame["_score"].sum()), 2)
    return round(float((frame["_score"] * frame["_cost"]).sum()), 6)


@dataclass
class _Model:
    frame: pd.DataFrame
    c: np.ndarray
    unit: float  # objective value of one integer weight step
    a: csr_array | None
    lb: np.ndarray
    ub: np.ndarray
    names: list[str]
    rule: Eligibility
    tracks: dict[str, Text]
    pairs: set[tuple[str, str]] = field(default_factory=set)
    objective: str = "score_weighted_cost"


def _build(
    frame: pd.DataFrame,
    cons: PortfolioConstraints,
    pairs: set[tuple[str, str]],
    rule: Eligibility,
    tracks: dict[str, Text],
) -> _Model:
    n = len(frame)
    cost = frame["_cost"].to_numpy()
    track = frame["track"].astype(str).to_numpy() if "track" in frame.columns else np.full(n, "")
    lb: list[float] = []
    ub: list[float] = []
    names: list[str] = []
    sparse_rows: list[tuple[np.ndarray, np.ndarray]] = []

    def add(coef: np.ndarray, lo: float, hi: float, name: str) -> None:
        nz = np.flatnonzero(coef)
        sparse_rows.append((nz, coef[nz]))
        lb.append(lo)
        ub.append(hi)
        names.append(name)

    main = frame["_main"].to_numpy() if "_main" in frame.columns else cost
    add(main, -np.inf, cons.budget, "budget")  # row 0: the frontier changes only this bound
    small = track == SMALL
    if cons.min_small_share:
        add(cost * small - cons.min_small_share * cost, 0.0, np.inf, "min_small_share")
    if cons.min_small_count:
        add(small.astype(float), cons.min_small_count, np.inf, "min_small_count")
    if cons.min_flagship_count:
        add((track == FLAGSHIP).astype(float), cons.min_flagship_count, np.inf, "min_flagship_count")
    for col, cap in (("country", cons.max_country_share), ("sector", cons.max_sector_share)):
        if cap is None or cap >= 1 or col not in frame.columns:
            continue
        values = frame[col].astype(str).to_numpy()
        for v in sorted(set(values)):
            add(cost * (values == v) - cap * cost, -np.inf, 0.0, f"max_{col}_share:{v}")
    if cons.no_duplicates and pairs:
        pos = {pid: i for i, pid in enumerate(frame["project_id"].astype(str))}
        for a, b in sorted(pairs):
            if a in pos and b in pos:
                coef = np.zeros(n)
                coef[[pos[a], pos[b]]] = 1.0
                add(coef, -np.inf, 1.0, f"duplicates:{a}|{b}")
    if cons.whole_groups and GROUP in frame.columns:
        for members in _group_members(frame):
            for other in members[1:]:
                coef = np.zeros(n)
                coef[members[0]], coef[other] = 1.0, -1.0
                add(coef, 0.0, 0.0, f"group:{frame[GROUP].iloc[members[0]]}")
    ids = frame["project_id"].astype(str).to_numpy() if n else np.array([], dtype=object)
    pos = {pid: i for i, pid in enumerate(ids)}

    def ones(*idx: int) -> np.ndarray:
        coef = np.zeros(n)
        coef[list(idx)] = 1.0
        return coef

    for pid, why in sorted(cons.forced_ids().items()):
        if pid in pos:
            add(ones(pos[pid]), 1.0, 1.0, f"{why}:{pid}")
    for pid, why in sorted(cons.barred_ids().items()):
        if pid in pos:
            add(ones(pos[pid]), -np.inf, 0.0, f"{why}:{pid}")
    for k, group in enumerate(cons.exclusive, start=1):
        members = [pos[p] for p in dict.fromkeys(group) if p in pos]
        if len(members) > 1:
            add(ones(*members), -np.inf, 1.0, f"exclusive:{k}")
    for b, needs in sorted(cons.requires.items()):
        if b not in pos:
            continue
        for a in dict.fromkeys(needs):
            coef = ones(pos[b])
            if a in pos:  # x_B ≤ x_A; with A no candidate, x_B ≤ 0
                coef[pos[a]] -= 1.0
            add(coef, -np.inf, 0.0, f"requires:{b}|{a}")
    for pool, cap in cons.pools.items():
        add(frame[f"_pool:{pool}"].to_numpy(dtype=float), -np.inf, float(cap), f"pool:{pool}")
    for year, cap in sorted(cons.budget_by_year.items()):
        add(frame[f"_year:{year}"].to_numpy(dtype=float), -np.inf, float(cap), f"year:{year}")
    r_idx: np.ndarray | list[int] = (
        np.concatenate([np.full(len(nz), r) for r, (nz, _) in enumerate(sparse_rows)]) if sparse_rows else []
    )
    c_idx: np.ndarray | list[int] = np.concatenate([nz for nz, _ in sparse_rows]) if sparse_rows else []
    vals: np.ndarray | list[float] = np.concatenate([v for _, v in sparse_rows]) if sparse_rows else []
    mat = csr_array(coo_array((vals, (r_idx, c_idx)), shape=(len(sparse_rows), n))) if n else None
    weights, unit = _integer_weights(frame["_score"].to_numpy(), cost, cons.objective)
    return _Model(
        frame,
        -weights,
        unit,
        mat,
        np.array(lb),
        np.array(ub),
        names,
        rule,
        tracks,
        set(pairs),
        cons.objective,
    )


def _group_members(frame: pd.DataFrame) -> list[list[int]]:
    """Positions of the eligible members of each project group with at least two of them."""
    groups: dict[str, list[int]] = {}
    for i, g in enumerate(frame[GROUP].to_numpy(dtype=object)):
        if isinstance(g, str) and g:
            groups.setdefault(g, []).append(i)
    return [m for _, m in sorted(groups.items()) if len(m) > 1]


def _model(given: _Input, constraints: PortfolioConstraints) -> _Model:
    ranked_ids = set(given.frame["project_id"].astype(str)) if "project_id" in given.frame.columns else set()
    known = ranked_ids | given.records
    unknown = [pid for pid in constraints.referenced_ids() if pid not in known]
    if unknown:
        raise ConstraintsError(text("pf_err_unknown_ids", n=len(unknown), ids=join(unknown[:20])))
    forced = constraints.forced_ids()
    not_ranked = [pid for pid in forced if pid not in ranked_ids]
    hard = [pid for pid in not_ranked if forced[pid] == "must_fund"]
    if hard:
        raise ConstraintsError(text("pf_err_forced_not_ranked", ids=join(hard)))
    # a reviewer's approval of a record the screening excluded cannot fund it (it has no score): said, not fatal
    frame, rule = _eligible(given.frame, constraints, given.criteria, [p for p in forced if p in ranked_ids])
    rule = replace(rule, approved_not_ranked=tuple(not_ranked))
    return _build(frame, constraints, _pairs(given), rule, _track_labels(given.criteria))


def _fmt(x: float) -> str:
    return f"{x:,.2f}"


def _family(name: str) -> str:
    """The constraint family of a model row: ``pool:<p>`` and ``year:<y>`` stay one per pool and year, the
    others (``must_fund:<id>``, ``exclusive:<k>``, ``max_country_share:<c>`` …) gather by kind."""
    kind = name.split(":", 1)[0]
    return name if kind in ("pool", "year") else kind


def family_label(family: str, cons: PortfolioConstraints) -> Text:
    """A constraint family in words (``pf_fam_<kind>``)."""
    kind, _, arg = family.partition(":")
    if kind == "budget":
        return text("pf_fam_budget", budget=_fmt(cons.budget))
    if kind == "pool":
        return text("pf_fam_pool", pool=arg, budget=_fmt(cons.pools.get(arg, 0.0)))
    if kind == "year":
        return text("pf_fam_year", year=arg, budget=_fmt(cons.budget_by_year.get(int(arg), 0.0)))
    return text(f"pf_fam_{kind}")


def _forced_conflict(m: _Model, cons: PortfolioConstraints, pairs: set[tuple[str, str]]) -> Text | None:
    """A contradiction among the must-fund projects alone: two of them exclusive or duplicates, one requiring
    a project that cannot be funded, or their money above a budget, a pool or a year."""
    frame = m.frame
    forced = (
        frame["_forced"].to_numpy(dtype=bool) if "_forced" in frame.columns else np.zeros(len(frame), bool)
    )
    ids = frame["project_id"].astype(str).to_numpy()
    must = set(ids[forced])
    if not must:
        return None
    for group in cons.exclusive:
        both = [p for p in dict.fromkeys(group) if p in must]
        if len(both) > 1:
            return text("pf_reason_must_exclusive", ids=join(both))
    if cons.no_duplicates:
        for a, b in sorted(pairs):
            if a in must and b in must:
                return text("pf_reason_must_duplicates", ids=join([a, b]))
    candidates, barred = set(ids), cons.barred_ids()
    for b, needs in sorted(cons.requires.items()):
        if b not in must:
            continue
        for a in needs:
            if a in barred:
                return text("pf_reason_must_requires_barred", b=b, a=a)
            if a not in candidates:
                return text("pf_reason_must_requires_missing", b=b, a=a)
    money = [("budget", frame["_main"].to_numpy(dtype=float), cons.budget)]
    money += [(f"pool:{p}", frame[f"_pool:{p}"].to_numpy(dtype=float), cap) for p, cap in cons.pools.items()]
    money += [
        (f"year:{y}", frame[f"_year:{y}"].to_numpy(dtype=float), cap)
        for y, cap in sorted(cons.budget_by_year.items())
    ]
    for family, amounts, cap in money:
        need = float(amounts[forced].sum())
        if need > cap * (1 + 1e-9) + 1e-9:
            return text(
                "pf_reason_must_over",
                n=len(must),
                cost=_fmt(need),
                limit=family_label(family, cons),
            )
    return None


def _feasible_without(m: _Model, family: str) -> bool:
    """Whether the model has a solution once the rows of ``family`` are dropped (a pure feasibility solve)."""
    keep = [i for i, name in enumerate(m.names) if _family(name) != family]
    n = len(m.frame)
    if m.a is None:
        return True
    if not keep:
        return True
    with _native_stdout_silenced():
        res = milp(
            np.zeros(n),
            constraints=LinearConstraint(m.a[keep], m.lb[keep], m.ub[keep]),
            integrality=np.ones(n),
            bounds=Bounds(0, 1),
            options={"time_limit": 10.0, "presolve": True},
        )
    return res.x is not None


def _infeasible_reason(
    m: _Model, cons: PortfolioConstraints, pairs: set[tuple[str, str]] | None = None
) -> Text:
    """The most specific reason we can give in one line: a contradiction among the must-fund projects, too
    few or too costly flagship / small projects, else the one constraint whose removal alone makes the
    problem feasible, else all of them."""
    frame = m.frame
    said = _forced_conflict(m, cons, pairs or set())
    if said is not None:
        return said
    track = frame["track"].astype(str).to_numpy() if "track" in frame.columns else np.full(len(frame), "")
    cost = frame["_main"].to_numpy() if "_main" in frame.columns else frame["_cost"].to_numpy()
    for need, tr, kind in (
        (cons.min_flagship_count, FLAGSHIP, "pf_kind_flagship"),
        (cons.min_small_count, SMALL, "pf_kind_small"),
    ):
        if not need:
            continue
        avail = np.sort(cost[track == tr])
        if len(avail) < need:
            return text("pf_reason_too_few", available=len(avail), kind=text(kind), need=need)
        cheapest = float(avail[:need].sum())
        if cheapest > cons.budget:
            return text(
                "pf_reason_too_costly",
                need=need,
                kind=text(kind),
                cost=_fmt(cheapest),
                budget=_fmt(cons.budget),
            )
    fixes = [f for f in dict.fromkeys(_family(name) for name in m.names) if _feasible_without(m, f)]
    if len(fixes) == 1:
        return text("pf_reason_relax", constraint=family_label(fixes[0], cons))
    if fixes:
        labels = [family_label(f, cons) for f in fixes]
        return text("pf_reason_relax_any", constraints=join(labels, "sep_items"))
    return text("pf_reason_all_of", constraints=join(cons.describe(), "sep_items"))


def _flush_native_stdout() -> None:
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).fflush(None)  # C stdio's buffer (POSIX; elsewhere nothing to do)


@contextlib.contextmanager
def _native_stdout_silenced() -> Iterator[None]:
    """Descriptor 1 points at the null device while HiGHS runs: the HiGHS bundled with SciPy prints a stray
    debug line ("HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();") from C even when
    silent (ERGO-Code/HiGHS#2783), which would corrupt the command line's output."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        _flush_native_stdout()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _solve(m: _Model, cons: PortfolioConstraints, budget: float | None = None) -> Portfolio:
    start = time.perf_counter()
    frame = m.frame
    n = len(frame)
    ub = m.ub.copy()
    if budget is not None:
        ub[0] = budget
        cons = cons.model_copy(update={"budget": budget})
    empty = frame.iloc[:0]

    def result(chosen: pd.DataFrame, **fields: Any) -> Portfolio:
        return Portfolio(
            chosen=_chosen_frame(chosen, cons),
            constraints=cons,
            eligible=n,
            seconds=time.perf_counter() - start,
            eligibility=m.rule,
            tracks=m.tracks,
            extra={"model": m},
            **fields,
        )

    if n == 0:
        return result(
            empty,
            objective=0.0,
            total_cost=0.0,
            status="no_candidates",
            status_text="no eligible projects",
            gap=0.0,
            bound=0.0,
            message=text("pf_msg_no_candidates"),
        )
    lb = m.lb
    x = None
    res = None
    for _attempt in range(4):
        with _native_stdout_silenced():
            res = milp(
                m.c,
                constraints=LinearConstraint(m.a, lb, ub),
                integrality=np.ones(n),
                bounds=Bounds(0, 1),
                options={"mip_rel_gap": 0.0, "time_limit": cons.time_limit, "presolve": True},
            )
        if res.x is None:
            break
        x = np.rint(res.x)
        act = m.a @ x
        scale = 1e-9 * (1 + np.abs(act))
        over = np.maximum(act - ub, 0) + np.maximum(lb - act, 0)
        if np.all(over <= scale):
            break
        # the solver's integrality tolerance let a rounded solution overstep a row: tighten it and re-solve
        ub = np.where(act - ub > scale, ub - 2 * (act - ub), ub)
        lb = np.where(lb - act > scale, lb + 2 * (lb - act), lb)
        x = None
    assert res is not None
    status_text = str(res.message)
    gap = getattr(res, "mip_gap", None)
    bound = getattr(res, "mip_dual_bound", None)
    bound = None if bound is None or not np.isfinite(bound) else -float(bound) * m.unit
    if x is None:
        if res.status == 2:
            msg = text("pf_msg_infeasible", reason=_infeasible_reason(m, cons, m.pairs))
            status = "infeasible"
        elif res.status == 1:
            msg = text("pf_msg_time_limit_none", limit=cons.time_limit)
            status = "time_limit"
        else:
            msg = text("pf_msg_solver_stopped", status=status_text)
            status = "error"
        return result(
            empty,
            objective=float("nan"),
            total_cost=0.0,
            status=status,
            status_text=status_text,
            gap=None,
            bound=bound,
            message=msg,
        )
    chosen = frame[x > 0.5]
    objective = _value(chosen, cons.objective)
    total_cost = float(chosen["_cost"].sum())
    total_score = round(float(chosen["_score"].sum()), 2)
    per_dollar = float((chosen["_score"] * chosen["_cost"]).sum()) / total_cost if total_cost > 0 else 0.0
    if res.status == 0:
        status = "optimal"
        gap = 0.0 if gap is None else float(gap)
        msg = text(
            "pf_msg_optimal",
            n=len(chosen),
            cost=_fmt(total_cost),
            budget=_fmt(cons.budget),
            mean=_fmt(per_dollar),
            score=_fmt(total_score),
        )
        if cons.pools:  # the budget counts the cost less the pools' shares: say both
            msg = text(
                "pf_msg_optimal_pools",
                n=len(chosen),
                cost=_fmt(total_cost),
                main=_fmt(float(chosen["_main"].sum())),
                budget=_fmt(cons.budget),
                pooled=_fmt(total_cost - float(chosen["_main"].sum())),
                mean=_fmt(per_dollar),
                score=_fmt(total_score),
            )
    else:
        status = "time_limit"
        gap_txt: Text | str = text("pf_gap_unknown") if gap is None else f"{float(gap):.4%}"
        msg = text("pf_msg_time_limit_best", limit=cons.time_limit, gap=gap_txt)
    return result(
        chosen,
        objective=objective,
        total_cost=total_cost,
        status=status,
        status_text=status_text,
        gap=None if gap is None else float(gap),
        bound=bound,
        message=msg,
    )


def _chosen_frame(chosen: pd.DataFrame, cons: PortfolioConstraints | None = None) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "project_id": chosen["project_id"].astype(str).to_numpy()
            if len(chosen)
            else np.array([], dtype=object),
            "rank": chosen["rank"].to_numpy() if "rank" in chosen.columns else np.arange(1, len(chosen) + 1),
            "cost": chosen["_cost"].to_numpy() if len(chosen) else np.array([], dtype=float),
            "score": chosen["_score"].to_numpy() if len(chosen) else np.array([], dtype=float),
        }
    )
    out["cum_cost"] = out["cost"].cumsum()
    out["cum_score"] = np.round(out["score"].cumsum(), 2)
    for col in ("track", "tier", "country", "sector", "project_name", GROUP, GROUP_SIZE):
        if col in chosen.columns:
            out[col] = chosen[col].to_numpy()
    if cons is None:
        return out
    if cons.pools:
        out["budget_cost"] = (
            chosen["_main"].to_numpy(dtype=float) if len(chosen) else np.array([], dtype=float)
        )
        for pool in cons.pools:
            key = f"_pool:{pool}"
            out[pool_column(pool)] = chosen[key].to_numpy(dtype=float) if len(chosen) else np.array([])
    for year in sorted(cons.budget_by_year):
        key = f"_year:{year}"
        out[f"spend_{year}_usd_m"] = chosen[key].to_numpy(dtype=float) if len(chosen) else np.array([])
    forced = cons.forced_ids()
    if forced:
        ids = out["project_id"].astype(str)
        out["forced_by"] = ids.map(lambda pid: forced.get(pid, "")).to_numpy(dtype=object)
        out["funded_despite"] = (
            chosen["_despite"].to_numpy(dtype=object) if len(chosen) else np.array([], dtype=object)
        )
    return out


def optimise(
    ranked: Any,
    constraints: PortfolioConstraints,
    *,
    hits: pd.DataFrame | None = None,
    criteria: Any = None,
    decisions: Mapping[str, str] | None = None,
) -> Portfolio:
    """Best set of eligible ranked projects under the budget and constraints (exact MILP; module docstring).

    ``decisions`` (id → approve / reject / defer, in either language; :func:`decisions_of` reads them from a
    re-imported workbook) are added to ``constraints.decisions``: an approved project must be funded, even one
    the default eligibility leaves out (said per project: ``forced_by``, ``funded_despite``,
    :meth:`Portfolio.override_notes`); a rejected one never is. An id no record carries, a must-fund project
    that was not ranked (excluded) or has no cost, or an unreadable pool or cost profile raises
    :class:`ConstraintsError` (one line).

    ``ranked`` is a pipeline :class:`~screening.pipeline.Result` or its ``ranked`` frame (``project_id``,
    ``score``, ``total_investment_usd_m``, ``track``; ``tier``, ``flags``, ``country``, ``sector``, ``rank``
    when present). ``criteria`` (the Result's, by default) gives the tier order, the ``blocks_portfolio``
    flags and the track labels; without it the schema's tier order applies and no flag blocks. ``hits`` (the
    Result's, by default) supplies duplicate pairs via ``partners``. The chosen projects come in rank order
    with running totals of cost and score.
    """
    constraints = with_decisions(constraints, decisions)
    return _solve(_model(_unpack(ranked, hits, criteria), constraints), constraints)


def efficient_frontier(
    ranked: Any,
    constraints: PortfolioConstraints,
    budgets: list[float] | None = None,
    *,
    hits: pd.DataFrame | None = None,
    criteria: Any = None,
    points: int = 20,
    decisions: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Best objective value as the budget grows, all other constraints kept (the model is built once; only
    the budget bound changes). Default budgets: ``points`` steps from the cheapest eligible project to the cost
    of all of them. Columns: ``budget``, ``objective``, ``total_cost``, ``projects``, ``status``, ``gap``."""
    constraints = with_decisions(constraints, decisions)
    model = _model(_unpack(ranked, hits, criteria), constraints)
    if budgets is None:
        costs = model.frame["_main"].to_numpy()
        hi = float(costs.sum()) if len(costs) else constraints.budget
        lo = float(costs[costs > 0].min()) if (costs > 0).any() else 0.0
        budgets = list(np.linspace(lo, max(lo, hi), points))
    rows = []
    for b in budgets:
        p = _solve(model, constraints, float(b))
        rows.append(
            {
                "budget": float(b),
                "objective": p.objective,
                "total_cost": p.total_cost,
                "projects": len(p.chosen),
                "status": p.status,
                "gap": p.gap,
            }
        )
    return pd.DataFrame(rows, columns=["budget", "objective", "total_cost", "projects", "status", "gap"])


def value_for_money(
    ranked: Any,
    portfolio: Portfolio | None = None,
    constraints: PortfolioConstraints | None = None,
    *,
    criteria: Any = None,
) -> pd.DataFrame:
    """Data for a value-for-money chart: one row per eligible project with ``cost``, ``score``,
    ``score_per_usd_m``, ``chosen`` (in ``portfolio``) and ``pareto`` (no other project costs no more and scores
    higher, or costs less and scores as much: the cost–score frontier to draw)."""
    given = _unpack(ranked, None, criteria)
    cons = constraints or (portfolio.constraints if portfolio is not None else PortfolioConstraints(budget=0))
    elig, _ = _eligible(given.frame, cons, given.criteria, list(cons.forced_ids()))
    cost = elig["_cost"].to_numpy()
    score = elig["_score"].to_numpy()
    order = np.lexsort((-score, cost))  # cheapest first, best score first among equal costs
    pareto = np.zeros(len(elig), dtype=bool)
    best = -np.inf
    for i in order:
        if score[i] > best:
            pareto[i] = True
            best = score[i]
    chosen = set(portfolio.chosen["project_id"]) if portfolio is not None else set()
    out = pd.DataFrame(
        {
            "project_id": elig["project_id"].astype(str),
            "cost": cost,
            "score": score,
            "score_per_usd_m": np.divide(score, cost, out=np.full(len(cost), np.nan), where=cost > 0),
            "chosen": elig["project_id"].astype(str).isin(chosen).to_numpy(),
            "pareto": pareto,
        }
    )
    for col in ("track", "tier", "country", "sector"):
        if col in elig.columns:
            out[col] = elig[col].to_numpy()
    return out


def frontier_budgets(costs: Sequence[float] | np.ndarray, budget: float, points: int = 8) -> list[float]:
    """``points`` budgets spaced geometrically from the cheapest eligible project's cost up to the total
    eligible cost (the frontier bends most at small budgets), with ``budget`` among them (so the chosen budget
    lies on the drawn frontier)."""
    c = np.asarray(costs, dtype=float)
    c = c[np.isfinite(c)]
    total = float(c.sum()) if len(c) else float(budget)
    top = max(total, float(budget))
    low = float(c[c > 0].min()) if (c > 0).any() else top
    n = max(points - 1, 2)
    if top <= 0:
        grid = np.array([0.0])
    elif low < top:
        grid = np.geomspace(low, top, n)
    else:
        grid = np.linspace(top / n, top, n)
    return sorted({round(float(b), 6) for b in [*grid, float(budget)]})
