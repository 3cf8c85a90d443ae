"""Functional coverage of local_sim (``local_sim.``): reuse patterns, window and
threshold corners, the window limit, errors, back-pressure."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "local_sim"
PATTERNS = ["no_reuse", "all_reuse", "alternating", "long_runs", "mixed"]


def reuse_pattern(rep) -> str:
    reused = [int(r != i) for i, r in enumerate(rep)][1:]
    if not reused or not any(reused):
        return "no_reuse"
    if all(reused):
        return "all_reuse"
    if all(reused[i] != reused[i + 1] for i in range(len(reused) - 1)):
        return "alternating"
    run = best = 0
    for x in reused:
        run = run + 1 if x else 0
        best = max(best, run)
    return "long_runs" if best >= 4 else "mixed"


class LocalSimCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        @CoverPoint(f"{PREFIX}.cg_seq.pattern", xf=lambda p, w, t, lim: p, bins=PATTERNS)
        @CoverPoint(f"{PREFIX}.cg_seq.window", xf=lambda p, w, t, lim: "1" if w == 1 else "2-4" if w <= 4 else "5+",
                    bins=["1", "2-4", "5+"])
        @CoverPoint(f"{PREFIX}.cg_seq.threshold", xf=lambda p, w, t, lim: t, bins=["zero", "max", "between"])
        @CoverPoint(f"{PREFIX}.cg_seq.window_limit_hit", xf=lambda p, w, t, lim: lim, bins=[True])
        @CoverCross(f"{PREFIX}.cg_seq.pattern_x_threshold",
                    items=[f"{PREFIX}.cg_seq.pattern", f"{PREFIX}.cg_seq.threshold"],
                    ign_bins=[("all_reuse", "max"), ("alternating", "max"), ("long_runs", "max"), ("mixed", "max"),
                              ("no_reuse", "zero"), ("alternating", "zero"), ("mixed", "zero")])
        def seq(p, w, t, lim):
            pass

        @CoverPoint(f"{PREFIX}.cg_err.kind", xf=lambda e: e, bins=["window0", "heads0", "heads_over", "row_beats"])
        def err(e):
            pass

        @CoverPoint(f"{PREFIX}.cg_flow.out_stall", xf=lambda s: min(s, 1), bins=[0, 1])
        def flow(s):
            pass

        self._seq, self._err, self._flow = seq, err, flow
        self._pending = []
        self.h_max = self.params["H_MAX"]

    def sample_in(self, pkt):
        b0 = pkt.beats[0]
        k = bin(b0["mask"]).count("1")  # masks are top-k sets: k bits each
        self._pending.append((b0["window"], b0["thr"], b0["heads"], k))
        if b0["window"] == 0:
            self._err("window0")
        elif b0["heads"] == 0:
            self._err("heads0")
        elif b0["heads"] > self.h_max:
            self._err("heads_over")

    def sample_out(self, pkt):
        self._flow(pkt.stall_cycles)
        w, thr, heads, k = self._pending.pop(0)
        if any(b["err"] for b in pkt.beats):
            if w and heads and heads <= self.h_max:
                self._err("row_beats")
            return
        rows = [b for b in pkt.beats if b["kind"] == 0]
        rep = [b["rep"] for b in rows]
        # the window limit: a row that reached the threshold but was too far from its representative
        lim = any(i > 0 and rows[i]["overlap"] >= thr and rep[i] == i for i in range(len(rows)))
        tbin = "zero" if thr == 0 else "max" if thr >= heads * k else "between"
        self._seq(reuse_pattern(rep), w, tbin, lim)
