"""Sparsity-aware distillation (models/accuracy/finetune.py): the student's float SPLS layer, its
masks against the integer model's, a short training run, the delta and its merge."""

import dataclasses
import math

import numpy as np
import pytest
import torch

from models import weights
from models.accuracy import finetune as ft
from models.encoder import collect_stats, encode_int
from models.int_layer import CalibConfig
from models.minilm import HEADS, LN_EPS, encode_float, gelu, load_minilm
from models.schedule import Schedule
from models.spls import SplsConfig

SPARSE = SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.75)
# every layer sparse, with the refinements (integer threshold, separate FFN threshold)
# and the top-k baseline, so that every branch of the mask code is compared
MIXED = Schedule((SPARSE, SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.6, ffn_tau=0.9),
                  SplsConfig("topk", keep_ratio=0.3), SplsConfig("spls", k=9, window=3, thr=60),
                  SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.5, ffn_reuse=False), SPARSE))


@pytest.fixture(scope="module")
def base():
    return load_minilm()


@pytest.fixture(scope="module")
def int_model():
    """The base integer model (the student's masks use its scales), whatever $WEIGHTS says."""
    return weights.int_model("base")


@pytest.fixture(scope="module")
def ids3(token_ids):
    return [token_ids[0], token_ids[2], token_ids[6]]  # different lengths: padding


def test_everything_kept_student_equals_dense_float(base, int_model, ids3):
    assert len({len(i) for i in ids3}) == 3
    for sched in (Schedule.uniform(SplsConfig("spls", keep_ratio=1.0, window=1)), ft.dense_schedule()):
        h, valid = ft.Student(base, sched, int_model).forward(ids3)
        for b, ids in enumerate(ids3):
            assert valid[b].sum() == len(ids)
            ref = encode_float(ids, base).numpy()
            assert np.abs(h[b, : len(ids)].detach().numpy() - ref).max() < 1e-5


def test_prediction_operands_are_the_integer_models(base, int_model):
    for w, lq in zip(base.layers, int_model.layers):
        po = ft.pred_operands(w.wq, w.bq, w.wk, w.bk, lq.scales["s_x"], float(lq.scales["s_pred"]))
        for a, b in ((po.wq, lq.wq), (po.bq, lq.bq), (po.wk, lq.wk), (po.bk, lq.bk),
                     (po.pshift_q, lq.pshift_q), (po.pshift_k, lq.pshift_k)):
            assert np.array_equal(a, b)


def test_masks_equal_the_integer_models_on_its_input(base, int_model, ids3):
    """Given the integer model's INT8 layer input, the student's mask code reproduces
    keep, rep and rep_ffn of int_layer exactly (every layer, every scheme branch)."""
    st = ft.Student(base, MIXED, int_model)
    n_reused = 0
    for ids in ids3:
        traces = []
        encode_int(ids, int_model, MIXED, traces=traces)
        for i, tr in enumerate(traces):
            keep, rep, rep_ffn = ft.spls_masks(tr["x"], st._operands(i, st.weights(i), MIXED[i]), MIXED[i])
            assert np.array_equal(keep, tr["keep"]), i
            assert np.array_equal(rep, tr["rep"]) and np.array_equal(rep_ffn, tr["rep_ffn"]), i
            n_reused += int((rep != np.arange(len(rep))).sum())
    assert n_reused > 0


def test_student_forward_masks_track_the_integer_model(base, int_model, ids3):
    """In its own forward the student quantizes its float layer input: layer 0 (the
    float64 embedding, as int_input) gives the integer model's masks exactly; later
    layers see a float input instead of the integer model's and agree mostly."""
    sched = Schedule.uniform(SPARSE)
    masks = []
    ft.Student(base, sched, int_model).forward(ids3, masks=masks)
    for b, ids in enumerate(ids3):
        traces = []
        encode_int(ids, int_model, sched, traces=traces)
        keep, rep, _ = masks[0][b]
        assert np.array_equal(keep, traces[0]["keep"]) and np.array_equal(rep, traces[0]["rep"])
        for i in range(1, 6):
            keep, rep, _ = masks[i][b]
            kept = (keep & traces[i]["keep"]).sum() / traces[i]["keep"].sum()
            assert kept >= 0.7, (b, i, kept)  # measured 0.76-0.92
            assert (rep == traces[i]["rep"]).mean() >= 0.6, (b, i)


def _reference_layer(x, w, keep, rep, rep_ffn):
    """Float SPLS layer of one text written out directly (per head, per row)."""
    t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32)  # noqa: E731
    T, d = x.shape
    dh = d // HEADS
    q, k, v = x @ t(w.wq).T + t(w.bq), x @ t(w.wk).T + t(w.bk), x @ t(w.wv).T + t(w.bv)
    ctx = torch.zeros(T, d)
    for h in range(HEADS):
        sl = slice(h * dh, (h + 1) * dh)
        for r in range(T):
            cols = np.flatnonzero(keep[h, r])
            p = torch.softmax(q[r, sl] @ k[cols, sl].T / math.sqrt(dh), -1)
            ctx[r, sl] = p @ v[cols, sl]
    y_o = (ctx @ t(w.wo).T + t(w.bo))[torch.as_tensor(rep)]
    h1 = torch.nn.functional.layer_norm(y_o + x, (d,), t(w.ln1_g), t(w.ln1_b), LN_EPS)
    y2 = (gelu(h1 @ t(w.w1).T + t(w.b1)) @ t(w.w2).T + t(w.b2))[torch.as_tensor(rep_ffn)]
    return torch.nn.functional.layer_norm(y2 + h1, (d,), t(w.ln2_g), t(w.ln2_b), LN_EPS)


def test_student_layers_are_the_float_spls_layer(base, int_model, ids3):
    masks, outs = [], []
    st = ft.Student(base, MIXED, int_model)
    st.forward(ids3, masks=masks, layer_outputs=outs)
    for b, ids in enumerate(ids3):
        T = len(ids)
        x = ft.embed_float(ids, base)
        for i in range(6):
            keep, rep, rep_ffn = masks[i][b]
            ref = _reference_layer(x, base.layers[i], keep, rep, rep_ffn)
            got = outs[i][b, :T].detach()
            assert (got - ref).abs().max() < 1e-4, (b, i)
            x = got
        # reused rows really take the representative's attention output (not their own)
        assert any((m[b][1] != np.arange(T)).any() for m in masks)


def test_masks_are_constants_and_gradients_reach_the_delta(base, int_model, ids3):
    delta = ft.Delta(base, "lora", 4, layers=[3, 5], seed=1)
    st = ft.Student(base, Schedule.uniform(SPARSE), int_model, delta)
    te = ft.Student(base, ft.dense_schedule())
    loss, parts = ft.distill_loss(st, te, ids3, cos_weight=10.0, hidden_weight=1.0)
    loss.backward()
    assert 0 < parts["mse"] < 1 and 0 < parts["cos"] < 0.2 and parts["hidden"] > 0
    for name, p in delta.params.items():
        # B is zero: only the B factors get a gradient at the start
        assert (p.grad.abs().sum() > 0) == name.endswith(".B"), name
    assert set(int(k.split(".")[0][1:]) for k in delta.params) == {3, 5}
    assert delta.n_params == 2 * 4 * (4 * 2 * 384 + 2 * (384 + 1536))


def test_loss_falls_when_the_masks_stay_fixed(base, int_model, ids3):
    """A delta on layer 5's V/O/FFN matrices cannot move any mask (layer 5's input and
    W_Q/W_K are the base ones): the masks stay fixed and three AdamW steps on one batch
    lower the loss at every step.  (With deltas that reach W_Q/W_K or earlier layers the
    masks are recomputed from the changed weights and the loss is not monotone.)"""
    torch.manual_seed(0)
    delta = ft.Delta(base, "lora", 8, layers=[5], matrices=("wv", "wo", "w1", "w2"))
    st = ft.Student(base, Schedule.uniform(SPARSE), int_model, delta)
    te = ft.Student(base, ft.dense_schedule())
    opt = torch.optim.AdamW(delta.parameters(), lr=1e-3)
    losses, masks = [], []
    for _ in range(3):
        m = []
        loss, _ = ft.distill_loss(st, te, ids3[:2], cos_weight=10.0, masks=m)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        masks.append(m)
    assert losses[2] < losses[1] < losses[0], losses
    for m in masks[1:]:
        for layer, layer0 in zip(m, masks[0]):
            for (k, r, f), (k0, r0, f0) in zip(layer, layer0):
                assert np.array_equal(k, k0) and np.array_equal(r, r0) and np.array_equal(f, f0)


def test_short_training_run_writes_a_delta_that_merges_exactly(base, tmp_path):
    cfg = ft.FinetuneConfig(steps=3, batch=2, max_train_texts=2, val_texts=2, eval_every=3,
                            packages=("click",), out=str(tmp_path), docs_png=None, progress=False)
    r = ft.train(cfg)
    losses = [s["loss"] for s in r["train_curve"]]
    assert len(losses) == 3 and all(np.isfinite(losses)) and all(0 < v < 5 for v in losses)
    assert [v["step"] for v in r["val_curve"]] == [0, 3]
    assert r["val_curve"][0]["loss"] > 0 and np.isfinite(r["val_curve"][-1]["loss"])
    assert (tmp_path / "finetune.json").exists() and (tmp_path / "finetune_loss.png").stat().st_size > 1000
    curve = (tmp_path / "finetune_curve.csv").read_text().splitlines()
    assert curve[0].startswith("step,mse,cos,loss") and len(curve) == 4
    assert r["train_curve"][0]["lr"] == pytest.approx(5e-4)  # warm-up of 1 step, then cosine decay
    assert r["train_curve"][2]["lr"] == pytest.approx(2.5e-4)
    assert r["delta"]["n_params"] == 331776 and r["corpus"]["digest"] and r["schedule"]["layers"]
    assert r["command"].startswith("python -m models.accuracy.finetune --steps 3")
    arrays, meta = weights.load_delta(tmp_path / "lora_delta.npz")
    assert meta["scale"] == 1.0 and meta["target"] == "lora"
    merged = weights.merged_minilm(tmp_path / "lora_delta.npz")
    assert weights.merged_minilm(tmp_path / "lora_delta.npz") is merged  # cached
    changed = 0
    for i, (wb, wm) in enumerate(zip(base.layers, merged.layers)):
        for n in ft.LORA_WEIGHTS:
            ba = meta["scale"] * (arrays[f"L{i}.{n}.B"].astype(np.float64) @ arrays[f"L{i}.{n}.A"])
            diff = getattr(wm, n).astype(np.float64) - getattr(wb, n)
            assert np.abs(diff - ba).max() < 1e-6
            changed += int(np.abs(ba).max() > 0)
        for n in ("bq", "ln1_g", "b2"):
            assert np.array_equal(getattr(wm, n), getattr(wb, n))
    assert changed == 36  # training moved every B
    assert np.array_equal(merged.word, base.word)


def test_delta_file_size_bound_and_lnbias(base, tmp_path):
    d = ft.Delta(base, "lora", 8, seed=0)
    g = torch.Generator().manual_seed(0)
    for k, p in d.params.items():  # a trained delta: incompressible values everywhere
        p.data = torch.randn(p.shape, generator=g) * 1e-3
    path = ft.save_delta(d, tmp_path / "delta.npz")
    size = path.stat().st_size
    assert 1.2e6 < size < ft.MAX_DELTA_BYTES, size
    ln = ft.Delta(base, "lnbias")
    assert ln.n_params == 6 * (4 * 384 + 1536 + 384 + 4 * 384)
    for p in ln.params.values():
        p.data += 0.01
    arrays, meta = ln.to_arrays(), ln.meta()
    arrays.pop("meta")
    m = weights.merge_delta(base, arrays, meta)
    assert np.allclose(m.layers[2].ln2_b - base.layers[2].ln2_b, 0.01, atol=1e-6)
    assert np.array_equal(m.layers[2].wq, base.layers[2].wq)
    with pytest.raises(ValueError, match="rank"):
        ft.Delta(base, "lora", 9)


def test_merged_model_calibrates(base, tmp_path, token_ids):
    """The merged MiniLM is the dataclass collect_stats/calibrate take; a zero delta
    leaves the statistics unchanged."""
    d = ft.Delta(base, "lora", 8, seed=0)  # B = 0
    path = ft.save_delta(d, tmp_path / "zero.npz")
    merged = weights.merged_minilm(path)
    assert isinstance(merged, type(base)) and dataclasses.is_dataclass(merged)
    calib = [token_ids[1]]
    s0, st0 = collect_stats(calib, base, CalibConfig())
    s1, st1 = collect_stats(calib, merged, CalibConfig())
    assert np.array_equal(s0, s1)
    for a, b in zip(st0, st1):
        assert all(np.array_equal(a[k], b[k]) for k in a)
