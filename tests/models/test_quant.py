"""Requantization and exact integer products (models/quant.py)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.checks import int_array
from models.quant import imatmul, make_requant, requant, round_shift, sat


def test_round_shift_is_round_half_up():
    x = np.array([-6, -5, -3, -2, -1, 0, 1, 2, 3, 5, 6])
    # x / 2 rounded half up: -3, -2.5->-2, -1.5->-1, -1, -0.5->0, 0, 0.5->1, 1, 1.5->2, 2.5->3, 3
    assert round_shift(x, 1).tolist() == [-3, -2, -1, -1, 0, 0, 1, 1, 2, 3, 3]
    assert round_shift(x, 0).tolist() == x.tolist()


def test_requant_saturates_instead_of_wrapping():
    assert requant([10**9, -(10**9)], 1 << 14, 15, 8).tolist() == [127, -128]
    assert requant([10**9], 1 << 14, 15, 16).tolist() == [32767]


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=2**-40, max_value=2**13, allow_nan=False))
def test_make_requant_is_normalised_and_accurate(ratio):
    rq = make_requant(ratio, 32)
    m, sh = int(rq.mult), int(rq.shift)
    assert (1 << 14) <= m < (1 << 15)
    assert 1 <= sh <= 62
    assert abs(m / 2.0**sh - ratio) <= ratio * 2.0**-14


def test_make_requant_per_channel_and_rejects_bad_ratios():
    rq = make_requant(np.array([0.5, 0.001, 3.0]), 8)
    assert rq.mult.shape == (3,)
    assert requant([1000, 1000, 10], rq.mult, rq.shift, 8).tolist() == [127, 1, 30]
    for bad in (0.0, -1.0, float("nan"), 2.0**20):
        with pytest.raises(ValueError, match="ratio"):
            make_requant(bad, 8)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 40), st.integers(1, 300), st.integers(1, 20), st.integers(0, 2**31 - 1))
def test_imatmul_is_exact(m, k, n, seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(-128, 128, (m, k))
    b = rng.integers(-128, 128, (k, n))
    assert np.array_equal(imatmul(a, b), np.einsum("ik,kj->ij", a.astype(object), b.astype(object)).astype(np.int64))


def test_imatmul_falls_back_to_int64_for_wide_values():
    a = np.array([[2**40, 3]])
    b = np.array([[2**12], [5]])
    assert imatmul(a, b)[0, 0] == 2**52 + 15


def test_check_int_names_the_parameter():
    with pytest.raises(ValueError, match="^x: expected integers"):
        int_array(np.array([1.0]), "x", bits=8)
    with pytest.raises(ValueError, match=r"^x: value 200 outside the INT8 range \[-128, 127\]"):
        int_array(np.array([200]), "x", bits=8)
    assert sat([300, -300], 8).tolist() == [127, -128]
