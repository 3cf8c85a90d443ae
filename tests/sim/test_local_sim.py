"""Verilator regression of local_sim."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["LocalSimRandomTest", "LocalSimCornerTest", "LocalSimErrorTest", "LocalSimTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["local_sim"]))
@pytest.mark.parametrize("test", TESTS)
def test_local_sim(test, params, reseed):
    run(UNITS["local_sim"], test, PARAM_SETS["local_sim"][params], instance=reseed)
