"""The ranking rule (rank.order) against a plain sort, and the ranked table a run and a re-weighting share."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from screening.stages import rank as ranking
from screening.stages.score import PointMatrix, Weights, weigh

# Few distinct values, so that ties in score, in completeness and in both are the rule rather than the exception;
# ids such as "10" and "9" check that the last tie-break compares text, not numbers.
scores = st.sampled_from([0.0, 12.5, 50.0, 50.01, 99.99, 100.0])
completeness = st.sampled_from([0.0, 0.5, 0.75, 1.0])
ids = st.text("AB019", min_size=1, max_size=3)


@given(st.lists(st.tuples(scores, completeness, ids), min_size=0, max_size=40))
def test_order_is_score_desc_completeness_desc_id_text_asc(rows):
    score = np.array([r[0] for r in rows], dtype=float)
    comp = np.array([r[1] for r in rows], dtype=float)
    pid = np.array([r[2] for r in rows], dtype=object)
    got = ranking.order(score, comp, ranking.text_order(pid))
    # reference: Python's sort of (−score, −completeness, id, position), position keeping duplicate ids stable
    want = sorted(range(len(rows)), key=lambda i: (-score[i], -comp[i], pid[i], i))
    assert got.tolist() == want
    assert ranking.ranks_of(got)[got].tolist() == list(range(1, len(rows) + 1))


@given(st.lists(st.tuples(scores, completeness), min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_order_does_not_depend_on_row_order(rows, rnd):
    pid = np.array([f"P{i}" for i in range(len(rows))], dtype=object)
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    score = np.array([r[0] for r in rows])
    comp = np.array([r[1] for r in rows])
    a = pid[ranking.order(score, comp, ranking.text_order(pid))]
    p = np.array(perm)
    b = pid[p][ranking.order(score[p], comp[p], ranking.text_order(pid[p]))]
    assert a.tolist() == b.tolist()


def test_running_count_ranks_within_tracks():
    codes = np.array([2, 0, 2, 1, 0, 2])
    assert ranking.running_count(codes).tolist() == [1, 1, 2, 1, 2, 3]


def test_rank_frame_uses_the_rule():
    frame = pd.DataFrame(
        {
            "project_id": ["b", "10", "9", "a", "c"],
            "score": [50.0, 50.0, 50.0, 70.0, 50.0],
            "completeness": [1.0, 1.0, 1.0, 0.2, 0.5],
            "track": ["x", "y", "x", "y", "x"],
        },
        index=[10, 11, 12, 13, 14],
    )
    out = ranking.rank(frame)
    assert out["project_id"].tolist() == ["a", "10", "9", "b", "c"]
    assert out.index.tolist() == [13, 11, 12, 10, 14]
    assert out["rank"].tolist() == [1, 2, 3, 4, 5]
    assert out["rank_in_track"].tolist() == [1, 2, 1, 2, 3]
    empty = ranking.rank(frame.iloc[:0])
    assert empty.empty and empty["rank"].dtype == np.int64 and empty["rank_in_track"].dtype == np.int64


def _pm(n: int, seed: int) -> tuple[PointMatrix, Weights]:
    rng = np.random.default_rng(seed)
    dim_of = ["a", "a", "b", "b"]
    tracks = rng.choice(["s", "t"], n)
    app = np.ones((n, 4), dtype=bool)
    app[:, 1] = tracks == "s"
    pts = rng.choice([0.0, 50.0, 100.0, np.nan], (n, 4))
    pts[~app] = np.nan
    pids = rng.permutation([f"P{i}" for i in range(n)])
    pm = PointMatrix(np.array(pids), ["c0", "c1", "c2", "c3"], dim_of, pts, app, tracks)
    return pm, Weights({"a": 2.0, "b": 1.0}, {"c0": 1.0, "c1": 1.0, "c2": 2.0, "c3": 1.0})


def test_ranked_table_does_not_depend_on_the_order_of_live_rows(default_criteria):
    pm, w = _pm(60, 1)
    s = weigh(pm, w)
    live = pd.DataFrame({"project_id": pm.project_ids, "track": pm.tracks, "note": np.arange(60)})
    caps = np.full(60, -1)
    a = ranking.ranked_table(live, pm, s, caps, default_criteria)
    b = ranking.ranked_table(live.sample(frac=1.0, random_state=3), pm, s, caps, default_criteria)
    pd.testing.assert_frame_equal(a, b)
    assert a["rank"].tolist() == list(range(1, 61))
    assert list(a.columns[:3]) == ["project_id", "track", "note"]
    assert list(a.columns[3:6]) == ["score", "completeness", "tier"]
    assert list(a.columns[-2:]) == ["rank", "rank_in_track"]
    # re-ranking a ranked table under the same scores gives it back; its columns keep their places
    pd.testing.assert_frame_equal(ranking.ranked_table(a, pm, s, caps, default_criteria), a)
    want = sorted(range(60), key=lambda i: (-s.total[i], -s.completeness[i], str(pm.project_ids[i])))
    assert a.index.tolist() == want
