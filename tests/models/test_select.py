"""The default schedule's selection stage (models/accuracy/select.py): candidates from the
recorded allocator paths and the distillation mixture, the choice rule, the holdout guard."""

import json

import pytest

from models.accuracy import select
from models.schedule import Schedule, schedule_from_spec, layer_dict


def _write(folder, name, doc):
    (folder / name).write_text(json.dumps(doc))


def _step(step, spec, red):
    return {"step": step, "schedule": [layer_dict(c) for c in schedule_from_spec(spec).layers], "reduction_pct": red}


def test_candidates_filter_by_reduction_and_dedupe(tmp_path):
    a = "d|d|r0.25w4t0.7|r0.25w4t0.75|r0.25w4t0.8|r0.25w4t0.6"
    b = "d|r0.25w4t0.7|r0.25w4t0.7|r0.25w4t0.65|r0.25w4t0.75|r0.25w4t0.5"
    c = "d|r0.25w4t0.65|r0.25w4t0.65|r0.25w4t0.6|r0.25w4t0.7|r0.25w4t0.5"
    _write(tmp_path, "allocation_base.json", {"steps": [_step(0, "dense", 0.0), _step(4, a, 10.3), _step(15, b, 29.4)]})
    _write(tmp_path, "allocation_finetuned.json", {"steps": [_step(16, b, 29.3)]})
    _write(tmp_path, "distill.json", {"schedules": [
        {"name": "dense", "layers": [{"scheme": "dense"}] * 6},
        {"name": "agg_c", "layers": [layer_dict(x) for x in schedule_from_spec(c).layers]}]})
    got = select.candidates(20.0, tmp_path)
    assert [s.key for _, s, _ in got] == [schedule_from_spec(b).key, schedule_from_spec(c).key]
    assert got[0][0] == "allocation_base step 15" and got[0][2] == 29.4
    assert got[1][0] == "distill agg_c" and got[1][2] is None
    assert len(select.candidates(0.0, tmp_path)) == 3  # the dense step never is a candidate
    with pytest.raises(ValueError, match="min_reduction"):
        select.candidates(100.0, tmp_path)
    # the distillation mixture carries no calibration figure: its schedules always compete
    assert [src for src, _, _ in select.candidates(50.0, tmp_path)] == ["distill agg_c"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no candidate"):
        select.candidates(20.0, empty)


def test_choice_rule_and_default_file(tmp_path):
    rows = [
        {"label": "x", "source": "s1", "schedule": [], "reduction_pct": 20.0, "loss_top1": 0.2,
         "loss_top1_ci": [-1, 1], "loss_acc10": 0.1},
        {"label": "y", "source": "s2", "schedule": [{"scheme": "dense"}] * 6, "reduction_pct": 28.0, "loss_top1": 0.5,
         "loss_top1_ci": [-1, 2], "loss_acc10": 0.3},
        {"label": "z", "source": "s3", "schedule": [], "reduction_pct": 33.0, "loss_top1": 0.51,
         "loss_top1_ci": [0, 2], "loss_acc10": 0.4},
    ]
    within = [r for r in rows if r["loss_top1"] <= 0.5]
    chosen = max(within, key=lambda r: (r["reduction_pct"], -r["loss_top1"]))
    assert chosen["label"] == "y"
    sel = {"weights": "finetuned", "max_loss": 0.5, "min_reduction": 20.0, "rule": "r", "pairs": 10, "tokens": 99,
           "text": "t", "chosen": chosen, "candidates": rows, "dense_float_top1": 50.0, "wall_s": 1.0}
    out = tmp_path / "default.json"
    select.write_default(sel, out)
    doc = json.loads(out.read_text())
    assert doc["weights"] == "finetuned" and doc["selection"]["loss_top1"] == 0.5
    assert Schedule.load(out).is_dense
    with pytest.raises(ValueError, match="max_loss"):
        select.write_default(dict(sel, chosen=None), out)


def test_entry_errors():
    with pytest.raises(ValueError, match="weights"):
        select.select("nope", 0.5, 20.0, 1)
    with pytest.raises(ValueError, match="max_loss"):
        select.select("base", 0.0, 20.0, 1)


def test_holdout_guard_refuses_a_delta_trained_on_the_selection_split(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from models import weights

    monkeypatch.setattr(weights, "DELTA_FILE", tmp_path / "lora_delta.npz")
    tc = SimpleNamespace(digest="abc")
    assert select.check_holdout("base", tc) == {"weights": "base"}
    meta = {"config": {}, "corpus": {"digest": "abc"}}
    (tmp_path / "finetune.json").write_text(json.dumps(meta))
    with pytest.raises(ValueError, match="holdout_mod=0"):  # a delta from before the split
        select.check_holdout("finetuned", tc)
    meta["config"]["holdout_mod"] = 4
    (tmp_path / "finetune.json").write_text(json.dumps(meta))
    assert select.check_holdout("finetuned", tc)["holdout_mod"] == 4
    with pytest.raises(ValueError, match="digest"):
        select.check_holdout("finetuned", SimpleNamespace(digest="other"))
