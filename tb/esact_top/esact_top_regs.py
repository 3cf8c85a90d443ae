"""The PeakRDL-generated pyuvm register model (build/gen/esact_csr_model.py, made by
`make csr`) and helpers to compose register values from field values."""

from __future__ import annotations

import importlib.util
import sys

from tb.common.csr import MODEL, generate


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
