"""Integer softmax, i-GELU and LayerNorm against float references (models/intops.py)."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from models.intops import (
    gelu_constants,
    gelu_int,
    isqrt,
    layernorm_constants,
    layernorm_int,
    softmax_constants,
    softmax_int,
)

S_Q = S_K = 0.06  # typical INT8 scales of q and k
DH = 32


def _float_softmax(scores, keep):
    s = np.where(keep, scores * S_Q * S_K / math.sqrt(DH), -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 128), st.integers(0, 2**31 - 1), st.floats(0.05, 1.0))
def test_softmax_int_tracks_float_softmax(T, seed, density):
    rng = np.random.default_rng(seed)
    scores = rng.integers(-(2**14), 2**14, (4, T))
    keep = rng.random((4, T)) < density
    keep[np.arange(4), rng.integers(0, T, 4)] = True
    m, sh = softmax_constants(S_Q, S_K, DH)
    p = softmax_int(scores, keep, m, sh)
    ref = _float_softmax(scores, keep) * 256
    assert np.all(p[~keep] == 0)
    assert np.all((p >= 0) & (p <= 255))
    assert np.max(np.abs(p - ref)) <= 3.0  # 8-bit output, 6-bit exponent LUT, truncations
    assert np.all(np.abs(p.sum(axis=-1) - 256) <= T)


def test_softmax_single_entry_and_bad_keep():
    m, sh = softmax_constants(S_Q, S_K, DH)
    keep = np.zeros((1, 5), bool)
    keep[0, 2] = True
    assert softmax_int(np.arange(5)[None], keep, m, sh).tolist() == [[0, 0, 255, 0, 0]]
    with pytest.raises(ValueError, match="keep"):
        softmax_int(np.zeros((1, 5), np.int64), np.zeros((1, 5), bool), m, sh)
    with pytest.raises(ValueError, match="keep"):
        softmax_int(np.zeros((1, 5), np.int64), np.ones((1, 4), bool), m, sh)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**62 - 1))
def test_isqrt_is_exact(n):
    assert int(isqrt(np.array([n]))[0]) == math.isqrt(n)


@pytest.mark.parametrize("s_in", [2e-4, 7e-4, 2e-3])
def test_gelu_int_tracks_exact_gelu(s_in):
    qb, qc, s_t = gelu_constants(s_in)
    q = np.arange(-32768, 32768, 7)
    x = q * s_in
    ref = torch.nn.functional.gelu(torch.tensor(x)).numpy()
    got = gelu_int(q, qb, qc) * s_t
    # I-BERT's second-order erf approximation: absolute error below ~0.02 near zero,
    # relative error well below 1% for large inputs
    assert np.max(np.abs(got - ref) / np.maximum(1.0, np.abs(ref))) < 0.025


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 512), st.integers(0, 2**31 - 1), st.floats(50.0, 20000.0))
def test_layernorm_int_tracks_float_layernorm(N, seed, spread):
    rng = np.random.default_rng(seed)
    r = np.clip(np.rint(rng.normal(0, spread, (3, N))), -(2**16), 2**16).astype(np.int64)
    gamma = rng.uniform(0.5, 2.0, N)
    beta = rng.uniform(-1, 1, N)
    s_out = 8.0 / 127
    G, B, gf = layernorm_constants(gamma, beta, s_out)
    y = layernorm_int(r, G, B, gf)
    ref = torch.nn.functional.layer_norm(torch.tensor(r, dtype=torch.float64), (N,), torch.tensor(gamma), torch.tensor(beta), 1e-12)
    ref_q = np.clip(ref.numpy() / s_out, -128, 127)
    assert np.max(np.abs(y - ref_q)) <= 1.01  # one LSB of INT8


def test_layernorm_constant_row_gives_beta_and_bounds_raise():
    G, B, gf = layernorm_constants(np.ones(4), np.array([0.0, 0.5, -0.5, 1.0]), 1 / 64)
    assert layernorm_int(np.full((1, 4), 7), G, B, gf).tolist() == [[0, 32, -32, 64]]
    with pytest.raises(ValueError, match="2\\*\\*16"):
        layernorm_int(np.array([[2**17, 0]]), G[:2], B[:2], gf)
    with pytest.raises(ValueError, match="row length"):
        layernorm_int(np.zeros((1, 600), np.int64), np.zeros(600, np.int64), np.zeros(600, np.int64), 0)
