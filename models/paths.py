"""Where ``models/`` may write: folders its caller names, never a folder of its own.

The golden models and the accuracy benchmark keep derived data between runs (the
calibrated integer models, sentence embeddings, the tokenized training corpus) and a
few run outputs (the allocator's checkpoints).  Which folder holds them is the caller's
choice -- the Makefile, the testbench (``tb/common/tools.py``, which owns the checkout's
build tree) or the test suite (``tests/conftest.py``) -- given by environment variable:

``ESACT_CACHE_DIR``
    derived data, stored under keys of everything it depends on (delete it at will).
    Unset: nothing is cached (every call computes afresh), except where a file *is* the
    result a caller asks for (:func:`require_cache_dir`, e.g. the integer model of a
    model folder that a trace set names): that raises ValueError naming the variable.
``ESACT_OUT_DIR``
    run outputs that are not results (the allocator's per-step checkpoints under
    ``allocate/``).  Unset: no checkpoints, and ``--resume`` raises ValueError.

``make`` exports both (the ``cache`` folder of its build tree, and the build tree);
the testbench's entry points and the tests set the same ones when they are unset.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "ESACT_CACHE_DIR"
OUT_ENV = "ESACT_OUT_DIR"


def _dir(var: str) -> Path | None:
    raw = os.environ.get(var, "").strip()
    return Path(raw).expanduser() if raw else None


def cache_dir() -> Path | None:
    """The cache folder (``$ESACT_CACHE_DIR``), or None: caching off."""
    return _dir(CACHE_ENV)


def require_cache_dir(what: str) -> Path:
    """The cache folder for ``what``, which cannot be made without one: ValueError
    naming :data:`CACHE_ENV` when it is unset."""
    d = cache_dir()
    if d is None:
        raise ValueError(f"{CACHE_ENV} is not set: {what} is written to a file in the cache folder; "
                         f"set {CACHE_ENV} to a writable folder (make and the testbench use the build tree's cache folder)")
    return d


def out_dir() -> Path | None:
    """The output folder (``$ESACT_OUT_DIR``), or None."""
    return _dir(OUT_ENV)


def require_out_dir(what: str) -> Path:
    """The output folder for ``what``: ValueError naming :data:`OUT_ENV` when unset."""
    d = out_dir()
    if d is None:
        raise ValueError(f"{OUT_ENV} is not set: {what} needs the output folder; "
                         f"set {OUT_ENV} to a writable folder (make uses its build tree)")
    return d
