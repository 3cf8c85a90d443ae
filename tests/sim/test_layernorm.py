"""Verilator regression of layernorm."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["LayernormRandomTest", "LayernormCornerTest", "LayernormErrorTest", "LayernormTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["layernorm"]))
@pytest.mark.parametrize("test", TESTS)
def test_layernorm(test, params, reseed):
    run(UNITS["layernorm"], test, PARAM_SETS["layernorm"][params], instance=reseed)
