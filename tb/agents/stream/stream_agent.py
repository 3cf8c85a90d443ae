"""Stream agent: sequencer + driver (when active, source role) + monitor, and its
handshake coverage (``StreamCov``) when the configuration enables it.

The agent finds its ``StreamCfg`` under the key ``"cfg"`` and the clock under ``"clk"``
in the ConfigDB (both set by the environment for this agent's path); its ports are those
of the simulation's top level (``cocotb.top``) that the configuration names.
"""

from __future__ import annotations

import cocotb
from pyuvm import ConfigDB, uvm_agent, uvm_sequencer

from .stream_bfm import StreamBfm
from .stream_cov import StreamCov
from .stream_driver import StreamDriver
from .stream_monitor import StreamMonitor


class StreamAgent(uvm_agent):
    def build_phase(self):
        self.cfg = ConfigDB().get(self, "", "cfg")
        dut = cocotb.top
        clk = ConfigDB().get(self, "", "clk")
        self.bfm = StreamBfm(dut, clk, self.cfg)
        self.monitor = StreamMonitor("monitor", self, bfm=self.bfm, item_type=self.cfg.item_type)
        self.drives = self.cfg.is_active
        if self.drives and self.cfg.role == "source":
            self.sequencer = uvm_sequencer("sequencer", self)
            self.driver = StreamDriver("driver", self, bfm=self.bfm)
        else:
            self.sequencer = None
            self.driver = None
        self.cov = StreamCov("cov", self, cfg=self.cfg) if self.cfg.en_cov else None
        self.ap = None

    def connect_phase(self):
        self.ap = self.monitor.ap
        if self.cov is not None:
            self.monitor.ap.connect(self.cov.analysis_export)
        if self.driver is not None:
            self.driver.seq_item_port.connect(self.sequencer.seq_item_export)

    def start_bfm(self) -> None:
        """Called by the environment once reset is released."""
        self.bfm.start(drive=self.drives)

    async def wait_idle(self) -> None:
        """Return once every beat handed to the driver has been accepted by the DUT."""
        await self.bfm.idle.wait()
