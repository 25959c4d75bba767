"""Portfolio under a budget: the set of ranked projects with the largest total score, solved exactly.

Model (a 0-1 knapsack with side constraints, solved with ``scipy.optimize.milp`` / HiGHS branch-and-cut,
``mip_rel_gap=0`` and a time limit; Martello & Toth 1990, *Knapsack Problems*, for the base model)::

    maximise    Σ score_i · x_i                       x_i ∈ {0, 1}, one per eligible ranked project
    subject to  Σ cost_i · x_i ≤ budget                                  (cost = total_investment_usd_m)
                Σ_{small} cost_i · x_i ≥ S · Σ cost_i · x_i               min_small_share S (share of chosen cost)
                Σ_{small} x_i ≥ N_s                                       min_small_count
                Σ_{flagship} x_i ≥ N_f                                    min_flagship_count
                Σ_{country c} cost_i · x_i ≤ C · Σ cost_i · x_i  ∀ c      max_country_share (linearised)
                Σ_{sector s}  cost_i · x_i ≤ C · Σ cost_i · x_i  ∀ s      max_sector_share
                x_i + x_j ≤ 1   for every duplicate pair (the criteria's duplicates flag)   no_duplicates
    eligible:   every ranked project, less excluded tiers, excluded flags, or any flag (exclude_flagged).

With only a budget, every ranked project is eligible and the objective is the plain sum of scores. Scores are
rounded to 0.01, so the objective is solved in integer hundredths: with a relative gap of 0 the optimum is
exact. The reported status is the solver's (``optimal``, ``time_limit``, ``infeasible``…) with the gap reached.
The efficient frontier re-solves the same model with only the budget right-hand side changed.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array, csr_array

from screening.criteria.models import FlagRole
from screening.i18n import Text, join, text

__all__ = [
    "Portfolio",
    "PortfolioConstraints",
    "duplicate_flag_ids",
    "duplicate_pairs_from_hits",
    "efficient_frontier",
    "optimise",
    "value_for_money",
]


COST = "total_investment_usd_m"


SMALL = "small_and_beautiful"


FLAGSHIP = "flagship"


class PortfolioConstraints(BaseModel):
    """The planner's constraints (all optional except the budget, in USD million)."""

    model_config = ConfigDict(extra="forbid")

    budget: float = Field(ge=0, description="USD million, like total_investment_usd_m")
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
    exclude_tiers: list[str] = Field(default_factory=list)
    exclude_flags: list[str] = Field(default_factory=list)
    exclude_flagged: bool = Field(default=False, description="leave out every project with a review flag")
    time_limit: float = Field(default=60.0, gt=0, description="seconds")

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
        return said


@dataclass
class Portfolio:
    """Result of :func:`optimise`."""

    chosen: pd.DataFrame  # project_id, rank, cost, score, cum_cost, cum_score, track, tier, country, sector
    objective: float  # total score of the chosen set (NaN when none was found)
    total_cost: float
    status: str  # optimal | time_limit | infeasible | no_candidates | error
    status_text: str  # the solver's own message
    gap: float | None  # relative MIP gap reached (0 when proven optimal)
    bound: float | None  # best bound on the total score
    constraints: PortfolioConstraints
    eligible: int
    message: Text  # one line in each language
    seconds: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "time_limit") and not np.isnan(self.objective)

    def constraints_frame(self, lang: str | None = None) -> pd.DataFrame:
        """Constraints, solver status and gap as ``item``/``value`` rows (for the ``Portfolio`` sheet); the
        message in ``lang``, or in both languages ("English / 中文") when ``lang`` is None."""
        c = self.constraints
        rows: list[tuple[str, object]] = [
            ("budget_usd_m", c.budget),
            ("min_small_share", c.min_small_share),
            ("min_small_count", c.min_small_count),
            ("min_flagship_count", c.min_flagship_count),
            ("max_country_share", c.max_country_share),
            ("max_sector_share", c.max_sector_share),
            ("no_duplicates", c.no_duplicates),
            ("exclude_tiers", ", ".join(c.exclude_tiers)),
            ("exclude_flags", ", ".join(c.exclude_flags)),
            ("exclude_flagged", c.exclude_flagged),
            ("time_limit_s", c.time_limit),
            ("eligible_projects", self.eligible),
            ("chosen_projects", len(self.chosen)),
            ("total_cost_usd_m", round(self.total_cost, 6)),
            ("total_score", self.objective),
            ("status", self.status),
            ("solver_message", self.status_text),
            ("mip_gap", self.gap),
            ("best_bound", self.bound),
            ("solve_seconds", round(self.seconds, 3)),
            ("message", f"{self.message.en} / {self.message.zh}" if lang is None else self.message.get(lang)),
        ]
        return pd.DataFrame(rows, columns=["item", "value"])


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


def _unpack(ranked: Any, hits: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if hasattr(ranked, "ranked") and hasattr(ranked, "hits"):  # a pipeline Result
        return ranked.ranked, ranked.hits if hits is None else hits
    return ranked, hits


def _pairs(ranked: Any, hits: pd.DataFrame | None) -> set[tuple[str, str]]:
    """Duplicate pairs: from a Result, its criteria set's duplicates flag; from a bare frame, any partners."""
    criteria = getattr(ranked, "criteria", None)
    return duplicate_pairs_from_hits(hits, duplicate_flag_ids(criteria) if criteria is not None else None)


def _eligible(frame: pd.DataFrame, c: PortfolioConstraints) -> pd.DataFrame:
    keep = np.ones(len(frame), dtype=bool)
    if c.exclude_tiers and "tier" in frame.columns:
        keep &= ~frame["tier"].astype(str).isin(c.exclude_tiers).to_numpy()
    if (c.exclude_flags or c.exclude_flagged) and "flags" in frame.columns:
        flags = frame["flags"].fillna("").astype(str).str.split(";").map(lambda fs: {f for f in fs if f})
        if c.exclude_flagged:
            keep &= ~flags.map(bool).to_numpy(dtype=bool)
        if c.exclude_flags:
            bad = set(c.exclude_flags)
            keep &= ~flags.map(lambda fs: bool(fs & bad)).to_numpy(dtype=bool)
    out = frame[keep].copy()
    out["_cost"] = pd.to_numeric(out[COST], errors="coerce").astype(float)
    out["_score"] = pd.to_numeric(out["score"], errors="coerce").astype(float)
    out = out[out["_cost"].notna() & out["_score"].notna() & (out["_cost"] >= 0)]
    if "rank" in out.columns:
        out = out.sort_values("rank", kind="stable")
    return out.reset_index(drop=True)


@dataclass
class _Model:
    frame: pd.DataFrame
    c: np.ndarray
    a: csr_array | None
    lb: np.ndarray
    ub: np.ndarray
    names: list[str]


def _build(frame: pd.DataFrame, cons: PortfolioConstraints, pairs: set[tuple[str, str]]) -> _Model:
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

    add(cost, -np.inf, cons.budget, "budget")  # row 0: the frontier changes only this bound
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
    r_idx: np.ndarray | list[int] = (
        np.concatenate([np.full(len(nz), r) for r, (nz, _) in enumerate(sparse_rows)]) if sparse_rows else []
    )
    c_idx: np.ndarray | list[int] = np.concatenate([nz for nz, _ in sparse_rows]) if sparse_rows else []
    vals: np.ndarray | list[float] = np.concatenate([v for _, v in sparse_rows]) if sparse_rows else []
    mat = csr_array(coo_array((vals, (r_idx, c_idx)), shape=(len(sparse_rows), n))) if n else None
    c = -np.rint(frame["_score"].to_numpy() * 100)  # integer hundredths: exact with gap 0
    return _Model(frame, c, mat, np.array(lb), np.array(ub), names)


def _fmt(x: float) -> str:
    return f"{x:,.2f}"


def _infeasible_reason(m: _Model, cons: PortfolioConstraints) -> Text:
    """The most specific reason we can give in one line."""
    frame = m.frame
    track = frame["track"].astype(str).to_numpy() if "track" in frame.columns else np.full(len(frame), "")
    cost = frame["_cost"].to_numpy()
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
    return text("pf_reason_all_of", constraints=join(cons.describe(), "sep_items"))


def _solve(m: _Model, cons: PortfolioConstraints, budget: float | None = None) -> Portfolio:
    start = time.perf_counter()
    frame = m.frame
    n = len(frame)
    ub = m.ub.copy()
    if budget is not None:
        ub[0] = budget
        cons = cons.model_copy(update={"budget": budget})
    empty = frame.iloc[:0]
    if n == 0:
        msg = text("pf_msg_no_candidates")
        return Portfolio(
            _chosen_frame(empty),
            0.0,
            0.0,
            "no_candidates",
            "no eligible projects",
            0.0,
            0.0,
            cons,
            0,
            msg,
            time.perf_counter() - start,
        )
    lb = m.lb
    x = None
    res = None
    for _attempt in range(4):
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
    seconds = time.perf_counter() - start
    status_text = str(res.message)
    gap = getattr(res, "mip_gap", None)
    bound = getattr(res, "mip_dual_bound", None)
    bound = None if bound is None or not np.isfinite(bound) else -float(bound) / 100
    if x is None:
        if res.status == 2:
            msg = text("pf_msg_infeasible", reason=_infeasible_reason(m, cons))
            status = "infeasible"
        elif res.status == 1:
            msg = text("pf_msg_time_limit_none", limit=cons.time_limit)
            status = "time_limit"
        else:
            msg = text("pf_msg_solver_stopped", status=status_text)
            status = "error"
        return Portfolio(
            _chosen_frame(empty), float("nan"), 0.0, status, status_text, None, bound, cons, n, msg, seconds
        )
    chosen = frame[x > 0.5]
    objective = round(float(chosen["_score"].sum()), 2)
    total_cost = float(chosen["_cost"].sum())
    if res.status == 0:
        status = "optimal"
        gap = 0.0 if gap is None else float(gap)
        msg = text(
            "pf_msg_optimal",
            n=len(chosen),
            cost=_fmt(total_cost),
            budget=_fmt(cons.budget),
            score=_fmt(objective),
        )
    else:
        status = "time_limit"
        gap_txt: Text | str = text("pf_gap_unknown") if gap is None else f"{float(gap):.4%}"
        msg = text("pf_msg_time_limit_best", limit=cons.time_limit, gap=gap_txt)
    return Portfolio(
        _chosen_frame(chosen),
        objective,
        total_cost,
        status,
        status_text,
        None if gap is None else float(gap),
        bound,
        cons,
        n,
        msg,
        seconds,
    )


def _chosen_frame(chosen: pd.DataFrame) -> pd.DataFrame:
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
    for col in ("track", "tier", "country", "sector", "project_name"):
        if col in chosen.columns:
            out[col] = chosen[col].to_numpy()
    return out


def optimise(
    ranked: Any, constraints: PortfolioConstraints, *, hits: pd.DataFrame | None = None
) -> Portfolio:
    """Best-scoring set of ranked projects under the budget and constraints (exact MILP; module docstring).

    ``ranked`` is a pipeline :class:`~screening.pipeline.Result` or its ``ranked`` frame (``project_id``,
    ``score``, ``total_investment_usd_m``, ``track``; ``tier``, ``flags``, ``country``, ``sector``, ``rank``
    when present). ``hits`` (the Result's, by default) supplies duplicate pairs via ``partners``. The chosen
    projects come in rank order with running totals of cost and score.
    """
    frame, hits = _unpack(ranked, hits)
    model = _build(_eligible(frame, constraints), constraints, _pairs(ranked, hits))
    return _solve(model, constraints)


def efficient_frontier(
    ranked: Any,
    constraints: PortfolioConstraints,
    budgets: list[float] | None = None,
    *,
    hits: pd.DataFrame | None = None,
    points: int = 20,
) -> pd.DataFrame:
    """Best total score as the budget grows, all other constraints kept (the model is built once; only the
    budget bound changes). Default budgets: ``points`` steps from the cheapest eligible project to the cost of
    all of them. Columns: ``budget``, ``objective``, ``total_cost``, ``projects``, ``status``, ``gap``."""
    frame, hits = _unpack(ranked, hits)
    model = _build(_eligible(frame, constraints), constraints, _pairs(ranked, hits))
    if budgets is None:
        costs = model.frame["_cost"].to_numpy()
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
    ranked: Any, portfolio: Portfolio | None = None, constraints: PortfolioConstraints | None = None
) -> pd.DataFrame:
    """Data for a value-for-money chart: one row per eligible project with ``cost``, ``score``,
    ``score_per_usd_m``, ``chosen`` (in ``portfolio``) and ``pareto`` (no other project costs no more and scores
    higher, or costs less and scores as much: the cost–score frontier to draw)."""
    frame, _ = _unpack(ranked, None)
    cons = constraints or (portfolio.constraints if portfolio is not None else PortfolioConstraints(budget=0))
    elig = _eligible(frame, cons)
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
