"""Verilator regression of the integrated layer engine esact_top."""

import os

import pytest

from tb.common.sim import run
from tb.common.units import PARAM_SETS, UNITS

UNIT = UNITS["esact_top"]
SMALL = PARAM_SETS["esact_top"]["small"]
MINILM = PARAM_SETS["esact_top"]["minilm"]
RANDOM_SEEDS = int(os.environ.get("ESACT_RANDOM_SEEDS", "20"))


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
@pytest.mark.long
def test_esact_minilm_traces(reseed):
    """All 6 MiniLM layers for the committed short sentences, dense and SPLS, chained."""
    run(UNIT, "EsactTraceTest", MINILM, instance=reseed)
