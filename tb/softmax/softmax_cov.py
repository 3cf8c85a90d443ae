"""Functional coverage of softmax (``softmax.``): kept-entry density, softmax input
ranges (spread of the exponents, including ones that underflow to 0), the saturated
probability, row lengths, errors, back-pressure."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "softmax"


class SoftmaxCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        self.t_max = self.params["T_MAX"]

        @CoverPoint(f"{PREFIX}.cg_row.density", xf=lambda d, s, n: d, bins=["single", "sparse", "half", "dense", "all"])
        @CoverPoint(f"{PREFIX}.cg_row.spread", xf=lambda d, s, n: s, bins=["flat", "moderate", "underflow"])
        @CoverPoint(f"{PREFIX}.cg_row.len", xf=lambda d, s, n: "1" if n == 1 else "max" if n == self.t_max else "mid",
                    bins=["1", "mid", "max"])
        def legal(d, s, n):
            pass

        @CoverPoint(f"{PREFIX}.cg_out.saturated_255", xf=lambda x: x, bins=[True])
        def sat(x):
            pass

        @CoverPoint(f"{PREFIX}.cg_err.kind", xf=lambda e: e, bins=["len0", "len_over", "none_kept", "beats"])
        def err(e):
            pass

        @CoverPoint(f"{PREFIX}.cg_flow.out_stall", xf=lambda s: min(s, 1), bins=[0, 1])
        def flow(s):
            pass

        self._legal, self._sat, self._err, self._flow = legal, sat, err, flow

    def sample_in(self, pkt):
        b0 = pkt.beats[0]
        n, lanes = b0["len"], len(b0["keep"])
        if n == 0:
            return self._err("len0")
        if n > self.t_max:
            return self._err("len_over")
        if len(pkt.beats) != -(-n // lanes):
            return self._err("beats")
        keep = pkt.col("keep")[:n].astype(bool)
        if not keep.any():
            return self._err("none_kept")
        s = pkt.col("score")[:n][keep]
        frac = keep.mean()
        dens = "single" if keep.sum() == 1 else "all" if keep.all() else "sparse" if frac < 0.25 else "half" if frac < 0.75 else "dense"
        # exponent spread in units of the fixed-point base-2 exponent (6 fraction bits)
        u = ((int(s.max()) - int(s.min())) * b0["mult"]) >> b0["shift"]
        spread = "flat" if u < 64 else "underflow" if u >= 16 * 64 else "moderate"
        self._legal(dens, spread, n)

    def sample_out(self, pkt):
        self._flow(pkt.stall_cycles)
        if any(255 in b["p"] for b in pkt.beats):
            self._sat(True)
