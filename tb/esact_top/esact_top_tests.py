"""pyuvm tests of esact_top.  They share one environment and differ by the virtual
sequence (factory override); `make sim UNIT=esact_top [TEST=...] [SEED=...]`."""

from __future__ import annotations

import gc
import os
import random

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, with_timeout
from pyuvm import ConfigDB, uvm_factory, uvm_test
from pyuvm import test as uvm_test_decorator

from tb.common.clock_reset import reset, start_clock
from tb.common.params import int_knob

from .esact_top_env import EsactEnv
from .esact_top_env_cfg import EsactEnvCfg
from .esact_top_seq_lib import (
    EsactBaseVseq,
    EsactDumpVseq,
    EsactErrorVseq,
    EsactFullShapeVseq,
    EsactRandomVseq,
    EsactTraceVseq,
)
from .esact_top_regs import DUMP_STAGES, reg_value


class EsactBaseTest(uvm_test):
    SEQ_OVERRIDE = EsactRandomVseq
    WATCHDOG_MS = 500  # backstop; every layer run and dump has its own timeout

    def build_phase(self):
        uvm_factory().set_type_override_by_type(EsactBaseVseq, self.SEQ_OVERRIDE)
        self.cfg = EsactEnvCfg.new()
        ConfigDB().set(self, "env", "cfg", self.cfg)
        self.env = EsactEnv("env", self)

    def end_of_elaboration_phase(self):
        self.seq = EsactBaseVseq.create("vseq")
        self.seq.n = int_knob("JOBS_N", self.seq.n_default)

    async def bring_up(self):
        dut = cocotb.top
        dut.ld_valid_i.value = 0
        dut.out_ready_i.value = 0
        self.env.apb.bfm.reset_bus()
        await reset(self.cfg.clk, self.cfg.rst_n)

    async def run_phase(self):
        self.raise_objection()
        self.seq.v = self.env.vsqr
        self.logger.info(f"SEED={os.environ.get('COCOTB_RANDOM_SEED')} params={self.cfg.params} "
                         f"sequence={type(self.seq).__name__} n={self.seq.n}")
        # what exists now (modules, environment, register model) lives for the whole test:
        # out of the collector's generations, so its full collections stop walking it
        gc.freeze()
        start_clock(self.cfg.clk)
        await self.bring_up()
        self.env.start_bfms()
        try:
            await with_timeout(self.body(), self.WATCHDOG_MS, "ms")
        except cocotb.triggers.SimTimeoutError:
            raise AssertionError(f"WATCHDOG: test did not finish within {self.WATCHDOG_MS} ms of simulated time "
                                 f"({self.env.pending()} expected output(s) pending)") from None
        self.drop_objection()

    async def body(self):
        await self.seq.start()
        await self.drain()

    async def drain(self):
        await ClockCycles(self.cfg.clk, 2)
        await self.env.wait_drained()

    def check_phase(self):
        self.seq.save_results(type(self).__name__)
        for r in self.seq.results:
            sc = r["stage_cycles"]
            self.logger.info(
                f"{r['context']}: {r['cycles']} cycles ({r['run_wall_s']} s wall), executed MACs {r['exec_macs']}, skipped {r['skip_macs']}; "
                + ", ".join(f"{k} {v}" for k, v in sc.items()))
        # every completed run's counters went through the scoreboard's cycle-model check
        checks = self.env.results.count("counters")
        if checks != len(self.seq.results):
            raise AssertionError(f"{checks} counter checks against the cycle model for {len(self.seq.results)} runs")
        self.logger.info(f"performance counters of {checks} runs equal the cycle model")


@uvm_test_decorator()
class EsactRandomTest(EsactBaseTest):
    SEQ_OVERRIDE = EsactRandomVseq


@uvm_test_decorator()
class EsactErrorTest(EsactBaseTest):
    SEQ_OVERRIDE = EsactErrorVseq

    def check_phase(self):
        super().check_phase()
        res = self.env.results
        illegal, aborts, dropped = res.count("illegal"), res.count("abort"), res.count("dropped")
        if illegal < 10 or aborts < 1 or dropped < 2:
            raise AssertionError(f"error test reached {illegal} illegal starts, {aborts} aborts and "
                                 f"{dropped} requests dropped by a streaming engine")


@uvm_test_decorator()
class EsactDumpTest(EsactBaseTest):
    SEQ_OVERRIDE = EsactDumpVseq


@uvm_test_decorator()
class EsactFullShapeTest(EsactBaseTest):
    SEQ_OVERRIDE = EsactFullShapeVseq


@uvm_test_decorator()
class EsactResetTest(EsactBaseTest):
    """Reset asserted at a random point of a layer, then a clean run must be bit-exact.
    The environment observes the reset itself: the scoreboard flushes the run it
    expected and the register model's mirror returns to the reset values."""

    SEQ_OVERRIDE = EsactRandomVseq

    async def body(self):
        seq = self.seq
        lq, x, cfg = seq.random_config()
        from .esact_top_mem import input_beats, layer_beats

        await seq.load(layer_beats(lq, seq.mm))
        await seq.load(input_beats(x, seq.mm))
        await seq.configure(lq, x.shape[0], cfg)
        await seq.wr(seq.regs.ctrl, start=1, sparse=int(cfg.scheme == "spls"), ffn_reuse=int(cfg.ffn_reuse), irq_en=1)
        await ClockCycles(self.cfg.clk, random.randint(1, 3000))
        self.logger.info("asserting reset in the middle of the layer")
        await reset(self.cfg.clk, self.cfg.rst_n)
        if int(cocotb.top.out_valid_o.value):
            raise AssertionError("output valid right after reset")
        # a dump before any run since reset is refused (ERROR.dump_sel, nothing streams):
        # the reset cleared the latched configuration the dump's geometry comes from
        regs = seq.regs
        await seq.wr(regs.debug, sel=random.choice([sel for sel, _, _ in DUMP_STAGES]))
        await seq.wr(regs.ctrl, dump=1)
        await ClockCycles(self.cfg.clk, 50)
        if int(cocotb.top.out_valid_o.value) or (await seq.rd(regs.status)) & 1:
            raise AssertionError("a dump before any run since reset started streaming")
        if await seq.rd(regs.error) != reg_value(regs.error, dump_sel=1):  # the scoreboard compares it too
            raise AssertionError("a dump before any run since reset did not set ERROR.dump_sel alone")
        await seq.wr(regs.error, dump_sel=1)
        out = await seq.layer(lq, x, cfg, "clean run after reset", load_weights=False)
        if out.shape != x.shape:
            raise AssertionError("bad output shape")
        await self.drain()


@uvm_test_decorator()
class EsactTraceTest(EsactBaseTest):
    """The encoder's layers chained on the RTL for the sentences of a trace set: the
    committed MiniLM sentences, or the set ``$ESACT_TRACE_SET`` names (`make trace`)."""

    SEQ_OVERRIDE = EsactTraceVseq
    WATCHDOG_MS = 10000  # 6 layers x sentences x 2 modes, ~1e6 cycles (10 ms) per short layer

    def build_phase(self):
        super().build_phase()
        # `make trace` sizes the backstop to its set (TRACE_WATCHDOG_MS)
        self.WATCHDOG_MS = int_knob("TRACE_WATCHDOG_MS", type(self).WATCHDOG_MS)

    def check_phase(self):
        super().check_phase()
        import json as _json

        from models.encoder import embed_float_pooled
        from models.minilm import pool
        from models.schedule import Schedule
        from tb.common.tools import REPO

        from .esact_top_workload import trace_set_path

        committed = trace_set_path() is None
        im = self.seq.im
        n = len(im.layers)
        s_out = im.layers[-1].scales["s_out"]
        if self.seq.layers < n:
            self.logger.info(f"TRACE_LAYERS={self.seq.layers}: chain stopped early, no embedding check")
            return
        # float tolerance measured by `make accuracy` (committed beside docs/accuracy.md);
        # a generated set (make trace) reports its cosines without a floor
        tol = _json.loads((REPO / "docs" / "accuracy_tolerances.json").read_text())["regimes"] if committed else None
        for name, (rtl_out, tr) in self.seq.final.items():
            if not np.array_equal(rtl_out, tr[f"L{n - 1}_out"]):
                raise AssertionError(f"{name}: {n}-layer RTL output differs from the golden trace")
            e_rtl = pool(rtl_out * s_out)
            e_gold = pool(tr[f"L{n - 1}_out"] * s_out)
            e_float = tr["emb_float"] if "emb_float" in tr else embed_float_pooled(tr["ids"])
            cos = float(e_rtl @ e_float)
            same = bool(np.array_equal(e_rtl, e_gold))
            floor = None
            if committed:
                key = Schedule.of(str(tr["config"])).key
                weights = str(tr["weights"]) if "weights" in tr else "base"
                key = key if weights == "base" else f"{key}@{weights}"  # the row of make accuracy's report
                regime = "short" if name.startswith("short") else "long"
                if key not in tol.get(regime, {}):
                    raise AssertionError(
                        f"{name}: docs/accuracy_tolerances.json has no cosine floor for {key} on {regime} texts "
                        f"(it has {sorted(tol.get(regime, {}))}): the trace's schedule is not one `make accuracy` "
                        "measured -- rerun make accuracy after changing the default schedule or the weights")
                floor = tol[regime][key]["cosine_min"]
                self.logger.info(f"{name}: RTL sentence embedding == golden integer embedding: {same}; "
                                 f"cosine with float MiniLM {cos:.5f} "
                                 f"(make accuracy: {key} on {regime} texts has cosine >= {floor})")
            else:
                self.logger.info(f"{name}: RTL sentence embedding == golden integer embedding: {same}; "
                                 f"cosine with the float model {cos:.5f}")
            if not same:
                raise AssertionError(f"{name}: RTL sentence embedding differs from the golden integer embedding")
            if floor is not None and cos < floor:
                raise AssertionError(f"{name}: RTL embedding cosine with float {cos:.4f} below the measured {floor}")
        dense = [r["cycles"] for r in self.seq.results if r["mode"] == "dense"]
        sparse = [r["cycles"] for r in self.seq.results if r["mode"] == "spls"]
        if dense and sparse:
            self.logger.info(f"cycles per layer: dense mean {np.mean(dense):.0f}, SPLS mean {np.mean(sparse):.0f}")
