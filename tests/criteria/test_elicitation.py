"""Elicitation of weights (rank-order centroid, swing, AHP) and the committee's combination (issue 16)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.criteria import load_criteria
from screening.criteria.elicitation import (
    RANDOM_INDEX,
    ElicitationError,
    Judgements,
    ahp_matrix,
    combine,
    cr_limit,
    elicit,
    parse_weights_file,
    principal_eigen,
    read_judgements,
    read_weights_file,
    roc_weights,
    validate_weights_file,
    warnings_of,
    weights_file_yaml,
    weights_paths,
)

ROOT = Path(__file__).resolve().parents[2]
JUDGEMENTS = ROOT / "sample_projects" / "judgements"
CS = load_criteria()
DIMS = [d.id for d in CS.dimensions]
ENV = [c.id for d, c in CS.criteria if d.id == "environment"]


def judgements(**kw: object) -> Judgements:
    base: dict[str, object] = {"method": "roc", "by": "tester", "date": dt.date(2026, 12, 1), "items": DIMS}
    base.update(kw)
    return Judgements.model_validate(base)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------------------------- literature


def test_saaty_2008_drinks_matrix_reproduces_its_weights_and_cr() -> None:
    """Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services Sciences 1(1)
    83–98: the matrix "Which drink is consumed more in the U.S.?" and the derived scale printed under it
    (coffee .177, wine .019, tea .042, beer .116, soda .190, milk .129, water .327; consistency ratio .022).
    Matrix and figures as transcribed in the AHPy README (PhilipGriffith/AHPy), which reproduces them."""
    items = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
    upper = {
        ("coffee", "wine"): 9, ("coffee", "tea"): 5, ("coffee", "beer"): 2, ("coffee", "soda"): 1,
        ("coffee", "milk"): 1, ("coffee", "water"): 1 / 2,
        ("wine", "tea"): 1 / 3, ("wine", "beer"): 1 / 9, ("wine", "soda"): 1 / 9, ("wine", "milk"): 1 / 9,
        ("wine", "water"): 1 / 9,
        ("tea", "beer"): 1 / 3, ("tea", "soda"): 1 / 4, ("tea", "milk"): 1 / 3, ("tea", "water"): 1 / 9,
        ("beer", "soda"): 1 / 2, ("beer", "milk"): 1, ("beer", "water"): 1 / 3,
        ("soda", "milk"): 2, ("soda", "water"): 1 / 2,
        ("milk", "water"): 1 / 3,
    }  # fmt: skip
    eig = principal_eigen(ahp_matrix(items, [(a, b, float(v)) for (a, b), v in upper.items()]))
    published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    assert np.round(eig.weights, 3).tolist() == published
    assert eig.cr is not None and round(eig.cr, 3) == 0.022
    assert eig.random_index == RANDOM_INDEX[7] == 1.35


def test_rank_order_centroid_weights_of_four_ranks() -> None:
    """Barron & Barrett (1996), Management Science 42(11): ROC weights for n = 4 are .5208, .2708, .1458,
    .0625 — (1/4)(1 + 1/2 + 1/3 + 1/4), (1/4)(1/2 + 1/3 + 1/4), (1/4)(1/3 + 1/4), (1/4)(1/4)."""
    assert np.round(roc_weights(4), 4).tolist() == [0.5208, 0.2708, 0.1458, 0.0625]


# ---------------------------------------------------------------------------------------------- properties


@given(st.permutations(DIMS))
@settings(max_examples=30, deadline=None)
def test_roc_sums_to_100_and_follows_the_ranking(ranking: list[str]) -> None:
    wf = elicit(judgements(ranking=ranking), CS)
    assert sum(wf.weights.values()) == pytest.approx(100)
    along = [wf.weights[k] for k in ranking]
    assert all(a > b for a, b in itertools.pairwise(along))


@given(st.lists(st.integers(0, 100), min_size=len(DIMS) - 1, max_size=len(DIMS) - 1))
@settings(max_examples=30, deadline=None)
def test_swing_weights_are_proportional_to_ratings(rest: list[int]) -> None:
    ratings = [100, *sorted(rest, reverse=True)]
    rating = dict(zip(DIMS, ratings, strict=True))
    wf = elicit(judgements(method="swing", ranking=DIMS, rating=rating), CS)
    assert sum(wf.weights.values()) == pytest.approx(100)
    for k in DIMS:
        assert wf.weights[k] == pytest.approx(100 * rating[k] / sum(ratings))


def _pairs(items: list[str], p: dict[str, float]) -> list[list[object]]:
    return [[a, b, p[a] / p[b]] for a, b in itertools.combinations(items, 2)]


@given(st.lists(st.sampled_from([1, 2, 4, 8]), min_size=len(DIMS), max_size=len(DIMS)))
@settings(max_examples=30, deadline=None)
def test_consistent_ahp_matrix_has_cr_zero_and_recovers_the_priorities(levels: list[int]) -> None:
    p = dict(zip(DIMS, map(float, levels), strict=True))  # every ratio is on Saaty's scale (≤ 8)
    wf = elicit(judgements(method="ahp", judgements=_pairs(DIMS, p)), CS)
    prov = wf.provenance
    assert prov.cr is not None and prov.cr == pytest.approx(0, abs=1e-9)
    assert prov.lambda_max == pytest.approx(len(DIMS))
    total = sum(p.values())
    for k in DIMS:
        assert wf.weights[k] == pytest.approx(100 * p[k] / total)
    assert warnings_of(prov) == []


@given(st.permutations(range(len(ENV))), st.lists(st.booleans(), min_size=15, max_size=15))
@settings(max_examples=25, deadline=None)
def test_ahp_is_invariant_to_the_order_of_items_and_of_each_pair(perm: list[int], flip: list[bool]) -> None:
    src = read_judgements(JUDGEMENTS / "reviewer_b_ahp_environment.yaml")
    base = elicit(src, CS)
    assert src.judgements is not None
    items = [ENV[i] for i in perm]
    pairs = []
    for (a, b, v), f in zip(src.judgements, flip, strict=True):
        value = 1 / float(fraction_value(v))
        pairs.append([b, a, value] if f else [a, b, v])
    shuffled = elicit(judgements(method="ahp", items=items, judgements=pairs[::-1]), CS)
    for k in ENV:
        assert shuffled.weights[k] == pytest.approx(base.weights[k], rel=1e-9)
    assert shuffled.provenance.cr == pytest.approx(base.provenance.cr, rel=1e-9)


def fraction_value(v: object) -> float:
    if isinstance(v, str) and "/" in v:
        a, b = v.split("/")
        return float(a) / float(b)
    return float(v)  # type: ignore[arg-type]


def test_cr_is_undefined_for_two_items_and_the_limits_follow_the_size() -> None:
    eig = principal_eigen(ahp_matrix(["a", "b"], [("a", "b", 7.0)]))
    assert eig.cr is None and eig.ci is None
    assert eig.weights.tolist() == pytest.approx([7 / 8, 1 / 8])
    assert [cr_limit(n) for n in (2, 3, 4, 5, 9)] == [None, 0.05, 0.08, 0.10, 0.10]


def test_inconsistent_judgements_warn_and_name_the_change_that_lowers_cr_most() -> None:
    wf = elicit(read_judgements(JUDGEMENTS / "reviewer_b_ahp_environment.yaml"), CS)
    prov = wf.provenance
    assert prov.cr is not None and prov.cr_limit == 0.10 and prov.cr > prov.cr_limit
    s = prov.suggestion
    assert s is not None
    said = warnings_of(prov)
    assert len(said) == 2 and s.a in said[1].en and s.b in said[1].en and s.a in said[1].zh
    # the suggestion, applied, gives the CR it promises, and no single change of another value does better
    assert prov.judgements is not None
    fixed = [(a, b, s.better if (a, b) == (s.a, s.b) else v) for a, b, v in prov.judgements]
    after = principal_eigen(ahp_matrix(prov.items, fixed)).cr
    assert after == pytest.approx(s.cr_after) and s.cr_after < prov.cr
    for k, (a, b, _v) in enumerate(prov.judgements):
        for cand in (1 / 9, 1 / 5, 1 / 2, 1.0, 2.0, 5.0, 9.0):
            trial = list(prov.judgements)
            trial[k] = (a, b, cand)
            cr = principal_eigen(ahp_matrix(prov.items, trial)).cr
            assert cr is not None and cr >= s.cr_after - 1e-12


# ---------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kw", "needle"),
    [
        ({"items": ["nonsense", *DIMS[1:]], "ranking": DIMS}, "nonsense"),
        ({"items": DIMS[:-1], "ranking": DIMS[:-1]}, DIMS[-1]),
        ({"items": [DIMS[0], ENV[0]], "ranking": [DIMS[0], ENV[0]]}, ENV[0]),
        ({"ranking": DIMS[:-1]}, DIMS[-1]),
        ({"ranking": [*DIMS[:-1], DIMS[0]]}, DIMS[0]),
        ({"method": "swing", "ranking": DIMS, "rating": dict.fromkeys(DIMS, 90)}, "100"),
        (
            {
                "method": "swing",
                "ranking": DIMS,
                "rating": {**dict.fromkeys(DIMS, 50), DIMS[0]: 100, DIMS[2]: 60},
            },
            DIMS[2],
        ),
        ({"method": "ahp", "items": ENV, "judgements": [[ENV[0], ENV[1], 3]]}, "pair"),
        (
            {"method": "ahp", "items": ENV[:1] + ENV[1:2] + ENV[2:], "judgements": [[ENV[0], ENV[1], 11]]},
            "Saaty",
        ),
        (
            {"method": "ahp", "items": ENV, "judgements": [[ENV[0], ENV[1], 2], [ENV[1], ENV[0], 1 / 2]]},
            "again",
        ),
    ],
)
def test_bad_judgements_give_one_line_naming_the_file_and_the_item(
    kw: dict[str, object], needle: str
) -> None:
    with pytest.raises(ElicitationError) as err:
        elicit(judgements(**kw), CS, "panel.yaml")
    msg = err.value.text.en
    assert "\n" not in msg and msg.startswith("panel.yaml: ") and needle in msg
    assert err.value.text.zh.startswith("panel.yaml")


def test_reciprocals_may_be_written_as_text_or_rounded_decimals() -> None:
    rest: list[list[object]] = [[a, b, 1] for a, b in itertools.combinations(ENV, 2)][1:]
    a = elicit(judgements(method="ahp", items=ENV, judgements=[[ENV[0], ENV[1], "1/3"], *rest]), CS)
    b = elicit(judgements(method="ahp", items=ENV, judgements=[[ENV[0], ENV[1], 0.333], *rest]), CS)
    assert a.weights == b.weights


def test_unreadable_and_misshapen_files_are_one_line(tmp_path: Path) -> None:
    for body, needle in (
        ("method: [unclosed", "line"),
        ("- a list", "expected"),
        ("method: roc\nby: x\ndate: 2026-12-01\nitems: [a]\nranking: [a]\ncolour: red\n", "unknown key"),
    ):
        with pytest.raises(ElicitationError) as err:
            read_judgements(write(tmp_path, "j.yaml", body))
        assert needle in err.value.text.en and "\n" not in err.value.text.en


# ---------------------------------------------------------------------------------------------- weights files


@pytest.mark.parametrize("name", sorted(p.name for p in JUDGEMENTS.glob("*.yaml")))
def test_weights_file_round_trips(tmp_path: Path, name: str) -> None:
    wf = elicit(read_judgements(JUDGEMENTS / name), CS)
    out = write(tmp_path, "w.yaml", weights_file_yaml(wf))
    back = read_weights_file(out, CS)
    assert back.content.provenance == wf.provenance.model_copy(
        update={"lambda_max": back.content.provenance.lambda_max, "ci": back.content.provenance.ci,
                "cr": back.content.provenance.cr, "suggestion": back.content.provenance.suggestion}
    )  # fmt: skip
    for k, v in wf.weights.items():
        assert back.content.weights[k] == pytest.approx(v, abs=1e-4)
    assert sum(back.content.weights.values()) == pytest.approx(100, abs=1e-3)
    if wf.provenance.cr is not None:
        assert back.content.provenance.cr == pytest.approx(wf.provenance.cr, abs=1e-6)


def test_weights_files_are_validated_against_the_criteria(tmp_path: Path) -> None:
    wf = elicit(read_judgements(JUDGEMENTS / "reviewer_c_roc_dimensions.yaml"), CS)
    doc = yaml.safe_load(weights_file_yaml(wf))
    doc["weights"][DIMS[0]] += 5
    with pytest.raises(ElicitationError, match="add up to"):
        validate_weights_file(parse_weights_file(doc, "w.yaml"), CS, "w.yaml")
    doc = yaml.safe_load(weights_file_yaml(wf))
    doc["weights"]["made_up"] = doc["weights"].pop(DIMS[0])
    with pytest.raises(ElicitationError, match="made_up"):
        validate_weights_file(parse_weights_file(doc, "w.yaml"), CS, "w.yaml")
    with pytest.raises(ElicitationError, match="no .yaml"):
        weights_paths([tmp_path])


# ---------------------------------------------------------------------------------------------- committees


def _reviewers(tmp_path: Path, names: list[str]) -> list:
    out = []
    for n in names:
        p = write(tmp_path, n, weights_file_yaml(elicit(read_judgements(JUDGEMENTS / n), CS)))
        out.append(read_weights_file(p, CS))
    return out


def test_committee_aij_for_ahp_and_the_mean_for_mixed_methods(tmp_path: Path) -> None:
    names = sorted(p.name for p in JUDGEMENTS.glob("*.yaml"))
    com = combine(_reviewers(tmp_path, names), CS)
    dims, env = com.scopes
    assert dims.dimension is None and env.dimension == "environment"
    assert dims.rule == "mean" and env.rule == "aij"
    w = np.array([[r.content.weights[k] for k in DIMS] for r in dims.reviewers])
    assert [dims.group[k] for k in DIMS] == pytest.approx(w.mean(axis=0).tolist())
    # AIJ: the eigenvector of the element-wise geometric mean of the two reviewers' matrices
    mats = [ahp_matrix(ENV, r.content.provenance.judgements or []) for r in env.reviewers]
    geo = principal_eigen(np.sqrt(mats[0] * mats[1]))
    assert [env.group[k] for k in ENV] == pytest.approx((geo.weights * 100).tolist())
    for g in com.scopes:
        assert sum(g.group.values()) == pytest.approx(100)
        for k in g.items:
            vals = [r.content.weights[k] for r in g.reviewers]
            assert g.spread[k].low == pytest.approx(min(vals), abs=1e-3)
            assert g.spread[k].high == pytest.approx(max(vals), abs=1e-3)
        far = g.furthest
        assert far is not None and g.distance[far] == max(g.distance.values())
    assert com.several and len(com.reviewers) == 3
    ov = com.overrides()
    assert set(ov["dimensions"]) == set(DIMS) and set(ov["criteria"]) == set(ENV)


@given(st.permutations(DIMS), st.permutations(DIMS))
@settings(max_examples=20, deadline=None)
def test_committee_is_invariant_to_the_order_of_the_files(r1: list[str], r2: list[str]) -> None:
    from screening.criteria.elicitation import Reviewer

    files = []
    for k, r in enumerate((r1, r2, DIMS)):
        wf = elicit(judgements(by=f"r{k}", ranking=r), CS)
        files.append(Reviewer(f"r{k}.yaml", str(k), wf))
    a, b = combine(files, CS), combine(files[::-1], CS)
    assert a.scopes[0].group == pytest.approx(b.scopes[0].group)
    assert a.scopes[0].distance == pytest.approx(b.scopes[0].distance)


def test_one_reviewer_is_the_group_and_no_one_is_furthest(tmp_path: Path) -> None:
    com = combine(_reviewers(tmp_path, ["reviewer_c_roc_dimensions.yaml"]), CS)
    (g,) = com.scopes
    assert g.rule == "single" and g.furthest is None and not com.several
    assert g.group == pytest.approx(g.reviewers[0].content.weights)


def test_a_reviewer_may_not_give_two_files_on_the_same_items(tmp_path: Path) -> None:
    rs = _reviewers(tmp_path, ["reviewer_c_roc_dimensions.yaml"])
    with pytest.raises(ElicitationError, match="two weights files"):
        combine([rs[0], rs[0]], CS)


def test_the_docs_examples_are_the_sample_files() -> None:
    """docs/weights.md shows the ROC and swing files in full: they must be the shipped examples."""
    import re

    page = (ROOT / "docs" / "weights.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", page, flags=re.S)
    shown = {b["method"]: b for b in map(yaml.safe_load, blocks)}
    for method, name in (
        ("roc", "reviewer_c_roc_dimensions.yaml"),
        ("swing", "reviewer_b_swing_dimensions.yaml"),
    ):
        assert shown[method] == yaml.safe_load((JUDGEMENTS / name).read_text(encoding="utf-8"))
    ahp = shown["ahp"]
    sample = yaml.safe_load((JUDGEMENTS / "reviewer_a_ahp_environment.yaml").read_text(encoding="utf-8"))
    assert all(j in sample["judgements"] for j in ahp["judgements"])  # an excerpt of the shipped file
