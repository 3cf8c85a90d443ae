"""Environment of esact_top: register agent (APB) with the generated register model and
its predictor, load agent, output agent, a virtual sequencer, the scoreboard, coverage
and the log of the scoreboard's results.

Configuration (OpenTitan's shape): the test builds the :class:`EsactEnvCfg` and passes
it through the ConfigDB; the environment passes each agent its configuration the same
way and hands the scoreboard, the coverage collector and the virtual sequencer the
configuration.  Data flows one way: monitors -> predictor / scoreboard / coverage;
the scoreboard's results -> the results log the sequences and tests read."""

from __future__ import annotations

from pyuvm import ConfigDB, uvm_component, uvm_env, uvm_subscriber, uvm_tlm_analysis_fifo

from tb.agents.apb import ApbAgent, ApbRegAdapter
from tb.agents.stream import StreamAgent
from tb.common.reg_predictor import RegPredictor

from .esact_top_cov import EsactCov
from .esact_top_env_cfg import EsactEnvCfg
from .esact_top_scoreboard import EsactScoreboard


class EsactResults(uvm_component):
    """What the scoreboard reported, for the sequences and tests (which never reach into
    the scoreboard): ``checks`` (every :class:`EsactCheck`) and ``requests`` (every
    request it classified: run, dump, illegal (start), illegal_dump, abort, dropped)."""

    def build_phase(self):
        self.checks: list = []
        self.requests: list = []
        self.check_export = uvm_subscriber.uvm_AnalysisImp("check_export", self, self.checks.append)
        self.request_export = uvm_subscriber.uvm_AnalysisImp("request_export", self, self.requests.append)

    @property
    def failures(self) -> list:
        return [c for c in self.checks if not c.ok]

    def count(self, kind: str) -> int:
        """Requests of ``kind`` (run, dump, illegal, illegal_dump, abort, dropped) or, for "counters",
        the counter checks made."""
        if kind == "counters":
            return sum(c.kind == "counters" for c in self.checks)
        return sum(r["kind"] == kind for r in self.requests)


class EsactVirtualSequencer(uvm_component):
    """Handles the virtual sequences run on: the configuration (parameters, register
    model), the sequencers and agents, the output packets (FIFO) and the results log."""

    def build_phase(self):
        self.cfg: EsactEnvCfg | None = None
        self.apb = None
        self.ld = None
        self.ld_agent = None
        self.out_agent = None
        self.out_fifo = None
        self.results: EsactResults | None = None

    @property
    def regs(self):
        return self.cfg.regs

    @property
    def params(self) -> dict:
        return self.cfg.params


class EsactEnv(uvm_env):
    def build_phase(self):
        self.cfg: EsactEnvCfg = ConfigDB().get(self, "", "cfg")
        ConfigDB().set(self, "*", "clk", self.cfg.clk)
        ConfigDB().set(self, "apb_agent", "cfg", self.cfg.apb)
        ConfigDB().set(self, "ld_agent", "cfg", self.cfg.ld)
        ConfigDB().set(self, "out_agent", "cfg", self.cfg.out)
        self.apb = ApbAgent("apb_agent", self)
        self.ld = StreamAgent("ld_agent", self)
        self.out = StreamAgent("out_agent", self)
        self.regs = self.cfg.regs
        self.predictor = RegPredictor("reg_predictor", self)
        self.scoreboard = EsactScoreboard("scoreboard", self)
        self.scoreboard.cfg = self.cfg
        self.cov = EsactCov("cov", self)
        self.cov.cfg = self.cfg
        self.results = EsactResults("results", self)
        self.out_fifo = uvm_tlm_analysis_fifo("out_fifo", self)
        self.vsqr = EsactVirtualSequencer("vsqr", self)

    @property
    def params(self) -> dict:
        return self.cfg.params

    def connect_phase(self):
        reg_map = self.regs.get_default_map()
        adapter = ApbRegAdapter()
        reg_map.set_sequencer(self.apb.sequencer, adapter)
        reg_map.set_auto_predict(False)  # the mirror follows the bus through the predictor
        self.predictor.map, self.predictor.adapter = reg_map, adapter
        self.apb.monitor.ap.connect(self.predictor.bus_in)
        self.predictor.reg_ap.connect(self.scoreboard.reg_export)
        self.ld.monitor.ap.connect(self.scoreboard.ld_export)
        self.out.monitor.ap.connect(self.scoreboard.out_export)
        self.out.monitor.valid_ap.connect(self.scoreboard.valid_export)
        self.out.monitor.ap.connect(self.out_fifo.analysis_export)
        self.apb.monitor.ap.connect(self.cov.exports["apb"])
        self.out.monitor.ap.connect(self.cov.exports["out"])
        self.scoreboard.run_ap.connect(self.cov.exports["run"])
        self.scoreboard.run_ap.connect(self.results.request_export)
        self.scoreboard.check_ap.connect(self.results.check_export)
        v = self.vsqr
        v.cfg, v.apb, v.ld, v.out_fifo, v.results = self.cfg, self.apb.sequencer, self.ld.sequencer, self.out_fifo, self.results
        v.ld_agent, v.out_agent = self.ld, self.out

    def start_bfms(self) -> None:
        self.apb.bfm.reset_bus()
        self.apb.start_bfm()
        self.ld.start_bfm()
        self.out.start_bfm()

    async def wait_drained(self) -> None:
        """Until the scoreboard expects no more output."""
        await self.scoreboard.drained.wait()

    def pending(self) -> int:
        """Expected output packets the scoreboard still waits for."""
        return self.scoreboard.pending
