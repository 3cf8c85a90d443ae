"""Bad input at the golden model's public entries: a ValueError that names the
parameter and its legal range (issue 18, part 3), never another exception, a NaN or
a silently wrong result.

Explicit cases first, then hypothesis properties over the public API: every generated
input either works (finite output of the right shape) or raises such a ValueError.
The properties run on a small seeded random encoder (hidden 64, 2 heads, 2 layers,
vocabulary 50, 160 positions) so that they are fast; ``derandomize=True`` makes every
run draw the same examples.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from models import intops
from models.cycle_model import HwParams
from models.encoder import calibrate, embed_float_pooled, embed_int, encode_int
from models.hlog import MODES, hlog_encode, hlog_quantize
from models.int_layer import T_MAX, dequantize, int_layer, quantize_input
from models.minilm import MAX_POSITION, MiniLM, embed_float, encode_float, load_minilm, tokenize
from models.quant import imatmul, imatmul_int8, int8_operand, make_requant, qrange, quantize, requant, round_shift, sat
from models.schedule import Schedule
from models.spls import DEFAULT_SPLS, SplsConfig
from models.synthetic import synthetic_weights

REPO = Path(__file__).resolve().parents[2]
VOCAB, POSITIONS, HIDDEN, HEADS, FFN, LAYERS = 50, 160, 64, 2, 128, 2
PARAM = re.compile(r"^[A-Za-z_][\w\[\]]*: ")  # "<parameter>: ..."
PROPERTY = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def small():
    """(float model, integer model) of a seeded random BERT-like encoder."""
    rng = np.random.default_rng(18)
    n = lambda *s: rng.normal(0.0, 1.0, s).astype(np.float32)  # noqa: E731
    m = MiniLM(word=n(VOCAB, HIDDEN), pos=0.1 * n(POSITIONS, HIDDEN), tok_type=0.1 * n(2, HIDDEN),
               emb_ln_g=np.ones(HIDDEN, np.float32), emb_ln_b=np.zeros(HIDDEN, np.float32),
               layers=tuple(synthetic_weights(rng, HIDDEN, HEADS, FFN) for _ in range(LAYERS)))
    im = calibrate([rng.integers(0, VOCAB, t) for t in (5, 9, 16, 32)], model=m)
    return m, im


def raises(param: str, fn, *args, **kw) -> str:
    """Call fn; it must raise a ValueError whose message starts with ``param:``."""
    with pytest.raises(ValueError, match=rf"^{re.escape(param)}: ") as exc:
        fn(*args, **kw)
    return str(exc.value)


def outcome(fn, *args, **kw):
    """fn's result, or None when it raised a ValueError naming a parameter.  Any other
    exception, or a numpy RuntimeWarning (a NaN or an overflow on the way), fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            out = fn(*args, **kw)
        except ValueError as exc:
            assert PARAM.match(str(exc)), f"ValueError without a parameter name: {exc}"
            event(f"{fn.__name__}: ValueError naming {str(exc).split(':')[0]}")
            return None
    event(f"{fn.__name__}: works")
    return out


# ----------------------------------------------------------------------------------
# The cases found on held-out input (the pinned MiniLM)
# ----------------------------------------------------------------------------------
def test_negative_or_too_large_token_id_names_the_vocabulary_range():
    assert raises("ids", embed_float, [101, -3, 102]) == "ids: token id -3 outside [0, 30521]"
    assert raises("ids", encode_float, [101, 30522]) == "ids: token id 30522 outside [0, 30521]"
    raises("ids", embed_float_pooled, np.array([101, -1], np.int32))


def test_more_tokens_than_positions_names_max_position():
    ids = np.full(600, 1000)
    for fn in (embed_float, encode_float, embed_float_pooled):
        assert raises("ids", fn, ids) == "ids: 600 tokens, more than the model's max_position 512"
    assert MAX_POSITION == load_minilm().pos.shape[0] == 512
    assert raises("max_tokens", tokenize, "text", 600) == "max_tokens: 600 outside [3, 512]"


def test_integer_model_refuses_more_than_t_max(small):
    m, im = small  # 160 positions: the RTL's T_MAX (128) is the binding limit
    ids = np.zeros(T_MAX + 1, np.int64)
    for fn in (encode_int, embed_int):
        assert raises("ids", fn, ids, im, None, m) == "ids: 129 tokens, more than the RTL's T_MAX 128"
    msg = raises("x", int_layer, np.zeros((T_MAX + 1, HIDDEN), np.int64), im.layers[0])
    assert msg == "x: 129 rows (tokens); T must be in [1, 128] (the RTL's T_MAX)"
    x, _, _ = encode_int(ids[:T_MAX], im, None, m)  # T_MAX itself runs
    assert x.shape == (T_MAX, HIDDEN)


def test_t_max_is_the_rtl_build_limit():
    """The golden model's T_MAX is esact_top's default parameter (the MiniLM build)."""
    rtl = re.search(r"parameter\s+int\s+unsigned\s+T_MAX\s*=\s*(\d+)", (REPO / "hdl" / "esact_top.sv").read_text())
    assert T_MAX == HwParams().T_MAX == int(rtl.group(1))


def test_empty_ids(small):
    m, im = small
    for fn in (embed_float, encode_float, embed_float_pooled):
        assert raises("ids", fn, [], m) == "ids: 0 tokens; T must be in [1, 160] (the model's max_position)"
    for fn in (encode_int, embed_int):
        assert raises("ids", fn, np.array([], np.int64), im, None, m) == \
            "ids: 0 tokens; T must be in [1, 128] (the RTL's T_MAX)"


@pytest.mark.parametrize("ids, what", [
    ([1.0, 2.0], "got dtype float64"),
    (np.array([1.5]), "got dtype float64"),
    ([np.nan], "got dtype float64"),
    (["hello"], "got dtype <U5"),
    ("hello world", "got a str"),
    ([[1, 2], [3, 4]], "got shape (2, 2)"),
    ([[1, 2], [3]], "not an array of numbers"),
    ([2**70], "got dtype object"),
    ([True, False], "got dtype bool"),
    (None, "got shape ()"),
    (7, "got shape ()"),
])
def test_ids_of_the_wrong_type(small, ids, what):
    m, im = small
    for msg in (raises("ids", embed_float, ids, m), raises("ids", encode_float, ids, m),
                raises("ids", embed_float_pooled, ids, m), raises("ids", embed_int, ids, im, None, m)):
        assert what in msg


def test_quantize_refuses_nan_and_bad_scales():
    assert raises("x", quantize, [0.5, np.nan], 0.1, 8).startswith("x: 1 NaN/inf value(s), the first nan at index (1,)")
    raises("x", quantize, [np.inf], 0.1, 8)
    raises("x", quantize, ["1"], 0.1, 8)
    for bad in (0.0, -1.0, np.nan, [0.1, -0.1], [], "0.1"):
        raises("scale", quantize, [1.0, 2.0], bad, 8)
    raises("scale", quantize, np.ones((4, 3)), np.ones(5), 8)  # does not broadcast
    for bits in (1, 54, 8.0, None):
        raises("bits", quantize, [1.0], 0.1, bits)
    raises("x_float", quantize_input, [[np.nan, 0.0]], 0.1)
    raises("s_x", quantize_input, [[1.0, 0.0]], 0.0)
    raises("x_int", dequantize, [0.5], 0.1)
    raises("scale", dequantize, [1], -0.1)


# ----------------------------------------------------------------------------------
# Every entry: wrong types and ranges
# ----------------------------------------------------------------------------------
def test_float_model_entries(small):
    m, _ = small
    raises("text", tokenize, 5)
    for bad in (2, 3.5, True):
        raises("max_tokens", tokenize, "text", bad)
    raises("model", embed_float, [1], "minilm")
    raises("model", encode_float, [1], np.zeros(3))
    raises("dtype", embed_float, [1], m, np.float32)
    raises("dtype", encode_float, [1], m, None, torch.int64)
    raises("traces", encode_float, [1], m, {})


def test_integer_model_entries(small):
    m, im = small
    ids = np.array([1, 2, 3])
    raises("im", encode_int, ids, "im", None, m)
    raises("im", embed_int, ids, im, None, load_minilm())  # hidden 64 vs 384
    raises("traces", encode_int, ids, im, None, m, {})
    for cfg in ("spls", 3, 0.5, [SplsConfig(), DEFAULT_SPLS, SplsConfig()], {"scheme": "magic"}, [{"tau_x": 1}]):
        raises("cfg", encode_int, ids, im, cfg, m)
    msg = raises("cfg", encode_int, ids, im, Schedule((SplsConfig(), DEFAULT_SPLS, SplsConfig())), m)
    assert "3 layer settings, the model has 2 layers" in msg
    raises("k", encode_int, ids, im, SplsConfig("spls", k=4), m)  # k > T


def test_int_layer_entry(small):
    _, im = small
    lq = im.layers[0]
    x = np.zeros((4, HIDDEN), np.int64)
    raises("x", int_layer, x.astype(np.float64), lq)
    raises("x", int_layer, np.full((4, HIDDEN), np.nan), lq)
    raises("x", int_layer, np.full((4, HIDDEN), 128), lq)
    raises("x", int_layer, np.zeros((4, HIDDEN + 1), np.int64), lq)
    raises("x", int_layer, np.zeros((0, HIDDEN), np.int64), lq)
    raises("x", int_layer, np.zeros(HIDDEN, np.int64), lq)
    raises("lq", int_layer, x, im)
    raises("cfg", int_layer, x, lq, Schedule.uniform(DEFAULT_SPLS))
    raises("cfg", int_layer, x, lq, {"scheme": "spls"})
    raises("trace", int_layer, x, lq, None, [])


@pytest.mark.parametrize("kw, param", [
    (dict(scheme="magic"), "scheme"), (dict(scheme=None), "scheme"),
    (dict(keep_ratio=0.0), "keep_ratio"), (dict(keep_ratio=1.5), "keep_ratio"),
    (dict(keep_ratio=float("nan")), "keep_ratio"), (dict(keep_ratio="0.5"), "keep_ratio"),
    (dict(k=0), "k"), (dict(k=1.5), "k"), (dict(k=True), "k"), (dict(k=1 << 16), "k"),
    (dict(window=0), "window"), (dict(window=2.0), "window"), (dict(window=256), "window"),
    (dict(tau=-0.1), "tau"), (dict(tau=None), "tau"), (dict(tau=float("inf")), "tau"),
    (dict(ffn_reuse="no"), "ffn_reuse"), (dict(ffn_tau=1.5), "ffn_tau"),
    (dict(thr=-1), "thr"), (dict(thr=1 << 16), "thr"), (dict(thr=2.0), "thr"),
    (dict(hlog_mode="nearest"), "hlog_mode"), (dict(pred_weight=2.0), "pred_weight"),
    (dict(sanger_threshold=0.0), "sanger_threshold"), (dict(sanger_threshold=1.0), "sanger_threshold"),
    (dict(name=5), "name"),
])
def test_spls_config_fields(kw, param):
    raises(param, SplsConfig, **kw)


def test_schedule_entries(tmp_path):
    raises("layers", Schedule, ())
    raises("layers", Schedule, 5)
    raises("layers[1]", Schedule, (SplsConfig(), "sparse"))
    raises("layers[0]", Schedule, (7,))
    raises("layers[0]", Schedule.of, [{"scheme": "spls", "tau_x": 1}])
    raises("tau", Schedule.of, [{"scheme": "spls", "tau": 2.0}])
    raises("name", Schedule, (SplsConfig(),), 5)
    raises("n_layers", Schedule.uniform, SplsConfig(), 0)
    raises("n_layers", Schedule.uniform, SplsConfig(), True)
    raises("schedule", Schedule.of, "spls")
    raises("schedule", Schedule.of, 3)
    raises("schedule", Schedule((SplsConfig(), DEFAULT_SPLS)).for_layers, 6)
    raises("path", Schedule.load, tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    raises("path", Schedule.load, tmp_path / "bad.json")
    (tmp_path / "num.json").write_text("3")
    raises("path", Schedule.load, tmp_path / "num.json")
    (tmp_path / "few.json").write_text(json.dumps({"layers": [{"scheme": "dense"}, {"scheme": "spls"}]}))
    assert len(Schedule.load(tmp_path / "few.json")) == 2


def test_hlog_entries():
    for width in (2, 33, 8.0, "8", None, True):
        raises("width", hlog_quantize, [1], width)
    for mode in ("nearest", None, 0):
        raises("mode", hlog_quantize, [1], 8, mode)
    assert "got dtype float64" in raises("x", hlog_quantize, [np.nan])
    raises("x", hlog_quantize, [np.inf])
    raises("x", hlog_quantize, [1.0])
    assert raises("x", hlog_quantize, [128]) == "x: value 128 outside the INT8 range [-128, 127]"
    raises("x", hlog_encode, [1 << 20], 16)
    raises("x", hlog_quantize, "12")


def test_quant_entries():
    raises("bits", qrange, 0)
    raises("x", sat, [1.5], 8)
    raises("sh", round_shift, [4], -1)
    raises("sh", round_shift, [4], 64)
    raises("x", round_shift, [np.nan], 1)
    raises("acc", requant, [0.5], 1 << 14, 4, 8)
    raises("mult", requant, [1], 1 << 15, 4, 8)
    raises("mult", requant, [1], -1, 4, 8)
    raises("shift", requant, [1], 1 << 14, 64, 8)
    raises("bits", requant, [1], 1 << 14, 4, 0)
    raises("ratio", make_requant, np.nan, 8)
    raises("ratio", make_requant, [0.5, -1.0], 8)
    raises("ratio", make_requant, 2.0**20, 8)
    raises("a", imatmul, np.ones((2, 2)), np.ones((2, 2), np.int64))
    raises("b", imatmul, np.ones((2, 3), np.int64), np.ones((2, 2), np.int64))
    raises("b", int8_operand, np.full((2, 2), np.nan))
    raises("b", int8_operand, np.full((2, 2), 200))
    b8 = int8_operand(np.ones((3, 2), np.int64))
    raises("a", imatmul_int8, np.full((2, 3), 128), b8)
    raises("a", imatmul_int8, np.ones((2, 4), np.int64), b8)
    raises("b8", imatmul_int8, np.ones((2, 3), np.int64), np.ones((3, 2)))


def test_intops_entries():
    m, sh = intops.softmax_constants(0.05, 0.05, 32)
    keep = np.ones((1, 4), bool)
    raises("scores", intops.softmax_int, np.full((1, 4), np.nan), keep, m, sh)
    raises("scores", intops.softmax_int, np.full((1, 4), 1 << 31), keep, m, sh)
    raises("mult", intops.softmax_int, np.zeros((1, 4), np.int64), keep, -1, sh)
    raises("shift", intops.softmax_int, np.zeros((1, 4), np.int64), keep, m, 64)
    raises("keep", intops.softmax_int, np.zeros((1, 4), np.int64), np.full((1, 4), 2), m, sh)
    raises("s_q", intops.softmax_constants, 0.0, 0.05, 32)
    raises("s_k", intops.softmax_constants, 0.05, np.nan, 32)
    raises("head_dim", intops.softmax_constants, 0.05, 0.05, 0)
    for s_in in (0.0, np.nan, 1e-5, 10.0, "1e-3"):
        raises("s_in", intops.gelu_constants, s_in)
    qb, qc, _ = intops.gelu_constants(1e-3)
    raises("q", intops.gelu_int, [0.5], qb, qc)
    raises("q", intops.gelu_int, [1 << 15], qb, qc)
    raises("qb", intops.gelu_int, [1], 1, qc)
    raises("qc", intops.gelu_int, [1], qb, -1)
    raises("n", intops.isqrt, [-1])
    raises("n", intops.isqrt, [2.0])
    G, B, gf = intops.layernorm_constants(np.ones(4), np.zeros(4), 0.05)
    raises("gamma", intops.layernorm_constants, [np.nan] * 4, np.zeros(4), 0.05)
    raises("s_out", intops.layernorm_constants, np.ones(4), np.zeros(4), 0.0)
    raises("beta", intops.layernorm_constants, np.ones(4), np.zeros(3), 0.05)
    r = np.zeros((2, 4), np.int64)
    raises("r", intops.layernorm_int, r.astype(float), G, B, gf)
    raises("gf", intops.layernorm_int, r, G, B, intops.GF_MAX + 1)
    raises("G", intops.layernorm_int, r, np.full(4, 1 << 15), B, gf)
    raises("G", intops.layernorm_int, r, G[:3], B[:3], gf)


# ----------------------------------------------------------------------------------
# Properties: works (finite, right shape) or a ValueError naming a parameter
# ----------------------------------------------------------------------------------
def mix(*parts):
    """One of ``parts``, each drawn about equally often (``st.one_of`` favours the
    simplest; a part may repeat for weight)."""
    return st.sampled_from(range(len(parts))).flatmap(lambda i: parts[i])


junk = st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(), st.integers(-(2**70), 2**70),
                 st.lists(st.integers(-3, 3), max_size=2))
valid_ids = st.integers(1, 20).flatmap(lambda n: st.lists(st.integers(0, VOCAB - 1), min_size=n, max_size=n))
ids_strategy = mix(
    valid_ids,
    valid_ids,
    valid_ids.map(lambda v: np.array(v, np.int32)),
    st.lists(st.integers(-3, VOCAB + 3), max_size=12),
    st.sampled_from([T_MAX, T_MAX + 1, POSITIONS + 1]).map(lambda n: [1] * n),
    st.lists(junk, max_size=4),
    hnp.arrays(st.sampled_from([np.int8, np.int32, np.uint64, np.float32, np.bool_]),
               hnp.array_shapes(min_dims=0, max_dims=2, max_side=5)),
    junk,
)
# SplsConfig fields: legal values, or legal and illegal ones mixed
legal_fields = {
    "scheme": st.sampled_from(["dense", "spls", "topk", "sanger"]), "keep_ratio": st.floats(0.01, 1),
    "k": st.one_of(st.none(), st.integers(1, 4)), "window": st.integers(1, 5), "tau": st.floats(0, 1),
    "ffn_reuse": st.booleans(), "ffn_tau": st.one_of(st.none(), st.floats(0, 1)),
    "thr": st.one_of(st.none(), st.integers(0, 30)), "hlog_mode": st.sampled_from(MODES),
}
legal_cfg = st.fixed_dictionaries({}, optional=legal_fields)
any_cfg = st.fixed_dictionaries({}, optional={
    **{k: st.one_of(v, junk) for k, v in legal_fields.items()},
    "keep_ratio": st.one_of(st.floats(0, 1.2), junk), "k": st.one_of(st.integers(-1, 6), junk),
    "window": st.one_of(st.integers(0, 300), junk), "tau": st.one_of(st.floats(-0.1, 1.1), junk),
})



legal_spls = legal_cfg.map(lambda kw: SplsConfig(**kw))
cfg_strategy = mix(st.none(), st.sampled_from([DEFAULT_SPLS, SplsConfig("sanger"), SplsConfig("topk")]),
                   legal_spls, legal_spls, st.lists(legal_cfg, min_size=LAYERS, max_size=3), junk)


def check_hidden(h, T):
    h = np.asarray(h)
    assert h.shape == (T, HIDDEN) and np.all(np.isfinite(h))


def check_embedding(e):
    assert e.shape == (HIDDEN,) and np.all(np.isfinite(e)) and np.linalg.norm(e) < 1 + 1e-6


@PROPERTY
@given(ids=ids_strategy)
def test_float_entries_work_or_name_the_parameter(small, ids):
    m, _ = small
    for fn in (embed_float, encode_float):
        h = outcome(fn, ids, m)
        if h is not None:
            check_hidden(h.numpy(), len(ids))
    e = outcome(embed_float_pooled, ids, m)
    if e is not None:
        check_embedding(e)


@settings(PROPERTY, max_examples=40)
@given(ids=ids_strategy, cfg=cfg_strategy)
def test_integer_entries_work_or_name_the_parameter(small, ids, cfg):
    m, im = small
    out = outcome(encode_int, ids, im, cfg, m)
    if out is not None:
        x, h, ops = out
        T = len(ids)
        assert 1 <= T <= T_MAX and x.shape == (T, HIDDEN) and x.min() >= -128 and x.max() <= 127
        check_hidden(h, T)
        assert np.isfinite(ops.reduction_pct)
        e, _ = embed_int(ids, im, cfg, m)
        check_embedding(e)


layer_shapes = st.tuples(st.sampled_from([0, 1, 3, 17, T_MAX + 1]), st.sampled_from([HIDDEN, HIDDEN, HIDDEN - 1]))


@PROPERTY
@given(x=mix(hnp.arrays(np.int8, layer_shapes),
                   hnp.arrays(st.sampled_from([np.int16, np.int64]), layer_shapes, elements=st.integers(-130, 130)),
                   hnp.arrays(st.sampled_from([np.uint8, np.float64, np.bool_]), layer_shapes)),
       kw=mix(legal_cfg, legal_cfg, any_cfg))
def test_int_layer_and_spls_config_work_or_name_the_parameter(small, x, kw):
    _, im = small
    cfg = outcome(SplsConfig, **kw)
    if cfg is None:
        return
    assert isinstance(cfg.label, str)
    out = outcome(int_layer, x, im.layers[0], cfg)
    if out is not None:
        y, ops = out
        assert x.shape[0] <= T_MAX and x.min() >= -128 and x.max() <= 127
        assert y.shape == x.shape and y.min() >= -128 and y.max() <= 127
        assert 0 <= ops.executed_total <= ops.dense_total


@PROPERTY
@given(layers=st.lists(mix(legal_cfg, legal_cfg, legal_cfg, st.sampled_from(["dense", "d", "sparse"]), any_cfg, junk),
                      max_size=3),
       as_json=st.booleans(), name=mix(st.none(), st.none(), st.text(max_size=3), junk))
def test_schedules_work_or_name_the_parameter(small, layers, as_json, name):
    m, im = small
    spec = {"layers": layers, "name": name}
    if as_json:
        spec = outcome(json.dumps, spec, default=str)
    sched = outcome(Schedule.of, spec)
    if sched is None:
        return
    assert 1 <= len(sched) <= 3 and isinstance(sched.label, str)
    sched2 = outcome(sched.for_layers, LAYERS)
    if sched2 is not None:
        assert len(sched2) == LAYERS
        out = outcome(encode_int, np.arange(1, 12), im, sched2, m)
        if out is not None:
            check_hidden(out[1], 11)


small_shapes = hnp.array_shapes(min_dims=0, max_dims=2, max_side=4)


@PROPERTY
@given(x=mix(hnp.arrays(st.sampled_from([np.float64, np.float32, np.int64, np.uint8]), small_shapes), junk),
       scale=mix(st.floats(1e-300, 1e300), st.floats(1e-3, 10), st.floats(), hnp.arrays(np.float64, st.integers(0, 4)),
                 junk),
       bits=mix(st.sampled_from([8, 16, 32]), st.sampled_from([8, 16, 32]), st.integers(-1, 70), junk))
def test_quantize_works_or_names_the_parameter(x, scale, bits):
    q = outcome(quantize, x, scale, bits)
    if q is not None:
        lo, hi = qrange(bits)
        assert q.dtype == np.int64 and q.shape == np.broadcast_shapes(np.shape(x), np.shape(scale))
        assert q.size == 0 or (q.min() >= lo and q.max() <= hi)


@PROPERTY
@given(x=mix(hnp.arrays(st.sampled_from([np.int8, np.int16]), small_shapes),
             hnp.arrays(st.sampled_from([np.int64, np.uint16]), small_shapes, elements=st.integers(0, 300)),
             hnp.arrays(np.float64, small_shapes), junk),
       width=mix(st.sampled_from([3, 8, 12, 13, 16, 32]), st.sampled_from([8, 16]), st.integers(-1, 40), junk),
       mode=mix(st.sampled_from(MODES), st.sampled_from(MODES), junk))
def test_hlog_quantize_works_or_names_the_parameter(x, width, mode):
    y = outcome(hlog_quantize, x, width, mode)
    if y is not None:
        assert y.dtype == np.int64 and y.shape == np.shape(x)
        assert y.size == 0 or (y.min() >= -(1 << (width - 1)) and y.max() <= (1 << (width - 1)) - 1)
