"""Verilator regression of topk."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["TopkRandomTest", "TopkCornerTest", "TopkErrorTest", "TopkTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["topk"]))
@pytest.mark.parametrize("test", TESTS)
def test_topk(test, params, reseed):
    run(UNITS["topk"], test, PARAM_SETS["topk"][params], instance=reseed)
