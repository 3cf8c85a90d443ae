"""APB master agent: sequencer and driver (when active) and a monitor over one thin BFM.

The agent finds its ``ApbCfg`` under the key ``"cfg"`` and the clock under ``"clk"`` in
the ConfigDB (both set by the environment for this agent's path)."""

from __future__ import annotations

import cocotb
from pyuvm import ConfigDB, uvm_agent, uvm_sequencer

from .apb_bfm import ApbBfm
from .apb_driver import ApbDriver
from .apb_monitor import ApbMonitor


class ApbAgent(uvm_agent):
    def build_phase(self):
        self.cfg = ConfigDB().get(self, "", "cfg")
        clk = ConfigDB().get(self, "", "clk")
        self.bfm = ApbBfm(cocotb.top, clk, self.cfg.prefix)
        if self.cfg.is_active:
            self.sequencer = uvm_sequencer("sequencer", self)
            self.driver = ApbDriver("driver", self, bfm=self.bfm)
        else:
            self.sequencer = self.driver = None
        self.monitor = ApbMonitor("monitor", self, bfm=self.bfm)

    def connect_phase(self):
        if self.driver is not None:
            self.driver.seq_item_port.connect(self.sequencer.seq_item_export)

    def start_bfm(self) -> None:
        self.bfm.start_monitor()
