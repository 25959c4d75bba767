"""The Portfolio page with a constraints file (issue 17 item 4): the worked example uploaded, solved, the
must-fund project shown as funded against the default eligibility, the money per budget, pool and year, and
which constraints bind — the figures equal the library's; a bad file is one line, never an exception."""

from __future__ import annotations

import pandas as pd
import pytest
from app_helpers import SAMPLE
from app_helpers import errors as _errors
from app_helpers import metric as _metric
from app_helpers import ok as _ok
from app_helpers import open_app as _app
from app_helpers import page as _page
from streamlit.testing.v1 import AppTest

from screening import pipeline, present
from screening.analysis.portfolio import binding_constraints, optimise
from screening.analysis.portfolio_constraints import constraints_from_file

EXAMPLE = SAMPLE.parent / "portfolio_constraints.yaml"


def _table(at: AppTest, column: str) -> pd.DataFrame:
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with {column!r}: {[list(d.value.columns) for d in at.dataframe]}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_constraints_file_solves_and_says_what_binds(lang: str) -> None:
    result = pipeline.run(SAMPLE)
    cons = constraints_from_file(EXAMPLE, result.criteria, result=result)
    at = _page(_app(lang), "portfolio")
    at.file_uploader(key="pf_constraints_upload").set_value(
        (EXAMPLE.name, EXAMPLE.read_bytes(), "application/x-yaml")
    ).run()
    _ok(at)
    at.number_input(key="pf_budget").set_value(cons.budget)
    at.button(key="pf_solve").click().run()
    _ok(at)
    assert not _errors(at), _errors(at)
    assert _metric(at, present.t("pf_status", lang)) == present.status_label("optimal", lang)
    want = optimise(result, cons.model_copy(update={"time_limit": 30.0}))
    chosen = _table(at, "cum_cost")
    assert set(chosen["project_id"]) == set(want.chosen["project_id"])
    forced = _table(at, present.t("pf_col_funded_despite", lang))
    assert list(forced[present.column_title("project_id", lang)]) == cons.must_fund
    money = _table(at, present.t("pf_col_used", lang))
    assert list(money[present.t("pf_col_used", lang)]) == pytest.approx(
        [*want.pool_totals()["used"], *want.year_totals()["used"]]
    )
    binds = _table(at, present.t("pf_col_binds", lang))
    lib = binding_constraints(want)
    assert list(binds[present.t("pf_col_constraint", lang)]) == [x.get(lang) for x in lib["label"]]
    yes = present.t("fmt_yes", lang)
    assert [v == yes for v in binds[present.t("pf_col_binds", lang)]] == list(lib["binds"])


def test_a_bad_constraints_file_is_one_line() -> None:
    at = _page(_app("en"), "portfolio")
    at.file_uploader(key="pf_constraints_upload").set_value(
        ("bad.yaml", b"budget: 1\nmust_fnud: [BR-001]\n", "application/x-yaml")
    ).run()
    _ok(at)
    (said,) = [e for e in _errors(at) if "must_fnud" in e]
    assert "\n" not in said and said.startswith("bad.yaml: unknown key")
    at.file_uploader(key="pf_constraints_upload").set_value(
        ("ids.yaml", b"budget: 1\nmust_fund: [NOPE-9]\n", "application/x-yaml")
    ).run()
    at.number_input(key="pf_budget").set_value(500.0)
    at.button(key="pf_solve").click().run()
    _ok(at)
    assert any("NOPE-9" in e and "not in the file" in e for e in _errors(at)), _errors(at)
