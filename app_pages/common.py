"""Session state, caching and error handling shared by the pages. Layout only: every computation is a call
into ``screening`` (the pipeline, or ``screening.views`` for display preparation)."""

from __future__ import annotations

import hashlib
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from screening import pipeline, present
from screening.analysis.value_of_information import ValueOfInformation, value_of_information
from screening.analysis.weights import apply_weights, validated_weights
from screening.criteria.loader import load_criteria_bytes
from screening.criteria.models import CriteriaError, CriteriaSet
from screening.io.mapping import Mapping, MappingError, load_mapping, mapping_from_text, mapping_yaml
from screening.model import InputError, Progress, Result
from screening.present.tables import money_columns
from screening.report import result_fingerprint
from screening.resources import DEFAULT_CRITERIA, SAMPLES_DIR

SAMPLE = SAMPLES_DIR / "sample_projects.xlsx"
# The AidData extract is not ours to ship: offered only in a checkout with ../shared beside it.
AIDDATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "aiddata_gcdf3_extract.csv"
LOG = logging.getLogger("screening.app")


# ----------------------------------------------------------------------------------------------- state


def init_state() -> None:
    """Defaults: the bundled sample, the default criteria set, automatic header detection, file weights."""
    ss = st.session_state
    # The language picker's key is a widget key, and Streamlit drops a widget's value after a run that ends
    # by switching page (a ranking row clicked): the language fell back to Chinese. Kept as a value set
    # through session state (re-assigned every run), it survives every click and page change.
    ss["lang"] = "en" if ss.get("lang") == "en" else "zh"
    if "source" not in ss:
        ss["source"] = {"name": SAMPLE.name, "data": SAMPLE.read_bytes(), "label": "sample_name"}
    if "criteria_src" not in ss:
        ss["criteria_src"] = {"name": DEFAULT_CRITERIA.name, "data": DEFAULT_CRITERIA.read_bytes()}
    ss.setdefault("mapping_text", None)
    ss.setdefault("sheet", None)
    ss.setdefault("weights", {"dimensions": {}, "criteria": {}})
    ss.setdefault("editor_version", 0)


def lang() -> str:
    return "en" if st.session_state.get("lang") == "en" else "zh"


def t(key: str, **fmt: Any) -> str:
    return present.t(key, lang(), **fmt)


def set_source(name: str, data: bytes, label: str | None = None, mapping_text: str | None = None) -> None:
    ss = st.session_state
    ss["source"] = {"name": name, "data": data, "label": label}
    ss["mapping_text"] = mapping_text
    ss["sheet"] = None
    ss.pop("_result_memo", None)


def set_criteria(name: str, data: bytes) -> None:
    st.session_state["criteria_src"] = {"name": name, "data": data}
    reset_weights()


def reset_weights() -> None:
    ss = st.session_state
    ss["weights"] = {"dimensions": {}, "criteria": {}}
    ss["editor_version"] = ss.get("editor_version", 0) + 1
    ss.pop("_editor_last", None)


def sample_mapping_text(name: str) -> str:
    return mapping_yaml(load_mapping(name))


# ----------------------------------------------------------------------------------------------- tables


def money_config(columns: Any, titles: dict[str, str]) -> dict[str, Any]:
    """USD-million columns shown with thousands separators and one decimal (1,234.5), not 406.38981705."""
    return {
        c: st.column_config.NumberColumn(titles.get(c, c), format="%,.1f")
        for c in money_columns(list(columns))
    }


# Rows tall enough for three lines: a long reason or source wraps inside its cell instead of being cut off.
WRAPPED_ROW_HEIGHT = 72
LONG_TEXT = ("reason", "source", "message", "label")


def long_text_config(columns: Any, titles: dict[str, str]) -> dict[str, Any]:
    """Reason and source columns (and other long text) wide, so they show in full with wrapped rows."""
    return {
        c: st.column_config.TextColumn(titles.get(c, c), width="large") for c in columns if c in LONG_TEXT
    }


# ----------------------------------------------------------------------------------------------- widgets
#
# Streamlit's own words (placeholders, "Select all", "None" in empty cells, the file uploader's button and
# size note) are English. Where Streamlit takes an argument for them (placeholder=, select_all=) the wrappers
# below pass the catalogue's words; the file uploader takes none, see UPLOADER_PIN.


def multiselect(where: Any, label: str, options: Any, **kw: Any) -> Any:
    """``where.multiselect`` with the placeholder in the chosen language and no English "Select all" row."""
    kw.setdefault("placeholder", t("choose_options"))
    kw.setdefault("select_all", False)
    return where.multiselect(label, options, **kw)


def selectbox(where: Any, label: str, options: Any, **kw: Any) -> Any:
    """``where.selectbox`` with its placeholder (shown when nothing is chosen) in the chosen language."""
    kw.setdefault("placeholder", t("choose_option"))
    return where.selectbox(label, options, **kw)


def dataframe(data: Any, where: Any = None, **kw: Any) -> Any:
    """``st.dataframe`` with blank cells shown blank, not as Streamlit's English "None"."""
    kw.setdefault("placeholder", "")
    return (where or st).dataframe(data, **kw)


def id_and_name(pid: object, names: dict[str, str], width: int = 30) -> str:
    """'<id> <name>' cut to ``width`` characters: how a chart's legend or axis names a project (the charts
    label by the column they are given, so the pages give them this one)."""
    return f"{pid} {names.get(str(pid), '')}"[:width].strip()


# The file uploader's button ("Upload"), size note ("200MB per file • XLSX, CSV") and drag note ("Drag and
# drop a file here") are written by Streamlit's front end, which has no API and no locale for them. Chosen: a
# CSS-only override (no JavaScript, no component of our own), because it keeps Streamlit's uploader with its
# size check, drag and drop and accessibility; a widget of our own would have to re-implement all three. The
# override hides Streamlit's English text (visibility, so it leaves the page's text too) and shows the
# catalogue's words through ``::after``; its selectors are the data-testid attributes of Streamlit's
# FileUploader of this minor version. On another minor version the selectors may not match: the override is
# then not applied and the page says so (the English words show), instead of guessing. tests/app checks the
# pin against the installed Streamlit; the browser test checks the words on the page (docs/app.md).
UPLOADER_PIN = "1.67"


def streamlit_minor(version: str | None = None) -> str:
    """'1.67' for Streamlit 1.67.0 (the installed version when none is given)."""
    return ".".join((version or st.__version__).split(".")[:2])


def css_text(words: str) -> str:
    """``words`` as a CSS string literal: quotes, backslashes, line breaks and ``<`` escaped (never a tag)."""
    out = "".join(f"\\{ord(ch):x} " if ch in '"\\<>\n\r' else ch for ch in words)
    return f'"{out}"'


def uploader_css(key: str, types: list[str], mb: int) -> str:
    """The CSS that shows the uploader ``key``'s own words in the chosen language (see UPLOADER_PIN)."""
    box = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    kinds = t("sep_list").join(x.upper() for x in types)
    words = {
        f'{box} button[data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p': t(
            "uploader_button"
        ),
        f'{box} [data-testid="stFileUploaderDropzoneInstructions"] span': t(
            "uploader_limit", mb=mb, types=kinds
        ),
        f'{box} > input + div:not(:has([data-testid="stFileChips"])) > *': t("uploader_drop"),
    }
    rules = [
        f"{sel} {{font-size: 0; visibility: hidden;}}\n"
        f"{sel}::after {{content: {css_text(w)}; font-size: 0.875rem; visibility: visible;}}"
        for sel, w in words.items()
    ]
    return "<style>\n" + "\n".join(rules) + "\n</style>"


def file_uploader(where: Any, label: str, *, key: str, types: list[str], **kw: Any) -> Any:
    """``where.file_uploader`` with Streamlit's own words in the chosen language (Chinese: the pinned CSS
    override; English: Streamlit's words). On an unpinned Streamlit the English words stay and a note says why."""
    got = where.file_uploader(label, type=types, key=key, **kw)
    if lang() == "zh":
        if streamlit_minor() == UPLOADER_PIN:
            st.html(uploader_css(key, types, int(st.get_option("server.maxUploadSize"))))
        else:
            where.caption(t("uploader_unpinned", version=st.__version__, pin=UPLOADER_PIN))
    return got


# ----------------------------------------------------------------------------------------------- cached work


@st.cache_data(show_spinner=False, max_entries=4)
def load_criteria_cached(data: bytes, name: str) -> CriteriaSet:
    return load_criteria_bytes(data, name)


class ScreeningJob:
    """One screening run in a thread of its own, with the stage and share it last reported.

    A page rerun (navigating to another page, a click) stops the script, never this thread: the next script
    run finds the same job in the cache and goes on showing its progress, instead of starting from zero.
    """

    def __init__(self, work: Callable[[Progress], Result]) -> None:
        self.stage, self.share = "read", 0.0
        self.result: Result | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="screening", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[Progress], Result]) -> None:
        try:
            self.result = work(self._heard)
        except BaseException as exc:  # noqa: BLE001 - handed to the script that waits on the job
            self.error = exc

    def _heard(self, stage: str, share: float) -> None:
        self.stage, self.share = stage, share

    def wait(self, seconds: float) -> bool:
        """Wait at most ``seconds``; whether the run has ended."""
        self._thread.join(seconds)
        return not self._thread.is_alive()


@st.cache_resource(show_spinner=False, max_entries=3, ttl=3600)
def screening_job(
    data: bytes,
    name: str,
    criteria_data: bytes,
    criteria_name: str,
    mapping_text: str | None,
    sheet: str | None,
    inference: bool = True,
    country_sheet: bool = True,
) -> ScreeningJob:
    """One screening run per (file bytes, criteria bytes, mapping, sheet); the cache key is those bytes.

    A resource cache, not a data cache: the job and its result are shared, never pickled. Pages only read it
    (re-weighting builds a new result; pandas copy-on-write keeps derived frames apart), and at 100,000 rows
    pickling cost 3.3 s and 474 MB per run (docs/benchmarks.md). The job is cached as soon as it starts, so
    a rerun during the run waits on the same job.
    """

    def work(progress: Progress) -> Result:
        criteria = load_criteria_bytes(criteria_data, criteria_name)
        mapping: Mapping | None = mapping_from_text(mapping_text) if mapping_text else None
        return pipeline.run(
            data,
            name=name,
            criteria=criteria,
            criteria_sha256=hashlib.sha256(criteria_data).hexdigest(),
            mapping=mapping,
            sheet=sheet,
            progress=progress,
            inference=inference,
            country_sheet=country_sheet,
        )

    return ScreeningJob(work)


def screen_cached(
    data: bytes,
    name: str,
    criteria_data: bytes,
    criteria_name: str,
    mapping_text: str | None,
    sheet: str | None,
    inference: bool = True,
    country_sheet: bool = True,
) -> Result:
    """The screening result, showing the run's progress while it lasts (a failed run is not kept)."""
    key = (data, name, criteria_data, criteria_name, mapping_text, sheet, inference, country_sheet)
    job = screening_job(*key)
    if not job.wait(0.0):
        slot = st.empty()
        while not job.wait(0.05):
            share = min(max(job.share, 0.0), 1.0)
            slot.progress(share, text=f"{t('working')} {t('stage_' + job.stage)}")
        slot.empty()
    if job.result is None:
        screening_job.clear(*key)
        raise job.error if job.error is not None else RuntimeError("screening ended without a result")
    return job.result


@st.cache_resource(show_spinner=False, max_entries=4, ttl=3600)
def _voi(fingerprint: str, _result: Result) -> ValueOfInformation:
    """One value-of-information table per result (data, criteria and weights): read only by the pages."""
    return value_of_information(_result)


def voi(result: Result) -> ValueOfInformation:
    """The value of information of ``result`` (which missing columns would decide each project), cached."""
    return _voi(result_fingerprint(result), result)


@st.cache_resource(show_spinner=False, max_entries=32, ttl=3600)
def _project_voi(fingerprint: str, project_id: str, _result: Result) -> ValueOfInformation:
    return value_of_information(_result, project_ids=[project_id])


def project_voi(result: Result, project_id: str) -> ValueOfInformation:
    """The value of information of one ranked project (cheap: only its own blanks are tried), cached."""
    return _project_voi(result_fingerprint(result), str(project_id), result)


@dataclass
class Loaded:
    """What the pages read: the base result (file weights), the current one (edited weights) and errors."""

    base: Result | None
    result: Result | None
    criteria: CriteriaSet | None
    edited: CriteriaSet | None
    error: str | None = None  # the file or criteria could not be used
    weights_error: str | None = None  # the edited weights are not valid (the last valid ones are used)


def error_text(exc: BaseException) -> str:
    """A one-line message in the chosen language for an expected error (never a traceback)."""
    if isinstance(exc, InputError):
        return exc.message(lang())
    if isinstance(exc, CriteriaError):
        return t("criteria_error", msg=str(exc).splitlines()[0] if str(exc) else "")
    if isinstance(exc, MappingError):
        return t("mapping_error", msg=str(exc))
    if isinstance(exc, MemoryError | RecursionError):
        return t("app_out_of_memory", kind=type(exc).__name__)
    return t("unexpected", kind=type(exc).__name__)


def _sha(src: dict[str, Any]) -> str:
    """sha256 of a stored file's bytes, computed once per file."""
    if "sha256" not in src:
        src["sha256"] = hashlib.sha256(src["data"]).hexdigest()
    return str(src["sha256"])


def load() -> Loaded:
    """Screen the current file with the current criteria (cached), then apply the current weights.

    Called once per script run by ``app.py``; the pages read the stored :class:`Loaded`.
    """
    ss = st.session_state
    src, crit = ss["source"], ss["criteria_src"]
    try:
        criteria = load_criteria_cached(crit["data"], crit["name"])
    except CriteriaError as exc:
        return Loaded(None, None, None, None, error_text(exc))
    inference, shipped = bool(ss.get("inference", True)), bool(ss.get("country_sheet", True))
    run_key = (_sha(src), _sha(crit), ss.get("mapping_text"), ss.get("sheet"), inference, shipped)
    memo = ss.get("_base_memo")
    if memo is not None and memo[0] == run_key:
        base = memo[1]  # this session's copy: no unpickling from the cache on every rerun
    else:
        try:
            base = screen_cached(
                src["data"],
                src["name"],
                crit["data"],
                crit["name"],
                ss.get("mapping_text"),
                ss.get("sheet"),
                inference,
                shipped,
            )
        except (InputError, CriteriaError, MappingError, MemoryError, RecursionError) as exc:
            ss.pop("_base_memo", None)
            return Loaded(None, None, criteria, criteria, error_text(exc))
        ss["_base_memo"] = (run_key, base)
    edited, weights_error = criteria, None
    try:
        edited = validated_weights(criteria, ss.get("weights"))
        ss["_last_valid_weights"] = ss.get("weights")
    except CriteriaError as exc:
        weights_error = str(exc).splitlines()[0]
        try:
            edited = validated_weights(criteria, ss.get("_last_valid_weights"))
        except CriteriaError:
            edited = criteria
    memo_key = (run_key, edited.fingerprint())
    memo = ss.get("_result_memo")
    if memo is not None and memo[0] == memo_key:
        result = memo[1]
    else:
        result = apply_weights(base, edited)
        ss["_result_memo"] = (memo_key, result)
    return Loaded(base, result, criteria, edited, None, weights_error)


def loaded() -> Loaded:
    got = st.session_state.get("_loaded")
    if got is None:
        got = load()
        st.session_state["_loaded"] = got
    return got


def need_result() -> Result | None:
    """The current result, or None after showing why there is none (a plain message)."""
    ld = loaded()
    if ld.result is None:
        st.error(t("no_result", msg=ld.error or ""))
        return None
    return ld.result


# ----------------------------------------------------------------------------------------------- safety


def guarded(body: Callable[[], None]) -> None:
    """Run a page body; an unexpected error shows a plain message in the chosen language, not a traceback."""
    try:
        body()
    except (InputError, CriteriaError, MappingError) as exc:
        st.error(error_text(exc))
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback (st.rerun is a BaseException)
        LOG.error("page error: %s", traceback.format_exc())
        st.error(error_text(exc))
