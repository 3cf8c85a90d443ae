"""pyuvm tests of gemm (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .gemm_env import GemmEnv
from .gemm_seq_lib import GemmBaseSeq, GemmCornerSeq, GemmDenseSeq, GemmErrorSeq, GemmRandomSeq, GemmTraceSeq


class GemmBaseTest(UnitBaseTest):
    ENV = GemmEnv
    VSEQ = GemmBaseSeq
    SEQ_OVERRIDE = GemmRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(GemmBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class GemmRandomTest(GemmBaseTest):
    SEQ_OVERRIDE = GemmRandomSeq


@uvm_test_decorator()
class GemmDenseTest(GemmBaseTest):
    SEQ_OVERRIDE = GemmDenseSeq


@uvm_test_decorator()
class GemmCornerTest(GemmBaseTest):
    SEQ_OVERRIDE = GemmCornerSeq


@uvm_test_decorator()
class GemmErrorTest(GemmBaseTest):
    SEQ_OVERRIDE = GemmErrorSeq


@uvm_test_decorator()
class GemmTraceTest(GemmBaseTest):
    SEQ_OVERRIDE = GemmTraceSeq
