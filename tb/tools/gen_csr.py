"""`make csr`: generate the CSR block, its pyuvm register model and the register map
document from hdl/esact_csr.rdl with PeakRDL.  Outputs go to build/gen/ (SystemVerilog
and Python) and docs/esact_csr.md; nothing generated is edited or committed, except
the document (rebuilt by this command and checked for staleness by the tests).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tb.common.tools import BUILD, HDL, REPO
from tb.tools.proc import run_tool

RDL = HDL / "esact_csr.rdl"
GEN = BUILD / "gen"
SV = GEN / "esact_csr.sv"
PKG = GEN / "esact_csr_pkg.sv"
MODEL = GEN / "esact_csr_model.py"
DOC = REPO / "docs" / "esact_csr.md"


def peakrdl(*args: str) -> None:
    exe = Path(sys.executable).parent / "peakrdl"
    # run from the repo root with relative paths: the document records its source path,
    # which must not depend on where the clone lives
    run_tool([str(exe), *args], GEN / f"peakrdl_{args[0]}.log", f"peakrdl {args[0]}", cwd=REPO)


def generate(force: bool = False) -> list[Path]:
    """(Re)generate when the RDL is newer than the outputs."""
    outs = [SV, PKG, MODEL]
    if not force and all(p.exists() and p.stat().st_mtime >= RDL.stat().st_mtime for p in outs):
        return outs
    GEN.mkdir(parents=True, exist_ok=True)
    peakrdl("regblock", str(RDL), "-o", str(GEN), "--cpuif", "apb4-flat", "--default-reset", "rst_n")
    peakrdl("pyuvm", str(RDL), "-o", str(MODEL))
    return outs


def generate_doc() -> Path:
    peakrdl("markdown", str(RDL.relative_to(REPO)), "-o", str(DOC))
    return DOC


def main() -> int:
    for p in generate(force=True) + [generate_doc()]:
        print(f"[csr] {p.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
