"""Command line: ``screening score | weights | brief | validate | template | criteria docs``.

Exit codes follow DESIGN.md contract 5. Every non-zero exit prints one line in the chosen language saying
why; a user's mistake never shows a traceback.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from screening.criteria.loader import (
    DEFAULT_CRITERIA,
    criteria_sha256,
    load_criteria_bytes,
    read_criteria_file,
)
from screening.criteria.models import CriteriaError, CriteriaSet
from screening.i18n import Text, lang_code, t, text
from screening.io.mapping import MappingError, load_mapping
from screening.limits import give_back_freed_memory
from screening.model import InputError, Result
from screening.store.cli import runs_app

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Screen and score Belt and Road cooperation projects / 共建“一带一路”项目筛选与评分",
)


criteria_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Criteria sets / 评价标准")


app.add_typer(criteria_app, name="criteria")


columns_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Input columns / 输入列")


app.add_typer(columns_app, name="columns")
app.add_typer(runs_app, name="runs")  # screening runs list | show | diff (screening/store/cli.py)
give_back_freed_memory()  # big freed blocks go back to the system: a lower peak on 100k rows


class Lang(StrEnum):
    en = "en"
    zh = "zh"


class PortfolioObjective(StrEnum):
    """The portfolio's objective (screening.analysis.portfolio.Objective)."""

    score_weighted_cost = "score_weighted_cost"
    sum_of_scores = "sum_of_scores"


def _fail(message: Text, lang: Lang, code: int = 1) -> None:
    typer.echo(message.get(lang), err=True)
    raise typer.Exit(code)


def _load_criteria(path: Path | None, lang: Lang) -> tuple[CriteriaSet, str]:
    file = path or DEFAULT_CRITERIA
    try:
        raw = read_criteria_file(file)  # bounded; a directory, device or pipe is refused by type
        return load_criteria_bytes(raw, str(file)), criteria_sha256(raw)
    except CriteriaError as exc:
        _fail(text("cli_criteria_invalid", error=str(exc).splitlines()[0]), lang)
    raise AssertionError("unreachable")


def _check_out(out: Path, lang: Lang) -> None:
    """A usage error (exit 2) before any work: --out must name an .xlsx file in an existing folder."""
    if out.is_dir():
        _fail(text("cli_out_is_directory", out=out), lang, 2)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        _fail(text("cli_out_not_xlsx"), lang, 2)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        _fail(text("cli_out_parent_missing", parent=parent), lang, 2)


def _check_finite(lang: Lang, **options: float | None) -> None:
    for name, value in options.items():
        if value is not None and not math.isfinite(value):
            _fail(text("cli_option_not_finite", option=name.replace("_", "-")), lang, 2)


def _guarded(command: Callable[..., None]) -> Callable[..., None]:
    """Running out of memory or recursion depth is one line and exit 1, never a traceback (the known kinds of
    hostile input are refused earlier by the limits; this is the last line of defence)."""

    @functools.wraps(command)
    def run(*args: object, **kwargs: object) -> None:
        lang = kwargs.get("lang")
        code = Lang.zh if lang == Lang.zh else Lang.en
        try:
            command(*args, **kwargs)
        except MemoryError:
            _fail(text("cli_out_of_memory"), code)
        except RecursionError:
            _fail(text("cli_too_deep"), code)

    return run


class _Progress:
    """A one-line progress display on stderr for interactive terminals; silent otherwise."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()

    def __call__(self, stage: str, share: float) -> None:
        if self.live:
            bar = "█" * int(share * 20)
            sys.stderr.write(f"\r[{bar:<20}] {share * 100:3.0f}% {stage:<24}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.live:
            sys.stderr.write("\r" + " " * 60 + "\r")


@app.command()
@_guarded
def score(
    input: Annotated[Path, typer.Argument(help="Workbook (.xlsx/.xlsm) or CSV with project records")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Ranked workbook to write (.xlsx)")],
    criteria: Annotated[
        Path | None, typer.Option(help="Criteria YAML (default: criteria/default.yaml)")
    ] = None,
    mapping: Annotated[
        str | None, typer.Option(help="Built-in mapping name (e.g. aiddata-gcdf3) or YAML file")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Project sheet name (default: found by its headers)")
    ] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the workbook and messages")] = Lang.en,
    inference: Annotated[
        bool,
        typer.Option(
            help="Fill blank fields from what each record carries (text, loan terms), citing the evidence "
            "(docs/inference.md); --no-inference leaves them blank"
        ),
    ] = True,
    budget: Annotated[
        float | None, typer.Option(help="Portfolio budget, USD million: adds sheet Portfolio")
    ] = None,
    min_small_share: Annotated[
        float | None, typer.Option(help="Minimum share of chosen cost in small-and-beautiful (0–1)")
    ] = None,
    min_small_count: Annotated[
        int | None, typer.Option(help="Minimum number of small-and-beautiful projects")
    ] = None,
    min_flagship_count: Annotated[
        int | None, typer.Option(help="Minimum number of flagship projects")
    ] = None,
    max_country_share: Annotated[
        float | None, typer.Option(help="Maximum share of chosen cost in one country (0–1)")
    ] = None,
    max_sector_share: Annotated[
        float | None, typer.Option(help="Maximum share of chosen cost in one sector (0–1)")
    ] = None,
    exclude_flagged: Annotated[bool, typer.Option(help="Leave out every project with a review flag")] = False,
    no_duplicates: Annotated[
        bool, typer.Option(help="Never choose two projects flagged as duplicates of each other")
    ] = False,
    cost_column: Annotated[
        str | None,
        typer.Option(
            help="Money column the portfolio budget counts (default total_investment_usd_m, the best amount "
            "the source has; e.g. project_cost_usd_m)"
        ),
    ] = None,
    split_groups: Annotated[
        bool,
        typer.Option(
            help="Decide the tranches of one project group one by one (default: together, all or none)"
        ),
    ] = False,
    objective: Annotated[
        PortfolioObjective | None,
        typer.Option(
            help="Portfolio objective: score_weighted_cost (default: Σ score × cost) or sum_of_scores "
            "(Σ score, favours many cheap projects)"
        ),
    ] = None,
    include_tier: Annotated[
        list[str] | None,
        typer.Option(
            help="Widen the portfolio's eligibility beyond priority and recommended: also this tier "
            "(conditional, deferred, insufficient_data; repeatable)"
        ),
    ] = None,
    allow_flag: Annotated[
        list[str] | None,
        typer.Option(
            help="Widen the portfolio's eligibility: allow projects with this blocking flag (repeatable)"
        ),
    ] = None,
    sensitivity: Annotated[
        bool, typer.Option(help="Monte Carlo weight sensitivity: adds sheet Sensitivity")
    ] = False,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws", min=1, max=1_000_000)] = 10_000,
    top_k: Annotated[int, typer.Option(help="Top k for sensitivity", min=1)] = 10,
    seed: Annotated[
        int, typer.Option(help="Random seed (results are reproducible for a seed)", min=0, max=2**32 - 1)
    ] = 0,
    country_sheet: Annotated[
        bool,
        typer.Option(
            "--country-sheet/--no-country-sheet",
            help="Fill country context the file does not give from the shipped, sourced country sheet "
            "(the file's own values always win)",
        ),
    ] = True,
    weights: Annotated[
        list[Path] | None,
        typer.Option(
            "--weights",
            help="Weights file made by `screening weights` (repeatable, or a folder of them): its dimension "
            "ids override the dimension weights, its criterion ids the criterion weights; several reviewers' "
            "files are combined into group weights (docs/weights.md)",
        ),
    ] = None,
    portfolio_constraints: Annotated[
        Path | None,
        typer.Option(
            "--portfolio-constraints",
            help="Portfolio constraints file (YAML: must_fund, must_not, exclusive, requires, pools, "
            "pool_shares, budget_by_year and any portfolio setting; docs/portfolio.md): adds sheet Portfolio; "
            "options given on the command line win over the file",
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Run store for --save-run: a SQLite file or a SQLAlchemy URL (default: $SCREENING_STORE, "
            "else runs.sqlite3 in the user's data folder)",
        ),
    ] = None,
    save_run: Annotated[
        str | None,
        typer.Option(
            "--save-run", help="Keep this run in the run store under this name (screening runs list)"
        ),
    ] = None,
) -> None:
    """Screen, score and rank every project; write the ranked workbook."""
    from screening.io.export import write_workbook
    from screening.pipeline import run

    _check_out(out, lang)
    _check_finite(
        lang,
        budget=budget,
        min_small_share=min_small_share,
        max_country_share=max_country_share,
        max_sector_share=max_sector_share,
    )
    cs, file_sha = _load_criteria(criteria, lang)
    sha: str | None = file_sha
    committee = None
    if weights:
        committee, cs = _load_committee(weights, cs, lang)
        sha = None  # no file holds the criteria under these weights; the fingerprint and the weights files do
    mp = None
    if mapping:
        try:
            mp = load_mapping(mapping)
        except MappingError as exc:
            _fail(text("cli_mapping_invalid", error=exc), lang)
    progress = _Progress()
    try:
        result = run(
            input,
            criteria=cs,
            criteria_sha256=sha,
            mapping=mp,
            sheet=sheet,
            progress=progress,
            inference=inference,
            country_sheet=country_sheet,
        )
    except InputError as exc:
        progress.done()
        _fail(text("cli_nothing_written", reason=exc.text), lang)
    if committee is not None:
        _echo_committee(committee, cs, lang)
    from screening.analysis.value_of_information import value_of_information
    from screening.report import triage

    tri = triage(result)
    voi = None
    if tri.thin:  # said first; the value of information is worked out only where it is shown
        progress("value of information", 0.8)
        voi = value_of_information(result)
        progress.done()
        _echo_triage(tri, voi, lang)
    extra = _analyses(
        result,
        lang,
        progress,
        budget=budget,
        constraints_file=portfolio_constraints,
        min_small_share=min_small_share,
        min_small_count=min_small_count,
        min_flagship_count=min_flagship_count,
        max_country_share=max_country_share,
        max_sector_share=max_sector_share,
        exclude_flagged=exclude_flagged,
        no_duplicates=no_duplicates,
        cost_column=cost_column,
        whole_groups=False if split_groups else None,
        objective=objective,
        include_tiers=include_tier,
        allow_flags=allow_flag,
        sensitivity=sensitivity,
        draws=draws,
        top_k=top_k,
        seed=seed,
    )
    board = None
    if committee is not None and committee.several:
        board = _committee_robustness(result, committee, lang, progress, draws=draws, top_k=top_k, seed=seed)
        from screening.analysis.committee import committee_sheet

        extra.append(committee_sheet(board))
    try:
        stats = write_workbook(
            result, out, lang.value, progress, extra_sheets=extra, voi=voi, committee=committee, board=board
        )
    except OSError as exc:
        progress.done()
        _fail(text("cli_cannot_write", out=out, error=exc.strerror), lang)
    progress.done()
    typer.echo(
        t("cli_wrote_counts", lang, out=out, not_candidates=result.not_candidates(), **result.counts())
    )
    if stats["control_characters_removed"] or stats["cells_truncated"]:
        typer.echo(
            t(
                "cli_cleaned",
                lang,
                removed=stats["control_characters_removed"],
                truncated=stats["cells_truncated"],
            )
        )
    if save_run:
        from screening.store.cli import save_from_cli

        save_from_cli(
            result,
            input_path=input,
            name=save_run,
            store=store,
            criteria=criteria,
            mapping=mapping,
            sheet=sheet,
            lang=lang.value,
            weights=result.weights if committee is not None else None,
            weights_files=weights if committee is not None else None,
        )


def _load_committee(paths: list[Path], cs: CriteriaSet, lang: Lang) -> tuple[Any, CriteriaSet]:
    """The weights files (a folder: its .yaml files) read and validated against ``cs``, combined into the
    committee, and the criteria set under the group weights. A bad file: one line, exit 1."""
    from screening.analysis.committee import group_criteria
    from screening.criteria.elicitation import ElicitationError, combine, read_weights_file, weights_paths

    try:
        reviewers = [read_weights_file(p, cs) for p in weights_paths(paths)]
        committee = combine(reviewers, cs)
    except ElicitationError as exc:
        _fail(exc.text, lang)
    try:
        return committee, group_criteria(cs, committee)
    except CriteriaError as exc:
        _fail(text("cli_criteria_invalid", error=str(exc).splitlines()[0]), lang)
    raise AssertionError("unreachable")


def _scope_title(scope: str | None, cs: CriteriaSet, lang: Lang) -> str:
    if scope is None:
        return t("cm_scope_dimensions", lang)
    label = next((d.label for d in cs.dimensions if d.id == scope), None)
    return t("cm_scope_criteria", lang, dimension=label.get(lang) if label is not None else scope)


def _echo_committee(committee: Any, cs: CriteriaSet, lang: Lang) -> None:
    """Each scope's group weights, how they were combined, the spread per item and the furthest reviewer;
    every reviewer's CR warnings."""
    from screening.criteria.elicitation import warnings_of

    for g in committee.scopes:
        typer.echo(t("cm_scope_line", lang, scope=_scope_title(g.dimension, cs, lang), n=len(g.reviewers)))
        for r in g.reviewers:
            p = r.content.provenance
            cr = "—" if p.cr is None else f"{p.cr:.3f}"
            typer.echo("  " + t("cm_reviewer_line", lang, by=r.by, method=p.method, date=p.date, cr=cr))
            for said in warnings_of(p):
                typer.echo("    " + said.get(lang))
        typer.echo("  " + g.rule_text().get(lang))
        for item in g.items:
            sp = g.spread[item]
            typer.echo(
                "    "
                + t(
                    "cm_item_line",
                    lang,
                    item=item,
                    group=f"{g.group[item]:.2f}",
                    low=f"{sp.low:.2f}",
                    high=f"{sp.high:.2f}",
                    sd=f"{sp.sd:.2f}",
                )
            )
        if (far := g.furthest_text()) is not None:
            typer.echo("  " + far.get(lang))


def _committee_robustness(
    result: Result, committee: Any, lang: Lang, progress: _Progress, *, draws: int, top_k: int, seed: int
) -> Any:
    """SMAA over the reviewers' weight sets and the Dirichlet around the group weights; the projects the
    reviewers disagree on are printed."""
    from screening.analysis.committee import committee_smaa

    progress("committee", 0.88)
    board = committee_smaa(result, committee, draws=draws, top_k=top_k, seed=seed)
    progress.done()
    contested = board.most_contested(8)
    typer.echo(
        t("cm_smaa_title", lang, k=board.top_k, n=len(board.reviewers), draws=draws, contested=len(contested))
    )
    for row in contested.itertuples(index=False):
        typer.echo(
            "  "
            + t(
                "cm_smaa_line",
                lang,
                id=row.project_id,
                rank=row.rank,
                best=row.rank_best,
                worst=row.rank_worst,
                m=row.reviewers_top_k,
                r=len(board.reviewers),
                k=board.top_k,
                p_dir=f"{row.p_top_k_dirichlet:.0%}",
                p=f"{row.p_top_k_committee:.0%}",
            )
        )
    return board


@app.command("weights")
@_guarded
def weights_command(
    judgements: Annotated[Path, typer.Argument(help="Judgements file (YAML): method roc, swing or ahp")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Weights file to write (.yaml)")],
    criteria: Annotated[
        Path | None, typer.Option(help="Criteria YAML the ids are checked against (default: the default set)")
    ] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the messages")] = Lang.en,
) -> None:
    """Elicit weights from one reviewer's judgements; write the weights file (weights summing to 100, and
    their provenance) that `screening score --weights` applies."""
    from screening.criteria.elicitation import (
        ElicitationError,
        elicit,
        read_judgements,
        warnings_of,
        weights_file_yaml,
    )

    if out.is_dir():
        _fail(text("cli_out_is_directory", out=out), lang, 2)
    if out.suffix.lower() not in (".yaml", ".yml"):
        _fail(text("cm_out_not_yaml"), lang, 2)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        _fail(text("cli_out_parent_missing", parent=parent), lang, 2)
    cs, _ = _load_criteria(criteria, lang)
    try:
        wf = elicit(read_judgements(judgements), cs, judgements)
    except ElicitationError as exc:
        _fail(exc.text, lang)
    p = wf.provenance
    typer.echo(
        t(
            "cm_elicited",
            lang,
            method=p.method,
            by=p.by,
            date=p.date,
            scope=_scope_title(p.dimension, cs, lang),
        )
    )
    for item, w in wf.weights.items():
        typer.echo(f"  {item}: {w:.2f}")
    if p.method == "ahp":
        if p.cr is None:
            typer.echo(t("cm_cr_undefined", lang, n=len(p.items)))
        else:
            typer.echo(
                t(
                    "cm_consistency",
                    lang,
                    lam=f"{p.lambda_max:.4f}",
                    ci=f"{p.ci:.4f}",
                    cr=f"{p.cr:.3f}",
                    ri=f"{p.random_index:.2f}",
                    limit=f"{p.cr_limit:.2f}",
                    n=len(p.items),
                )
            )
    for said in warnings_of(p):
        typer.echo(said.get(lang))
    try:
        out.write_text(weights_file_yaml(wf), encoding="utf-8")
    except OSError as exc:
        _fail(text("cli_cannot_write", out=out, error=exc.strerror), lang)
    typer.echo(t("cli_wrote", lang, out=out))


def _echo_triage(tri: Any, voi: Any, lang: Lang) -> None:
    """The thin file's triage, printed before anything else: who is excluded, flagged, short of data, and
    which columns to collect first (issue 14 item 6)."""
    from screening.report import some_ids

    typer.echo(t("triage_title", lang))
    typer.echo(tri.headline().get(lang))
    typer.echo(tri.why().get(lang))
    for _key, line, ids in tri.groups():
        typer.echo("  " + line.get(lang))
        if ids:
            typer.echo("    " + some_ids(ids).get(lang))
    typer.echo("  " + tri.judged_line().get(lang))
    typer.echo(t("triage_collect_title", lang))
    for line in voi.file_lines(8):
        typer.echo("  " + line.get(lang))
    if not voi.decides_any():
        typer.echo("  " + t("triage_collect_none", lang))
    typer.echo("  " + t("voi_held_fixed", lang))
    typer.echo("")


def _analyses(
    result: Result,
    lang: Lang,
    progress: _Progress,
    *,
    budget: float | None,
    sensitivity: bool,
    draws: int,
    top_k: int,
    seed: int,
    constraints_file: Path | None = None,
    **constraints: object,
) -> list[object]:
    """Portfolio and sensitivity sheets requested on the command line (a bad constraint: exit 2)."""

    from screening.analysis.sheets import portfolio_sheet, sensitivity_sheet

    sheets: list[object] = []
    if (
        budget is None
        and constraints_file is None
        and any(v not in (None, False) for v in constraints.values())
    ):
        progress.done()
        _fail(text("cli_needs_budget"), lang, 2)
    if budget is not None or constraints_file is not None:
        portfolio = _portfolio(
            result, lang, progress, budget, constraints_file=constraints_file, **constraints
        )
        sheets.append(portfolio_sheet(portfolio))
    if sensitivity:
        from screening.analysis.sensitivity import monte_carlo

        progress("sensitivity", 0.9)
        smaa = monte_carlo(
            result.pm,
            result.weights,
            result.criteria.missing_policy,
            draws=draws,
            top_k=top_k,
            seed=seed,
            completeness_threshold=result.criteria.completeness_threshold,
        )
        note = smaa.thin_note()
        if note is not None:
            typer.echo(note.get(lang))
        sheets.append(sensitivity_sheet(smaa))
    return sheets


def _portfolio(
    result: Result,
    lang: Lang,
    progress: _Progress,
    budget: float | None,
    constraints_file: Path | None = None,
    **constraints: object,
) -> Any:
    """The optimal portfolio under the command line's constraints (over a constraints file's, when one is
    given: then the reviewers' decisions of a re-imported workbook bind too), its messages printed (a bad
    option or file: exit 2). Shared by ``score`` (sheet Portfolio) and ``brief --portfolio``."""
    from pydantic import ValidationError

    from screening.analysis.portfolio import (
        ConstraintsError,
        PortfolioConstraints,
        blocking_flag_ids,
        decisions_of,
        optimise,
    )
    from screening.analysis.portfolio_constraints import constraints_from_file, summary_lines

    given = {k: v for k, v in constraints.items() if v is not None}  # None: the model's default
    decisions = None
    try:
        if constraints_file is not None:
            overrides = {k: v for k, v in given.items() if v is not False}
            if budget is not None:
                overrides["budget"] = budget
            cons = constraints_from_file(
                constraints_file, result.criteria, result=result, overrides=overrides
            )
            decisions = decisions_of(result)
        else:
            cons = PortfolioConstraints(budget=budget, **given)  # type: ignore[arg-type]
    except ConstraintsError as exc:
        progress.done()
        _fail(exc.text, lang, 2)
    except ValidationError as exc:
        progress.done()
        first = exc.errors()[0]
        _fail(text("pf_invalid_option", option=first["loc"][0], msg=first["msg"]), lang, 2)
    blocking = blocking_flag_ids(result.criteria)
    for flag in cons.allow_flags:
        if flag not in blocking:
            progress.done()
            _fail(text("pf_unknown_allow_flag", flag=flag, known=", ".join(blocking) or "—"), lang, 2)
    if cons.cost_column not in result.ranked.columns:
        from screening.present import cost_columns

        progress.done()
        known = ", ".join(cost_columns(result.ranked)) or "—"
        _fail(text("pf_unknown_cost_column", column=cons.cost_column, known=known), lang, 2)
    progress("portfolio", 0.85)
    try:
        portfolio = optimise(result, cons, decisions=decisions or None)
    except ConstraintsError as exc:
        progress.done()
        _fail(exc.text, lang, 2)
    typer.echo(portfolio.message.get(lang))
    if portfolio.eligibility is not None:
        typer.echo(portfolio.eligibility.describe().get(lang))
        thin = portfolio.eligibility.thin_note()
        if thin is not None:
            typer.echo(thin.get(lang))
    if portfolio.ok:
        typer.echo(portfolio.track_mix_text().get(lang))
    if (note := portfolio.group_note()) is not None:
        typer.echo(note.get(lang))
    if constraints_file is not None:
        for line in summary_lines(portfolio):
            typer.echo(line.get(lang))
    return portfolio


def _brief_file_name(project_id: str, taken: set[str]) -> str:
    """A safe file name for one project's brief: the id with anything but letters, digits, '-' and '.'
    replaced (no path separators, no leading dot), made unique within the folder."""
    from screening.present.brief import brief_file_stem

    stem = brief_file_stem(project_id)
    name, k = f"{stem}.pdf", 1
    while name.lower() in taken:
        k += 1
        name = f"{stem}_{k}.pdf"
    taken.add(name.lower())
    return name


def _write_bytes(out: Path, data: bytes, lang: Lang) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        _fail(text("cli_cannot_write", out=out, error=exc.strerror), lang)


@app.command()
@_guarded
def brief(
    input: Annotated[Path, typer.Argument(help="Workbook (.xlsx/.xlsm) or CSV with project records")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Brief to write (.pdf); with --all, a folder for one PDF each")
    ],
    project: Annotated[str | None, typer.Option(help="Project ID of the one-page brief")] = None,
    all_projects: Annotated[
        bool, typer.Option("--all", help="One brief per ranked project into the --out folder")
    ] = False,
    portfolio: Annotated[
        bool,
        typer.Option(
            help="One-page portfolio brief: the ranked projects, or with --budget the optimal portfolio "
            "(the same options as score)"
        ),
    ] = False,
    top_n: Annotated[int, typer.Option(help="Projects listed in full in the portfolio brief", min=1)] = 10,
    criteria: Annotated[
        Path | None, typer.Option(help="Criteria YAML (default: criteria/default.yaml)")
    ] = None,
    mapping: Annotated[
        str | None, typer.Option(help="Built-in mapping name (e.g. aiddata-gcdf3) or YAML file")
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Project sheet name (default: found by its headers)")
    ] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the brief and messages")] = Lang.en,
    inference: Annotated[
        bool, typer.Option(help="Fill blank fields from what each record carries (as score does)")
    ] = True,
    country_sheet: Annotated[
        bool,
        typer.Option(
            "--country-sheet/--no-country-sheet",
            help="Fill country context from the shipped country sheet (as score does)",
        ),
    ] = True,
    seed: Annotated[
        int,
        typer.Option(help="Random seed of the rank interval (and of score's analyses)", min=0, max=2**32 - 1),
    ] = 0,
    budget: Annotated[
        float | None, typer.Option(help="Portfolio budget, USD million (with --portfolio)")
    ] = None,
    min_small_share: Annotated[float | None, typer.Option(help="As score")] = None,
    min_small_count: Annotated[int | None, typer.Option(help="As score")] = None,
    min_flagship_count: Annotated[int | None, typer.Option(help="As score")] = None,
    max_country_share: Annotated[float | None, typer.Option(help="As score")] = None,
    max_sector_share: Annotated[float | None, typer.Option(help="As score")] = None,
    exclude_flagged: Annotated[bool, typer.Option(help="As score")] = False,
    no_duplicates: Annotated[bool, typer.Option(help="As score")] = False,
    cost_column: Annotated[str | None, typer.Option(help="As score")] = None,
    split_groups: Annotated[bool, typer.Option(help="As score")] = False,
    objective: Annotated[PortfolioObjective | None, typer.Option(help="As score")] = None,
    include_tier: Annotated[list[str] | None, typer.Option(help="As score (repeatable)")] = None,
    allow_flag: Annotated[list[str] | None, typer.Option(help="As score (repeatable)")] = None,
) -> None:
    """One-page committee brief (PDF) of a project, of every project (--all) or of a portfolio.

    Made from a fresh run of INPUT with the same options as score, so it agrees with the workbook score
    writes from them (runs are not stored yet: no --run)."""
    from screening.pipeline import run
    from screening.present.brief import (
        BriefError,
        brief_rationale,
        portfolio_brief_pdf,
        project_brief_pdf,
        project_facts,
        rank_intervals,
    )
    from screening.present.brief.pdf import one_page_pdf
    from screening.present.brief.render import DENSITIES, render_project

    if sum([project is not None, all_projects, portfolio]) != 1:
        _fail(text("cli_brief_one_mode"), lang, 2)
    if all_projects:
        if out.exists() and not out.is_dir():
            _fail(text("cli_brief_out_not_folder", out=out), lang, 2)
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            _fail(text("cli_out_parent_missing", parent=parent), lang, 2)
    else:
        if out.is_dir():
            _fail(text("cli_out_is_directory", out=out), lang, 2)
        if out.suffix.lower() != ".pdf":
            _fail(text("cli_brief_out_not_pdf"), lang, 2)
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            _fail(text("cli_out_parent_missing", parent=parent), lang, 2)
    _check_finite(
        lang,
        budget=budget,
        min_small_share=min_small_share,
        max_country_share=max_country_share,
        max_sector_share=max_sector_share,
    )
    cs, sha = _load_criteria(criteria, lang)
    mp = None
    if mapping:
        try:
            mp = load_mapping(mapping)
        except MappingError as exc:
            _fail(text("cli_mapping_invalid", error=exc), lang)
    progress = _Progress()
    try:
        result = run(
            input,
            criteria=cs,
            criteria_sha256=sha,
            mapping=mp,
            sheet=sheet,
            progress=progress,
            inference=inference,
            country_sheet=country_sheet,
        )
    except InputError as exc:
        progress.done()
        _fail(text("cli_nothing_written", reason=exc.text), lang)
    progress.done()
    try:
        if portfolio:
            constraints: dict[str, object] = {
                "min_small_share": min_small_share,
                "min_small_count": min_small_count,
                "min_flagship_count": min_flagship_count,
                "max_country_share": max_country_share,
                "max_sector_share": max_sector_share,
                "exclude_flagged": exclude_flagged,
                "no_duplicates": no_duplicates,
                "cost_column": cost_column,
                "whole_groups": False if split_groups else None,
                "objective": objective,
                "include_tiers": include_tier,
                "allow_flags": allow_flag,
            }
            if budget is None and any(v not in (None, False) for v in constraints.values()):
                _fail(text("cli_needs_budget"), lang, 2)
            if budget is None:
                ids = [str(p) for p in result.ranked["project_id"]]
            else:
                chosen = _portfolio(result, lang, progress, budget, None, **constraints)
                if not chosen.ok:
                    _fail(text("cli_brief_failed", reason=chosen.message), lang)
                ids = [str(p) for p in chosen.chosen["project_id"]]
            _write_bytes(out, portfolio_brief_pdf(result, ids, lang.value, top_n), lang)
            typer.echo(t("cli_wrote", lang, out=out))
            return
        intervals = rank_intervals(result, seed=seed)
        if project is not None:
            facts = project_facts(result, project, lang.value, intervals=intervals, seed=seed)
            if facts.excluded:
                typer.echo(t("cli_brief_excluded", lang, id=project, verdict=facts.verdict))
            pdf = one_page_pdf(lambda density: render_project(facts, density), DENSITIES)
            _write_bytes(out, pdf, lang)
            typer.echo(t("cli_wrote", lang, out=out))
            return
        out.mkdir(exist_ok=True)
        taken: set[str] = set()
        ids = [str(p) for p in result.ranked["project_id"]]
        rationale = brief_rationale(result, lang.value)  # once for every brief
        for pid in ids:
            pdf = project_brief_pdf(
                result, pid, lang.value, intervals=intervals, seed=seed, rationale=rationale
            )
            _write_bytes(out / _brief_file_name(pid, taken), pdf, lang)
        typer.echo(t("cli_brief_wrote_all", lang, n=len(ids), out=out))
    except BriefError as exc:
        _fail(text("cli_brief_failed", reason=exc.text), lang)
    except OSError as exc:
        _fail(text("cli_cannot_write", out=out, error=exc.strerror), lang)


@app.command()
@_guarded
def compare(
    criteria_a: Annotated[Path, typer.Argument(help="Criteria set A (YAML)")],
    criteria_b: Annotated[Path, typer.Argument(help="Criteria set B (YAML)")],
    input: Annotated[Path, typer.Argument(help="Workbook or CSV with project records")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Workbook to write (.xlsx)")],
    mapping: Annotated[str | None, typer.Option(help="Built-in mapping name or YAML file")] = None,
    top_k: Annotated[int, typer.Option(help="Top k whose entries and exits are reported", min=1)] = 10,
    lang: Annotated[Lang, typer.Option(help="Language of the workbook and messages")] = Lang.en,
) -> None:
    """Score the same input under two criteria sets; write B's ranked workbook with a Comparison sheet."""
    from screening.analysis.compare import compare as compare_results
    from screening.analysis.sheets import comparison_sheet
    from screening.io.export import write_workbook
    from screening.io.read import read_input
    from screening.pipeline import run_input

    _check_out(out, lang)
    cs_a, sha_a = _load_criteria(criteria_a, lang)
    cs_b, sha_b = _load_criteria(criteria_b, lang)
    try:
        mp = load_mapping(mapping) if mapping else None
    except MappingError as exc:
        _fail(text("cli_mapping_invalid", error=exc), lang)
    try:
        inp = read_input(input, mapping=mp)
        inp_b = read_input(input, mapping=mp)
    except InputError as exc:
        _fail(text("cli_nothing_written", reason=exc.text), lang)
    quiet = lambda _s, _p: None  # noqa: E731
    a = run_input(inp, cs_a, sha_a, quiet)
    b = run_input(inp_b, cs_b, sha_b, quiet)
    comparison = compare_results(a, b, top_k=top_k, labels=(criteria_a.stem, criteria_b.stem))
    try:
        write_workbook(b, out, lang.value, extra_sheets=[comparison_sheet(comparison)])
    except OSError as exc:
        _fail(text("cli_cannot_write", out=out, error=exc.strerror), lang)
    s = comparison.summary
    summary = ", ".join(f"{k} {v}" for k, v in s.items() if isinstance(v, int | float))
    typer.echo(t("cli_wrote_summary", lang, out=out, summary=summary)[:300])


@app.command()
@_guarded
def validate(
    input: Annotated[Path, typer.Argument(help="Workbook or CSV to check")],
    mapping: Annotated[str | None, typer.Option(help="Built-in mapping name or YAML file")] = None,
    sheet: Annotated[str | None, typer.Option(help="Project sheet name")] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the messages")] = Lang.en,
) -> None:
    """List every data problem. Exit 0: none; 1: problems found; 2: file unreadable."""
    from screening.io.read import read_input
    from screening.stages.validate import validate as run_validate

    try:
        mp = load_mapping(mapping) if mapping else None
    except MappingError as exc:
        _fail(text("cli_mapping_invalid", error=exc), lang, 2)
    try:
        inp = read_input(input, mapping=mp, sheet=sheet)
    except InputError as exc:
        _fail(exc.text, lang, 2)
    val = run_validate(inp)
    issues = val.issues
    msg = f"message_{lang_code(lang)}"
    for row in issues.itertuples(index=False):
        value = "" if row.value is None else f" [{str(row.value)[:60]}]"
        typer.echo(
            f"{row.source_sheet}!{row.source_row} {row.column}{value}: {getattr(row, msg)} ({row.severity})"
        )
    n_invalid = int((~val.valid).sum())
    typer.echo(
        t("cli_validate_summary", lang, records=len(val.records), invalid=n_invalid, problems=len(issues))
    )
    raise typer.Exit(1 if len(issues) else 0)


@app.command()
@_guarded
def template(
    out: Annotated[Path, typer.Argument(help="Template workbook to write (.xlsx)")],
    lang: Annotated[Lang, typer.Option(help="Header language")] = Lang.en,
) -> None:
    """Write an empty input template (headers in both languages, drop-downs, a countries sheet)."""
    from screening.io.template import write_template

    _check_out(out, lang)
    try:
        write_template(out, lang.value)
    except OSError as exc:
        _fail(text("cli_cannot_write", out=out, error=exc.strerror), lang)
    typer.echo(t("cli_wrote", lang, out=out))


@criteria_app.command("docs")
def criteria_docs(
    criteria: Annotated[
        Path | None, typer.Option(help="Criteria YAML (default: criteria/default.yaml)")
    ] = None,
    out: Annotated[Path, typer.Option(help="Markdown page to write")] = Path("docs/criteria.md"),
) -> None:
    """Render the criteria set into a readable bilingual reference page."""
    from screening.criteria.docs import render_criteria_markdown

    cs, _ = _load_criteria(criteria, Lang.en)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_criteria_markdown(cs), encoding="utf-8")
    typer.echo(t("cli_wrote", Lang.en, out=out))


@columns_app.command("docs")
def columns_docs(
    out: Annotated[Path, typer.Option(help="Markdown page to write")] = Path("docs/columns.md"),
) -> None:
    """Render the input-column reference page (canonical names, labels, aliases, code lists)."""
    from screening.vocab.columns import columns_markdown

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(columns_markdown(), encoding="utf-8")
    typer.echo(t("cli_wrote", Lang.en, out=out))


@criteria_app.command("check")
def criteria_check(
    path: Annotated[Path, typer.Argument(help="Criteria YAML to check")],
) -> None:
    """Load a criteria file and report the first problems, naming the place in the file."""
    try:
        load_criteria_bytes(read_criteria_file(path), str(path))
    except CriteriaError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(t("cli_check_ok", Lang.en, path=path))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
