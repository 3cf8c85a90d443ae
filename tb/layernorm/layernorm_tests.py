"""pyuvm tests of layernorm (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .layernorm_env import LayernormEnv
from .layernorm_seq_lib import (
    LayernormBaseSeq,
    LayernormCornerSeq,
    LayernormErrorSeq,
    LayernormRandomSeq,
    LayernormTraceSeq,
)


class LayernormBaseTest(UnitBaseTest):
    ENV = LayernormEnv
    VSEQ = LayernormBaseSeq
    SEQ_OVERRIDE = LayernormRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(LayernormBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class LayernormRandomTest(LayernormBaseTest):
    SEQ_OVERRIDE = LayernormRandomSeq


@uvm_test_decorator()
class LayernormCornerTest(LayernormBaseTest):
    SEQ_OVERRIDE = LayernormCornerSeq


@uvm_test_decorator()
class LayernormErrorTest(LayernormBaseTest):
    SEQ_OVERRIDE = LayernormErrorSeq


@uvm_test_decorator()
class LayernormTraceTest(LayernormBaseTest):
    SEQ_OVERRIDE = LayernormTraceSeq
