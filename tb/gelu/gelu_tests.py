"""pyuvm tests of gelu (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .gelu_env import GeluEnv
from .gelu_seq_lib import GeluBaseSeq, GeluCornerSeq, GeluErrorSeq, GeluRandomSeq, GeluTraceSeq


class GeluBaseTest(UnitBaseTest):
    ENV = GeluEnv
    VSEQ = GeluBaseSeq
    SEQ_OVERRIDE = GeluRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(GeluBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class GeluRandomTest(GeluBaseTest):
    SEQ_OVERRIDE = GeluRandomSeq


@uvm_test_decorator()
class GeluCornerTest(GeluBaseTest):
    SEQ_OVERRIDE = GeluCornerSeq


@uvm_test_decorator()
class GeluErrorTest(GeluBaseTest):
    SEQ_OVERRIDE = GeluErrorSeq


@uvm_test_decorator()
class GeluTraceTest(GeluBaseTest):
    SEQ_OVERRIDE = GeluTraceSeq
