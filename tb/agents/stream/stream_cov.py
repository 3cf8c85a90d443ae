"""Handshake coverage of one stream (agent-level, like OpenTitan's agent cov): how the
transactions met the flow control.  The agent builds it when its ``StreamCfg.en_cov``
is set and connects its monitor to it.  Covergroup ``<unit>.cg_handshake``, coverpoint
``<stream>`` (``StreamCfg.cov_name``): for a testbench-driven (source) stream the valid
gap before the transaction, for a DUT-driven (sink) stream the back-pressure cycles it
suffered: "none", "1-3" (short), "4+" (long).  A burst (``StreamCfg.burst_beats``)
of a source is one transaction whose beats after the first follow each other without a
gap: it samples its gap and, when it has several beats, one "none"."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverPoint
from pyuvm import uvm_subscriber

BINS = ["none", "1-3", "4+"]


def flow_bin(cycles: int) -> str:
    return "none" if cycles == 0 else "1-3" if cycles <= 3 else "4+"


class StreamCov(uvm_subscriber):
    def __init__(self, name, parent, cfg=None):
        super().__init__(name, parent)
        self.role = cfg.role
        self.bursts = cfg.burst_beats > 1 and cfg.role == "source"

        @CoverPoint(cfg.cov_name, xf=lambda c: flow_bin(c), bins=BINS)
        def sample(c):
            pass

        self._sample = sample

    def write(self, item):
        self._sample(item.gap_cycles if self.role == "source" else item.stall_cycles)
        if self.bursts and len(item.beats) > 1:
            self._sample(0)
