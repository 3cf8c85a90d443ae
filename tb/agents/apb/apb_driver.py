"""APB driver: executes items through the BFM and returns read data in the item."""

from __future__ import annotations

from pyuvm import uvm_driver


class ApbDriver(uvm_driver):
    def __init__(self, name, parent, bfm=None):
        super().__init__(name, parent)
        self.bfm = bfm

    async def run_phase(self):
        while True:
            item = await self.seq_item_port.get_next_item()
            rdata, err = await self.bfm.transfer(item.addr, item.write, item.data, item.strb, item.prot)
            if not item.write:
                item.data = rdata
            item.slverr = err
            self.seq_item_port.item_done()
