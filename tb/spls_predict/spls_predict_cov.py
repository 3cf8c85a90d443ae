"""Functional coverage of spls_predict (``spls_predict.``): operand code classes and
their cross, vector lengths, result ranges, back-pressure."""

from __future__ import annotations

from cocotb_coverage.coverage import CoverCross, CoverPoint

from models.hlog import hlog_encode
from tb.common.unit_env import UnitCov

PREFIX = "spls_predict"
CLASSES = ["zero", "pos", "pos_half", "neg", "neg_half", "min"]


def code_class(code, i) -> str:
    if code.zero[i]:
        return "zero"
    if code.exp[i] == 7:
        return "min"  # -128, the only code with exponent 7
    s = "neg" if code.sign[i] else "pos"
    return s + ("_half" if code.half[i] else "")


class SplsPredictCov(UnitCov):
    PREFIX = PREFIX
    STREAMS = ("in", "out")

    def define(self):
        @CoverPoint(f"{PREFIX}.cg_operand.a", xf=lambda a, b: a, bins=CLASSES)
        @CoverPoint(f"{PREFIX}.cg_operand.b", xf=lambda a, b: b, bins=CLASSES)
        @CoverCross(f"{PREFIX}.cg_operand.a_x_b", items=[f"{PREFIX}.cg_operand.a", f"{PREFIX}.cg_operand.b"])
        def operand(a, b):
            pass

        @CoverPoint(f"{PREFIX}.cg_pkt.beats", xf=lambda n: "1" if n == 1 else "2-8" if n <= 8 else "9+",
                    bins=["1", "2-8", "9+"])
        def beats(n):
            pass

        @CoverPoint(f"{PREFIX}.cg_out.sum", xf=lambda s: "zero" if s == 0 else "pos_big" if s >= 1 << 18 else
                    "neg_big" if s <= -(1 << 18) else "small", bins=["zero", "small", "pos_big", "neg_big"])
        def result(s):
            pass

        self._operand, self._beats, self._result = operand, beats, result

    def sample_in(self, pkt):
        a, b = pkt.vectors()
        ca, cb = hlog_encode(a), hlog_encode(b)
        for l in range(b.shape[0]):
            for n in range(len(a)):
                self._operand(code_class(ca, n), code_class(cb, (l, n)))
        self._beats(len(pkt.beats))

    def sample_out(self, pkt):
        for s in pkt.beats[0]["sum"]:
            self._result(s)
