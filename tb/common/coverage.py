"""Functional coverage helpers on top of cocotb-coverage's global coverage database.

Every test writes its database twice into its directory: ``coverage.yml``
(cocotb-coverage's own format) and ``fcov.json``, the input of `make coverage`:
``{"meta": {unit, test, seed, source, params}, "items": {name: {type, at_least,
weight, bins: {bin: hits}}}}`` for every coverpoint and cross.  ``source`` tags the
stimulus ("trace" for tests replaying real-model traces, "random" otherwise), so the
merged report shows which bins only real traces reach and which only random stimulus.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cocotb_coverage.coverage import CoverCheck, CoverCross, CoverPoint, coverage_db


def cover_summary(prefix: str) -> dict[str, tuple[int, int]]:
    """{covergroup or coverpoint name: (hit bins, total bins)} under ``prefix``."""
    out = {}
    for name in sorted(coverage_db):
        if name == prefix or name.startswith(prefix + "."):
            item = coverage_db[name]
            out[name] = (item.coverage, item.size)
    return out


def missing_bins(name: str) -> list:
    item = coverage_db[name]
    return [b for b, hits in item.detailed_coverage.items() if hits < item.at_least]


def bin_label(b) -> str:
    """One spelling of a bin for every tool: crosses as 'a x b'."""
    if isinstance(b, tuple):
        return " x ".join(str(v) for v in b)
    return str(b)


def snapshot(prefix: str) -> dict[str, dict]:
    items = {}
    for name in sorted(coverage_db):
        if not (name == prefix or name.startswith(prefix + ".")):
            continue
        item = coverage_db[name]
        if isinstance(item, (CoverPoint, CoverCross, CoverCheck)):
            items[name] = {
                "type": type(item).__name__,
                "at_least": int(getattr(item, "at_least", 1)),
                "weight": int(getattr(item, "weight", 1)),
                "bins": {bin_label(b): int(h) for b, h in item.detailed_coverage.items()},
            }
    return items


def _seed() -> int | None:
    try:
        import cocotb

        return int(cocotb.RANDOM_SEED)
    except (ImportError, AttributeError, TypeError):
        return None


def export(prefix: str, logger) -> Path:
    """Write the coverage database (coverage.yml, fcov.json) to the test directory and log it."""
    cwd = Path(os.getcwd())
    path = cwd / "coverage.yml"
    coverage_db.export_to_yaml(str(path))
    meta = {
        "unit": prefix,
        "test": os.environ.get("ESACT_TEST", ""),
        "seed": _seed(),
        "source": os.environ.get("ESACT_COV_SOURCE", "random"),
        "params": json.loads(os.environ.get("ESACT_PARAMS", "{}") or "{}"),
    }
    (cwd / "fcov.json").write_text(json.dumps({"meta": meta, "items": snapshot(prefix)}, indent=1))
    for name, (hit, size) in cover_summary(prefix).items():
        logger.info(f"coverage {name}: {hit}/{size} bins")
    return path
