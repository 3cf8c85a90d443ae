"""Integer-only BERT encoder layer, dense or SPLS-sparse (one code path).

This is the bit-exact specification of the ESACT datapath (``hdl/esact_top.sv``).
Data types (T tokens, d = H * dh hidden, f FFN width):

=========  ==========  ===================================================================
name       type        definition
=========  ==========  ===================================================================
x          INT8 (T,d)  layer input, scale s_x
q, k, v    INT8        requant(x . W^T + b, M[c], sh[c]) per output channel c; scales s_q, s_k, s_v
scores     INT32       per head q_h . k_h^T at kept positions
p          UINT8       :func:`models.intops.softmax_int` over kept positions (scale 2**-8)
ctx        INT8        requant(p . v_h, M_ctx, sh_ctx) (scale s_c)
y_o        INT16       requant(ctx . W_o^T + b_o, M_o[c], sh_o[c]) (scale s_r1)
x_r        INT16       requant(x, M_xr, sh_xr) (scale s_r1)
res1       INT17       y_o[rep] + x_r
h1         INT8        :func:`models.intops.layernorm_int` (scale s_h1)
f1         INT8        requant(h1 . W_1^T + b_1, M_1[c], sh_1[c]) (scale s_f)
g          INT8        GELU table look-up (scale s_g)
y_2        INT16       requant(g . W_2^T + b_2, M_2[c], sh_2[c]) (scale s_r2)
h1_r       INT16       requant(h1, M_hr, sh_hr) (scale s_r2)
res2       INT17       y_2[rep or own row] + h1_r
out        INT8        layernorm_int(res2) (scale s_out = next layer's s_x)
=========  ==========  ===================================================================

Weights are INT8 with per-output-channel symmetric scales ``max|W[c]| / 127``;
biases INT32 at scale ``s_in * s_w[c]``.  Activation scales are static, calibrated
on float traces of calibration text (:func:`calibrate_layer`).  Requantization
rounds half up and saturates (:mod:`models.quant`).

Every intermediate tensor is returned by name in ``trace`` so that block-level RTL
tests can check each unit.  Operation counts are in :class:`OpCount`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from . import checks, intops
from .cycle_model import HwParams
from .hlog import hlog_quantize
from .quant import Requant, imatmul, imatmul_int8, int8_operand, make_requant, quantize
from .spls import (
    SplsConfig,
    column_mask,
    local_similarity,
    predict_pam,
    predict_qk,
    reuse_map,
    sanger_mask,
    topk_mask,
)

# The longest sequence of the datapath: esact_top's T_MAX in the MiniLM build
# (hdl/esact_top.sv; cycle_model.HwParams); int_layer refuses longer inputs.
T_MAX = HwParams.T_MAX
SCALE_NAMES = ("s_x", "s_q", "s_k", "s_v", "s_c", "s_r1", "s_h1", "s_f", "s_g", "s_r2", "s_out", "s_pred")


# ----------------------------------------------------------------------------------
# Layer parameters
# ----------------------------------------------------------------------------------
@dataclass
class LayerQuant:
    """All integer parameters of one layer (plus the float scales they come from)."""

    heads: int
    wq: np.ndarray
    bq: np.ndarray
    wk: np.ndarray
    bk: np.ndarray
    wv: np.ndarray
    bv: np.ndarray
    wo: np.ndarray
    bo: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    rq_q: Requant
    rq_k: Requant
    rq_v: Requant
    rq_ctx: Requant
    rq_o: Requant
    rq_xr: Requant
    rq_f1: Requant
    rq_g: Requant
    rq_f2: Requant
    rq_hr: Requant
    sm_mult: int
    sm_shift: int
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    ln1_gf: int
    ln2_g: np.ndarray
    ln2_b: np.ndarray
    ln2_gf: int
    gelu_qb: int
    gelu_qc: int
    pshift_q: np.ndarray
    pshift_k: np.ndarray
    scales: dict = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def hlog_weight_t(self, name: str, mode: str):
        """HLog(W)^T as a prepared INT8 operand, cached (the prediction unit's weights)."""
        key = (name, mode)
        if key not in self._cache:
            self._cache[key] = int8_operand(hlog_quantize(getattr(self, name), 8, mode).T)
        return self._cache[key]

    def weight_i8(self, name: str):
        """W^T as a prepared INT8 operand (:func:`models.quant.int8_operand`), cached."""
        key = (name, "i8")
        if key not in self._cache:
            self._cache[key] = int8_operand(getattr(self, name).T)
        return self._cache[key]

    @property
    def hidden(self) -> int:
        return int(self.wq.shape[1])

    @property
    def ffn(self) -> int:
        return int(self.w1.shape[0])

    def to_arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for f in fields(self):
            if f.name.startswith("_"):
                continue
            v = getattr(self, f.name)
            key = prefix + f.name
            if isinstance(v, Requant):
                out.update(v.as_dict(key))
            elif f.name == "scales":
                for s, val in v.items():
                    out[f"{prefix}scale_{s}"] = np.asarray(val, np.float64)
            else:
                out[key] = np.asarray(v)
        return out

    @classmethod
    def from_arrays(cls, d, prefix: str = "") -> "LayerQuant":
        kw = {}
        for f in fields(cls):
            if f.name.startswith("_"):
                continue
            key = prefix + f.name
            if f.name.startswith("rq_"):
                kw[f.name] = Requant.from_dict(d, key)
            elif f.name == "scales":
                kw[f.name] = {
                    s: np.asarray(d[f"{prefix}scale_{s}"], np.float64)
                    for s in SCALE_NAMES
                    if f"{prefix}scale_{s}" in d
                }
            elif f.name in ("heads", "sm_mult", "sm_shift", "ln1_gf", "ln2_gf", "gelu_qb", "gelu_qc"):
                kw[f.name] = int(d[key])
            else:
                kw[f.name] = np.asarray(d[key], np.int64)
        return cls(**kw)


def _wquant(w: np.ndarray, s_in=None):
    """Per-output-channel INT8 weights.  A per-input-channel activation scale ``s_in``
    (vector) is folded into the weights first, so the GEMM input stays plain INT8."""
    w = np.asarray(w, np.float64)
    if s_in is not None and np.ndim(s_in) == 1:
        w = w * np.asarray(s_in, np.float64)[None, :]
        s_scalar = 1.0
    else:
        s_scalar = 1.0 if s_in is None else float(s_in)
    s = np.abs(w).max(axis=1) / 127.0
    s = np.where(s > 0, s, 1.0 / 127.0)
    # accumulator scale of output channel c: s_in * s_w[c] (s_in folded when per-channel)
    return quantize(w, s[:, None], 8), s * s_scalar


def _bquant(b: np.ndarray, s_acc: np.ndarray):
    return quantize(b, s_acc, 32)


def calib_stat(values, method: str, axis=None):
    """Clipping range of a tensor: 'max' or 'pNN.NN' (percentile of |values|);
    per channel when ``axis`` (the token axis) is given."""
    a = np.abs(np.asarray(values, np.float64))
    if axis is None:
        a = a.ravel()
        axis = 0
    if method == "max":
        r = a.max(axis=axis)
    elif method.startswith("p"):
        r = np.percentile(a, float(method[1:]), axis=axis)
    else:
        raise ValueError(f"calibration method must be 'max' or 'pNN', got {method!r}")
    return np.maximum(r, 1e-6)


@dataclass(frozen=True)
class CalibConfig:
    """How activation scales are chosen from float traces.

    act             clipping of the per-tensor INT8 activations q and k
    chan_act        clipping of the per-channel INT8 activations: LayerNorm outputs
                    (layer input x, h1, layer output), v, ctx and the GELU output
    per_channel     those activations get one scale per channel, folded into the
                    weights of the GEMM that consumes them (or into the per-channel
                    requantization of the AV product), so the datapath stays plain
                    INT8; BERT's outlier channels would otherwise force coarse
                    per-tensor scales.  Free in hardware.
    int16_headroom  INT16 tensors (residuals, GELU input): scale = headroom * max / 32767
    """

    act: str = "p99.99"
    chan_act: str = "max"
    per_channel: bool = True
    int16_headroom: float = 2.0


def calibrate_layer(w, stats: dict, s_x, s_out, heads: int) -> LayerQuant:
    """Integer parameters of one layer from float weights ``w`` (:class:`LayerWeights`),
    the clipping ranges ``stats`` of its activations (see
    :func:`models.encoder.collect_stats`), and the input/output scales (scalars or
    per-channel vectors)."""
    s = {
        "s_x": np.asarray(s_x, np.float64),
        "s_q": float(stats["q"]) / 127,
        "s_k": float(stats["k"]) / 127,
        "s_v": np.asarray(stats["v"], np.float64) / 127,
        "s_c": np.asarray(stats["ctx"], np.float64) / 127,
        "s_r1": float(stats["res1"]) / 32767,
        "s_h1": np.asarray(stats["h1"], np.float64) / 127,
        "s_f": float(stats["ffn1"]) / 32767,
        "s_g": np.asarray(stats["gelu"], np.float64) / 127,
        "s_r2": float(stats["res2"]) / 32767,
        "s_out": np.asarray(s_out, np.float64),
        "s_pred": float(stats["pred"]) / 127,
    }
    wq, aq = _wquant(w.wq, s["s_x"])
    wk, ak = _wquant(w.wk, s["s_x"])
    wv, av = _wquant(w.wv, s["s_x"])
    wo, ao = _wquant(w.wo, s["s_c"])
    w1, a1 = _wquant(w.w1, s["s_h1"])
    w2, a2 = _wquant(w.w2, s["s_g"])
    dh = w.wq.shape[0] // heads
    sm_mult, sm_shift = intops.softmax_constants(s["s_q"], s["s_k"], dh)
    g1, b1n, gf1 = intops.layernorm_constants(w.ln1_g, w.ln1_b, s["s_h1"])
    g2, b2n, gf2 = intops.layernorm_constants(w.ln2_g, w.ln2_b, s["s_out"])
    gelu_qb, gelu_qc, s_t = intops.gelu_constants(s["s_f"])
    # prediction shifts: bring channel c (accumulator scale a[c]) to the common scale s_pred
    ps = lambda a: np.clip(np.rint(np.log2(s["s_pred"] / a)), 0, 31).astype(np.int64)  # noqa: E731
    return LayerQuant(
        heads=heads,
        wq=wq, bq=_bquant(w.bq, aq),
        wk=wk, bk=_bquant(w.bk, ak),
        wv=wv, bv=_bquant(w.bv, av),
        wo=wo, bo=_bquant(w.bo, ao),
        w1=w1, b1=_bquant(w.b1, a1),
        w2=w2, b2=_bquant(w.b2, a2),
        rq_q=make_requant(aq / s["s_q"], 8),
        rq_k=make_requant(ak / s["s_k"], 8),
        rq_v=make_requant(av / s["s_v"], 8),
        rq_ctx=make_requant(2.0**-intops.P_BITS * s["s_v"] / s["s_c"], 8),
        rq_o=make_requant(ao / s["s_r1"], 16),
        rq_xr=make_requant(s["s_x"] / s["s_r1"], 16),
        rq_f1=make_requant(a1 / s["s_f"], 16),
        rq_g=make_requant(s_t / s["s_g"], 8),
        rq_f2=make_requant(a2 / s["s_r2"], 16),
        rq_hr=make_requant(s["s_h1"] / s["s_r2"], 16),
        sm_mult=sm_mult, sm_shift=sm_shift,
        ln1_g=g1, ln1_b=b1n, ln1_gf=gf1,
        ln2_g=g2, ln2_b=b2n, ln2_gf=gf2,
        gelu_qb=gelu_qb, gelu_qc=gelu_qc,
        pshift_q=ps(aq), pshift_k=ps(ak),
        scales=s,
    )


# ----------------------------------------------------------------------------------
# Operation counts
# ----------------------------------------------------------------------------------
COMPONENTS = ("qkv", "attention", "out_proj", "ffn")


@dataclass
class OpCount:
    """Dense and executed INT8 MACs per component, and prediction ops."""

    dense: dict = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    executed: dict = field(default_factory=lambda: dict.fromkeys(COMPONENTS, 0))
    prediction: int = 0
    pred_weight: float = 0.25

    def __iadd__(self, other: "OpCount") -> "OpCount":
        for c in COMPONENTS:
            self.dense[c] += other.dense[c]
            self.executed[c] += other.executed[c]
        self.prediction += other.prediction
        self.pred_weight = other.pred_weight
        return self

    @property
    def dense_total(self) -> int:
        return int(sum(self.dense.values()))

    @property
    def executed_total(self) -> int:
        return int(sum(self.executed.values()))

    @property
    def reduction_pct(self) -> float:
        """Total computation saved, prediction ops counted at ``pred_weight`` MACs each."""
        if self.dense_total == 0:
            return 0.0
        cost = self.executed_total + self.pred_weight * self.prediction
        return 100.0 * (1.0 - cost / self.dense_total)

    def as_dict(self) -> dict:
        return {
            "dense_macs": self.dense_total,
            "executed_macs": self.executed_total,
            "prediction_ops": int(self.prediction),
            "pred_weight": self.pred_weight,
            "reduction_pct": self.reduction_pct,
            "dense_by_component": {k: int(v) for k, v in self.dense.items()},
            "executed_by_component": {k: int(v) for k, v in self.executed.items()},
        }


# ----------------------------------------------------------------------------------
# The layer
# ----------------------------------------------------------------------------------
def _heads(a, H):
    T, C = a.shape
    return a.reshape(T, H, C // H).transpose(1, 0, 2)


def int_layer(x, lq: LayerQuant, cfg: SplsConfig | None = None, trace: dict | None = None):
    """Run one integer encoder layer on ``x`` (T, d) INT8.

    Returns ``(out, ops)``: ``out`` (T, d) INT8 and an :class:`OpCount`.  With ``trace``
    (a dict) every intermediate is stored by name (see the module docstring and
    ``docs/golden_model.md``).
    """
    checks.instance(lq, "lq", LayerQuant, "a LayerQuant (calibrate_layer)")
    cfg = SplsConfig() if cfg is None else checks.instance(cfg, "cfg", SplsConfig, "a SplsConfig or None")
    checks.trace_dict(trace, "trace")
    x = checks.int_array(x, "x", bits=8)
    checks.rows(x, "x", lq.hidden, T_MAX, "the RTL's T_MAX")
    T, d = x.shape
    H = lq.heads
    dh = d // H
    f = lq.ffn
    tr = trace if trace is not None else {}
    ops = OpCount(pred_weight=cfg.pred_weight)

    # --- SPLS: prediction, top-k, local similarity ---------------------------------
    k = cfg.k_for(T)
    if cfg.scheme in ("spls", "topk"):
        q8 = predict_qk(x, lq.wq, lq.bq, lq.pshift_q, cfg.hlog_mode, tr, "q", lq.hlog_weight_t("wq", cfg.hlog_mode))
        k8 = predict_qk(x, lq.wk, lq.bk, lq.pshift_k, cfg.hlog_mode, tr, "k", lq.hlog_weight_t("wk", cfg.hlog_mode))
        pam = predict_pam(q8, k8, H, cfg.hlog_mode)
        keep = topk_mask(pam, k)
        window = cfg.window if cfg.scheme == "spls" else 1
        if cfg.thr is not None:
            rep = reuse_map(keep, window, cfg.thr, tr)
        else:
            rep = local_similarity(keep, k, window, cfg.tau, tr)
        if cfg.scheme == "spls" and cfg.ffn_reuse and cfg.ffn_tau is not None:
            rep_ffn = local_similarity(keep, k, window, cfg.ffn_tau)
        tr["pam"] = pam
        ops.prediction = 2 * T * d * d + H * T * T * dh
    else:
        keep = np.ones((H, T, T), dtype=bool)
        rep = np.arange(T)
    reps = np.flatnonzero(rep == np.arange(T))
    if not (cfg.scheme == "spls" and cfg.ffn_reuse):
        rep_ffn = np.arange(T)
    elif cfg.ffn_tau is None:
        rep_ffn = rep
    ffn_rows = np.flatnonzero(rep_ffn == np.arange(T))

    # --- Q/K/V generation -------------------------------------------------------------
    def gemm(a, wname):  # a: INT8 rows (x, context, h1, GELU output), W: INT8
        return imatmul_int8(a, lq.weight_i8(wname))

    def gen(wname, b, rq, rows):
        return rq(gemm(x[rows], wname) + b)

    q = np.zeros((T, d), np.int64)
    q[reps] = gen("wq", lq.bq, lq.rq_q, reps)
    if cfg.scheme == "sanger":
        k_all = gen("wk", lq.bk, lq.rq_k, np.arange(T))
        keep = sanger_mask(q, k_all, H, lq.scales["s_q"], lq.scales["s_k"], cfg.sanger_threshold)
        ops.prediction = H * T * T * dh
    colneed = column_mask(keep, rep)  # (H, T)
    kv_rows = np.flatnonzero(colneed.any(axis=0))
    kk = np.zeros((T, d), np.int64)
    vv = np.zeros((T, d), np.int64)
    kk[kv_rows] = gen("wk", lq.bk, lq.rq_k, kv_rows)
    vv[kv_rows] = gen("wv", lq.bv, lq.rq_v, kv_rows)
    # a head's K/V slice of a row is only needed (and counted) where that head needs it
    head_mask = np.repeat(colneed.T, dh, axis=1)  # (T, d)
    kk = np.where(head_mask, kk, 0)
    vv = np.where(head_mask, vv, 0)

    # --- attention for representative rows -----------------------------------------------
    qh, kh, vh = _heads(q, H), _heads(kk, H), _heads(vv, H)
    keep_r = keep[:, reps, :]  # (H, R, T)
    scores = imatmul(qh[:, reps, :], kh.transpose(0, 2, 1))  # (H, R, T)
    scores = np.where(keep_r, scores, 0)
    sm_tr: dict = {}
    p = intops.softmax_int(scores, keep_r, lq.sm_mult, lq.sm_shift, sm_tr)
    ctx_acc_h = imatmul(p, vh)  # (H, R, dh)
    ctx_acc = ctx_acc_h.transpose(1, 0, 2).reshape(len(reps), d)
    ctx_r = lq.rq_ctx(ctx_acc)
    yo_r = lq.rq_o(gemm(ctx_r, "wo") + lq.bo)
    pos = np.searchsorted(reps, rep)  # index of each row's representative in reps
    ctx = ctx_r[pos]
    y_o = yo_r[pos]

    # --- residual + LayerNorm 1 -------------------------------------------------------------
    x_r = lq.rq_xr(x)
    res1 = y_o + x_r
    ln1_tr: dict = {}
    h1 = intops.layernorm_int(res1, lq.ln1_g, lq.ln1_b, lq.ln1_gf, ln1_tr)

    # --- FFN ------------------------------------------------------------------------------------
    f1_r = lq.rq_f1(gemm(h1[ffn_rows], "w1") + lq.b1)
    t_r = intops.gelu_int(f1_r, lq.gelu_qb, lq.gelu_qc)
    g_r = lq.rq_g(t_r)
    y2_r = lq.rq_f2(gemm(g_r, "w2") + lq.b2)
    fpos = np.searchsorted(ffn_rows, rep_ffn)
    y_2 = y2_r[fpos]
    h1_r = lq.rq_hr(h1)
    res2 = y_2 + h1_r
    ln2_tr: dict = {}
    out = intops.layernorm_int(res2, lq.ln2_g, lq.ln2_b, lq.ln2_gf, ln2_tr)

    # --- operation counts ---------------------------------------------------------------------
    R = len(reps)
    n_kv = int(colneed.sum())  # (head, row) slices of K and of V
    n_att = int(keep_r.sum())  # kept (head, rep row, column) entries
    ops.dense.update(
        qkv=3 * T * d * d, attention=2 * H * T * T * dh, out_proj=T * d * d, ffn=2 * T * d * f
    )
    ops.executed.update(
        qkv=R * d * d + 2 * n_kv * d * dh,
        attention=2 * n_att * dh,
        out_proj=R * d * d,
        ffn=2 * len(ffn_rows) * d * f,
    )

    if trace is not None:
        full_p = np.zeros((H, T, T), np.int64)
        full_p[:, reps, :] = p
        full_s = np.zeros((H, T, T), np.int64)
        full_s[:, reps, :] = scores
        tr.update(
            x=x, keep=keep, rep=rep, colneed=colneed, q=q, k=kk, v=vv, scores=full_s, p=full_p,
            ctx_acc=ctx_acc, ctx=ctx, y_o=y_o, x_r=x_r, res1=res1, h1=h1, f1=f1_r, gelu_t=t_r, g=g_r, y_2=y_2,
            h1_r=h1_r, res2=res2, out=out, ffn_rows=ffn_rows, rep_ffn=rep_ffn, k_eff=np.int64(k),
        )
        tr.update({f"softmax_{n}": v for n, v in sm_tr.items()})
        tr.update({f"ln1_{n}": v for n, v in ln1_tr.items()})
        tr.update({f"ln2_{n}": v for n, v in ln2_tr.items()})
    return out, ops


def quantize_input(x_float, s_x: float) -> np.ndarray:
    """Offline INT8 quantization of a layer input (the embedding output): finite
    values, ``s_x`` > 0 per tensor or per channel."""
    x = checks.real_array(x_float, "x_float")
    return quantize(x, checks.scale(s_x, "s_x", like=x), 8)


def dequantize(x_int, scale) -> np.ndarray:
    """Float value of an integer tensor with a per-tensor or per-channel (last axis)
    scale (> 0)."""
    x = checks.int_dtype(x_int, "x_int")
    return x.astype(np.float64) * checks.scale(scale, "scale", like=x)
