"""Scoreboard of esact_top.

It mirrors everything the DUT is told -- every load beat into a copy of its buffers,
every register write into a shadow of its CSRs -- and, when a start is written,
predicts the run with the integer golden model (models/int_layer.py) from exactly
those values: illegal configurations predict no output, a legal start predicts the
layer output packet, a dump predicts the selected buffer (compared where the model
defines it).  Output mismatches name the context (sentence / layer / mode set by the
sequence), the token, the channel and the stage.

Performance counters: once every counter register (CYCLES, EXEC/SKIP_MACS, the 8
STAGE_CYCLES) has been read over APB after a completed run, they are compared with the
analytical cycle model (models/cycle_model.py) evaluated on the golden trace of that
run (its SPLS masks and LayerNorm rows): every computing stage, CYCLES, EXEC_MACS and
SKIP_MACS exactly; the OUT stage at least the model's (the sink's back-pressure only
adds cycles).  A latency change in the RTL is a mismatch like a data change.
"""

from __future__ import annotations

import numpy as np

from models.int_layer import int_layer
from models.spls import SplsConfig
from tb.common.scoreboard import InOrderScoreboard

from .esact_top_item import EsactOut
from .esact_top_mem import Mirror
from .esact_top_regs import field_values

# dump selectors (DEBUG.sel) and the stage each one belongs to, in pipeline order
DUMP_STAGES = [
    (2, "keep", "PRED top-k masks"), (0, "rep", "PRED reuse map"), (1, "colneed", "PRED column masks"),
    (10, "qh", "PRED predicted Q"), (11, "kh", "PRED predicted K"),
    (3, "q", "QKV Q"), (4, "k", "QKV K"), (5, "v", "QKV V"), (6, "ctx", "ATTN context"),
    (7, "h1", "LN1 output"), (9, "g", "FFN GELU output"), (8, "out", "LN2 layer output"),
]
STAGE_OF = {sel: (name, stage) for sel, name, stage in DUMP_STAGES}
STAGES = ("pred", "qkv", "attn", "oproj", "ln1", "ffn", "ln2", "out")
COUNTER_REGS = ("cycles", "exec_macs_lo", "exec_macs_hi", "skip_macs_lo", "skip_macs_hi",
                *(f"stage_cycles[{i}]" for i in range(8)))


def legal_errors(f: dict, p: dict) -> list[str]:
    """The ERROR bits a start with the shadowed configuration sets (RTL err_bits)."""
    errs = []
    t, d, h, ff = f["seq_len"], f["hidden"], f["heads"], f["ffn"]
    if t == 0 or t > p["T_MAX"]:
        errs.append("seq_len")
    if d == 0 or d > p["D_MAX"] or d != h * p["HEAD_DIM"]:
        errs.append("hidden")
    if h == 0 or h > p["H_MAX"]:
        errs.append("heads")
    if ff == 0 or ff > p["F_MAX"] or ff % p["PE_C"]:
        errs.append("ffn")
    if f["sparse"] and (f["topk"] == 0 or f["topk"] > t):
        errs.append("topk")
    if f["sparse"] and f["window"] == 0:
        errs.append("window")
    return errs


def _pack_rows(m: np.ndarray, words: int) -> tuple[np.ndarray, np.ndarray]:
    """(bytes, mask) of a matrix streamed row by row, `words` beats of 64 bytes per row."""
    out = np.zeros((m.shape[0] * words, 64), np.int64)
    flat = np.zeros((m.shape[0], words * 64), np.int64)
    flat[:, : m.shape[1]] = m
    out[:] = flat.reshape(-1, 64)
    return out, np.ones_like(out, bool)


class EsactScoreboard(InOrderScoreboard):
    INPUTS = ("ld", "apb")

    def build_phase(self):
        super().build_phase()
        self.params = self.cdb_get("params")
        self.regs = self.cdb_get("regs")
        from .esact_top_mem import MemMap

        self.mm = MemMap(self.params["T_MAX"], self.params["D_MAX"], self.params["F_MAX"])
        self.mirror = Mirror(self.mm)
        self.shadow: dict[str, int] = {}
        self.running = False
        self.last = None  # (fields, cfg, trace) of the last predicted run
        self.context = ""
        self.runs = 0
        self.aborts = 0
        self.illegal_starts = 0
        self.dropped_requests = 0
        # whether the DUT offers an output beat (set by the environment: the output
        # agent's valid); a request written then meets a streaming engine
        self.out_streaming = lambda: False
        # predicted runs (legal: fields, config and the golden trace; illegal: the
        # ERROR bits) for the coverage collector
        from pyuvm import uvm_analysis_port

        self.run_ap = uvm_analysis_port("run_ap", self)
        self.localized: list[str] = []
        self.counter_reads: dict[str, int] = {}
        self.completed = False  # the last start's output packet has arrived
        self.counter_checks = 0

    def cdb_get(self, key):
        from pyuvm import ConfigDB

        return ConfigDB().get(self, "", key)

    # -- stimulus observation ----------------------------------------------------------
    def fields(self) -> dict:
        f = {}
        for name in ("ctrl", "dim0", "dim1", "spls0", "spls1", "softmax", "gelu0", "gelu1", "ln", "debug"):
            f.update({f"{name}.{k}": v for k, v in field_values(getattr(self.regs, name), self.shadow.get(name, 0)).items()})
        qb = f["gelu0.qb"]
        return {
            "sparse": f["ctrl.sparse"], "ffn_reuse": f["ctrl.ffn_reuse"], "overlap": f["ctrl.overlap"],
            "seq_len": f["dim0.seq_len"], "hidden": f["dim0.hidden"], "heads": f["dim1.heads"], "ffn": f["dim1.ffn"],
            "topk": f["spls0.topk"], "window": f["spls0.window"], "thr": f["spls1.thr"],
            "sm_mult": f["softmax.mult"], "sm_shift": f["softmax.shift"],
            "gelu_qb": qb - (1 << 18) if qb >> 17 else qb, "gelu_qc": f["gelu1.qc"],
            "ln1_gf": f["ln.ln1_gf"], "ln2_gf": f["ln.ln2_gf"], "sel": f["debug.sel"],
        }

    def predict_stream(self, stream, item):
        b = item.beats[0] if stream == "ld" else None
        if stream == "ld":
            self.mirror.apply(b["addr"], b["data"])
            return []
        reg = self.regs.get_default_map().get_reg_by_offset(item.addr)
        if reg is None:
            return []
        name = reg.get_name()
        if not item.write:
            if name in COUNTER_REGS and not item.slverr:
                self.counter_reads[name] = item.data
                if self.completed and len(self.counter_reads) == len(COUNTER_REGS):
                    self.check_counters()
            return []
        self.shadow[name] = item.data
        if name != "ctrl":
            return []
        ctrl = field_values(reg, item.data)
        if not (ctrl["start"] or ctrl["dump"]):
            return []
        if self.out_streaming():
            # start/dump while an output packet or a dump streams: the stream completes,
            # the request is dropped (ERROR.start_busy)
            self.dropped_requests += 1
            return []
        self.counter_reads.clear()
        self.completed = False
        if self.running:  # start/dump while computing: the job is aborted, nothing comes
            self.aborts += 1
            self._expected.clear()
            self.drained.set()
            self.running = False
            return []
        f = self.fields()
        if ctrl["start"]:
            errs = legal_errors(f, self.params)
            if errs:
                self.illegal_starts += 1
                self.run_ap.write({"fields": f, "errors": errs})
                return []
            return [self.predict_run(f)]
        if f["sel"] > 11 or self.last is None:
            return []
        return [self.predict_dump(f["sel"])]

    def predict_run(self, f: dict) -> EsactOut:
        t, d = f["seq_len"], f["hidden"]
        lq = self.mirror.layer(d, f["ffn"], f["heads"], f)
        x = self.mirror.x(t, d)
        if f["sparse"]:
            cfg = SplsConfig("spls", k=f["topk"], window=f["window"], thr=f["thr"], ffn_reuse=bool(f["ffn_reuse"]))
        else:
            cfg = SplsConfig("dense")
        tr: dict = {}
        out, _ = int_layer(x, lq, cfg, tr)
        self.last = (f, cfg, tr)
        self.running = True
        self.runs += 1
        self.run_ap.write({"fields": f, "errors": [], "cfg": cfg, "trace": tr})
        exp = EsactOut.from_matrix(out, tag=0)
        exp.kind = ("out", t, d)
        return exp

    def predict_dump(self, sel: int) -> EsactOut:
        """Expected dump bytes and the mask of bytes the model defines."""
        f, cfg, tr = self.last
        t, d, h, ff = f["seq_len"], f["hidden"], f["heads"], f["ffn"]
        sparse = bool(f["sparse"])
        tm = self.params["T_MAX"]
        words_d, words_f = -(-d // 64), -(-ff // 64)
        rep = tr["rep"]
        reps = rep == np.arange(t)
        if sel == 0:
            flat = np.zeros(-(-t // 64) * 64, np.int64)
            flat[:t] = rep
            data, mask = flat.reshape(-1, 64), np.ones((len(flat) // 64, 64), bool)
        elif sel in (1, 2):
            rows = tr["colneed"] if sel == 1 else tr["keep"].reshape(h * t, t)
            data = np.zeros((rows.shape[0], 64), np.int64)
            mask = np.zeros_like(data, bool)
            for r in range(rows.shape[0]):
                bits = np.zeros(tm, bool)
                if sparse:
                    bits[: rows.shape[1]] = rows[r]
                else:
                    bits[:] = True  # dense: every column is needed (all T_MAX bits set)
                data[r, : tm // 8] = np.packbits(bits, bitorder="little")
                mask[r, : tm // 8] = True
            if sel == 2 and not sparse:
                mask[:] = False  # keep masks are not computed in a dense run
        else:
            name = {3: "q", 4: "k", 5: "v", 6: "ctx", 7: "h1", 8: "out", 9: "g", 10: "pred_q8", 11: "pred_k8"}[sel]
            if name in ("pred_q8", "pred_k8") and not sparse:
                m = np.zeros((t, d), np.int64)
                rowmask = np.zeros((t, d), bool)
            else:
                m = tr[name] if name != "g" else np.zeros((t, ff), np.int64)
                rowmask = np.ones(m.shape, bool)
                if name == "g":
                    m[tr["ffn_rows"]] = tr["g"]
                    rowmask[:] = False
                    rowmask[tr["ffn_rows"]] = True
                elif name in ("q", "ctx"):
                    rowmask[~reps] = False
                elif name in ("k", "v"):
                    rowmask = np.repeat(tr["colneed"].T, d // h, axis=1)
            words = words_f if name == "g" else words_d
            data, _ = _pack_rows(m, words)
            mask = np.zeros((t * words, 64), bool)
            mflat = np.zeros((t, words * 64), bool)
            mflat[:, : m.shape[1]] = rowmask
            mask[:] = mflat.reshape(-1, 64)
        exp = EsactOut()
        for r in range(data.shape[0]):
            exp.beats.append({"data": int.from_bytes((data[r] % 256).astype(np.uint8).tobytes(), "little"),
                              "tag": sel + 1})
        exp.kind = ("dump", sel, mask, t, d, words_f if sel == 9 else words_d)
        return exp

    # -- checking ------------------------------------------------------------------------
    def _write_out(self, act) -> None:
        super()._write_out(act)
        if act.beats and act.beats[0]["tag"] == 0:
            self.running = False
            self.completed = True

    def check_counters(self) -> None:
        """The counters read after a completed run against the analytical cycle model."""
        from models.cycle_model import HwParams, trace_cycles

        f, cfg, tr = self.last
        rd = self.counter_reads
        act = {s: rd[f"stage_cycles[{i}]"] for i, s in enumerate(STAGES)}
        act["cycles"] = rd["cycles"]
        act["exec_macs"] = rd["exec_macs_lo"] | (rd["exec_macs_hi"] << 32)
        act["skip_macs"] = rd["skip_macs_lo"] | (rd["skip_macs_hi"] << 32)
        hw = HwParams(**{k: self.params[k] for k in HwParams.__dataclass_fields__ if k in self.params})
        sparse = bool(f["sparse"])
        m = trace_cycles(hw, f["seq_len"], f["hidden"], f["heads"], f["ffn"], sparse, bool(f["ffn_reuse"]),
                         bool(f["overlap"]), tr)
        exp = dict(m["stage_cycles"], cycles=m["cycles"], exec_macs=m["exec_macs"], skip_macs=m["skip_macs"])
        bad = [f"{k} {act[k]} (model {exp[k]})" for k in exp
               if (act[k] < exp[k] if k == "out" else act[k] != exp[k])]
        self.counter_checks += 1
        self.counter_reads.clear()
        if bad:
            self._error(f"{self.context}: performance counters differ from the cycle model: " + ", ".join(bad))

    def compare(self, exp, act):
        if len(exp.beats) != len(act.beats):
            return [f"{len(act.beats)} beats, expected {len(exp.beats)}"]
        e = np.array([list(b["data"].to_bytes(64, "little")) for b in exp.beats])
        a = np.array([list(b["data"].to_bytes(64, "little")) for b in act.beats])
        tags = {b["tag"] for b in act.beats}
        if tags != {exp.beats[0]["tag"]}:
            return [f"tag {sorted(tags)}, expected {exp.beats[0]['tag']}"]
        if exp.kind[0] == "out":
            _, t, d = exp.kind
            words = -(-d // 64)
            diff = np.argwhere(e != a)
            if diff.size == 0:
                return []
            beat, byte = diff[0]
            tok, ch = beat // words, (beat % words) * 64 + byte
            sv = lambda v: v - 256 if v > 127 else v  # noqa: E731
            return [f"{self.context}: layer output token {tok} channel {ch}: expected {sv(e[beat, byte])}, got "
                    f"{sv(a[beat, byte])} ({len(diff)} bytes differ)"]
        _, sel, mask, t, d, words = exp.kind
        diff = np.argwhere((e != a) & mask)
        if diff.size == 0:
            return []
        beat, byte = diff[0]
        name, stage = STAGE_OF[sel]
        where = f"beat {beat} byte {byte}"
        ev, av = int(e[beat, byte]), int(a[beat, byte])
        values = f"expected byte 0x{ev:02x}, got 0x{av:02x}"
        if sel >= 3:
            where = f"token {beat // words} channel {(beat % words) * 64 + byte}"
            sv = lambda v: v - 256 if v > 127 else v  # noqa: E731  (INT8 tensors)
            values = f"expected {sv(ev)}, got {sv(av)}"
        msg = f"{self.context}: stage {stage} ({name}) differs first at {where}: {values} ({len(diff)} bytes)"
        self.localized.append(msg)
        return [msg]

    def describe(self, item):
        return str(item)
