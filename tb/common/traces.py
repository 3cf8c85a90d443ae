"""Real-model stimulus for trace-driven unit tests.

The committed compact traces (``vectors/ci``) hold each layer's input and output;
replaying one layer through the golden model (:func:`models.int_layer.int_layer`)
with the project's calibrated parameters recovers every intermediate tensor of that
layer -- predicted attention, masks, scores, FFN activations, LayerNorm inputs -- and
the layer's integer parameters, from which the unit sequences cut their stimulus.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from models import vectors, weights
from models.int_layer import LayerQuant, int_layer
from models.schedule import Schedule
from models.spls import SplsConfig


@dataclass
class LayerTrace:
    name: str
    layer: int
    cfg: SplsConfig
    lq: LayerQuant
    tr: dict


@lru_cache(maxsize=1)
def _manifest() -> list[dict]:
    return json.loads((vectors.VEC / "manifest.json").read_text())["ci_files"]


@lru_cache(maxsize=16)
def layer_trace(file: str, layer: int) -> LayerTrace:
    stored = vectors.load_trace(vectors.REPO / file)
    cfg = Schedule.of(str(stored["config"]))[layer]
    im = weights.default_int_model()
    x = stored["L0_x"] if layer == 0 else stored[f"L{layer - 1}_out"]
    tr: dict = {}
    out, _ = int_layer(x.astype(np.int64), im.layers[layer], cfg, tr)
    if not np.array_equal(out, stored[f"L{layer}_out"]):
        raise AssertionError(f"{file} layer {layer}: the golden model no longer reproduces the trace")
    return LayerTrace(file, layer, cfg, im.layers[layer], tr)


def random_layer(mode: str | None = None) -> LayerTrace:
    """A random (trace, layer) of the committed set, optionally of one mode (dense/spls).
    For ``spls`` only the layers the schedule runs sparse (a per-layer schedule can keep
    some layers dense, and those have no prediction to cut stimulus from)."""
    files = [f for f in _manifest() if mode is None or f["mode"] == mode]
    if not files:
        raise ValueError(f"mode={mode!r}: the committed trace set has no file of that mode")
    f = random.choice(files)
    layers = list(range(6))
    if mode == "spls":
        sched = Schedule.of(str(vectors.load_trace(vectors.REPO / f["file"])["config"]))
        layers = [i for i in layers if sched[i].scheme != "dense"]
        if not layers:
            raise ValueError(f"{f['file']}: the schedule runs every layer dense; no SPLS layer to replay")
    return layer_trace(f["file"], random.choice(layers))


def prepare(set_path: str | None = None) -> None:
    """Calibrate (or load the cached calibration) before simulations start: the default
    point's model, or the integer model of the trace set at ``set_path``."""
    vectors.set_int_model(vectors.load_set(set_path)["int_model"])
