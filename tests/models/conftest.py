"""Shared fixtures: the project's calibrated integer model and a few evaluation texts."""

import pytest

from models import weights
from models.accuracy import datasets
from models.minilm import tokenize


@pytest.fixture(scope="session")
def sentences():
    """Five short and five long evaluation texts (never seen by calibration)."""
    return [t.text for t in datasets.texts("short", 5)] + [t.first for t in datasets.texts("long", 5)]


@pytest.fixture(scope="session")
def token_ids(sentences):
    return [tokenize(s, datasets.MAX_TOKENS) for s in sentences]


@pytest.fixture(scope="session")
def int_model():
    return weights.default_int_model()
