"""pyuvm tests of hlog_quant.  The tests differ only by a factory override of the
virtual sequence (TinyALU style).  Run them through pytest (tests/sim/test_hlog_quant.py)
or `make sim UNIT=hlog_quant [TEST=...] [SEED=...]`."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .hlog_quant_env import HlogQuantEnv
from .hlog_quant_seq_lib import (
    HlogQuantBaseSeq,
    HlogQuantCornerSeq,
    HlogQuantExhaustiveSeq,
    HlogQuantRandomSeq,
    HlogQuantTraceSeq,
)


class HlogQuantBaseTest(UnitBaseTest):
    ENV = HlogQuantEnv
    VSEQ = HlogQuantBaseSeq
    SEQ_OVERRIDE = HlogQuantRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(HlogQuantBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class HlogQuantRandomTest(HlogQuantBaseTest):
    SEQ_OVERRIDE = HlogQuantRandomSeq


@uvm_test_decorator()
class HlogQuantExhaustiveTest(HlogQuantBaseTest):
    """All input codes; every HLog level and exponent/sign pair must then be covered."""

    SEQ_OVERRIDE = HlogQuantExhaustiveSeq

    def check_phase(self):
        super().check_phase()
        for cg in ("cg_code.level", "cg_code.exp_x_sign", "cg_code.half"):
            missing = self.env.cov.missing(cg)
            if missing:
                raise AssertionError(f"exhaustive input left {cg} bins uncovered: {missing}")


@uvm_test_decorator()
class HlogQuantCornerTest(HlogQuantBaseTest):
    SEQ_OVERRIDE = HlogQuantCornerSeq


@uvm_test_decorator()
class HlogQuantTraceTest(HlogQuantBaseTest):
    SEQ_OVERRIDE = HlogQuantTraceSeq
