"""Generic environment, virtual sequence and base test of a streaming RTL unit.

A unit's environment declares its streams (:class:`StreamSpec`), its scoreboard and
coverage classes and its HDL parameter defaults; everything else -- agents per
stream, analysis connections, clock/reset, the drain-and-watchdog end of test, the
driver/monitor beat accounting -- is shared here.  Tests of a unit differ only by a
factory override of the virtual sequence (TinyALU style).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import cocotb
from cocotb.triggers import RisingEdge, with_timeout
from pyuvm import ConfigDB, uvm_component, uvm_env, uvm_sequence, uvm_subscriber, uvm_test

from tb.agents.stream import StreamAgent, StreamCfg, StreamCov
from tb.common.clock_reset import reset, start_clock
from tb.common.params import dut_params, flow_from_env, int_knob

from . import coverage


@dataclass(frozen=True)
class StreamSpec:
    """One DUT stream: agent name, port prefix, field -> port suffix, item type."""

    name: str
    prefix: str
    signals: dict
    item_type: type
    flow_default: str = "0.2:6"


class UnitEnv(uvm_env):
    INPUTS: tuple[StreamSpec, ...] = ()
    OUTPUTS: tuple[StreamSpec, ...] = ()
    SCOREBOARD: type | None = None
    COV: type | None = None
    DEFAULTS: dict = {}

    def configure(self, params: dict) -> None:
        """Hook: hand the HDL parameters to items, models and coverage."""

    def build_phase(self):
        self.params = dut_params(self.DEFAULTS)
        self.configure(self.params)
        ConfigDB().set(self, "*", "clk", cocotb.top.clk_i)
        self.agents: dict[str, StreamAgent] = {}
        for spec, role in [(s, "source") for s in self.INPUTS] + [(s, "sink") for s in self.OUTPUTS]:
            env_var = "IN_GAP" if role == "source" else "OUT_STALL"
            default = spec.flow_default if role == "source" else "0.3:6"
            cfg = StreamCfg(
                prefix=spec.prefix, signals=spec.signals, item_type=spec.item_type, role=role,
                flow=flow_from_env(env_var, default),
            )
            ConfigDB().set(self, f"{spec.name}_agent", "cfg", cfg)
            self.agents[spec.name] = StreamAgent(f"{spec.name}_agent", self)
        unit = self.COV.PREFIX if self.COV else "unit"
        self.flow_cov = {
            spec.name: StreamCov(f"{spec.name}_flow_cov", self, unit=unit, stream=spec.name, role=role)
            for spec, role in [(s, "source") for s in self.INPUTS] + [(s, "sink") for s in self.OUTPUTS]
        }
        self.scoreboard = self.SCOREBOARD("scoreboard", self)
        self.cov = self.COV("cov", self) if self.COV else None

    def connect_phase(self):
        for name, cov in self.flow_cov.items():
            self.agents[name].monitor.ap.connect(cov.analysis_export)
        for spec in self.INPUTS:
            ap = self.agents[spec.name].monitor.ap
            ap.connect(getattr(self.scoreboard, f"{spec.name}_export"))
            if self.cov:
                ap.connect(self.cov.exports[spec.name])
        for spec in self.OUTPUTS:
            ap = self.agents[spec.name].monitor.ap
            ap.connect(self.scoreboard.out_export)
            if self.cov:
                ap.connect(self.cov.exports[spec.name])

    @property
    def input_agents(self):
        return [self.agents[s.name] for s in self.INPUTS]


class UnitCov(uvm_component):
    """Coverage collector: one export per stream; ``sample_<stream>(item)`` hooks."""

    PREFIX = "unit"
    STREAMS: tuple[str, ...] = ()

    def build_phase(self):
        self.exports = {
            n: uvm_subscriber.uvm_AnalysisImp(f"{n}_export", self, lambda item, n=n: self._sample(n, item))
            for n in self.STREAMS
        }
        self.define()

    def define(self) -> None:
        """Create the covergroups (cocotb-coverage decorated functions)."""

    def _sample(self, stream: str, item) -> None:
        getattr(self, f"sample_{stream}")(item)

    def report_phase(self):
        coverage.export(self.PREFIX, self.logger)

    def missing(self, name: str) -> list:
        return coverage.missing_bins(f"{self.PREFIX}.{name}")


class ItemsSeq(uvm_sequence):
    """Send a prepared list of items on one sequencer."""

    def __init__(self, name="items", items=()):
        super().__init__(name)
        self.items = list(items)

    async def body(self):
        for item in self.items:
            await self.start_item(item)
            await self.finish_item(item)


class UnitVirtualSeq(uvm_sequence):
    """Base virtual sequence: ``self.sqr`` maps stream names to sequencers;
    ``self.params`` holds the DUT parameters; ``self.n`` a size knob (``$JOBS_N``)."""

    n_default = 20

    def __init__(self, name="vseq"):
        super().__init__(name)
        self.sqr: dict = {}
        self.agents: dict = {}
        self.params: dict = {}
        self.n = self.n_default

    async def send(self, stream: str, items) -> None:
        await ItemsSeq(f"{stream}_items", items).start(self.sqr[stream])

    async def wait_idle(self, stream: str) -> None:
        """Until every item sent on ``stream`` has been accepted by the DUT (use it to
        order two streams, e.g. operand loads before the command that uses them)."""
        await self.agents[stream].wait_idle()


class UnitBaseTest(uvm_test):
    ENV: type = UnitEnv
    VSEQ: type = UnitVirtualSeq
    WATCHDOG_US = 20000

    def build_phase(self):
        self.env = self.ENV("env", self)

    def end_of_elaboration_phase(self):
        self.seq = self.VSEQ.create("vseq")
        self.seq.n = int_knob("JOBS_N", self.seq.n_default)

    async def run_phase(self):
        self.raise_objection()
        dut = cocotb.top
        self.seq.params = self.env.params
        self.seq.sqr = {s.name: self.env.agents[s.name].sequencer for s in self.env.INPUTS}
        self.seq.agents = {s.name: self.env.agents[s.name] for s in self.env.INPUTS}
        self.logger.info(
            f"SEED={os.environ.get('COCOTB_RANDOM_SEED')} params={self.env.params} "
            f"sequence={type(self.seq).__name__} n={self.seq.n}"
        )
        for spec in self.env.INPUTS:
            getattr(dut, f"{spec.prefix}_{spec.signals['valid']}").value = 0
        for spec in self.env.OUTPUTS:
            getattr(dut, f"{spec.prefix}_{spec.signals['ready']}").value = 0
        start_clock(dut.clk_i)
        await reset(dut.clk_i, dut.rst_ni)
        for agent in self.env.agents.values():
            agent.start_bfm()
        try:
            await with_timeout(self._run_and_drain(), self.WATCHDOG_US, "us")
        except cocotb.triggers.SimTimeoutError:
            idle = {a.get_name(): a.bfm.idle.is_set() for a in self.env.input_agents}
            raise AssertionError(
                f"WATCHDOG: no completion within {self.WATCHDOG_US} us; inputs idle {idle}, "
                f"{self.env.scoreboard.pending} expected output(s) pending (DUT hang or lost output)"
            ) from None
        self.drop_objection()

    async def _run_and_drain(self):
        await self.seq.start()
        for agent in self.env.input_agents:
            await agent.wait_idle()
        # every accepted input beat has reached its monitor's analysis port
        clk = cocotb.top.clk_i
        while any(a.bfm.beats != a.bfm.sent or not a.bfm.rx_q.empty() for a in self.env.input_agents):
            await RisingEdge(clk)
        await RisingEdge(clk)
        await self.env.scoreboard.drained.wait()

    def check_phase(self):
        for agent in self.env.input_agents:
            if agent.bfm.beats != agent.bfm.sent:
                raise AssertionError(
                    f"{agent.get_name()}: the BFM drove {agent.bfm.sent} beats, its monitor saw {agent.bfm.beats}"
                )
