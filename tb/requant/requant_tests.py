"""pyuvm tests of requant (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .requant_env import RequantEnv
from .requant_seq_lib import RequantBaseSeq, RequantCornerSeq, RequantRandomSeq, RequantTraceSeq


class RequantBaseTest(UnitBaseTest):
    ENV = RequantEnv
    VSEQ = RequantBaseSeq
    SEQ_OVERRIDE = RequantRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(RequantBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class RequantRandomTest(RequantBaseTest):
    SEQ_OVERRIDE = RequantRandomSeq


@uvm_test_decorator()
class RequantCornerTest(RequantBaseTest):
    SEQ_OVERRIDE = RequantCornerSeq

    def check_phase(self):
        super().check_phase()
        missing = self.env.cov.missing("cg_lane.result_x_mode")
        if missing:
            raise AssertionError(f"corner sequence left result x mode bins uncovered: {missing}")


@uvm_test_decorator()
class RequantTraceTest(RequantBaseTest):
    SEQ_OVERRIDE = RequantTraceSeq
