"""APB master agent: sequencer, driver, monitor over one thin BFM (ConfigDB key
"apb_prefix" names the port prefix, default "")."""

from __future__ import annotations

import cocotb
from pyuvm import ConfigDB, uvm_agent, uvm_sequencer

from .apb_bfm import ApbBfm
from .apb_driver import ApbDriver
from .apb_monitor import ApbMonitor


class ApbAgent(uvm_agent):
    def build_phase(self):
        clk = ConfigDB().get(self, "", "clk")
        try:
            prefix = ConfigDB().get(self, "", "apb_prefix")
        except Exception:  # noqa: BLE001 - optional key
            prefix = ""
        self.bfm = ApbBfm(cocotb.top, clk, prefix)
        self.sequencer = uvm_sequencer("sequencer", self)
        self.driver = ApbDriver("driver", self, bfm=self.bfm)
        self.monitor = ApbMonitor("monitor", self, bfm=self.bfm)

    def connect_phase(self):
        self.driver.seq_item_port.connect(self.sequencer.seq_item_export)

    def start_bfm(self) -> None:
        self.bfm.start_monitor()
