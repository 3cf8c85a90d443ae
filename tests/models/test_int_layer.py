"""The integer encoder layer (models/int_layer.py, models/encoder.py)."""

import numpy as np
import pytest
import torch

from models import weights
from models.encoder import IntModel, embed_float_pooled, embed_int, encode_int, int_input
from models.int_layer import LayerQuant, dequantize, int_layer
from models.minilm import bert_layer_float
from models.spls import SplsConfig

# Stated tolerances of the integer model against the float reference
LAYER_OUT_COS = 0.995  # one layer, same (dequantized) input
EMBED_COS = 0.98  # pooled sentence embedding after 6 layers, per sentence


def _cos(a, b):
    a, b = np.ravel(a), np.ravel(b)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def _float_of(int_model):
    """The float model the default integer model was calibrated from (its weights:
    base or finetuned): the stated tolerances are integer against float of the same
    weights; losses against the original model are make accuracy's business."""
    return weights.float_model(weights.selected_weights())


def test_each_layer_tracks_the_float_layer(int_model, token_ids):
    m = _float_of(int_model)
    ids = token_ids[-1]
    x = int_input(ids, int_model, m)
    s_x = int_model.s_in
    for i, lq in enumerate(int_model.layers):
        out, _ = int_layer(x, lq)
        ref = bert_layer_float(torch.tensor(dequantize(x, s_x), dtype=torch.float32), m.layers[i]).numpy()
        c = _cos(dequantize(out, lq.scales["s_out"]), ref)
        assert c >= LAYER_OUT_COS, f"layer {i}: cosine {c:.5f}"
        x, s_x = out, lq.scales["s_out"]


def test_sentence_embeddings_track_float(int_model, token_ids):
    m = _float_of(int_model)
    for ids in token_ids:
        c = float(embed_float_pooled(ids, m) @ embed_int(ids, int_model)[0])
        assert c >= EMBED_COS, c


def test_sparse_path_with_everything_kept_is_bit_exact_dense(int_model, token_ids):
    ids = token_ids[7]
    dense, _, ops_d = encode_int(ids, int_model)
    for cfg in (SplsConfig("spls", keep_ratio=1.0, window=1), SplsConfig("topk", keep_ratio=1.0)):
        sparse, _, ops = encode_int(ids, int_model, cfg)
        assert np.array_equal(dense, sparse), cfg.label
        assert ops.executed_total == ops_d.executed_total == ops_d.dense_total
        assert ops.prediction > 0 and ops.reduction_pct < 0  # prediction is pure overhead here


def test_reused_rows_copy_their_representative(int_model, token_ids):
    x = int_input(token_ids[8], int_model, _float_of(int_model))
    lq = int_model.layers[0]
    tr = {}
    cfg = SplsConfig("spls", keep_ratio=0.5, window=4, tau=0.3)
    out, ops = int_layer(x, lq, cfg, tr)
    rep = tr["rep"]
    reused = np.flatnonzero(rep != np.arange(len(rep)))
    assert len(reused) > 0
    assert np.array_equal(tr["ctx"][reused], tr["ctx"][rep[reused]])
    assert np.array_equal(tr["y_o"][reused], tr["y_o"][rep[reused]])
    assert np.array_equal(tr["y_2"][reused], tr["y_2"][rep[reused]])
    # residual paths stay per token
    assert np.array_equal(tr["x_r"], lq.rq_xr(x))
    T, d, f, H = x.shape[0], 384, 1536, 12
    R = T - len(reused)
    assert ops.executed["ffn"] == 2 * R * d * f
    assert ops.executed["out_proj"] == R * d * d
    assert ops.executed["attention"] == 2 * int(tr["keep"][:, rep == np.arange(T)].sum()) * 32
    assert ops.prediction == 2 * T * d * d + H * T * T * 32
    assert 0 < ops.executed_total < ops.dense_total


def test_ffn_reuse_switch(int_model, token_ids):
    x = int_input(token_ids[8], int_model, _float_of(int_model))
    tr = {}
    int_layer(x, int_model.layers[0], SplsConfig("spls", keep_ratio=0.5, window=4, tau=0.3, ffn_reuse=False), tr)
    assert len(tr["ffn_rows"]) == x.shape[0]


def test_layer_params_round_trip_through_arrays(int_model, token_ids):
    arrays = int_model.to_arrays()
    im2 = IntModel.from_arrays(arrays)
    ids = token_ids[9]
    cfg = SplsConfig("spls", keep_ratio=0.5, window=3, tau=0.5)
    assert np.array_equal(encode_int(ids, int_model, cfg)[0], encode_int(ids, im2, cfg)[0])
    assert isinstance(im2.layers[0], LayerQuant)


def test_bad_inputs_raise_clear_errors(int_model):
    lq = int_model.layers[0]
    with pytest.raises(ValueError, match="^x: expected integers"):
        int_layer(np.zeros((4, 384), np.float32), lq)
    with pytest.raises(ValueError, match="^x: value 300 outside the INT8 range"):
        int_layer(np.full((4, 384), 300), lq)
    with pytest.raises(ValueError, match="^x: expected shape"):
        int_layer(np.zeros((4, 100), np.int64), lq)
    with pytest.raises(ValueError, match="^k: 5 exceeds the sequence length"):
        int_layer(np.zeros((4, 384), np.int64), lq, SplsConfig("spls", k=5))
