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

from . import checks

MULT_BITS = 15
SHIFT_MAX = 62  # make_requant's shifts
SHIFT_HW_MAX = 63  # any shift the datapath takes (6-bit field); int64 shifts stay defined
QUANT_BITS_MAX = 53  # quantize: float64 holds every integer of the range


def qrange(bits: int) -> tuple[int, int]:
    bits = checks.integer(bits, "bits", 1, 64)
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def sat(x, bits: int) -> np.ndarray:
    """``x`` (integers) saturated to the signed ``bits`` range (int64)."""
    lo, hi = qrange(bits)
    return _sat_inplace(np.array(checks.int_dtype(x, "x"), dtype=np.int64), lo, hi)


def _sat_inplace(y: np.ndarray, lo: int, hi: int) -> np.ndarray:
    np.minimum(y, hi, out=y)
    np.maximum(y, lo, out=y)
    return y


def _half(sh: np.ndarray) -> np.ndarray:
    return np.where(sh > 0, np.left_shift(np.int64(1), np.maximum(sh - 1, 0)), 0)


def round_shift(x, sh) -> np.ndarray:
    """(x + 2**(sh-1)) >> sh, arithmetic; sh may be an array; sh == 0 returns x."""
    sh = checks.int_array(sh, "sh", lo=0, hi=SHIFT_HW_MAX)
    y = np.add(checks.int_dtype(x, "x").astype(np.int64, copy=False), _half(sh))
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
    """sat_bits((acc * mult + 2**(shift-1)) >> shift) (module docstring); ``mult`` is an
    unsigned 15-bit multiplier, ``shift`` in [0, 63], per channel or scalars."""
    acc = checks.int_dtype(acc, "acc").astype(np.int64, copy=False)
    mult = checks.int_array(mult, "mult", lo=0, hi=(1 << MULT_BITS) - 1)
    shift = checks.int_array(shift, "shift", lo=0, hi=SHIFT_HW_MAX)
    qrange(bits)
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
    r = np.atleast_1d(checks.real_array(ratio, "ratio"))
    if np.any(r <= 0):
        checks.fail("ratio", f"must be > 0, got {r[r <= 0][:4]}")
    qrange(bits)
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
            checks.fail("ratio", f"{v:g} needs shift {sh}, outside [1, {SHIFT_MAX}]")
        mults.flat[i], shifts.flat[i] = m, sh
    if np.ndim(ratio) == 0:
        return Requant(mult=mults.reshape(()), shift=shifts.reshape(()), bits=bits)
    return Requant(mult=mults, shift=shifts, bits=bits)


def quantize(x, scale, bits: int) -> np.ndarray:
    """Offline symmetric quantization: sat(rint(x / scale)); ``x`` finite, ``scale`` > 0
    (scalar or broadcasting, e.g. per channel), ``bits`` in [2, 53]."""
    x = checks.real_array(x, "x")
    s = checks.scale(scale, "scale", like=x)
    bits = checks.integer(bits, "bits", 2, QUANT_BITS_MAX)
    with np.errstate(over="ignore"):  # x / scale beyond the float range saturates too
        q = np.rint(x / s)
    lo, hi = qrange(bits)
    return np.clip(q, lo, hi).astype(np.int64)


F32_EXACT = 1 << 24  # float32 holds every integer up to 2**24 exactly
F64_EXACT = 1 << 53


def _chunk_sum(part, K: int, chunk: int):
    """Sum of ``part(k0, k0 + chunk)`` over the chunks of a reduction of length ``K`` >= 1
    (each chunk's partial sums exact in float32, accumulated in an integer type)."""
    out = part(0, chunk)
    for k0 in range(chunk, K, chunk):
        out = out + part(k0, k0 + chunk)
    return out


def imatmul(a, b, amax: int | None = None, bmax: int | None = None) -> np.ndarray:
    """Exact integer ``a @ b`` (int64 result), computed with float BLAS where exact.

    If every partial sum is bounded by 2**24 (``amax * bmax * K``), float32 is exact;
    otherwise the reduction is split into chunks that are, and the chunk results are
    summed in int64; float64 (bound 2**53) and int64 are the fall-backs.
    ``amax``/``bmax`` are the operands' largest magnitudes when known.
    """
    a = checks.int_dtype(a, "a")
    b = checks.int_dtype(b, "b")
    if a.ndim < 2 or b.ndim < 2 or a.shape[-1] != b.shape[-2]:
        checks.fail("b", f"shape {b.shape} does not fit a's {a.shape} (a @ b needs a.shape[-1] == b.shape[-2])")
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
        return _chunk_sum(lambda s, e: np.matmul(a32[..., s:e], b32[..., s:e, :]).astype(np.int64), K, chunk)
    if prod * K < F64_EXACT:
        return np.matmul(a.astype(np.float64), b.astype(np.float64)).astype(np.int64)
    return np.matmul(a.astype(np.int64), b.astype(np.int64))


INT8_K_MAX = 1 << 17  # K * 128 * 128 < 2**31: an int32 accumulator is exact
INT8_F32_CHUNK = F32_EXACT // (128 * 128)  # 1024 INT8 products (|p| <= 2**14): partial sums <= 2**24


INT8_KERNELS = ("auto", "f32", "int_mm")
_int8_kernel: list[str] = []  # the kernel this process uses, chosen on first use


def int8_kernel() -> str:
    """``f32`` or ``int_mm``: how :func:`int8_mm` multiplies, chosen once per process.

    Both give the same integers (exact); they differ only in speed, by a factor of 24
    either way depending on the CPU: ``torch._int_mm`` is fast with VNNI/AMX int8 kernels
    and 24x slower than float32 without them (AMD EPYC, AVX2 only: 33 ms against 1.4 ms
    for 128 x 384 x 384 on one thread).  ``$ESACT_INT8_MM`` = ``f32`` | ``int_mm`` forces
    one; ``auto`` (default) times both once on that shape and keeps the faster."""
    if _int8_kernel:
        return _int8_kernel[0]
    import os
    import time

    import torch

    want = os.environ.get("ESACT_INT8_MM", "auto")
    if want not in INT8_KERNELS:
        raise ValueError(f"ESACT_INT8_MM must be one of {INT8_KERNELS}, got {want!r}")
    a = torch.randint(-128, 128, (128, 384), dtype=torch.int8, generator=torch.Generator().manual_seed(0))
    b = torch.randint(-128, 128, (384, 384), dtype=torch.int8, generator=torch.Generator().manual_seed(1))
    try:
        torch._int_mm(a, b)
        has_int_mm = True
    except RuntimeError:  # a torch build without a CPU int8 kernel
        has_int_mm = False
    if want == "auto":
        if not has_int_mm:
            want = "f32"
        else:
            def best(f) -> float:
                f()
                ts = []
                for _ in range(3):
                    t = time.perf_counter()
                    f()
                    ts.append(time.perf_counter() - t)
                return min(ts)

            want = "int_mm" if best(lambda: torch._int_mm(a, b)) < best(lambda: _int8_mm_f32(a, b)) else "f32"
    elif want == "int_mm" and not has_int_mm:
        raise ValueError("ESACT_INT8_MM=int_mm: this torch build has no CPU torch._int_mm kernel")
    _int8_kernel.append(want)
    return want


def int8_mm(a8, b8):
    """Exact INT8 x INT8 -> int32 product of two 2-D torch int8 tensors, by the kernel
    :func:`int8_kernel` chose: ``torch._int_mm`` (int32 accumulation, exact for K <=
    ``INT8_K_MAX``) or float32 matrix products over K-chunks of at most
    ``INT8_F32_CHUNK`` = 1024 -- every partial sum of a chunk is an integer of magnitude
    <= 1024 * 2**14 = 2**24, which float32 holds exactly whatever the summation order or
    FMA, and the chunk results are summed in int32."""
    import torch

    if a8.shape[-1] and int8_kernel() == "int_mm":
        try:
            return torch._int_mm(a8, b8)
        except RuntimeError:  # a shape this build's kernel does not take
            pass
    return _int8_mm_f32(a8, b8)


def _int8_mm_f32(a8, b8):
    import torch

    K = a8.shape[-1]
    if K == 0:
        return torch.zeros((a8.shape[0], b8.shape[-1]), dtype=torch.int32)
    af = a8.to(torch.float32)
    bf = b8.to(torch.float32)
    return _chunk_sum(lambda s, e: (af[:, s:e] @ bf[s:e]).to(torch.int32), K, INT8_F32_CHUNK)


def int8_operand(b):
    """A constant right operand (K, N) with values in [-128, 127] prepared for
    :func:`imatmul_int8` (a torch int8 tensor; weights are prepared once and cached)."""
    import torch

    b = checks.int_array(b, "b", bits=8)
    if b.ndim != 2:
        checks.fail("b", f"expected a 2-D (K, N) matrix, got shape {b.shape}")
    return torch.from_numpy(np.ascontiguousarray(b.astype(np.int8)))


def imatmul_int8(a, b8) -> np.ndarray:
    """Exact ``a @ b`` (int64 result) of a 2-D INT8 ``a`` and a prepared
    :func:`int8_operand` ``b8`` by :func:`int8_mm`, exact for K <= 2**17 (the same
    integers as :func:`imatmul`; ``tests/models/test_quant.py`` checks it)."""
    import torch

    if not isinstance(b8, torch.Tensor) or b8.dtype != torch.int8 or b8.ndim != 2:
        checks.fail("b8", f"expected a prepared INT8 operand (int8_operand(b)), got {type(b8).__name__}")
    a = checks.int_array(a, "a", bits=8)
    K = a.shape[-1] if a.ndim else 0
    if a.ndim != 2 or K != b8.shape[0]:
        checks.fail("a", f"expected shape (M, {b8.shape[0]}), got {a.shape}")
    if K > INT8_K_MAX:
        checks.fail("a", f"K = {K} exceeds {INT8_K_MAX} (int32 accumulation)")
    if a.shape[0] == 0:
        return np.zeros((0, b8.shape[1]), np.int64)
    a8 = torch.from_numpy(np.ascontiguousarray(a.astype(np.int8, copy=False)))
    return int8_mm(a8, b8).numpy().astype(np.int64)
