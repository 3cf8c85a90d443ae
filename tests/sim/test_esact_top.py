"""Verilator regression of the integrated layer engine esact_top."""

import os

import pytest

from tb.common.sim import coverage_enabled, run
from tb.common.units import PARAM_SETS, UNITS

UNIT = UNITS["esact_top"]
SMALL = PARAM_SETS["esact_top"]["small"]
MINILM = PARAM_SETS["esact_top"]["minilm"]
RANDOM_SEEDS = int(os.environ.get("ESACT_RANDOM_SEEDS", "20"))
# Verilator's coverage instrumentation (toggle points of every buffer bit) slows the
# MiniLM build ~20x; under `make coverage` the trace test runs the first layer only
# (every layer is still checked against the golden model; TRACE_LAYERS=n overrides)
COVERAGE_TRACE_LAYERS = 1


@pytest.mark.sim
@pytest.mark.parametrize("rep", range(RANDOM_SEEDS))
def test_esact_random(rep, reseed):
    """5 random legal configurations per seed; RANDOM_SEEDS (20) independent seeds."""
    run(UNIT, "EsactRandomTest", SMALL, instance=rep if reseed is None else rep + RANDOM_SEEDS * reseed)


@pytest.mark.sim
@pytest.mark.parametrize("test", ["EsactErrorTest", "EsactResetTest", "EsactDumpTest"])
def test_esact_directed(test, reseed):
    run(UNIT, test, SMALL, instance=reseed)


@pytest.mark.sim
@pytest.mark.parametrize("build", ["minilm", "small"])
def test_esact_full_shape(build, reseed):
    """One sparse layer at the build's full shape (T_MAX, every head, F_MAX) and its
    debug taps, then short layers walking every configuration and parameter field through
    its range: in the MiniLM build the mask, row, column and head indices above the small
    build's; in the small build its fourth head (the random tests use at most three)."""
    run(UNIT, "EsactFullShapeTest", MINILM if build == "minilm" else SMALL, instance=reseed)


@pytest.mark.sim
@pytest.mark.long
def test_esact_minilm_traces(reseed):
    """All 6 MiniLM layers for the committed short sentences, dense and SPLS, chained."""
    env = None
    if coverage_enabled():
        env = {"TRACE_LAYERS": os.environ.get("TRACE_LAYERS", "") or str(COVERAGE_TRACE_LAYERS)}
    run(UNIT, "EsactTraceTest", MINILM, instance=reseed, extra_env=env)
