"""Verilator regression of softmax."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["SoftmaxRandomTest", "SoftmaxCornerTest", "SoftmaxErrorTest", "SoftmaxTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["softmax"]))
@pytest.mark.parametrize("test", TESTS)
def test_softmax(test, params, reseed):
    run(UNITS["softmax"], test, PARAM_SETS["softmax"][params], instance=reseed)
