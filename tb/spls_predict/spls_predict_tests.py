"""pyuvm tests of spls_predict (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .spls_predict_env import SplsPredictEnv
from .spls_predict_seq_lib import (
    SplsPredictBaseSeq,
    SplsPredictCornerSeq,
    SplsPredictRandomSeq,
    SplsPredictTraceSeq,
)


class SplsPredictBaseTest(UnitBaseTest):
    ENV = SplsPredictEnv
    VSEQ = SplsPredictBaseSeq
    SEQ_OVERRIDE = SplsPredictRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(SplsPredictBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class SplsPredictRandomTest(SplsPredictBaseTest):
    SEQ_OVERRIDE = SplsPredictRandomSeq


@uvm_test_decorator()
class SplsPredictCornerTest(SplsPredictBaseTest):
    SEQ_OVERRIDE = SplsPredictCornerSeq


@uvm_test_decorator()
class SplsPredictTraceTest(SplsPredictBaseTest):
    SEQ_OVERRIDE = SplsPredictTraceSeq
