"""pyuvm tests of hlog_quant.  The tests differ only by a factory override of the
sequence (TinyALU style).  Run them through pytest (tests/sim/test_hlog_quant.py) or
`make sim UNIT=hlog_quant [TEST=...] [SEED=...]`."""

from __future__ import annotations

import os

import cocotb
from cocotb.triggers import with_timeout
from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory, uvm_test

from tb.common.clock_reset import reset, start_clock
from tb.common.params import int_knob

from .hlog_quant_env import HlogQuantEnv
from .hlog_quant_item import HlogQuantCfg
from .hlog_quant_seq_lib import (
    HlogQuantBaseSeq,
    HlogQuantCornerSeq,
    HlogQuantExhaustiveSeq,
    HlogQuantRandomSeq,
)

WATCHDOG_US = 2000


class HlogQuantBaseTest(uvm_test):
    """Reset, run the (overridable) sequence, wait until every output is checked."""

    def build_phase(self):
        self.env = HlogQuantEnv("env", self)

    def end_of_elaboration_phase(self):
        self.seq = HlogQuantBaseSeq.create("seq")
        self.seq.n_beats = int_knob("BEATS", HlogQuantBaseSeq.n_beats)

    async def run_phase(self):
        self.raise_objection()
        dut = cocotb.top
        self.logger.info(
            f"SEED={os.environ.get('COCOTB_RANDOM_SEED')} WIDTH={HlogQuantCfg.WIDTH} LANES={HlogQuantCfg.LANES} "
            f"ROUND={HlogQuantCfg.ROUND} sequence={type(self.seq).__name__}"
        )
        dut.in_valid_i.value = 0
        dut.out_ready_i.value = 0
        start_clock(dut.clk_i)
        await reset(dut.clk_i, dut.rst_ni)
        self.env.in_agent.start_bfm()
        self.env.out_agent.start_bfm()
        await self.seq.start(self.env.in_agent.sequencer)
        await with_timeout(self._drain(), WATCHDOG_US, "us")
        self.drop_objection()

    async def _drain(self):
        await self.env.in_agent.wait_idle()
        await self.env.scoreboard.drained.wait()

    def check_phase(self):
        if self.env.in_agent.monitor.count != self.env.in_agent.driver.sent:
            raise AssertionError(
                f"driver sent {self.env.in_agent.driver.sent} beats, input monitor saw "
                f"{self.env.in_agent.monitor.count}"
            )


@uvm_test_decorator()
class HlogQuantRandomTest(HlogQuantBaseTest):
    def build_phase(self):
        uvm_factory().set_type_override_by_type(HlogQuantBaseSeq, HlogQuantRandomSeq)
        super().build_phase()


@uvm_test_decorator()
class HlogQuantExhaustiveTest(HlogQuantBaseTest):
    """All input codes; every HLog level and exponent/sign pair must then be covered."""

    def build_phase(self):
        uvm_factory().set_type_override_by_type(HlogQuantBaseSeq, HlogQuantExhaustiveSeq)
        super().build_phase()

    async def _drain(self):
        await self.env.in_agent.wait_idle()
        await self.env.scoreboard.drained.wait()

    def check_phase(self):
        super().check_phase()
        for cg in ("cg_code.level", "cg_code.exp_x_sign", "cg_code.half"):
            missing = self.env.cov.missing(cg)
            if missing:
                raise AssertionError(f"exhaustive input left {cg} bins uncovered: {missing}")


@uvm_test_decorator()
class HlogQuantCornerTest(HlogQuantBaseTest):
    def build_phase(self):
        uvm_factory().set_type_override_by_type(HlogQuantBaseSeq, HlogQuantCornerSeq)
        super().build_phase()
