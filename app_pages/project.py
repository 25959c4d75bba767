"""Project: one project at a glance — its tier, score and rank, what each dimension added against the median
of its track (a chart), the distance to the next tier and what would close it, its review flags with their
consequence and its rank interval from the robustness analysis — then, behind one expander, the full
rationale: gates and flags, points by dimension and criterion with reasons and sources."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app_pages import common
from screening import present
from screening.analysis.contribution import Contribution, contribution
from screening.analysis.sensitivity import Smaa, monte_carlo
from screening.criteria.models import CriteriaSet
from screening.i18n import Text, join
from screening.model import Result
from screening.present.brief import brief_file_stem, project_brief_pdf
from screening.present.charts import contribution_chart
from screening.report import result_fingerprint


def _option_labels(result, lang: str) -> dict[str, str]:  # noqa: ANN001 - a pipeline.Result
    """'id · name (outcome)' for every record, built in one pass (a selectbox formats every option)."""
    rec = result.records
    ids = rec["project_id"].astype(str)
    names = rec["project_name"].astype(str) if "project_name" in rec else ids
    outcome = rec["outcome"].map(
        {o: present.t("outcome_" + o, lang) for o in ("ranked", "excluded", "invalid")}
    )
    text = ids + " · " + names.str.slice(0, 60) + " (" + outcome.astype(str) + ")"
    return dict(zip(ids[::-1], text[::-1], strict=True))  # a shared id shows its first record


def _money(value: Any) -> str:
    """USD m with thousands separators and one decimal ("1,234.5"); a blank stays blank."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if number != number else f"{number:,.1f}"


def _picked() -> None:
    st.session_state["project_id"] = st.session_state.get("project_pick")


def body() -> None:
    lang = common.lang()
    st.title(common.t("project_title"))
    result = common.need_result()
    if result is None:
        return
    cs = result.criteria
    ranked_ids = result.ranked["project_id"].astype(str).tolist()
    others = [
        str(p)
        for p in result.records.loc[result.records["outcome"] != "ranked", "project_id"]
        if isinstance(p, str | int | float) and str(p) not in ("", "nan", "None")
    ]
    options = list(dict.fromkeys(ranked_ids + others))
    if not options:
        st.info(common.t("no_projects"))
        return
    wanted = st.session_state.get("project_id")
    if wanted not in options:
        wanted = options[0]
    if st.session_state.get("project_pick") != wanted:
        st.session_state["project_pick"] = wanted
    labels = _option_labels(result, lang)
    pid = common.selectbox(
        st,
        common.t("project_pick"),
        options,
        format_func=lambda p: labels.get(p, p),
        key="project_pick",
        on_change=_picked,
    )
    st.session_state["project_id"] = pid
    info = present.project_summary(result, pid)
    outcome = info["outcome"]
    hits = present.project_hits(result, pid, lang)
    hit_titles = {c: present.t(c, lang) for c in hits.columns}
    hit_cols: dict[str, Any] = hit_titles | common.long_text_config(hits.columns, hit_titles)
    wrapped = common.WRAPPED_ROW_HEIGHT
    name = str(info["record"].get("project_name", "") or "")
    if outcome in ("excluded", "invalid"):
        st.subheader(f"{pid} · {name}")  # the project's name beside its id

    if outcome == "excluded":
        st.error(common.t("excluded_project"))
        _brief_download(result, pid, lang)  # an excluded project's brief says which rule and why
        common.dataframe(hits, hide_index=True, column_config=hit_cols, row_height=wrapped)
        return
    if outcome == "invalid":
        st.error(common.t("invalid_project"))
        issues = present.issues_table(result, lang)
        mine = issues[issues["project_id"].astype(str) == pid].drop(columns=["severity_code"])
        titles = {c: present.t(c, lang) for c in mine.columns}
        common.dataframe(
            mine,
            hide_index=True,
            column_config=titles | common.long_text_config(mine.columns, titles),
            row_height=wrapped,
        )
        return

    row = info["row"]
    st.subheader(f"{pid} · {row.get('project_name', '')}")  # the project's name beside its id
    view = contribution(result, pid, _smaa_in_session(result))
    m = st.columns(4)
    m[0].metric(present.t("tier", lang), present.tier_label(row["tier"], lang, cs))
    m[1].metric(present.t("score", lang), f"{float(row['score']):.2f}")
    m[2].metric(present.t("rank", lang), f"{int(row['rank'])} / {len(result.ranked)}")
    m[3].metric(present.t("rank_in_track", lang), f"{int(row['rank_in_track'])} / {view.track_size}")
    light = present.light_column(cs)
    st.markdown(
        f"**{present.t('track', lang)}:** {present.track_label(row['track'], lang, cs)}"
        + (
            f"  \n**{present.t('role_traffic_light', lang)}:** {present.light_label(row.get(light), lang, cs)}"
            if light
            else ""
        )
    )
    st.caption(
        " · ".join(
            [
                f"{present.column_title('country', lang)}: {present.country_label(row.get('country'), lang)}",
                f"{present.column_title('sector', lang)}: {present.code_label('sector', row.get('sector'), lang)}",
                f"{present.t('investment', lang)}: {_money(row.get('total_investment_usd_m'))}",
                f"{present.t('completeness', lang)}: {float(row['completeness']):.0%}",
            ]
        )
    )

    st.subheader(common.t("ct_heading"))
    st.caption(
        common.t(
            "ct_caption",
            track=present.track_label(view.track, lang, cs),
            n=view.track_size,
            median=view.median_score,
            score=view.score,
        )
    )
    st.altair_chart(contribution_chart(view, lang, cs), width="stretch")

    st.subheader(common.t("ct_next_heading"))
    lines, method = _next_tier_lines(view, lang, cs)
    st.info("  \n".join(lines))
    if method:
        st.caption(common.t("ct_close_method"))

    st.subheader(common.t("ct_flags_heading"))
    if not view.flags:
        st.write(common.t("ct_flags_none"))
    for line in _flag_lines(view, lang, cs):
        st.markdown(f"- {line}")

    st.subheader(common.t("ct_rank_heading"))
    interval = view.rank_interval
    if interval is None:
        st.caption(common.t("ct_rank_none"))
    else:
        st.write(
            common.t(
                "ct_rank_interval",
                draws=f"{interval.draws:,}",
                p05=interval.p05,
                p95=interval.p95,
                p50=interval.p50,
                rank=interval.rank,
                k=interval.top_k,
                p=interval.p_top_k,
                verdict=present.smaa_label(interval.label, lang),
            )
        )

    _brief_download(result, pid, lang)

    with st.expander(common.t("ct_details"), expanded=False):
        _details(result, pid, lang, view, hits, hit_cols)


def _details(result, pid: str, lang: str, view: Contribution, hits, hit_cols: dict[str, Any]) -> None:  # noqa: ANN001
    """The raw tables behind the score (inside the page's one expander: no expander nests in another)."""
    cs = result.criteria
    wrapped = common.WRAPPED_ROW_HEIGHT
    row = present.project_summary(result, pid)["row"]
    group, members = present.project_group_members(result, pid, lang)
    if group:
        st.subheader(
            common.t(
                "project_group_heading",
                group=group["group"],
                size=group["size"],
                total=f"{group['total']:,.1f}",
            )
        )
        st.caption(common.t("project_group_note"))
        titles = {c: present.column_title(c, lang, cs) for c in members.columns}
        common.dataframe(
            members, hide_index=True, column_config=titles | common.money_config(members.columns, titles)
        )
    _collect_first(result, pid, lang)

    st.subheader(common.t("gates_flags"))
    if hits.empty:
        st.success(common.t("none_hit"))
    else:
        common.dataframe(hits, hide_index=True, column_config=hit_cols, row_height=wrapped)

    st.subheader(common.t("points_by_dimension"))
    st.caption(
        f"▇ {common.t('this_project')} · ┃ {common.t('track_median')} "
        f"({present.track_label(row['track'], lang, cs)})"
    )
    st.altair_chart(present.dimension_vs_median_chart(result, pid, lang), width="stretch")

    st.subheader(common.t("ct_criteria_heading"))
    crit = _criterion_table(view, lang, cs)
    ccfg: dict[str, Any] = {
        "dimension": st.column_config.TextColumn(present.t("dimension", lang), width="medium"),
        "criterion": st.column_config.TextColumn(present.t("criterion", lang), width="medium"),
        "points": st.column_config.NumberColumn(present.t("points", lang), format="%.1f", width="small"),
        "added": st.column_config.NumberColumn(present.t("contribution", lang), format="%.2f", width="small"),
        "track_median": st.column_config.NumberColumn(
            present.t("track_median", lang), format="%.2f", width="small"
        ),
        "vs_median": st.column_config.NumberColumn(
            present.t("ct_vs_median", lang), format="%+.2f", width="small"
        ),
        "headroom": st.column_config.NumberColumn(
            present.t("ct_headroom", lang), format="%.2f", width="small"
        ),
    }
    common.dataframe(crit, hide_index=True, column_config=ccfg, key="ct_criteria_table")

    st.subheader(common.t("rationale"))
    rat = present.project_rationale(result, pid, lang)
    cfg: dict[str, Any] = {c: present.t(c, lang) for c in rat.columns}
    cfg["points"] = st.column_config.NumberColumn(present.t("points", lang), format="%.1f")
    cfg["weight"] = st.column_config.NumberColumn(present.t("weight", lang) + " (%)", format="%.2f")
    cfg["contribution"] = st.column_config.NumberColumn(present.t("contribution", lang), format="%.2f")
    cfg["value"] = st.column_config.TextColumn(
        present.t("value", lang), width="medium"
    )  # a value wraps whole words
    cfg |= common.long_text_config(rat.columns, cfg)
    dims = present.dimension_vs_median(result, pid, lang)
    for dim_label in rat["dimension"].drop_duplicates():
        part = rat[rat["dimension"] == dim_label]
        score = dims.loc[dims["label"] == dim_label, "project"]
        head = (
            f"{dim_label} — {float(score.iloc[0]):.1f}"
            if len(score) and score.notna().all()
            else str(dim_label)
        )
        st.markdown(f"**{head}**")
        common.dataframe(
            part.drop(columns=["dimension"]), hide_index=True, column_config=cfg, row_height=wrapped
        )


def _criterion_labels(cs: CriteriaSet, lang: str) -> dict[str, str]:
    return {c.id: c.label.get(lang) for _, c in cs.criteria}


def _criterion_table(view: Contribution, lang: str, cs: CriteriaSet) -> pd.DataFrame:
    """Each applicable criterion: points, weighted points added, the track median of those, the difference
    and what full points would still add; labels, never ids."""
    names = _criterion_labels(cs, lang)
    rows = [
        {
            "dimension": present.dimension_label(c.dimension, lang, cs),
            "criterion": names.get(c.criterion, c.criterion),
            "points": c.points,
            "added": round(c.contribution, 2),
            "track_median": round(c.median, 2),
            "vs_median": round(c.vs_median, 2),
            "headroom": round(c.headroom, 2),
        }
        for c in view.criteria
        if c.applicable
    ]
    return pd.DataFrame(
        rows, columns=["dimension", "criterion", "points", "added", "track_median", "vs_median", "headroom"]
    )


def _next_tier_lines(view: Contribution, lang: str, cs: CriteriaSet) -> tuple[list[str], bool]:
    """The distance to the next tier and what would close it, in sentences; True when a suggestion of
    criteria was made (its method is then explained under it)."""
    nxt = view.next_tier
    if nxt.insufficient:
        return [
            present.t("insufficient_note", lang, have=nxt.completeness, need=nxt.completeness_line)
        ], False
    if nxt.tier is None or nxt.line is None or nxt.gap is None:
        return [present.t("top_tier", lang)], False
    target = present.tier_label(nxt.tier, lang, cs)
    here = present.tier_label(view.tier, lang, cs)
    lines = [
        present.t("ct_gap", lang, tier=target, line=nxt.line, gap=nxt.gap, score=view.score)
        if nxt.gap > 0
        else present.t("ct_gap_met", lang, tier=target, line=nxt.line, score=view.score)
    ]
    flags = {f.flag: f.label for f in view.flags}
    if nxt.flag_blocks:
        names = join([flags[f] for f in nxt.flag_blocks if f in flags]).get(lang)
        lines.append(present.t("ct_flag_block", lang, flags=names, tier=here))
    if nxt.hurdle_blocks:
        scores = {d.dimension: d.score for d in view.dimensions}
        parts = []
        for h in (h for h in cs.hurdles if h.id in nxt.hurdle_blocks):
            weak = [
                present.t(
                    "ct_hurdle_dim",
                    lang,
                    dimension=present.dimension_label(d, lang, cs),
                    score=scores[d],
                    below=h.below,
                )
                for d in h.dimensions
                if scores.get(d) is not None and float(scores[d] or 0.0) < h.below
            ]
            parts.append(
                present.t("ct_hurdle_part", lang, hurdle=h.label.get(lang), dims=join(weak).get(lang))
            )
        lines.append(
            present.t("ct_hurdle_block", lang, hurdles=join(parts, "sep_items").get(lang), tier=here)
        )
    if nxt.flag_blocks:
        return lines, False
    if nxt.reachable and nxt.score_after is not None and nxt.tier_after is not None:
        crit = _criterion_labels(cs, lang)
        names = join([f"“{crit.get(c, c)}”" for c in nxt.raise_criteria]).get(lang)
        after = present.tier_label(nxt.tier_after, lang, cs)
        lines.append(present.t("ct_close", lang, criteria=names, score=nxt.score_after, tier=after))
        return lines, True
    lines.append(present.t("ct_unreachable", lang, tier=target))
    return lines, False


def _flag_lines(view: Contribution, lang: str, cs: CriteriaSet) -> list[str]:
    """Each review flag: its name, its consequence as the criteria file states it, and its reason."""
    sep = present.t("sep_items", lang)
    out = []
    for f in view.flags:
        parts = [
            present.t("ct_flag_cap", lang, tier=present.tier_label(f.max_tier, lang, cs))
            if f.max_tier
            else present.t("ct_flag_no_cap", lang)
        ]
        if f.blocks_portfolio:
            parts.append(present.t("ct_flag_portfolio", lang))
        if f.binds:
            parts.append(present.t("ct_flag_binds", lang))
        out.append(
            present.t(
                "ct_flag_line",
                lang,
                label=f.label.get(lang),
                consequence=sep.join(parts),
                reason=f.reason.get(lang),
            )
        )
    return out


@st.cache_data(show_spinner=False, max_entries=4)
def _monte_carlo(
    fingerprint: str, draws: int, top_k: int, seed: int, concentration: float, _result: Result
) -> Smaa:
    """The robustness page's Monte Carlo, with the very settings it was run with (seeded, so the same)."""
    r = _result
    return monte_carlo(
        r.pm,
        r.weights,
        r.criteria.missing_policy,
        draws=draws,
        top_k=top_k,
        seed=seed,
        concentration=concentration,
        completeness_threshold=r.criteria.completeness_threshold,
    )


def _smaa_in_session(result: Result) -> Smaa | None:
    """The Monte Carlo the robustness page ran on this very result (same data, criteria and weights), or None
    when none was run or the run was on other weights."""
    req = st.session_state.get("rb_mc_request")
    if not isinstance(req, dict) or req.get("fingerprint") != result_fingerprint(result):
        return None
    with st.spinner(common.t("rb_running")):
        return _monte_carlo(
            req["fingerprint"], req["draws"], req["top_k"], req["seed"], req["concentration"], result
        )


def _brief_download(result: Result, pid: str, lang: str) -> None:
    """The committee brief of ``pid`` as a one-page PDF, made only when clicked (WeasyPrint takes seconds)."""
    st.download_button(
        common.t("brief_download"),
        data=lambda: project_brief_pdf(result, pid, lang),
        file_name=f"brief_{brief_file_stem(pid)}_{lang}.pdf",
        mime="application/pdf",
        on_click="ignore",
        key="brief_download",
        help=common.t("brief_download_help"),
    )


def _collect_first(result, pid: str, lang: str) -> None:  # noqa: ANN001 - a pipeline.Result
    """What data would decide this project: its missing columns that would move its tier most."""
    cs = result.criteria
    st.subheader(common.t("voi_collect_first"))
    st.caption(common.t("voi_collect_first_help"))
    voi = common.project_voi(result, pid)
    lines = voi.project_lines(
        pid, lambda tier: Text(zh=present.tier_label(tier, "zh", cs), en=present.tier_label(tier, "en", cs))
    )
    if not lines:
        st.write(common.t("voi_project_none"))
    for line in lines:
        st.markdown(f"- {line.get(lang)}")
    st.caption(common.t("voi_held_fixed"))


common.guarded(body)
