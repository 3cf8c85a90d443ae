"""SPLS: prediction, top-k, local similarity, column mask (models/spls.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.hlog import hlog_quantize
from models.spls import (
    SplsConfig,
    column_mask,
    local_similarity,
    pam_shift_add,
    predict_pam,
    predict_qk,
    similarity_threshold,
    topk_mask,
)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(0, 2**31 - 1))
def test_topk_keeps_exactly_k_largest_with_lowest_index_ties(T, seed):
    rng = np.random.default_rng(seed)
    pam = rng.integers(-3, 4, (2, T, T))  # many ties
    k = int(rng.integers(1, T + 1))
    keep = topk_mask(pam, k)
    assert np.all(keep.sum(-1) == k)
    for h in range(2):
        for i in range(T):
            order = sorted(range(T), key=lambda j: (-pam[h, i, j], j))
            assert set(np.flatnonzero(keep[h, i])) == set(order[:k])


def test_topk_bounds():
    pam = np.zeros((1, 4, 4), np.int64)
    assert topk_mask(pam, 4).all()
    assert topk_mask(pam, 1)[0, :, 0].all()  # all ties: lowest index
    for bad in (0, 5, 2.5):
        with pytest.raises(ValueError, match="^k: "):
            topk_mask(pam, bad)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30), st.integers(1, 8), st.floats(0, 1), st.integers(0, 2**31 - 1))
def test_reuse_map_invariants(T, window, tau, seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, T + 1))
    keep = topk_mask(rng.integers(0, 3, (3, T, T)), k)
    rep = local_similarity(keep, k, window, tau)
    thr = similarity_threshold(tau, 3, k)
    assert rep[0] == 0
    for i in range(T):
        r = rep[i]
        assert r <= i and rep[r] == r and i - r < window
        if r != i:
            assert np.count_nonzero(keep[:, i] & keep[:, r]) >= thr
    # representatives appear in order; a row reuses the latest representative only
    reps = np.flatnonzero(rep == np.arange(T))
    for i in range(T):
        assert rep[i] == reps[reps <= i].max()


def test_window_one_disables_reuse_and_tau_zero_reuses_whole_windows():
    keep = topk_mask(np.random.default_rng(1).integers(0, 9, (2, 10, 10)), 3)
    assert np.array_equal(local_similarity(keep, 3, 1, 0.0), np.arange(10))
    assert local_similarity(keep, 3, 4, 0.0).tolist() == [0, 0, 0, 0, 4, 4, 4, 4, 8, 8]
    same = np.ones((2, 6, 6), bool)
    assert local_similarity(same, 6, 6, 1.0).tolist() == [0] * 6
    with pytest.raises(ValueError, match="window"):
        local_similarity(keep, 3, 0, 0.5)


def test_column_mask_is_union_of_representative_rows():
    keep = np.zeros((1, 3, 4), bool)
    keep[0, 0, 1] = keep[0, 1, 2] = keep[0, 2, 3] = True
    rep = np.array([0, 0, 2])
    assert column_mask(keep, rep).tolist() == [[False, True, False, True]]


def test_pam_matmul_equals_literal_shift_add():
    rng = np.random.default_rng(7)
    q8 = rng.integers(-128, 128, (5, 8))
    k8 = rng.integers(-128, 128, (6, 8))
    for mode in ("trunc", "round"):
        assert np.array_equal(predict_pam(q8, k8, 2, mode), pam_shift_add(q8, k8, 2, mode))


def test_predict_qk_is_shift_only_requant_of_hlog_product():
    rng = np.random.default_rng(3)
    x = rng.integers(-128, 128, (4, 16))
    w = rng.integers(-128, 128, (8, 16))
    b = rng.integers(-1000, 1000, 8)
    ps = rng.integers(4, 12, 8)
    tr = {}
    q8 = predict_qk(x, w, b, ps, "trunc", tr, "q")
    acc = hlog_quantize(x) @ hlog_quantize(w).T + b
    assert np.array_equal(tr["pred_q_acc"], acc)
    assert np.array_equal(q8, np.clip((acc + (1 << (ps - 1))) >> ps, -128, 127))


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(scheme="magic"), "scheme"),
        (dict(k=0), r"^k: 0 outside \[1, 65535\]"),
        (dict(keep_ratio=0.0), "keep_ratio"),
        (dict(window=0), "window"),
        (dict(tau=1.5), "tau"),
        (dict(hlog_mode="x"), "hlog_mode"),
        (dict(pred_weight=2.0), "pred_weight"),
    ],
)
def test_config_rejects_bad_parameters(kw, match):
    with pytest.raises(ValueError, match=match):
        SplsConfig(**kw)


def test_k_for_sequence():
    assert SplsConfig(keep_ratio=0.25).k_for(10) == 3
    assert SplsConfig(k=5).k_for(5) == 5
    with pytest.raises(ValueError, match="^k: 6 exceeds the sequence length"):
        SplsConfig(k=6).k_for(5)
