"""One APB4 transfer."""

from __future__ import annotations

from pyuvm import uvm_sequence_item


class ApbItem(uvm_sequence_item):
    def __init__(self, name: str = "apb_item", addr: int = 0, write: bool = False, data: int = 0, strb: int = 0xF,
                 prot: int = 0):
        super().__init__(name)
        if not 0 <= prot <= 7:
            raise ValueError(f"prot={prot}: PPROT is 3 bits (0..7)")
        if not 0 <= strb <= 0xF:
            raise ValueError(f"strb={strb}: PSTRB is 4 bits (0..15), one per byte lane of PWDATA")
        self.addr = addr
        self.write = write
        self.data = data  # write data, or read data after the transfer
        self.strb = strb  # PSTRB: the byte lanes a write updates (0 for a read)
        self.prot = prot  # PPROT (privileged, non-secure, instruction)
        self.slverr = False
        self.time = None  # monitored transfers: simulation time (steps) of the completing edge

    def __str__(self) -> str:
        op = "WR" if self.write else "RD"
        strb = f" strb 0x{self.strb:x}" if self.write and self.strb != 0xF else ""
        return f"APB {op} 0x{self.addr:03x} = 0x{self.data:08x}{strb}{' SLVERR' if self.slverr else ''}"
