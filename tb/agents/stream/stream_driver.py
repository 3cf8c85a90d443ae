"""Driver: takes items from the sequencer and hands their beats to the BFM (all at once
on a burst stream, ``StreamCfg.burst_beats`` > 1)."""

from __future__ import annotations

from pyuvm import uvm_driver


class StreamDriver(uvm_driver):
    def __init__(self, name, parent, bfm=None):
        super().__init__(name, parent)
        self.bfm = bfm
        self.sent = 0

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            if self.bfm.cfg.burst_beats > 1:
                await self.bfm.send_burst(item.to_beats())
            else:
                for beat in item.to_beats():
                    await self.bfm.send(beat)
            self.sent += 1
            self.seq_item_port.item_done()
