"""Per-layer SPLS schedules (models/schedule.py) and the encoder's use of them."""

import json

import numpy as np
import pytest

from models.encoder import encode_int
from models.schedule import Schedule, default_schedule, layer_dict
from models.spls import SplsConfig

D = SplsConfig("dense")
S = SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.75)


def test_forms_and_round_trip():
    u = Schedule.of(S)
    assert len(u) == 6 and u.is_uniform and u.family == "uniform" and u.key == S.label
    p = Schedule((D, D, S, S, S, SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.6)))
    assert p.family == "per-layer" and not p.is_uniform
    assert p.key == "d|d|r0.25w4t0.75|r0.25w4t0.75|r0.25w4t0.75|r0.25w4t0.6"
    for spec in (p.as_dict(), p.to_json(), [layer_dict(c) for c in p.layers], list(p.layers)):
        assert Schedule.of(spec) == p
    assert Schedule.of({"scheme": "spls", "keep_ratio": 0.25, "window": 4, "tau": 0.75}) == u
    named = Schedule(p.layers, name="x")
    assert named.label == "x" and named.key == p.key
    assert Schedule.uniform(D).family == "dense" and Schedule.uniform(D).is_dense
    assert Schedule.uniform(SplsConfig("topk")).family == "topk"


def test_bad_schedules_raise_naming_the_problem():
    with pytest.raises(ValueError, match="unknown SplsConfig field"):
        Schedule.of([{"scheme": "spls", "tau_x": 1}])
    with pytest.raises(ValueError, match="pred_weight"):
        Schedule((D, SplsConfig("spls", pred_weight=0.5)))
    with pytest.raises(ValueError, match="at least one"):
        Schedule(())
    with pytest.raises(ValueError, match="6 layers"):
        Schedule((D, S)).for_layers(6)
    with pytest.raises(ValueError, match="does not exist"):
        Schedule.load("/nonexistent/schedule.json")
    with pytest.raises(ValueError, match="tau"):
        Schedule.of([{"scheme": "spls", "tau": 2.0}])


def test_encoder_runs_each_layer_with_its_setting(int_model, token_ids):
    ids = token_ids[6]
    sched = Schedule((D, D, S, S, S, S))
    traces: list = []
    out, _, ops = encode_int(ids, int_model, sched, traces=traces)
    assert "pam" not in traces[0] and "pam" not in traces[1] and "pam" in traces[2]
    # the first two layers equal the dense run's; a uniform config equals its uniform schedule
    dense_tr: list = []
    encode_int(ids, int_model, D, traces=dense_tr)
    assert np.array_equal(traces[1]["out"], dense_tr[1]["out"])
    a, _, _ = encode_int(ids, int_model, S)
    b, _, _ = encode_int(ids, int_model, Schedule.uniform(S))
    assert np.array_equal(a, b)
    assert ops.prediction > 0 and ops.reduction_pct != 0


def test_the_committed_default_schedule_loads():
    s = default_schedule()
    assert len(s) == 6
    doc = json.loads((__import__("models.schedule", fromlist=["x"]).DEFAULT_SCHEDULE_FILE).read_text())
    assert doc["weights"] in ("base", "finetuned")
    assert any(c.scheme == "spls" for c in s.layers)
