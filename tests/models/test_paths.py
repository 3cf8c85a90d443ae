"""models/ writes only into the folders its caller names (models/paths.py)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from models import paths, weights
from models.accuracy import embed_eval, train_corpus


def test_unset_folders_mean_no_cache_and_clear_errors(monkeypatch):
    monkeypatch.delenv(paths.CACHE_ENV, raising=False)
    monkeypatch.delenv(paths.OUT_ENV, raising=False)
    assert paths.cache_dir() is None and paths.out_dir() is None
    assert embed_eval.cache_folder() is None and train_corpus._cache_path("0" * 64) is None
    with pytest.raises(ValueError, match="ESACT_CACHE_DIR is not set: the thing is written"):
        paths.require_cache_dir("the thing")
    with pytest.raises(ValueError, match="ESACT_OUT_DIR is not set: the run needs"):
        paths.require_out_dir("the run")


def test_set_folders_are_used(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "c"))
    monkeypatch.setenv(paths.OUT_ENV, str(tmp_path / "o"))
    assert paths.require_cache_dir("x") == tmp_path / "c" and paths.require_out_dir("x") == tmp_path / "o"
    assert embed_eval.cache_folder() == tmp_path / "c" / "embeddings"
    assert train_corpus._cache_path("ab" * 32) == tmp_path / "c" / f"train_corpus_{'ab' * 8}.npz"


def test_int_model_is_cached_in_the_given_folder(monkeypatch, tmp_path):
    """Same name and format as before the folder became a parameter; the cached model
    equals a fresh calibration."""
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path))
    im = weights.int_model.__wrapped__("base")
    files = [p.name for p in tmp_path.iterdir()]
    assert len(files) == 1 and re.fullmatch(r"int_model_base_[0-9a-f]{16}\.npz", files[0]), files
    again = weights.int_model.__wrapped__("base")  # read back from the file
    a, b = im.to_arrays(), again.to_arrays()
    assert a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)
