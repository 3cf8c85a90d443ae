"""Thin APB4 master BFM: one transfer at a time (setup phase, then access phase until
PREADY).  The monitor wakes on PSEL and costs nothing while the bus is idle."""

from __future__ import annotations

import cocotb
from cocotb.queue import Queue
from cocotb.triggers import RisingEdge
from cocotb.utils import get_sim_time


class ApbBfm:
    def __init__(self, dut, clk, prefix: str = ""):
        g = lambda n: getattr(dut, f"{prefix}{n}")  # noqa: E731
        self.clk = clk
        self.psel, self.penable, self.pwrite = g("psel_i"), g("penable_i"), g("pwrite_i")
        self.paddr, self.pwdata, self.pstrb, self.pprot = g("paddr_i"), g("pwdata_i"), g("pstrb_i"), g("pprot_i")
        self.pready, self.prdata, self.pslverr = g("pready_o"), g("prdata_o"), g("pslverr_o")
        self.mon_q: Queue = Queue()
        self._task = None

    def reset_bus(self) -> None:
        self.psel.value = 0
        self.penable.value = 0
        self.pwrite.value = 0
        self.paddr.value = 0
        self.pwdata.value = 0
        self.pstrb.value = 0
        self.pprot.value = 0

    async def transfer(self, addr: int, write: bool, data: int = 0, strb: int = 0xF, prot: int = 0) -> tuple[int, bool]:
        """Perform one transfer; returns (read data, slverr)."""
        self.paddr.value = addr
        self.pprot.value = prot
        self.pwrite.value = int(write)
        self.pwdata.value = data if write else 0
        self.pstrb.value = strb if write else 0
        self.psel.value = 1
        self.penable.value = 0
        await RisingEdge(self.clk)
        self.penable.value = 1
        while True:
            await RisingEdge(self.clk)
            if self.pready.value:
                break
        rdata, err = int(self.prdata.value), bool(self.pslverr.value)
        self.psel.value = 0
        self.penable.value = 0
        return rdata, err

    def start_monitor(self) -> None:
        self._task = cocotb.start_soon(self._monitor())

    async def _monitor(self) -> None:
        while True:
            if not self.psel.value:
                await RisingEdge(self.psel)
            await RisingEdge(self.clk)
            if self.psel.value and self.penable.value and self.pready.value:
                write = bool(self.pwrite.value)
                self.mon_q.put_nowait((int(self.paddr.value), write,
                                       int(self.pwdata.value) if write else int(self.prdata.value),
                                       bool(self.pslverr.value), get_sim_time("step"),
                                       int(self.pstrb.value) if write else 0))
