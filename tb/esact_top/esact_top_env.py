"""Environment of esact_top: register agent (APB) with the generated register model,
load agent, output agent, a virtual sequencer, the scoreboard and coverage."""

from __future__ import annotations

import cocotb
from pyuvm import ConfigDB, uvm_component, uvm_env, uvm_tlm_analysis_fifo

from tb.agents.apb import ApbAgent, ApbRegAdapter
from tb.agents.stream import StreamAgent, StreamCfg
from tb.common.params import dut_params, flow_from_env

from .esact_top_cov import EsactCov
from .esact_top_item import EsactLd, EsactOut
from .esact_top_regs import register_model_class
from .esact_top_scoreboard import EsactScoreboard

DEFAULTS = {"T_MAX": 128, "D_MAX": 384, "F_MAX": 1536, "H_MAX": 12, "HEAD_DIM": 32, "PE_R": 8, "PE_C": 8,
            "PRED_LANES": 16, "PRED_ELEMS": 8}


class EsactVirtualSequencer(uvm_component):
    """Handles the virtual sequences run on: sequencers, register model, output FIFO."""

    def build_phase(self):
        self.apb = None
        self.ld = None
        self.regs = None
        self.out_fifo = None
        self.out_agent = None
        self.scoreboard = None
        self.params = None


class EsactEnv(uvm_env):
    def build_phase(self):
        self.params = dut_params(DEFAULTS)
        dut = cocotb.top
        ConfigDB().set(self, "*", "clk", dut.clk_i)
        ConfigDB().set(self, "ld_agent", "cfg", StreamCfg(
            prefix="ld", signals={"valid": "valid_i", "ready": "ready_o", "addr": "addr_i", "data": "data_i"},
            item_type=EsactLd, role="source", flow=flow_from_env("IN_GAP", "0.05:6"), queue_depth=16,
            en_cov=True, cov_name="esact_top.cg_handshake.ld"))
        ConfigDB().set(self, "out_agent", "cfg", StreamCfg(
            prefix="out", signals={"valid": "valid_o", "ready": "ready_i", "data": "data_o", "tag": "tag_o",
                                   "last": "last_o"},
            item_type=EsactOut, role="sink", flow=flow_from_env("OUT_STALL", "0.2:6"),
            en_cov=True, cov_name="esact_top.cg_handshake.out",
            # longest legal packet: the keep-mask dump, H_MAX * T_MAX beats
            max_packet_beats=max(self.params["H_MAX"] * self.params["T_MAX"],
                                 self.params["T_MAX"] * -(-self.params["F_MAX"] // 32))))
        self.apb = ApbAgent("apb_agent", self)
        self.ld = StreamAgent("ld_agent", self)
        self.out = StreamAgent("out_agent", self)
        self.regs = register_model_class()("regs")
        self.regs.build()
        self.regs.lock_model()
        ConfigDB().set(self, "*", "params", self.params)
        ConfigDB().set(self, "*", "regs", self.regs)
        self.scoreboard = EsactScoreboard("scoreboard", self)
        self.cov = EsactCov("cov", self)
        self.out_fifo = uvm_tlm_analysis_fifo("out_fifo", self)
        self.vsqr = EsactVirtualSequencer("vsqr", self)

    def connect_phase(self):
        self.regs.get_default_map().set_sequencer(self.apb.sequencer, ApbRegAdapter())
        self.ld.monitor.ap.connect(self.scoreboard.ld_export)
        self.apb.monitor.ap.connect(self.scoreboard.apb_export)
        self.out.monitor.ap.connect(self.scoreboard.out_export)
        self.out.monitor.ap.connect(self.out_fifo.analysis_export)
        self.apb.monitor.ap.connect(self.cov.exports["apb"])
        self.out.monitor.ap.connect(self.cov.exports["out"])
        self.scoreboard.run_ap.connect(self.cov.exports["run"])
        v = self.vsqr
        v.apb, v.ld, v.regs, v.out_fifo = self.apb.sequencer, self.ld.sequencer, self.regs, self.out_fifo
        v.scoreboard, v.params, v.ld_agent, v.out_agent = self.scoreboard, self.params, self.ld, self.out
        self.scoreboard.out_streaming = lambda: self.out.bfm.valid

    def start_bfms(self) -> None:
        self.apb.bfm.reset_bus()
        self.apb.start_bfm()
        self.ld.start_bfm()
        self.out.start_bfm()
