"""Data: upload a workbook or CSV, choose the sheet, see and correct the header mapping (auto-detected,
editable, saveable as a mapping file), and the validation report (counts, then every problem)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import streamlit as st

from app_pages import common
from screening import present
from screening.io.export import csv_for_reading
from screening.io.mapping import MappingError, builtin_mappings, mapping_from_text, mapping_yaml
from screening.io.read import raw_headers
from screening.io.template import build_template
from screening.limits import MB, limit
from screening.model import InputError


@st.cache_data(show_spinner=False, max_entries=2)
def template_bytes(lang: str) -> bytes:
    """The input template of the command line's ``screening template`` (the same builder), as bytes."""
    out = io.BytesIO()
    build_template(lang).save(out)
    return out.getvalue()


def _template() -> None:
    """The empty input template in the chosen language: headers, notes, drop-downs, a countries sheet."""
    lang = common.lang()
    st.download_button(
        common.t("download_template"),
        data=template_bytes(lang),
        file_name=f"screening_template_{lang}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="download_template",
        help=common.t("download_template_help"),
    )


def _sources() -> None:
    lang = common.lang()
    st.markdown(f"**{common.t('source_choice')}**")
    b1, b2, _ = st.columns([1, 1, 2])
    if b1.button(common.t("use_sample"), key="use_sample"):
        common.set_source(common.SAMPLE.name, common.SAMPLE.read_bytes(), "sample_name")
        st.rerun()
    if common.AIDDATA.exists() and b2.button(common.t("use_aiddata"), key="use_aiddata"):
        common.set_source(
            common.AIDDATA.name,
            common.AIDDATA.read_bytes(),
            "aiddata_name",
            common.sample_mapping_text("aiddata-gcdf3"),
        )
        st.rerun()
    up = common.file_uploader(
        st, common.t("upload"), types=["xlsx", "xlsm", "csv"], help=common.t("upload_help"), key="data_upload"
    )
    if up is not None:
        data = up.getvalue()
        tag = hashlib.sha256(data).hexdigest() + up.name
        if st.session_state.get("_data_upload_seen") != tag:
            st.session_state["_data_upload_seen"] = tag
            common.set_source(up.name, data)
            st.rerun()
    st.caption(
        common.t(
            "upload_limit_note",
            mb=st.get_option("server.maxUploadSize"),
            cli_mb=f"{limit('MAX_INPUT_BYTES') / MB:,.0f}",
            own_mb=f"{limit('MAX_OWN_WORKBOOK_BYTES') / MB:,.0f}",
        )
    )
    _template()
    src = st.session_state["source"]
    shown = present.t(src["label"], lang) if src.get("label") else src["name"]
    st.caption(
        f"{common.t('current_data')}: **{shown}** ({common.t('file_size_mb', mb=len(src['data']) / 1e6)})"
    )


def _sheet_and_mapping(sheets: list[str], current_sheet: str) -> None:
    ss = st.session_state
    c1, c2, c3 = st.columns(3)
    sheet_opts: list[str | None] = [None, *sheets]
    chosen = ss.get("sheet")
    sheet = common.selectbox(
        c1,
        common.t("sheet"),
        sheet_opts,
        index=sheet_opts.index(chosen) if chosen in sheet_opts else 0,
        format_func=lambda s: f"{common.t('sheet_auto')} → {current_sheet}" if s is None else s,
        key=f"sheet_pick_{ss['source']['name']}",
    )
    if sheet != chosen:
        ss["sheet"] = sheet
        st.rerun()
    builtins = builtin_mappings()
    texts = {name: common.sample_mapping_text(name) for name in builtins}
    current = ss.get("mapping_text")
    now = None if current is None else next((n for n, txt in texts.items() if txt == current), "__custom__")
    opts: list[str | None] = [None, *builtins] + (["__custom__"] if now == "__custom__" else [])
    labels = {None: common.t("mapping_auto"), "__custom__": common.t("mapping_custom")}
    pick = common.selectbox(
        c2,
        common.t("mapping_choice"),
        opts,
        index=opts.index(now),
        format_func=lambda n: labels.get(n, n),
        key=f"mapping_pick_{now}",
    )
    if pick != now:
        ss["mapping_text"] = None if pick is None else texts.get(pick, current)
        st.rerun()
    up = common.file_uploader(c3, common.t("mapping_upload"), types=["yaml", "yml"], key="mapping_upload")
    if up is not None:
        text = up.getvalue().decode("utf-8-sig", errors="replace")
        tag = hashlib.sha256(text.encode()).hexdigest()
        if ss.get("_mapping_upload_seen") != tag:
            ss["_mapping_upload_seen"] = tag
            try:
                mapping_from_text(text)
            except MappingError as exc:
                st.error(common.t("mapping_error", msg=str(exc)))
            else:
                ss["mapping_text"] = text
                st.rerun()
    on = st.toggle(
        common.t("inference_toggle"), value=bool(ss.get("inference", True)), help=common.t("inference_help")
    )
    if on != bool(ss.get("inference", True)):
        ss["inference"] = on
        st.rerun()
    shipped = st.toggle(
        common.t("country_sheet_toggle"),
        value=bool(ss.get("country_sheet", True)),
        help=common.t("country_sheet_help"),
    )
    if shipped != bool(ss.get("country_sheet", True)):
        ss["country_sheet"] = shipped
        st.rerun()


def _mapping_editor(table) -> None:  # noqa: ANN001 - a DataFrame
    ss = st.session_state
    lang = common.lang()
    st.subheader(common.t("mapping"))
    st.caption(common.t("mapping_help"))
    table = table.copy()
    table["canonical_label"] = table["canonical"].map(lambda c: present.column_title(c, lang) if c else "")
    tag = hashlib.sha1(
        (ss["source"]["name"] + str(ss.get("mapping_text")) + str(ss.get("sheet"))).encode()
    ).hexdigest()
    edited = st.data_editor(
        table[["source_header", "canonical", "canonical_label", "required"]],
        hide_index=True,
        key=f"header_editor_{tag[:10]}",
        disabled=["source_header", "canonical_label", "required"],
        placeholder="",
        column_config={
            "source_header": common.t("source_header"),
            "canonical": st.column_config.SelectboxColumn(
                common.t("canonical"), options=present.canonical_options()
            ),
            "canonical_label": common.t("canonical_label"),
            "required": st.column_config.CheckboxColumn(common.t("required")),
        },
    )
    current = mapping_from_text(ss["mapping_text"]) if ss.get("mapping_text") else None
    b1, b2, b3 = st.columns(3)
    try:
        mapping = present.mapping_from_table(edited, current)
    except MappingError as exc:
        msg = str(exc)
        st.error(
            common.t("mapping_dup", col=msg.split(":", 1)[1])
            if msg.startswith("duplicate:")
            else common.t("mapping_error", msg=msg)
        )
        return
    if b1.button(common.t("apply_mapping"), key="apply_mapping", type="primary"):
        ss["mapping_text"] = mapping_yaml(mapping)
        st.rerun()
    if ss.get("mapping_text") is not None and b2.button(common.t("reset_mapping"), key="reset_mapping"):
        ss["mapping_text"] = None
        st.rerun()
    b3.download_button(
        common.t("download_mapping"),
        data=mapping_yaml(mapping).encode("utf-8"),
        file_name="mapping.yaml",
        mime="application/x-yaml",
        on_click="ignore",
        key="download_mapping",
    )


def _report(ld: common.Loaded) -> None:
    lang = common.lang()
    result = ld.result
    assert result is not None
    inp = result.input
    st.subheader(common.t("validation"))
    st.caption(
        common.t(
            "file_info",
            name=inp.name,
            sheet=inp.projects.sheet,
            row=inp.projects.header_row,
            sheets=", ".join(inp.sheets),
        )
    )
    counts = present.counts_frame(result, lang)
    for col, (_, row) in zip(st.columns(len(counts)), counts.iterrows(), strict=True):
        col.metric(row["label"], f"{row['count']:,}")
    warnings = [w for table in (inp.projects, inp.countries) if table is not None for w in table.warnings]
    if warnings:
        with st.expander(f"{common.t('read_warnings')} ({len(warnings)})"):
            for w in warnings:
                st.write("• " + w.get(lang))
    issues = present.issues_table(result, lang)
    if issues.empty:
        st.success(common.t("no_issues"))
        return
    f1, f2, f3 = st.columns(3)
    sev_opts = sorted(issues["severity_code"].unique())
    sev = common.multiselect(
        f1,
        common.t("severity"),
        sev_opts,
        key="issue_severity",
        format_func=lambda s: present.severity_label(s, lang),
    )
    cols = common.multiselect(
        f2, common.t("column"), sorted(issues["column"].astype(str).unique()), key="issue_column"
    )
    query = f3.text_input(common.t("search"), key="issue_query")
    shown = present.filter_issues(issues, sev, cols, query).drop(columns=["severity_code"])
    st.caption(common.t("showing_rows", shown=len(shown), total=len(issues)))
    cfg: dict[str, Any] = {c: present.t(c, lang) for c in shown.columns}
    cfg["project_id"] = present.column_title("project_id", lang)
    cfg["message"] = st.column_config.TextColumn(present.t("message", lang), width="large")
    common.dataframe(shown, hide_index=True, column_config=cfg)
    st.download_button(
        common.t("download_issues"),
        data=csv_for_reading(shown),
        file_name="data_issues.csv",
        mime="text/csv",
        on_click="ignore",
        key="download_issues",
    )
    st.caption(common.t("csv_neutralised_note"))


def body() -> None:
    st.title(common.t("data_title"))
    _sources()
    ld = common.loaded()
    ss = st.session_state
    if ld.result is None:
        st.error(ld.error or "")
        src = ss["source"]
        try:
            raw = raw_headers(src["data"], src["name"], ss.get("sheet"))
        except InputError:
            return  # unreadable: the message above says why
        _sheet_and_mapping(raw.sheets, raw.sheet)
        if raw.headers:
            _mapping_editor(present.guess_table(raw.headers))
        return
    result = ld.result
    _sheet_and_mapping(result.input.sheets, result.input.projects.sheet)
    current = mapping_from_text(ss["mapping_text"]) if ss.get("mapping_text") else None
    with st.expander(common.t("mapping"), expanded=False):
        _mapping_editor(present.header_table(result.input, current))
    _report(ld)


common.guarded(body)
