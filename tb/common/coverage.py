"""Functional coverage helpers on top of cocotb-coverage's global coverage database."""

from __future__ import annotations

import os
from pathlib import Path

from cocotb_coverage.coverage import coverage_db


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


def export(prefix: str, logger) -> Path:
    """Write the coverage database to ``coverage.yml`` in the test directory and log it."""
    path = Path(os.getcwd()) / "coverage.yml"
    coverage_db.export_to_yaml(str(path))
    for name, (hit, size) in cover_summary(prefix).items():
        logger.info(f"coverage {name}: {hit}/{size} bins")
    return path
