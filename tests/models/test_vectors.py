"""Committed traces replay deterministically through the golden model."""

import json

import numpy as np

from models import vectors
from models.encoder import encode_int
from models.schedule import Schedule


def test_committed_traces_replay_bit_exact(int_model):
    problems = vectors.check(int_model)
    assert problems == [], problems[:10]


def test_compact_trace_contents(int_model):
    man = json.loads((vectors.VEC / "manifest.json").read_text())
    assert man["params_sha256"] == vectors.params_digest(int_model)
    f = next(x for x in man["ci_files"] if x["mode"] == "spls")
    tr = vectors.load_trace(vectors.REPO / f["file"])
    sched = Schedule.of(str(tr["config"]))
    assert sched.key == vectors.modes()["spls"].key, "the SPLS traces run the committed default schedule"
    out, _, _ = encode_int(tr["ids"], int_model, sched)
    assert np.array_equal(out, tr["L5_out"])
    T = len(tr["ids"])
    sparse = [li for li, c in enumerate(sched.layers) if c.scheme == "spls"]
    assert sparse, "the default schedule has a sparse layer"
    for li, cfg in enumerate(sched.layers):
        assert tr[f"L{li}_rep"].shape == (T,)
        if cfg.scheme == "spls":
            keep = vectors.unpack(tr, f"L{li}_keep")
            assert keep.shape == (12, T, T)
            assert np.all(keep.sum(-1) == cfg.k_for(T))
        else:  # a dense layer of the schedule: identity reuse map, no prediction
            assert np.array_equal(tr[f"L{li}_rep"], np.arange(T))


def test_check_detects_a_changed_trace(int_model, tmp_path, monkeypatch):
    man = json.loads((vectors.VEC / "manifest.json").read_text())
    f = man["ci_files"][0]
    tr = vectors.load_trace(vectors.REPO / f["file"])
    tr["L2_out"] = tr["L2_out"].copy()
    tr["L2_out"][0, 0] ^= 1
    np.savez(tmp_path / "t.npz", **tr)
    man["ci_files"] = [dict(f, file=str(tmp_path / "t.npz"))]
    (tmp_path / "manifest.json").write_text(json.dumps(man))
    monkeypatch.setattr(vectors, "VEC", tmp_path)
    monkeypatch.setattr(vectors, "REPO", tmp_path.parent)
    problems = vectors.check(int_model)
    assert any("L2_out" in p for p in problems), problems
