"""pyuvm register adapter between the (PeakRDL-generated) register model and APB."""

from __future__ import annotations

import random

from pyuvm import uvm_reg_adapter
from pyuvm._reg.uvm_reg_model import uvm_access_e, uvm_status_e

from .apb_item import ApbItem


class ApbRegAdapter(uvm_reg_adapter):
    def __init__(self, name: str = "apb_reg_adapter"):
        super().__init__(name)
        self.supports_byte_enable = False
        self.provides_responses = False

    def reg2bus(self, rw):
        """The register access as an APB transfer; its protection attribute (PPROT) is
        drawn at random: the register block has no protection checks, so every value must
        give the same response."""
        write = rw.kind == uvm_access_e.UVM_WRITE
        return ApbItem("reg_apb", int(rw.addr), write, int(rw.data) if write else 0, prot=random.getrandbits(3))

    def bus2reg(self, bus_item, rw):
        """The observed transfer as a register access; a write's byte enables are its
        PSTRB (a read: -1, every byte) -- the predictor updates only the enabled lanes."""
        rw.kind = uvm_access_e.UVM_WRITE if bus_item.write else uvm_access_e.UVM_READ
        rw.addr = bus_item.addr
        rw.data = bus_item.data
        rw.byte_en = bus_item.strb if bus_item.write else -1
        rw.status = uvm_status_e.UVM_NOT_OK if bus_item.slverr else uvm_status_e.UVM_IS_OK
