"""The portfolio constraints file: a small YAML document → :class:`~screening.analysis.portfolio.PortfolioConstraints`.

Every key is a field of :class:`PortfolioConstraints` (docs/portfolio.md has the table and a worked example,
``sample_projects/portfolio_constraints.yaml``)::

    budget: 1500                       # USD million, the main budget (the cost less the pools' shares)
    must_fund: [BR-046]                # funded whatever their eligibility
    must_not: [BR-011]
    exclusive: [[BR-054, BR-055]]      # at most one of each group
    requires: {BR-045: [BR-044]}       # BR-045 only with BR-044 (a single id may stand without brackets)
    decisions: {BR-043: approve}       # reviewers' decisions (approve / reject / defer, either language)
    pools: {policy_bank: 500, commercial: 300}
    pool_shares: {BR-060: {policy_bank: 300, commercial: 100}}   # beside or instead of funding_<pool>_usd_m
    budget_by_year: {2025: 700, 2026: 900}

The file is read with the bounded readers of :mod:`screening.limits` (size and node count as a mapping
file: ``MAX_MAPPING_BYTES``, ``MAX_MAPPING_NODES``; why: both are short documents written by hand, and one
bound for both keeps docs/limits.md's table as it is). Every problem is a :class:`ConstraintsError` with one
line in each language: not YAML, not a mapping, an unknown key, a bad value (the field and pydantic's
reason), and, given the projects, the ids no record carries (all of them named).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from screening.analysis.portfolio import (
    ConstraintsError,
    Portfolio,
    PortfolioConstraints,
    binding_constraints,
    blocking_flag_ids,
    family_label,
)
from screening.i18n import Text, join, text
from screening.limits import LimitError, ilimit, limit, load_yaml_bounded, read_file_bounded

__all__ = ["check_ids", "constraints_from_file", "constraints_from_text", "summary_lines"]


_ID_LISTS = ("must_fund", "must_not", "include_tiers", "allow_flags", "exclude_tiers", "exclude_flags")


def _ids(value: Any) -> Any:
    """A list of ids as text (YAML reads 123 as a number); a lone id as a one-item list."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list):
        return [str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in value]
    return value


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    out = dict(data)
    for key in _ID_LISTS:
        if key in out:
            out[key] = _ids(out[key])
    if isinstance(out.get("exclusive"), list):
        out["exclusive"] = [_ids(g) for g in out["exclusive"]]
    for key in ("requires", "decisions", "pool_shares"):
        if isinstance(out.get(key), dict):
            out[key] = {str(k): v for k, v in out[key].items()}
    if isinstance(out.get("requires"), dict):
        out["requires"] = {k: _ids(v) for k, v in out["requires"].items()}
    return out


def constraints_from_text(
    source: str, *, where: str = "", overrides: Mapping[str, object] | None = None
) -> PortfolioConstraints:
    """The constraints in a YAML text (an upload, an edited text); ``overrides`` (e.g. the command line's
    ``--budget``) win over the file's values. :class:`ConstraintsError` with one line on any problem."""
    prefix = where or "constraints"
    cap = ilimit("MAX_MAPPING_BYTES")
    if len(source.encode("utf-8")) > cap:
        raise ConstraintsError(text("pfc_too_large", where=prefix, limit=f"{cap // 1000:,}"))
    try:
        data = load_yaml_bounded(
            source, max_nodes=ilimit("MAX_MAPPING_NODES"), nodes_setting="MAX_MAPPING_NODES"
        )
    except LimitError as exc:
        raise ConstraintsError(text("pfc_error", where=prefix, msg=exc.text)) from None
    except yaml.YAMLError as exc:
        raise ConstraintsError(
            text("pfc_not_yaml", where=prefix, problem=str(getattr(exc, "problem", exc)))
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConstraintsError(text("pfc_not_mapping", where=prefix))
    data = _normalise({str(k): v for k, v in data.items()})
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    if "budget" not in data:
        raise ConstraintsError(text("pfc_no_budget", where=prefix))
    try:
        return PortfolioConstraints.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            known = join(sorted(PortfolioConstraints.model_fields))
            raise ConstraintsError(text("pfc_unknown_key", where=prefix, name=field, known=known)) from None
        raise ConstraintsError(text("pfc_bad_value", where=prefix, field=field, msg=msg)) from None


def check_ids(constraints: PortfolioConstraints, project_ids: Collection[str], *, where: str = "") -> None:
    """Every id the constraints name is a record of the file (ranked or excluded); else one line naming them."""
    known = {str(i) for i in project_ids}
    unknown = [pid for pid in constraints.referenced_ids() if pid not in known]
    if unknown:
        raise ConstraintsError(
            text("pfc_unknown_ids", where=where or "constraints", n=len(unknown), ids=join(unknown[:20]))
        )


def _check_flags(constraints: PortfolioConstraints, criteria: Any, where: str) -> None:
    blocking = blocking_flag_ids(criteria)
    odd = [f for f in constraints.allow_flags if f not in blocking]
    if odd:
        raise ConstraintsError(
            text(
                "pfc_unknown_allow_flag",
                where=where,
                flags=join(odd),
                known=join(blocking) if blocking else "—",
            )
        )


def constraints_from_file(
    path: str | Path,
    criteria: Any,
    *,
    result: Any = None,
    overrides: Mapping[str, object] | None = None,
) -> PortfolioConstraints:
    """Read a constraints file (bounded) for the criteria set ``criteria`` (``allow_flags`` must name its
    blocking flags). Given the pipeline ``result``, every project id must be one of its records and the
    ``cost_column`` one of its columns. ``overrides`` win over the file (the command line's ``--budget``)."""
    where = str(path)
    try:
        raw = read_file_bounded(path, limit("MAX_MAPPING_BYTES"), "MAX_MAPPING_BYTES")
    except LimitError as exc:
        raise ConstraintsError(text("pfc_error", where=where, msg=exc.text)) from None
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConstraintsError(text("pfc_not_utf8", where=where, reason=exc.reason)) from None
    cons = constraints_from_text(source, where=where, overrides=overrides)
    if criteria is not None:
        _check_flags(cons, criteria, where)
    if result is not None:
        records = getattr(result, "records", None)
        frame = records if records is not None else result.ranked
        check_ids(cons, frame["project_id"].dropna().astype(str), where=where)
        if cons.cost_column not in result.ranked.columns:
            raise ConstraintsError(text("pfc_unknown_cost_column", where=where, column=cons.cost_column))
    return cons


def summary_lines(
    portfolio: Portfolio, *, binding: bool = True, time_limit: float | None = None
) -> list[Text]:
    """What the command line prints after the solver's message for a constrained portfolio: each project
    funded against the default eligibility, the money used of the budget, each pool and each year, and
    (``binding``) the constraints that bind (:func:`~screening.analysis.portfolio.binding_constraints`)."""
    if not portfolio.ok:
        return []
    cons = portfolio.constraints
    lines = list(portfolio.override_notes())
    if cons.pools or cons.budget_by_year:
        for frame in (portfolio.pool_totals(), portfolio.year_totals()):
            for name, used in zip(frame["budget"], frame["used"], strict=True):
                lines.append(text("pfc_line_money", name=family_label(str(name), cons), used=f"{used:,.2f}"))
    if binding:
        table = binding_constraints(portfolio, time_limit)
        binds = [lab for lab, b in zip(table["label"], table["binds"], strict=True) if b is True]
        lines.append(
            text("pfc_line_binding", constraints=join(binds, "sep_items"))
            if binds
            else text("pfc_line_none_binds")
        )
    return lines
