"""``screening runs list | show | diff``, and :func:`save_from_cli` behind ``screening score --save-run``.

Every line a planner reads comes from the catalogue in the chosen language; tables are drawn by rich. A
mistake (an unknown run, a bad store address) is one line on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
import yaml
from rich.console import Console
from rich.table import Table

from screening.i18n import Text, t, text
from screening.limits import LimitError, limit, read_file_bounded
from screening.vocab.columns import CODE_LISTS

if (
    TYPE_CHECKING
):  # the pipeline, pandas, scipy and SQLAlchemy load when a command runs, not when the CLI starts
    from screening.model import Result
    from screening.stages.score import Weights
    from screening.store.db import Store
    from screening.store.diff import DiffEntry, RunDiff
    from screening.store.runs import RunSummary, StoredRun

__all__ = ["runs_app", "save_from_cli"]

runs_app = typer.Typer(
    add_completion=False, no_args_is_help=True, help="Stored runs: list, show, compare / 已保存的运行"
)

MOVES_SHOWN = 3  # criteria listed per changed project: the largest moves (our own choice, to fit a line)
TOP_SHOWN = 10  # ranked projects `runs show` lists


class Lang(StrEnum):
    en = "en"
    zh = "zh"


StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Run store: a SQLite file or a SQLAlchemy URL (default: $SCREENING_STORE, else runs.sqlite3 "
        "in the user's data folder)",
    ),
]
LangOption = Annotated[Lang, typer.Option(help="Language of the output")]


def _console() -> Console:
    return Console(soft_wrap=False, highlight=False)


def _fail(said: Text, lang: Lang) -> NoReturn:
    typer.echo(said.get(lang), err=True)
    raise typer.Exit(1)


def _open(where: str | None, lang: Lang) -> Store:
    from screening.store.db import StoreError, open_store

    try:
        return open_store(where)
    except StoreError as exc:
        _fail(exc.text, lang)


def _when(s: RunSummary) -> str:
    return s.created_at.strftime("%Y-%m-%d %H:%M UTC")


def _tier(code: object, lang: Lang, names: dict[str, Text] | None = None) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return "—"
    if names and f"tier:{code}" in names:
        return names[f"tier:{code}"].get(lang)
    return CODE_LISTS["tier"].label(str(code), lang)


def _weights_word(s: RunSummary, lang: Lang) -> str:
    return t("runs_weights_edited" if s.weights_edited else "runs_weights_own", lang)


@runs_app.command("list")
def list_command(store: StoreOption = None, lang: LangOption = Lang.en) -> None:
    """Every stored run, oldest first."""
    from screening.store.runs import list_runs

    st = _open(store, lang)
    from screening.store.db import StoreError

    try:
        found = list_runs(st)
    except StoreError as exc:
        _fail(exc.text, lang)
    if not found:
        typer.echo(t("runs_none", lang, where=st.where))
        return
    table = Table(title=t("runs_listed", lang, n=len(found), where=st.where))
    for key in (
        "runs_col_name",
        "runs_col_created",
        "runs_col_file",
        "runs_col_criteria",
        "runs_col_weights",
    ):
        table.add_column(t(key, lang))
    for key in ("runs_col_ranked", "runs_col_excluded", "runs_col_invalid"):
        table.add_column(t(key, lang), justify="right")
    table.add_column(t("runs_col_version", lang))
    for s in found:
        table.add_row(
            s.name,
            _when(s),
            s.input_name,
            s.criteria_name,
            _weights_word(s, lang),
            str(s.n_ranked),
            str(s.n_excluded),
            str(s.n_invalid),
            s.tool_version,
        )
    _console().print(table)


def _show(run: StoredRun, lang: Lang) -> None:
    from screening.store.runs import ranked_projects

    s = run.summary
    out = _console()
    out.print(t("run_show_head", lang, name=s.name, created=_when(s), version=s.tool_version))
    out.print(
        t(
            "run_show_file",
            lang,
            file=s.input_name,
            size=f"{s.input_size / 1024:,.1f}",
            sha=s.input_sha256[:12],
        )
    )
    out.print(
        t(
            "run_show_criteria",
            lang,
            criteria=s.criteria_name,
            sha=s.criteria_sha256[:12],
            weights=_weights_word(s, lang),
        )
    )
    if run.weights_provenance:
        out.print(t("run_show_provenance", lang, provenance=run.weights_provenance))
    mapping = t("run_show_mapping_given", lang) if run.mapping_text else t("run_show_mapping_none", lang)
    out.print(t("run_show_mapping", lang, mapping=mapping))
    out.print(t("run_show_counts", lang, not_candidates=s.n_not_candidates, **s.counts()))
    top = ranked_projects(run).head(TOP_SHOWN)
    if len(top):
        table = Table(title=t("run_show_top", lang, k=len(top)))
        table.add_column(t("runs_col_rank", lang), justify="right")
        for key in ("runs_col_project", "runs_col_project_name"):
            table.add_column(t(key, lang))
        table.add_column(t("runs_col_score", lang), justify="right")
        table.add_column(t("runs_col_tier", lang))
        for _, r in top.iterrows():
            table.add_row(
                str(r["rank"]),
                str(r["project_id"]),
                str(r["project_name"] or ""),
                f"{r['score']:.2f}",
                _tier(r["tier"], lang),
            )
        out.print(table)
    out.print(t("run_show_decisions", lang, n=len(run.decisions)))
    if run.decisions:
        table = Table()
        for key in (
            "runs_col_project",
            "runs_col_decision",
            "runs_col_note",
            "runs_col_reviewer",
            "runs_col_when",
        ):
            table.add_column(t(key, lang))
        unknown = t("runs_not_recorded", lang)
        for d in run.decisions:
            word = (
                t(f"decision_{d.decision}", lang)
                if d.decision in ("approve", "reject", "defer")
                else d.decision
            )
            table.add_row(
                d.project_id,
                word or "—",
                d.note or "",
                d.reviewer or unknown,
                d.decided_at.strftime("%Y-%m-%d %H:%M UTC") if d.decided_at else unknown,
            )
        out.print(table)


@runs_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="The run's name")],
    store: StoreOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """One stored run: its inputs, counts, top projects and the reviewers' decisions."""
    from screening.store.runs import load_run

    st = _open(store, lang)
    from screening.store.db import StoreError

    try:
        run = load_run(st, name)
    except StoreError as exc:
        _fail(exc.text, lang)
    _show(run, lang)


def _change_words(e: DiffEntry, k: int, lang: Lang) -> str:
    return t("sep_items", lang).join(t(f"diff_change_{c}", lang, k=k) for c in e.changes)


def _why(e: DiffEntry, d: RunDiff, lang: Lang) -> str:
    if e.moves:
        parts = []
        for m in e.moves[:MOVES_SHOWN]:
            label = d.names.get(f"criterion:{m.criterion}")
            parts.append(
                t(
                    "diff_move",
                    lang,
                    criterion=label.get(lang) if label else m.criterion,
                    change=f"{m.change:+.2f}",
                    points=f"{m.by_points:+.2f}",
                    weight=f"{m.by_weight:+.2f}",
                )
            )
        return t("sep_items", lang).join(parts)
    side, gates = (d.labels[1], e.gates_b) if e.rank_b is None else (d.labels[0], e.gates_a)
    outcome = e.outcome_b if e.rank_b is None else e.outcome_a
    said = t(f"outcome_{outcome}", lang) if outcome in ("excluded", "invalid") else t("diff_absent", lang)
    if gates:
        return t("diff_not_ranked_gates", lang, run=side, outcome=said, gates=", ".join(gates))
    return t("diff_not_ranked", lang, run=side, outcome=said)


def _num(v: float | int | None, fmt: str = "{}") -> str:
    return "—" if v is None else fmt.format(v)


def _print_diff(d: RunDiff, lang: Lang) -> None:
    out = _console()
    tau = d.summary.get("kendall_tau_b")
    out.print(
        t(
            "diff_head",
            lang,
            a=d.labels[0],
            b=d.labels[1],
            changed=len(d.entries),
            k=d.top_k,
            tau="—" if tau is None else f"{tau:.4f}",
            up=d.summary.get("moved_up", 0),
            down=d.summary.get("moved_down", 0),
        )
    )
    if d.empty:
        out.print(t("diff_none", lang, k=d.top_k))
        return
    if d.weight_changes:
        table = Table(title=t("diff_weights_title", lang))
        for key in ("diff_col_item", "diff_col_kind"):
            table.add_column(t(key, lang))
        table.add_column(d.labels[0], justify="right")
        table.add_column(d.labels[1], justify="right")
        for w in d.weight_changes:
            label = d.names.get(f"{w.kind}:{w.id}")
            table.add_row(
                label.get(lang) if label else w.id,
                t(f"diff_kind_{w.kind}", lang),
                _num(w.weight_a, "{:.4g}"),
                _num(w.weight_b, "{:.4g}"),
            )
        out.print(table)
    if d.entries:
        table = Table(title=t("diff_entries_title", lang, a=d.labels[0], b=d.labels[1]))
        for key in (
            "runs_col_project",
            "diff_col_change",
            "diff_col_rank",
            "diff_col_score",
            "diff_col_tier",
        ):
            table.add_column(t(key, lang))
        table.add_column(t("diff_col_why", lang), overflow="fold")
        for e in d.entries:
            table.add_row(
                f"{e.project_id} {e.project_name or ''}".strip(),
                _change_words(e, d.top_k, lang),
                f"{_num(e.rank_a)} → {_num(e.rank_b)}",
                f"{_num(e.score_a, '{:.2f}')} → {_num(e.score_b, '{:.2f}')}",
                f"{_tier(e.tier_a, lang, d.names)} → {_tier(e.tier_b, lang, d.names)}",
                _why(e, d, lang),
            )
        out.print(table)


@runs_app.command("diff")
def diff_command(
    a: Annotated[str, typer.Argument(help="Run A (the earlier)")],
    b: Annotated[str, typer.Argument(help="Run B (the later)")],
    top: Annotated[int, typer.Option("--top", help="Top k whose entries and exits are reported", min=1)] = 10,
    store: StoreOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Who entered or left the ranking and the top k, whose tier changed, and which criteria and weights moved
    them — both runs computed again from their stored inputs."""
    from screening.store.diff import diff_runs

    st = _open(store, lang)
    from screening.store.db import StoreError

    try:
        d = diff_runs(st, a, b, top)
    except StoreError as exc:
        _fail(exc.text, lang)
    _print_diff(d, lang)


# ----------------------------------------------------------------------------- score --save-run


def mapping_text(name_or_path: str | None) -> str | None:
    """The YAML text of a mapping given as ``score --mapping`` takes it: a file path, else a built-in name
    (the resolution :func:`screening.io.mapping.load_mapping` uses)."""
    if not name_or_path:
        return None
    from screening.resources import MAPPINGS_DIR

    path = Path(name_or_path)
    builtin = MAPPINGS_DIR / f"{name_or_path}.yaml"
    if not path.exists() and builtin.exists():
        path = builtin
    raw = read_file_bounded(path, limit("MAX_MAPPING_BYTES"), "MAX_MAPPING_BYTES")
    return raw.decode("utf-8-sig")


def save_from_cli(
    result: Result,
    *,
    input_path: Path,
    name: str,
    store: str | None = None,
    criteria: Path | None = None,
    mapping: str | None = None,
    sheet: str | None = None,
    lang: str = "en",
    weights: Weights | None = None,
    weights_files: list[Path] | None = None,
) -> RunSummary:
    """Keep the run ``score`` just made under ``name``: the input file's bytes, the mapping and criteria
    texts as the options gave them. Prints one line; on any failure prints why and exits 1.

    ``weights``: the weights the run used when weights files (``--weights``) replaced the criteria file's,
    stored as the edited-weights document; ``weights_files``: those files (or folders), whose texts are kept
    as the weights' provenance."""
    from screening.criteria.loader import DEFAULT_CRITERIA, read_criteria_file
    from screening.store.runs import save_run

    code = Lang.zh if lang == "zh" else Lang.en
    st = _open(store, code)
    from screening.store.db import StoreError

    try:
        data = read_file_bounded(input_path, limit("MAX_INPUT_BYTES"))
        criteria_file = criteria or DEFAULT_CRITERIA
        criteria_text = read_criteria_file(criteria_file).decode("utf-8-sig")
        weights_text, provenance = _weights_texts(weights, weights_files)
        saved = save_run(
            st,
            name,
            result,
            data,
            mapping_text(mapping),
            criteria_text,
            weights_text,
            criteria_name=Path(criteria_file).name,
            sheet=sheet,
            lang=code.value,
            weights_provenance=provenance,
        )
    except LimitError as exc:
        _fail(text("store_cannot_save", name=name, error=exc.text.get(code)), code)
    except StoreError as exc:
        _fail(exc.text, code)
    finally:
        st.close()
    typer.echo(t("store_saved", code, name=saved.name, where=st.where))
    return saved


def _weights_texts(weights: Weights | None, files: list[Path] | None) -> tuple[str | None, str | None]:
    """The edited-weights document of ``weights`` and the weights files' own texts (bounded), or Nones."""
    if weights is None:
        return None, None
    from screening.criteria.elicitation import weights_paths

    doc = yaml.safe_dump(
        {"dimensions": dict(weights.dimensions), "criteria": dict(weights.criteria)},
        allow_unicode=True,
        sort_keys=True,
    )
    texts = [
        f"# {p.name}\n" + read_file_bounded(p, limit("MAX_MAPPING_BYTES")).decode("utf-8-sig")
        for p in weights_paths(files or [])
    ]
    return doc, "\n---\n".join(texts) or None
