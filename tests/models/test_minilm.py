"""The float reference layer against transformers' BertLayer on all-MiniLM-L6-v2."""

import os

import numpy as np
import pytest
import torch

from models.minilm import (
    LAYERS,
    bert_layer_float,
    embed_float,
    encode_float,
    load_minilm,
    model_dir,
    pool,
    tokenize,
)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

TEXT = (
    "The json module exposes an API familiar to users of the standard library marshal "
    "and pickle modules, and encodes Python objects as JSON strings."
)


@pytest.fixture(scope="module")
def hf_model():
    from transformers import BertModel

    m = BertModel.from_pretrained(str(model_dir()), attn_implementation="eager")
    m.eval()
    return m


def test_every_layer_matches_transformers_bertlayer(hf_model):
    ids = tokenize(TEXT)
    m = load_minilm()
    x = embed_float(ids, m)
    with torch.no_grad():
        emb = hf_model.embeddings(input_ids=torch.as_tensor(ids)[None])[0]
        assert torch.max(torch.abs(emb - x)).item() < 1e-5
        for i in range(LAYERS):
            ref = hf_model.encoder.layer[i](x[None])
            ref = ref[0] if isinstance(ref, tuple) else ref
            ref = ref[0]
            ours = bert_layer_float(x, m.layers[i])
            err = torch.max(torch.abs(ref - ours)).item()
            assert err < 1e-5, f"layer {i}: max abs error {err}"
            x = ref


def test_whole_model_and_pooling_match_transformers(hf_model):
    ids = tokenize(TEXT)
    ours = encode_float(ids)
    with torch.no_grad():
        ref = hf_model(input_ids=torch.as_tensor(ids)[None]).last_hidden_state[0]
    assert torch.max(torch.abs(ours - ref)).item() < 1e-4
    e = pool(ours)
    assert abs(np.linalg.norm(e) - 1.0) < 1e-9
    assert float(np.dot(e, pool(ref))) > 0.999999


def test_trace_names_and_shapes():
    ids = tokenize(TEXT)
    tr = []
    encode_float(ids, traces=tr)
    T = len(ids)
    assert len(tr) == LAYERS
    assert tr[0]["scores"].shape == (12, T, T)
    assert tr[0]["ffn1"].shape == (T, 1536)
    assert torch.allclose(tr[0]["probs"].sum(-1), torch.ones(12, T), atol=1e-5)


def test_tokenize_truncates_and_validates():
    ids = tokenize("word " * 400, max_tokens=128)
    assert len(ids) == 128 and ids[0] == 101 and ids[-1] == 102
    with pytest.raises(ValueError, match="max_tokens"):
        tokenize("x", max_tokens=2)
