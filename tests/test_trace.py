"""`make trace` without simulation: input checks (texts longer than the build's T_MAX,
models that fit no build, bad knobs), the choice of the esact_top build, the folder
loader against transformers, the golden trace set, and the report's mismatch path.
The RTL run of a tiny BERT is tests/sim/test_trace.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models import hf_bert, text_trace
from tb.tools import trace as tr
from tests.tiny_bert import make_tiny_bert

SHORT = ["A tiny sentence for the tiny model.", "Another short one, with commas."]
# 60+ word pieces: above the small build's T_MAX (32), below MiniLM's (128)
MEDIUM = ("The keeper of the old lighthouse wrote down the name of every ship that passed in the night, "
          "together with the direction of the wind, the height of the waves and the colour of the sky "
          "at dawn, for forty years without missing a single day.")
TINY = {"hidden": 128, "heads": 4, "ffn": 256, "head_dim": 32, "max_position": 512}
MINILM = {"hidden": 384, "heads": 12, "ffn": 1536, "head_dim": 32, "max_position": 512}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return make_tiny_bert(tmp_path_factory.mktemp("models") / "tiny_bert", seed=0)


# -- the build -------------------------------------------------------------------------
def test_choose_build_picks_the_smallest_set_that_fits():
    assert tr.choose_build(TINY)[0] == "small"
    assert tr.choose_build(MINILM)[0] == "minilm"
    name, over, hw = tr.choose_build(TINY, "minilm")
    assert (name, over, hw.T_MAX) == ("minilm", {}, 128)


@pytest.mark.parametrize("dims, params, needle", [
    (dict(MINILM, hidden=768, ffn=3072, head_dim=64), "auto", "head size (hidden / heads) 64 != HEAD_DIM 32"),
    (dict(MINILM, hidden=768, heads=24, ffn=3072), "auto", "hidden size 768 > D_MAX 384"),
    (dict(MINILM, ffn=2048), "auto", "FFN width 2048 > F_MAX 1536"),
    (MINILM, "small", "hidden size 384 > D_MAX 128"),
    (MINILM, "small", "heads 12 > H_MAX 4"),
    (dict(TINY, ffn=252), "auto", "FFN width 252 is not a multiple of PE_C 8"),
    (dict(MINILM, hidden=768, ffn=3072, head_dim=64), "fit", "head size (hidden / heads) 64 != HEAD_DIM 32"),
    (TINY, "huge", "'huge' is not one of auto, fit, minilm, small"),
])
def test_choose_build_names_the_dimension_and_the_limit(dims, params, needle):
    with pytest.raises(ValueError) as e:
        tr.choose_build(dims, params)
    assert needle in str(e.value)


def test_fit_generates_a_build_from_the_model_dimensions():
    name, over, hw = tr.choose_build(dict(MINILM, hidden=256, heads=8, ffn=2048, max_position=100), "fit")
    assert name == "fit"
    assert over == {"T_MAX": 96, "D_MAX": 256, "F_MAX": 2048, "H_MAX": 8}
    small = tr.choose_build(dict(TINY, hidden=64, heads=2, ffn=96), "fit")[1]
    assert small == {"T_MAX": 128, "D_MAX": 128, "F_MAX": 128, "H_MAX": 2}  # two load words per row at least
    assert (hw.HEAD_DIM, hw.PE_R, hw.PE_C) == (32, 8, 8)


# -- the folder ------------------------------------------------------------------------
def test_folder_float_model_equals_transformers(tiny):
    import torch
    from transformers import BertModel

    from models.minilm import encode_float

    folder = hf_bert.load_folder(tiny)
    assert (folder.hidden, folder.heads, folder.ffn, folder.n_layers) == (128, 4, 256, 2)
    ids = folder.encode(SHORT[0])
    assert ids[0] == 101 and ids[-1] == 102  # [CLS] ... [SEP] of the MiniLM tokenizer
    ref = BertModel.from_pretrained(str(tiny), attn_implementation="eager").eval()
    with torch.no_grad():
        want = ref(torch.tensor(ids)[None]).last_hidden_state[0].numpy()
    assert np.abs(encode_float(ids, folder.model).numpy() - want).max() < 1e-5


def test_folder_errors_name_the_model(tmp_path, tiny):
    with pytest.raises(ValueError, match="model: .* is not a folder"):
        hf_bert.load_folder(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="model: .* has no config.json"):
        hf_bert.load_folder(tmp_path / "empty")
    bad = tmp_path / "roberta"
    bad.mkdir()
    cfg = json.loads((tiny / "config.json").read_text())
    (bad / "config.json").write_text(json.dumps(dict(cfg, model_type="roberta")))
    with pytest.raises(ValueError, match="model: config.json model_type = 'roberta'.*needs 'bert'"):
        hf_bert.load_folder(bad)
    (bad / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match=r"model: .* has no \*.safetensors weights"):
        hf_bert.load_folder(bad)


# -- texts and their length --------------------------------------------------------------
def test_text_longer_than_t_max_is_refused_with_the_limit(tiny, capsys):
    with pytest.raises(ValueError) as e:
        tr.prepare([SHORT[0], MEDIUM], model=str(tiny))
    msg = str(e.value)
    assert msg.startswith("text: text 2 (")
    assert "more than T_MAX 32 of the esact_top build 'small'" in msg and "TRUNCATE=1" in msg
    # the command line: exit status 2 and the same message
    assert tr.main(["--model", str(tiny), "--text", MEDIUM, "--golden-only"]) == 2
    assert "T_MAX 32" in capsys.readouterr().err


def test_minilm_text_longer_than_128_tokens_is_refused():
    with pytest.raises(ValueError, match=r"more than T_MAX 128 of the esact_top build 'minilm'"):
        tr.prepare([" ".join([MEDIUM] * 3)])


def test_bad_knobs_are_refused(tiny, monkeypatch):
    with pytest.raises(ValueError, match="spls: .*'fast'"):
        tr.prepare(SHORT, model=str(tiny), spls="fast")
    with pytest.raises(ValueError, match="weights: 'base' selects the project's MiniLM weights"):
        tr.prepare(SHORT, model=str(tiny), weights="base")
    with pytest.raises(ValueError, match="weights: 'tuned' is not one of"):
        tr.prepare(SHORT, weights="tuned")
    with pytest.raises(ValueError, match="spls: scheme\\(s\\) \\['topk'\\] have no esact_top mode"):
        text_trace.spls_schedule('{"scheme": "topk"}', 2)
    with pytest.raises(ValueError, match="text: no text given"):
        text_trace.read_texts(None, None)
    monkeypatch.setenv("TRUNCATE", "yes")
    assert tr.main(["--model", str(tiny), "--text", "x", "--golden-only"]) == 2


def test_truncation_only_when_asked_and_golden_set(tiny, tmp_path):
    dest = tmp_path / "run"
    rep = tr.trace([MEDIUM, SHORT[0]], model=str(tiny), truncate=True, rtl=False, dest=dest)
    t0 = rep["texts"][0]
    assert t0["truncated"] and t0["tokens"] == 32 and t0["tokens_full"] > 32
    s = json.loads((dest / "set.json").read_text())
    from models import vectors

    z = vectors.load_trace(tmp_path / "run" / "text000_spls.npz")
    assert z["ids"][-1] == 102 and len(z["ids"]) == 32  # [SEP] kept
    assert {f["mode"] for f in s["files"]} == {"dense", "spls"} and len(s["files"]) == 4
    assert str(z["weights"]) == "folder:tiny_bert" and z["L1_out"].shape == (32, 128)
    assert rep["bit_exact"] is None and rep["rtl"] is None
    for t in rep["texts"]:
        assert t["modes"]["dense"]["cos_int_float"] > 0.99
    # a per-layer schedule of MiniLM's 6 layers cannot run a 2-layer model
    with pytest.raises(ValueError, match="spls: .*6 layer settings, the model has 2 layers"):
        text_trace.spls_schedule("d|d|r0.25w4t0.75|d|d|d", 2)


def test_report_names_the_first_mismatch(tiny, tmp_path):
    """The report path of a failing RTL run, from fabricated RTL outputs: the first
    differing layer, tensor, index, expected and got values."""
    dest = tmp_path / "run"
    tr.trace(SHORT[:1], model=str(tiny), rtl=False, dest=dest)
    from models import vectors

    rdir = dest / "rtl"
    rdir.mkdir()
    outs, lines = {}, []
    for mode in ("dense", "spls"):
        z = vectors.load_trace(dest / f"text000_{mode}.npz")
        for layer in range(2):
            outs[f"text000_{mode}__L{layer}"] = z[f"L{layer}_out"].astype(np.int8).copy()
            lines.append(json.dumps({"name": f"text000_{mode}", "layer": layer, "cycles": 10, "exec_macs": 3,
                                     "skip_macs": 1, "run_wall_s": 0.1, "errors": [], "localized": [],
                                     "stage_cycles": dict.fromkeys(tr.STAGES, 1)}))
    want = int(outs["text000_spls__L1"][2, 5])
    outs["text000_spls__L1"][2, 5] = want + 1 if want < 127 else want - 1
    np.savez(rdir / "rtl_outputs.npz", **outs)
    (rdir / "trace_runs.jsonl").write_text("\n".join(lines) + "\n")
    rep = tr.report(dest / "set.json", {"seed": 1, "error": None, "test_dir": None, "wall_s": 0})
    dense, spls = rep["texts"][0]["modes"]["dense"], rep["texts"][0]["modes"]["spls"]
    assert dense["bit_exact"] and not spls["bit_exact"] and rep["bit_exact"] is False
    assert spls["first_mismatch"] == {"layer": 1, "tensor": "out", "index": [2, 5], "expected": want,
                                      "got": int(outs["text000_spls__L1"][2, 5]), "values_differ": 1}
    assert [r["result"] for r in spls["layers"]] == ["bit-exact", "mismatch"]
    assert spls["mac_cut_pct"] == 25.0 and spls["cycles_total"] == 20


def test_model_max_position_below_t_max_is_the_limit(tmp_path):
    short_pos = make_tiny_bert(tmp_path / "tiny_pos24", seed=2, max_position=24)
    with pytest.raises(ValueError, match=r"has \d+ tokens .*more than the model's max_position 24"):
        tr.prepare([MEDIUM], model=str(short_pos))


def test_entry_arguments_name_the_parameter(tmp_path):
    with pytest.raises(ValueError, match="overrides: unknown esact_top parameter 'D'"):
        tr.hw_of({"D": 3})
    with pytest.raises(ValueError, match=r"overrides\['T_MAX'\]: 0 is not >= 1"):
        tr.hw_of({"T_MAX": 0})
    with pytest.raises(ValueError, match=r"dims\['ffn'\]: expected an integer"):
        tr.choose_build(dict(TINY, ffn=None))
    with pytest.raises(ValueError, match="texts: expected a non-empty list of str"):
        tr.prepare([])
    with pytest.raises(ValueError, match="set_path: .* is not a trace set file"):
        tr.report(tmp_path / "none.json", None)
    with pytest.raises(ValueError, match="tag: 'a/b'"):
        text_trace.new_run_dir(tmp_path, "a/b")


def test_folder_int_model_needs_a_cache_folder(tiny, monkeypatch):
    """A trace set names the folder model's integer model by its file: without a cache
    folder there is nowhere to put it, and the error names the variable."""
    monkeypatch.delenv("ESACT_CACHE_DIR")
    with pytest.raises(ValueError, match="ESACT_CACHE_DIR is not set: the integer model of tiny_bert"):
        hf_bert.int_model_path(hf_bert.load_folder(tiny))
