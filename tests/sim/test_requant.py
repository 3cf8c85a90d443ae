"""Verilator regression of requant."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["RequantRandomTest", "RequantCornerTest", "RequantTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["requant"]))
@pytest.mark.parametrize("test", TESTS)
def test_requant(test, params, reseed):
    run(UNITS["requant"], test, PARAM_SETS["requant"][params], instance=reseed)
