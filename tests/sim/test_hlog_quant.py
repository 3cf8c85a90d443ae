"""Verilator regression of hlog_quant: each pyuvm test, for each parameter set."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

UNIT = UNITS["hlog_quant"]
PARAMS = PARAM_SETS["hlog_quant"]
TESTS = ["HlogQuantExhaustiveTest", "HlogQuantRandomTest", "HlogQuantCornerTest", "HlogQuantTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAMS))
@pytest.mark.parametrize("test", TESTS)
def test_hlog_quant(test, params, reseed):
    run(UNIT, test, PARAMS[params], instance=reseed)
