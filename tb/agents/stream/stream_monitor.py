"""Monitor: turns handshaked beats into transactions on an analysis port."""

from __future__ import annotations

from pyuvm import uvm_analysis_port, uvm_monitor


class StreamMonitor(uvm_monitor):
    def __init__(self, name, parent, bfm=None, item_type=None):
        super().__init__(name, parent)
        self.bfm = bfm
        self.item_type = item_type
        self.count = 0

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)

    async def run_phase(self):
        while True:
            beat, stall, gap = await self.bfm.rx_q.get()
            item = self.item_type.from_beat(beat)
            item.stall_cycles, item.gap_cycles, item.index = stall, gap, self.count
            self.count += 1
            self.ap.write(item)
