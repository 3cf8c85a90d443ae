"""Flow-control knobs from the environment (valid gaps and back-pressure densities)."""

from __future__ import annotations

import os

from tb.agents.stream.stream_cfg import FlowPolicy


def flow_from_env(name: str, default: str) -> FlowPolicy:
    """``name`` holds 'prob[:max_run]', e.g. OUT_STALL=0.3:6; ``default`` likewise."""
    raw = os.environ.get(name, "") or default
    try:
        return FlowPolicy.parse(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must look like 'prob[:max_run]', got {raw!r}: {exc}") from exc
