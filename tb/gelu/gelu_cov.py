"""Functional coverage of gelu (``gelu.``): input regions of the i-GELU (negative
clipped, negative polynomial, zero, positive polynomial, positive clipped), extremes,
constants from several scales, errors."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverPoint

from tb.common.unit_env import UnitCov

PREFIX = "gelu"
REGIONS = ["neg_clip", "neg_poly", "zero", "pos_poly", "pos_clip", "min", "max"]


def region(q: int, qb: int) -> str:
    if q == -32768:
        return "min"
    if q == 32767:
        return "max"
    if q == 0:
        return "zero"
    clip = abs(q) >= -qb
    return ("pos" if q > 0 else "neg") + ("_clip" if clip else "_poly")


class GeluCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        @CoverPoint(f"{PREFIX}.cg_lane.region", xf=lambda r: r, bins=REGIONS)
        def lane(r):
            pass

        @CoverPoint(f"{PREFIX}.cg_cfg.qb", xf=lambda qb: "small" if -qb < 2048 else "mid" if -qb < 8192 else "large",
                    bins=["small", "mid", "large"])
        def cfg(qb):
            pass

        @CoverPoint(f"{PREFIX}.cg_err.qb_positive", xf=lambda e: e, bins=[True])
        def err(e):
            pass

        self._lane, self._cfg, self._err = lane, cfg, err

    def sample_in(self, pkt):
        for b in pkt.beats:
            if b["qb"] > 0:
                self._err(True)
                continue
            self._cfg(b["qb"])
            for q in b["q"]:
                self._lane(region(q, b["qb"]))

    def sample_out(self, pkt):
        pass
