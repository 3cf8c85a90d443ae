"""The coverage builds' fix of Verilator's toggle counter for signals wider than 64 bits
(tb/common/sim.py: patched_cov_header): the pinned header counts a change of bit b of
word i also at bits 32*i + b + 32*m above it; the fixed one counts exactly the bits that
changed.  Compiles a small C++ program against each header (no simulation)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tb.common.sim import patched_cov_header
from tb.common.tools import verilator_root

PROGRAM = r"""
#include "verilated_cov.h"
#include <cstdio>
int main() {
    const int width = WIDTH;
    uint32_t cov[2 * WIDTH] = {0};
    EData oldv[(WIDTH + 31) / 32] = {0}, newv[(WIDTH + 31) / 32] = {0};
    for (int b : {BITS}) newv[b / 32] |= 1u << (b % 32);
    VL_COV_TOGGLE_CHG_ST_W(width, cov, newv, oldv);
    for (int b = 0; b < width; ++b) if (cov[2 * b] || cov[2 * b + 1]) std::printf("%d ", b);
    std::printf("\n");
}
"""


def toggled(tmp_path, header: str | None, width: int, bits: list[int]) -> list[int]:
    """Bits the header's VL_COV_TOGGLE_CHG_ST_W counts when ``bits`` rise from 0."""
    d = tmp_path / ("fixed" if header else "pinned")
    d.mkdir(exist_ok=True)
    src = d / "t.cpp"
    src.write_text(PROGRAM.replace("WIDTH", str(width)).replace("BITS", ", ".join(map(str, bits))))
    if header:
        (d / "verilated_cov.h").write_text(header)  # found first: the including file's folder
    inc = verilator_root() / "include"
    exe = d / "t"
    subprocess.run([shutil.which("g++") or "c++", "-std=gnu++20", f"-I{inc}", f"-I{inc / 'vltstd'}", str(src),
                    "-o", str(exe)], check=True, capture_output=True)
    return [int(b) for b in subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.split()]


@pytest.mark.skipif(not (shutil.which("g++") or shutil.which("c++")), reason="needs a C++ compiler")
def test_wide_toggle_counts_only_the_bits_that_changed(tmp_path):
    fixed = patched_cov_header()
    # bits in the first, a middle and the last word (the last one partial where the width
    # is not a multiple of 32)
    for width, bits in ((65, [0, 33, 64]), (96, [5, 31, 70]), (128, [1, 64, 127]), (192, [3, 100, 191])):
        got = toggled(tmp_path, fixed, width, bits)
        assert got == bits, f"width {width}: bits {bits} rose, the fixed header counted {got}"
    # the pinned header's fault, which the fix exists for: bit 0 of a 96-bit vector is
    # also counted at bits 32 and 64
    assert toggled(tmp_path, None, 96, [0]) == [0, 32, 64]
