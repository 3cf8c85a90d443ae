"""Verilator regression of spls_predict."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["SplsPredictRandomTest", "SplsPredictCornerTest", "SplsPredictTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["spls_predict"]))
@pytest.mark.parametrize("test", TESTS)
def test_spls_predict(test, params, reseed):
    run(UNITS["spls_predict"], test, PARAM_SETS["spls_predict"][params], instance=reseed)
