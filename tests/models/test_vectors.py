"""Committed traces replay deterministically through the golden model."""

import json

import numpy as np

from models import vectors
from models.encoder import encode_int
from models.spls import SplsConfig


def test_committed_traces_replay_bit_exact(int_model):
    problems = vectors.check(int_model)
    assert problems == [], problems[:10]


def test_compact_trace_contents(int_model):
    man = json.loads((vectors.VEC / "manifest.json").read_text())
    assert man["params_sha256"] == vectors.params_digest(int_model)
    f = next(x for x in man["ci_files"] if x["mode"] == "spls")
    tr = vectors.load_trace(vectors.REPO / f["file"])
    cfg = SplsConfig(**json.loads(str(tr["config"])))
    out, _, _ = encode_int(tr["ids"], int_model, cfg)
    assert np.array_equal(out, tr["L5_out"])
    keep = vectors.unpack(tr, "L0_keep")
    T = len(tr["ids"])
    assert keep.shape == (12, T, T)
    assert np.all(keep.sum(-1) == cfg.k_for(T))
    assert tr["L0_rep"].shape == (T,)


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
