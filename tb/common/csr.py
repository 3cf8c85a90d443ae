"""The CSR block's generated sources: the SystemVerilog block and package the esact_top
build compiles and the pyuvm register model its environment loads, made from
hdl/esact_csr.rdl by PeakRDL into build/gen/ (never edited, never committed).  Used by
the simulation runner and the environment; `make csr` (tb/tools/gen_csr.py) also
writes the register map document."""

from __future__ import annotations

import sys
from pathlib import Path

from .proc import run_tool
from .tools import BUILD, HDL, REPO

RDL = HDL / "esact_csr.rdl"
GEN = BUILD / "gen"
SV = GEN / "esact_csr.sv"
PKG = GEN / "esact_csr_pkg.sv"
MODEL = GEN / "esact_csr_model.py"


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
