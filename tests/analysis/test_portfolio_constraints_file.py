"""The portfolio constraints file (screening.analysis.portfolio_constraints): the worked example reads into
the model and solves on the bundled sample; every problem is one line in both languages (not YAML, not a
mapping, an unknown key, a bad value, unknown ids, a limit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES

from screening.analysis.portfolio import ConstraintsError, PortfolioConstraints, binding_constraints, optimise
from screening.analysis.portfolio_constraints import check_ids, constraints_from_file, constraints_from_text
from screening.limits import override

EXAMPLE = SAMPLES / "portfolio_constraints.yaml"


@pytest.fixture(scope="module")
def result():  # noqa: ANN201 - a pipeline Result
    from screening.pipeline import run

    return run(SAMPLES / "sample_projects.xlsx")


def one_line(err: pytest.ExceptionInfo[ConstraintsError]) -> None:
    said = err.value.text
    assert "\n" not in said.en and "\n" not in said.zh and said.en and said.zh


def test_the_worked_example_solves_on_the_sample(result) -> None:  # noqa: ANN001
    cons = constraints_from_file(EXAMPLE, result.criteria, result=result)
    assert cons.must_fund and cons.exclusive and len(cons.pools) == 2 and len(cons.budget_by_year) == 2
    p = optimise(result, cons)
    assert p.status == "optimal"
    chosen = set(p.chosen["project_id"])
    assert set(cons.must_fund) <= chosen and not chosen & set(cons.must_not)
    for group in cons.exclusive:
        assert len(chosen & set(group)) <= 1
    for b, needs in cons.requires.items():
        assert b not in chosen or set(needs) <= chosen
    for frame in (p.pool_totals(), p.year_totals()):
        assert (frame["used"] <= frame["limit"] + 1e-6).all()
    forced = p.chosen.set_index("project_id").loc[cons.must_fund[0]]
    tier = result.ranked.set_index("project_id").loc[cons.must_fund[0], "tier"]
    if tier not in ("priority", "recommended"):  # the example's must-fund is outside the default tiers
        assert forced["funded_despite"] == f"tier:{tier}" and p.override_notes()
    b = binding_constraints(p)
    assert set(b["constraint"]) >= {"budget", "must_fund", "exclusive", "year:2025", "pool:policy_bank"}


def test_overrides_win_over_the_file(result) -> None:  # noqa: ANN001
    cons = constraints_from_file(EXAMPLE, result.criteria, result=result, overrides={"budget": 99.0})
    assert cons.budget == 99.0


def test_numbers_as_ids_and_a_lone_requirement() -> None:
    cons = constraints_from_text("budget: 5\nmust_fund: 17\nrequires: {18: 17}\nexclusive: [[1, 2]]\n")
    assert cons.must_fund == ["17"] and cons.requires == {"18": ["17"]} and cons.exclusive == [["1", "2"]]


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("budget: [1, 2", "not valid YAML"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("must_fund: [A]\n", "no budget"),
        ("budget: 10\nmust_fnud: [A]\n", "unknown key 'must_fnud'"),
        ("budget: -1\n", "budget:"),
        ("budget: 10\npools: {Bad Name: 1}\n", "pool names"),
        ("budget: 10\nbudget_by_year: {1800: 5}\n", "1950"),
        ("budget: 10\nexclusive: [[A]]\n", "at least two"),
        ("budget: 10\nmust_fund: [A]\nmust_not: [A]\n", "both must-fund"),
        ("budget: 10\ndecisions: {A: maybe}\n", "approve, reject or defer"),
    ],
)
def test_bad_files_are_one_line(source: str, words: str) -> None:
    with pytest.raises(ConstraintsError, match=words) as err:
        constraints_from_text(source, where="c.yaml")
    assert str(err.value).startswith("c.yaml: ")
    one_line(err)


def test_unknown_ids_are_named(result, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "c.yaml"
    path.write_text("budget: 10\nmust_not: [NOPE-1]\nexclusive: [[BR-001, NOPE-2]]\n", encoding="utf-8")
    with pytest.raises(
        ConstraintsError, match=r"2 project id\(s\) are not in the file: NOPE-1, NOPE-2"
    ) as err:
        constraints_from_file(path, result.criteria, result=result)
    one_line(err)
    check_ids(PortfolioConstraints(budget=1, must_fund=["BR-001"]), ["BR-001"])  # known: nothing raised


def test_allow_flags_must_be_blocking_flags(result, tmp_path: Path) -> None:  # noqa: ANN001
    path = tmp_path / "c.yaml"
    path.write_text("budget: 10\nallow_flags: [no_such_flag]\n", encoding="utf-8")
    with pytest.raises(ConstraintsError, match="no_such_flag"):
        constraints_from_file(path, result.criteria)


def test_the_file_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        "budget: 10\nmust_fund: [" + ", ".join(f"P{i}" for i in range(200)) + "]\n", encoding="utf-8"
    )
    with override(MAX_MAPPING_BYTES=100), pytest.raises(ConstraintsError, match="MAX_MAPPING_BYTES") as err:
        constraints_from_file(path, None)
    one_line(err)
    with override(MAX_MAPPING_NODES=50), pytest.raises(ConstraintsError, match="MAX_MAPPING_NODES"):
        constraints_from_file(path, None)
    with pytest.raises(ConstraintsError, match="not found|cannot|No such"):
        constraints_from_file(tmp_path / "missing.yaml", None)
    (tmp_path / "bad.yaml").write_bytes(b"budget: \xff\n")
    with pytest.raises(ConstraintsError, match="UTF-8"):
        constraints_from_file(tmp_path / "bad.yaml", None)


def test_summary_lines_say_overrides_money_and_binding(result) -> None:  # noqa: ANN001
    from screening.analysis.portfolio_constraints import summary_lines

    cons = constraints_from_file(EXAMPLE, result.criteria, result=result)
    p = optimise(result, cons)
    lines = summary_lines(p)
    en = [x.en for x in lines]
    assert en[: len(p.override_notes())] == [n.en for n in p.override_notes()]
    used = {f"{u:,.2f}" for u in [*p.pool_totals()["used"], *p.year_totals()["used"]]}
    assert all(any(u in line for line in en) for u in used)
    b = binding_constraints(p)
    binds = [lab.en for lab, x in zip(b["label"], b["binds"], strict=True) if x is True]
    assert en[-1].startswith("Binding constraints") and all(x in en[-1] for x in binds)
    assert all(x.zh for x in lines)
