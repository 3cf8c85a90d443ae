"""Monitor: turns handshaked beats into transactions on an analysis port (``ap``); with
``StreamCfg.watch_valid``, also every change of valid (``valid_ap``)."""

from __future__ import annotations

from typing import NamedTuple

from pyuvm import uvm_analysis_port, uvm_monitor


class ValidChange(NamedTuple):
    """valid rose (``level`` True) or fell at simulation time ``time`` (steps)."""

    level: bool
    time: int


class StreamMonitor(uvm_monitor):
    def __init__(self, name, parent, bfm=None, item_type=None):
        super().__init__(name, parent)
        self.bfm = bfm
        self.item_type = item_type
        self.count = 0

    def build_phase(self):
        self.ap = uvm_analysis_port("ap", self)
        self.valid_ap = None
        if self.bfm.cfg.watch_valid:
            self.valid_ap = uvm_analysis_port("valid_ap", self)
            self.bfm.valid_listeners.append(lambda level, t: self.valid_ap.write(ValidChange(level, t)))

    async def run_phase(self):
        packet = "last" in self.bfm.cfg.signals
        beats, stall, gap = [], 0, 0
        while True:
            beat, b_stall, b_gap = await self.bfm.rx_q.get()
            if isinstance(beat, list):  # a burst (StreamCfg.burst_beats): one transaction
                item = self.item_type.from_beats(beat)
                item.stall_cycles, item.gap_cycles, item.index = b_stall, b_gap, self.count
                self.count += 1
                self.ap.write(item)
                continue
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
