"""Generic environment, configuration, virtual sequence and base test of a streaming
RTL unit.

A unit's environment declares its streams (:class:`StreamSpec`), the item types of a
build (``ITEMS``: HDL parameters -> stream name -> item class), its scoreboard and
coverage classes and its HDL parameter defaults; everything else -- the configuration
objects, agents per stream, analysis connections, clock/reset, the drain-and-watchdog
end of test, the driver/monitor beat accounting -- is shared here.  Tests of a unit
differ only by a factory override of the virtual sequence (TinyALU style).

Configuration follows OpenTitan's shape: the test builds the environment's
:class:`UnitEnvCfg` (:meth:`UnitEnv.new_cfg`) and passes it through the ConfigDB
(key ``"cfg"``); the environment passes each agent its ``StreamCfg`` the same way and
hands its scoreboard and coverage collector the configuration (``.cfg``) before they
are built.  Nothing configures a class by assigning its attributes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable

import cocotb
from cocotb.triggers import RisingEdge, with_timeout
from pyuvm import ConfigDB, uvm_component, uvm_env, uvm_sequence, uvm_subscriber, uvm_test

from tb.agents.stream import StreamAgent, StreamCfg
from tb.common.clock_reset import reset, start_clock
from tb.common.params import dut_params, flow_from_env, int_knob

from . import coverage


@dataclass(frozen=True)
class StreamSpec:
    """One DUT stream: agent name (also the key of its item type), port prefix, field ->
    port suffix, default valid-gap density of a source."""

    name: str
    prefix: str
    signals: dict
    flow_default: str = "0.2:6"


@dataclass
class UnitEnvCfg:
    """Configuration of a unit environment: the HDL parameters of the build, the item
    type of every stream for them, one ``StreamCfg`` per agent, and the clock and reset
    the components watch."""

    unit: str  # coverage prefix and name of the unit
    params: dict[str, int]
    items: dict[str, type]  # stream name -> item class of this build
    agents: dict[str, StreamCfg]  # stream name -> its agent's configuration
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    clk: Any = None
    rst_n: Any = None
    extra: dict = field(default_factory=dict)  # unit-specific settings a test may add


class UnitEnv(uvm_env):
    INPUTS: tuple[StreamSpec, ...] = ()
    OUTPUTS: tuple[StreamSpec, ...] = ()
    ITEMS: Callable[[dict], dict[str, type]] | None = None  # staticmethod: params -> item classes
    SCOREBOARD: type | None = None
    COV: type | None = None
    DEFAULTS: dict = {}

    @classmethod
    def new_cfg(cls) -> UnitEnvCfg:
        """The configuration of this build: HDL parameters (``ESACT_PARAMS`` over the
        defaults), item types, agent configurations with the flow knobs (``IN_GAP``,
        ``OUT_STALL``) and handshake coverage on every stream."""
        params = dut_params(cls.DEFAULTS)
        items = cls.ITEMS(params)
        unit = cls.COV.PREFIX if cls.COV else "unit"
        agents = {}
        for spec, role in [(s, "source") for s in cls.INPUTS] + [(s, "sink") for s in cls.OUTPUTS]:
            env_var = "IN_GAP" if role == "source" else "OUT_STALL"
            default = spec.flow_default if role == "source" else "0.3:6"
            agents[spec.name] = StreamCfg(
                prefix=spec.prefix, signals=spec.signals, item_type=items[spec.name], role=role,
                flow=flow_from_env(env_var, default), en_cov=True, cov_name=f"{unit}.cg_handshake.{spec.name}",
            )
        dut = cocotb.top
        return UnitEnvCfg(unit=unit, params=params, items=items, agents=agents,
                          inputs=tuple(s.name for s in cls.INPUTS), outputs=tuple(s.name for s in cls.OUTPUTS),
                          clk=dut.clk_i, rst_n=dut.rst_ni)

    def build_phase(self):
        self.cfg: UnitEnvCfg = ConfigDB().get(self, "", "cfg")
        ConfigDB().set(self, "*", "clk", self.cfg.clk)
        self.agents: dict[str, StreamAgent] = {}
        for name, agent_cfg in self.cfg.agents.items():
            ConfigDB().set(self, f"{name}_agent", "cfg", agent_cfg)
            self.agents[name] = StreamAgent(f"{name}_agent", self)
        self.scoreboard = self.SCOREBOARD("scoreboard", self)
        self.scoreboard.cfg = self.cfg
        self.cov = self.COV("cov", self) if self.COV else None
        if self.cov:
            self.cov.cfg = self.cfg

    @property
    def params(self) -> dict:
        return self.cfg.params

    def connect_phase(self):
        for name in self.cfg.inputs:
            ap = self.agents[name].monitor.ap
            ap.connect(getattr(self.scoreboard, f"{name}_export"))
            if self.cov:
                ap.connect(self.cov.exports[name])
        for name in self.cfg.outputs:
            ap = self.agents[name].monitor.ap
            ap.connect(self.scoreboard.out_export)
            if self.cov:
                ap.connect(self.cov.exports[name])

    @property
    def input_agents(self):
        return [self.agents[n] for n in self.cfg.inputs]

    async def wait_drained(self) -> None:
        """Until the scoreboard expects no more output."""
        await self.scoreboard.drained.wait()

    def pending(self) -> int:
        """Expected outputs the scoreboard still waits for."""
        return self.scoreboard.pending


class UnitCov(uvm_component):
    """Coverage collector: one export per stream; ``sample_<stream>(item)`` hooks;
    ``self.cfg`` is the environment's configuration (set by the environment)."""

    PREFIX = "unit"
    STREAMS: tuple[str, ...] = ()
    cfg: UnitEnvCfg | None = None

    @property
    def params(self) -> dict:
        return self.cfg.params

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
    """Base virtual sequence: ``self.cfg`` is the environment's configuration (DUT
    parameters, item types), ``self.sqr`` maps input stream names to sequencers,
    ``self.agents`` every stream name to its agent; ``self.n`` a size knob
    (``$JOBS_N``)."""

    n_default = 20

    def __init__(self, name="vseq"):
        super().__init__(name)
        self.cfg: UnitEnvCfg | None = None
        self.sqr: dict = {}
        self.agents: dict = {}
        self.n = self.n_default

    @property
    def params(self) -> dict:
        return self.cfg.params

    @property
    def items(self) -> dict[str, type]:
        """Stream name -> item class of this build."""
        return self.cfg.items

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
        self.cfg = self.ENV.new_cfg()
        ConfigDB().set(self, "env", "cfg", self.cfg)
        self.env = self.ENV("env", self)

    def end_of_elaboration_phase(self):
        self.seq = self.VSEQ.create("vseq")
        self.seq.n = int_knob("JOBS_N", self.seq.n_default)

    async def run_phase(self):
        self.raise_objection()
        dut = cocotb.top
        cfg = self.cfg
        self.seq.cfg = cfg
        self.seq.sqr = {n: self.env.agents[n].sequencer for n in cfg.inputs}
        # sources (to wait until their items are in) and sinks (e.g. to hold ready low)
        self.seq.agents = {n: self.env.agents[n] for n in cfg.inputs + cfg.outputs}
        self.logger.info(
            f"SEED={os.environ.get('COCOTB_RANDOM_SEED')} params={cfg.params} "
            f"sequence={type(self.seq).__name__} n={self.seq.n}"
        )
        for name in cfg.inputs:
            a = cfg.agents[name]
            getattr(dut, f"{a.prefix}_{a.signals['valid']}").value = 0
        for name in cfg.outputs:
            a = cfg.agents[name]
            getattr(dut, f"{a.prefix}_{a.signals['ready']}").value = 0
        start_clock(cfg.clk)
        await reset(cfg.clk, cfg.rst_n)
        for agent in self.env.agents.values():
            agent.start_bfm()
        try:
            await with_timeout(self._run_and_drain(), self.WATCHDOG_US, "us")
        except cocotb.triggers.SimTimeoutError:
            idle = {a.get_name(): a.bfm.idle.is_set() for a in self.env.input_agents}
            raise AssertionError(
                f"WATCHDOG: no completion within {self.WATCHDOG_US} us; inputs idle {idle}, "
                f"{self.env.pending()} expected output(s) pending (DUT hang or lost output)"
            ) from None
        self.drop_objection()

    async def _run_and_drain(self):
        await self.seq.start()
        for agent in self.env.input_agents:
            await agent.wait_idle()
        # every accepted input beat has reached its monitor's analysis port
        clk = self.cfg.clk
        while any(a.bfm.beats != a.bfm.sent or not a.bfm.rx_q.empty() for a in self.env.input_agents):
            await RisingEdge(clk)
        await RisingEdge(clk)
        await self.env.wait_drained()

    def check_phase(self):
        for agent in self.env.input_agents:
            if agent.bfm.beats != agent.bfm.sent:
                raise AssertionError(
                    f"{agent.get_name()}: the BFM drove {agent.bfm.sent} beats, its monitor saw {agent.bfm.beats}"
                )
