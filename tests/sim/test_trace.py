"""`make trace MODEL=<folder>`: a seeded, randomly initialized tiny BERT (hidden 128, 4
heads, FFN 256, 2 layers; the MiniLM tokenizer) made by transformers in a temporary
folder, calibrated on the project's calibration texts, its golden traces replayed on
the small esact_top build by the trace regression's test; every layer bit-exact."""

from __future__ import annotations

import shutil

import pytest

from tb.common.tools import BUILD
from tests.tiny_bert import make_tiny_bert

TEXTS = ["The quick brown fox jumps over the lazy dog.",
         "Sparse attention skips the keys a query does not need."]


@pytest.mark.sim
def test_trace_tiny_bert_bit_exact(tmp_path):
    from tb.tools.trace import print_table, trace

    folder = make_tiny_bert(tmp_path / "tiny_bert", seed=0)
    dest = BUILD / "trace" / "test-tiny-bert"
    shutil.rmtree(dest, ignore_errors=True)
    rep = trace(TEXTS, model=str(folder), spls="default", dest=dest)
    print_table(rep)
    assert rep["build"]["name"] == "small"
    assert rep["rtl"]["error"] is None, rep["rtl"]["error"]
    assert rep["bit_exact"] is True
    for t in rep["texts"]:
        assert set(t["modes"]) == {"dense", "spls"}
        for mode, m in t["modes"].items():
            assert [row["result"] for row in m["layers"]] == ["bit-exact", "bit-exact"], (t["text"], mode)
            assert m["rtl_embedding_equals_golden"] and m["cos_rtl_float"] > 0.99
            assert all(row["cycles"] > 0 and sum(row["stage_cycles"].values()) >= row["cycles"]
                       for row in m["layers"])
        assert t["modes"]["dense"]["mac_cut_pct"] == 0.0
    assert (dest / "trace.json").exists() and (dest / "rtl" / "rtl_outputs.npz").exists()
