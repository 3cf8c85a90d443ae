"""HLog ("hybrid log") quantization: the golden model of `hdl/hlog_quant.sv`.

HLog levels are the integers with at most two significant bits:
``{0, 1, 2, 3, 4, 6, 8, 12, ..., 2**(n-2), 3*2**(n-3), 2**(n-1)}`` for a signed
``n``-bit input.  A value is coded as ``{zero, sign, exp, half}``:

    HLog(x) = 0                                    if zero
            = (-1)**sign * (2**exp + half * 2**(exp-1))   otherwise

with ``half`` forced to 0 when ``exp == 0``.  The product of two HLog values is a
sum of at most four powers of two (see :func:`hlog_product`), which is why the
ESACT prediction unit needs shifts and additions only.

Rounding modes (a parameter of both this model and the RTL, ``ROUND``):

``"trunc"`` (default, RTL ``ROUND=0``)
    exp = index of the leading one of ``|x|``, half = the bit below it; the
    remaining bits are dropped (magnitude truncation, towards zero).
``"round"`` (RTL ``ROUND=1``)
    round half up on the magnitude: ``|x| + 2**(exp-2)`` is truncated again.
    A positive result that exceeds the signed range (``2**(n-1)``, e.g. +128
    for INT8) saturates to the largest positive level ``3*2**(n-3)``.

In both modes ``|HLog(x)| <= 2**(n-1)`` and the value always fits the signed
``n``-bit range of the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks

MODES = ("trunc", "round")
WIDTH_MIN, WIDTH_MAX = 3, 32


def _check_width(width) -> int:
    return checks.integer(width, "width", WIDTH_MIN, WIDTH_MAX)


def _check_mode(mode) -> str:
    return checks.choice(mode, "mode", MODES)


def exp_bits(width: int) -> int:
    """Width of the exponent field of the code: ceil(log2(width))."""
    width = _check_width(width)
    return max(1, int(width - 1).bit_length())


@dataclass(frozen=True)
class HlogCode:
    """Arrays of the code fields, one element per input element."""

    zero: np.ndarray  # bool
    sign: np.ndarray  # bool (1 = negative)
    exp: np.ndarray  # int64, 0..width-1
    half: np.ndarray  # bool

    @property
    def value(self) -> np.ndarray:
        return hlog_decode(self)


def _leading_one(a: np.ndarray) -> np.ndarray:
    """Index of the leading one of positive int64 values (0 for a == 0)."""
    # frexp is exact for integers below 2**53.
    _, e = np.frexp(a.astype(np.float64))
    return np.where(a > 0, e - 1, 0).astype(np.int64)


def hlog_encode(x, width: int = 8, mode: str = "trunc") -> HlogCode:
    """Vectorized HLog code of signed ``width``-bit integers."""
    width = _check_width(width)
    _check_mode(mode)
    x = checks.int_array(x, "x", bits=width)
    sign = x < 0
    a = np.abs(x)
    zero = a == 0
    p = _leading_one(a)
    if mode == "round":
        a = a + np.where(p >= 2, np.left_shift(1, np.maximum(p - 2, 0)), 0)
        p = _leading_one(a)
    half = np.where(p >= 1, (a >> np.maximum(p - 1, 0)) & 1, 0).astype(bool)
    if mode == "round":
        # +2**(n-1) does not fit the signed range: saturate to 3*2**(n-3).
        over = (~sign) & (p >= width - 1)
        p = np.where(over, width - 2, p)
        half = np.where(over, True, half)
    return HlogCode(zero=zero, sign=sign, exp=p, half=half & ~zero)


def hlog_decode(code: HlogCode) -> np.ndarray:
    """Integer value of a code (int64)."""
    checks.instance(code, "code", HlogCode, "an HlogCode (hlog_encode)")
    p = np.asarray(code.exp, dtype=np.int64)
    half = np.asarray(code.half, dtype=np.int64) * (p >= 1)
    mag = np.left_shift(1, p) + np.left_shift(half, np.maximum(p - 1, 0))
    mag = np.where(np.asarray(code.zero, dtype=bool), 0, mag)
    return np.where(np.asarray(code.sign, dtype=bool), -mag, mag).astype(np.int64)


def hlog_quantize(x, width: int = 8, mode: str = "trunc") -> np.ndarray:
    """HLog(x) as integers of the same signed range (int64 array).

    Up to 12 bits by a table of every input value (built once per width and mode from
    :func:`hlog_encode`/:func:`hlog_decode`, so it is the same function); wider inputs
    go through the code directly."""
    width = _check_width(width)
    _check_mode(mode)
    if width > 12:
        return hlog_decode(hlog_encode(x, width, mode))
    arr = checks.int_array(x, "x", bits=width)
    return _hlog_table(width, mode)[arr + (1 << (width - 1))]


_TABLES: dict = {}


def _hlog_table(width: int, mode: str) -> np.ndarray:
    key = (width, mode)
    if key not in _TABLES:
        lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
        t = hlog_decode(hlog_encode(np.arange(lo, hi + 1), width, mode))
        t.setflags(write=False)
        _TABLES[key] = t
    return _TABLES[key]


def hlog_levels(width: int = 8) -> np.ndarray:
    """All representable HLog values of a signed ``width``-bit input, sorted."""
    width = _check_width(width)
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    return np.unique(hlog_quantize(np.arange(lo, hi + 1), width))


def hlog_product(a: HlogCode, b: HlogCode) -> np.ndarray:
    """Product of two HLog values computed with shifts and additions only.

    (2**pa + ha*2**(pa-1)) * (2**pb + hb*2**(pb-1))
        = 2**(pa+pb) + ha*2**(pa+pb-1) + hb*2**(pa+pb-1) + ha*hb*2**(pa+pb-2)

    ``half`` is 0 whenever ``exp`` is 0, so no shift amount is negative.
    """
    checks.instance(a, "a", HlogCode, "an HlogCode (hlog_encode)")
    checks.instance(b, "b", HlogCode, "an HlogCode (hlog_encode)")
    pa, pb = np.asarray(a.exp, np.int64), np.asarray(b.exp, np.int64)
    ha = np.asarray(a.half, np.int64) * (pa >= 1)
    hb = np.asarray(b.half, np.int64) * (pb >= 1)
    s = pa + pb
    mag = (
        np.left_shift(1, s)
        + np.left_shift(ha, np.maximum(s - 1, 0))
        + np.left_shift(hb, np.maximum(s - 1, 0))
        + np.left_shift(ha * hb, np.maximum(s - 2, 0))
    )
    zero = np.asarray(a.zero, bool) | np.asarray(b.zero, bool)
    neg = np.asarray(a.sign, bool) ^ np.asarray(b.sign, bool)
    return np.where(zero, 0, np.where(neg, -mag, mag)).astype(np.int64)
