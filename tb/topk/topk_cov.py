"""Functional coverage of topk (``topk.``): k corners, row lengths, ties at the k-th
value, score ranges, errors, back-pressure."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "topk"


class TopkCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        t_max = self.t_max = self.params["T_MAX"]

        def kbin(k, n):
            return "k=1" if k == 1 else "k=len" if k == n else "k<=len/4" if 4 * k <= n else "k>len/4"

        def lbin(n):
            return "1" if n == 1 else "max" if n == t_max else "short" if n <= t_max // 2 else "long"

        @CoverPoint(f"{PREFIX}.cg_row.k", xf=lambda k, n, t, r: kbin(k, n), bins=["k=1", "k=len", "k<=len/4", "k>len/4"])
        @CoverPoint(f"{PREFIX}.cg_row.len", xf=lambda k, n, t, r: lbin(n), bins=["1", "short", "long", "max"])
        @CoverCross(f"{PREFIX}.cg_row.k_x_len", items=[f"{PREFIX}.cg_row.k", f"{PREFIX}.cg_row.len"],
                    ign_bins=[("k<=len/4", "1"), ("k>len/4", "1"), ("k=len", "1")])
        @CoverPoint(f"{PREFIX}.cg_row.ties_at_kth", xf=lambda k, n, t, r: min(t, 2), bins=[1, 2],
                    bins_labels=["unique", "tied"])
        @CoverPoint(f"{PREFIX}.cg_row.range", xf=lambda k, n, t, r: r, bins=["narrow", "wide", "extreme"])
        def legal_row(k, n, t, r):
            pass

        @CoverPoint(f"{PREFIX}.cg_err.kind", xf=lambda e: e,
                    bins=["len0", "len_over", "k0", "k_over_len", "beats"])
        def err(e):
            pass

        @CoverPoint(f"{PREFIX}.cg_flow.out_stall", xf=lambda s: min(s, 1), bins=[0, 1])
        def flow(s):
            pass

        self._row, self._err, self._flow = legal_row, err, flow

    def sample_in(self, pkt):
        b = pkt.beats[0]
        n, k = b["len"], b["k"]
        lanes = len(b["data"])
        if n == 0:
            return self._err("len0")
        if n > self.t_max:
            return self._err("len_over")
        if len(pkt.beats) != -(-n // lanes):
            return self._err("beats")
        if k == 0:
            return self._err("k0")
        if k > n:
            return self._err("k_over_len")
        s = sorted(pkt.col("data")[:n].tolist(), reverse=True)
        kth = s[k - 1]
        ties = s.count(kth)
        span = max(s) - min(s)
        rng = "extreme" if max(abs(max(s)), abs(min(s))) >= (1 << 22) else "narrow" if span < 16 else "wide"
        self._row(k, n, ties, rng)

    def sample_out(self, pkt):
        self._flow(pkt.stall_cycles)
