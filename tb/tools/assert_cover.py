"""Simulation side of the assertion covers: sum the COVER counts of simulations built with
``ASSERT_COVER=1`` (Verilator --coverage-user writes every `COVER` and the antecedent cover
``<assertion>_ante`` of every `ASSERT_IF` into the test's coverage.dat) and report, per unit,
which covers and which assertion antecedents the simulations reached.

    ASSERT_COVER=1 make sim UNIT=esact_top TEST=...
    .venv/bin/python -m tb.tools.assert_cover [--unit esact_top]

Writes reports/assert_cover.json and prints the unreached ones.  `make formal` reaches the
covers of the FPV testbenches; this is the evidence for the units and rules that only
simulation exercises (esact_top's controller, the units inside it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tb.common.tools import REPO, SIM_BUILD
from tb.tools.coverage_report import cover_counts

REPORT = REPO / "reports" / "assert_cover.json"


def collect(units: list[str] | None = None) -> dict[str, dict[str, int]]:
    """{unit: {cover hierarchical name: count}} over every *_acov build's coverage.dat."""
    dats = [d for d in sorted(SIM_BUILD.glob("*/*_acov/*/coverage.dat")) if not units or d.parents[2].name in units]
    return {unit: {name: sum(by.values()) for name, by in covers.items()} for unit, covers in cover_counts(dats).items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unit", nargs="*")
    ap.add_argument("--report", default=str(REPORT))
    args = ap.parse_args(argv)
    data = collect(args.unit)
    if not data:
        print("[assert_cover] no coverage.dat from an ASSERT_COVER=1 build found")
        return 1
    report = {}
    for unit, covers in sorted(data.items()):
        ante = {n: c for n, c in covers.items() if n.endswith("_ante")}
        report[unit] = {
            "covers": len(covers), "covers_reached": sum(c > 0 for c in covers.values()),
            "antecedents": len(ante), "antecedents_reached": sum(c > 0 for c in ante.values()),
            "unreached": sorted(n for n, c in covers.items() if c == 0),
            "counts": dict(sorted(covers.items())),
        }
        r = report[unit]
        print(f"{unit:14s} covers {r['covers_reached']:4d}/{r['covers']:<4d} antecedents "
              f"{r['antecedents_reached']:4d}/{r['antecedents']:<4d}")
        for n in r["unreached"]:
            print(f"    unreached: {n}")
    out = Path(args.report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"[assert_cover] wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
