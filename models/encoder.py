"""The whole encoder: float MiniLM embeddings, then 6 integer layers (dense or SPLS),
then mean pooling of the dequantized output.  Calibration of the integer model from
float traces lives here too."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import checks
from .int_layer import (
    T_MAX,
    CalibConfig,
    LayerQuant,
    OpCount,
    calib_stat,
    calibrate_layer,
    dequantize,
    int_layer,
    quantize_input,
)
from .minilm import MiniLM, check_ids, check_model, embed_float, encode_float, pool
from .schedule import Schedule
from .spls import SplsConfig

STAT_TENSORS = ("q", "k", "v", "ctx", "res1", "h1", "ffn1", "gelu", "res2", "out")
PER_CHANNEL = ("v", "ctx", "h1", "gelu", "out")  # INT8 with per-channel scales (when enabled)
INT16 = ("res1", "res2", "ffn1")


@dataclass
class IntModel:
    """Integer parameters of every layer; ``s_in`` is the INT8 scale of layer 0's input."""

    s_in: np.ndarray  # scalar or per-channel
    layers: list[LayerQuant]
    calib: CalibConfig

    def to_arrays(self) -> dict[str, np.ndarray]:
        out = {"s_in": np.asarray(self.s_in, np.float64), "n_layers": np.int64(len(self.layers))}
        for i, lq in enumerate(self.layers):
            out.update(lq.to_arrays(f"L{i}_"))
        return out

    @classmethod
    def from_arrays(cls, d) -> "IntModel":
        n = int(d["n_layers"])
        return cls(
            s_in=np.asarray(d["s_in"], np.float64),
            layers=[LayerQuant.from_arrays(d, f"L{i}_") for i in range(n)],
            calib=CalibConfig(),
        )


def collect_stats(calib_ids: list[np.ndarray], model: MiniLM, calib: CalibConfig) -> tuple[float, list[dict]]:
    """Clipping ranges of the embedding output and of every layer's activations."""
    per_layer: list[dict[str, list]] = [{n: [] for n in STAT_TENSORS} for _ in model.layers]
    emb = []
    for ids in calib_ids:
        traces: list[dict] = []
        encode_float(ids, model, traces)
        emb.append(traces[0]["x"].numpy())
        for i, tr in enumerate(traces):
            for n in STAT_TENSORS:
                per_layer[i][n].append(tr[n].numpy())
    axis = 0 if calib.per_channel else None
    s_emb = calib_stat(np.concatenate(emb, axis=0), calib.chan_act, axis)
    return s_emb, [layer_stats(acc, calib) for acc in per_layer]


def layer_stats(acc: dict[str, list], calib: CalibConfig) -> dict:
    """Clipping ranges of one layer from its float activations (lists of (T, C) arrays)."""
    axis = 0 if calib.per_channel else None
    st = {}
    for n, vals in acc.items():
        v = np.concatenate(vals, axis=0)  # (tokens, channels)
        if n in PER_CHANNEL:
            st[n] = calib_stat(v, calib.chan_act, axis)
        elif n in INT16:
            st[n] = float(calib_stat(v, "max")) * calib.int16_headroom
        else:
            st[n] = float(calib_stat(v, calib.act))
    st["pred"] = max(st["q"], st["k"])
    return st


def calibrate(calib_ids: list[np.ndarray], calib: CalibConfig | None = None, model: MiniLM | None = None) -> IntModel:
    """Integer MiniLM from the clipping ranges measured on ``calib_ids``."""
    calib = calib or CalibConfig()
    m = check_model(model)
    return calibrate_from_stats(collect_stats(calib_ids, m, calib), calib, m)


def calibrate_from_stats(stats: tuple[object, list[dict]], calib: CalibConfig | None = None,
                         model: MiniLM | None = None) -> IntModel:
    """Integer MiniLM from given clipping ranges: the ``(s_emb, per-layer)`` result of
    :func:`collect_stats` (or the committed ones, ``models.weights.calibration_stats``)."""
    calib = calib or CalibConfig()
    m = check_model(model)
    s_emb, stats = stats
    s_x = np.asarray(s_emb) / 127
    layers = []
    for i, w in enumerate(m.layers):
        s_out = stats[i]["out"] / 127
        layers.append(calibrate_layer(w, stats[i], s_x, s_out, w.heads))
        s_x = s_out
    return IntModel(s_in=np.asarray(s_emb) / 127, layers=layers, calib=calib)


def encode_int(
    ids: np.ndarray,
    im: IntModel,
    cfg: SplsConfig | Schedule | None = None,
    model: MiniLM | None = None,
    traces: list | None = None,
) -> tuple[np.ndarray, np.ndarray, OpCount]:
    """(INT8 last hidden state, its float dequantization, total OpCount).

    ``ids``: 1 to T_MAX (128, the RTL's) token ids in [0, vocabulary - 1].  ``cfg``: a
    per-layer :class:`~models.schedule.Schedule` (or its list/dict/JSON form), or one
    :class:`~models.spls.SplsConfig` for every layer (None = dense)."""
    m = check_model(model)
    im = check_int_model(im, m)
    sched = check_cfg(cfg, len(im.layers))
    checks.trace_list(traces, "traces")
    check_ids(ids, m, T_MAX, "the RTL's T_MAX")
    x = int_input(ids, im, m)
    ops = OpCount(pred_weight=sched.pred_weight)
    for lq, lcfg in zip(im.layers, sched):
        tr = {} if traces is not None else None
        x, o = int_layer(x, lq, lcfg, tr)
        ops += o
        if traces is not None:
            traces.append(tr)
    return x, dequantize(x, im.layers[-1].scales["s_out"]), ops


def check_int_model(im, model: MiniLM) -> IntModel:
    """``im``, an IntModel of ``model``'s hidden size."""
    checks.instance(im, "im", IntModel, "an IntModel (calibrate, weights.default_int_model)")
    if not im.layers:
        checks.fail("im", "an integer model without layers")
    if im.layers[0].hidden != model.word.shape[1]:
        checks.fail("im", f"hidden size {im.layers[0].hidden}, the float model's is {model.word.shape[1]}")
    return im


def check_cfg(cfg, n_layers: int) -> Schedule:
    """The schedule of ``cfg`` (None = dense) for ``n_layers`` layers; errors name ``cfg``."""
    if cfg is None:
        return Schedule.uniform(SplsConfig(), n_layers)
    try:
        return Schedule.of(cfg).for_layers(n_layers)
    except ValueError as exc:
        checks.fail("cfg", str(exc))


def int_input(ids: np.ndarray, im: IntModel, model: MiniLM | None = None) -> np.ndarray:
    """INT8 input of layer 0: the float embedding, computed in float64 so that its
    quantization does not depend on the CPU's float32 kernels, quantized with ``s_in``."""
    import torch

    return quantize_input(embed_float(ids, check_model(model), torch.float64).numpy(), im.s_in)


def embed_int(ids, im: IntModel, cfg: SplsConfig | Schedule | None = None, model: MiniLM | None = None):
    """Sentence embedding of the integer model (pooled, L2-normalised) and its OpCount."""
    _, h, ops = encode_int(ids, im, cfg, model)
    return pool(h), ops


def embed_float_pooled(ids, model: MiniLM | None = None) -> np.ndarray:
    """Sentence embedding of the float model (pooled, L2-normalised)."""
    return pool(encode_float(ids, model).numpy())
