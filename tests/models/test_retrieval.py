"""Retrieval metrics and the exact McNemar test (models/accuracy/retrieval.py)."""

import numpy as np
import pytest

from models.accuracy.retrieval import mcnemar, ranks, score


def test_perfect_and_shifted_retrieval():
    e = np.eye(4)
    s = score(e, e)
    assert s.top1_pct == 100.0 and s.recall5_pct == 100.0 and s.mrr == 1.0
    shifted = np.roll(e, 1, axis=0)  # every first half is closest to another second half
    # one strictly better candidate and two tied at similarity 0: rank 3 (ties count against)
    assert ranks(e, shifted).tolist() == [3, 3, 3, 3]
    assert score(e, shifted).top1_pct == 0.0 and score(e, shifted).mrr == 0.25


def test_ties_count_against_the_query():
    first = np.array([[1.0, 0.0], [1.0, 0.0]])
    second = np.array([[1.0, 0.0], [1.0, 0.0]])
    assert ranks(first, second).tolist() == [1, 1]


def test_mcnemar_exact_values():
    ref = np.array([True] * 10 + [False] * 10)
    same = ref.copy()
    assert mcnemar(ref, same) == (0, 0, 1.0)
    worse = ref.copy()
    worse[:6] = False  # 6 lost, 0 gained: p = 2 * 0.5**6
    lost, gained, p = mcnemar(ref, worse)
    assert (lost, gained) == (6, 0) and abs(p - 2 * 0.5**6) < 1e-12


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="first and second"):
        ranks(np.zeros((3, 2)), np.zeros((4, 2)))


def test_both_directions_and_ten_way():
    from models.accuracy.retrieval import distractor_indices, kway_hits

    rng = np.random.default_rng(0)
    n = 40
    first = rng.normal(size=(n, 8))
    first /= np.linalg.norm(first, axis=1, keepdims=True)
    second = first.copy()
    second[:5] = np.roll(first[:5], 1, axis=0)  # the first 5 texts' halves are swapped around
    s = score(first, second)
    assert len(s.ranks) == 2 * n
    assert s.top1_fwd_pct == s.top1_bwd_pct == 100.0 * 35 / 40
    d = distractor_indices(n)
    assert d.shape == (n, 9) and not np.any(d == np.arange(n)[:, None])
    assert np.all(kway_hits(first, first, d))
    # 10-way can only be easier than top-1 among all 40
    assert s.acc10_pct >= s.top1_pct
    # the same distractors every call: paired across schemes
    assert np.array_equal(d, distractor_indices(n))


def test_confidence_intervals_and_paired_loss():
    from models.accuracy.retrieval import compare, mean_ci, summary

    m, lo, hi = mean_ci([0.0, 1.0] * 50, 100)
    assert m == 50.0 and lo < 50 < hi and abs((hi - lo) / 2 - 1.96 * 50.25 / 10) < 0.2
    rng = np.random.default_rng(1)
    n = 200
    a = rng.normal(size=(n, 16))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = a + 0.9 * rng.normal(size=(n, 16)) / 4
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    ref = score(a, b)
    worse_b = b + 1.5 * rng.normal(size=(n, 16)) / 4
    worse_b /= np.linalg.norm(worse_b, axis=1, keepdims=True)
    sc = score(a, worse_b)
    c = compare(ref, sc)
    assert c["loss_top1"] > 0 and c["loss_top1_ci"][0] <= c["loss_top1"] <= c["loss_top1_ci"][1]
    assert c["lost"] > c["gained"]
    same = compare(ref, ref)
    assert same["loss_top1"] == 0 and same["lost"] == same["gained"] == 0 and same["mcnemar_p"] == 1.0
    s = summary(ref)
    assert s["top1_ci"][0] <= s["top1"] <= s["top1_ci"][1] and 0 < s["mrr"] <= 1


def test_bad_inputs_raise():
    from models.accuracy.retrieval import distractor_indices, mean_ci

    with pytest.raises(ValueError, match="N >= 2"):
        score(np.ones((1, 3)), np.ones((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        score(np.array([[np.nan, 0.0], [1.0, 0.0]]), np.eye(2))
    with pytest.raises(ValueError, match="n must"):
        distractor_indices(1)
    with pytest.raises(ValueError, match="at least 2"):
        mean_ci([1.0])
