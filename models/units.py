"""The golden model of every RTL unit, by the unit's name.

A unit's RTL, model, testbench and tests are found by the same name::

    hdl/<unit>.sv   UNIT_MODELS["<unit>"] (here)   tb/<unit>/   tests/sim/test_<unit>.py

The models are grouped by arithmetic rather than one module per unit -- HLog coding in
:mod:`models.hlog`, the SPLS prediction chain in :mod:`models.spls`, the integer
nonlinearities in :mod:`models.intops`, quantization arithmetic in :mod:`models.quant`,
a whole layer in :mod:`models.int_layer` -- so this table says which functions model a
unit: ``predict`` are what the unit's scoreboard predicts its outputs with, ``helpers``
the other model functions its environment uses (run-time constants of the sequences,
coverage bins, stimulus).  The unit list is the testbench's (``tb/common/units.py``);
``tests/test_layers.py`` checks that every unit there has an entry, and that the
functions listed are exactly the model functions ``tb/<unit>/`` imports.

``python -m models.units`` prints the table.
"""

from __future__ import annotations

import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import cycle_model, encoder, hlog, int_layer, intops, minilm, quant, spls, synthetic


@dataclass(frozen=True)
class UnitModel:
    """The golden model of one RTL unit."""

    what: str  # what the unit computes, in one line
    predict: tuple[Callable, ...]  # the scoreboard's reference of the unit's outputs
    helpers: tuple[Callable, ...] = ()  # constants, coverage bins, stimulus

    def functions(self) -> dict[str, Callable]:
        """Every model function of the unit by name."""
        return {f.__name__: f for f in self.predict + self.helpers}

    @property
    def sources(self) -> tuple[str, ...]:
        """The files of the ``predict`` functions, relative to the checkout."""
        repo = Path(__file__).resolve().parents[1]
        out = []
        for f in self.predict:
            p = str(Path(inspect.getfile(f)).resolve().relative_to(repo))
            if p not in out:
                out.append(p)
        return tuple(out)


UNIT_MODELS: dict[str, UnitModel] = {
    "hlog_quant": UnitModel("HLog code {zero, sign, exp, half} and value per lane",
                            (hlog.hlog_encode,), (hlog.hlog_levels,)),
    "requant": UnitModel("sat((acc + bias) * M + 2^(sh-1) >>> sh) per lane",
                         (quant.requant,), (quant.make_requant,)),
    "topk": UnitModel("row-wise top-k mask, ties to the lowest index", (spls.topk_mask,)),
    "spls_predict": UnitModel("HLog dot products by shift and add (the predicted attention map)",
                              (spls.predict_pam,), (hlog.hlog_encode,)),
    "softmax": UnitModel("integer softmax over the kept entries of a row",
                         (intops.softmax_int,), (intops.softmax_constants,)),
    "gelu": UnitModel("I-BERT integer GELU", (intops.gelu_int,), (intops.gelu_constants,)),
    "layernorm": UnitModel("integer LayerNorm of a row", (intops.layernorm_int,), (intops.layernorm_constants,)),
    "gemm": UnitModel("exact integer matrix product with row / column-tile / k skipping", (quant.imatmul,)),
    "local_sim": UnitModel("reuse map over a window of rows and the column-needed masks",
                           (spls.reuse_map, spls.column_mask), (spls.topk_mask, spls.similarity_threshold)),
    "esact_top": UnitModel("one integer transformer layer, dense or SPLS, and its cycle counters",
                           (int_layer.int_layer, cycle_model.trace_cycles),
                           (encoder.int_input, synthetic.synthetic_layer, spls.similarity_threshold,
                            encoder.embed_float_pooled, minilm.pool)),
}


def unit_model(unit: str) -> UnitModel:
    """The entry of ``unit``; ValueError naming the known units otherwise."""
    if unit not in UNIT_MODELS:
        raise ValueError(f"unit: {unit!r} is not an RTL unit (known: {', '.join(UNIT_MODELS)})")
    return UNIT_MODELS[unit]


def main() -> int:
    """The table: unit, model files, functions (scoreboard reference; helpers), what it computes."""
    for name, m in UNIT_MODELS.items():
        helpers = f"; helpers {', '.join(f.__name__ for f in m.helpers)}" if m.helpers else ""
        print(f"{name:13s} {', '.join(m.sources)}: {', '.join(f.__name__ for f in m.predict)}{helpers}")
        print(f"{'':13s} {m.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
