"""Analytical cycle model of the ESACT layer engine (``hdl/esact_top.sv``).

    python -m models.cycle_model --check <EsactTraceTest.json>
    python -m models.cycle_model --study

Predicts, without simulation, what the RTL counts in ``STAGE_CYCLES`` (pred, qkv, attn,
oproj, ln1, ffn, ln2, out), ``CYCLES`` (every stage but out), ``EXEC_MACS`` and
``SKIP_MACS`` for a configuration (T, d, H, f, sparse, ffn_reuse, overlap) and, in a
sparse run, the SPLS masks (reuse map and column-needed masks, :func:`masks_for`).
The model follows the controller's loops; every constant below is a pipeline depth or
a handshake of a named RTL unit (derivations in the comments), none is fitted.  It is
exact (0 cycles of error) on the 36 measured MiniLM runs of ``EsactTraceTest`` for
every computing stage, and on the small-build ``EsactRandomTest`` runs whose masks
are known (``--check`` prints the table of the runs a trace test recorded: the
``EsactTraceTest.json`` in its test directory).

Notation: ``R = PE_R``, ``C = PE_C``, ``ceil(a/b)`` as ``a//b`` rounded up,
``nb(n) = ceil(n / C)`` (beats of one row of n values through an C-lane unit).

GEMM job (``gemm_core``, one command; the controller's "prepare" step + "wait" step)
    The selected rows (row mask) are packed into row tiles of ``R`` rows (the last one
    has ``r_last`` rows); for every row tile the selected column tiles (column-tile
    mask; width ``min(C, n - C*ct)``) run in order, each issuing one step per selected
    k (``n_k`` steps, k mask; a tile with none still takes 1 step).  The accumulators
    are double-buffered: a finished tile drains one output beat per row while the next
    tile accumulates, but a tile's last step waits while the drain of the previous
    tile is still busy, so tile ``j`` takes ``max(n_k, rows(j-1))`` cycles (the first
    tile ``n_k``).  Then

        job = sum(tile periods) + r_last + tail      (r_last: drain of the final tile)
        tail = 6   requant-A results (Q, K, V, context, y_o, y_2): prepare step 1 +
                   command accept 1 + engine output register 1 + requant 2 + job done 1
        tail = 4   scores (written straight from the engine output, no requant)
        tail = 10  FFN1 (requant A -> GELU -> requant B: 2 + 2 + 2 stages)
    A job with no selected row or column tile emits a single "none" beat: tail - 1.
    MACs (``macs_o``): per step (valid rows x valid columns) of the tile, summed.

PRED (sparse only; ``spls_predict`` -> ``topk`` -> ``local_sim``)
    Q^/K^: ``N = 2 T ceil(d/PL) ceil(d/PE)`` beats, one per cycle (PL = PRED_LANES,
    PE = PRED_ELEMS).  PAM: one top-k row per (row i, head h), ``T*H`` rows of
    ``np = ceil(T/PL)`` packets of ``bpp = HEAD_DIM/PE`` beats.  ``topk`` is the
    bottleneck: it loads one packet result per beat, then searches 24 bits (W = 24),
    fills ``ceil(T_MAX/PL)`` chunks and outputs 1 cycle; the prediction unit runs one
    packet ahead (one beat in its pipe), so after the row's first packet the others
    arrive every ``bpp`` cycles:

        period = bpp (np - 1) + 24 + ceil(T_MAX/PL) + 2
        pred   = N + bpp np + (T H - 1) period + 34 + ceil(T_MAX/PL) + H
    = 1 (step 0) + N + 4 (last Q^/K^ result: 2 unit stages, pc_done, step 2) + bpp + 1
    (first PAM packet through the unit) + (T H - 1) period + bpp (np - 1) (the last
    row's packets) + 24 + ceil(T_MAX/PL) + 1 (its search, fill, output) + 1 + H
    (local_sim: row beat, H column-mask beats) + 2 (pred-done register, stage change).
    Overlap (CTRL.overlap): the GEMM generates K and V for all T rows meanwhile
    (2 jobs, T rows), and PRED ends when both are done:
    ``PRED = max(pred, 2 job_T + 1)``.

QKV
    dense: 3 jobs of T rows; sparse + overlap: the Q job for the representatives only;
    sparse, no overlap: Q (representatives) + K + V (rows some head needs).
    Each job: d/C column tiles, n_k = d.
ATTN (per head h)
    scores job: representative rows, the key tiles (of C keys) holding a needed key of
    head h, n_k = HEAD_DIM, tail 4;
    softmax: the controller feeds one row at a time: per representative row 1 feed
    cycle + load nb(T) + exponentials nb(T) + reciprocal division 35 (start, 33
    quotient bits, done) + output nb(T) + 1 output register; every other row costs
    1 cycle (skipped); + 1 final cycle:
        softmax = R_n (3 nb(T) + 37) + (T - R_n) + 1
    P.V job: representative rows, HEAD_DIM/C column tiles, n_k = keys of head h some
    representative keeps (k mask), tail 6.
OPROJ
    one job: representatives, d/C tiles, n_k = d.
LN1, LN2
    residual pass (``requant`` B, one beat per cycle): T nb(d) beats; then LayerNorm of
    every row, one row at a time: 1 feed cycle + load nb(d) + centring nb(d) + V/N
    division (64 + 2) + square root (32 + 2) + reciprocal division (41 + 2) + output
    nb(d) + 1:
        ln = T nb(d) + T (3 nb(d) + 145) + 4
    (a row of zero variance skips the reciprocal division, 42 cycles: ``ln_zero_std``
    counts those rows from the golden trace and subtracts them).
FFN
    FFN1 job (rows: representatives if sparse and ffn_reuse, else all; f/C tiles,
    n_k = d, tail 10) + FFN2 job (same rows, d/C tiles, n_k = f, tail 6).
OUT
    1 + T ceil(d/64) cycles with an always-ready sink.  The testbench's sink applies
    random back-pressure (OUT_STALL, default 0.2:6), so the measured OUT stage is
    longer by the stall cycles; ``out_stall`` adds an expected number of stall cycles
    per beat.  OUT is not part of CYCLES.

``exec_macs`` sums the MACs of all GEMM jobs (including the overlapped K/V generation
during PRED); ``skip_macs = t (4 d^2 + 2 d f) + 2 H t^2 HEAD_DIM - exec_macs`` (the
RTL's SKIP_MACS).  PE utilization = MACs / (cycles x PE_R x PE_C) per GEMM stage.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

STAGES = ("pred", "qkv", "attn", "oproj", "ln1", "ffn", "ln2", "out")

# constants of the units as instantiated in esact_top.sv
TOPK_W = 24            # topk #(.W(24)): radix search, one bit per cycle
SM_DIV_BITS = 33       # softmax: div_seq NUM_W = SM_RECIP_BITS + 1
LN_DIVN_BITS = 64      # layernorm: V / N, div_seq NUM_W = 64
LN_SQRT_BITS = 32      # layernorm: isqrt_seq of a 64-bit radicand
LN_DIVR_BITS = 41      # layernorm: 2^40 / D, div_seq NUM_W = 41
OUT_BYTES = 64         # output stream beat
# job tails (cycles after the final tile beyond its drain), see the module docstring
TAIL_REQUANT = 6
TAIL_SCORES = 4
TAIL_FFN1 = 10


@dataclass(frozen=True)
class HwParams:
    """esact_top synthesis parameters (defaults = the MiniLM build)."""

    T_MAX: int = 128
    D_MAX: int = 384
    F_MAX: int = 1536
    H_MAX: int = 12
    HEAD_DIM: int = 32
    PE_R: int = 8
    PE_C: int = 8
    PRED_LANES: int = 16
    PRED_ELEMS: int = 8

    @classmethod
    def from_dict(cls, d: dict) -> "HwParams":
        return cls(**{k: int(v) for k, v in d.items() if k in cls.__dataclass_fields__})


def _cdiv(a: int, b: int) -> int:
    return -(-a // b)


def dense_macs(hw: HwParams, t: int, d: int, h: int, f: int) -> int:
    """The RTL's dense MAC count of a configuration (EXEC_MACS + SKIP_MACS)."""
    return t * (4 * d * d + 2 * d * f) + 2 * h * t * t * hw.HEAD_DIM


def check_config(hw: HwParams, t: int, d: int, h: int, f: int) -> None:
    """The RTL's configuration check (ERROR bits seq_len, hidden, heads, ffn)."""
    if not 1 <= t <= hw.T_MAX:
        raise ValueError(f"T = {t} outside 1..{hw.T_MAX}")
    if not 1 <= h <= hw.H_MAX:
        raise ValueError(f"H = {h} outside 1..{hw.H_MAX}")
    if not 1 <= d <= hw.D_MAX or d != h * hw.HEAD_DIM:
        raise ValueError(f"d = {d} must be H x HEAD_DIM = {h * hw.HEAD_DIM} and <= {hw.D_MAX}")
    if not 1 <= f <= hw.F_MAX or f % hw.PE_C:
        raise ValueError(f"f = {f} must be in 1..{hw.F_MAX} and a multiple of PE_C = {hw.PE_C}")


# ----------------------------------------------------------------------------------
# gemm_core
# ----------------------------------------------------------------------------------
def tile_widths(hw: HwParams, n: int, selected=None) -> list[int]:
    """Widths (valid columns) of the column tiles of an n-column job; ``selected``
    (bool per tile) keeps only the tiles of the column-tile mask."""
    nt = _cdiv(n, hw.PE_C)
    return [min(hw.PE_C, n - hw.PE_C * c) for c in range(nt) if selected is None or selected[c]]


def gemm_job(hw: HwParams, nrows: int, widths: list[int], n_k: int, tail: int) -> tuple[int, int]:
    """(cycles, MACs) of one gemm_core job including the controller's prepare step.

    nrows: selected rows; widths: valid columns of each selected column tile; n_k:
    selected k steps; tail: TAIL_REQUANT / TAIL_SCORES / TAIL_FFN1."""
    if nrows <= 0 or not widths:
        return tail - 1, 0  # a single "none" beat
    steps = max(n_k, 1)  # a tile without a selected k step still issues one (empty) step
    rows = [hw.PE_R] * (nrows // hw.PE_R) + ([nrows % hw.PE_R] if nrows % hw.PE_R else [])
    cycles = 0
    prev = None  # rows of the tile draining while the next one accumulates
    for r in rows:
        for _ in widths:
            cycles += steps if prev is None else max(steps, prev)
            prev = r
    macs = nrows * sum(widths) * n_k
    return cycles + rows[-1] + tail, macs


# ----------------------------------------------------------------------------------
# PRED: spls_predict -> topk -> local_sim
# ----------------------------------------------------------------------------------
def pred_unit_cycles(hw: HwParams, t: int, d: int, h: int) -> int:
    """PRED stage without overlap: Q^/K^ prediction, then T*H PAM rows through top-k
    and local similarity (see the module docstring)."""
    pl, pe = hw.PRED_LANES, hw.PRED_ELEMS
    n_qk = 2 * t * _cdiv(d, pl) * _cdiv(d, pe)      # Q^/K^ beats, one per cycle
    bpp = _cdiv(hw.HEAD_DIM, pe)                     # beats per PAM packet
    npk = _cdiv(t, pl)                               # packets (key groups) per top-k row
    fill = _cdiv(hw.T_MAX, pl)                       # topk fill chunks
    period = bpp * (npk - 1) + TOPK_W + fill + 2     # top-k row period (topk bound)
    period = max(period, bpp * npk)                  # (prediction-bound: not reached by the builds)
    return n_qk + bpp * npk + (t * h - 1) * period + TOPK_W + 10 + fill + h


def kv_generation_cycles(hw: HwParams, t: int, d: int) -> int:
    """Cycles of generating K and V for all T rows on the GEMM engine: what the PRED
    stage overlaps in progressive generation (CTRL.overlap).  PRED cycles beyond this
    are prediction the overlap does not hide."""
    return 2 * gemm_job(hw, t, tile_widths(hw, d), d, TAIL_REQUANT)[0] + 1


# ----------------------------------------------------------------------------------
# the layer
# ----------------------------------------------------------------------------------
def _mask_arrays(t: int, h: int, sparse: bool, ffn_reuse: bool, masks: dict | None):
    if not sparse:
        reps = np.ones(t, bool)
        return reps, np.ones((h, t), bool), reps, reps
    if masks is None:
        raise ValueError("a sparse run needs the SPLS masks (masks_for)")
    rep = np.asarray(masks["rep"]).reshape(-1)
    colneed = np.asarray(masks["colneed"], bool)
    if rep.shape != (t,) or colneed.shape != (h, t):
        raise ValueError(f"masks do not match T={t}, H={h}: rep {rep.shape}, colneed {colneed.shape}")
    reps = rep == np.arange(t)
    kv = colneed.any(axis=0)
    ffn = reps if ffn_reuse else np.ones(t, bool)
    return reps, colneed, kv, ffn


def layer_cycles(hw: HwParams, t: int, d: int, h: int, f: int, sparse: bool, ffn_reuse: bool, overlap: bool,
                 masks: dict | None, out_stall: float = 0.0, ln_zero_std: tuple[int, int] = (0, 0)) -> dict:
    """Predicted RTL counters of one layer run.

    masks (sparse runs): {"rep": (T,) reuse map, "colneed": (H, T) column-needed masks}
    (:func:`masks_for`; "keep" is not needed: the prediction time does not depend on it).
    out_stall: expected sink stall cycles per output beat (0: always-ready sink).
    ln_zero_std: rows of LN1 / LN2 whose standard deviation D is 0 (golden trace
    ``ln1_std``/``ln2_std``): layernorm skips the reciprocal division 2^40 / D for them
    (state DivR goes straight to Out), LN_DIVR_BITS + 1 cycles fewer per row.

    Returns {"stage_cycles": {pred, qkv, attn, oproj, ln1, ffn, ln2, out}, "cycles",
    "exec_macs", "skip_macs", "dense_macs", "pe_util": {stage: fraction, "gemm": overall},
    "stage_macs": {...}, "rows": {"rep", "kv", "ffn"}}.
    """
    check_config(hw, t, d, h, f)
    reps, colneed, kv, ffn_rows = _mask_arrays(t, h, sparse, ffn_reuse, masks)
    n_rep, n_kv, n_ffn = int(reps.sum()), int(kv.sum()), int(ffn_rows.sum())
    wd = tile_widths(hw, d)
    sc = dict.fromkeys(STAGES, 0)
    macs = dict.fromkeys(STAGES, 0)

    def add(stage, job):
        sc[stage] += job[0]
        macs[stage] += job[1]

    # PRED and QKV
    if sparse:
        sc["pred"] = pred_unit_cycles(hw, t, d, h)
        if overlap:  # K and V of every row generated meanwhile
            kj = gemm_job(hw, t, wd, d, TAIL_REQUANT)
            sc["pred"] = max(sc["pred"], kv_generation_cycles(hw, t, d))
            macs["pred"] = 2 * kj[1]
            add("qkv", gemm_job(hw, n_rep, wd, d, TAIL_REQUANT))
        else:
            add("qkv", gemm_job(hw, n_rep, wd, d, TAIL_REQUANT))
            for _ in range(2):
                add("qkv", gemm_job(hw, n_kv, wd, d, TAIL_REQUANT))
    else:
        for _ in range(3):
            add("qkv", gemm_job(hw, t, wd, d, TAIL_REQUANT))

    # ATTN, head by head
    nbt = _cdiv(t, hw.PE_C)
    w_pv = tile_widths(hw, hw.HEAD_DIM)
    for hh in range(h):
        need = colneed[hh]
        ct_sel = [bool(need[c * hw.PE_C:(c + 1) * hw.PE_C].any()) for c in range(nbt)]
        add("attn", gemm_job(hw, n_rep, tile_widths(hw, t, ct_sel), hw.HEAD_DIM, TAIL_SCORES))
        sc["attn"] += n_rep * (3 * nbt + SM_DIV_BITS + 4) + (t - n_rep) + 1
        add("attn", gemm_job(hw, n_rep, w_pv, int(need.sum()), TAIL_REQUANT))

    # OPROJ
    add("oproj", gemm_job(hw, n_rep, wd, d, TAIL_REQUANT))

    # LN1 / LN2: residual pass, then one LayerNorm row at a time
    nbd = _cdiv(d, hw.PE_C)
    ln_row = 3 * nbd + 8 + LN_DIVN_BITS + LN_SQRT_BITS + LN_DIVR_BITS
    sc["ln1"] = sc["ln2"] = t * nbd + t * ln_row + 4
    sc["ln1"] -= ln_zero_std[0] * (LN_DIVR_BITS + 1)
    sc["ln2"] -= ln_zero_std[1] * (LN_DIVR_BITS + 1)

    # FFN
    add("ffn", gemm_job(hw, n_ffn, tile_widths(hw, f), d, TAIL_FFN1))
    add("ffn", gemm_job(hw, n_ffn, wd, f, TAIL_REQUANT))

    # OUT
    beats = t * _cdiv(d, OUT_BYTES)
    sc["out"] = 1 + beats + int(round(out_stall * beats))

    cycles = sum(v for k, v in sc.items() if k != "out")
    exec_macs = sum(macs.values())
    dm = dense_macs(hw, t, d, h, f)
    pes = hw.PE_R * hw.PE_C
    util = {k: macs[k] / (sc[k] * pes) for k in ("pred", "qkv", "attn", "oproj", "ffn") if sc[k]}
    util["gemm"] = exec_macs / (cycles * pes)
    return {
        "stage_cycles": sc,
        "cycles": cycles,
        "exec_macs": exec_macs,
        "skip_macs": dm - exec_macs,
        "dense_macs": dm,
        "stage_macs": {k: v for k, v in macs.items() if k in ("pred", "qkv", "attn", "oproj", "ffn")},
        "pe_util": util,
        "rows": {"rep": n_rep, "kv": n_kv, "ffn": n_ffn},
    }


# ----------------------------------------------------------------------------------
# masks
# ----------------------------------------------------------------------------------
def rtl_config(cfg, t: int, heads: int):
    """The SPLS configuration as the RTL registers hold it (what the testbench writes,
    ``configure()`` in tb/esact_top/esact_top_seq_lib.py, and what the scoreboard
    predicts from): top-k k = cfg.k_for(T), window, integer threshold thr (cfg.thr or
    ceil(tau H k)), ffn_reuse.  None for a dense configuration."""
    from .spls import SplsConfig, similarity_threshold

    if cfg is None or cfg.scheme == "dense":
        return None
    if cfg.scheme != "spls":
        raise ValueError(f"the RTL runs 'dense' or 'spls', not {cfg.scheme!r}")
    if cfg.ffn_tau is not None:
        raise ValueError("the RTL has one reuse map (ffn_tau is not supported)")
    k = cfg.k_for(t)
    thr = cfg.thr if cfg.thr is not None else similarity_threshold(cfg.tau, heads, k)
    return SplsConfig("spls", k=k, window=cfg.window, thr=thr, ffn_reuse=cfg.ffn_reuse)


def masks_for(lq, x, cfg) -> dict:
    """The SPLS masks the RTL computes for layer ``lq`` on input ``x`` (T, d) INT8, by
    the golden model exactly as the scoreboard predicts them (int_layer with the
    register-level configuration of :func:`rtl_config`).

    Returns {"rep" (T,), "reps" (bool T: representatives), "colneed" (H, T), "keep"
    (H, T, T), "kv_rows" (bool T: rows some head needs), "ffn_rows" (bool T), "k", "thr",
    "window", "ffn_reuse", "out" (the layer output, the next layer's input)}.  For a
    dense configuration: identity reuse map, all columns needed, no keep masks.
    """
    from .int_layer import int_layer
    from .spls import SplsConfig

    x = np.asarray(x, np.int64)
    t = x.shape[0]
    rc = rtl_config(cfg, t, lq.heads)
    tr: dict = {}
    out, _ = int_layer(x, lq, rc if rc is not None else SplsConfig("dense"), tr)
    rep = np.asarray(tr["rep"], np.int64)
    reps = rep == np.arange(t)
    colneed = np.asarray(tr["colneed"], bool)
    zs = ln_zero_std(tr)
    if rc is None:
        return {"rep": rep, "reps": reps, "colneed": colneed, "keep": None, "kv_rows": np.ones(t, bool),
                "ffn_rows": np.ones(t, bool), "k": None, "thr": None, "window": 1, "ffn_reuse": False,
                "out": out, "ln_zero_std": zs}
    return {"rep": rep, "reps": reps, "colneed": colneed, "keep": np.asarray(tr["keep"], bool),
            "kv_rows": colneed.any(axis=0), "ffn_rows": reps if rc.ffn_reuse else np.ones(t, bool),
            "k": int(rc.k), "thr": int(rc.thr), "window": int(rc.window), "ffn_reuse": bool(rc.ffn_reuse),
            "out": out, "ln_zero_std": zs}


def ln_zero_std(tr: dict) -> tuple[int, int]:
    """Rows of LN1 / LN2 with standard deviation 0 in an int_layer trace."""
    return tuple(int((np.asarray(tr[f"ln{i}_std"]) == 0).sum()) if f"ln{i}_std" in tr else 0 for i in (1, 2))


def trace_cycles(hw: HwParams, t: int, d: int, h: int, f: int, sparse: bool, ffn_reuse: bool, overlap: bool,
                 tr: dict) -> dict:
    """:func:`layer_cycles` of a run the golden model traced (``int_layer(..., trace)``):
    what the testbench's scoreboard compares the RTL counters with."""
    masks = {"rep": tr["rep"], "colneed": tr["colneed"]} if sparse else None
    return layer_cycles(hw, t, d, h, f, sparse, ffn_reuse, overlap, masks, ln_zero_std=ln_zero_std(tr))


def masks_from_trace(tr: dict, layer: int) -> dict:
    """The masks of ``layer`` stored in a committed (compact) SPLS trace
    (:func:`models.vectors.load_trace`): rep, reps, colneed, keep, kv_rows."""
    from .vectors import unpack

    rep = np.asarray(tr[f"L{layer}_rep"], np.int64)
    colneed = unpack(tr, f"L{layer}_colneed")
    return {"rep": rep, "reps": rep == np.arange(len(rep)), "colneed": colneed,
            "keep": unpack(tr, f"L{layer}_keep"), "kv_rows": colneed.any(axis=0)}


# ----------------------------------------------------------------------------------
# --check: the measured EsactTraceTest runs
# ----------------------------------------------------------------------------------
def _parse_context(ctx: str) -> tuple[str, int]:
    """'short000_spls layer 3' -> ('short000_spls', 3)."""
    name, _, layer = ctx.rpartition(" layer ")
    if not name:
        raise ValueError(f"unexpected context {ctx!r}")
    return name, int(layer)


def trace_runs(runs: list[dict], hw: HwParams | None = None) -> list[tuple[dict, dict]]:
    """(measured, model) for every measured EsactTraceTest run: each sentence's
    layers are chained through the golden model (== the RTL, bit-exact) from the
    committed trace's layer-0 input, with the trace's configuration."""
    from . import vectors
    from .schedule import Schedule
    from .spls import SplsConfig
    from .weights import default_int_model

    hw = hw or HwParams()
    im = default_int_model()
    need: dict[str, int] = {}
    for r in runs:
        name, layer = _parse_context(r["context"])
        need[name] = max(need.get(name, -1), layer)
    chains: dict[tuple[str, int], tuple[dict, SplsConfig]] = {}
    for name, last in need.items():
        tr = vectors.load_trace(vectors.VEC / "ci" / f"{name}.npz")
        sched = Schedule.of(str(tr["config"])).for_layers(len(im.layers))
        x = tr["L0_x"].astype(np.int64)
        for layer in range(last + 1):
            cfg = sched[layer]
            m = masks_for(im.layers[layer], x, cfg)
            if cfg.scheme == "spls" and f"L{layer}_rep" in tr:  # the committed trace agrees
                st = masks_from_trace(tr, layer)
                if not (np.array_equal(st["rep"], m["rep"]) and np.array_equal(st["colneed"], m["colneed"])):
                    raise AssertionError(f"{name} layer {layer}: masks differ from the committed trace")
            chains[(name, layer)] = (m, cfg)
            x = m["out"]
    out = []
    for r in runs:
        name, layer = _parse_context(r["context"])
        m, cfg = chains[(name, layer)]
        lq = im.layers[layer]
        t, d = m["out"].shape
        sparse = cfg.scheme == "spls"
        pred = layer_cycles(hw, t, d, lq.heads, lq.ffn, sparse, bool(cfg.ffn_reuse and sparse),
                            bool(r.get("overlap", sparse)), m if sparse else None)
        out.append((r, pred))
    return out


def _err(model: int, rtl: int) -> float:
    return 0.0 if model == rtl else 100.0 * (model - rtl) / rtl if rtl else math.inf


def check(path: Path, file=None) -> dict:
    """Table of RTL vs model for every run of ``path``; returns the max |error| % per
    counter (stages, cycles, exec_macs, skip_macs)."""
    file = file or sys.stdout
    t0 = time.perf_counter()
    runs = json.loads(Path(path).read_text())
    pairs = trace_runs(runs)
    names = list(STAGES) + ["cycles", "exec_macs", "skip_macs"]
    worst = dict.fromkeys(names, 0.0)
    print(f"{'context':28s} {'counter':10s} {'RTL':>11s} {'model':>11s} {'error %':>8s}", file=file)
    for r, p in pairs:
        for n in names:
            rtl = r["stage_cycles"][n] if n in STAGES else r[n]
            mod = p["stage_cycles"][n] if n in STAGES else p[n]
            e = _err(mod, rtl)
            if rtl or mod:
                worst[n] = max(worst[n], abs(e))
            print(f"{r['context']:28s} {n:10s} {rtl:11d} {mod:11d} {e:8.3f}", file=file)
    stall = [(r["stage_cycles"]["out"] - p["stage_cycles"]["out"]) / max(p["stage_cycles"]["out"] - 1, 1)
             for r, p in pairs]
    print(f"\nOUT: sink stall cycles per output beat (testbench back-pressure): mean {np.mean(stall):.3f}, "
          f"range {min(stall):.3f} .. {max(stall):.3f}", file=file)
    print("max |error| % over the runs:", file=file)
    for n in names:
        note = "  (OUT: testbench back-pressure not modelled, not in CYCLES)" if n == "out" else ""
        print(f"  {n:10s} {worst[n]:8.3f}{note}", file=file)
    print(f"max over the computing stages and CYCLES: "
          f"{max(v for k, v in worst.items() if k != 'out'):.3f} %  ({len(pairs)} runs, "
          f"{time.perf_counter() - t0:.1f} s)", file=file)
    return worst


# ----------------------------------------------------------------------------------
# --study: where the cycles of a schedule go, and what other PRED designs would give
# ----------------------------------------------------------------------------------
def kv_per_head_cycles(hw: HwParams, t: int, d: int, colneed: np.ndarray) -> int:
    """A design the RTL does not have (model only): K and V generated per head for the
    rows that head needs (2 H GEMM jobs, each the head's HEAD_DIM/PE_C column tiles)."""
    w = tile_widths(hw, hw.HEAD_DIM)
    return sum(2 * gemm_job(hw, int(c.sum()), w, d, TAIL_REQUANT)[0] for c in np.asarray(colneed, bool))


def study(schedule, x0: np.ndarray, elems=(8, 16, 32)) -> list[dict]:
    """Mean cycles per layer of ``schedule`` on ``x0`` (each layer fed the golden output
    of the previous one) for PRED designs: the built ones (progressive generation on /
    off, PRED_ELEMS) and a model-only one (K/V per head for needed rows, after PRED)."""
    from .schedule import Schedule
    from .weights import default_int_model

    im = default_int_model()
    sched = Schedule.of(schedule).for_layers(len(im.layers))
    layers = []
    x = np.asarray(x0, np.int64)
    for lq, cfg in zip(im.layers, sched):
        m = masks_for(lq, x, cfg)
        layers.append((lq, cfg, m))
        x = m["out"]
    t, d = x0.shape
    dense_hw = HwParams()
    dense = sum(layer_cycles(dense_hw, t, d, lq.heads, lq.ffn, False, False, False, None)["cycles"]
                for lq, _, _ in layers)
    rows = []
    for pe in elems:
        hw = HwParams(PRED_ELEMS=pe)
        tot = {"overlap": 0, "sequential": 0, "per-head K/V": 0}
        mac_cut_num = mac_den = 0
        for lq, cfg, m in layers:
            sp = cfg.scheme == "spls"
            fr = bool(sp and cfg.ffn_reuse)
            a = layer_cycles(hw, t, d, lq.heads, lq.ffn, sp, fr, sp, m if sp else None)
            b = layer_cycles(hw, t, d, lq.heads, lq.ffn, sp, fr, False, m if sp else None)
            tot["overlap"] += a["cycles"]
            tot["sequential"] += b["cycles"]
            if sp:  # sequential, with the row-level K/V jobs replaced by per-head ones
                kv_rows = 2 * gemm_job(hw, int(m["kv_rows"].sum()), tile_widths(hw, d), d, TAIL_REQUANT)[0]
                tot["per-head K/V"] += b["cycles"] - kv_rows + kv_per_head_cycles(hw, t, d, m["colneed"])
            else:
                tot["per-head K/V"] += b["cycles"]
            mac_cut_num += a["skip_macs"]
            mac_den += a["dense_macs"]
        for mode, c in tot.items():
            rows.append({"pred_elems": pe, "mode": mode, "cycles_per_layer": c / len(layers),
                         "speedup": dense / c, "built": mode != "per-head K/V",
                         "pred_cycles_sparse_layer": pred_unit_cycles(hw, t, d, layers[0][0].heads)})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.cycle_model", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the measured EsactTraceTest counters")
    ap.add_argument("--study", action="store_true",
                    help="cycles of the default schedule at 128 tokens for other PRED designs (model only)")
    ap.add_argument("json", nargs="?", help="--check: the EsactTraceTest.json of a trace test run (the measured "
                    "runs, in the test's directory)")
    ap.add_argument("--tol", type=float, default=2.0, help="fail above this error %% (computing stages, CYCLES)")
    args = ap.parse_args(argv)
    if args.study:
        from .accuracy.datasets import bench_ids
        from .encoder import int_input
        from .schedule import default_schedule
        from .weights import default_int_model

        ids = bench_ids()
        rows = study(default_schedule(), int_input(ids, default_int_model()))
        print(f"default schedule {default_schedule().label}, T = {len(ids)}: mean cycles per layer")
        print(f"{'PRED_ELEMS':>10s} {'mode':14s} {'pred (sparse)':>13s} {'cycles/layer':>13s} {'speedup':>8s}  built")
        for r in rows:
            print(f"{r['pred_elems']:10d} {r['mode']:14s} {r['pred_cycles_sparse_layer']:13,d} "
                  f"{r['cycles_per_layer']:13,.0f} {r['speedup']:8.3f}  {'yes' if r['built'] else 'model only'}")
        return 0
    if not args.check:
        ap.print_help()
        return 0
    if not args.json:
        ap.error("--check needs the EsactTraceTest.json of a trace test run (the measured runs)")
    worst = check(Path(args.json))
    return 0 if max(v for k, v in worst.items() if k != "out") <= args.tol else 1


if __name__ == "__main__":
    sys.exit(main())
