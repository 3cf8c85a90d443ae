"""pyuvm tests of softmax (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .softmax_env import SoftmaxEnv
from .softmax_seq_lib import SoftmaxBaseSeq, SoftmaxCornerSeq, SoftmaxErrorSeq, SoftmaxRandomSeq, SoftmaxTraceSeq


class SoftmaxBaseTest(UnitBaseTest):
    ENV = SoftmaxEnv
    VSEQ = SoftmaxBaseSeq
    SEQ_OVERRIDE = SoftmaxRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(SoftmaxBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class SoftmaxRandomTest(SoftmaxBaseTest):
    SEQ_OVERRIDE = SoftmaxRandomSeq


@uvm_test_decorator()
class SoftmaxCornerTest(SoftmaxBaseTest):
    SEQ_OVERRIDE = SoftmaxCornerSeq


@uvm_test_decorator()
class SoftmaxErrorTest(SoftmaxBaseTest):
    SEQ_OVERRIDE = SoftmaxErrorSeq


@uvm_test_decorator()
class SoftmaxTraceTest(SoftmaxBaseTest):
    SEQ_OVERRIDE = SoftmaxTraceSeq
