"""Programs for the pure-Verilator harness of esact_top (tb/bench/esact_harness.cpp).

A program is a binary file of records (little-endian):

  'W' u32 addr, u32 data                      APB register write
  'L' u32 addr, 64 bytes                      one load beat (the load-address map of
                                              docs/esact_top.md, tb/esact_top/esact_top_mem.py)
  'R' u32 ctrl, u32 run id, u64 clock budget, u32 n, n bytes
                                              write CTRL (start), wait for irq_o and the
                                              output packet, compare it with the n
                                              expected bytes, clear STATUS.done, read
                                              the counters

Register addresses and fields come from hdl/esact_csr.rdl (systemrdl-compiler), the
same source the RTL's CSR block and the testbench's register model are generated from.
Expected outputs come from the integer golden model (models/int_layer.py); each layer
is fed the golden output of the previous one (the cocotb trace test feeds the RTL's
own output, which the scoreboard proves identical).  Imports no cocotb.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from models.int_layer import int_layer
from models.spls import SplsConfig, similarity_threshold
from tb.esact_top.esact_top_mem import MemMap, input_beats, layer_beats


@lru_cache(maxsize=1)
def csr_map() -> dict[str, tuple[int, dict[str, tuple[int, int]]]]:
    """register name -> (byte address, {field: (lsb, width)}) from the SystemRDL source."""
    from systemrdl import RDLCompiler
    from systemrdl.node import RegNode

    from tb.common.tools import HDL

    comp = RDLCompiler()
    comp.compile_file(str(HDL / "esact_csr.rdl"))
    root = comp.elaborate()
    out = {}
    for n in root.descendants(unroll=True):
        if isinstance(n, RegNode):
            name = n.inst_name + ("" if n.current_idx is None else f"{list(n.current_idx)}")
            out[name] = (n.absolute_address, {f.inst_name: (f.lsb, f.width) for f in n.fields()})
    return out


def reg_word(reg: str, **fields: int) -> tuple[int, int]:
    """(address, value) of a register write from named field values."""
    addr, flds = csr_map()[reg]
    v = 0
    for name, val in fields.items():
        if name not in flds:
            raise KeyError(f"register {reg} has no field {name!r} (has {sorted(flds)})")
        lsb, width = flds[name]
        if not 0 <= int(val) < (1 << width):
            raise ValueError(f"{reg}.{name} = {val} does not fit {width} bits")
        v |= int(val) << lsb
    return addr, v


def config_writes(lq, t: int, cfg: SplsConfig) -> list[tuple[int, int]]:
    """The register writes of EsactBaseVseq.configure, in the same order."""
    d, h = lq.hidden, lq.heads
    spls = cfg.scheme == "spls"
    k = cfg.k_for(t) if spls else 1
    thr = cfg.thr if cfg.thr is not None else similarity_threshold(cfg.tau, h, k)
    return [
        reg_word("dim0", seq_len=t, hidden=d),
        reg_word("dim1", heads=h, ffn=lq.ffn),
        reg_word("spls0", topk=k, window=cfg.window if spls else 1),
        reg_word("spls1", thr=thr),
        reg_word("softmax", mult=lq.sm_mult, shift=lq.sm_shift),
        reg_word("gelu0", qb=lq.gelu_qb % (1 << 18)),
        reg_word("gelu1", qc=lq.gelu_qc % (1 << 32)),
        reg_word("ln", ln1_gf=lq.ln1_gf, ln2_gf=lq.ln2_gf),
    ]


def run_budget(t: int, d: int, f: int, h: int, head_dim: int = 32, pe: int = 64, pred: int = 128) -> int:
    """Clock budget of one run (the watchdog of the cocotb sequences, in clocks)."""
    macs = t * (4 * d * d + 2 * d * f) + 2 * h * t * t * head_dim
    pr = 2 * t * d * d + h * t * t * head_dim
    return int(4 * (macs / pe + pr / pred) + 200 * t * (h + 8) + 20000)


def out_bytes(out: np.ndarray) -> bytes:
    """The output packet of a (T, d) INT8 result: T rows of ceil(d/64) 64-byte beats."""
    words = -(-out.shape[1] // 64)
    rows = np.zeros((out.shape[0], words * 64), np.uint8)
    rows[:, : out.shape[1]] = (np.asarray(out, np.int64) % 256).astype(np.uint8)
    return rows.tobytes()


@dataclass
class Program:
    mm: MemMap = field(default_factory=MemMap)
    chunks: list[bytes] = field(default_factory=list)
    runs: list[dict] = field(default_factory=list)

    def write(self, addr: int, data: int) -> None:
        self.chunks.append(b"W" + struct.pack("<II", addr, data & 0xFFFFFFFF))

    def load(self, beats) -> None:
        self.chunks.extend(b"L" + struct.pack("<I", a) + d.to_bytes(64, "little") for a, d in beats)

    def run(self, lq, x: np.ndarray, cfg: SplsConfig, expect: np.ndarray, context: str, load_weights: bool,
            overlap: bool = True, **meta) -> None:
        t, d = x.shape
        if load_weights:
            self.load(layer_beats(lq, self.mm))
        self.load(input_beats(x, self.mm))
        for a, v in config_writes(lq, t, cfg):
            self.write(a, v)
        sparse = cfg.scheme == "spls"
        _, ctrl = reg_word("ctrl", start=1, sparse=int(sparse), ffn_reuse=int(cfg.ffn_reuse), irq_en=1,
                           overlap=int(overlap))
        exp = out_bytes(expect)
        self.chunks.append(b"R" + struct.pack("<IIQI", ctrl, len(self.runs), run_budget(t, d, lq.ffn, lq.heads),
                                              len(exp)) + exp)
        self.runs.append(dict(context=context, tokens=t, hidden=d, heads=lq.heads, ffn=lq.ffn,
                              mode=cfg.scheme, spls=cfg.label, ffn_reuse=bool(cfg.ffn_reuse),
                              overlap=bool(overlap and sparse), **meta))

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(self.chunks))
        path.with_suffix(".json").write_text(json.dumps(self.runs, indent=1))
        return path


def trace_program(full: bool = False, set_path: str | None = None) -> Program:
    """What EsactTraceTest runs: layer-major, one weight load per layer, every sentence
    of the trace set (default: the committed one; dense and SPLS files) chained through
    the layers."""
    from tb.esact_top.esact_top_workload import trace_int_model, trace_sentences

    im = trace_int_model(set_path)
    sents = trace_sentences(full, set_path)
    xs = {name: tr["L0_x"].astype(np.int64) for name, tr, _ in sents}
    prog = Program()
    for layer, lq in enumerate(im.layers):
        for i, (name, _, sched) in enumerate(sents):
            cfg = sched[layer]
            out, _ = int_layer(xs[name], lq, cfg)
            prog.run(lq, xs[name], cfg, out, f"{name} layer {layer}", load_weights=i == 0, layer=layer)
            xs[name] = np.asarray(out, np.int64)
    return prog


def layers_program(x0: np.ndarray, modes: dict, layers: list[int] | None = None) -> Program:
    """Every MiniLM layer (or ``layers``) for one input in each mode (name -> schedule
    or uniform config), each mode chained through the golden model: the per-stage
    cycle figures of make bench."""
    from models import weights
    from models.schedule import Schedule

    im = weights.default_int_model()
    scheds = {m: Schedule.of(c).for_layers(len(im.layers)) for m, c in modes.items()}
    xs = {m: np.asarray(x0, np.int64) for m in modes}
    prog = Program()
    for layer, lq in enumerate(im.layers):
        first = True
        for m, sched in scheds.items():
            cfg = sched[layer]
            out, _ = int_layer(xs[m], lq, cfg)
            if layers is None or layer in layers:
                prog.run(lq, xs[m], cfg, out, f"{m} layer {layer}", load_weights=first, layer=layer, point=m)
                first = False
            xs[m] = np.asarray(out, np.int64)
    return prog
