"""Verilator regression of gelu."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["GeluRandomTest", "GeluCornerTest", "GeluErrorTest", "GeluTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["gelu"]))
@pytest.mark.parametrize("test", TESTS)
def test_gelu(test, params, reseed):
    run(UNITS["gelu"], test, PARAM_SETS["gelu"][params], instance=reseed)
