"""models/fused.py: the batched layer with fused kernels equals the specification
(models/int_layer.py int_layer) text by text, bit for bit, and its OpCount is the sum
of the texts'; compiled and eager (ESACT_FUSED=eager) alike."""

import numpy as np
import pytest

from models.encoder import int_input
from models.fused import int_layer_batch
from models.int_layer import int_layer
from models.minilm import load_minilm
from models.spls import SplsConfig

CFGS = [
    SplsConfig("dense"),
    SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.75),
    SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.5),
    SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.75, ffn_tau=0.9),
    SplsConfig("spls", keep_ratio=0.5, window=2, tau=0.6, ffn_reuse=False, hlog_mode="round"),
    SplsConfig("spls", keep_ratio=0.25, window=4, thr=20),
    SplsConfig("topk", keep_ratio=0.25),
    SplsConfig("sanger", sanger_threshold=0.01),
]


def _check(x, lq, cfgs):
    shared: dict = {}
    for cfg in cfgs:
        out, ops = int_layer_batch(x, lq, cfg, shared)
        total = None
        for b in range(x.shape[0]):
            y, o = int_layer(x[b], lq, cfg)
            assert np.array_equal(out[b].numpy().astype(np.int64), y), (cfg.label, b)
            if total is None:
                total = o
            else:
                total += o
        assert (ops.dense, ops.executed, ops.prediction) == (total.dense, total.executed, total.prediction), cfg.label


@pytest.mark.parametrize("mode", ["compile", "eager"])
def test_batch_equals_int_layer_on_text(int_model, token_ids, mode, monkeypatch):
    import models.fused as fused

    monkeypatch.setenv("ESACT_FUSED", mode)
    monkeypatch.setattr(fused, "_KERNELS", {})
    m = load_minilm()
    ids = token_ids[0]
    # three texts of one length: the first one's prefixes would differ in length, so
    # take its ids and two shuffles of them
    rng = np.random.default_rng(1)
    batch = [ids, np.concatenate([ids[:1], rng.permutation(ids[1:-1]), ids[-1:]]), ids[::-1].copy()]
    x = np.stack([int_input(i, int_model, m).astype(np.int8) for i in batch])
    for li in (0, 4):
        _check(x, int_model.layers[li], CFGS)
        x = int_layer_batch(x, int_model.layers[li], CFGS[0])[0].numpy()


def test_batch_equals_int_layer_on_random_input(int_model):
    rng = np.random.default_rng(7)
    for T in (3, 17, 128):
        x = rng.integers(-128, 128, (2, T, int_model.layers[0].hidden)).astype(np.int8)
        _check(x, int_model.layers[2], CFGS)


def test_bad_input_raises(int_model):
    lq = int_model.layers[0]
    with pytest.raises(ValueError, match="x"):
        int_layer_batch(np.zeros((2, 5, 7), np.int8), lq)
    with pytest.raises(ValueError, match="x"):
        int_layer_batch(np.zeros((1, 129, lq.hidden), np.int8), lq)
    with pytest.raises(ValueError, match="x"):
        int_layer_batch(np.zeros((1, 5, lq.hidden), np.int64), lq)
