"""Functional coverage of hlog_quant (covergroups under ``hlog_quant.``).

* ``hlog_quant.cg_code.level``      every HLog level (zero and both signs) seen at the output
* ``hlog_quant.cg_code.exp_x_sign`` cross of exponent and sign over non-zero outputs
* ``hlog_quant.cg_code.half``       half bit 0/1 for exponents >= 1
* ``hlog_quant.cg_flow.out_stall``  output beats accepted at once / after back-pressure
* ``hlog_quant.cg_flow.in_gap``     input beats back to back / after a valid gap
"""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from models.hlog import hlog_levels
from tb.common.unit_env import UnitCov

PREFIX = "hlog_quant"


class HlogQuantCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        w = self.params["WIDTH"]
        levels = [int(v) for v in hlog_levels(w)]
        exps = list(range(w))

        @CoverPoint(f"{PREFIX}.cg_code.level", xf=lambda v, e, s, h: v, bins=levels)
        @CoverPoint(f"{PREFIX}.cg_code.exp", xf=lambda v, e, s, h: None if v == 0 else e, bins=exps)
        @CoverPoint(f"{PREFIX}.cg_code.sign", xf=lambda v, e, s, h: None if v == 0 else s, bins=[0, 1])
        # +2^(W-1) is outside the signed input range: exponent W-1 only exists negative.
        @CoverCross(
            f"{PREFIX}.cg_code.exp_x_sign",
            items=[f"{PREFIX}.cg_code.exp", f"{PREFIX}.cg_code.sign"],
            ign_bins=[(w - 1, 0)],
        )
        @CoverPoint(
            f"{PREFIX}.cg_code.half",
            xf=lambda v, e, s, h: None if e == 0 or v == 0 else h,
            bins=[0, 1],
        )
        def sample_lane(v, e, s, h):
            pass

        @CoverPoint(f"{PREFIX}.cg_flow.out_stall", xf=lambda n: min(n, 2), bins=[0, 1, 2],
                    bins_labels=["accepted_at_once", "stalled_1", "stalled_2plus"])
        def sample_out_flow(n):
            pass

        @CoverPoint(f"{PREFIX}.cg_flow.in_gap", xf=lambda n: min(n, 1), bins=[0, 1],
                    bins_labels=["back_to_back", "after_gap"])
        def sample_in_flow(n):
            pass

        self._lane, self._out_flow, self._in_flow = sample_lane, sample_out_flow, sample_in_flow

    def sample_in(self, item):
        if item.index > 0:  # the first beat's gap is just the time since reset
            self._in_flow(item.gap_cycles)

    def sample_out(self, item):
        for v, e, s, h in zip(item.value, item.exp, item.sign, item.half):
            self._lane(v, e, s, h)
        self._out_flow(item.stall_cycles)
