"""Unit and property tests of models/hlog.py."""

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.hlog import (
    exp_bits,
    hlog_decode,
    hlog_encode,
    hlog_levels,
    hlog_product,
    hlog_quantize,
)

WIDTHS = [4, 8, 12, 16]


def _two_sig_bits(v: int) -> bool:
    a = abs(int(v))
    if a == 0:
        return True
    while a % 2 == 0:
        a //= 2
    return a in (1, 3)


def test_int8_levels_match_the_paper_list():
    # {1, 2, 3, 4, 6, ..., 2^(n-2), 3*2^(n-3), 2^(n-1)} for n = 8, positive side up to 96
    # (+128 is outside INT8), negative side down to -128, and zero.
    pos = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96]
    expect = sorted([-128] + [-v for v in pos] + [0] + pos)
    assert hlog_levels(8).tolist() == expect


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("mode", ["trunc", "round"])
def test_exhaustive_properties(width, mode):
    x = np.arange(-(1 << (width - 1)), 1 << (width - 1))
    q = hlog_quantize(x, width, mode)
    code = hlog_encode(x, width, mode)
    assert np.all(np.sign(q) == np.sign(x))  # sign kept, zero only for zero
    assert all(_two_sig_bits(v) for v in q)  # at most two significant bits
    assert np.all(q >= -(1 << (width - 1))) and np.all(q <= (1 << (width - 1)) - 1)
    assert np.array_equal(hlog_quantize(q, width, mode), q)  # idempotent
    assert np.array_equal(hlog_decode(code), q)
    assert code.exp.max() < (1 << exp_bits(width))
    if mode == "trunc":
        assert np.all(np.abs(q) <= np.abs(x))  # truncation never grows the magnitude
        # q is the largest level not above |x|
        lv = np.unique(np.abs(hlog_levels(width)))
        idx = np.searchsorted(lv, np.abs(x), side="right") - 1
        assert np.array_equal(np.abs(q), lv[idx])


def test_round_is_nearest_level_half_up_with_saturation():
    width = 8
    lv = np.unique(np.abs(hlog_levels(width)))
    for x in range(-128, 128):
        q = int(hlog_quantize([x], width, "round")[0])
        a = abs(x)
        cand = [v for v in lv if (x >= 0 and v <= 127) or (x < 0 and v <= 128)]
        best = min(cand, key=lambda v: (abs(v - a), -v))  # nearest, ties up
        assert abs(q) == best, (x, q, best)


def test_known_values():
    x = np.array([0, 1, 2, 3, 5, 7, 13, 100, 127, -1, -7, -100, -127, -128])
    assert hlog_quantize(x).tolist() == [0, 1, 2, 3, 4, 6, 12, 96, 96, -1, -6, -96, -96, -128]
    assert hlog_quantize(x, mode="round").tolist() == [0, 1, 2, 3, 6, 8, 12, 96, 96, -1, -8, -96, -128, -128]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-128, 127), min_size=1, max_size=64), st.sampled_from(["trunc", "round"]))
def test_idempotent_and_bounded(xs, mode):
    q = hlog_quantize(xs, 8, mode)
    assert np.array_equal(hlog_quantize(q, 8, mode), q)
    if mode == "trunc":
        assert np.all(np.abs(q) <= np.abs(np.array(xs)))


@settings(max_examples=500, deadline=None)
@given(st.integers(-(1 << 15), (1 << 15) - 1), st.integers(-(1 << 15), (1 << 15) - 1))
def test_product_equals_shift_add_form(a, b):
    ca, cb = hlog_encode([a], 16), hlog_encode([b], 16)
    expect = int(hlog_decode(ca)[0]) * int(hlog_decode(cb)[0])
    assert int(hlog_product(ca, cb)[0]) == expect


def test_product_exhaustive_int8():
    x = np.arange(-128, 128)
    a, b = np.meshgrid(x, x)
    ca, cb = hlog_encode(a.ravel()), hlog_encode(b.ravel())
    assert np.array_equal(hlog_product(ca, cb), hlog_decode(ca) * hlog_decode(cb))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(x=[128]), "^x: value 128 outside the INT8 range"),
        (dict(x=[-129]), "^x: value -129 outside the INT8 range"),
        (dict(x=[1.5]), "^x: expected integers"),
        (dict(x=[1], width=2), "^width: 2 outside"),
        (dict(x=[1], width=8.0), "^width: expected an integer"),
        (dict(x=[1], mode="nearest"), "^mode: 'nearest' is not one of"),
    ],
)
def test_bad_input_raises_clear_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        hlog_encode(**kwargs)


def test_doc_states_the_int8_level_set():
    """docs/hlog_quant.md lists the INT8 levels and their count; both match the model."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "hlog_quant.md").read_text()
    m = re.search(r"For INT8 the levels are (.*?) \((\d+) values", doc, re.S)
    listed = set()
    for tok in re.split(r",|\band\b", m.group(1)):
        v = int(tok.strip().lstrip("±"))
        listed |= {v, -v} if "±" in tok else {int(tok.strip())}
    for mode in ("trunc", "round"):
        levels = np.unique(hlog_quantize(np.arange(-128, 128), 8, mode))
        assert set(levels.tolist()) == listed and len(levels) == int(m.group(2))
    assert np.array_equal(hlog_levels(8), sorted(listed))
