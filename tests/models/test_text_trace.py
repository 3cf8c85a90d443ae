"""Golden side of `make trace`: SPLS points by name, label or JSON; texts and their limits."""

from __future__ import annotations

import pytest

from models import text_trace
from models.schedule import AGGRESSIVE_SPLS, Schedule, config_from_label, default_schedule, schedule_from_spec
from models.spls import SplsConfig


@pytest.mark.parametrize("cfg", [
    SplsConfig("dense"),
    SplsConfig("spls", keep_ratio=0.25, window=4, tau=0.75),
    SplsConfig("spls", keep_ratio=0.5, window=4, tau=0.6, ffn_reuse=False),
    SplsConfig("spls", k=8, window=2, tau=0.7, ffn_tau=0.9),
])
def test_labels_round_trip(cfg):
    assert config_from_label(cfg.label) == cfg
    from models.schedule import short_label

    assert config_from_label(short_label(cfg)) == cfg


def test_schedule_specs():
    assert schedule_from_spec("default") == default_schedule()
    assert schedule_from_spec("aggressive") == Schedule.uniform(AGGRESSIVE_SPLS)
    per_layer = schedule_from_spec("d|d|r0.25w4t0.75|d|d|k4w4thr3n")
    assert per_layer.key == "d|d|r0.25w4t0.75|d|d|k4w4thr3n"
    assert per_layer[5] == SplsConfig("spls", k=4, window=4, thr=3, ffn_reuse=False)
    assert schedule_from_spec('{"scheme": "spls", "keep_ratio": 0.5}')[0].keep_ratio == 0.5
    for bad, needle in [("", "empty"), ("fast", "'fast'"), ("spls_r2_w4_t0.75", "keep_ratio"),
                        ("nothere.json", "does not exist")]:
        with pytest.raises(ValueError, match=needle):
            schedule_from_spec(bad)


def test_default_schedule_adapts_to_another_layer_count(monkeypatch):
    six = Schedule((SplsConfig("dense"),) * 5 + (SplsConfig("spls", keep_ratio=0.25),))
    monkeypatch.setattr(text_trace, "schedule_from_spec", lambda spec: six)
    sched, note = text_trace.spls_schedule("default", 2)
    assert len(sched) == 2 and sched.is_uniform and "uniform" in note
    with pytest.raises(ValueError, match="spls: schedule: 6 layer settings, the model has 2 layers"):
        text_trace.spls_schedule("d|d|d|d|d|r0.25w4t0.75", 2)


def test_read_texts(tmp_path):
    f = tmp_path / "texts.txt"
    f.write_text("first text\n\n  second text  \n")
    assert text_trace.read_texts("a sentence", f) == ["a sentence", "first text", "second text"]
    (tmp_path / "blank.txt").write_text("\n \n")
    with pytest.raises(ValueError, match="texts: .* holds no text"):
        text_trace.read_texts(None, tmp_path / "blank.txt")
    with pytest.raises(ValueError, match="texts: .* is not a file"):
        text_trace.read_texts(None, tmp_path / "missing.txt")
    with pytest.raises(ValueError, match="text: empty"):
        text_trace.read_texts("  ")


def test_tokenize_texts_limits():
    subj = text_trace.minilm_subject("base")
    items = text_trace.tokenize_texts(["one two three"], subj, 128)
    assert items[0]["tokens"] == 5 and not items[0]["truncated"]
    with pytest.raises(ValueError, match="text: text 1 .* has 5 tokens .*more than T_MAX 4 of the build"):
        text_trace.tokenize_texts(["one two three"], subj, 4)
    cut = text_trace.tokenize_texts(["one two three"], subj, 4, truncate=True)[0]
    assert cut["tokens"] == 4 and cut["truncated"] and cut["ids"][-1] == 102
    with pytest.raises(ValueError, match="t_max: 1 is not >= 2"):
        text_trace.tokenize_texts(["x"], subj, 1)
