"""Synthetic encoder layers of any size, quantized with the project's calibration:
stimulus for randomized RTL tests (random dimensions, random weights, extreme value
ranges) with the same integer semantics as the MiniLM layers."""

from __future__ import annotations

import numpy as np

from .encoder import STAT_TENSORS, layer_stats
from .int_layer import CalibConfig, LayerQuant, calibrate_layer, quantize_input
from .minilm import LayerWeights, bert_layer_float


def synthetic_weights(rng: np.random.Generator, d: int, heads: int, f: int, scale: float = 1.0) -> LayerWeights:
    if d % heads:
        raise ValueError(f"d ({d}) must be a multiple of heads ({heads})")
    n = lambda *s: rng.normal(0.0, scale / np.sqrt(s[-1]), s).astype(np.float32)  # noqa: E731
    b = lambda k: rng.normal(0.0, 0.1 * scale, k).astype(np.float32)  # noqa: E731
    return LayerWeights(
        wq=n(d, d), bq=b(d), wk=n(d, d), bk=b(d), wv=n(d, d), bv=b(d), wo=n(d, d), bo=b(d),
        ln1_g=rng.uniform(0.5, 1.5, d).astype(np.float32), ln1_b=b(d),
        w1=n(f, d), b1=b(f), w2=n(d, f), b2=b(d),
        ln2_g=rng.uniform(0.5, 1.5, d).astype(np.float32), ln2_b=b(d),
        heads=heads,
    )


def synthetic_layer(
    rng: np.random.Generator, t: int, d: int, heads: int, f: int, scale: float = 1.0, n_calib: int = 3
) -> tuple[LayerQuant, np.ndarray]:
    """(LayerQuant, INT8 input (t, d)): float weights drawn at random, calibrated on a
    few random inputs, and one more random input quantized with the layer's scale."""
    import torch

    w = synthetic_weights(rng, d, heads, f, scale)
    acc: dict[str, list] = {n: [] for n in STAT_TENSORS}
    xs = [rng.normal(0.0, 1.0, (t, d)).astype(np.float32) for _ in range(n_calib + 1)]
    for x in xs[:n_calib]:
        tr: dict = {}
        bert_layer_float(torch.tensor(x), w, tr)
        for n in STAT_TENSORS:
            acc[n].append(tr[n].numpy())
    calib = CalibConfig()
    stats = layer_stats(acc, calib)
    s_x = np.abs(np.concatenate(xs[:n_calib])).max(axis=0) / 127
    s_out = stats["out"] / 127
    lq = calibrate_layer(w, stats, s_x, s_out, heads)
    return lq, quantize_input(xs[-1], s_x)
