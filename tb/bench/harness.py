"""Build and run the pure-Verilator C++ harness of esact_top (no Python in the loop).

The Verilated model is built from the same sources, parameters and Verilator options
as the cocotb environment's (tb/common/sim.py: no --public-flat-rw, default -Os of the
Verilator makefile; the bound assertion checkers and --assert unless ASSERTS=0, as
make sim builds them), only with tb/bench/esact_harness.cpp as main instead of cocotb's
VPI main, so the two throughputs compare the environments, not the models.  The harness
advances simulation time as the cocotb simulation does (10 ns clock): the checkers are
off while ``$time == 0`` (ASSERT_OFF), so a harness that kept time at 0 would skip them.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from tb.common.sim import param_tag
from tb.common.tools import BUILD, REPO, setup_verilator_env, verilator_exe
from tb.common.units import UNITS
from tb.common.proc import exit_status, run_tool, show, write_log

CPP = REPO / "tb" / "bench" / "esact_harness.cpp"


def build(parameters: dict | None = None, jobs: int | None = None) -> Path:
    """The harness executable for esact_top with ``parameters`` (rebuilt when a source
    is newer than it)."""
    unit = UNITS["esact_top"]
    parameters = dict(parameters or {})
    from tb.common.sim import ASSERT_ARGS, asserts_enabled

    asserts = asserts_enabled()
    out = BUILD / "bench" / ("harness_" + param_tag(parameters) + ("" if asserts else "_noassert"))
    exe = out / "esact_harness"
    srcs = unit.source_paths() + (unit.checker_paths() if asserts else [])
    if exe.exists() and all(p.stat().st_mtime <= exe.stat().st_mtime for p in [*srcs, CPP]):
        return exe
    out.mkdir(parents=True, exist_ok=True)
    cmd = [verilator_exe(), "--cc", "--exe", "--build", "-j", str(jobs or os.cpu_count() or 1),
           "-Mdir", str(out), "--top-module", unit.toplevel, "--prefix", "Vtop", "-o", "esact_harness",
           *[f"-G{k}={v}" for k, v in parameters.items()], *(ASSERT_ARGS if asserts else ()),
           str(CPP), *map(str, srcs)]
    env = setup_verilator_env(dict(os.environ))
    t0 = time.perf_counter()
    run_tool(cmd, out / "build.log", "harness build (verilator --build)", env=env)
    print(f"[bench] harness built in {time.perf_counter() - t0:.0f} s: {exe.relative_to(REPO)}", flush=True)
    return exe


def run(exe: Path, program: Path, progress=None) -> tuple[list[dict], dict]:
    """Run a program; returns (per-run records, summary).  Raises on a mismatch, a
    watchdog or a malformed program (the harness's exit status)."""
    proc = subprocess.Popen([str(exe), str(program)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs, summary = [], {}
    for line in proc.stdout:
        rec = json.loads(line)
        if rec.get("summary"):
            summary = rec
        else:
            runs.append(rec)
            if progress:
                progress(rec)
    err = proc.stderr.read()
    rc = proc.wait()
    bad = [r for r in runs if r["mismatched_beats"]]
    if rc != 0 or bad or not summary:
        log = write_log(exe.parent / f"run_{program.stem}.log", [exe, program], "", err, exit_status(rc))
        raise RuntimeError(f"harness {program.name}: {exit_status(rc)}, {len(bad)} run(s) with mismatching output "
                           f"{[r['run'] for r in bad][:5]}; stderr (log: {show(log)}): {err.strip()[-1000:]}")
    return runs, summary
