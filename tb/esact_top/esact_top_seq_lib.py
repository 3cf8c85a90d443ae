"""Virtual sequences of esact_top (run on the environment's virtual sequencer).

They drive stimulus only: what the DUT must answer is the scoreboard's business, and
they learn what it found from the environment's results log (``v.results``), never by
reaching into the scoreboard's state."""

from __future__ import annotations

import dataclasses
import json
import random
import time
from pathlib import Path

import cocotb
import numpy as np
from cocotb.triggers import ClockCycles, RisingEdge, SimTimeoutError, with_timeout
from pyuvm import uvm_sequence, uvm_status_e

from models.spls import SplsConfig, similarity_threshold
from tb.common.unit_env import ItemsSeq

from .esact_top_item import LOAD_BURST, EsactLd
from .esact_top_mem import LD_BYTES, VALS_PER_WORD, MemMap, input_beats, layer_beats, vector_beats
from .esact_top_regs import DUMP_SEL_MAX, DUMP_STAGES, field_values, reg_value


class EsactBaseVseq(uvm_sequence):
    """Helpers: loads, register accesses, one layer run, stage localization."""

    n_default = 5

    def __init__(self, name="esact_vseq"):
        super().__init__(name)
        self.v = None  # the virtual sequencer
        self.n = self.n_default
        self.results: list[dict] = []
        self.context = ""  # what the sequence is doing (its log lines and messages)
        self._during = None  # the task started with a run (start_and_wait's ``during``)

    @property
    def regs(self):
        return self.v.regs

    @property
    def mm(self) -> MemMap:
        return self.v.cfg.mm

    # -- primitives --------------------------------------------------------------------
    async def load(self, beats) -> None:
        """Load beats in bursts: one sequence item carries up to LOAD_BURST beats (the
        sequencer handshake, the driver's hand-over to the BFM and the monitor's report
        are per burst; the BFM drives and samples every beat)."""
        beats = list(beats)
        items = [EsactLd.burst(beats[i:i + LOAD_BURST]) for i in range(0, len(beats), LOAD_BURST)]
        await ItemsSeq("loads", items).start(self.v.ld)
        await self.v.ld_agent.wait_idle()

    async def wr(self, reg, **fields) -> None:
        status = await reg.write(reg_value(reg, **fields))
        if status != uvm_status_e.UVM_IS_OK:
            raise AssertionError(f"APB write to {reg.get_name()} failed: {status}")

    async def rd(self, reg) -> int:
        status, value = await reg.read()
        if status != uvm_status_e.UVM_IS_OK:
            raise AssertionError(f"APB read of {reg.get_name()} failed: {status}")
        return int(value)

    async def apb_write(self, reg, data: int, strb: int) -> None:
        """One APB write to ``reg`` with byte strobes ``strb`` (PSTRB), outside the register
        model's frontdoor (which always writes every lane); the predictor mirrors only the
        enabled lanes."""
        from tb.agents.apb.apb_item import ApbItem

        item = ApbItem("strobed_write", int(reg.get_address()), True, data, strb=strb, prot=random.getrandbits(3))
        await ItemsSeq("strobed_write", [item]).start(self.v.apb)
        if item.slverr:
            raise AssertionError(f"APB write to {reg.get_name()} (strb 0x{strb:x}) answered PSLVERR")

    async def configure(self, lq, t: int, cfg: SplsConfig, spls_raw: dict | None = None) -> None:
        """Write the layer's configuration registers.  ``spls_raw``: the SPLS0/SPLS1 fields
        (topk, window, thr) to write instead, for a dense run (which ignores them)."""
        d, h = lq.hidden, lq.heads
        k = cfg.k_for(t) if cfg.scheme == "spls" else 1
        thr = cfg.thr if cfg.thr is not None else similarity_threshold(cfg.tau, h, k)
        spls = {"topk": k, "window": cfg.window if cfg.scheme == "spls" else 1, "thr": thr}
        if spls_raw is not None:
            if cfg.scheme == "spls" or set(spls_raw) - set(spls):
                raise ValueError(f"spls_raw: the fields {sorted(spls)} of a dense run, got {spls_raw} "
                                 f"for a {cfg.scheme} run")
            spls.update(spls_raw)
        r = self.regs
        await self.wr(r.dim0, seq_len=t, hidden=d)
        await self.wr(r.dim1, heads=h, ffn=lq.ffn)
        await self.wr(r.spls0, topk=spls["topk"], window=spls["window"])
        await self.wr(r.spls1, thr=spls["thr"])
        await self.wr(r.softmax, mult=lq.sm_mult, shift=lq.sm_shift)
        await self.wr(r.gelu0, qb=lq.gelu_qb)
        await self.wr(r.gelu1, qc=lq.gelu_qc)
        await self.wr(r.ln, ln1_gf=lq.ln1_gf, ln2_gf=lq.ln2_gf)

    def timeout_ns(self, t: int, d: int, f: int, h: int) -> int:
        p = self.v.params
        macs = t * (4 * d * d + 2 * d * f) + 2 * h * t * t * p["HEAD_DIM"]
        pred = 2 * t * d * d + h * t * t * p["HEAD_DIM"]
        cycles = macs / (p["PE_R"] * p["PE_C"]) + pred / (p["PRED_LANES"] * p["PRED_ELEMS"])
        return int(10 * (4 * cycles + 200 * t * (h + 8) + 20000))

    async def start_and_wait(self, sparse: bool, ffn_reuse: bool, timeout_ns: int, overlap: bool = True,
                             during=None, clear_done: bool = True):
        """Start the run, wait for the interrupt and the output packet; clear done (unless
        ``clear_done`` is False).  ``during``: a coroutine started once START is written
        (e.g. a load, which the engine holds off until it is idle)."""
        await self.wr(self.regs.ctrl, start=1, sparse=int(sparse), ffn_reuse=int(ffn_reuse), irq_en=1,
                      overlap=int(overlap))
        if during is not None:
            self._during = cocotb.start_soon(during)
        irq = cocotb.top.irq_o
        try:
            if irq.value:  # only a done left set by the previous run (clear_done=False)
                await self.check_irq("after START")
            else:
                await with_timeout(RisingEdge(irq), timeout_ns, "ns")
            await self.check_irq("at its rising edge")
            pkt = await with_timeout(self.v.out_fifo.get(), timeout_ns, "ns")
        except SimTimeoutError:
            st = await self.rd(self.regs.status)
            raise AssertionError(f"layer run did not complete within {timeout_ns} ns "
                                 f"(STATUS=0x{st:x}, context: {self.context})") from None
        if clear_done:
            await self.wr(self.regs.status, done=1)
            await ClockCycles(cocotb.top.clk_i, 2)  # irq_o is registered from STATUS.done
            if irq.value:
                raise AssertionError(f"irq_o still high after STATUS.done was cleared (context: {self.context})")
        return pkt

    async def check_irq(self, when: str) -> None:
        """irq_o is STATUS.done with CTRL.irq_en (the CSR map): high only while done is set."""
        st = field_values(self.regs.status, await self.rd(self.regs.status))
        if not st["done"]:
            raise AssertionError(f"irq_o high {when} while STATUS.done = 0 (STATUS {st}, context: {self.context})")

    async def counters(self, again_after: int = 8) -> dict:
        """Every counter after a completed run; with ``again_after`` > 0 read once more that
        many cycles later (the scoreboard requires an idle engine's counters to hold)."""
        r = self.regs
        c = {
            "cycles": await self.rd(r.cycles),
            "exec_macs": await self.rd(r.exec_macs_lo) | (await self.rd(r.exec_macs_hi) << 32),
            "skip_macs": await self.rd(r.skip_macs_lo) | (await self.rd(r.skip_macs_hi) << 32),
        }
        names = ["pred", "qkv", "attn", "oproj", "ln1", "ffn", "ln2", "out"]
        c["stage_cycles"] = {n: await self.rd(r.stage_cycles[i]) for i, n in enumerate(names)}
        if again_after:
            await ClockCycles(cocotb.top.clk_i, again_after)
            await self.counters(again_after=0)
        return c

    async def layer(self, lq, x: np.ndarray, cfg: SplsConfig, context: str, load_weights: bool = True,
                    overlap: bool = True, load_during=None, spls_raw: dict | None = None,
                    clear_done: bool = True) -> np.ndarray:
        """Load (weights and) input, configure, run; returns the RTL output (T, d).
        ``load_during``: load beats offered as soon as the run starts (the engine takes
        them once it is idle again: the run computes with the buffers it started with).
        ``spls_raw``: SPLS register fields written instead of a dense run's (see configure)."""
        t, d = x.shape
        self.context = context
        self.v.logger.info(f"{context}: T={t} d={d} heads={lq.heads} ffn={lq.ffn} "
                           f"{cfg.label} k={cfg.k_for(t) if cfg.scheme == 'spls' else '-'} "
                           f"thr={cfg.thr} overlap={overlap}")
        t_load = time.perf_counter()
        if load_weights:
            await self.load(layer_beats(lq, self.mm))
        await self.load(input_beats(x, self.mm))
        load_wall = time.perf_counter() - t_load
        await self.configure(lq, t, cfg, spls_raw)
        checked = len(self.v.results.checks)
        t0 = time.perf_counter()
        self._during = None
        pkt = await self.start_and_wait(cfg.scheme == "spls", cfg.ffn_reuse,
                                        self.timeout_ns(t, d, lq.ffn, lq.heads), overlap,
                                        None if load_during is None else self._load_when_busy(load_during),
                                        clear_done)
        wall = time.perf_counter() - t0
        out = pkt.matrix(t, d)
        c = await self.counters()  # checked by the scoreboard against the cycle model
        c.update(context=context, tokens=t, mode=cfg.scheme, overlap=bool(overlap and cfg.scheme == "spls"),
                 run_wall_s=round(wall, 3), load_wall_s=round(load_wall, 3))
        self.results.append(c)
        if self._during is not None:
            await self._during
        if any(not ch.ok for ch in self.v.results.checks[checked:]):
            await self.localize()
        return out

    async def _load_when_busy(self, beats) -> None:
        """Offer load beats once the engine has left idle (the START written over APB takes
        effect a few cycles after the write completes; a load accepted before that is
        part of the run's input, as for any load that precedes START)."""
        for _ in range(16):
            await ClockCycles(cocotb.top.clk_i, 1)
            if not cocotb.top.ld_ready_o.value:
                break
        else:
            raise AssertionError(f"the engine did not leave idle within 16 cycles of START ({self.context})")
        await self.load(beats)

    async def localize(self) -> None:
        """After a mismatch: dump every stage's buffer; the scoreboard's dump checks
        name the first stage that differs from the golden model."""
        for sel, name, _ in DUMP_STAGES:
            await self.wr(self.regs.debug, sel=sel)
            await self.wr(self.regs.ctrl, dump=1)
            try:
                await with_timeout(self.v.out_fifo.get(), 2_000_000, "ns")
            except SimTimeoutError:
                raise AssertionError(f"dump of stage {name} (sel {sel}) produced no output packet "
                                     "within 2 ms") from None

    def save_results(self, name: str) -> None:
        Path(f"{name}.json").write_text(json.dumps(self.results, indent=1))


class EsactRandomVseq(EsactBaseVseq):
    """Random legal configurations: dimensions, data, dense or sparse, SPLS parameters."""

    def corner_config(self):
        """The directed SPLS corner of this test instance (``$ESACT_INSTANCE``, set by
        tb.common.sim.run): CORNERS[instance % len(CORNERS)], a layer whose keep, window
        and threshold bins are that corner's (see esact_top_cov.CORNERS); None when the
        test runs without an instance number."""
        import os

        from models.synthetic import synthetic_layer

        from .esact_top_cov import CORNERS, corner_params

        inst = os.environ.get("ESACT_INSTANCE", "").strip()
        if not inst:
            return None
        p = self.v.params
        target = CORNERS[int(inst) % len(CORNERS)]
        h_max = min(p["H_MAX"], p["D_MAX"] // p["HEAD_DIM"], 3)
        t, h, k, w, thr = corner_params(target, p["T_MAX"], h_max, random)
        f = p["PE_C"] * random.randint(1, min(p["F_MAX"] // p["PE_C"], 32))
        lq, x = synthetic_layer(np.random.default_rng(random.getrandbits(32)), t, h * p["HEAD_DIM"], h, f, 1.0)
        self.v.logger.info(f"directed SPLS corner {target} of instance {inst}: T={t} heads={h} k={k} window={w} thr={thr}")
        return lq, x, SplsConfig("spls", k=k, window=w, thr=thr, ffn_reuse=random.random() < 0.5)

    def random_config(self, widest: bool = False):
        """A random legal layer and configuration.  Besides uniform choices, corners are
        drawn on purpose (coverage holes of uniform stimulus): k = 1, T/4 and T, window 1,
        4 and >= T, threshold 0 and H*k, and "skip-heavy" runs (one head, k = 1,
        threshold 0: few representatives keeping few keys, most K/V rows unneeded).
        ``widest``: the most heads the random test uses, so the hidden rows of the input
        and the weights span more than one load word whenever the build allows it (a
        load's word index is exercised by construction, not by the seed)."""
        from models.synthetic import synthetic_layer

        p = self.v.params
        rng = np.random.default_rng(random.getrandbits(32))
        skip_heavy = not widest and random.random() < 0.1
        h_max = min(p["H_MAX"], p["D_MAX"] // p["HEAD_DIM"], 3)
        h = 1 if skip_heavy else h_max if widest else random.randint(1, h_max)
        d = h * p["HEAD_DIM"]
        f = p["PE_C"] * random.randint(1, min(p["F_MAX"] // p["PE_C"], 32))
        short = min(p["T_MAX"], 24)
        if skip_heavy:
            t = random.randint(min(12, p["T_MAX"]), p["T_MAX"])
        else:
            t = random.choice([1, 2, p["T_MAX"], random.randint(1, short), random.randint(1, short)])
        scale = random.choice([1.0, 1.0, 3.0])  # larger weights push values to the extremes
        lq, x = synthetic_layer(rng, t, d, h, f, scale)
        if skip_heavy:
            cfg = SplsConfig("spls", k=1, window=random.randint(2, 4), thr=0, ffn_reuse=random.random() < 0.5)
        elif random.random() < 0.5:
            cfg = SplsConfig("dense")
        else:
            k = random.choice([1, t, random.randint(1, t), max(1, t // 4)])  # k <= T/4: few keys kept
            w = random.choice([1, 4, t, random.randint(1, 4)])
            thr = random.choice([0, h * k, random.randint(0, h * k)])
            cfg = SplsConfig("spls", k=k, window=max(1, w), thr=thr, ffn_reuse=random.random() < 0.5)
        return lq, x, cfg

    async def body(self):
        for i in range(self.n):
            lq, x, cfg = (self.corner_config() if i == 0 else None) or self.random_config(widest=i == 1)
            overlap = random.random() < 0.5  # ignored by the RTL in dense mode
            await self.layer(lq, x, cfg, f"random config {i} ({cfg.label}{', overlap' if overlap else ''}, "
                             f"T={x.shape[0]}, d={lq.hidden}, f={lq.ffn})", overlap=overlap)


class EsactFullShapeVseq(EsactBaseVseq):
    """One sparse layer at the build's full shape: T = T_MAX, every head the hidden width
    holds (d = heads * HEAD_DIM <= D_MAX), f = F_MAX; then its debug taps.  The random and
    directed tests run the small build with at most 3 heads and the trace test replays
    short sentences through layer 0, which the default schedule keeps dense: no mask,
    row, column or head index above those sizes ever changes without this run.  Its keep
    ratio, window and threshold are drawn at random (k <= T/4, a window of 2..8, a
    threshold inside 1..H*k-1), FFN reuse on, so the reuse paths run at full length.
    Then a second, skip-heavy layer at T_MAX (k <= T/16, a low threshold, a third of the
    heads, a short FFN): its start clears the first run's masks and its reuse rewrites
    the representatives, so their high bits also fall.

    Then four short layers (one to four heads, a short FFN) walk every configuration
    field and every per-layer parameter field through its legal range, each bit up and
    down again (the code-coverage holes of docs/coverage.md: fields no calibrated layer
    reaches):

    1. ``extremes``: T = T_MAX, sparse, k = T, the window and threshold registers written
       all ones (they saturate at T_MAX and 2^OverlapW - 1), SOFTMAX.shift 63, GELU1.qc
       above 2^31, and the parameter files perturbed: random prediction shifts 0..31,
       requantization shifts of V 0..63, LayerNorm gains negative on a random half of the
       channels;
    2. ``upper half``: T in T_MAX/2..T_MAX-1, sparse, k and window in the upper half of
       T, SOFTMAX.shift 32..39 (bit 3 clear), calibrated parameters (the perturbed bits
       fall);
    3. ``dense, raw fields``: a short dense layer with SPLS0.topk written all ones and a
       random window and threshold (a dense run ignores them and checks none, as the
       register block documents), then every tap dumped;
    4. ``short``: T = min(32, T_MAX), sparse, threshold 0 and a window of 2..12 (every
       row reuses its window's first row), so the sequence-length decode above 32, the
       configuration fields of the layers above and the representative table fall.
    """

    async def body(self):
        from models.synthetic import synthetic_layer

        p = self.v.params
        hd = p["HEAD_DIM"]
        h = min(p["H_MAX"], p["D_MAX"] // hd)
        t, d, f = p["T_MAX"], h * hd, p["F_MAX"]

        def layer_of(tt: int, heads: int, ff: int):
            return synthetic_layer(np.random.default_rng(random.getrandbits(32)), tt, heads * hd, heads,
                                   min(f, ff), 1.0)

        lq, x = synthetic_layer(np.random.default_rng(random.getrandbits(32)), t, d, h, f, 1.0)
        k = random.randint(max(1, t // 8), max(1, t // 4))
        cfg = SplsConfig("spls", k=k, window=random.randint(2, 8), thr=random.randint(1, max(1, h * k - 1)),
                         ffn_reuse=True)
        await self.layer(lq, x, cfg, f"full-shape sparse run (T={t}, heads={h}, d={d}, f={f})")
        await self.localize()
        # a second sparse layer at T_MAX, skip-heavy (k <= T/16, a threshold low enough
        # that random rows reuse their neighbours), with a third of the heads and a short
        # FFN (a quarter of the first run's cycles): its start clears the masks the first
        # run set and its reuse rewrites the representatives, so the bits above the small
        # build's sizes also fall (1 -> 0), not only rise
        h2 = max(1, h // 3)
        f2 = min(f, 8 * random.randint(2, 8))
        lq2, x2 = synthetic_layer(np.random.default_rng(random.getrandbits(32)), t, h2 * hd, h2, f2, 1.0)
        k2 = random.randint(1, max(1, t // 16))
        cfg2 = SplsConfig("spls", k=k2, window=random.randint(2, 8), thr=random.randint(0, max(0, h2 * k2 // 8)),
                          ffn_reuse=True)
        await self.layer(lq2, x2, cfg2, f"full-shape skip-heavy run (T={t}, heads={h2}, d={h2 * hd}, f={f2})")

        # 1. extremes: every field at the top of its range
        h3 = min(h, 3)
        lq3, x3 = layer_of(t, h3, 8 * random.randint(2, 4))
        lq3 = perturbed_params(lq3, np.random.default_rng(random.getrandbits(32)))
        cfg3 = SplsConfig("spls", k=t, window=255, thr=0xFFFF, ffn_reuse=False)
        await self.layer(lq3, x3, cfg3, f"extreme fields (T={t}, heads={h3}, k=T, window 255, thr 0xFFFF, "
                         f"softmax shift {lq3.sm_shift}, qc 0x{lq3.gelu_qc:x}, perturbed parameters)")
        # 2. the upper half of the sequence: k, window and sequence length in T/2..T-1
        h4 = min(h, 4)
        t4 = random.randint(max(1, t // 2), max(1, t - 1))
        lq4, x4 = layer_of(t4, h4, 8 * random.randint(2, 4))
        lq4 = dataclasses.replace(lq4, sm_shift=32 + random.randint(0, 7), _cache={})
        cfg4 = SplsConfig("spls", k=random.randint(max(1, t4 // 2), t4), window=random.randint(max(1, t // 2), max(1, t - 1)),
                          thr=random.randint(0, h4 * t4), ffn_reuse=True)
        await self.layer(lq4, x4, cfg4, f"upper half (T={t4}, heads={h4}, softmax shift {lq4.sm_shift})")
        # 3. a dense layer with the SPLS registers written out of the sparse range
        t5 = random.randint(max(1, t // 16), max(1, t // 4))
        lq5, x5 = layer_of(t5, 1, 16)
        raw = {"topk": 0xFFFF, "window": random.randint(1, 255), "thr": random.randint(0, 0xFFFF)}
        await self.layer(lq5, x5, SplsConfig("dense"), f"dense run with raw SPLS fields (T={t5}, {raw})", spls_raw=raw)
        # its taps dumped: in the MiniLM build the dense column masks fill 16 bytes of the
        # word (the small build's EsactDumpTest: 4), the bytes above stay 0
        await self.localize()
        # 4. short, every row reusing its window's first row
        t6 = min(32, t)
        lq6, x6 = layer_of(t6, h4, 16)
        cfg6 = SplsConfig("spls", k=random.randint(1, t6), window=random.randint(2, 12), thr=0, ffn_reuse=True)
        await self.layer(lq6, x6, cfg6, f"short run, threshold 0 (T={t6}, heads={h4}, window {cfg6.window})")


def perturbed_params(lq, rng: np.random.Generator):
    """``lq`` with parameter fields no calibration produces, each inside the width its
    parameter-file field has (and the golden model accepts): prediction shifts 0..31,
    requantization shifts of V 0..63, LayerNorm gains negated on a random half of the
    channels, SOFTMAX.shift 63 and GELU1.qc in 2^31..2^32-1.  The output of such a layer
    means nothing; it is checked bit for bit like any other."""
    from models.quant import Requant

    d = lq.hidden
    neg1 = np.where(rng.random(d) < 0.5, -1, 1)
    neg2 = np.where(rng.random(d) < 0.5, -1, 1)
    return dataclasses.replace(
        lq,
        pshift_q=rng.integers(0, 32, d), pshift_k=rng.integers(0, 32, d),
        rq_v=Requant(np.asarray(lq.rq_v.mult), rng.integers(0, 64, d), lq.rq_v.bits),
        ln1_g=np.asarray(lq.ln1_g) * neg1, ln2_g=np.asarray(lq.ln2_g) * neg2,
        sm_shift=63, gelu_qc=int(rng.integers(1 << 31, 1 << 32)),
        _cache={})


# pre-saturation values r of the prediction's INT8 bound (esact_pred: r > 127 -> 127,
# r < -128 -> -128): each side of both bounds, far beyond them
PRED_SAT_TARGETS = (126, 127, 128, 129, 1000, -127, -128, -129, -1000)


def saturating_prediction(lq, rng: np.random.Generator):
    """``lq`` with Q^ and K^ channels whose prediction lands on the INT8 saturation bounds:
    a channel with all-zero weights predicts r = round_shift(bias, shift) for every token,
    so its bias sets r exactly (``PRED_SAT_TARGETS``, shift 0 or the channel's own shift
    where target << shift fits the INT32 bias) and two more channels take the INT32
    extremes.  The Q^ / K^ debug taps show the saturated values (HLog maps 126 and 127
    to one level, so the masks alone cannot tell them apart)."""
    out = {}
    for m in ("q", "k"):
        w = np.array(getattr(lq, f"w{m}"), copy=True)
        b = np.array(getattr(lq, f"b{m}"), dtype=np.int64, copy=True)
        sh = np.array(getattr(lq, f"pshift_{m}"), dtype=np.int64, copy=True)
        targets = [*PRED_SAT_TARGETS, None, None]  # None: the INT32 extremes
        chans = rng.choice(w.shape[0], size=min(len(targets), w.shape[0]), replace=False)
        for c, r in zip(chans, targets):
            w[c] = 0
            if r is None:
                b[c] = (1 << 31) - 1 if c % 2 else -(1 << 31)
                continue
            if rng.random() < 0.5 or abs(r) << int(sh[c]) >= 1 << 31:
                sh[c] = 0
            b[c] = r << int(sh[c])
        like = {k: np.asarray(getattr(lq, k)).dtype for k in (f"w{m}", f"b{m}", f"pshift_{m}")}
        out |= {f"w{m}": w.astype(like[f"w{m}"]), f"b{m}": b.astype(like[f"b{m}"]),
                f"pshift_{m}": sh.astype(like[f"pshift_{m}"])}
    return dataclasses.replace(lq, **out, _cache={})


class EsactTraceVseq(EsactBaseVseq):
    """All layers for the sentences of a trace set (default: the committed MiniLM ones;
    ``$ESACT_TRACE_SET``: one `make trace` wrote), dense and SPLS, each layer fed with
    the RTL's own output of the previous layer (layer-major: one weight load per
    layer).  REGRESSION=full adds the long (~128-token) committed sentence.

    Every completed run is appended to ``trace_runs.jsonl`` (counters, the first
    scoreboard errors and the localized stage) and the RTL's layer outputs are saved in
    ``rtl_outputs.npz`` (``<name>__L<layer>``) as the test goes, in ``$ESACT_TRACE_OUT``
    (default: the test directory): `make trace` reports from them, also after a failure."""

    def sentences(self):
        import os

        from .esact_top_workload import trace_sentences, trace_set_path

        return trace_sentences(full=os.environ.get("REGRESSION", "") == "full", set_path=trace_set_path())

    async def body(self):
        import os

        from tb.common.params import int_knob

        from .esact_top_workload import trace_int_model, trace_set_path

        self.im = im = trace_int_model(trace_set_path())
        sents = self.sentences()
        xs = {name: tr["L0_x"].astype(np.int64) for name, tr, _ in sents}
        self.final = {}
        self.layers = int_knob("TRACE_LAYERS", len(im.layers))  # fewer for quick debugging
        out_dir = Path(os.environ.get("ESACT_TRACE_OUT", "") or ".")
        out_dir.mkdir(parents=True, exist_ok=True)
        progress = out_dir / "trace_runs.jsonl"
        progress.write_text("")
        rtl: dict[str, np.ndarray] = {}
        checks = self.v.results.checks
        for layer in range(self.layers):
            lq = im.layers[layer]
            first = True
            for name, tr, sched in sents:
                n_chk = len(checks)
                out = await self.layer(lq, xs[name], sched[layer], f"{name} layer {layer}", load_weights=first)
                first = False
                xs[name] = out
                rtl[f"{name}__L{layer}"] = np.asarray(out, np.int8)
                new = checks[n_chk:]
                rec = dict(self.results[-1], name=name, layer=layer, spls=sched[layer].label,
                           errors=[e for c in new for e in c.errors][:3],
                           localized=[c.stage for c in new if c.stage][:3])
                with progress.open("a") as fh:
                    fh.write(json.dumps(rec) + "\n")
            np.savez(out_dir / "rtl_outputs.npz", **rtl)
        for name, tr, _ in sents:
            self.final[name] = (xs[name], tr)


# back-pressure held on one layer output in EsactErrorVseq: 2^17 cycles, the OUT stage
# counter (STAGE_CYCLES[7]) sets bits 0-17 (docs/testplan.yml excludes bits 18-31)
LONG_STALL = 1 << 17


class EsactErrorVseq(EsactBaseVseq):
    """Every illegal configuration, start while busy, a load to no buffer, an unknown
    dump selector: each sets its ERROR bit, nothing is streamed, and a legal run
    afterwards is bit-exact."""

    async def expect_error(self, bit: str) -> None:
        """Read ERROR (the scoreboard compares it with the bits it predicted), check that
        the case set the bit it was made for, that the engine stays idle, and clear it."""
        value = await self.rd(self.regs.error)
        bits = {k for k, v in field_values(self.regs.error, value).items() if v}
        if bit not in bits:
            raise AssertionError(f"case {bit}: ERROR has {sorted(bits) or 'nothing'}, the request was meant "
                                 f"to set {bit}")
        status = await self.rd(self.regs.status)
        if status & 1:
            raise AssertionError(f"engine still busy after an illegal request ({bit})")
        await self.wr(self.regs.error, **{b: 1 for b in bits})  # write 1 to clear
        if await self.rd(self.regs.error):
            raise AssertionError("ERROR did not clear")

    async def body(self):
        from models.synthetic import synthetic_layer

        p = self.v.params
        rng = np.random.default_rng(random.getrandbits(32))
        lq, x = synthetic_layer(rng, 6, p["HEAD_DIM"], 1, 2 * p["PE_C"])
        await self.load(layer_beats(lq, self.mm))
        await self.load(input_beats(x, self.mm))
        # the legal base: window = T with a threshold strictly between 0 and H*k, the
        # cg_spls.window_x_threshold cell (>=T x mid) random configurations reach rarely
        good = SplsConfig("spls", k=2, window=6, thr=1)
        cases = [
            ("seq_len", dict(dim0=dict(seq_len=0, hidden=p["HEAD_DIM"]))),
            ("seq_len", dict(dim0=dict(seq_len=p["T_MAX"] + 1, hidden=p["HEAD_DIM"]))),
            ("hidden", dict(dim0=dict(seq_len=6, hidden=p["HEAD_DIM"] + 8))),
            ("heads", dict(dim1=dict(heads=0, ffn=2 * p["PE_C"]))),
            ("heads", dict(dim1=dict(heads=p["H_MAX"] + 1, ffn=2 * p["PE_C"]))),
            ("ffn", dict(dim1=dict(heads=1, ffn=p["PE_C"] + 1))),
            ("ffn", dict(dim1=dict(heads=1, ffn=0))),
            ("topk", dict(spls0=dict(topk=0, window=2))),
            ("topk", dict(spls0=dict(topk=7, window=2))),
            ("window", dict(spls0=dict(topk=2, window=0))),
            ("gelu_qb", dict(gelu0=dict(qb=1))),
            ("gelu_qb", dict(gelu0=dict(qb=(1 << 17) - 1))),
        ]
        # every bit of the dimension and SPLS register fields set once (toggle coverage of
        # the register values; the next case's legal configuration clears them again)
        ones = dict(dim0=dict(seq_len=0xFFFF, hidden=0xFFFF), dim1=dict(heads=0xFF, ffn=0xFFFF),
                    spls0=dict(topk=0xFFFF, window=0xFF), spls1=dict(thr=0xFFFF))
        random.shuffle(cases)
        cases.insert(random.randrange(len(cases) + 1), ("seq_len", ones))
        for bit, regs in cases:
            await self.configure(lq, 6, good)
            for reg, fields in regs.items():
                await self.wr(getattr(self.regs, reg), **fields)
            await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
            await ClockCycles(cocotb.top.clk_i, 20)
            await self.expect_error(bit)
        # start while busy: the running job is aborted and nothing is streamed
        await self.configure(lq, 6, good)
        await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
        await ClockCycles(cocotb.top.clk_i, random.randint(5, 200))
        await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
        await self.expect_error("start_busy")
        # the configuration check belongs to an accepted start and the selector check to
        # an accepted dump: a configuration with every checked field illegal (zero
        # dimensions, k and window, a positive GELU qb; a sparse start) or an unknown selector written during
        # a run, then START (or DUMP) while busy, sets start_busy and nothing else (the
        # scoreboard compares every bit of ERROR)
        for req in ("start", "dump"):
            await self.configure(lq, 6, good)
            await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
            await ClockCycles(cocotb.top.clk_i, random.randint(5, 100))
            if req == "start":
                await self.wr(self.regs.dim0, seq_len=0, hidden=0)
                await self.wr(self.regs.dim1, heads=0, ffn=0)
                await self.wr(self.regs.spls0, topk=0, window=0)
                await self.wr(self.regs.gelu0, qb=1)
                await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
            else:
                await self.wr(self.regs.debug, sel=200)
                await self.wr(self.regs.ctrl, dump=1)
            await self.expect_error("start_busy")
        # a load beat that addresses no buffer
        await self.load([((40 << 24) | 3, 0x1234)])
        await self.expect_error("load_addr")
        # a beat exactly one past the end of each kind of buffer (row T_MAX of x, D_MAX of
        # a d x d matrix and of W1, F_MAX of W2; the first word past a row when the row
        # stride leaves room for one; the first value group past a d- and an f-wide
        # vector), one at a time: ERROR.load_addr is sticky
        mm = self.mm
        past = [MemMap.addr("x", mm.T_MAX << mm.dsh), MemMap.addr("wq", mm.D_MAX << mm.dsh),
                MemMap.addr("w1", mm.D_MAX << mm.fsh), MemMap.addr("w2", mm.F_MAX << mm.dsh),
                MemMap.addr("bq", mm.D_MAX // VALS_PER_WORD), MemMap.addr("b1", mm.F_MAX // VALS_PER_WORD)]
        if -(-mm.D_MAX // LD_BYTES) < (1 << mm.dsh):
            past.append(MemMap.addr("x", -(-mm.D_MAX // LD_BYTES)))
        if -(-mm.F_MAX // LD_BYTES) < (1 << mm.fsh):
            past.append(MemMap.addr("w1", -(-mm.F_MAX // LD_BYTES)))
        for addr in past:
            await self.load([(addr, random.getrandbits(8 * LD_BYTES))])
            await self.expect_error("load_addr")
        # an unknown dump selector
        await self.wr(self.regs.debug, sel=200)
        await self.wr(self.regs.ctrl, dump=1)
        await self.expect_error("dump_sel")
        await self.byte_strobes(lq, x, good)
        # a threshold written above what an overlap count can reach saturates at
        # 2^OverlapW - 1 (no row is reused): it must not wrap in the OverlapW-bit compare;
        # T a multiple of PRED_LANES, so the PAM pass's last key group is full
        t16 = min(p["T_MAX"], 16)
        lq16, x16 = synthetic_layer(rng, t16, p["HEAD_DIM"], 1, 2 * p["PE_C"])
        await self.layer(lq16, x16, SplsConfig("spls", k=2, window=6, thr=0xFFFF),
                         f"threshold 0xFFFF (saturates), T={t16}")
        # the saturation boundary: 2^OverlapW, the smallest threshold that saturates (its
        # OverlapW low bits are 0: a `>` for the `>=` would compare with threshold 0, every
        # row reused), where OverlapW = clog2(H_MAX * T_MAX + 1) bits hold any overlap count
        thr_sat = 1 << (p["H_MAX"] * p["T_MAX"]).bit_length()
        await self.layer(lq16, x16, SplsConfig("spls", k=2, window=6, thr=thr_sat),
                         f"threshold 2^OverlapW = {thr_sat} (the smallest that saturates), T={t16}",
                         load_weights=False)
        # and the engine still computes correctly; a new Q bias and a new input offered as
        # soon as START is written wait (LD_READY low) until the run is over: the run
        # computes with the parameters and input it started with (a parameter buffer that
        # took the waiting beat's payload would change Q mid-run), the new ones are in the
        # buffers afterwards
        x2 = rng.integers(-128, 128, x.shape)
        bq2 = rng.integers(-(1 << 20), 1 << 20, lq.bq.shape)
        await self.layer(lq, x, good, "legal run after errors, a new Q bias and input offered while it computes",
                         load_weights=False, load_during=vector_beats("bq", bq2) + input_beats(x2, self.mm))
        # START written while the layer output streams and while a debug dump streams:
        # the stream completes (the scoreboard checks it bit for bit), only
        # ERROR.start_busy is set, nothing is aborted
        limit = self.timeout_ns(x.shape[0], x.shape[1], lq.ffn, lq.heads)
        await self.start_while_streaming(False, limit, hold=LONG_STALL + random.randint(0, 64))
        await self.start_while_streaming(True, limit)
        # a run after the long stall clears the counters it grew (STAGE_CYCLES[7] bits 0-17)
        await self.layer(lq, x, good, "legal run after a long output stall", load_weights=False)
        # aborts anywhere in a run (not only near its start): START written while busy at
        # a random cycle of the run's measured length, then a legal run must be bit-exact
        # (the abort resets every engine: one left mid-row would corrupt the next run)
        cycles = max(10, int(self.results[-1]["cycles"]))
        for i in range(3):
            await self.configure(lq, 6, good)
            await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
            await ClockCycles(cocotb.top.clk_i, random.randint(5, cycles - 5))
            if not (await self.rd(self.regs.status)) & 1:
                continue  # the run ended before the abort (the APB reads take cycles too)
            await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
            await self.expect_error("start_busy")
            await self.layer(lq, x, good, f"legal run after abort {i + 1} at a random point", load_weights=False)

    async def byte_strobes(self, lq, x, good: SplsConfig) -> None:
        """APB4 byte strobes (PSTRB): a write updates only its enabled byte lanes.  CTRL
        written with lane 0 off carries START / DUMP and its read-write fields: nothing
        starts, the fields keep their value (1 and 0).  ERROR with every bit set (an abort,
        an illegal start with every field illegal, a load to no buffer, an unknown dump
        selector) written all ones with no lane enabled and then all zeros: no bit clears
        (the scoreboard compares the ERROR read with its prediction), then lane 0 alone
        clears bits 0-7 and leaves dump_sel and gelu_qb (bits 8, 9).  STATUS.done likewise after a run."""
        r = self.regs
        rw_ones = dict(sparse=1, ffn_reuse=1, irq_en=1, overlap=1)
        for fields in (rw_ones, {}):
            await self.wr(r.ctrl, **fields)  # no START: only the read-write fields
            flipped = {k: 1 - fields.get(k, 0) for k in rw_ones}
            await self.apb_write(r.ctrl, reg_value(r.ctrl, start=1, dump=1, **flipped), strb=0b1110)
            await ClockCycles(cocotb.top.clk_i, 20)
            got, want = await self.rd(r.ctrl), reg_value(r.ctrl, **fields)
            if got != want:
                raise AssertionError(f"CTRL written with PSTRB 0b1110 changed: read 0x{got:x}, 0x{want:x} before")
            if (await self.rd(r.status)) & 1:
                raise AssertionError("CTRL.start written with its byte lane disabled started a run")
        # every ERROR bit at once
        await self.configure(lq, 6, good)
        await self.wr(r.ctrl, start=1, sparse=1, irq_en=1)
        await ClockCycles(cocotb.top.clk_i, random.randint(5, 50))
        await self.wr(r.ctrl, start=1, sparse=1, irq_en=1)  # start_busy (aborts the run)
        await self.wr(r.dim0, seq_len=0, hidden=0)
        await self.wr(r.dim1, heads=0, ffn=0)
        await self.wr(r.spls0, topk=0, window=0)
        await self.wr(r.gelu0, qb=1)
        await self.wr(r.ctrl, start=1, sparse=1, irq_en=1)  # every configuration bit
        await self.load([((40 << 24) | 3, 0x1234)])  # load_addr
        await self.wr(r.debug, sel=random.randint(DUMP_SEL_MAX + 1, 255))
        await self.wr(r.ctrl, dump=1)  # dump_sel
        every = {k: 1 for k in field_values(r.error, 0)}
        if await self.rd(r.error) != reg_value(r.error, **every):
            raise AssertionError("ERROR does not hold every bit after one request of each kind")
        await self.apb_write(r.error, reg_value(r.error, **every), strb=0)  # no lane: nothing clears
        await self.apb_write(r.error, 0, strb=0xF)  # write-1-to-clear with zeros: nothing clears
        await self.rd(r.error)  # the scoreboard compares it: still every bit
        await self.apb_write(r.error, reg_value(r.error, **every), strb=0b0001)  # bits 0-7 clear, 8-9 stay
        if await self.rd(r.error) != reg_value(r.error, dump_sel=1, gelu_qb=1):
            raise AssertionError("ERROR written all ones with PSTRB 0b0001 did not leave dump_sel and gelu_qb alone")
        await self.wr(r.error, dump_sel=1, gelu_qb=1)
        # STATUS.done after a run: kept by a write with lane 0 off and by a write of 0
        await self.layer(lq, x, good, "legal run before the STATUS strobes", load_weights=False, clear_done=False)
        await self.apb_write(r.status, reg_value(r.status, done=1), strb=0b1110)
        await self.apb_write(r.status, 0, strb=0xF)
        if not (await self.rd(r.status)) & 2:
            raise AssertionError("STATUS.done cleared by a write with its lane off or a write of 0")
        await self.wr(r.status, done=1)
        await self.wr(r.status, done=1)  # a clear while already clear
        if (await self.rd(r.status)) & 2:
            raise AssertionError("STATUS.done did not clear")

    async def start_while_streaming(self, dump: bool, limit_ns: int, hold: int = 0) -> None:
        """START while a packet streams, the sink holding ready low; ``hold`` more clocks of
        back-pressure before the sink releases it (the OUT stage counter of the layer counts them)."""
        out = self.v.out_agent.bfm
        what = "debug dump" if dump else "layer output"
        self.context = f"START while the {what} streams"
        out.hold_ready(True)  # the packet stays in flight until released
        if dump:
            await self.wr(self.regs.debug, sel=random.choice([sel for sel, _, _ in DUMP_STAGES]))
            await self.wr(self.regs.ctrl, dump=1)
        else:
            await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
        if not out.valid:
            try:
                await with_timeout(RisingEdge(cocotb.top.out_valid_o), limit_ns, "ns")
            except SimTimeoutError:
                raise AssertionError(f"the {what} did not start streaming within {limit_ns} ns") from None
        await ClockCycles(cocotb.top.clk_i, random.randint(0, 8))
        await self.wr(self.regs.ctrl, start=1, sparse=1, irq_en=1)
        value = await self.rd(self.regs.error)
        if value != reg_value(self.regs.error, start_busy=1):
            raise AssertionError(f"START while the {what} streams: ERROR=0x{value:x}, expected start_busy only")
        await self.wr(self.regs.error, start_busy=1)
        if hold:
            await ClockCycles(cocotb.top.clk_i, hold)
        out.hold_ready(False)
        try:
            await with_timeout(self.v.out_fifo.get(), limit_ns, "ns")
        except SimTimeoutError:
            raise AssertionError(f"the {what} did not complete after a START written while it streamed "
                                 "(the request must not abort a stream)") from None
        if not dump:
            await self.wr(self.regs.status, done=1)
        if (await self.rd(self.regs.status)) & 1:
            raise AssertionError(f"engine still busy after the {what} completed")


class EsactDumpVseq(EsactBaseVseq):
    """A sparse run, then every debug tap dumped and compared with the golden model; a
    dense run and a run on the prediction's saturation bounds, dumped; then a one-key
    sparse run right after a keep-all one, dumped (sparse_after_keep_all)."""

    async def body(self):
        lq, x, cfg = EsactRandomVseq.random_config(self)
        if cfg.scheme != "spls":  # k = T/4: the keep-ratio corner cg_spls.keep/k<=T/4 (T >= 8)
            cfg = SplsConfig("spls", k=max(1, x.shape[0] // 4), window=2, thr=1)
        # without progressive generation (overlap off): the random test draws overlap at
        # random, so this is the run that every seed has of a sparse layer generating K/V
        # after the prediction (its counters are checked against the cycle model)
        await self.layer(lq, x, cfg, "dump source run (sparse, no overlap)", overlap=False)
        await self.localize()
        # a dense run is dumped too (identity reuse map, all-ones column masks)
        await self.layer(lq, x, SplsConfig("dense"), "dump source run (dense)", load_weights=False)
        await self.localize()
        # the prediction's INT8 saturation bounds (126 / 127 / 128 / 129 before saturation
        # and their negatives, the INT32 bias extremes), dumped: the Q^ / K^ taps hold them
        lq3 = saturating_prediction(lq, np.random.default_rng(random.getrandbits(32)))
        await self.layer(lq3, x, cfg, "dump source run (Q^/K^ on the INT8 saturation bounds)")
        await self.localize()
        await self.sparse_after_keep_all()

    async def sparse_after_keep_all(self) -> None:
        """Two sparse runs at T = T_MAX back to back, every row reusing row 0 (threshold
        0, window T): first keeping every key (k = T: each head's column-needed mask is all
        ones, and so is local_sim's last result beat), then one key per row (k = 1: each
        head needs one K/V row).  The second run's K/V row mask must start from its clear,
        not from the first run's last beat (its counters are checked against the cycle
        model), and its column-mask dump has bytes that are neither all ones nor zero."""
        from models.synthetic import synthetic_layer

        p = self.v.params
        t = p["T_MAX"]
        h = min(p["H_MAX"], p["D_MAX"] // p["HEAD_DIM"], 3)
        lq, x = synthetic_layer(np.random.default_rng(random.getrandbits(32)), t, h * p["HEAD_DIM"], h,
                                p["PE_C"], 1.0)
        # no progressive generation: K/V are generated after the prediction, for the rows
        # of the K/V row mask only
        await self.layer(lq, x, SplsConfig("spls", k=t, window=t, thr=0), "keep-all run (k = T, one representative)",
                         overlap=False)
        await self.layer(lq, x, SplsConfig("spls", k=1, window=t, thr=0),
                         "one key after keep-all (k = 1, one representative)", load_weights=False, overlap=False)
        await self.localize()


