"""APB monitor: completed transfers on an analysis port."""

from __future__ import annotations

from pyuvm import uvm_analysis_port, uvm_monitor

from .apb_item import ApbItem


class ApbMonitor(uvm_monitor):
    def __init__(self, name, parent, bfm=None):
        super().__init__(name, parent)
        self.bfm = bfm

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    async def run_phase(self):
        while True:
            addr, write, data, err, t, strb = await self.bfm.mon_q.get()
            item = ApbItem("apb_mon", addr, write, data, strb=strb)
            item.slverr, item.time = err, t
            self.ap.write(item)
