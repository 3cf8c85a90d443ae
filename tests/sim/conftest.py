"""Regression knobs of the simulation tests.

``SEEDS=N`` runs every simulation test N times with independent seeds (the copies get
their own test directories, ``<test>_<i>``, so ``pytest -n`` stays safe; with ``SEED=s``
copy i uses seed s + i).  Every test function takes the ``reseed`` fixture and passes it
to ``tb.common.sim.run(instance=...)``.
"""

from __future__ import annotations

import os

import pytest


def seeds() -> int:
    raw = os.environ.get("SEEDS", "").strip() or "1"
    try:
        n = int(raw)
    except ValueError:
        raise pytest.UsageError(f"SEEDS must be a positive integer, got {raw!r}") from None
    if n < 1:
        raise pytest.UsageError(f"SEEDS must be a positive integer, got {raw!r}")
    return n


@pytest.fixture
def reseed():
    """None: one run of the test (SEEDS unset or 1)."""
    return None


def pytest_generate_tests(metafunc):
    n = seeds()
    if n > 1 and "reseed" in metafunc.fixturenames:
        metafunc.parametrize("reseed", range(n), ids=[f"seed{i}" for i in range(n)])
