"""SMAA over a committee's weight sets and the Dirichlet around its group weights (issue 16 item 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SAMPLES

from screening.analysis.committee import REVIEWER_MASS, committee_sheet, committee_smaa, group_criteria
from screening.criteria import load_criteria
from screening.criteria.elicitation import (
    Judgements,
    Reviewer,
    combine,
    elicit,
    read_judgements,
    read_weights_file,
    weights_file_yaml,
)
from screening.pipeline import run

JUDGEMENTS = ROOT / "sample_projects" / "judgements"
SAMPLE = SAMPLES / "sample_projects.xlsx"
CS = load_criteria()


@pytest.fixture(scope="module")
def weights_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("weights")
    for j in sorted(JUDGEMENTS.glob("*.yaml")):
        (d / j.name).write_text(weights_file_yaml(elicit(read_judgements(j), CS)), encoding="utf-8")
    return d


def test_committee_smaa_reviewer_ranks_are_the_ranks_under_each_reviewers_weights(weights_dir: Path) -> None:
    cs = load_criteria()
    com = combine([read_weights_file(p, cs) for p in sorted(weights_dir.glob("*.yaml"))], cs)
    result = run(SAMPLE, criteria=group_criteria(cs, com))
    board = committee_smaa(result, com, draws=300, top_k=10, seed=3)
    t = board.table
    assert t["rank"].tolist() == sorted(t["rank"].tolist())
    group_ids = result.ranked["project_id"].astype(str).tolist()
    assert t["project_id"].tolist() == group_ids  # draw_ranks' rank under the group = the run's ranking
    for by in com.reviewers:
        own = run(SAMPLE, criteria=cs.with_weights(**_split(com.reviewer_overrides(by))))
        order = own.ranked["project_id"].astype(str).tolist()
        rank = {pid: k + 1 for k, pid in enumerate(order)}
        assert t[f"rank: {by}"].tolist() == [rank[p] for p in t["project_id"]]
    share = (t[[f"rank: {by}" for by in com.reviewers]] <= 10).mean(axis=1)
    assert np.allclose(t["p_top_k_committee"], 0.5 * share + 0.5 * t["p_top_k_dirichlet"])
    again = committee_smaa(result, com, draws=300, top_k=10, seed=3)
    assert again.table.equals(t)  # seeded


def _split(ov: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {"dimension_weights": ov["dimensions"], "criterion_weights": ov["criteria"]}


def test_reviewers_who_agree_leave_only_the_dirichlet_spread() -> None:
    ranking = [d.id for d in CS.dimensions]
    same = [
        Reviewer(f"{k}.yaml", str(k), elicit(Judgements(method="roc", by=f"r{k}", date=dt.date(2026, 12, 1),
                                                        items=ranking, ranking=ranking), CS))
        for k in range(3)
    ]  # fmt: skip
    com = combine(same, CS)
    result = run(SAMPLE, criteria=group_criteria(CS, com))
    board = committee_smaa(result, com, draws=200, top_k=5, seed=1)
    t = board.table
    assert set(t["reviewers_top_k"]) <= {0, 3}
    assert (t["rank_best"] == t["rank"]).all() and (t["rank_worst"] == t["rank"]).all()
    top = (t["rank"] <= 5).astype(float)
    assert np.allclose(
        t["p_top_k_committee"], REVIEWER_MASS * top + (1 - REVIEWER_MASS) * t["p_top_k_dirichlet"]
    )
    assert board.most_contested().empty
    sheet = committee_sheet(board)
    assert sheet.title("en") == "Committee" and len(sheet.frame) == len(t) + 1 + len(board.meta())
