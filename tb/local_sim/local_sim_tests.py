"""pyuvm tests of local_sim (differ only by the virtual-sequence factory override)."""

from __future__ import annotations

from pyuvm import test as uvm_test_decorator
from pyuvm import uvm_factory

from tb.common.unit_env import UnitBaseTest

from .local_sim_env import LocalSimEnv
from .local_sim_seq_lib import (
    LocalSimBaseSeq,
    LocalSimCornerSeq,
    LocalSimErrorSeq,
    LocalSimRandomSeq,
    LocalSimTraceSeq,
)


class LocalSimBaseTest(UnitBaseTest):
    ENV = LocalSimEnv
    VSEQ = LocalSimBaseSeq
    SEQ_OVERRIDE = LocalSimRandomSeq

    def build_phase(self):
        uvm_factory().set_type_override_by_type(LocalSimBaseSeq, self.SEQ_OVERRIDE)
        super().build_phase()


@uvm_test_decorator()
class LocalSimRandomTest(LocalSimBaseTest):
    SEQ_OVERRIDE = LocalSimRandomSeq


@uvm_test_decorator()
class LocalSimCornerTest(LocalSimBaseTest):
    SEQ_OVERRIDE = LocalSimCornerSeq


@uvm_test_decorator()
class LocalSimErrorTest(LocalSimBaseTest):
    SEQ_OVERRIDE = LocalSimErrorSeq


@uvm_test_decorator()
class LocalSimTraceTest(LocalSimBaseTest):
    SEQ_OVERRIDE = LocalSimTraceSeq
