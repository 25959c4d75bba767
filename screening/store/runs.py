"""Saving, listing and loading runs, and running a stored run again from its stored inputs.

A run is kept with everything needed to compute it again: the input file's bytes (deduplicated by SHA-256
in the ``inputs`` table), the mapping, criteria and weights texts, the sheet and the inference and
country-sheet switches. Before anything is written, :func:`save_run` checks that these inputs are the
result's own (the bytes' SHA-256 is the input's, the criteria text with the weights gives the result's
criteria fingerprint), so that a diff recomputed from the store is a diff of the runs that were saved.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
import yaml
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from screening.analysis.weights import validated_weights
from screening.criteria.loader import load_criteria_bytes
from screening.criteria.models import CriteriaError, CriteriaSet
from screening.i18n import text
from screening.io.mapping import Mapping as ColumnMapping
from screening.io.mapping import MappingError, mapping_from_text
from screening.io.schema import decision_code
from screening.limits import LimitError, ilimit, limit, load_yaml_bounded, mb
from screening.model import InputError, Result
from screening.store.db import Store, StoreError, _first_line
from screening.store.schema import NAME_CHARS, inputs, projects, runs
from screening.store.schema import decisions as decisions_table

__all__ = [
    "Decision",
    "RunSummary",
    "StoredRun",
    "list_runs",
    "load_run",
    "rerun",
    "save_run",
]

PROJECT_COLUMNS = [
    "row_key",
    "project_id",
    "project_name",
    "outcome",
    "track",
    "score",
    "completeness",
    "tier",
    "rank",
    "flags",
    "gates",
]


class Decision(BaseModel):
    """A reviewer's decision on one project: the code (approve / reject / defer, or the word as written), the
    note, who and when (None when the source does not say, as for a re-imported workbook)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    project_id: str
    decision: str | None = None
    note: str | None = None
    reviewer: str | None = None
    decided_at: dt.datetime | None = None


@dataclass(frozen=True)
class RunSummary:
    """One line of :func:`list_runs`."""

    name: str
    created_at: dt.datetime
    tool_version: str
    input_name: str
    input_sha256: str
    input_size: int
    criteria_name: str
    criteria_sha256: str
    weights_edited: bool
    lang: str | None
    n_records: int
    n_ranked: int
    n_excluded: int
    n_invalid: int
    n_not_candidates: int

    def counts(self) -> dict[str, int]:
        return {
            "records": self.n_records,
            "ranked": self.n_ranked,
            "excluded": self.n_excluded,
            "invalid": self.n_invalid,
        }


@dataclass(frozen=True)
class StoredRun:
    """A run as stored: its summary, the inputs it was computed from, every record's outcome and the
    reviewers' decisions."""

    summary: RunSummary
    input_bytes: bytes
    sheet: str | None
    mapping_text: str | None
    criteria_text: str
    weights_text: str | None
    weights_provenance: str | None
    inference: bool
    country_sheet: bool
    projects: pd.DataFrame  # PROJECT_COLUMNS, one row per input record, in row_key order
    decisions: tuple[Decision, ...]

    @property
    def name(self) -> str:
        return self.summary.name


# ----------------------------------------------------------------------------------------- the inputs


def _weights_overrides(weights_text: str) -> dict[str, dict[str, float]]:
    """The edited weights document: ``{dimensions: {id: weight}, criteria: {id: weight}}`` (YAML or JSON,
    the shape of the app's edited weights), size and depth bounded."""
    try:
        data = load_yaml_bounded(
            weights_text, max_nodes=ilimit("MAX_MAPPING_NODES"), nodes_setting="MAX_MAPPING_NODES"
        )
    except (LimitError, yaml.YAMLError) as exc:
        said = exc.text.en if isinstance(exc, LimitError) else str(getattr(exc, "problem", exc))
        raise StoreError(text("store_bad_weights", error=said)) from None
    if data is None:
        return {}
    if not isinstance(data, dict) or not set(data) <= {"dimensions", "criteria"}:
        raise StoreError(text("store_bad_weights", error="expected {dimensions: {…}, criteria: {…}}"))
    out: dict[str, dict[str, float]] = {}
    for part, table in data.items():
        if table is None:
            continue
        if not isinstance(table, dict):
            raise StoreError(text("store_bad_weights", error=f"{part}: expected id: weight"))
        out[part] = {str(k): v for k, v in table.items()}
    return out


@functools.lru_cache(maxsize=8)
def _criteria_text(criteria_text: str, where: str) -> CriteriaSet:
    """A criteria text parsed once: a diff, a save and a re-run of the same text share it (the set is frozen;
    parsing the default set takes about a second)."""
    return load_criteria_bytes(criteria_text.encode("utf-8"), where)


def criteria_of(criteria_text: str, weights_text: str | None, where: str) -> CriteriaSet:
    """The criteria set a stored run was scored under: the criteria text with the edited weights laid over it."""
    try:
        cs = _criteria_text(criteria_text, where)
        if weights_text is not None:
            cs = validated_weights(cs, _weights_overrides(weights_text))
    except CriteriaError as exc:
        raise StoreError(text("store_bad_criteria", error=str(exc).splitlines()[0])) from None
    return cs


def mapping_of(mapping_text: str | None) -> ColumnMapping | None:
    if mapping_text is None:
        return None
    try:
        return mapping_from_text(mapping_text)
    except MappingError as exc:
        raise StoreError(text("store_bad_mapping", error=str(exc).splitlines()[0])) from None


def rerun(stored: StoredRun) -> Result:
    """The stored run computed again from its stored inputs, by the pipeline itself."""
    from screening.pipeline import run

    s = stored.summary
    cs = criteria_of(stored.criteria_text, stored.weights_text, s.criteria_name)
    try:
        return run(
            stored.input_bytes,
            name=s.input_name,
            criteria=cs,
            criteria_sha256=s.criteria_sha256 if stored.weights_text is None else None,
            mapping=mapping_of(stored.mapping_text),
            sheet=stored.sheet,
            inference=stored.inference,
            country_sheet=stored.country_sheet,
        )
    except InputError as exc:
        raise StoreError(text("store_rerun_failed", name=s.name, reason=exc.text)) from None


# ----------------------------------------------------------------------------------------- saving


def _name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > NAME_CHARS or any(ord(c) < 32 for c in clean):
        raise StoreError(text("store_bad_name", limit=NAME_CHARS))
    return clean


def _text_or_none(v: object) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


def _num(v: object) -> float | None:
    if v is None or v is pd.NA:
        return None
    f = float(v)  # type: ignore[arg-type]
    return None if f != f else f


def _project_rows(result: Result, run_id: int) -> list[dict[str, Any]]:
    rec = result.records
    ranked = result.ranked.set_index("row_key")
    hits = result.hits
    gate_hits = hits[hits["kind"].isin(["gate", "not_candidate"])] if len(hits) else hits
    gates = (
        gate_hits.drop_duplicates(["row_key", "id"]).groupby("row_key", sort=False)["id"].agg(";".join)
        if len(gate_hits)
        else pd.Series(dtype=object)
    )
    keys = rec["row_key"].to_numpy()
    names = rec["project_name"] if "project_name" in rec.columns else pd.Series([None] * len(rec))
    tracks = rec["track"] if "track" in rec.columns else pd.Series([None] * len(rec))

    def col(name: str) -> pd.Series:
        return ranked[name].reindex(keys) if name in ranked.columns else pd.Series([None] * len(keys))

    score, comp, tier, rank, flags = (col(c) for c in ("score", "completeness", "tier", "rank", "flags"))
    out = []
    for i, key in enumerate(keys):
        r = _num(rank.iloc[i])
        out.append(
            {
                "run_id": run_id,
                "row_key": int(key),
                "project_id": _text_or_none(rec["project_id"].iloc[i]),
                "project_name": _text_or_none(names.iloc[i]),
                "outcome": str(rec["outcome"].iloc[i]),
                "track": _text_or_none(tracks.iloc[i]),
                "score": _num(score.iloc[i]),
                "completeness": _num(comp.iloc[i]),
                "tier": _text_or_none(tier.iloc[i]),
                "rank": None if r is None else int(r),
                "flags": _text_or_none(flags.iloc[i]) or "",
                "gates": str(gates.get(key, "")),
            }
        )
    return out


def _decisions_of(result: Result) -> list[Decision]:
    """The reviews a re-imported workbook carried (who and when are not in the workbook: None)."""
    rev = result.input.reviews
    if rev is None or not len(rev):
        return []
    out = []
    for _, r in rev.iterrows():
        pid, dec, note = (_text_or_none(r[c]) for c in ("project_id", "reviewer_decision", "reviewer_note"))
        if pid is not None and (dec is not None or note is not None):
            out.append(Decision(project_id=pid, decision=dec, note=note))
    return out


def _utc(t: dt.datetime | None) -> dt.datetime | None:
    """Times are stored in UTC; SQLite hands them back without a zone, PostgreSQL with one."""
    if t is None:
        return None
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def save_run(
    store: Store,
    name: str,
    result: Result,
    input_bytes: bytes,
    mapping_text: str | None,
    criteria_text: str,
    weights_text: str | None = None,
    decisions: Iterable[Decision] | None = None,
    *,
    weights_provenance: str | None = None,
    criteria_name: str = "criteria.yaml",
    sheet: str | None = None,
    lang: str | None = None,
    created_at: dt.datetime | None = None,
) -> RunSummary:
    """Keep ``result`` under ``name`` (unique in the store) with the inputs it was computed from.

    ``decisions``: the reviewers' decisions; None takes those a re-imported workbook carried
    (``result.input.reviews``). Raises :class:`StoreError` (one line) for a taken or empty name, input bytes
    over ``MAX_INPUT_BYTES``, or inputs that are not this result's own.
    """
    clean = _name(name)
    cap = limit("MAX_INPUT_BYTES")
    if len(input_bytes) > cap:
        raise StoreError(
            text("store_input_too_large", size=mb(len(input_bytes)), limit=mb(cap), setting="MAX_INPUT_BYTES")
        )
    sha = hashlib.sha256(input_bytes).hexdigest()
    if sha != result.input.sha256:
        raise StoreError(text("store_input_mismatch"))
    mapping_of(mapping_text)  # a mapping that does not parse is refused before anything is written
    if criteria_of(criteria_text, weights_text, criteria_name).fingerprint() != result.criteria_fingerprint:
        raise StoreError(text("store_criteria_mismatch"))
    chosen = list(decisions) if decisions is not None else _decisions_of(result)
    counts = result.counts()
    made = _utc(created_at) or dt.datetime.now(dt.UTC)
    try:
        with store.engine.begin() as conn:
            if conn.execute(sa.select(runs.c.id).where(runs.c.name == clean)).first() is not None:
                raise StoreError(text("store_name_taken", name=clean))
            have = conn.execute(sa.select(inputs.c.sha256).where(inputs.c.sha256 == sha)).first()
            if have is None:
                conn.execute(inputs.insert().values(sha256=sha, size=len(input_bytes), content=input_bytes))
            from screening.pipeline import tool_version

            inserted = conn.execute(
                runs.insert().values(
                    name=clean,
                    created_at=made,
                    tool_version=tool_version(),
                    input_sha256=sha,
                    input_name=result.input.name,
                    sheet=sheet,
                    mapping_text=mapping_text,
                    criteria_name=criteria_name,
                    criteria_text=criteria_text,
                    criteria_sha256=hashlib.sha256(criteria_text.encode("utf-8")).hexdigest(),
                    weights_text=weights_text,
                    weights_provenance=weights_provenance,
                    inference=bool(result.inference.on),
                    country_sheet=result.validated.country_sheet_sha256 is not None,
                    lang=lang,
                    n_records=counts["records"],
                    n_ranked=counts["ranked"],
                    n_excluded=counts["excluded"],
                    n_invalid=counts["invalid"],
                    n_not_candidates=result.not_candidates(),
                )
            )
            key = inserted.inserted_primary_key
            assert key is not None
            run_id = int(key[0])
            rows = _project_rows(result, run_id)
            if rows:
                conn.execute(projects.insert(), rows)
            if chosen:
                conn.execute(
                    decisions_table.insert(),
                    [
                        {
                            "run_id": run_id,
                            "project_id": d.project_id,
                            "decision": decision_code(d.decision) if d.decision is not None else None,
                            "note": d.note,
                            "reviewer": d.reviewer,
                            "decided_at": _utc(d.decided_at),
                        }
                        for d in chosen
                    ],
                )
    except IntegrityError as exc:  # a name taken between the check and the insert, a decision twice
        raise StoreError(text("store_cannot_save", name=clean, error=_first_line(exc))) from None
    except SQLAlchemyError as exc:
        raise StoreError(text("store_cannot_save", name=clean, error=_first_line(exc))) from None
    return _summary(store, clean)


# ----------------------------------------------------------------------------------------- reading

_SUMMARY_COLUMNS = (
    runs.c.name,
    runs.c.created_at,
    runs.c.tool_version,
    runs.c.input_name,
    runs.c.input_sha256,
    inputs.c.size,
    runs.c.criteria_name,
    runs.c.criteria_sha256,
    runs.c.weights_text,
    runs.c.lang,
    runs.c.n_records,
    runs.c.n_ranked,
    runs.c.n_excluded,
    runs.c.n_invalid,
    runs.c.n_not_candidates,
)


def _summary_of(row: Mapping[str, Any]) -> RunSummary:
    made = _utc(row["created_at"])
    assert made is not None
    return RunSummary(
        name=row["name"],
        created_at=made,
        tool_version=row["tool_version"],
        input_name=row["input_name"],
        input_sha256=row["input_sha256"],
        input_size=int(row["size"]),
        criteria_name=row["criteria_name"],
        criteria_sha256=row["criteria_sha256"],
        weights_edited=row["weights_text"] is not None,
        lang=row["lang"],
        n_records=int(row["n_records"]),
        n_ranked=int(row["n_ranked"]),
        n_excluded=int(row["n_excluded"]),
        n_invalid=int(row["n_invalid"]),
        n_not_candidates=int(row["n_not_candidates"]),
    )


def _reading(store: Store) -> Any:
    try:
        return store.engine.connect()
    except SQLAlchemyError as exc:
        raise StoreError(text("store_cannot_open", url=store.where, error=_first_line(exc))) from None


def list_runs(store: Store) -> list[RunSummary]:
    """Every stored run, oldest first."""
    query = sa.select(*_SUMMARY_COLUMNS).join(inputs, inputs.c.sha256 == runs.c.input_sha256)
    with _reading(store) as conn:
        rows = conn.execute(query.order_by(runs.c.created_at, runs.c.id)).mappings().all()
    return [_summary_of(r) for r in rows]


def _unknown(store: Store, name: str) -> StoreError:
    known = [r.name for r in list_runs(store)]
    shown = ", ".join(known[-5:]) if known else "—"
    return StoreError(text("store_unknown_run", name=name, known=shown, count=len(known)))


def _summary(store: Store, name: str) -> RunSummary:
    query = sa.select(*_SUMMARY_COLUMNS).join(inputs, inputs.c.sha256 == runs.c.input_sha256)
    with _reading(store) as conn:
        row = conn.execute(query.where(runs.c.name == name)).mappings().first()
    if row is None:
        raise _unknown(store, name)
    return _summary_of(row)


def load_run(store: Store, name: str) -> StoredRun:
    """The run called ``name`` with its stored inputs, records and decisions (:class:`StoredRun`)."""
    with _reading(store) as conn:
        row = conn.execute(sa.select(runs).where(runs.c.name == name.strip())).mappings().first()
        if row is None:
            raise _unknown(store, name)
        content, size = conn.execute(
            sa.select(inputs.c.content, inputs.c.size).where(inputs.c.sha256 == row["input_sha256"])
        ).one()
        frame = pd.DataFrame(
            conn.execute(
                sa.select(*(projects.c[c] for c in PROJECT_COLUMNS))
                .where(projects.c.run_id == row["id"])
                .order_by(projects.c.row_key)
            )
            .mappings()
            .all(),
            columns=PROJECT_COLUMNS,
        )
        decided = conn.execute(
            sa.select(decisions_table)
            .where(decisions_table.c.run_id == row["id"])
            .order_by(decisions_table.c.id)
        ).mappings()
        chosen = tuple(
            Decision(
                project_id=d["project_id"],
                decision=d["decision"],
                note=d["note"],
                reviewer=d["reviewer"],
                decided_at=_utc(d["decided_at"]),
            )
            for d in decided
        )
    frame["rank"] = frame["rank"].astype("Int64")
    frame["score"] = pd.to_numeric(frame["score"]).astype(float)
    frame["completeness"] = pd.to_numeric(frame["completeness"]).astype(float)
    summary = _summary_of({**row, "size": size})
    return StoredRun(
        summary=summary,
        input_bytes=bytes(content),
        sheet=row["sheet"],
        mapping_text=row["mapping_text"],
        criteria_text=row["criteria_text"],
        weights_text=row["weights_text"],
        weights_provenance=row["weights_provenance"],
        inference=bool(row["inference"]),
        country_sheet=bool(row["country_sheet"]),
        projects=frame,
        decisions=chosen,
    )


def ranked_projects(stored: StoredRun) -> pd.DataFrame:
    """The stored ranking, best first."""
    p = stored.projects
    return p[p["outcome"] == "ranked"].sort_values("rank").reset_index(drop=True)
