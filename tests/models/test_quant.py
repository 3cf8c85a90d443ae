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


@pytest.mark.parametrize("k", [63, 64, 65, 200, 1000])
def test_imatmul_chunked_float32_path_is_exact(k):
    """|a|, |b| <= 512: products up to 2**18, so float32 is exact for 64-long chunks only;
    K above 64 takes the chunked path (K = 63, 64: one chunk)."""
    rng = np.random.default_rng(k)
    a = rng.integers(-512, 513, (7, k))
    b = rng.integers(-512, 513, (k, 5))
    a[0, :] = 512
    b[:, 0] = 512  # the worst case: every product 2**18
    want = np.einsum("ik,kj->ij", a.astype(object), b.astype(object)).astype(np.int64)
    assert np.array_equal(imatmul(a, b), want)
    assert imatmul(a, b)[0, 0] == k * 2**18


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


@pytest.mark.parametrize("kernel", ["f32", "int_mm"])
def test_int8_mm_exact_at_the_float32_bound_and_across_chunks(kernel, monkeypatch):
    """int8_mm, either kernel: float32 per K-chunk of 1024 is exact at the worst case
    (every product (-128) x (-128) = 2**14, a chunk's sum exactly 2**24) and across
    chunks; torch._int_mm gives the same integers."""
    import torch

    from models import quant
    from models.quant import INT8_F32_CHUNK, int8_mm

    monkeypatch.setattr(quant, "_int8_kernel", [kernel])

    assert INT8_F32_CHUNK * 128 * 128 == 1 << 24
    for K in (1, 383, INT8_F32_CHUNK, INT8_F32_CHUNK + 1, 1536, 3 * INT8_F32_CHUNK + 7):
        a = torch.full((3, K), -128, dtype=torch.int8)
        b = torch.full((K, 2), -128, dtype=torch.int8)
        got = int8_mm(a, b)
        assert got.dtype == torch.int32 and int(got[0, 0]) == K * (1 << 14)
        a[1, ::2] = 127
        want = a.to(torch.int64) @ b.to(torch.int64)
        assert torch.equal(int8_mm(a, b).to(torch.int64), want)
    rng = np.random.default_rng(5)
    a = rng.integers(-128, 128, (37, 1536)).astype(np.int8)
    b = rng.integers(-128, 128, (1536, 29)).astype(np.int8)
    assert np.array_equal(int8_mm(torch.from_numpy(a), torch.from_numpy(b)).numpy(),
                          a.astype(np.int64) @ b.astype(np.int64))
    assert int8_mm(torch.zeros((2, 0), dtype=torch.int8), torch.zeros((0, 3), dtype=torch.int8)).shape == (2, 3)


def test_int8_kernel_choice(monkeypatch):
    from models import quant

    monkeypatch.setattr(quant, "_int8_kernel", [])
    monkeypatch.setenv("ESACT_INT8_MM", "fast")
    with pytest.raises(ValueError, match="ESACT_INT8_MM"):
        quant.int8_kernel()
    monkeypatch.setenv("ESACT_INT8_MM", "f32")
    assert quant.int8_kernel() == "f32"
    monkeypatch.setattr(quant, "_int8_kernel", [])
    monkeypatch.setenv("ESACT_INT8_MM", "auto")
    assert quant.int8_kernel() in ("f32", "int_mm")  # timed once, kept
    assert quant._int8_kernel == [quant.int8_kernel()]
