"""The analytical cycle model of esact_top reproduces the RTL's measured counters."""

import json

import numpy as np
import pytest

from models import cycle_model as cm
from models import vectors

REF = json.loads((vectors.VEC / "cycle_ref.json").read_text())
COUNTED = [s for s in cm.STAGES if s != "out"]  # OUT includes the testbench's random back-pressure


def _hw(run) -> cm.HwParams:
    return cm.HwParams(**REF["params"][run["build"]])


def _masks(run):
    m = run["masks"]
    if m is None:
        return None
    if "trace" in m:
        return cm.masks_from_trace(vectors.load_trace(vectors.REPO / m["trace"]), m["layer"])
    t, h = run["config"]["t"], run["config"]["h"]
    assert m["colneed"] == "all"
    return {"rep": np.asarray(m["rep"]), "colneed": np.ones((h, t), bool)}


def _model(run, **kw):
    c = run["config"]
    return cm.layer_cycles(_hw(run), c["t"], c["d"], c["h"], c["f"], c["sparse"], c["ffn_reuse"], c["overlap"],
                           _masks(run), **kw)


@pytest.mark.parametrize("run", REF["runs"], ids=[r["context"] for r in REF["runs"]])
def test_reproduces_measured_counters(run):
    """Every computing stage, CYCLES and the MAC counters are exact; OUT (not in
    CYCLES) is the always-ready-sink bound of the measured, back-pressured stage."""
    p, m = _model(run), run["measured"]
    assert {s: p["stage_cycles"][s] for s in COUNTED} == {s: m["stage_cycles"][s] for s in COUNTED}
    assert (p["cycles"], p["exec_macs"], p["skip_macs"]) == (m["cycles"], m["exec_macs"], m["skip_macs"])
    c = run["config"]
    assert p["stage_cycles"]["out"] == 1 + c["t"] * -(-c["d"] // 64)
    assert p["stage_cycles"]["out"] <= m["stage_cycles"]["out"]


def test_stage_sum_and_mac_identity():
    hw = cm.HwParams()
    rng = np.random.default_rng(1)
    for t, h, f in ((1, 1, 8), (22, 12, 1536), (37, 4, 512), (128, 12, 1536)):
        d = 32 * h
        rep = np.arange(t)
        for i in range(1, t):  # random reuse within a window of 4
            if rng.random() < 0.5 and i - rep[i - 1] < 4:
                rep[i] = rep[i - 1]
        reps = np.flatnonzero(rep == np.arange(t))
        colneed = np.zeros((h, t), bool)
        for hh in range(h):  # the keys some representative keeps
            for r in reps:
                colneed[hh, rng.choice(t, size=max(1, t // 4), replace=False)] = True
        masks = {"rep": rep, "colneed": colneed}
        dm = t * (4 * d * d + 2 * d * f) + 2 * h * t * t * 32
        dense = cm.layer_cycles(hw, t, d, h, f, False, False, False, None)
        assert dense["skip_macs"] == 0 and dense["exec_macs"] == dm
        assert dense["stage_cycles"]["pred"] == 0
        for ffn_reuse in (False, True):
            for overlap in (False, True):
                p = cm.layer_cycles(hw, t, d, h, f, True, ffn_reuse, overlap, masks)
                sc = p["stage_cycles"]
                assert p["cycles"] == sum(v for k, v in sc.items() if k != "out")
                assert p["exec_macs"] + p["skip_macs"] == dm
                assert 0 < p["exec_macs"] <= dm
                assert all(0 <= u <= 1 for u in p["pe_util"].values()) and p["pe_util"]["gemm"] > 0
                for s in ("oproj", "ffn", "ln1", "ln2"):  # masks only remove work
                    assert sc[s] <= dense["stage_cycles"][s]
                if overlap:  # K/V of all rows during PRED, only Q in QKV
                    kv = cm.gemm_job(hw, t, cm.tile_widths(hw, d), d, cm.TAIL_REQUANT)[0]
                    assert sc["pred"] == max(cm.pred_unit_cycles(hw, t, d, h), 2 * kv + 1)
                else:
                    assert sc["pred"] == cm.pred_unit_cycles(hw, t, d, h)


def test_gemm_job_tiles_and_drain_bound():
    hw = cm.HwParams()
    w = cm.tile_widths(hw, 384)
    # dense QKV job of 29 rows: 4 row tiles x 48 column tiles x 384 k steps + last drain (5) + 6
    assert cm.gemm_job(hw, 29, w, 384, cm.TAIL_REQUANT) == (4 * 48 * 384 + 5 + 6, 29 * 384 * 384)
    # fewer k steps than the drain of a full row tile: a tile waits for the previous drain
    cyc, macs = cm.gemm_job(hw, 16, [8] * 4, 3, cm.TAIL_REQUANT)
    assert cyc == 3 + 7 * 8 + 8 + 6 and macs == 16 * 32 * 3
    # partial column tiles count only valid columns; a job with nothing selected is one "none" beat
    assert cm.tile_widths(hw, 29) == [8, 8, 8, 5]
    assert cm.tile_widths(hw, 29, [True, False, False, True]) == [8, 5]
    assert cm.gemm_job(hw, 0, w, 384, cm.TAIL_REQUANT) == (cm.TAIL_REQUANT - 1, 0)


def test_prediction_unit_measured():
    # MiniLM T=29: the Q^/K^ prediction and 348 top-k rows (hidden behind K/V generation)
    hw = cm.HwParams()
    assert cm.pred_unit_cycles(hw, 29, 384, 12) == 2 * 29 * 24 * 48 + 8 + 347 * 38 + 42 + 12
    # small build, no overlap (EsactRandomTest, measured): T=32 d=64 H=2 -> 4110, T=1 d=96 H=3 -> 243
    small = cm.HwParams(T_MAX=32, D_MAX=128, F_MAX=256, H_MAX=4)
    assert cm.pred_unit_cycles(small, 32, 64, 2) == 4110
    assert cm.pred_unit_cycles(small, 1, 96, 3) == 243


def test_illegal_configuration_and_missing_masks():
    hw = cm.HwParams()
    with pytest.raises(ValueError):
        cm.layer_cycles(hw, 129, 384, 12, 1536, False, False, False, None)
    with pytest.raises(ValueError):
        cm.layer_cycles(hw, 8, 384, 11, 1536, False, False, False, None)
    with pytest.raises(ValueError):
        cm.layer_cycles(hw, 8, 384, 12, 1530, False, False, False, None)
    with pytest.raises(ValueError):
        cm.layer_cycles(hw, 8, 384, 12, 1536, True, True, True, None)


def test_masks_for_matches_the_committed_trace(int_model):
    """masks_for computes what the scoreboard predicts for the RTL (= the stored trace)."""
    from models.spls import SplsConfig

    from models.schedule import Schedule

    tr = vectors.load_trace(vectors.VEC / "ci" / "short001_spls.npz")
    sched = Schedule.of(str(tr["config"]))
    li = next(i for i, c in enumerate(sched.layers) if c.scheme == "spls")  # the first sparse layer
    cfg = sched[li]
    x = tr["L0_x"] if li == 0 else tr[f"L{li - 1}_out"]
    m = cm.masks_for(int_model.layers[li], x, cfg)
    st = cm.masks_from_trace(tr, li)
    for k in ("rep", "colneed", "keep"):
        assert np.array_equal(m[k], st[k]), k
    assert np.array_equal(m["out"], tr[f"L{li}_out"])
    t = x.shape[0]
    assert m["k"] == cfg.k_for(t) and m["window"] == cfg.window
    assert np.all(m["keep"].sum(-1) == m["k"])
    dense = cm.masks_for(int_model.layers[0], tr["L0_x"], SplsConfig("dense"))
    assert np.array_equal(dense["rep"], np.arange(t)) and dense["colneed"].all()


def test_check_cli(int_model, tmp_path, capsys):
    """--check chains the layers through the golden model and reports exact counters."""
    runs = [dict(r["measured"], context=r["context"], overlap=r["config"]["overlap"], tokens=r["config"]["t"])
            for r in REF["runs"] if r["build"] == "minilm" and r["context"].startswith("short001")]
    path = tmp_path / "EsactTraceTest.json"
    path.write_text(json.dumps(runs))
    assert cm.main(["--check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "short001_spls layer 5" in out and "max over the computing stages and CYCLES: 0.000 %" in out


def test_pred_design_study_orders_the_designs(int_model):
    """--study: the dense schedule gains nothing whatever the PRED design; for a sparse
    schedule a wider prediction unit never slows the sequential design, progressive
    generation hides PRED, and per-head K/V never generates more than row-level K/V."""
    from models.schedule import Schedule
    from models.spls import SplsConfig

    tr = vectors.load_trace(vectors.VEC / "ci" / "short001_spls.npz")
    x0 = tr["L0_x"]
    dense = cm.study(Schedule.uniform(SplsConfig("dense")), x0, elems=(8,))
    assert {round(r["speedup"], 9) for r in dense} == {1.0}
    s = SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.6)
    rows = cm.study(Schedule((SplsConfig("dense"), s, s, s, s, s)), x0, elems=(8, 32))
    by = {(r["pred_elems"], r["mode"]): r for r in rows}
    assert by[(32, "sequential")]["cycles_per_layer"] <= by[(8, "sequential")]["cycles_per_layer"]
    assert by[(32, "per-head K/V")]["cycles_per_layer"] <= by[(32, "sequential")]["cycles_per_layer"]
    assert by[(8, "overlap")]["pred_cycles_sparse_layer"] > by[(32, "overlap")]["pred_cycles_sparse_layer"]
    assert all(r["speedup"] > 1.0 for r in rows)
