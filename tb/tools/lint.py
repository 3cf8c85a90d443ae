"""`make lint`: verilator --lint-only -Wall and pyslang elaboration (the SystemVerilog
front end of `make synth`) over every RTL unit and parameter set, with the unit's bound assertion checkers
(hdl/assert/, Verilator --assert).

Every file in hdl/ must belong to a unit (so nothing escapes lint).  Prints each
warning and a summary table; exits non-zero on any warning.  Waivers, if ever needed,
live in hdl/lint_waivers.vlt, one `lint_off -rule R -file F -lines L` per line, each
with a comment giving the reason; there is no blanket waiver.
"""

from __future__ import annotations

import re
import sys

from tb.common.sim import ASSERT_DIR, param_tag
from tb.common.tools import HDL, SIM_BUILD, verilator_exe
from tb.common.units import PARAM_SETS, UNITS
from tb.common.proc import exit_status, failure, run_tool

WAIVERS = HDL / "lint_waivers.vlt"
SLANG_DEFECTS = re.compile(r": warning: .*\[-W(index-oob|range-oob)\]")


def lint_one(unit, params: dict[str, int]) -> list[str]:
    cmd = [verilator_exe(), "--lint-only", "-Wall", "--assert", f"-I{ASSERT_DIR}", "--top-module", unit.toplevel]
    cmd += [f"-G{k}={v}" for k, v in params.items()]
    srcs = [str(p) for p in unit.source_paths() + unit.checker_paths()]
    if WAIVERS.exists() and str(WAIVERS) not in srcs:
        cmd.append(str(WAIVERS))
    cmd += srcs
    log = SIM_BUILD / "lint" / f"{unit.name}_{param_tag(params)}.log"
    res = run_tool(cmd, log, f"verilator --lint-only on {unit.name}", check=False)
    lines = [ln for ln in (res.stdout + res.stderr).splitlines() if ln.startswith("%")]
    if res.returncode != 0 and not lines:  # the tool died without a diagnostic
        lines = ["%Error: " + failure(f"verilator --lint-only on {unit.name}", exit_status(res.returncode), log,
                                      res.stdout + res.stderr).replace("\n", " | ")]
    return lines


def slang_one(unit, params: dict[str, int]) -> list[str]:
    """Elaborate with pyslang (the front end Yosys uses): its errors."""
    from pyslang import DiagnosticEngine, driver

    args = ["slang", "--top", unit.toplevel, "-I", str(ASSERT_DIR)] + [f"-G{k}={v}" for k, v in params.items()]
    args += [str(p) for p in unit.source_paths() + unit.checker_paths() if p.suffix != ".vlt"]
    d = driver.Driver()
    d.addStandardArgs()
    if not d.parseCommandLine(" ".join(args), driver.CommandLineOptions()) or not d.processOptions() or not d.parseAllSources():
        return [f"%Error-slang: cannot parse {unit.name}"]
    comp = d.createCompilation()
    diags = list(comp.getAllDiagnostics())
    if not diags:
        return []
    text = DiagnosticEngine.reportAll(d.sourceManager, diags)
    # slang's own warnings are mostly pedantic sign/type notes; elaboration errors are what
    # Yosys trips on.  A constant select outside its vector (-Windex-oob, -Wrange-oob) is a
    # defect Verilator does not report: it masks the index to the vector's index width
    # (bit 3 of a 2-bit vector reads bit 1), where four-state SystemVerilog reads X
    return ["%slang: " + ln for ln in text.splitlines() if ": error:" in ln or SLANG_DEFECTS.search(ln)]


def main() -> int:
    covered = {s for u in UNITS.values() for s in u.sources}
    checked = {c for u in UNITS.values() for c in u.checkers}
    orphans = sorted(p.name for p in list(HDL.glob("*.sv")) + list(HDL.glob("*.vlt")) if p.name not in covered)
    orphans += sorted("assert/" + p.name for p in ASSERT_DIR.glob("*.sv") if p.name not in checked)
    rows, total = [], 0
    for name, unit in UNITS.items():
        for pname, params in PARAM_SETS.get(name, {"default": {}}).items():
            msgs = lint_one(unit, params) + slang_one(unit, params)
            for m in msgs:
                print(m)
            total += len(msgs)
            rows.append((name, pname, len(msgs)))
    print(f"\n{'unit':<16} {'params':<16} {'warnings':>8}")
    for name, pname, n in rows:
        print(f"{name:<16} {pname:<16} {n:>8}")
    if orphans:
        print(f"\nRTL files in no unit (not linted): {orphans}")
    print(f"\nlint: {total} warning(s) over {len(rows)} unit build(s)")
    return 1 if total or orphans else 0


if __name__ == "__main__":
    sys.exit(main())
