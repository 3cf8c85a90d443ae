"""Functional coverage of requant (``requant.``): shift ranges, output mode, saturation
(both signs, both widths), exact rounding ties, packet lengths, back-pressure."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "requant"


def _shift_bin(sh: int) -> str:
    return "0" if sh == 0 else "1-15" if sh < 16 else "16-31" if sh < 32 else "32+"


class RequantCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        @CoverPoint(f"{PREFIX}.cg_lane.shift", xf=lambda sh, m, o, r: _shift_bin(sh), bins=["0", "1-15", "16-31", "32+"])
        @CoverPoint(f"{PREFIX}.cg_lane.out16", xf=lambda sh, m, o, r: o, bins=[0, 1])
        @CoverPoint(f"{PREFIX}.cg_lane.result", xf=lambda sh, m, o, r: r,
                    bins=["sat_pos", "sat_neg", "tie", "in_range"])
        @CoverCross(f"{PREFIX}.cg_lane.result_x_mode", items=[f"{PREFIX}.cg_lane.result", f"{PREFIX}.cg_lane.out16"])
        def lane(sh, m, o, r):
            pass

        @CoverPoint(f"{PREFIX}.cg_pkt.beats", xf=lambda n, s: min(n, 3), bins=[1, 2, 3], bins_labels=["1", "2", "3+"])
        @CoverPoint(f"{PREFIX}.cg_pkt.out_stall", xf=lambda n, s: min(s, 1), bins=[0, 1])
        def pkt(n, s):
            pass

        self._lane, self._pkt = lane, pkt

    def sample_in(self, pkt):
        for b in pkt.beats:
            for a, c, m, sh in zip(b["acc"], b["bias"], b["mult"], b["shift"]):
                p = (a + c) * m
                r = (p + ((1 << (sh - 1)) if sh else 0)) >> sh
                lim = 32767 if b["out16"] else 127
                kind = "sat_pos" if r > lim else "sat_neg" if r < -lim - 1 else (
                    "tie" if sh and (p & ((1 << sh) - 1)) == (1 << (sh - 1)) else "in_range")
                self._lane(sh, m, b["out16"], kind)

    def sample_out(self, pkt):
        self._pkt(len(pkt.beats), pkt.stall_cycles)
