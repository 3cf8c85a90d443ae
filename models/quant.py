"""Integer arithmetic rules shared by the golden model and the RTL.

Requantization (multiplier + shift), every place an INT32 accumulator becomes a
narrower integer::

    requant(acc, M, sh, bits) = sat_bits((acc * M + 2**(sh-1)) >> sh)

* ``M`` is an unsigned 15-bit multiplier normalised to ``[2**14, 2**15)`` (or 0),
  ``sh`` a shift in ``[1, 62]``; both may be per output channel.
* ``>>`` is an arithmetic shift (floor); adding ``2**(sh-1)`` first makes the rounding
  *round half up* (towards +inf on ties), the same for positive and negative values.
* ``sat_bits`` saturates to the signed ``bits`` range (no wrap-around).
* The product ``acc * M`` needs at most 32 + 15 = 47 bits plus sign.

Offline quantization of float tensors (weights, biases, the layer input) rounds half
to even (``numpy.rint``) and saturates; it never runs in hardware.

Integer matrix products are computed exactly with float64 BLAS when every partial
sum is below 2**53 in magnitude (checked), which is the case for INT8 x INT8 products
over any realistic reduction length; otherwise with int64 einsum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MULT_BITS = 15
SHIFT_MAX = 62


def qrange(bits: int) -> tuple[int, int]:
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def sat(x, bits: int) -> np.ndarray:
    lo, hi = qrange(bits)
    return _sat_inplace(np.array(x, dtype=np.int64), lo, hi)


def _sat_inplace(y: np.ndarray, lo: int, hi: int) -> np.ndarray:
    np.minimum(y, hi, out=y)
    np.maximum(y, lo, out=y)
    return y


def _half(sh: np.ndarray) -> np.ndarray:
    return np.where(sh > 0, np.left_shift(np.int64(1), np.maximum(sh - 1, 0)), 0)


def round_shift(x, sh) -> np.ndarray:
    """(x + 2**(sh-1)) >> sh, arithmetic; sh may be an array; sh == 0 returns x."""
    sh = np.asarray(sh, dtype=np.int64)
    y = np.add(np.asarray(x, dtype=np.int64), _half(sh))
    return np.right_shift(y, sh, out=y)


@dataclass(frozen=True)
class Requant:
    """Multiplier and shift (scalars or per-channel arrays) and the output width."""

    mult: np.ndarray
    shift: np.ndarray
    bits: int

    def __call__(self, acc) -> np.ndarray:
        return requant(acc, self.mult, self.shift, self.bits)

    def as_dict(self, prefix: str) -> dict[str, np.ndarray]:
        return {
            f"{prefix}_mult": np.asarray(self.mult, np.int64),
            f"{prefix}_shift": np.asarray(self.shift, np.int64),
            f"{prefix}_bits": np.asarray(self.bits, np.int64),
        }

    @classmethod
    def from_dict(cls, d, prefix: str) -> "Requant":
        return cls(
            mult=np.asarray(d[f"{prefix}_mult"], np.int64),
            shift=np.asarray(d[f"{prefix}_shift"], np.int64),
            bits=int(d[f"{prefix}_bits"]),
        )


def requant(acc, mult, shift, bits: int) -> np.ndarray:
    acc = np.asarray(acc, dtype=np.int64)
    mult = np.asarray(mult, dtype=np.int64)
    amax = max(int(acc.max()), -int(acc.min())) if acc.size else 0
    if amax * (int(mult.max()) if mult.size else 0) < 2**61:
        sh = np.asarray(shift, dtype=np.int64)
        y = np.multiply(acc, mult)
        y += _half(sh)
        np.right_shift(y, sh, out=y)
        return _sat_inplace(y, *qrange(bits))
    # wide products (e.g. the 52-bit i-GELU numerator): exact Python integers
    a, m, sh = np.broadcast_arrays(acc.astype(object), mult.astype(object), np.asarray(shift, np.int64).astype(object))
    out = [(int(x) * int(y) + ((1 << (int(s) - 1)) if s > 0 else 0)) >> int(s) for x, y, s in zip(a.ravel(), m.ravel(), sh.ravel())]
    return sat(np.array(out, dtype=object).reshape(a.shape).clip(-(2**62), 2**62).astype(np.int64), bits)


def make_requant(ratio, bits: int) -> Requant:
    """Multiplier/shift approximating the real factor(s) ``ratio`` (> 0).

    M = round(ratio * 2**sh) with sh chosen so that M lies in [2**14, 2**15).
    Raises ValueError when a ratio is not positive and finite or needs a shift
    outside [1, 62] (a ratio >= 2**14 or < 2**-48).
    """
    r = np.atleast_1d(np.asarray(ratio, dtype=np.float64))
    if not np.all(np.isfinite(r)) or np.any(r <= 0):
        raise ValueError(f"requant ratio must be positive and finite, got {r[~(np.isfinite(r) & (r > 0))][:4]}")
    mults = np.empty(r.shape, np.int64)
    shifts = np.empty(r.shape, np.int64)
    for i, v in enumerate(r.flat):
        e = math.frexp(v)[1]  # v = m * 2**e, m in [0.5, 1)
        sh = MULT_BITS - e
        m = int(round(v * 2.0**sh))
        if m == 1 << MULT_BITS:
            m >>= 1
            sh -= 1
        if not 1 <= sh <= SHIFT_MAX:
            raise ValueError(f"requant ratio {v:g} needs shift {sh}, outside [1, {SHIFT_MAX}]")
        mults.flat[i], shifts.flat[i] = m, sh
    if np.ndim(ratio) == 0:
        return Requant(mult=mults.reshape(()), shift=shifts.reshape(()), bits=bits)
    return Requant(mult=mults, shift=shifts, bits=bits)


def quantize(x, scale, bits: int) -> np.ndarray:
    """Offline symmetric quantization: sat(rint(x / scale))."""
    q = np.rint(np.asarray(x, dtype=np.float64) / np.asarray(scale, dtype=np.float64))
    lo, hi = qrange(bits)
    return np.clip(q, lo, hi).astype(np.int64)


F32_EXACT = 1 << 24  # float32 holds every integer up to 2**24 exactly
F64_EXACT = 1 << 53


def imatmul(a, b, amax: int | None = None, bmax: int | None = None) -> np.ndarray:
    """Exact integer ``a @ b`` (int64 result), computed with float BLAS where exact.

    If every partial sum is bounded by 2**24 (``amax * bmax * K``), float32 is exact;
    otherwise the reduction is split into chunks that are, and the chunk results are
    summed in int64; float64 (bound 2**53) and int64 are the fall-backs.
    ``amax``/``bmax`` are the operands' largest magnitudes when known.
    """
    a = np.asarray(a)
    b = np.asarray(b)
    K = a.shape[-1]
    if a.size == 0 or b.size == 0:
        return np.matmul(a.astype(np.int64), b.astype(np.int64))
    amax = int(np.abs(a).max()) if amax is None else amax
    bmax = int(np.abs(b).max()) if bmax is None else bmax
    prod = max(amax * bmax, 1)
    if prod * K <= F32_EXACT:
        return np.matmul(a.astype(np.float32, copy=False), b.astype(np.float32, copy=False)).astype(np.int64)
    chunk = F32_EXACT // prod
    if chunk >= 64:
        a32 = a.astype(np.float32, copy=False)
        b32 = b.astype(np.float32, copy=False)
        out = None
        for k0 in range(0, K, chunk):
            part = np.matmul(a32[..., k0 : k0 + chunk], b32[..., k0 : k0 + chunk, :]).astype(np.int64)
            out = part if out is None else out + part
        return out
    if prod * K < F64_EXACT:
        return np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(np.int64)
    return np.matmul(a.astype(np.int64), b.astype(np.int64))


INT8_K_MAX = 1 << 17  # K * 128 * 128 < 2**31: an int32 accumulator is exact


def int8_operand(b):
    """A constant right operand (K, N) with values in [-128, 127] prepared for
    :func:`imatmul_int8` (a torch int8 tensor; weights are prepared once and cached)."""
    import torch

    b = np.asarray(b)
    if b.ndim != 2:
        raise ValueError(f"b must be a 2-D (K, N) matrix, got shape {b.shape}")
    if b.size and (b.min() < -128 or b.max() > 127):
        raise ValueError(f"b must lie in the INT8 range [-128, 127], got [{b.min()}, {b.max()}]")
    return torch.from_numpy(np.ascontiguousarray(b.astype(np.int8)))


def imatmul_int8(a, b8) -> np.ndarray:
    """Exact ``a @ b`` (int64 result) of a 2-D ``a`` whose values lie in [-128, 127]
    (the caller guarantees it: an INT8 tensor of the datapath) and a prepared
    :func:`int8_operand` ``b8``: int8 x int8 products summed in int32 by
    ``torch._int_mm``, exact for K <= 2**17 (the same integers as :func:`imatmul`;
    ``tests/models/test_quant.py`` checks it)."""
    import torch

    a = np.asarray(a)
    K = a.shape[-1]
    if a.ndim != 2 or K != b8.shape[0]:
        raise ValueError(f"a must be (M, {b8.shape[0]}), got shape {a.shape}")
    if K > INT8_K_MAX:
        raise ValueError(f"imatmul_int8: K = {K} exceeds {INT8_K_MAX} (int32 accumulation)")
    if a.shape[0] == 0:
        return np.zeros((0, b8.shape[1]), np.int64)
    a8 = torch.from_numpy(np.ascontiguousarray(a.astype(np.int8, copy=False)))
    try:
        return torch._int_mm(a8, b8).numpy().astype(np.int64)
    except RuntimeError:  # a torch build or shape without an int8 kernel: exact float path
        return imatmul(a, b8.numpy(), amax=128, bmax=128)


def check_int(x, bits: int, name: str) -> np.ndarray:
    """Validate that ``x`` is an integer array within the signed ``bits`` range."""
    arr = np.asarray(x)
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must be an integer (INT{bits}) array, got dtype {arr.dtype}")
    lo, hi = qrange(bits)
    if arr.size and (arr.min() < lo or arr.max() > hi):
        raise ValueError(f"{name} must lie in the INT{bits} range [{lo}, {hi}], got [{arr.min()}, {arr.max()}]")
    return arr.astype(np.int64)
