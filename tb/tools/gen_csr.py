"""`make csr`: generate the CSR block, its pyuvm register model and the register map
document from hdl/esact_csr.rdl with PeakRDL.  Outputs go to build/gen/ (SystemVerilog
and Python, tb/common/csr.py) and docs/esact_csr.md; nothing generated is edited or
committed, except the document (rebuilt by this command and checked for staleness by
the tests).
"""

from __future__ import annotations

import sys
from pathlib import Path

from tb.common.csr import GEN, MODEL, PKG, RDL, SV, generate, peakrdl
from tb.common.tools import REPO

__all__ = ["DOC", "GEN", "MODEL", "PKG", "RDL", "SV", "generate", "generate_doc", "main"]

DOC = REPO / "docs" / "esact_csr.md"


def generate_doc() -> Path:
    peakrdl("markdown", str(RDL.relative_to(REPO)), "-o", str(DOC))
    return DOC


def main() -> int:
    for p in generate(force=True) + [generate_doc()]:
        print(f"[csr] {p.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
