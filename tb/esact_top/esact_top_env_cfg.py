"""Configuration of the esact_top environment (OpenTitan's env cfg): the HDL parameters
of the build, one configuration per agent (APB register agent, load and output stream
agents), the register model -- the one mirror of the CSRs -- and the clock and reset
the components watch.  The test builds it (:meth:`EsactEnvCfg.new`) and passes it to the
environment through the ConfigDB (key ``"cfg"``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cocotb

from tb.agents.apb import ApbCfg
from tb.agents.stream import StreamCfg
from tb.common.params import dut_params, flow_from_env

from .esact_top_item import LOAD_BURST, EsactLd, EsactOut
from .esact_top_mem import MemMap
from .esact_top_regs import register_model_class

DEFAULTS = {"T_MAX": 128, "D_MAX": 384, "F_MAX": 1536, "H_MAX": 12, "HEAD_DIM": 32, "PE_R": 8, "PE_C": 8,
            "PRED_LANES": 16, "PRED_ELEMS": 8}
PREFIX = "esact_top"  # coverage prefix


@dataclass
class EsactEnvCfg:
    params: dict[str, int]
    apb: ApbCfg
    ld: StreamCfg
    out: StreamCfg
    regs: Any  # the register model (pyuvm uvm_reg_block), built and locked
    clk: Any = None
    rst_n: Any = None

    @property
    def mm(self) -> MemMap:
        """The load-address map of this build."""
        p = self.params
        return MemMap(p["T_MAX"], p["D_MAX"], p["F_MAX"])

    @classmethod
    def new(cls) -> "EsactEnvCfg":
        """The configuration of this build: HDL parameters (``ESACT_PARAMS`` over the
        defaults), flow knobs (``IN_GAP``, ``OUT_STALL``), handshake coverage on both
        streams, the load stream monitored in bursts, the output agent reporting its
        valid level (the scoreboard tells a request that meets a streaming engine from
        one that aborts a computing job)."""
        p = dut_params(DEFAULTS)
        ld = StreamCfg(
            prefix="ld", signals={"valid": "valid_i", "ready": "ready_o", "addr": "addr_i", "data": "data_i"},
            item_type=EsactLd, role="source", flow=flow_from_env("IN_GAP", "0.05:6"), queue_depth=16,
            en_cov=True, cov_name=f"{PREFIX}.cg_handshake.ld", burst_beats=LOAD_BURST,
            # between bursts the address often still names a real buffer place (new data)
            # or the data goes with a new address: a buffer write without LD_VALID shows
            idle_payload="mixed")
        out = StreamCfg(
            prefix="out", signals={"valid": "valid_o", "ready": "ready_i", "data": "data_o", "tag": "tag_o",
                                   "last": "last_o"},
            item_type=EsactOut, role="sink", flow=flow_from_env("OUT_STALL", "0.2:6"),
            en_cov=True, cov_name=f"{PREFIX}.cg_handshake.out", watch_valid=True,
            # longest legal packet: the keep-mask dump, H_MAX * T_MAX beats
            max_packet_beats=max(p["H_MAX"] * p["T_MAX"], p["T_MAX"] * -(-p["F_MAX"] // 32)))
        regs = register_model_class()("regs")
        regs.build()
        regs.lock_model()
        dut = cocotb.top
        return cls(params=p, apb=ApbCfg(), ld=ld, out=out, regs=regs, clk=dut.clk_i, rst_n=dut.rst_ni)
