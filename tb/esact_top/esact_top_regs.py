"""The PeakRDL-generated pyuvm register model (build/gen/esact_csr_model.py, made by
`make csr`), helpers to compose register values from field values and to read the
model's mirror, and the encodings of register fields the environment shares (the
DEBUG.sel dump selectors)."""

from __future__ import annotations

import importlib.util
import logging
import sys

from tb.common.csr import MODEL, generate

# DEBUG.sel: the buffers CTRL.dump streams out (docs/esact_top.md), in pipeline order,
# with the stage each belongs to: (sel, buffer, stage)
DUMP_STAGES = [
    (2, "keep", "PRED top-k masks"), (0, "rep", "PRED reuse map"), (1, "colneed", "PRED column masks"),
    (10, "qh", "PRED predicted Q"), (11, "kh", "PRED predicted K"),
    (3, "q", "QKV Q"), (4, "k", "QKV K"), (5, "v", "QKV V"), (6, "ctx", "ATTN context"),
    (7, "h1", "LN1 output"), (9, "g", "FFN GELU output"), (8, "out", "LN2 layer output"),
]
DUMP_SEL_MAX = max(sel for sel, _, _ in DUMP_STAGES)


class _VolatileMirror(logging.Filter):
    """pyuvm logs a warning on every read of a volatile field's mirror (UVM-SV does not);
    the environment reads those mirrors right after the predictor set them from an
    observed access (counters, ERROR), which is exactly the value it wants."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Mirrored value returned for volatile field")


_FILTER = _VolatileMirror()


def register_model_class():
    """The generated register block class, with one fix: PeakRDL-pyuvm 0.9 creates the
    map with UVM_NO_ENDIAN, which pyuvm 5.0 refuses to address even when registers and
    bus are both 32 bits wide (where the byte order cannot matter); the map is made
    little-endian after build()."""
    generate()
    if "esact_csr_model" not in sys.modules:
        spec = importlib.util.spec_from_file_location("esact_csr_model", MODEL)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["esact_csr_model"] = mod
        spec.loader.exec_module(mod)
    base = sys.modules["esact_csr_model"].esact_csr
    if _FILTER not in logging.getLogger("RegModel").filters:
        logging.getLogger("RegModel").addFilter(_FILTER)

    from pyuvm import uvm_endianness_e

    class EsactCsrModel(base):
        def build(self) -> None:
            super().build()
            self.get_default_map()._endian = uvm_endianness_e.UVM_LITTLE_ENDIAN

    return EsactCsrModel


def reg_value(reg, **fields) -> int:
    """A register's 32-bit value from named field values (unnamed fields 0)."""
    by_name = {f.get_name(): f for f in reg.get_fields()}
    v = 0
    for name, val in fields.items():
        if name not in by_name:
            raise KeyError(f"{reg.get_name()} has no field {name!r} (has {sorted(by_name)})")
        f = by_name[name]
        v |= (int(val) & ((1 << f.get_n_bits()) - 1)) << f.get_lsb_pos()
    return v


def field_values(reg, value: int) -> dict[str, int]:
    return {f.get_name(): (value >> f.get_lsb_pos()) & ((1 << f.get_n_bits()) - 1) for f in reg.get_fields()}


def mirrored(reg) -> int:
    """The register's value in the model's mirror (as the last observed access left it)."""
    return reg.get_mirrored_value()
