"""Verilator regression of gemm."""

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

TESTS = ["GemmRandomTest", "GemmDenseTest", "GemmCornerTest", "GemmErrorTest", "GemmTraceTest"]


@pytest.mark.sim
@pytest.mark.parametrize("params", list(PARAM_SETS["gemm"]))
@pytest.mark.parametrize("test", TESTS)
def test_gemm(test, params, reseed):
    run(UNITS["gemm"], test, PARAM_SETS["gemm"][params], instance=reseed)
