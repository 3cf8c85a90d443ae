"""Scoreboard of esact_top.

Its expectations come from what the monitors and the register model observe, never from
the sequences: every load beat the load monitor reports goes into a copy of the DUT's
buffers (:class:`Mirror`), every register access reaches it from the register
predictor (``reg_export``) after the register model's mirror holds it, and the output
monitor reports the packets and every change of the output's valid.  When a start is
written it predicts the run with the integer golden model (models/int_layer.py) from
exactly those values: illegal configurations predict no output and their ERROR bits, a
legal start predicts the layer output packet, a dump predicts the selected buffer
(compared where the model defines it).  A start or dump written while the output
streams (valid high) is dropped, one written while a run computes aborts it; both set
ERROR.start_busy.  Every ERROR read is compared with the predicted bits.

Performance counters: once every counter register (CYCLES, EXEC/SKIP_MACS, the 8
STAGE_CYCLES) has been read after a completed run -- by whatever sequence -- their
values in the register model's mirror are compared with the analytical cycle model
(models/cycle_model.py) evaluated on the golden trace of that run (its SPLS masks and
LayerNorm rows): every computing stage, CYCLES, EXEC_MACS and SKIP_MACS exactly; the
OUT stage at least the model's (the sink's back-pressure only adds cycles).  A latency
change in the RTL is a mismatch like a data change.  Between a completed run and the
next start or dump the counters are frozen: a counter read again in that time must read
the value it first read (a counter that runs while the engine is idle -- e.g. the OUT
count, which the model bounds only from below -- is an error).

Results leave through analysis ports: ``run_ap`` every request it classified (a
predicted run with its golden trace, a dump, an illegal start or dump, an abort, a
dropped request), ``check_ap`` every check it made (:class:`EsactCheck`: output, dump,
counters, ERROR read) with its messages.  Reset (observed on ``cfg.rst_n``) flushes the
expected packets and the predicted state; the register model's mirror returns to its
reset values (the buffers are not reset, so their copy stays).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from cocotb.utils import get_sim_time
from pyuvm import uvm_access_e, uvm_analysis_port, uvm_status_e, uvm_subscriber

from models.int_layer import int_layer
from models.spls import SplsConfig
from tb.common.scoreboard import InOrderScoreboard

from .esact_top_item import EsactOut
from .esact_top_mem import Mirror
from .esact_top_regs import DUMP_SEL_MAX, DUMP_STAGES, field_values, mirrored

STAGE_OF = {sel: (name, stage) for sel, name, stage in DUMP_STAGES}
STAGES = ("pred", "qkv", "attn", "oproj", "ln1", "ffn", "ln2", "out")
COUNTER_REGS = ("cycles", "exec_macs_lo", "exec_macs_hi", "skip_macs_lo", "skip_macs_hi",
                *(f"stage_cycles[{i}]" for i in range(8)))
CONFIG_REGS = ("ctrl", "dim0", "dim1", "spls0", "spls1", "softmax", "gelu0", "gelu1", "ln", "debug")


@dataclass
class EsactCheck:
    """One check of the scoreboard: ``kind`` "out" (layer output), "dump", "counters",
    "error" (an ERROR read) or "predict" (the golden model failed); ``errors`` its
    messages (empty: passed); ``stage`` for a dump that differs, the first stage."""

    kind: str
    label: str
    errors: list[str] = field(default_factory=list)
    stage: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def legal_errors(f: dict, p: dict) -> list[str]:
    """The ERROR bits a start with the configuration ``f`` sets (the engine's check of
    its configuration, docs/esact_csr.md); empty: the start is legal."""
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
    if f["gelu_qb"] > 0:
        errs.append("gelu_qb")
    return errs


def _pack_rows(m: np.ndarray, words: int) -> tuple[np.ndarray, np.ndarray]:
    """(bytes, mask) of a matrix streamed row by row, `words` beats of 64 bytes per row."""
    out = np.zeros((m.shape[0] * words, 64), np.int64)
    flat = np.zeros((m.shape[0], words * 64), np.int64)
    flat[:, : m.shape[1]] = m
    out[:] = flat.reshape(-1, 64)
    return out, np.ones_like(out, bool)


class EsactScoreboard(InOrderScoreboard):
    INPUTS = ("ld", "reg")

    def build_phase(self):
        super().build_phase()
        self.params = self.cfg.params
        self.regs = self.cfg.regs
        self.mm = self.cfg.mm
        self.mirror = Mirror(self.mm)
        self.counter_regs = {"cycles": self.regs.cycles, "exec_macs_lo": self.regs.exec_macs_lo,
                             "exec_macs_hi": self.regs.exec_macs_hi, "skip_macs_lo": self.regs.skip_macs_lo,
                             "skip_macs_hi": self.regs.skip_macs_hi,
                             **{f"stage_cycles[{i}]": self.regs.stage_cycles[i] for i in range(8)}}
        self.valid_export = uvm_subscriber.uvm_AnalysisImp("valid_export", self, self._write_valid)
        self.run_ap = uvm_analysis_port("run_ap", self)
        self.check_ap = uvm_analysis_port("check_ap", self)
        self.running = False
        self.last = None  # (fields, cfg, trace) of the last predicted run
        self.label = "before the first run"
        self.runs = 0
        self.completed = False  # the last start's output packet has arrived
        self.counters_read: set[str] = set()
        self.idle_values: dict[str, int] = {}  # counter values first read since the last completion
        self.model_checked = False  # the counters since the last completion met the cycle model check
        self.counter_checks = 0
        self.err_pred: set[str] = set()  # ERROR bits the DUT must hold
        self.out_valid: list = [(0, False)]  # (time, level) of the output's last valid changes
        self._new_errors: list[str] = []
        self._stage: str | None = None  # the localizing message of the dump being compared

    # -- reset -------------------------------------------------------------------------------
    def reset(self) -> None:
        super().reset()
        self.running = False
        self.completed = False
        self.counters_read.clear()
        self.idle_values.clear()
        self.model_checked = False
        self.err_pred.clear()
        self.last = None  # the latched configuration is cleared: no dump until a run starts
        self.regs.reset()  # the CSRs return to their reset values; the mirror follows

    # -- results -----------------------------------------------------------------------------
    def _error(self, msg: str) -> None:
        super()._error(msg)
        self._new_errors.append(msg)

    def _publish(self, kind: str, stage: str | None = None) -> None:
        self.check_ap.write(EsactCheck(kind, self.label, self._new_errors, stage))
        self._new_errors = []

    def _write_in(self, stream, item) -> None:
        super()._write_in(stream, item)
        if self._new_errors:  # the golden model failed on this input
            self._publish("predict")

    # -- stimulus observation ----------------------------------------------------------
    def fields(self) -> dict:
        """The configuration the DUT holds: the register model's mirror."""
        f = {}
        for name in CONFIG_REGS:
            reg = getattr(self.regs, name)
            f.update({f"{name}.{k}": v for k, v in field_values(reg, mirrored(reg)).items()})
        qb = f["gelu0.qb"]
        return {
            "sparse": f["ctrl.sparse"], "ffn_reuse": f["ctrl.ffn_reuse"], "overlap": f["ctrl.overlap"],
            "seq_len": f["dim0.seq_len"], "hidden": f["dim0.hidden"], "heads": f["dim1.heads"], "ffn": f["dim1.ffn"],
            "topk": f["spls0.topk"], "window": f["spls0.window"], "thr": f["spls1.thr"],
            "sm_mult": f["softmax.mult"], "sm_shift": f["softmax.shift"],
            "gelu_qb": qb - (1 << 18) if qb >> 17 else qb, "gelu_qc": f["gelu1.qc"],
            "ln1_gf": f["ln.ln1_gf"], "ln2_gf": f["ln.ln2_gf"], "sel": f["debug.sel"],
        }

    def _write_valid(self, change) -> None:
        self.out_valid = [self.out_valid[-1], (change.time, change.level)]

    def streaming(self, t: int) -> bool:
        """Whether the output offered a beat just before time ``t``: valid as the changes
        reported before ``t`` left it (a change at ``t`` follows that edge's evaluation)."""
        for when, level in reversed(self.out_valid):
            if when < t:
                return level
        return False

    def predict_stream(self, stream, item):
        if stream == "ld":  # a burst of load beats
            if self.mirror.apply_burst([b["addr"] for b in item.beats], [b["data"] for b in item.beats]):
                self.err_pred.add("load_addr")
            return []
        return self.predict_reg(item)

    def predict_reg(self, rw) -> list:
        """One register access, after the predictor updated the mirror."""
        reg = rw.get_element()
        if reg is None or rw.get_status() != uvm_status_e.UVM_IS_OK:
            return []
        name, value = reg.get_name(), rw.get_value()
        if rw.get_kind() == uvm_access_e.UVM_READ:
            if name == "error":
                self.check_error(value)
            elif name in self.counter_regs:
                self.counters_read.add(name)
                if self.completed:
                    first = self.idle_values.setdefault(name, int(value))
                    if int(value) != first:
                        self._error(f"{self.label}: {name.upper()} reads {int(value)}, first read {first} after "
                                    f"the run completed: a counter runs while the engine is idle")
                if self.completed and len(self.counters_read) == len(self.counter_regs) and not self.model_checked:
                    self.check_counters()  # once per run (a later read is checked against the first)
                    self.model_checked = True
            return []
        if name == "error":  # write 1 to clear
            self.err_pred -= {k for k, v in field_values(reg, value).items() if v}
            return []
        if name != "ctrl":
            return []
        ctrl = field_values(reg, value)
        if not (ctrl["start"] or ctrl["dump"]):
            return []
        f = self.fields()
        bus = rw.get_extension()
        t = bus.time if getattr(bus, "time", None) is not None else get_sim_time("step")
        what = "start" if ctrl["start"] else "dump"
        if self.streaming(t):
            # start/dump while an output packet or a dump streams: the stream completes,
            # the request is dropped (ERROR.start_busy)
            self.label = f"{what} written while the output streams (dropped)"
            self.err_pred.add("start_busy")
            self.run_ap.write({"kind": "dropped", "fields": f, "errors": ["start_busy"]})
            return []
        self.counters_read.clear()
        self.idle_values.clear()
        self.model_checked = False
        self.completed = False
        if self.running:  # start/dump while computing: the job is aborted, nothing comes
            self.label = f"{what} aborting run {self.runs}"
            self.err_pred.add("start_busy")
            self._expected.clear()
            self.drained.set()
            self.running = False
            self.run_ap.write({"kind": "abort", "fields": f, "errors": ["start_busy"]})
            return []
        if ctrl["start"]:
            errs = legal_errors(f, self.params)
            if errs:
                self.label = f"illegal start ({', '.join(errs)})"
                self.err_pred.update(errs)
                self.run_ap.write({"kind": "illegal", "fields": f, "errors": errs})
                return []
            return [self.predict_run(f)]
        if f["sel"] > DUMP_SEL_MAX or self.last is None:
            # an unknown selector, or no run started since reset: the dump is refused
            self.label = (f"dump of no buffer (DEBUG.sel {f['sel']})" if f["sel"] > DUMP_SEL_MAX
                          else "dump before any run since reset")
            self.err_pred.add("dump_sel")
            self.run_ap.write({"kind": "illegal_dump", "fields": f, "errors": ["dump_sel"]})
            return []
        self.run_ap.write({"kind": "dump", "fields": f, "errors": []})
        self.label = f"dump of {STAGE_OF[f['sel']][0]} after run {self.runs}"
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
        self.label = f"run {self.runs} ({cfg.label}, T={t}, d={d}, heads={f['heads']}, ffn={f['ffn']})"
        self.run_ap.write({"kind": "run", "fields": f, "errors": [], "cfg": cfg, "trace": tr})
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
            mask[:, tm // 8 :] = True  # a mask has T_MAX bits: the bytes above are 0
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
        self._stage = None
        super()._write_out(act)
        layer = bool(act.beats) and act.beats[0]["tag"] == 0
        if layer:
            self.running = False
            self.completed = True
            self.idle_values.clear()
            self.model_checked = False
        self._publish("out" if layer else "dump", self._stage)

    def check_error(self, value: int) -> None:
        """An ERROR read against the predicted sticky bits."""
        bits = {k for k, v in field_values(self.regs.error, value).items() if v}
        if bits != self.err_pred:
            self._error(f"{self.label}: ERROR reads {sorted(bits) or 'nothing'}, expected "
                        f"{sorted(self.err_pred) or 'nothing'}")
        self._publish("error")

    def check_counters(self) -> None:
        """The counters read after a completed run (the register model's mirror) against
        the analytical cycle model."""
        from models.cycle_model import HwParams, trace_cycles

        f, cfg, tr = self.last
        rd = {name: mirrored(reg) for name, reg in self.counter_regs.items()}
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
        self.counters_read.clear()
        if bad:
            self._error(f"{self.label}: performance counters differ from the cycle model: " + ", ".join(bad))
        self._publish("counters")

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
            return [f"{self.label}: layer output token {tok} channel {ch}: expected {sv(e[beat, byte])}, got "
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
        msg = f"{self.label}: stage {stage} ({name}) differs first at {where}: {values} ({len(diff)} bytes)"
        self._stage = msg
        return [msg]

    def describe(self, item):
        return str(item)
