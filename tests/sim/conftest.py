"""Regression knobs of the simulation tests.

``SEEDS=N`` runs every simulation test N times with independent seeds (the copies get
their own test directories, ``<test>_<i>``, so ``pytest -n`` stays safe; with ``SEED=s``
copy i uses seed s + i).  Every test function takes the ``reseed`` fixture and passes it
to ``tb.common.sim.run(instance=...)``.
"""

from __future__ import annotations

import os

import pytest

from tb.common.knobs import parse_seeds


def seeds() -> int:
    try:
        return parse_seeds(os.environ.get("SEEDS"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture
def reseed():
    """None: one run of the test (SEEDS unset or 1)."""
    return None


def pytest_generate_tests(metafunc):
    n = seeds()
    if n > 1 and "reseed" in metafunc.fixturenames:
        metafunc.parametrize("reseed", range(n), ids=[f"seed{i}" for i in range(n)])
