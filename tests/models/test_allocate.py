"""The per-layer allocator: a short greedy run, its checkpoint and --resume."""

from __future__ import annotations

import json

import pytest

from models.accuracy import allocate
from models.schedule import Schedule


def _run(tmp_path, monkeypatch, max_steps, resume=False):
    monkeypatch.setenv("ESACT_OUT_DIR", str(tmp_path))
    return allocate.allocate("base", 0.05, 0.5, 2, 2, 1, max_steps=max_steps, resume=resume)


def test_greedy_steps_choice_and_resume(tmp_path, monkeypatch):
    full = _run(tmp_path / "a", monkeypatch, 2)
    steps = full["steps"]
    assert [s["step"] for s in steps] == [0, 1, 2]
    assert Schedule.of([{"scheme": "dense"}] * 6).key == Schedule(tuple(steps[0]["schedule"])).key
    # every step moves one layer and gains; the candidates of each step are recorded
    for a, b in zip(steps, steps[1:]):
        moved = [i for i, (x, y) in enumerate(zip(a["schedule"], b["schedule"])) if x != y]
        assert moved == [b["layer"]] and b["reduction_pct"] > a["reduction_pct"]
        assert sum(c["step"] == b["step"] for c in full["candidates"]) == b["candidates"]
    # the choice: the largest reduction within the budget among everything evaluated
    within = [s for s in steps + full["candidates"] if s["error"] <= full["budget"]]
    assert full["chosen"]["reduction_pct"] == max(s["reduction_pct"] for s in within)
    # an interrupted run (1 step) resumed to 2 steps equals the uninterrupted one
    _run(tmp_path / "b", monkeypatch, 1)
    assert allocate.checkpoint_path("base") == tmp_path / "b" / "allocate" / "allocation_base.ckpt.json"
    ck = json.loads(allocate.checkpoint_path("base").read_text())
    assert [s["step"] for s in ck["steps"]] == [0, 1]
    res = _run(tmp_path / "b", monkeypatch, 2, resume=True)
    strip = lambda ss: [{k: v for k, v in s.items() if k != "seconds"} for s in ss]  # noqa: E731
    assert strip(res["steps"]) == strip(steps)
    assert res["chosen"] == full["chosen"] and res["resumed"]


def test_resume_refuses_another_run(tmp_path, monkeypatch):
    monkeypatch.delenv("ESACT_OUT_DIR")
    assert allocate.checkpoint_path("base") is None  # no output folder: no checkpoints
    with pytest.raises(ValueError, match="ESACT_OUT_DIR is not set: --resume"):
        allocate.allocate("base", 0.05, 0.5, 2, 2, 1, max_steps=1, resume=True)
    monkeypatch.setenv("ESACT_OUT_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="no checkpoint"):
        allocate.allocate("base", 0.05, 0.5, 2, 2, 1, max_steps=1, resume=True)
    allocate.allocate("base", 0.05, 0.5, 2, 2, 1, max_steps=1)
    with pytest.raises(ValueError, match="long_texts"):
        allocate.allocate("base", 0.05, 0.5, 3, 2, 1, max_steps=1, resume=True)
