"""Sparsity-aware distillation of MiniLM: a small weight delta (LoRA, or LayerNorm +
biases) trained so that the model *with the SPLS masks of the integer model in its
forward* tracks the original dense float model.  ``python -m models.accuracy.finetune``.

Student
-------
A float32 PyTorch MiniLM (:class:`Student`) whose layers run the structure of
:func:`models.int_layer.int_layer` in float.  For a layer of the schedule that is not
dense, the masks are computed per text from the student's *own* HLog prediction on
detached values, with the golden model's functions:

1. the student's layer input is quantized to INT8 with the base integer model's
   per-channel input scale of that layer (``im.layers[i].scales["s_x"]``; layer 0: the
   embedding computed in float64, as :func:`models.encoder.int_input` does);
2. the student's current W_Q, W_K, b_Q, b_K (LoRA merged) are quantized as
   :func:`models.int_layer.calibrate_layer` does (per-output-channel INT8 with s_x folded
   in, INT32 biases at the accumulator scale), and the prediction shifts are recomputed
   from the base model's prediction scale ``s_pred`` with calibrate_layer's formula (for
   the base weights they equal ``lq.pshift_q`` / ``lq.pshift_k``);
3. :func:`models.spls.predict_qk`, :func:`~models.spls.predict_pam`,
   :func:`~models.spls.topk_mask` and :func:`~models.spls.local_similarity` /
   :func:`~models.spls.reuse_map` give ``keep`` (H, T, T), ``rep`` (T,) and ``rep_ffn``
   exactly as in ``int_layer`` (:func:`spls_masks`).

The masks are constants of the backward pass.  The float layer then computes, for every
row, attention over its kept keys only (scores of the other keys are -inf); a reused row
takes its representative's attention output after the output projection (``y_o[rep]``);
the FFN output is gathered by ``rep_ffn`` when the setting reuses the FFN; residuals and
LayerNorms stay per token.  Dense layers of the schedule run the dense float layer.
Texts of a batch are padded; padded keys are masked, padded rows are ignored.

Delta and loss
--------------
``--target lora`` (default): ``W + (alpha / r) * B @ A`` on wq, wk, wv, wo, w1, w2 of
every layer (or of ``--layers``), rank r <= 8, B zero-initialised, A seeded
(``U(-1/sqrt(in), 1/sqrt(in))``, PEFT's default).  ``--target lnbias``: additive deltas
on the six biases and the two LayerNorms' gamma and beta.  Only the delta is trained.

The teacher is the original dense float MiniLM (no masks, no delta).  Loss per batch::

    rel_mse(last hidden) + cos_weight * mean(1 - cos(pool(student), pool(teacher)))
                         [+ hidden_weight * mean over layers of rel_mse(layer output)]

where ``rel_mse(s, t) = sum((s - t)**2) / sum(t**2)`` over the real tokens and channels
(MSE per token on the teacher's scale; 1 = as far as an all-zero output) and ``pool`` is
MiniLM's mean pooling + L2 normalisation.  AdamW, linear warm-up then cosine (or linear)
decay, batch 16 texts of :mod:`models.accuracy.train_corpus` (bucketed by length), a held-out loss
on a fixed validation split of the training corpus every ``--eval-every`` steps.

Outputs (``--out``, default ``vectors/finetune/``): ``lora_delta.npz`` (the delta, float32,
~1.3 MB for rank 8 on all six matrices of six layers), ``finetune.json`` (everything
needed to reproduce and the measured losses), ``finetune_curve.csv`` (loss parts, lr and
tokens of every step), ``finetune_loss.png`` (also copied to
``docs/finetune_loss.png``).  :func:`models.weights.merged_minilm` gives a
:class:`models.minilm.MiniLM` with the delta merged (the ``finetuned`` weights), from
which the integer model is calibrated as usual.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import os
import random
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from ..hlog import hlog_quantize
from ..int_layer import _bquant, _wquant
from ..minilm import HEADS, HIDDEN, LN_EPS, LayerWeights, MiniLM, embed_float, gelu, load_minilm
from ..quant import int8_operand, quantize
from ..schedule import DEFAULT_SCHEDULE_FILE, Schedule
from ..spls import SplsConfig, local_similarity, predict_pam, predict_qk, reuse_map, topk_mask
from ..weights import DELTA_FILE
from . import train_corpus

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = DELTA_FILE.parent  # vectors/finetune/: the delta models.weights reads
DOCS_PNG = REPO / "docs" / "finetune_loss.png"
LORA_WEIGHTS = ("wq", "wk", "wv", "wo", "w1", "w2")
LNBIAS_PARAMS = ("bq", "bk", "bv", "bo", "b1", "b2", "ln1_g", "ln1_b", "ln2_g", "ln2_b")
TARGETS = ("lora", "lnbias")
MAX_RANK = 8
MAX_DELTA_BYTES = 5 * 2**20

_SPLS = dict(scheme="spls", keep_ratio=0.25, window=4, ffn_reuse=True)
#: Used when vectors/schedules/default.json does not exist: layers 0-1 dense, 2-4 SPLS
#: (r 0.25, W 4, tau 0.75), 5 SPLS at tau 0.6 (the per-layer schedule of the notes).
BUILTIN_SCHEDULE = Schedule(
    (SplsConfig("dense"), SplsConfig("dense"), SplsConfig(**_SPLS, tau=0.75), SplsConfig(**_SPLS, tau=0.75),
     SplsConfig(**_SPLS, tau=0.75), SplsConfig(**_SPLS, tau=0.6)),
    name="builtin_d2_t0.75x3_t0.6",
)


def _torch():
    import torch

    return torch


#: The training schedules of ``make finetune`` (a mixture: every step draws one).
DISTILL_SCHEDULES_FILE = REPO / "vectors" / "schedules" / "distill.json"


def default_schedule() -> tuple[Schedule, str]:
    """The committed default schedule if it exists, else :data:`BUILTIN_SCHEDULE`."""
    if DEFAULT_SCHEDULE_FILE.exists():
        return Schedule.load(DEFAULT_SCHEDULE_FILE), str(DEFAULT_SCHEDULE_FILE.relative_to(REPO))
    return BUILTIN_SCHEDULE, "builtin"


def training_schedules(spec: str | None) -> tuple[list[Schedule], str]:
    """The schedules a run trains with: ``'builtin'``, a schedule JSON file, a mixture
    file (``{"schedules": [...]}``: every step draws one, seeded), or None = the mixture
    file :data:`DISTILL_SCHEDULES_FILE` if committed, else :func:`default_schedule`."""
    if spec == "builtin":
        return [BUILTIN_SCHEDULE], "builtin"
    path = Path(spec) if spec else (DISTILL_SCHEDULES_FILE if DISTILL_SCHEDULES_FILE.exists() else None)
    if path is None:
        s, src = default_schedule()
        return [s], src
    if not path.exists():
        raise ValueError(f"schedule: {path} does not exist")
    doc = json.loads(path.read_text())
    src = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
    if isinstance(doc, dict) and "schedules" in doc:
        scheds = [Schedule.of(d) for d in doc["schedules"]]
        if not scheds:
            raise ValueError(f"schedule: {path} lists no schedules")
        return scheds, src
    return [Schedule.of(doc)], src


# ----------------------------------------------------------------------------------
# SPLS masks (the integer model's, from float operands)
# ----------------------------------------------------------------------------------
@dataclasses.dataclass
class PredOperands:
    """Integer prediction operands of one layer (what ``calibrate_layer`` would give
    for these float weights): INT8 W_Q/W_K, INT32 biases, prediction shifts, HLog(W)^T."""

    wq: np.ndarray
    bq: np.ndarray
    wk: np.ndarray
    bk: np.ndarray
    pshift_q: np.ndarray
    pshift_k: np.ndarray
    hq_t: object
    hk_t: object


def pred_operands(wq, bq, wk, bk, s_x, s_pred: float, hlog_mode: str = "trunc") -> PredOperands:
    """Quantize float W_Q, b_Q, W_K, b_K like :func:`models.int_layer.calibrate_layer`."""
    wq8, aq = _wquant(wq, s_x)
    wk8, ak = _wquant(wk, s_x)
    ps = lambda a: np.clip(np.rint(np.log2(float(s_pred) / a)), 0, 31).astype(np.int64)  # noqa: E731
    return PredOperands(
        wq=wq8, bq=_bquant(bq, aq), wk=wk8, bk=_bquant(bk, ak), pshift_q=ps(aq), pshift_k=ps(ak),
        hq_t=int8_operand(hlog_quantize(wq8, 8, hlog_mode).T), hk_t=int8_operand(hlog_quantize(wk8, 8, hlog_mode).T),
    )


def predict_rows(x8: np.ndarray, po: PredOperands, hlog_mode: str = "trunc"):
    """Predicted INT8 Q^ and K^ (:func:`models.spls.predict_qk`) of the rows of ``x8``
    (row-wise, so the rows of several texts may be stacked)."""
    q8 = predict_qk(x8, po.wq, po.bq, po.pshift_q, hlog_mode, None, "q", po.hq_t)
    k8 = predict_qk(x8, po.wk, po.bk, po.pshift_k, hlog_mode, None, "k", po.hk_t)
    return q8, k8


def masks_from_prediction(q8: np.ndarray, k8: np.ndarray, cfg: SplsConfig, heads: int = HEADS):
    """``(keep (H, T, T), rep (T,), rep_ffn (T,))`` of one text from its predicted Q^/K^
    (the same calls, in the same order, as the SPLS part of :func:`int_layer`)."""
    T = q8.shape[0]
    if cfg.scheme == "dense":
        return np.ones((heads, T, T), bool), np.arange(T), np.arange(T)
    if cfg.scheme not in ("spls", "topk"):
        raise NotImplementedError(f"the student supports dense, spls and topk layers, not {cfg.scheme!r}")
    k = cfg.k_for(T)
    keep = topk_mask(predict_pam(q8, k8, heads, cfg.hlog_mode), k)
    window = cfg.window if cfg.scheme == "spls" else 1
    rep = reuse_map(keep, window, cfg.thr) if cfg.thr is not None else local_similarity(keep, k, window, cfg.tau)
    if not (cfg.scheme == "spls" and cfg.ffn_reuse):
        rep_ffn = np.arange(T)
    elif cfg.ffn_tau is None:
        rep_ffn = rep
    else:
        rep_ffn = local_similarity(keep, k, window, cfg.ffn_tau)
    return keep, rep, rep_ffn


def spls_masks(x8: np.ndarray, po: PredOperands, cfg: SplsConfig, heads: int = HEADS):
    """``(keep, rep, rep_ffn)`` of ``int_layer`` for the INT8 input ``x8`` (T, d) of one text."""
    if cfg.scheme == "dense":
        return masks_from_prediction(x8, x8, cfg, heads)
    return masks_from_prediction(*predict_rows(x8, po, cfg.hlog_mode), cfg, heads)


# ----------------------------------------------------------------------------------
# The trainable delta
# ----------------------------------------------------------------------------------
def _layer_shapes(base: MiniLM, i: int) -> dict[str, tuple[int, ...]]:
    w = base.layers[i]
    return {n: tuple(getattr(w, n).shape) for n in LORA_WEIGHTS + LNBIAS_PARAMS}


class Delta:
    """LoRA factors (``L{i}.{w}.A`` (r, in), ``L{i}.{w}.B`` (out, r)) or additive
    LayerNorm/bias deltas (``L{i}.{p}.d``) as torch parameters."""

    def __init__(self, base: MiniLM, target: str = "lora", rank: int = 8, alpha: float | None = None,
                 layers: Sequence[int] | None = None, seed: int = 0, matrices: Sequence[str] | None = None):
        torch = _torch()
        if target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {target!r}")
        if target == "lora" and not (isinstance(rank, int) and 1 <= rank <= MAX_RANK):
            raise ValueError(f"rank must be an integer in [1, {MAX_RANK}], got {rank!r}")
        n = len(base.layers)
        layers = tuple(range(n)) if layers is None else tuple(sorted(set(int(i) for i in layers)))
        if not layers or any(not 0 <= i < n for i in layers):
            raise ValueError(f"layers must be a non-empty subset of 0..{n - 1}, got {layers}")
        matrices = tuple(LORA_WEIGHTS if matrices is None else matrices)
        if target == "lora" and (not matrices or set(matrices) - set(LORA_WEIGHTS)):
            raise ValueError(f"matrices must be a non-empty subset of {LORA_WEIGHTS}, got {matrices}")
        self.target, self.rank, self.layers, self.matrices = target, int(rank), layers, matrices
        self.alpha = float(rank if alpha is None else alpha)
        self.scale = self.alpha / self.rank
        g = torch.Generator().manual_seed(int(seed))
        self.params: dict[str, "torch.Tensor"] = {}
        for i in layers:
            shapes = _layer_shapes(base, i)
            if target == "lora":
                for w in LORA_WEIGHTS:
                    if w not in matrices:
                        continue
                    out_f, in_f = shapes[w]
                    bound = 1.0 / math.sqrt(in_f)
                    a = (torch.rand(self.rank, in_f, generator=g, dtype=torch.float32) * 2 - 1) * bound
                    self.params[f"L{i}.{w}.A"] = a.requires_grad_()
                    self.params[f"L{i}.{w}.B"] = torch.zeros(out_f, self.rank, requires_grad=True)
            else:
                for p in LNBIAS_PARAMS:
                    self.params[f"L{i}.{p}.d"] = torch.zeros(shapes[p], requires_grad=True)

    def parameters(self):
        return list(self.params.values())

    @property
    def n_params(self) -> int:
        return int(sum(p.numel() for p in self.params.values()))

    def apply(self, i: int, name: str, base_t):
        """The effective tensor of parameter ``name`` of layer ``i``."""
        if self.target == "lora":
            a = self.params.get(f"L{i}.{name}.A")
            if a is None:
                return base_t
            return base_t + self.scale * (self.params[f"L{i}.{name}.B"] @ a)
        d = self.params.get(f"L{i}.{name}.d")
        return base_t if d is None else base_t + d

    def meta(self) -> dict:
        return {"target": self.target, "rank": self.rank, "alpha": self.alpha, "scale": self.scale,
                "layers": list(self.layers), "matrices": list(self.matrices) if self.target == "lora" else None}

    def to_arrays(self, dtype=np.float32) -> dict[str, np.ndarray]:
        out = {k: v.detach().cpu().numpy().astype(dtype) for k, v in self.params.items()}
        out["meta"] = np.array(json.dumps(self.meta()))
        return out


def save_delta(delta: Delta, path: Path, dtype=np.float32, extra_meta: dict | None = None) -> Path:
    """The delta as ``.npz`` (its arrays and ``meta``), the format
    :func:`models.weights.load_delta` reads."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = delta.to_arrays(dtype)
    if extra_meta:
        arrays["meta"] = np.array(json.dumps({**delta.meta(), **extra_meta}))
    tmp = path.with_name(path.stem + f".{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)
    return path


# ----------------------------------------------------------------------------------
# Student (and dense teacher): batched float MiniLM with SPLS masks
# ----------------------------------------------------------------------------------
class Student:
    """Float MiniLM running ``schedule`` with the integer model's SPLS masks (see the
    module docstring).  ``im`` (the base :class:`~models.encoder.IntModel`) gives the
    input scales and prediction scales; it is only needed for non-dense layers."""

    def __init__(self, base: MiniLM, schedule: Schedule, im=None, delta: Delta | None = None):
        torch = _torch()
        self.base = base
        self.schedule = Schedule.of(schedule).for_layers(len(base.layers))
        if not self.schedule.is_dense and im is None:
            raise ValueError("a sparse schedule needs the integer model (input and prediction scales)")
        self.im = im
        self.delta = delta
        self.w = [{f.name: torch.as_tensor(np.asarray(getattr(w, f.name), np.float32))
                   for f in dataclasses.fields(LayerWeights) if f.name != "heads"} for w in base.layers]

    def weights(self, i: int) -> dict:
        if self.delta is None:
            return self.w[i]
        return {n: self.delta.apply(i, n, t) for n, t in self.w[i].items()}

    def _operands(self, i: int, W: dict, cfg: SplsConfig) -> PredOperands:
        sc = self.im.layers[i].scales
        g = lambda n: W[n].detach().cpu().numpy()  # noqa: E731
        return pred_operands(g("wq"), g("bq"), g("wk"), g("bk"), sc["s_x"], float(sc["s_pred"]), cfg.hlog_mode)

    def forward(self, batch: Sequence[np.ndarray], masks: list | None = None, layer_outputs: list | None = None):
        """Last hidden states (B, Tmax, HIDDEN) float32 and the (B, Tmax) validity mask.

        ``masks`` (a list) receives per layer a list of per-text ``(keep, rep, rep_ffn)``
        (None for dense layers); ``layer_outputs`` receives every layer's output."""
        torch = _torch()
        F = torch.nn.functional
        lens = [len(ids) for ids in batch]
        B, Tm, d = len(batch), max(lens), HIDDEN
        H = HEADS
        dh = d // H
        valid = torch.zeros(B, Tm, dtype=torch.bool)
        x = torch.zeros(B, Tm, d)
        emb64 = []
        for b, ids in enumerate(batch):
            e = embed_float(np.asarray(ids), self.base, torch.float64)
            emb64.append(e.numpy())
            x[b, : lens[b]] = e.float()
            valid[b, : lens[b]] = True
        key_ok = valid[:, None, None, :].expand(B, H, Tm, Tm)
        ar = torch.arange(Tm)
        for i, cfg in enumerate(self.schedule):
            W = self.weights(i)
            allowed, gat, gat_ffn, lm = key_ok, None, None, None
            if cfg.scheme != "dense":
                po = self._operands(i, W, cfg)
                s_x = self.im.layers[i].scales["s_x"]
                allowed = key_ok.clone(memory_format=torch.contiguous_format)
                gat = ar.repeat(B, 1)
                gat_ffn = ar.repeat(B, 1)
                lm = []
                if i == 0:
                    xin = np.concatenate(emb64)
                else:
                    xd = x.detach().double().numpy()
                    xin = np.concatenate([xd[b, :T] for b, T in enumerate(lens)])
                q8_all, k8_all = predict_rows(quantize(xin, s_x, 8), po, cfg.hlog_mode)
                offs = np.concatenate([[0], np.cumsum(lens)])
                for b, T in enumerate(lens):
                    sl = slice(offs[b], offs[b + 1])
                    keep, rep, rep_ffn = masks_from_prediction(q8_all[sl], k8_all[sl], cfg, H)
                    allowed[b, :, :T, :T] = torch.from_numpy(keep)
                    gat[b, :T] = torch.from_numpy(rep)
                    gat_ffn[b, :T] = torch.from_numpy(rep_ffn)
                    lm.append((keep, rep, rep_ffn))
            if masks is not None:
                masks.append(lm)
            lin = lambda a, w, bias: a @ w.T + bias  # noqa: E731
            q = lin(x, W["wq"], W["bq"]).view(B, Tm, H, dh).transpose(1, 2)
            k = lin(x, W["wk"], W["bk"]).view(B, Tm, H, dh).transpose(1, 2)
            v = lin(x, W["wv"], W["bv"]).view(B, Tm, H, dh).transpose(1, 2)
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
            scores = scores.masked_fill(~allowed, float("-inf"))
            ctx = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(B, Tm, d)
            y_o = lin(ctx, W["wo"], W["bo"])
            if gat is not None:
                y_o = y_o.gather(1, gat[..., None].expand(B, Tm, d))
            h1 = F.layer_norm(y_o + x, (d,), W["ln1_g"], W["ln1_b"], LN_EPS)
            y_2 = lin(gelu(lin(h1, W["w1"], W["b1"])), W["w2"], W["b2"])
            if gat_ffn is not None:
                y_2 = y_2.gather(1, gat_ffn[..., None].expand(B, Tm, d))
            x = F.layer_norm(y_2 + h1, (d,), W["ln2_g"], W["ln2_b"], LN_EPS)
            if layer_outputs is not None:
                layer_outputs.append(x)
        return x, valid


def dense_schedule(n_layers: int = 6) -> Schedule:
    return Schedule.uniform(SplsConfig("dense"), n_layers, name="dense")


# ----------------------------------------------------------------------------------
# Loss
# ----------------------------------------------------------------------------------
def rel_mse(s, t, valid):
    m = valid[..., None].to(s.dtype)
    return ((s - t) ** 2 * m).sum() / ((t**2) * m).sum()


def pooled(h, valid):
    torch = _torch()
    m = valid[..., None].to(h.dtype)
    v = (h * m).sum(1) / m.sum(1)
    return torch.nn.functional.normalize(v, dim=-1, eps=1e-12)


def distill_loss(student: Student, teacher: Student, batch, cos_weight: float, hidden_weight: float = 0.0,
                 masks: list | None = None):
    """``(total loss tensor, {"mse": ., "cos": ., "hidden": .})`` for one batch
    (``masks`` receives the student's masks, see :meth:`Student.forward`)."""
    torch = _torch()
    with torch.no_grad():
        t_outs: list = []
        t_last, valid = teacher.forward(batch, layer_outputs=t_outs if hidden_weight else None)
    s_outs: list = []
    s_last, _ = student.forward(batch, masks=masks, layer_outputs=s_outs if hidden_weight else None)
    mse = rel_mse(s_last, t_last, valid)
    cos = (1 - (pooled(s_last, valid) * pooled(t_last, valid)).sum(-1)).mean()
    loss = mse + cos_weight * cos
    parts = {"mse": mse.item(), "cos": cos.item()}
    if hidden_weight:
        hid = torch.stack([rel_mse(s, t, valid) for s, t in zip(s_outs, t_outs)]).mean()
        loss = loss + hidden_weight * hid
        parts["hidden"] = hid.item()
    parts["loss"] = loss.item()
    return loss, parts


# ----------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------
@dataclasses.dataclass
class FinetuneConfig:
    steps: int = 2000
    seed: int = 0
    lr: float = 5e-4
    batch: int = 16
    rank: int = 8
    alpha: float | None = None  # None = rank (scale 1)
    target: str = "lora"
    layers: tuple[int, ...] | None = None
    matrices: tuple[str, ...] | None = None  # LoRA matrices (default all six)
    schedule: str | None = None  # JSON file or "builtin"; None = default_schedule()
    cos_weight: float = 10.0
    hidden_weight: float = 0.0
    warmup: int | None = None  # None = 5 % of the steps
    decay: str = "cosine"
    weight_decay: float = 0.0
    eval_every: int = 100
    val_texts: int = 64
    bucket: int = 32  # batches per length-sorted bucket
    out: str = str(DEFAULT_OUT)
    docs_png: str | None = str(DOCS_PNG)
    delta_dtype: str = "float32"
    threads: int = 1  # 1 = the same floats whatever else runs (the committed delta's setting)
    packages: tuple[str, ...] | None = None  # restrict the training corpus (tests)
    max_train_texts: int | None = None
    # one document in holdout_mod is the selection split (train_corpus.selection_mask), kept
    # out of training and validation for models.accuracy.select; 0 = none held out
    holdout_mod: int = train_corpus.SELECT_MOD
    progress: bool = True
    stop_after: int | None = None  # --verify: stop after this many steps, write nothing


def make_batches(train_idx: np.ndarray, lengths: np.ndarray, batch: int, steps: int, seed: int,
                 bucket: int = 32) -> list[np.ndarray]:
    """``steps`` batches of text indices: epochs of seeded permutations, cut into buckets
    of ``bucket`` batches sorted by length (less padding), batches shuffled in a bucket."""
    rng = np.random.default_rng(seed)
    out: list[np.ndarray] = []
    bs = min(batch, len(train_idx))
    while len(out) < steps:
        perm = rng.permutation(train_idx)
        for a in range(0, len(perm), bs * bucket):
            chunk = perm[a : a + bs * bucket]
            chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
            bl = [chunk[j : j + bs] for j in range(0, len(chunk), bs) if len(chunk[j : j + bs]) == bs]
            for j in rng.permutation(len(bl)):
                out.append(bl[j])
        if not out:
            raise ValueError("no full batch: the training split is smaller than the batch")
    return out[:steps]


def _lr_lambda(steps: int, warmup: int, decay: str):
    def f(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        p = (step - warmup) / max(1, steps - warmup)
        return 0.5 * (1 + math.cos(math.pi * p)) if decay == "cosine" else max(0.0, 1 - p)

    return f


def _git_head() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def evaluate(student: Student, teacher: Student, ids: Sequence[np.ndarray], batch: int, cos_weight: float,
             hidden_weight: float) -> dict:
    """Token-weighted mean of the loss parts over ``ids`` (no gradients)."""
    torch = _torch()
    tot: dict[str, float] = {}
    n = 0
    order = np.argsort([len(i) for i in ids], kind="stable")
    with torch.no_grad():
        for a in range(0, len(ids), batch):
            b = [ids[j] for j in order[a : a + batch]]
            _, parts = distill_loss(student, teacher, b, cos_weight, hidden_weight)
            for k, v in parts.items():
                tot[k] = tot.get(k, 0.0) + v * len(b)
            n += len(b)
    return {k: v / n for k, v in tot.items()}


def train(cfg: FinetuneConfig, tc=None) -> dict:
    """Run the distillation; returns the result dict (also written as finetune.json)."""
    torch = _torch()
    from ..weights import int_model
    from . import train_corpus

    t_start = time.time()
    torch.set_num_threads(cfg.threads)
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    if cfg.decay not in ("cosine", "linear"):
        raise ValueError(f"decay must be cosine or linear, got {cfg.decay!r}")
    schedules, sched_src = training_schedules(cfg.schedule)
    schedule = schedules[0]
    draw = np.random.default_rng([cfg.seed, 7])  # which schedule each step runs
    base = load_minilm()
    im = int_model("base")  # scales of the masks: the base integer model's
    tc = tc or train_corpus.load_train_corpus(cfg.packages)
    if cfg.holdout_mod != 0 and (not isinstance(cfg.holdout_mod, int) or cfg.holdout_mod < 2):
        raise ValueError(f"holdout_mod must be 0 (none) or an integer >= 2, got {cfg.holdout_mod!r}")
    held = train_corpus.selection_mask(tc, cfg.holdout_mod) if cfg.holdout_mod else None
    n_pool = len(tc) - (int(held.sum()) if held is not None else 0)
    tr_idx, va_idx = train_corpus.train_val_split(len(tc), min(cfg.val_texts, n_pool // 4), exclude=held)
    if cfg.max_train_texts:
        tr_idx = tr_idx[: cfg.max_train_texts]
    lengths = np.array([len(i) for i in tc.ids])
    val_ids = [tc.ids[j] for j in va_idx]
    batches = make_batches(tr_idx, lengths, cfg.batch, cfg.steps, cfg.seed, cfg.bucket)

    delta = Delta(base, cfg.target, cfg.rank, cfg.alpha, cfg.layers, cfg.seed, cfg.matrices)
    student = Student(base, schedule, im, delta)
    teacher = Student(base, dense_schedule(len(base.layers)))
    opt = torch.optim.AdamW(delta.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    warmup = max(1, round(0.05 * cfg.steps)) if cfg.warmup is None else max(1, cfg.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(cfg.steps, warmup, cfg.decay))

    eval_s = [0.0]

    def ev() -> dict:
        """Validation loss, averaged over the training schedules."""
        t0 = time.time()
        parts = []
        for sc in schedules:
            student.schedule = sc
            parts.append(evaluate(student, teacher, val_ids, cfg.batch, cfg.cos_weight, cfg.hidden_weight))
        eval_s[0] += time.time() - t0
        return {k: float(np.mean([p[k] for p in parts])) for k in parts[0]}

    load_start = os.getloadavg()
    val_curve = [{"step": 0, **ev()}]
    train_curve: list[dict] = []
    from tqdm import tqdm

    bar = tqdm(batches, desc="distill", disable=not cfg.progress, dynamic_ncols=True, mininterval=2.0)
    ema = None
    t_train, eval_s0 = time.time(), eval_s[0]
    for step, bidx in enumerate(bar, 1):
        t_step = time.time()
        si = int(draw.integers(len(schedules)))
        student.schedule = schedules[si]
        loss, parts = distill_loss(student, teacher, [tc.ids[j] for j in bidx], cfg.cos_weight, cfg.hidden_weight)
        parts["schedule"] = si
        opt.zero_grad(set_to_none=True)
        loss.backward()
        parts["lr"] = opt.param_groups[0]["lr"]
        opt.step()
        sched.step()
        parts["tokens"] = int(sum(len(tc.ids[j]) for j in bidx))
        parts["sec"] = time.time() - t_step
        train_curve.append({"step": step, **parts})
        ema = parts["loss"] if ema is None else 0.95 * ema + 0.05 * parts["loss"]
        post = {"loss": f"{ema:.4f}", "val": f"{val_curve[-1]['loss']:.4f}"}
        if step % cfg.eval_every == 0 or step == cfg.steps:
            val_curve.append({"step": step, **ev()})
            post["val"] = f"{val_curve[-1]['loss']:.4f}"
        bar.set_postfix(post, refresh=False)
        if cfg.stop_after and step >= cfg.stop_after:
            break
    bar.close()
    if cfg.stop_after:
        return {"train_curve": train_curve, "val_curve": val_curve}
    train_s = time.time() - t_train - (eval_s[0] - eval_s0)  # optimisation steps only

    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    dpath = save_delta(delta, out / f"{cfg.target}_delta.npz", np.dtype(cfg.delta_dtype))
    size = dpath.stat().st_size
    if size >= MAX_DELTA_BYTES:
        raise RuntimeError(f"{dpath}: {size} bytes >= the {MAX_DELTA_BYTES} bound")
    tail = train_curve[-min(50, len(train_curve)):]
    result = {
        "command": shlex.join(["python", "-m", "models.accuracy.finetune", *_cli_args(cfg)]),
        "config": _portable_config(cfg),
        "schedule": schedule.as_dict(),
        "schedules": [sc.as_dict() for sc in schedules],
        "schedule_source": sched_src,
        "delta": {"file": dpath.name, "bytes": size, "sha256": hashlib.sha256(dpath.read_bytes()).hexdigest(),
                  "dtype": cfg.delta_dtype, "n_params": delta.n_params, **delta.meta()},
        "corpus": {"digest": tc.digest, "inputs_digest": tc.inputs_digest, "texts": len(tc),
                   "train_texts": len(tr_idx), "val_texts": len(va_idx), "tokens": tc.n_tokens,
                   "selection_texts_held_out": int(held.sum()) if held is not None else 0,
                   "packages": [f"{n}=={v}" for n, v in tc.packages]},
        "final": {"train_loss_last50": float(np.mean([r["loss"] for r in tail])),
                  "train_mse_last50": float(np.mean([r["mse"] for r in tail])),
                  "train_cos_last50": float(np.mean([r["cos"] for r in tail])),
                  "val_start": val_curve[0], "val_end": val_curve[-1]},
        "val_curve": val_curve,
        "train_curve_file": "finetune_curve.csv",
        "timing": {"wall_s": round(time.time() - t_start, 1), "train_s": round(train_s, 1),
                   "eval_s": round(eval_s[0], 1), "s_per_step": round(train_s / max(1, cfg.steps), 3),
                   "threads": cfg.threads, "loadavg_start": [round(v, 2) for v in load_start],
                   "loadavg_end": [round(v, 2) for v in os.getloadavg()], "cpus": os.cpu_count()},
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__, "numpy": np.__version__},
        "git_head": _git_head(),
    }
    (out / "finetune.json").write_text(json.dumps(result, indent=1) + "\n")
    cols = list(train_curve[0]) if train_curve else ["step"]
    lines = [",".join(cols)] + [",".join(f"{r[c]:.6g}" if isinstance(r[c], float) else str(r[c]) for c in cols)
                                for r in train_curve]
    (out / "finetune_curve.csv").write_text("\n".join(lines) + "\n")
    result["train_curve"] = train_curve
    png = plot_losses(result, out / "finetune_loss.png")
    if cfg.docs_png:
        Path(cfg.docs_png).parent.mkdir(parents=True, exist_ok=True)
        Path(cfg.docs_png).write_bytes(png.read_bytes())
    return result


def plot_losses(result: dict, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tc, vc = result["train_curve"], result["val_curve"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    steps = [r["step"] for r in tc]
    for ax, key, title in ((axes[0], "loss", "total loss"), (axes[1], "cos", "1 - cos of pooled embeddings")):
        y = np.array([r[key] for r in tc])
        ax.plot(steps, y, color="0.75", lw=0.6, label="train (batch)")
        if len(y) >= 5:
            w = max(5, len(y) // 40)
            ax.plot(steps[w - 1:], np.convolve(y, np.ones(w) / w, "valid"), color="C0", label=f"train ({w}-step mean)")
        ax.plot([r["step"] for r in vc], [r[key] for r in vc], "o-", color="C3", ms=3, label="validation")
        ax.set_xlabel("step")
        ax.set_title(title)
        ax.set_yscale("log")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    c = result["config"]
    fig.suptitle(f"SPLS-aware distillation: {c['target']} r{c['rank']}, lr {c['lr']:g}, "
                 f"schedule {result['schedule'].get('name') or result['schedule_source']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _cli_args(cfg: FinetuneConfig) -> list[str]:
    d = FinetuneConfig()
    a = []
    for f in dataclasses.fields(cfg):
        v = getattr(cfg, f.name)
        if v == getattr(d, f.name) or f.name == "progress":
            continue
        flag = "--" + f.name.replace("_", "-")
        if isinstance(v, (tuple, list)):
            a += [flag, *map(str, v)]
        elif v is None:
            a += [flag, ""]
        else:
            a += [flag, str(v)]
    return a


def _portable_config(cfg: "FinetuneConfig") -> dict:
    """The run's settings with its output paths relative to the checkout when they lie
    inside it (the record is committed: no machine's absolute path in it)."""
    c = dataclasses.asdict(cfg)
    for k in ("out", "docs_png"):
        if c.get(k):
            p = Path(c[k]).resolve()
            if p.is_relative_to(REPO):
                c[k] = str(p.relative_to(REPO))
    return c


def verify(n_steps: int, out: Path = DEFAULT_OUT, tol: float = 1e-4) -> int:
    """Rerun the first ``n_steps`` of the committed run (its recorded configuration and
    seed) and compare every step's training loss with ``finetune_curve.csv``: the
    reproducibility check of ``make finetune`` without its full wall time.  Returns the
    number of steps whose relative loss difference exceeds ``tol``."""
    res = json.loads((Path(out) / "finetune.json").read_text())
    rows = (Path(out) / "finetune_curve.csv").read_text().splitlines()
    cols = rows[0].split(",")
    ref = [dict(zip(cols, r.split(","))) for r in rows[1:]]
    if not 1 <= n_steps <= len(ref):
        raise ValueError(f"n_steps must be in [1, {len(ref)}] (the committed run's steps), got {n_steps}")
    fields = {f.name for f in dataclasses.fields(FinetuneConfig)}
    c = {k: (tuple(v) if isinstance(v, list) else v) for k, v in res["config"].items() if k in fields}
    c.setdefault("holdout_mod", 0)  # a run recorded before the selection split held nothing out
    cfg = dataclasses.replace(FinetuneConfig(**c), stop_after=n_steps, progress=False, docs_png=None)
    got = train(cfg)["train_curve"]
    bad = 0
    print(f"{'step':>5s} {'committed':>12s} {'rerun':>12s} {'rel diff':>10s}")
    for g, r in zip(got, ref):
        want = float(r["loss"])
        rel = abs(g["loss"] - want) / max(abs(want), 1e-12)
        bad += rel > tol
        print(f"{g['step']:5d} {want:12.6f} {g['loss']:12.6f} {rel:10.2e}{'  DIFFERS' if rel > tol else ''}")
    print(f"[finetune] verify: {n_steps} steps of {res['command']}: {bad} differ by more than {tol:g} (relative)")
    return bad


def main(argv: Sequence[str] | None = None) -> int:
    d = FinetuneConfig()
    ap = argparse.ArgumentParser(prog="python -m models.accuracy.finetune", description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--steps", type=int, default=d.steps)
    ap.add_argument("--seed", type=int, default=d.seed)
    ap.add_argument("--lr", type=float, default=d.lr)
    ap.add_argument("--batch", type=int, default=d.batch)
    ap.add_argument("--rank", type=int, default=d.rank)
    ap.add_argument("--alpha", type=float, default=None, help="LoRA alpha (default = rank: scale 1)")
    ap.add_argument("--target", choices=TARGETS, default=d.target)
    ap.add_argument("--layers", type=int, nargs="+", default=None, help="layers that get a delta (default all)")
    ap.add_argument("--matrices", nargs="+", choices=LORA_WEIGHTS, default=None,
                    help="LoRA matrices (default all six)")
    ap.add_argument("--schedule", default=None,
                    help="schedule JSON file, a mixture file ({'schedules': [...]}, one drawn per step), or "
                         "'builtin' (default: vectors/schedules/distill.json if it exists, else "
                         "vectors/schedules/default.json, else the built-in one)")
    ap.add_argument("--cos-weight", type=float, default=d.cos_weight)
    ap.add_argument("--hidden-weight", type=float, default=d.hidden_weight,
                    help="weight of the intermediate hidden-state MSE (0 = off)")
    ap.add_argument("--warmup", type=int, default=None, help="warm-up steps (default 5 %% of --steps)")
    ap.add_argument("--decay", choices=("cosine", "linear"), default=d.decay)
    ap.add_argument("--weight-decay", type=float, default=d.weight_decay)
    ap.add_argument("--eval-every", type=int, default=d.eval_every)
    ap.add_argument("--val-texts", type=int, default=d.val_texts)
    ap.add_argument("--bucket", type=int, default=d.bucket)
    ap.add_argument("--out", default=d.out)
    ap.add_argument("--docs-png", default=d.docs_png, help="copy of the loss plot ('' = none)")
    ap.add_argument("--delta-dtype", choices=("float32", "float16"), default=d.delta_dtype)
    ap.add_argument("--threads", type=int, default=d.threads)
    ap.add_argument("--packages", nargs="+", default=None, help="restrict the training corpus to these packages")
    ap.add_argument("--max-train-texts", type=int, default=None)
    ap.add_argument("--holdout-mod", type=int, default=d.holdout_mod,
                    help="hold one document in N out of training as the selection split (0 = none)")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--verify", type=int, default=0, metavar="N",
                    help="rerun the first N steps of the committed run and compare the losses (writes nothing)")
    a = ap.parse_args(argv)
    if a.verify:
        return 1 if verify(a.verify, Path(a.out)) else 0
    cfg = FinetuneConfig(
        steps=a.steps, seed=a.seed, lr=a.lr, batch=a.batch, rank=a.rank, alpha=a.alpha, target=a.target,
        layers=tuple(a.layers) if a.layers else None, matrices=tuple(a.matrices) if a.matrices else None,
        schedule=a.schedule or None, cos_weight=a.cos_weight,
        hidden_weight=a.hidden_weight, warmup=a.warmup, decay=a.decay, weight_decay=a.weight_decay,
        eval_every=a.eval_every, val_texts=a.val_texts, bucket=a.bucket, out=a.out, docs_png=a.docs_png or None,
        delta_dtype=a.delta_dtype, threads=a.threads, packages=tuple(a.packages) if a.packages else None,
        max_train_texts=a.max_train_texts, holdout_mod=a.holdout_mod, progress=not a.no_progress,
    )
    r = train(cfg)
    f = r["final"]
    print(f"delta {Path(cfg.out) / r['delta']['file']}: {r['delta']['n_params']} parameters, {r['delta']['bytes']} bytes")
    print(f"val loss {f['val_start']['loss']:.5f} -> {f['val_end']['loss']:.5f} "
          f"(mse {f['val_start']['mse']:.5f} -> {f['val_end']['mse']:.5f}, "
          f"1-cos {f['val_start']['cos']:.5f} -> {f['val_end']['cos']:.5f}); "
          f"train (last 50) {f['train_loss_last50']:.5f}; {r['timing']['s_per_step']} s/step, "
          f"wall {r['timing']['wall_s']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
