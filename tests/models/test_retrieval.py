"""Retrieval metrics and the exact McNemar test (models/retrieval.py)."""

import numpy as np
import pytest

from models.retrieval import mcnemar, ranks, score


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
