"""Hostile uploads through the app (issue 15, item 2): every kind of hostile file that reached the app in the
issue — a workbook with one cell at ``XFD1048576``, a shared-string bomb inside the zip limits, a DTD hidden
behind a long XML comment, a zip entry flagged as encrypted, a CSV with a quote that never closes, a
re-imported workbook whose Audit counts are NaN (or 1e309) — is uploaded through ``file_uploader``.

Each must end in the page showing its specific one-line reason (the phrases the CLI corpus asserts for the
same case, never "Something unexpected went wrong"), no exception on the page, and an app that goes on
working: a second, valid upload in the same session then ranks. The files come from the generators in
``tests/hostile_corpus.py``; the shared-string bomb is built small by lowering ``MAX_SHARED_STRINGS`` (the
case's own limit) with :func:`screening.limits.override` — AppTest runs the page script in this process, so
the override is in force for the upload.

Guard, not a timing: AppTest's ``default_timeout`` (app_helpers.TIMEOUT) ends a hung run with a failure. A
reader that aborted the process (the issue's SIGABRT) would take the test worker with it, which pytest reports
as a failure of the test that was running.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_helpers import SAMPLE, XLSX, errors, metric_int, ok, open_app, page
from hostile_corpus import Case, cases

from screening import pipeline, present
from screening.limits import override

BY_NAME = {c.name: c for c in cases()}
REFUSED = [
    "cell_at_XFD1048576",
    "shared_string_count_bomb",
    "dtd_behind_64k_comment",
    "encrypted_flag_entries",
    "csv_unclosed_quote",
]
REIMPORTED = ["reimport_audit_counts_nan", "reimport_audit_counts_1e309"]
# the catch-all line without its "(kind)": "Something unexpected went wrong", "出现意外问题"
UNEXPECTED = {
    lang: re.split(r"[(（]", present.t("unexpected", lang, kind="X"))[0].strip() for lang in ("en", "zh")
}


@pytest.fixture(scope="module")
def sample_counts() -> dict[str, int]:
    return pipeline.run(SAMPLE).counts()


def _file(case: Case, folder: Path) -> Path:
    """The file the case's CLI command reads (``score FILE …`` / ``validate FILE``)."""
    argv = case.build(folder)
    assert argv[0] in ("score", "validate"), argv
    return Path(argv[1])


def _upload(at, path: Path, limits: dict[str, float] | None = None):  # noqa: ANN001, ANN202 - AppTest
    mime = XLSX if path.suffix == ".xlsx" else "text/csv"
    with override(**(limits or {})):
        at.file_uploader(key="data_upload").set_value((path.name, path.read_bytes(), mime)).run()
    ok(at)  # no exception on the page, whatever the file
    return at


def _one_line_reasons(at, lang: str) -> list[str]:  # noqa: ANN001 - AppTest
    said = errors(at)
    assert said, "a refused upload must say why"
    for line in said:
        assert "\n" not in line and "Traceback" not in line, line
        assert UNEXPECTED[lang] not in line, line
    return said


def _valid_upload_ranks(at, expected: dict[str, int]) -> None:  # noqa: ANN001 - AppTest
    at = _upload(at, SAMPLE)
    assert not errors(at), errors(at)
    assert metric_int(at, "Records") == expected["records"]
    assert metric_int(at, "Ranked") == expected["ranked"] > 0
    at = page(at, "ranking")
    assert not errors(at), errors(at)
    assert len(at.dataframe[0].value) == expected["ranked"]


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_upload_is_refused_in_one_specific_line_and_the_app_goes_on(
    name: str, tmp_path: Path, sample_counts: dict[str, int]
) -> None:
    case = BY_NAME[name]
    assert case.code != 0 and case.says, "the corpus states this case as refused, with its phrases"
    at = _upload(page(open_app("en"), "data"), _file(case, tmp_path), case.limits)
    said = _one_line_reasons(at, "en")
    for phrase in case.says:
        assert any(phrase in line for line in said), (phrase, said)
    assert at.session_state["_loaded"].result is None  # nothing was ranked from the hostile file
    _valid_upload_ranks(at, sample_counts)


def test_shared_string_bomb_needs_its_limit_lowered_and_only_that(tmp_path: Path) -> None:
    """The bomb stands for ~60 M shared strings: just above the lowered limit it is refused (above), and at
    exactly its count it is read — so the refusal really is the shared-string limit, not something else."""
    case = BY_NAME["shared_string_count_bomb"]
    path = _file(case, tmp_path)
    at = _upload(page(open_app("en"), "data"), path, {"MAX_SHARED_STRINGS": 2999})
    assert any("MAX_SHARED_STRINGS" in e for e in _one_line_reasons(at, "en")), errors(at)
    at = _upload(at, path, {"MAX_SHARED_STRINGS": 3000})  # a refused run is not kept: read again
    assert not any("MAX_SHARED_STRINGS" in e for e in errors(at)), errors(at)


@pytest.mark.parametrize("name", REIMPORTED)
def test_reimported_workbook_with_broken_audit_counts_ranks(
    name: str, tmp_path: Path, sample_counts: dict[str, int]
) -> None:
    """NaN or 1e309 as the Audit's record counts used to break ``int(...)`` ("Something unexpected"): the
    workbook is read again, every record comes back, and a valid upload afterwards ranks too."""
    at = _upload(page(open_app("en"), "data"), _file(BY_NAME[name], tmp_path))
    assert not errors(at), errors(at)
    assert metric_int(at, "Records") == sample_counts["records"]
    assert metric_int(at, "Ranked") == sample_counts["ranked"]
    _valid_upload_ranks(at, sample_counts)


def test_hostile_uploads_in_chinese_one_session(tmp_path: Path, sample_counts: dict[str, int]) -> None:
    """The same files one after another in one Chinese session: each a one-line reason in Chinese (not the
    English line, not "出现意外问题"), each different from the last, and the session still ranks at the end."""
    at = page(open_app("zh"), "data")
    seen: list[str] = []
    for name in REFUSED:
        case = BY_NAME[name]
        folder = tmp_path / name
        folder.mkdir()
        at = _upload(at, _file(case, folder), case.limits)
        said = _one_line_reasons(at, "zh")
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in said), said
        assert said[0] not in seen, (name, said)
        seen.append(said[0])
    at = _upload(at, SAMPLE)
    assert not errors(at), errors(at)
    assert metric_int(at, present.t("ranked", "zh")) == sample_counts["ranked"]
