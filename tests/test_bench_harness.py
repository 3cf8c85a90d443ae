"""The pure-Verilator harness of esact_top (tb/bench/) and its program generator:
register map from the RDL, bit-exact runs with consistent counters, and a corrupted
expectation caught (the harness is a checker, not only a clock source)."""

import re
import struct

import numpy as np
import pytest

from models.int_layer import int_layer
from models.spls import SplsConfig
from models.synthetic import synthetic_layer
from tb.bench import harness
from tb.bench.esact_program import Program, csr_map, reg_word
from tb.esact_top.esact_top_mem import MemMap

SMALL = {"T_MAX": 32, "D_MAX": 128, "F_MAX": 256, "H_MAX": 4}
STAGES = ["pred", "qkv", "attn", "oproj", "ln1", "ffn", "ln2", "out"]


def test_harness_register_constants_match_rdl():
    """The C++ harness hard-codes a few register addresses: they must be the RDL's."""
    text = harness.CPP.read_text()
    consts = {m.group(1): int(m.group(2), 16) for m in re.finditer(r"k(\w+) = 0x([0-9A-Fa-f]+)", text)}
    rdl = {name: addr for name, (addr, _) in csr_map().items()}
    want = {"Ctrl": rdl["ctrl"], "Status": rdl["status"], "Cycles": rdl["cycles"], "ExecLo": rdl["exec_macs_lo"],
            "ExecHi": rdl["exec_macs_hi"], "SkipLo": rdl["skip_macs_lo"], "SkipHi": rdl["skip_macs_hi"],
            "Stage0": rdl["stage_cycles[0]"]}
    assert {k: consts.get(k) for k in want} == want
    assert [rdl[f"stage_cycles[{i}]"] for i in range(8)] == [rdl["stage_cycles[0]"] + 4 * i for i in range(8)]


def test_reg_word_fields_and_errors():
    addr, v = reg_word("ctrl", start=1, sparse=1, overlap=1)
    assert addr == csr_map()["ctrl"][0]
    flds = csr_map()["ctrl"][1]
    assert v == (1 << flds["start"][0]) | (1 << flds["sparse"][0]) | (1 << flds["overlap"][0])
    with pytest.raises(KeyError, match="no field"):
        reg_word("ctrl", go=1)
    with pytest.raises(ValueError, match="does not fit"):
        reg_word("dim0", seq_len=1 << 16)


def _program(rng):
    prog = Program(mm=MemMap(SMALL["T_MAX"], SMALL["D_MAX"], SMALL["F_MAX"]))
    cases = [
        (SplsConfig("dense"), True),
        (SplsConfig("spls", k=3, window=4, thr=2, ffn_reuse=True), True),
        (SplsConfig("spls", k=2, window=3, thr=1, ffn_reuse=False), False),
    ]
    for i, (cfg, overlap) in enumerate(cases):
        t = int(rng.integers(8, SMALL["T_MAX"] + 1))
        lq, x = synthetic_layer(rng, t, 64, 2, 64, 1.0)
        out, _ = int_layer(x, lq, cfg)
        prog.run(lq, x, cfg, out, f"synthetic {i}", load_weights=True, overlap=overlap)
    return prog


@pytest.fixture(scope="module")
def exe():
    return harness.build(SMALL)


def test_harness_runs_bit_exact_with_consistent_counters(exe, tmp_path):
    prog = _program(np.random.default_rng(20261123))
    runs, summary = harness.run(exe, prog.save(tmp_path / "p.bin"))
    assert summary["runs"] == len(prog.runs) == len(runs) and summary["bad_runs"] == 0
    for r, meta in zip(runs, prog.runs):
        t, d, f, h = meta["tokens"], meta["hidden"], meta["ffn"], meta["heads"]
        assert r["out_beats"] == r["expected_beats"] == t * -(-d // 64)
        assert sum(r["stage_cycles"][:7]) == r["cycles"]
        assert r["exec_macs"] + r["skip_macs"] == t * (4 * d * d + 2 * d * f) + 2 * h * t * t * 32
        assert (r["stage_cycles"][0] > 0) == (meta["mode"] == "spls")
        assert r["clocks"] > r["cycles"]  # the run includes the streamed output


def test_harness_catches_a_wrong_expected_output(exe, tmp_path):
    prog = _program(np.random.default_rng(7))
    # corrupt one expected byte of the last run (its expected bytes end the program)
    last = bytearray(prog.chunks[-1])
    last[-1] ^= 0x01
    prog.chunks[-1] = bytes(last)
    with pytest.raises(RuntimeError, match="mismatching output"):
        harness.run(exe, prog.save(tmp_path / "bad.bin"))


def test_program_records_are_well_formed(tmp_path):
    prog = _program(np.random.default_rng(3))
    data = prog.save(tmp_path / "p.bin").read_bytes()
    pos, counts = 0, {"W": 0, "L": 0, "R": 0}
    while pos < len(data):
        op = chr(data[pos])
        pos += 1
        if op == "W":
            pos += 8
        elif op == "L":
            pos += 4 + 64
        elif op == "R":
            _, _, _, n = struct.unpack_from("<IIQI", data, pos)
            pos += 20 + n
        else:
            raise AssertionError(f"bad opcode {op!r} at {pos - 1}")
        counts[op] += 1
    assert pos == len(data)
    assert counts["R"] == 3 and counts["W"] == 3 * 8
