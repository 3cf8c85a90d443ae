"""make accuracy: the sweep's composition and a small end-to-end run of the report."""

from __future__ import annotations

import json

import pytest

from models.accuracy import cli as accuracy
from models.schedule import Schedule, default_schedule


def test_sweep_composition():
    rows = accuracy.sweep("full", ("base",))
    labels = [s.label for s in rows]
    assert len(labels) == len(set(labels)), "a scheme is evaluated twice"
    assert rows[0].family == "dense" and rows[0].schedule.is_dense
    fams = {s.family for s in rows}
    assert {"uniform", "topk", "sanger"} <= fams
    # the default schedule is always a row, whatever the sweep
    key = Schedule(default_schedule().layers).key
    for kind in ("full", "quick", "default"):
        assert key in [s.label for s in accuracy.sweep(kind, ("base",))], kind
    # baselines and uniform points run the base weights only
    assert all(s.weights == "base" for s in rows if s.family in ("topk", "sanger"))
    assert len(accuracy.sweep("quick", ("base",))) < len(rows)


def test_sweep_rejects_unknown_kind():
    with pytest.raises(ValueError, match="sweep"):
        accuracy.sweep("everything", ("base",))


def test_report_end_to_end(tmp_path):
    """8 short texts, dense + default: the float row scores 0 loss against itself, the
    headline figures are the default row's, every output is written."""
    rep = accuracy.evaluate(8, "default", 1, ("base",), regimes=("short",), cache=False)
    accuracy.finish(rep)
    rows = rep["regimes"]["short"]["schemes"]
    fl = rows["dense_float"]
    assert fl["loss_top1"] == 0 and fl["lost"] == 0 and fl["gained"] == 0
    assert fl["cosine_min"] == pytest.approx(1.0, abs=1e-6)
    key = Schedule(default_schedule().layers).key
    if rep["settings"]["default_weights"] == "base":
        assert rep["default_scheme"] == key
        assert rep["reduction_pct"] == rows[key]["reduction_pct"]
        assert rep["accuracy_loss_pts"] == rows[key]["loss_top1"]
    dense = next(r for r in rows.values() if r["family"] == "dense")
    assert dense["reduction_pct"] == 0
    assert not default_schedule().is_dense and rows[key]["reduction_pct"] > 0
    out, docs = tmp_path / "acc.json", tmp_path / "docs" / "accuracy.md"
    accuracy.write_outputs(rep, out, docs)
    assert json.loads(out.read_text())["regimes"]["short"]["texts"] == 8
    assert (tmp_path / "docs" / "accuracy_frontier.png").stat().st_size > 1000
    assert key in docs.read_text()
    tol = json.loads((tmp_path / "docs" / "accuracy_tolerances.json").read_text())
    assert set(tol["regimes"]["short"]) == set(rows)
