"""The esact_top trace workloads, free of cocotb so the pure-Verilator bench harness
(tb/bench/) runs exactly what the cocotb trace test runs:

* ``trace_sentences``: the trace files of a trace set (:func:`models.vectors.load_set`):
  by default the committed MiniLM traces of vectors/manifest.json (the short ones;
  ``full`` adds the ~128-token one), or the set named by ``$ESACT_TRACE_SET`` (``make
  trace`` writes its sets under build/trace/), each with its SPLS schedule;
  ``trace_int_model``: the integer model the set's traces were made with.
* ``bench_ids``: a 128-token input (the RTL's sequence bound) from the long evaluation
  pool, for the per-layer cycle figures of ``make bench``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from models.schedule import Schedule

TRACE_SET_ENV = "ESACT_TRACE_SET"


def trace_set_path() -> str | None:
    """The trace set the trace test replays: ``$ESACT_TRACE_SET``, or None (the committed one)."""
    return os.environ.get(TRACE_SET_ENV, "").strip() or None


def trace_sentences(full: bool = False, set_path: str | None = None) -> list[tuple[str, dict, Schedule]]:
    """(name, trace arrays, per-layer schedule) of every trace file of the set (the
    committed one: its short traces, all with ``full``)."""
    from models import vectors

    s = vectors.load_set(set_path)
    out = []
    for f in s["files"]:
        if full or not s["committed"] or f["regime"] == "short":
            path = Path(f["file"])
            tr = vectors.load_trace(path if path.is_absolute() else vectors.REPO / path)
            out.append((path.stem, tr, Schedule.of(str(tr["config"]))))
    return out


def trace_int_model(set_path: str | None = None):
    """The integer model of the set's traces (the committed set: the default point's);
    a generated set records the parameters' digest, checked here."""
    from models import vectors

    s = vectors.load_set(set_path)
    im = vectors.set_int_model(s["int_model"])
    if not s["committed"] and s.get("params_sha256") and vectors.params_digest(im) != s["params_sha256"]:
        raise AssertionError(f"{s['path']}: the integer model {s['int_model']} is not the one its traces were "
                             "made with (parameter digest differs); regenerate the set")
    return im


def bench_ids(tokens: int = 128) -> np.ndarray:
    """Token ids of the 128-token bench input (:func:`models.accuracy.datasets.bench_ids`)."""
    from models.accuracy import datasets

    return datasets.bench_ids(tokens)


def layer_input(ids: np.ndarray, im) -> np.ndarray:
    """INT8 input of layer 0 for token ids (embedding, quantized with the model's scale)."""
    from models.encoder import int_input

    return int_input(ids, im)
