"""pyuvm tests of topk (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .topk_env import TopkEnv
from .topk_seq_lib import TopkBaseSeq, TopkCornerSeq, TopkErrorSeq, TopkRandomSeq, TopkTraceSeq


class TopkBaseTest(UnitBaseTest):
    ENV = TopkEnv
    VSEQ = TopkBaseSeq
    SEQ_OVERRIDE = TopkRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(TopkBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class TopkRandomTest(TopkBaseTest):
    SEQ_OVERRIDE = TopkRandomSeq


@uvm_test_decorator()
class TopkCornerTest(TopkBaseTest):
    SEQ_OVERRIDE = TopkCornerSeq


@uvm_test_decorator()
class TopkErrorTest(TopkBaseTest):
    SEQ_OVERRIDE = TopkErrorSeq


@uvm_test_decorator()
class TopkTraceTest(TopkBaseTest):
    SEQ_OVERRIDE = TopkTraceSeq
