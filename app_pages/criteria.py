"""Criteria: pick or upload a criteria set, edit dimension and criterion weights (re-validated in Python),
reset, see every criterion's anchors and source, download the edited set as YAML.

A weight change re-ranks from the stored point matrix (``screening.pipeline.reweigh``): the file is not
read, validated or screened again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import streamlit as st

from app_pages import common
from screening import present
from screening.analysis.weights import current_weights
from screening.criteria.loader import criteria_files, load_criteria_bytes
from screening.criteria.models import CriteriaError


def _pick_file() -> None:
    files = criteria_files()
    names = [p.name for p in files]
    current = st.session_state["criteria_src"]["name"]
    uploaded_label = common.t("criteria_uploaded")
    options = names if current in names else [*names, current]
    col1, col2 = st.columns(2)
    choice = common.selectbox(
        col1,
        common.t("criteria_pick"),
        options,
        index=options.index(current),
        format_func=lambda n: n if n in names else f"{n} {uploaded_label}",
        key="criteria_pick",
    )
    if choice != current and choice in names:
        common.set_criteria(choice, files[names.index(choice)].read_bytes())
        st.rerun()
    up = common.file_uploader(col2, common.t("criteria_upload"), types=["yaml", "yml"], key="criteria_upload")
    if up is not None:
        data = up.getvalue()
        tag = hashlib.sha256(data).hexdigest()
        if st.session_state.get("_criteria_upload_seen") != tag:
            st.session_state["_criteria_upload_seen"] = tag
            try:
                load_criteria_bytes(data, up.name)
            except CriteriaError as exc:
                st.session_state["_criteria_upload_error"] = str(exc)
            else:
                st.session_state.pop("_criteria_upload_error", None)
                common.set_criteria(up.name, data)
                st.rerun()
    err = st.session_state.get("_criteria_upload_error")
    if err:
        st.error(common.t("criteria_error", msg=err.splitlines()[0]))
        if len(err.splitlines()) > 1:
            st.code(err, language=None)


def _key(weights: object) -> str:
    """Comparable form of a weights dict (NaN equals NaN)."""
    return json.dumps(weights, sort_keys=True, default=str)


def _set_dimension(dim_id: str, widget_key: str) -> None:
    """Callback: a dimension weight was changed (the value is re-validated in Python by the next run)."""
    w = dict(st.session_state.get("weights") or {})
    w["dimensions"] = {**w.get("dimensions", {}), dim_id: st.session_state.get(widget_key)}
    st.session_state["weights"] = w


def _set_criteria(editor_key: str, ids: list[str]) -> None:
    """Callback: cells of the criterion table were edited; injected edits may skip the column's bounds,
    which is why the weights are re-validated (``validated_weights``) before use."""
    edits = (st.session_state.get(editor_key) or {}).get("edited_rows", {})
    w = dict(st.session_state.get("weights") or {})
    crits = dict(w.get("criteria", {}))
    for row, change in edits.items():
        if "weight" in change and int(row) < len(ids):
            crits[ids[int(row)]] = change["weight"]
    w["criteria"] = crits
    st.session_state["weights"] = w


def _bounded(v: float) -> float:
    return float(min(max(v, 0.0), 1000.0)) if v == v else 0.0


def _editors(ld: common.Loaded, lang: str) -> None:
    criteria = ld.criteria
    assert criteria is not None
    overrides = st.session_state.get("weights") or {}
    weights = current_weights(criteria, overrides)
    dims, crits = present.weights_frames(criteria, weights, lang)
    tag = f"{st.session_state.get('editor_version', 0)}_{hashlib.sha1(_key(overrides).encode()).hexdigest()[:10]}"
    st.caption(common.t("weights_help"))
    st.markdown(f"**{common.t('dimension_weights')}**")
    per_row = 3
    for start in range(0, len(dims), per_row):
        cols = st.columns(per_row)
        for col, (_, d) in zip(cols, dims.iloc[start : start + per_row].iterrows(), strict=False):
            key = f"dimw_{d['id']}_{tag}"
            value = d["weight"] if isinstance(d["weight"], int | float) else float("nan")
            col.number_input(
                f"{d['label']} ({d['share']:.1f}%)",
                min_value=0.0,
                max_value=1000.0,
                value=_bounded(value),
                step=1.0,
                key=key,
                on_change=_set_dimension,
                args=(str(d["id"]), key),
            )
    st.markdown(f"**{common.t('criterion_weights')}**")
    number = st.column_config.NumberColumn(
        common.t("weight"), min_value=0.0, max_value=1000.0, step=0.5, required=True
    )
    editor_key = f"crit_editor_{tag}"
    st.data_editor(
        crits,
        key=editor_key,
        hide_index=True,
        disabled=["dimension", "id", "label", "tracks"],
        column_order=["dimension", "label", "weight", "tracks"],  # ids stay in the frame (the callback's
        # rows are positional), out of sight: a planner reads the criterion's name
        placeholder="",
        height=360,
        on_change=_set_criteria,
        args=(editor_key, crits["id"].astype(str).tolist()),
        column_config={
            "dimension": common.t("dimension"),
            "id": common.t("id"),
            "label": common.t("criterion"),
            "weight": number,
            "tracks": common.t("tracks"),
        },
    )
    b1, b2 = st.columns(2)
    if b1.button(common.t("reset_weights"), key="reset_weights"):
        common.reset_weights()
        st.rerun()
    if ld.edited is not None:
        b2.download_button(
            common.t("download_criteria"),
            data=present.criteria_yaml(ld.edited).encode("utf-8"),
            file_name=f"{ld.edited.id}-edited.yaml",
            mime="application/x-yaml",
            on_click="ignore",
            key="download_criteria",
        )


def body() -> None:
    lang = common.lang()
    st.title(common.t("criteria_title"))
    _pick_file()
    ld = common.loaded()
    if ld.criteria is None:
        st.error(ld.error or "")
        return
    cs = ld.criteria
    st.markdown(f"**{cs.title.get(lang)}** · `{cs.id}` {cs.version}")
    if cs.description is not None:
        st.caption(cs.description.get(lang))
    if ld.weights_error:
        st.error(common.t("weights_error", msg=ld.weights_error))
    _editors(ld, lang)

    if ld.base is not None and ld.result is not None:
        st.markdown(f"**{common.t('preview')}**")
        moved = present.rank_changes(ld.base, ld.result)
        moved["tier"] = moved["tier"].map(lambda v: present.tier_label(v, lang, cs))
        common.dataframe(
            moved,
            hide_index=True,
            column_config={c: present.column_title(c, lang, cs) for c in moved.columns},
        )
    elif ld.error:
        st.warning(ld.error)

    st.subheader(common.t("anchors"))
    details = present.criteria_details(ld.edited or cs, lang)
    cfg: dict[str, Any] = {c: present.t(c, lang) for c in details.columns}
    cfg["label"] = common.t("criterion")
    cfg["anchors"] = st.column_config.TextColumn(common.t("anchors"), width="large")
    cfg["source"] = st.column_config.TextColumn(common.t("source"), width="large")
    common.dataframe(details, hide_index=True, column_config=cfg, row_height=common.WRAPPED_ROW_HEIGHT)

    with st.expander(f"{common.t('gates')} ({len(cs.gates)}) · {common.t('flags')} ({len(cs.flags)})"):
        rows = [
            {
                "kind": common.t("kind_gate"),
                "id": g.id,
                "label": g.label.get(lang),
                "reason": g.reason.get(lang),
                "source": present.source_text(cs, f"{g.source} {g.section or ''}".strip()),
            }
            for g in cs.gates
        ]
        rows += [
            {
                "kind": common.t("kind_flag"),
                "id": f.id,
                "label": f.label.get(lang),
                "reason": f.reason.get(lang),
                "source": present.source_text(cs, f"{f.source} {f.section or ''}".strip()),
            }
            for f in cs.flags
        ]
        common.dataframe(
            rows,
            hide_index=True,
            column_config={c: present.t(c, lang) for c in ("kind", "id", "label", "reason", "source")},
        )
    with st.expander(common.t("tiers")):
        common.dataframe(
            [{"id": x.id, "label": x.label.get(lang), "min_score": x.min_score} for x in cs.tiers],
            hide_index=True,
        )


common.guarded(body)
