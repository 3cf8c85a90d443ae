"""Environment of hlog_quant: input agent (source), output agent (sink), scoreboard,
coverage.  Configures itself from the DUT parameters of the build."""

from __future__ import annotations

import cocotb
from pyuvm import ConfigDB, uvm_env

from tb.agents.stream import StreamAgent, StreamCfg
from tb.common.params import dut_params, flow_from_env

from .hlog_quant_cov import HlogQuantCov
from .hlog_quant_item import HlogQuantCfg, HlogQuantInItem, HlogQuantOutItem
from .hlog_quant_scoreboard import HlogQuantScoreboard

DEFAULTS = {"WIDTH": 8, "LANES": 1, "ROUND": 0}


class HlogQuantEnv(uvm_env):
    def build_phase(self):
        p = dut_params(DEFAULTS)
        HlogQuantCfg.configure(p["WIDTH"], p["LANES"], p["ROUND"])
        dut = cocotb.top
        in_cfg = StreamCfg(
            prefix="in",
            signals={"valid": "valid_i", "ready": "ready_o", "data": "data_i"},
            item_type=HlogQuantInItem,
            role="source",
            flow=flow_from_env("IN_GAP", "0.2:3"),
        )
        out_cfg = StreamCfg(
            prefix="out",
            signals={
                "valid": "valid_o", "ready": "ready_i", "zero": "zero_o", "sign": "sign_o",
                "exp": "exp_o", "half": "half_o", "value": "value_o",
            },
            item_type=HlogQuantOutItem,
            role="sink",
            flow=flow_from_env("OUT_STALL", "0.3:4"),
        )
        ConfigDB().set(self, "*", "clk", dut.clk_i)
        ConfigDB().set(self, "in_agent", "cfg", in_cfg)
        ConfigDB().set(self, "out_agent", "cfg", out_cfg)
        self.in_agent = StreamAgent("in_agent", self)
        self.out_agent = StreamAgent("out_agent", self)
        self.scoreboard = HlogQuantScoreboard("scoreboard", self)
        self.cov = HlogQuantCov("cov", self)

    def connect_phase(self):
        self.in_agent.monitor.ap.connect(self.scoreboard.in_export)
        self.out_agent.monitor.ap.connect(self.scoreboard.out_export)
        self.in_agent.monitor.ap.connect(self.cov.in_export)
        self.out_agent.monitor.ap.connect(self.cov.out_export)
