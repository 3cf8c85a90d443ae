"""Functional coverage of layernorm (``layernorm.``): variance ranges (including a
constant row, D = 0), input extremes, output saturation, row lengths, errors."""

from __future__ import annotations


from cocotb_coverage.coverage import CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "layernorm"


class LayernormCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        self.n_max = self.params["N_MAX"]

        @CoverPoint(f"{PREFIX}.cg_row.variance", xf=lambda v, e, n: v, bins=["zero", "small", "medium", "large"])
        @CoverPoint(f"{PREFIX}.cg_row.extreme_input", xf=lambda v, e, n: e, bins=[True, False])
        @CoverPoint(f"{PREFIX}.cg_row.len", xf=lambda v, e, n: "1" if n == 1 else "max" if n == self.n_max else "mid",
                    bins=["1", "mid", "max"])
        def legal(v, e, n):
            pass

        @CoverPoint(f"{PREFIX}.cg_out.saturated", xf=lambda s: s, bins=["pos", "neg"])
        def sat(s):
            pass

        @CoverPoint(f"{PREFIX}.cg_err.kind", xf=lambda e: e, bins=["len0", "len_over", "magnitude", "beats"])
        def err(e):
            pass

        self._legal, self._sat, self._err = legal, sat, err

    def sample_in(self, pkt):
        b0 = pkt.beats[0]
        n, lanes = b0["len"], len(b0["r"])
        if n == 0:
            return self._err("len0")
        if n > self.n_max:
            return self._err("len_over")
        r = pkt.col("r")[:n]
        if abs(r).max() > (1 << 16):
            return self._err("magnitude")
        if len(pkt.beats) != -(-n // lanes):
            return self._err("beats")
        std = float(r.std())
        var = "zero" if std == 0 else "small" if std < 16 else "medium" if std < 4096 else "large"
        self._legal(var, bool(abs(r).max() >= (1 << 16) - 1), n)

    def sample_out(self, pkt):
        for b in pkt.beats:
            if 127 in b["y"]:
                self._sat("pos")
            if -128 in b["y"]:
                self._sat("neg")


