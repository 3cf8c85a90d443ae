"""Integer-only nonlinear operators of the encoder layer: softmax, GELU, LayerNorm.

These are the bit-exact specifications of the RTL units ``softmax``, ``gelu`` and
``layernorm``.  All run-time arithmetic is on integers; the float work (choosing the
constants from the scales) happens once per layer, offline, in
:mod:`models.int_layer`.

Softmax (base-2, LUT):
    For a row of INT32 scores ``s_j`` over the kept positions ``j``:
    ``m = max_j s_j``; ``u_j = ((s_j - m) * M_sm) >> sh_sm`` is a fixed-point base-2
    exponent (``EXP_FRAC`` fractional bits, ``u_j <= 0``; ``M_sm`` folds in
    ``s_q * s_k / sqrt(d_head) * log2(e)``); with ``n = (-u) >> EXP_FRAC`` and
    ``f = (-u) & (2**EXP_FRAC - 1)``, ``e_j = EXP_LUT[f] >> n`` (0 when n >= 16), where
    ``EXP_LUT[f] = round(2**15 * 2**(-f / 2**EXP_FRAC))`` (so ``e`` is in [0, 2**15]);
    ``sum = sum_j e_j``; ``recip = floor(2**32 / sum)``;
    ``p_j = min(255, (e_j * recip + 2**23) >> 24)``: an unsigned 8-bit probability with
    scale 2**-8.  Positions that are not kept get ``p = 0``.

GELU (I-BERT i-GELU on INT16):
    The FFN intermediate is requantized to INT16 (scale ``S``).  With
    ``erf(u) ~ sign(u) * (1 - A * (min(|u|, -B) + B)**2)``, ``A = 0.2888``,
    ``B = -1.769`` (I-BERT, Kim et al. 2021) applied to ``u = x / sqrt(2)``:
    ``qb = floor(B * sqrt(2) / S)`` (negative), ``qc = floor(2 / (A * S**2))``;
    ``L = (min(|q|, -qb) + qb)**2``; ``t = q * (2*qc - L)`` for ``q >= 0`` and
    ``t = q * L`` for ``q < 0``; ``t`` has scale ``S / (2 * qc)`` and is then
    requantized to INT8 per channel (:func:`models.quant.requant`).  Only the
    constants ``qb``, ``qc`` come from floats, offline.

LayerNorm (exact centring, integer square root, reciprocal):
    For a row ``r`` of ``N`` integers: ``S = sum r``; ``c_i = N * r_i - S`` (exact
    N-times-centred values); ``V = sum c_i**2``; ``D = isqrt(V // N)`` (= N * std, floor
    integer square root); ``R = floor(2**LN_RECIP_BITS / D)`` (R = 0 when D = 0);
    ``z_i = (c_i * R) >> (LN_RECIP_BITS - LN_ZF)`` (normalised value with ``LN_ZF``
    fractional bits, arithmetic shift);
    ``y_i = sat8((z_i * G_i + B_i + 2**(LN_ZF+gf-1)) >> (LN_ZF + gf))`` with the
    per-channel ``G_i = rint(gamma_i / s_out * 2**gf)`` (INT16) and
    ``B_i = rint(beta_i / s_out * 2**(LN_ZF+gf))``.  Inputs are bounded by
    ``|r_i| <= 2**16`` and ``N <= 512`` so that every intermediate fits int64.  BERT's epsilon (1e-12) is below
    the integer resolution and is dropped.
"""

from __future__ import annotations

import math

import numpy as np

from . import checks
from .quant import MULT_BITS, SHIFT_HW_MAX, qrange, round_shift, sat

EXP_FRAC = 6
EXP_LUT = np.array(
    [int(round(2**15 * 2.0 ** (-f / 2**EXP_FRAC))) for f in range(2**EXP_FRAC)], dtype=np.int64
)
EXP_ZERO_SHIFT = 16  # e = 0 once the integer part of the exponent reaches this
SM_RECIP_BITS = 32
P_BITS = 8  # probability: unsigned, scale 2**-P_BITS
LN_RECIP_BITS = 40
LN_ZF = 10
GF_MAX = 15  # G is INT16
LN_MAX_N = 512
LN_MAX_IN = 1 << 16


# ----------------------------------------------------------------------------------
# Softmax
# ----------------------------------------------------------------------------------
def softmax_int(scores, keep, mult: int, shift: int, trace: dict | None = None) -> np.ndarray:
    """Row-wise integer softmax over the kept entries of the last axis.

    ``scores``: INT32 array (..., T); ``keep``: bool array of the same shape (every
    row must keep at least one entry); ``mult`` unsigned 15-bit, ``shift`` in [0, 63].
    Returns p (int64 in [0, 255]).
    """
    s = checks.int_array(scores, "scores", bits=32)
    mult = checks.integer(mult, "mult", 0, (1 << MULT_BITS) - 1)
    shift = checks.integer(shift, "shift", 0, SHIFT_HW_MAX)
    if s.ndim < 1:
        checks.fail("scores", "expected rows (..., T), got a scalar")
    keep = np.asarray(keep)
    if keep.dtype != np.bool_:
        keep = checks.int_array(keep, "keep", lo=0, hi=1).astype(bool)
    if s.shape != keep.shape:
        checks.fail("keep", f"expected the shape of scores {s.shape}, got {keep.shape}")
    if not np.all(keep.any(axis=-1)):
        checks.fail("keep", "every softmax row must keep at least one entry")
    lo = np.iinfo(np.int64).min
    m = np.max(np.where(keep, s, lo), axis=-1, keepdims=True)
    neg = np.subtract(s, m)  # delta <= 0 at kept entries
    np.multiply(neg, keep, out=neg)  # delta = 0 elsewhere
    neg *= np.int64(mult)
    np.right_shift(neg, np.int64(shift), out=neg)  # u = floor(delta * M / 2**sh) <= 0
    np.negative(neg, out=neg)  # -u >= 0
    n = np.right_shift(neg, EXP_FRAC)
    np.minimum(n, 63, out=n)
    e = EXP_LUT[np.bitwise_and(neg, (1 << EXP_FRAC) - 1, out=neg)]
    # EXP_LUT <= 2**15, so a shift by n >= EXP_ZERO_SHIFT (16) gives 0 as specified
    np.right_shift(e, n, out=e)
    np.multiply(e, keep, out=e)
    total = e.sum(axis=-1, keepdims=True)  # >= 2**15: the max entry has e = 2**15
    recip = np.floor_divide(np.int64(1) << SM_RECIP_BITS, total)
    p = np.multiply(e, recip)
    p += 1 << 23
    np.right_shift(p, SM_RECIP_BITS - P_BITS, out=p)
    np.minimum(p, 255, out=p)
    if trace is not None:
        trace.update(sm_max=m[..., 0], sm_exp=e, sm_sum=total[..., 0], sm_recip=recip[..., 0])
    return p


def softmax_constants(s_q: float, s_k: float, head_dim: int):
    """(M_sm, sh_sm) for u = (delta * M) >> sh ~ delta * s_q*s_k/sqrt(d)*log2(e) * 2**EXP_FRAC."""
    from .quant import make_requant

    s_q = checks.real(s_q, "s_q", 0, None, lo_open=True)
    s_k = checks.real(s_k, "s_k", 0, None, lo_open=True)
    head_dim = checks.integer(head_dim, "head_dim", 1)
    ratio = s_q * s_k / math.sqrt(head_dim) * math.log2(math.e) * 2**EXP_FRAC
    rq = make_requant(ratio, 32)
    return int(rq.mult), int(rq.shift)


# ----------------------------------------------------------------------------------
# GELU
# ----------------------------------------------------------------------------------
GELU_A = 0.2888
GELU_B = -1.769
GELU_QB_MIN = -(1 << 17)  # the RTL's fields (gelu.sv QB_W = 18 signed, QC_W = 32 unsigned)
GELU_QC_MAX = (1 << 32) - 1


def gelu_constants(s_in: float) -> tuple[int, int, float]:
    """(qb, qc, scale of t) of i-GELU for an input scale ``s_in``; qb and qc must fit
    the RTL's fields: s_in in about [4.1e-5, 2.6]."""
    s_in = checks.real(s_in, "s_in", 1e-6, 1e3)
    qb = math.floor(GELU_B * math.sqrt(2.0) / s_in)
    qc = math.floor(2.0 / (GELU_A * s_in**2))
    if not 1 <= qc <= GELU_QC_MAX or qb < GELU_QB_MIN:
        checks.fail("s_in", f"{s_in:g} gives qb = {qb}, qc = {qc}; they must lie in [{GELU_QB_MIN}, 0] "
                            f"and [1, {GELU_QC_MAX}]")
    return qb, qc, s_in / (2.0 * qc)


def gelu_int(q, qb: int, qc: int) -> np.ndarray:
    """i-GELU numerator t (int64): GELU(q * S) ~ t * S / (2 * qc)."""
    q = checks.int_array(q, "q", bits=16)
    qb = checks.integer(qb, "qb", GELU_QB_MIN, 0)  # floor(B*sqrt(2)/S) with B < 0
    qc = checks.integer(qc, "qc", 0, GELU_QC_MAX)
    L = np.minimum(np.abs(q), -qb)
    L += qb
    L *= L
    # q >= 0: q * (2 qc - L); q < 0: q * L
    np.subtract(2 * qc, L, out=L, where=q >= 0)
    return np.multiply(q, L, out=L)


# ----------------------------------------------------------------------------------
# LayerNorm
# ----------------------------------------------------------------------------------
def isqrt(n) -> np.ndarray:
    """Exact floor square root of non-negative int64 values (< 2**62)."""
    n = checks.int_array(n, "n", lo=0, hi=(1 << 62) - 1)
    s = np.floor(np.sqrt(n.astype(np.float64))).astype(np.int64)
    for _ in range(3):  # float rounding is off by at most one
        s = np.where(s * s > n, s - 1, s)
        s = np.where((s + 1) * (s + 1) <= n, s + 1, s)
    return s


def layernorm_constants(gamma, beta, s_out: float):
    """(G, B, gf): INT16 gains with the largest gf <= GF_MAX that fits, and biases;
    ``s_out`` > 0, a scalar or per channel."""
    gamma = checks.real_array(gamma, "gamma")
    beta = checks.real_array(beta, "beta")
    s_out = checks.scale(s_out, "s_out", like=gamma)
    if gamma.size == 0 or gamma.shape != beta.shape:
        checks.fail("beta", f"expected the shape of gamma {gamma.shape} (non-empty), got {beta.shape}")
    gmax = float(np.max(np.abs(gamma / s_out)))
    gf = GF_MAX
    while gf > 0 and gmax * 2**gf > qrange(16)[1]:
        gf -= 1
    if gmax * 2**gf > qrange(16)[1]:
        checks.fail("gamma", f"gamma/s_out up to {gmax:g} does not fit INT16")
    G = np.rint(gamma / s_out * 2**gf).astype(np.int64)
    B = np.rint(beta / s_out * 2.0 ** (LN_ZF + gf)).astype(np.int64)
    return G, B, gf


def layernorm_int(r, G, B, gf: int, trace: dict | None = None) -> np.ndarray:
    """Integer LayerNorm over the last axis of ``r`` (int64, |r| <= 2**16, N <= 512).

    The bounds keep every intermediate inside int64: |c| < 2**27, V < 2**63.
    """
    r = checks.int_dtype(r, "r").astype(np.int64, copy=False)
    N = r.shape[-1] if r.ndim else 0
    if not 1 <= N <= LN_MAX_N:
        checks.fail("r", f"row length N = {N} outside [1, {LN_MAX_N}]")
    if r.size and np.abs(r).max() > LN_MAX_IN:
        checks.fail("r", f"magnitude {np.abs(r).max()} above 2**16")
    G = checks.int_array(G, "G", bits=16)
    B = checks.int_array(B, "B")
    gf = checks.integer(gf, "gf", 0, GF_MAX)
    try:
        np.broadcast_shapes(r.shape, G.shape, B.shape)
    except ValueError:
        checks.fail("G", f"G {G.shape} and B {B.shape} do not broadcast against r {r.shape} (one per channel)")
    S = r.sum(axis=-1, keepdims=True)
    c = N * r - S
    V = (c * c).sum(axis=-1, keepdims=True)
    D = isqrt(V // N)
    R = np.where(D > 0, np.floor_divide(np.int64(1) << LN_RECIP_BITS, np.maximum(D, 1)), 0)
    z = np.right_shift(c * R, LN_RECIP_BITS - LN_ZF)
    y = sat(round_shift(z * G + B, LN_ZF + gf), 8)
    if trace is not None:
        trace.update(ln_sum=S[..., 0], ln_var=V[..., 0], ln_std=D[..., 0], ln_recip=R[..., 0], ln_z=z)
    return y
