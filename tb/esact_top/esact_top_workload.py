"""The esact_top trace workloads, free of cocotb so the pure-Verilator bench harness
(tb/bench/) runs exactly what the cocotb trace test runs:

* ``trace_sentences``: the committed MiniLM trace files of vectors/manifest.json (the
  short ones; ``full`` adds the ~128-token one), each with its SPLS configuration.
* ``bench_ids``: a 128-token input (the RTL's sequence bound) from the long evaluation
  pool, for the per-layer cycle figures of ``make bench``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models.schedule import Schedule


def trace_sentences(full: bool = False) -> list[tuple[str, dict, Schedule]]:
    """(name, trace arrays, per-layer schedule) of every committed trace file in the set."""
    from models import vectors

    man = json.loads((vectors.VEC / "manifest.json").read_text())["ci_files"]
    out = []
    for f in man:
        if full or f["regime"] == "short":
            tr = vectors.load_trace(vectors.REPO / f["file"])
            out.append((Path(f["file"]).stem, tr, Schedule.of(str(tr["config"]))))
    return out


def bench_ids(tokens: int = 128) -> np.ndarray:
    """Token ids of the 128-token bench input (:func:`models.datasets.bench_ids`)."""
    from models import datasets

    return datasets.bench_ids(tokens)


def layer_input(ids: np.ndarray, im) -> np.ndarray:
    """INT8 input of layer 0 for token ids (embedding, quantized with the model's scale)."""
    from models.encoder import int_input

    return int_input(ids, im)
