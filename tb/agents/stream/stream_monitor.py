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
        packet = "last" in self.bfm.cfg.signals
        beats, stall, gap = [], 0, 0
        while True:
            beat, b_stall, b_gap = await self.bfm.rx_q.get()
            beats.append(beat)
            stall += b_stall
            gap = gap if len(beats) > 1 else b_gap
            if packet and not beat["last"]:
                limit = self.bfm.cfg.max_packet_beats
                if limit is not None and len(beats) >= limit:
                    # a missing `last` must fail here, not grow a packet without bound
                    raise AssertionError(f"{self.get_full_name()}: packet {self.count} has {len(beats)} beats "
                                         f"without `last` (limit {limit})")
                continue
            item = self.item_type.from_beats(beats)
            item.stall_cycles, item.gap_cycles, item.index = stall, gap, self.count
            self.count += 1
            beats, stall, gap = [], 0, 0
            self.ap.write(item)
