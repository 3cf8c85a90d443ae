"""SPLS: Sparsity Prediction with Local Similarity (the project's reading of ESACT).

Steps, each a function with integer inputs and outputs (bit-exact specification of
the RTL units ``spls_predict``, ``topk`` and ``local_sim``):

1. **HLog prediction before Q/K generation** (:func:`predict_qk`, :func:`predict_pam`).
   ``Q^_acc = HLog(x) . HLog(W_Q)^T + b_Q`` (every product of two HLog values is a
   sum of at most four shifted copies, :func:`models.hlog.hlog_product`), then a
   per-channel *shift-only* requantization to INT8,
   ``q^8[c] = sat8((Q^_acc[c] + 2**(ps[c]-1)) >> ps[c])``, where the shifts
   ``ps[c] = round(log2(S_pred / (s_x * s_w[c])))`` bring every channel to one common
   prediction scale ``S_pred``.  The same for K.  Then the predicted attention matrix
   (PAM) of head ``h``: ``PAM[h, i, j] = sum_{c in h} HLog(q^8[i, c]) * HLog(k^8[j, c])``
   -- additions of shifted values only.
2. **Row-wise top-k** (:func:`topk_mask`): per head and row keep the ``k`` largest PAM
   entries; ties go to the lowest column index.
3. **Local similarity** (:func:`local_similarity`): rows are scanned in order; the
   current representative ``r`` starts at row 0.  Row ``i`` reuses ``r`` when
   ``i - r < W`` (window) and the overlap of their kept sets summed over heads,
   ``ov(i, r) = sum_h |keep[h,i] & keep[h,r]|``, reaches the integer threshold
   ``ceil(tau * H * k)``; otherwise ``i`` becomes the next representative.
   ``W = 1`` disables reuse.
4. **Propagation** (:func:`column_mask` and :mod:`models.int_layer`): Q, attention,
   output projection (and FFN when ``ffn_reuse``) are computed for representative rows
   only, reused rows copy their representative's result; K and V of head ``h`` are
   generated only for the columns some representative keeps in that head.

Schemes sharing this code path (:class:`SplsConfig.scheme`): ``dense`` (keep all,
no reuse), ``spls``, ``topk`` (SPLS prediction and top-k, no local similarity), and
``sanger`` (Sanger-style baseline: 4-bit quantized *generated* Q and K, softmax of the
predicted scores, keep probabilities above a threshold; no reuse).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from . import checks
from .hlog import MODES, hlog_encode, hlog_product, hlog_quantize
from .quant import imatmul, imatmul_int8, int8_operand, round_shift, sat

SCHEMES = ("dense", "spls", "topk", "sanger")
K_MAX, WINDOW_MAX, THR_MAX = (1 << 16) - 1, (1 << 8) - 1, (1 << 16) - 1  # CSR field widths


@dataclass(frozen=True)
class SplsConfig:
    """Parameters of the sparsity scheme; every reconstructed choice is named here.

    keep_ratio / k   row-wise top-k: ``k = k`` if given, else ``ceil(keep_ratio * T)``
    window (W)       rows a representative may cover, itself included (1 = no reuse)
    tau              overlap threshold as a fraction of ``H * k``
    ffn_reuse        reused rows also copy the representative's FFN output
    thr              integer overlap threshold overriding ceil(tau * H * k) (what the
                     RTL register holds); None = from tau
    ffn_tau          refinement ("spls" with a separate FFN threshold): FFN reuse uses
                     its own reuse map with this (stricter) threshold; None = the
                     attention reuse map
    hlog_mode        HLog rounding of the prediction operands ("trunc" or "round")
    pred_weight      cost of one prediction op (shift-add or 4-bit MAC) in INT8 MACs
    sanger_threshold probability threshold of the Sanger baseline

    Integer fields are bounded by their esact_top CSR fields (``hdl/esact_csr.rdl``):
    k <= 65535 (topk[15:0]), window <= 255 (window[23:16]), thr <= 65535 (thr[15:0]).
    """

    scheme: str = "dense"
    keep_ratio: float = 0.5
    k: int | None = None
    window: int = 4
    tau: float = 0.75
    ffn_reuse: bool = True
    ffn_tau: float | None = None
    thr: int | None = None
    hlog_mode: str = "trunc"
    pred_weight: float = 0.25
    sanger_threshold: float = 2e-3
    name: str | None = None

    def __post_init__(self) -> None:
        checks.choice(self.scheme, "scheme", SCHEMES)
        checks.real(self.keep_ratio, "keep_ratio", 0.0, 1.0, lo_open=True)
        if self.k is not None:
            checks.integer(self.k, "k", 1, K_MAX)
        checks.integer(self.window, "window", 1, WINDOW_MAX)
        checks.real(self.tau, "tau", 0.0, 1.0)
        checks.flag(self.ffn_reuse, "ffn_reuse")
        if self.ffn_tau is not None:
            checks.real(self.ffn_tau, "ffn_tau", 0.0, 1.0)
        if self.thr is not None:
            checks.integer(self.thr, "thr", 0, THR_MAX)
        checks.choice(self.hlog_mode, "hlog_mode", MODES)
        checks.real(self.pred_weight, "pred_weight", 0.0, 1.0)
        checks.real(self.sanger_threshold, "sanger_threshold", 0.0, 1.0, lo_open=True, hi_open=True)
        if self.name is not None and not isinstance(self.name, str):
            checks.fail("name", f"expected a str or None, got {type(self.name).__name__}")

    def k_for(self, T: int) -> int:
        """Kept entries per row at sequence length ``T``."""
        T = checks.integer(T, "T", 1)
        if self.k is not None:
            if self.k > T:
                checks.fail("k", f"{self.k} exceeds the sequence length T = {T} (k must be in [1, T])")
            return int(self.k)
        return max(1, min(T, math.ceil(self.keep_ratio * T)))

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        if self.scheme == "dense":
            return "dense"
        kk = f"k{self.k}" if self.k is not None else f"r{self.keep_ratio:g}"
        if self.scheme == "spls":
            ffn = "_noffn" if not self.ffn_reuse else (f"_ft{self.ffn_tau:g}" if self.ffn_tau is not None else "")
            return f"spls_{kk}_w{self.window}_t{self.tau:g}{ffn}"
        if self.scheme == "topk":
            return f"topk_{kk}"
        return f"sanger_th{self.sanger_threshold:g}"

    def as_dict(self) -> dict:
        return asdict(self)


# The project's default SPLS operating point: the setting with the largest total
# computation reduction at <= 1 point of top-1 loss on the long regime of
# `make accuracy` (measured 2026-11-23, 1000 texts per regime: 13.7 % reduction at
# 0.6 points of loss; docs/accuracy.md has the frontier).
DEFAULT_SPLS = SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.75, ffn_reuse=True)


# ----------------------------------------------------------------------------------
# 1. prediction
# ----------------------------------------------------------------------------------
def predict_qk(
    x, w, b, pshift, hlog_mode: str = "trunc", trace: dict | None = None, name: str = "q", wh_t=None
):
    """Predicted INT8 Q (or K) from HLog(x) and HLog(W) with shifts and adds only.

    x: (T, d) INT8; w: (C, d) INT8; b: (C,) INT32; pshift: (C,) prediction shifts.
    Returns q^8 (T, C).  ``wh_t`` optionally gives HLog(W)^T precomputed
    (:func:`models.quant.int8_operand`; the weights are static).  The matrix product of HLog values equals the sum of
    :func:`models.hlog.hlog_product` terms exactly; it is computed here with an exact
    integer matmul for speed (``tests/models/test_spls.py`` checks the equivalence).
    """
    xh = hlog_quantize(x, 8, hlog_mode)  # HLog values of INT8 lie in [-128, 96]
    if wh_t is None:
        wh_t = int8_operand(hlog_quantize(w, 8, hlog_mode).T)
    acc = imatmul_int8(xh, wh_t) + np.asarray(b, np.int64)
    q8 = sat(round_shift(acc, np.asarray(pshift, np.int64)), 8)
    if trace is not None:
        trace[f"pred_{name}_acc"] = acc
        trace[f"pred_{name}8"] = q8
    return q8


def predict_pam(q8, k8, heads: int, hlog_mode: str = "trunc") -> np.ndarray:
    """PAM (H, T, T): per head, HLog(q^8) . HLog(k^8)^T (shift-add products)."""
    T, C = q8.shape
    dh = C // heads
    qh = hlog_quantize(q8, 8, hlog_mode).reshape(T, heads, dh).transpose(1, 0, 2)
    kh = hlog_quantize(k8, 8, hlog_mode).reshape(k8.shape[0], heads, dh).transpose(1, 0, 2)
    return imatmul(qh, kh.transpose(0, 2, 1))


def pam_shift_add(q8, k8, heads: int, hlog_mode: str = "trunc") -> np.ndarray:
    """Reference PAM built literally from shift-add products (slow; for tests)."""
    T, C = q8.shape
    dh = C // heads
    qc = hlog_encode(q8, 8, hlog_mode)
    kc = hlog_encode(k8, 8, hlog_mode)
    out = np.zeros((heads, T, k8.shape[0]), np.int64)
    for h in range(heads):
        sl = slice(h * dh, (h + 1) * dh)
        for i in range(T):
            a = type(qc)(*(np.broadcast_to(f[i, sl], (k8.shape[0], dh)) for f in (qc.zero, qc.sign, qc.exp, qc.half)))
            bb = type(kc)(*(f[:, sl] for f in (kc.zero, kc.sign, kc.exp, kc.half)))
            out[h, i] = hlog_product(a, bb).sum(axis=1)
    return out


# ----------------------------------------------------------------------------------
# 2. top-k
# ----------------------------------------------------------------------------------
def topk_mask(pam, k: int) -> np.ndarray:
    """Bool mask of the k largest entries of each row; ties to the lowest index."""
    pam = checks.int_dtype(pam, "pam")
    T = pam.shape[-1] if pam.ndim else 0
    k = checks.integer(k, "k", 1, T)
    # unique keys: larger score first, then lower index; partition is enough for a set
    if k == T:
        return np.ones(pam.shape, dtype=bool)
    key = pam.astype(np.int64) * -T
    key += np.arange(T)
    # keys are unique: the k smallest are those up to the k-th smallest
    kth = np.partition(key, k - 1, axis=-1)[..., k - 1 : k]
    return key <= kth


# ----------------------------------------------------------------------------------
# 3. local similarity
# ----------------------------------------------------------------------------------
def similarity_threshold(tau: float, heads: int, k: int) -> int:
    return int(math.ceil(tau * heads * k - 1e-9))


def local_similarity(keep, k: int, window: int, tau: float, trace: dict | None = None) -> np.ndarray:
    """Reuse map rep (T,): rep[i] = the representative row whose results row i uses."""
    keep = np.asarray(keep, dtype=bool)
    if keep.ndim != 3:
        checks.fail("keep", f"expected (heads, T, T) masks, got shape {keep.shape}")
    return reuse_map(keep, window, similarity_threshold(tau, keep.shape[0], k), trace)


def reuse_map(keep, window: int, thr: int, trace: dict | None = None) -> np.ndarray:
    """The integer core of :func:`local_similarity` (what the RTL computes):
    ``keep`` (H, T, C) masks, ``window`` W >= 1, integer overlap threshold ``thr``."""
    keep = np.asarray(keep, dtype=bool)
    if keep.ndim != 3:
        checks.fail("keep", f"expected (heads, T, C) masks, got shape {keep.shape}")
    window = checks.integer(window, "window", 1)
    thr = checks.integer(thr, "thr", 0, checks.INT64_MAX)
    H, T, _ = keep.shape
    rep = np.arange(T)
    overlap = np.zeros(T, np.int64)
    cur = 0
    for i in range(1, T):
        ov = int(np.count_nonzero(keep[:, i] & keep[:, cur]))
        overlap[i] = ov
        if i - cur < window and ov >= thr:
            rep[i] = cur
        else:
            cur = i
    if trace is not None:
        trace.update(sim_overlap=overlap, sim_threshold=np.int64(thr))
    return rep


def column_mask(keep, rep) -> np.ndarray:
    """(H, T): column j of head h is needed when some representative keeps it."""
    reps = np.flatnonzero(np.asarray(rep) == np.arange(len(rep)))
    return np.asarray(keep)[:, reps, :].any(axis=1)


# ----------------------------------------------------------------------------------
# Sanger-style baseline mask
# ----------------------------------------------------------------------------------
def sanger_mask(q8, k8, heads: int, s_q: float, s_k: float, threshold: float) -> np.ndarray:
    """Keep where the softmax of 4-bit-predicted scores exceeds ``threshold`` (and the row max)."""
    T, C = q8.shape
    dh = C // heads
    q4 = sat(round_shift(q8, 4), 4).reshape(T, heads, dh).transpose(1, 0, 2)
    k4 = sat(round_shift(k8, 4), 4).reshape(k8.shape[0], heads, dh).transpose(1, 0, 2)
    s = imatmul(q4, k4.transpose(0, 2, 1)).astype(np.float64) * (256.0 * s_q * s_k / math.sqrt(dh))
    s -= s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=-1, keepdims=True)
    keep = p > threshold
    np.put_along_axis(keep, np.argmax(p, axis=-1)[..., None], True, axis=-1)
    return keep
