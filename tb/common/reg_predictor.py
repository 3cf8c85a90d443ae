"""UVM's explicit register predictor for pyuvm.

pyuvm 5.0 declares ``uvm_reg_predictor`` but does not implement it (its constructor
raises NotImplementedError).  :class:`RegPredictor` is that component: connected to a
bus monitor's analysis port (``bus_in``), it converts every observed transfer with the
register adapter (``bus2reg``), finds the register at its address in ``map``, and
updates the register model's mirror as the access predicts it (UVM_PREDICT_WRITE or
UVM_PREDICT_READ, through each field's access policy: a write to a W1C field clears
the bits written 1, a read mirrors the value read).  The register-level item
(``uvm_reg_item``: register, kind, value, status; the bus item as its extension) then
goes out on ``reg_ap``, after the mirror holds the access -- the port a scoreboard
subscribes to.  A transfer that
ends in an error updates no mirror (it is still published, with UVM_NOT_OK); one that
addresses no register is published with no element.

Byte enables (APB4 PSTRB): a write updates only the bits of its enabled byte lanes, as
the register block does (PeakRDL's bit-enable mask).  A field with no enabled bit is not
predicted at all; a field split by the strobes is predicted from its effective value --
the written bits, and for a read-write field the mirrored bits of the disabled lanes (a
write-1-to-clear or write-once-pulse field sees 0 there: no effect).  The published item
carries that effective value, so a subscriber that decodes a write (a START bit, the
bits of a W1C clear) sees what the hardware did, not what was on PWDATA.
"""

from __future__ import annotations

from pyuvm import (
    uvm_access_e,
    uvm_analysis_port,
    uvm_component,
    uvm_door_e,
    uvm_elem_kind_e,
    uvm_predict_e,
    uvm_reg_bus_op,
    uvm_reg_item,
    uvm_reg_predictor,
    uvm_status_e,
    uvm_subscriber,
)


class RegPredictor(uvm_reg_predictor):
    def __init__(self, name, parent):
        uvm_component.__init__(self, name, parent)  # pyuvm's uvm_reg_predictor.__init__ raises
        self.bus_in = uvm_subscriber.uvm_AnalysisImp("bus_in", self, self.write)
        self.reg_ap = uvm_analysis_port("reg_ap", self)
        self.map = None
        self.adapter = None
        self._pending = []  # uvm_reg_predictor's bookkeeping of split transfers (none here)
        self.predicted = 0

    def write(self, tr) -> None:
        op = uvm_reg_bus_op()
        self.adapter.bus2reg(tr, op)
        write = op.kind == uvm_access_e.UVM_WRITE
        reg = self.map.get_reg_by_offset(op.addr, not write)
        rw = uvm_reg_item("predicted")
        rw.set_element_kind(uvm_elem_kind_e.UVM_REG)
        rw.set_element(reg)
        rw.set_kind(op.kind)
        rw.set_offset(op.addr)
        rw.set_value(op.data)
        rw.set_map(self.map)
        rw.set_door(uvm_door_e.UVM_PREDICT)
        rw.set_status(op.status)
        rw.set_extension(tr)  # the observed bus transfer (its time, for instance)
        if reg is not None and op.status == uvm_status_e.UVM_IS_OK:
            be = getattr(op, "byte_en", -1)
            n_bytes = (reg.get_n_bits() + 7) // 8
            if write and be != -1 and (be & ((1 << n_bytes) - 1)) != (1 << n_bytes) - 1:
                rw.set_value(self.predict_partial_write(reg, rw, op.data, be))
            else:
                reg.do_predict(rw, uvm_predict_e.UVM_PREDICT_WRITE if write else uvm_predict_e.UVM_PREDICT_READ)
                rw.set_value(op.data)
            self.predicted += 1
        self.reg_ap.write(rw)

    def predict_partial_write(self, reg, rw, data: int, be: int) -> int:
        """Predict a write whose byte enables leave some lanes of ``reg`` out; returns the
        effective value written (see the module doc)."""
        lanes = 0  # the bit mask of the enabled byte lanes
        for b in range(be.bit_length()):
            if be >> b & 1:
                lanes |= 0xFF << (8 * b)
        effective = 0
        for field in reg.get_fields():
            lsb, n = field.get_lsb_pos(), field.get_n_bits()
            full = (1 << n) - 1
            m = (lanes >> lsb) & full
            if not m:
                continue  # no bit of this field is written
            v = (data >> lsb) & full
            if m != full:
                access = field.get_access(self.map)
                if access in ("RW", "WRC", "WRS", "W"):
                    v = (v & m) | (field.get_mirrored_value() & full & ~m)
                elif access in ("W1C", "W1S", "W1T", "W1SRC", "W1CRS", "WO", "WO1"):
                    v &= m
                else:
                    raise ValueError(f"{reg.get_name()}.{field.get_name()}: a write with byte enables "
                                     f"0x{be:x} splits the field, and its access policy {access!r} has no "
                                     "defined partial write here")
            effective |= v << lsb
            rw.set_value(v)
            field.do_predict(rw, uvm_predict_e.UVM_PREDICT_WRITE, 1)
        return effective

    def check_phase(self):
        # pyuvm's uvm_reg_predictor.check_phase takes a phase argument its phasing never
        # passes; every transfer here is predicted at once, so nothing can be pending
        if self._pending:
            self.logger.error(f"{len(self._pending)} register transfer(s) still pending prediction")
