"""DUT parameters and test knobs handed from the runner (pytest side) to the simulation.

``tb.common.sim.run`` puts the HDL parameters of the build in ``ESACT_PARAMS`` (JSON),
so the testbench configures itself from the same values the RTL was built with.
"""

from __future__ import annotations

import json
import os

from .stream_knobs import flow_from_env  # noqa: F401  (re-export)


def dut_params(defaults: dict[str, int]) -> dict[str, int]:
    """HDL parameters of this build, defaults filled in for those not overridden."""
    params = dict(defaults)
    raw = os.environ.get("ESACT_PARAMS", "")
    if raw:
        for key, val in json.loads(raw).items():
            if key not in defaults:
                raise ValueError(f"unknown DUT parameter {key!r} (known: {sorted(defaults)})")
            params[key] = int(val)
    return params


def int_knob(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        return int(raw, 0)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from exc
