"""`make bench`: simulation throughput and the RTL's cycle efficiency, measured in one run.

Steps (each prints progress; the summary table and reports/bench.json come at the end):

1. golden model speed: the integer MiniLM layer (models/int_layer.py) at 128 tokens,
   dense and SPLS, seconds per layer (median over the 6 layers x repeats);
2. the pure-Verilator C++ harness (tb/bench/esact_harness.cpp, no Python) runs the
   workload of the 6-layer trace test (tb/bench/esact_program.py: same layers, inputs,
   configurations, register writes and load beats) and checks every output against the
   golden model;
3. the cocotb + pyuvm environment runs the same test (EsactTraceTest, as in make sim);
   sim_ratio = harness cycles/s / environment cycles/s; the CYCLES counters of the two
   runs must agree (same DUT, same data);
4. RTL cycles per stage for every MiniLM layer at 128 tokens, dense and SPLS at the
   default operating point and an aggressive one (>= half the MACs skipped), from the
   harness: sparse_speedup, skip_efficiency, GEMM PE utilization, un-hidden prediction;
5. the analytical cycle model (models/cycle_model.py) against every RTL counter above;
6. the latest recorded wall times of `make sim` and `make test` (reports/walltime.json,
   written by those targets).

Outputs: reports/bench.json, docs/bench.md (table), docs/bench.png (per-stage cycles).
Figures are measured, never targets: the targets of the issue are listed beside them
with met / not met.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from tb.common.tools import BUILD, REPO, model_dirs

STAGES = ["pred", "qkv", "attn", "oproj", "ln1", "ffn", "ln2", "out"]
PE = 64  # 8 x 8 PE array of the MiniLM build
REPORT = REPO / "reports" / "bench.json"
DOC = REPO / "docs" / "bench.md"
PNG = REPO / "docs" / "bench.png"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def operating_points():
    """name -> per-layer schedule: dense, the committed default schedule
    (vectors/schedules/default.json) and an aggressive uniform one."""
    from models.schedule import Schedule, named_schedule
    from models.spls import SplsConfig

    return {
        "dense": Schedule.uniform(SplsConfig("dense")),
        "default": named_schedule("default"),
        # aggressive: the sweep point of `make accuracy` (docs/accuracy.md) whose RTL MAC
        # cut on the 128-token bench input is >= 50 % on every layer (models.schedule)
        "aggressive": named_schedule("aggressive"),
    }


# ------------------------------------------------------------------ 1. golden speed
def golden_speed(x0, repeats: int) -> dict:
    from models import weights
    from models.int_layer import int_layer

    im = weights.default_int_model()
    out = {}
    for name, sched in list(operating_points().items())[:2]:
        times = []
        for _ in range(repeats):
            x = x0
            for lq, cfg in zip(im.layers, sched):
                t0 = time.perf_counter()
                x, _ = int_layer(x, lq, cfg)
                times.append(time.perf_counter() - t0)
        out[name] = {"median_s_per_layer": round(statistics.median(times), 4), "max_s": round(max(times), 4),
                     "layers_timed": len(times)}
        log(f"golden int layer, T={x0.shape[0]}, {name}: median {statistics.median(times):.3f} s/layer "
            f"({len(times)} layer runs)")
    return out


# ------------------------------------------------------------------ 2./3. throughput
def harness_trace(exe) -> dict:
    from tb.bench import harness
    from tb.bench.esact_program import trace_program

    t0 = time.perf_counter()
    prog = trace_program()
    path = prog.save(BUILD / "bench" / "trace.bin")
    log(f"trace program: {len(prog.runs)} layer runs, {path.stat().st_size / 1e6:.1f} MB "
        f"({time.perf_counter() - t0:.0f} s to generate)")
    runs, summ = harness.run(exe, path, lambda r: None)
    log(f"harness: {summ['clocks']:,} clocks in {summ['wall_s']:.1f} s = {summ['cycles_per_s']:,.0f} cycles/s, "
        f"every output bit-exact")
    for r, meta in zip(runs, prog.runs):
        r.update(meta)
    return {"runs": runs, "summary": summ}


def env_trace() -> dict:
    from tb.common.sim import build, run
    from tb.common.units import PARAM_SETS, UNITS

    unit = UNITS["esact_top"]
    params = PARAM_SETS["esact_top"]["minilm"]
    os.environ.pop("RTL_COVERAGE", None)
    build(unit, params)  # build time is not part of the throughput
    log("cocotb + pyuvm environment: EsactTraceTest (as in make sim) ...")
    t0 = time.perf_counter()
    test_dir = run(unit, "EsactTraceTest", params, tag="bench")
    wall = time.perf_counter() - t0
    tc = ET.parse(test_dir / "results.xml").getroot().find(".//testcase")
    props = {p.get("name"): p.get("value") for p in tc.iter("property")}
    sim_ns = float(props["sim_time_duration"])
    test_s = float(tc.get("time"))
    runs = json.loads((test_dir / "EsactTraceTest.json").read_text())
    clocks = sim_ns / 10.0  # 100 MHz clock of the testbench
    log(f"environment: {clocks:,.0f} clocks in {test_s:.1f} s (process {wall:.1f} s) = {clocks / test_s:,.0f} cycles/s")
    return {"clocks": clocks, "test_s": test_s, "process_s": wall, "runs": runs}


# ------------------------------------------------------------------ 4. cycles at T=128
def harness_points(exe, x0, layers) -> dict:
    from tb.bench import harness
    from tb.bench.esact_program import layers_program

    t0 = time.perf_counter()
    prog = layers_program(x0, operating_points(), layers)
    path = prog.save(BUILD / "bench" / "t128.bin")
    log(f"T=128 program: {len(prog.runs)} layer runs ({time.perf_counter() - t0:.0f} s to generate)")

    def progress(r):
        m = prog.runs[r["run"]]
        log(f"  {m['context']:22s} CYCLES {r['cycles']:>10,}  exec MACs {r['exec_macs']:>11,}  "
            f"skip {r['skip_macs']:>11,}")

    runs, summ = harness.run(exe, path, progress)
    for r, meta in zip(runs, prog.runs):
        r.update(meta)
    return {"runs": runs, "summary": summ}


def point_figures(runs: list[dict], hw) -> dict:
    """Per operating point: the mean layer's stage cycles and the efficiency figures."""
    from models.cycle_model import kv_generation_cycles

    by = {}
    for r in runs:
        by.setdefault(r["point"], []).append(r)
    dense = by["dense"]
    n = len(dense)
    d_cyc = sum(r["cycles"] for r in dense)
    out = {}
    for p, rs in by.items():
        cyc = sum(r["cycles"] for r in rs)
        ex = sum(r["exec_macs"] for r in rs)
        sk = sum(r["skip_macs"] for r in rs)
        st = {s: sum(r["stage_cycles"][i] for r in rs) / n for i, s in enumerate(STAGES)}
        f = {"layers": n, "cycles_per_layer": cyc / n, "stage_cycles_per_layer": st,
             "exec_macs_per_layer": ex / n, "dense_macs_per_layer": (ex + sk) / n,
             "mac_cut_pct": 100.0 * sk / (ex + sk),
             "per_layer_cycles": [r["cycles"] for r in rs],
             "pe_util_pct": 100.0 * ex / (cyc * PE)}
        if p != "dense":
            speed = d_cyc / cyc
            f["sparse_speedup"] = speed
            f["mac_ratio"] = (ex + sk) / ex
            f["skip_efficiency"] = speed / ((ex + sk) / ex)
            kv = sum(kv_generation_cycles(hw, r["tokens"], r["hidden"]) for r in rs)
            pred = sum(r["stage_cycles"][0] for r in rs)
            f["pred_cycles_per_layer"] = pred / n
            f["kv_generation_cycles_per_layer"] = kv / n
            f["unhidden_pred_pct"] = 100.0 * max(0, pred - kv) / cyc
        else:
            gemm_st = ("qkv", "oproj", "ffn")
            t, d, ffn = rs[0]["tokens"], rs[0]["hidden"], rs[0]["ffn"]
            gemm_macs = t * (4 * d * d + 2 * d * ffn)
            f["pe_util_gemm_stages_pct"] = 100.0 * gemm_macs / (sum(st[s] for s in gemm_st) * PE)
        out[p] = f
    return out


# ------------------------------------------------------------------ 5. cycle model
def model_errors(runs: list[dict], hw, sources: dict) -> dict:
    """Cycle model vs RTL counters for runs whose layer input and configuration we can
    rebuild (the T=128 points and the trace program)."""
    from models.cycle_model import layer_cycles, masks_for

    errs = {s: 0.0 for s in STAGES + ["cycles"]}
    worst = {}
    for r in runs:
        lq, x, cfg = sources[r["key"]]
        sparse = cfg.scheme == "spls"
        m = masks_for(lq, x, cfg)
        pred = layer_cycles(hw, r["tokens"], r["hidden"], r["heads"], r["ffn"], sparse, cfg.ffn_reuse,
                            r["overlap"], m if sparse else None, ln_zero_std=m["ln_zero_std"])
        for i, s in enumerate(STAGES):
            rtl, mod = r["stage_cycles"][i], pred["stage_cycles"][s]
            e = 0.0 if rtl == mod else 100.0 * abs(mod - rtl) / max(rtl, 1)
            if e > errs[s]:
                errs[s], worst[s] = e, r["context"]
        e = 100.0 * abs(pred["cycles"] - r["cycles"]) / r["cycles"]
        if e > errs["cycles"]:
            errs["cycles"], worst["cycles"] = e, r["context"]
    return {"max_error_pct": errs, "worst_run": worst, "runs": len(runs)}


def walltimes() -> dict:
    from tb.tools.walltime import load

    return load()


# ------------------------------------------------------------------ report
def plot(points: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    names = list(points)
    bottom = np.zeros(len(names))
    for s in STAGES:
        v = np.array([points[p]["stage_cycles_per_layer"][s] / 1e6 for p in names])
        ax1.bar(names, v, bottom=bottom, label=s)
        bottom += v
    ax1.set_ylabel("cycles per layer (M)")
    ax1.set_title("esact_top, MiniLM layer at T=128: stage cycles (mean of 6 layers)")
    ax1.legend(fontsize=8, ncol=2)
    for p in names:
        ax2.plot(range(len(points[p]["per_layer_cycles"])), np.array(points[p]["per_layer_cycles"]) / 1e6,
                 marker="o", label=p)
    ax2.set_xlabel("layer")
    ax2.set_ylabel("CYCLES (M)")
    ax2.set_title("per layer")
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def targets(rep: dict) -> list[tuple[str, str, str, bool]]:
    pts = rep["points"]
    t = []
    if "sim_ratio" in rep["throughput"]:
        sr = rep["throughput"]["sim_ratio"]
        t.append(("sim_ratio (6-layer trace test)", f"{sr:.2f}", "<= 1.5", sr <= 1.5))
        t.append(("sim_ratio, issue 17 (per-burst load path)", f"{sr:.2f}", "<= 1.25", sr <= 1.25))
    for p in ("default", "aggressive"):
        t.append((f"skip_efficiency ({p})", f"{pts[p]['skip_efficiency']:.3f}", ">= 0.9",
                  pts[p]["skip_efficiency"] >= 0.9))
    t.append(("sparse_speedup (default schedule)", f"{pts['default']['sparse_speedup']:.3f}", ">= 1.4",
              pts["default"]["sparse_speedup"] >= 1.4))
    t.append(("sparse_speedup (aggressive)", f"{pts['aggressive']['sparse_speedup']:.3f}", ">= 1.8",
              pts["aggressive"]["sparse_speedup"] >= 1.8))
    t.append(("dense PE utilization", f"{pts['dense']['pe_util_pct']:.1f} %", ">= 90 %",
              pts["dense"]["pe_util_pct"] >= 90))
    for p in ("default", "aggressive"):
        t.append((f"un-hidden prediction ({p})", f"{pts[p]['unhidden_pred_pct']:.2f} % of cycles", "<= 10 %",
                  pts[p]["unhidden_pred_pct"] <= 10))
    g = max(v["median_s_per_layer"] for v in rep["golden"].values())
    t.append(("integer golden layer, T=128", f"{g:.3f} s", "<= 1 s", g <= 1.0))
    wt = rep["walltime"].get("test")
    if wt:
        t.append(("make test wall time", f"{wt['seconds'] / 60:.1f} min ({wt['date'][:10]}, {wt['commit']})",
                  "<= 30 min", wt["seconds"] <= 1800))
    if rep.get("cycle_model"):
        e = rep["cycle_model"]["max_error_pct"]["cycles"]
        t.append(("cycle model vs RTL CYCLES (max)", f"{e:.3f} %", "<= 2 %", e <= 2.0))
    return t


def write_doc(rep: dict) -> None:
    tp, pts = rep["throughput"], rep["points"]
    L = ["# `make bench`: simulation throughput and RTL cycle efficiency", "",
         f"Measured by `make bench` on {rep['date'][:10]} (commit {rep['commit']}, {rep['cpus']} CPUs); "
         "raw figures in `reports/bench.json`, chart `docs/bench.png`.", "",
         "## Targets (issues 8, 15, 16 and 17)", "", "| figure | measured | target | met |", "|---|---|---|---|"]
    L += [f"| {a} | {b} | {c} | {'yes' if d else 'no'} |" for a, b, c, d in targets(rep)]
    L += ["", "## Simulation throughput (6-layer MiniLM trace test: 2 sentences x dense/SPLS x 6 layers)", "",
          "| environment | clocks | wall s | cycles/s | layers/s |", "|---|---|---|---|---|",
          f"| pure Verilator C++ harness | {tp['harness_clocks']:,} | {tp['harness_s']:.1f} | "
          f"{tp['harness_cps']:,.0f} | {tp['harness_layers_per_s']:.3f} |",
          (f"| cocotb + pyuvm environment | {tp['env_clocks']:,.0f} | {tp['env_s']:.1f} | {tp['env_cps']:,.0f} | "
           f"{tp['env_layers_per_s']:.3f} |" if "env_cps" in tp else "| cocotb + pyuvm environment | not run "
           "(--skip-env) | | | |"), "",
          (f"sim_ratio = {tp['sim_ratio']:.2f}; CYCLES counters of the two runs identical: "
           f"{'yes' if tp['counters_identical'] else 'NO'}." if "sim_ratio" in tp else "sim_ratio: not measured."),
          "",
          (f"Inside the layer runs (start to output packet: the DUT computing alone, the scoreboard's "
           f"prediction included) the environment runs {tp['env_run_cps']:,.0f} cycles/s "
           f"({tp['harness_cps'] / tp['env_run_cps']:.2f}x below the harness); "
           f"{tp['env_outside_runs_pct']:.1f} % of its test time is outside the runs (weight and input loads, "
           "CSR traffic, counter reads, build/report phases)." if "env_run_cps" in tp else ""),
          "",
          "## RTL cycles per MiniLM layer at T = 128 (mean over the 6 layers, each fed the golden "
          "output of the previous one)", "",
          "| point | " + " | ".join(STAGES) + " | CYCLES | MAC cut | speedup | skip eff. | PE util |",
          "|---|" + "---|" * (len(STAGES) + 5)]
    cfgs = {k: v.label for k, v in operating_points().items()}
    for p, f in pts.items():
        st = f["stage_cycles_per_layer"]
        L.append(f"| {p} ({cfgs[p]}) | " + " | ".join(f"{st[s]:,.0f}" for s in STAGES)
                 + f" | {f['cycles_per_layer']:,.0f} | {f['mac_cut_pct']:.1f} % | "
                 f"{f.get('sparse_speedup', 1.0):.3f} | {f.get('skip_efficiency', 1.0):.3f} | {f['pe_util_pct']:.1f} % |")
    L += ["", f"Dense GEMM stages (QKV, O-projection, FFN) PE utilization: "
          f"{pts['dense']['pe_util_gemm_stages_pct']:.1f} %."]
    for p in ("default", "aggressive"):
        f = pts[p]
        L.append(f"{p}: PRED {f['pred_cycles_per_layer']:,.0f} cycles per layer, K/V generation it overlaps "
                 f"{f['kv_generation_cycles_per_layer']:,.0f}: un-hidden prediction {f['unhidden_pred_pct']:.2f} % "
                 "of the layer's cycles.")
    L += ["", "![per-stage cycles](bench.png)", ""]
    if rep.get("pred_study"):
        L += ["## PRED design study (cycle model, default schedule, T = 128)", "",
              "Mean cycles per layer of the default schedule (`python -m models.cycle_model --study`) for "
              "prediction-unit widths (PRED_ELEMS; the build has 8) with progressive generation (`overlap`: "
              "K/V of every row generated on the GEMM engine while PRED runs; the built default), without it "
              "(`sequential`: PRED, then K/V of the rows some head needs), and a design the RTL does not have "
              "(`per-head K/V`: sequential, K/V generated per head for the rows that head needs).", "",
              "| PRED_ELEMS | mode | PRED cycles (sparse layer) | cycles/layer | speedup vs dense | built |",
              "|---:|---|---:|---:|---:|---|"]
        for r in rep["pred_study"]:
            L.append(f"| {r['pred_elems']} | {r['mode']} | {r['pred_cycles_sparse_layer']:,} | "
                     f"{r['cycles_per_layer']:,.0f} | {r['speedup']:.3f} | {'yes' if r['built'] else 'model only'} |")
        L.append("")
    g = rep["golden"]
    L += ["## Golden model and regression wall times", "",
          "| figure | measured |", "|---|---|"]
    for k, v in g.items():
        L.append(f"| integer layer T=128, {k} | {v['median_s_per_layer']:.3f} s (median of {v['layers_timed']}) |")
    for k in ("sim", "test"):
        w = rep["walltime"].get(k)
        L.append(f"| make {k} | " + (f"{w['seconds'] / 60:.1f} min (exit {w['exit_status']}, {w['date']}, "
                                     f"commit {w['commit']}, {w['cpus']} CPUs)" if w else "not recorded yet") + " |")
    if rep.get("cycle_model"):
        cm = rep["cycle_model"]
        L += ["", f"## Analytical cycle model (models/cycle_model.py) vs RTL counters ({cm['runs']} runs)", "",
              "| counter | max error | worst run |", "|---|---|---|"]
        for s, e in cm["max_error_pct"].items():
            L.append(f"| {s} | {e:.3f} % | {cm['worst_run'].get(s, '-')} |")
    DOC.write_text("\n".join(L) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layers", default="all", help="layers of the T=128 figures (comma list or 'all')")
    ap.add_argument("--repeats", type=int, default=3, help="golden timing repeats")
    ap.add_argument("--skip-env", action="store_true", help="no cocotb run (no sim_ratio)")
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    import subprocess

    from models import weights
    from models.cycle_model import HwParams
    from tb.bench import harness
    from tb.esact_top.esact_top_workload import bench_ids, layer_input

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    model_dirs()  # the golden models' cache in the build tree
    hw = HwParams()
    im = weights.default_int_model()
    x0 = layer_input(bench_ids(128), im)
    layers = None if args.layers == "all" else [int(v) for v in args.layers.split(",")]
    rep = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
           "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                    cwd=REPO).stdout.strip()}
    log("1/6 golden model speed")
    rep["golden"] = golden_speed(x0, args.repeats)
    log("2/6 harness build and trace workload")
    exe = harness.build()
    ht = harness_trace(exe)
    tp = {"harness_clocks": ht["summary"]["clocks"], "harness_s": ht["summary"]["wall_s"],
          "harness_cps": ht["summary"]["cycles_per_s"],
          "harness_layers_per_s": len(ht["runs"]) / ht["summary"]["wall_s"], "layer_runs": len(ht["runs"])}
    if not args.skip_env:
        log("3/6 cocotb environment on the same workload")
        et = env_trace()
        tp.update(env_clocks=et["clocks"], env_s=et["test_s"], env_process_s=et["process_s"],
                  env_cps=et["clocks"] / et["test_s"], env_layers_per_s=len(et["runs"]) / et["test_s"])
        tp["sim_ratio"] = tp["harness_cps"] / tp["env_cps"]
        # where the environment's time goes: the layer runs (start write to output packet,
        # the DUT computing alone, scoreboard prediction included) and everything else
        # (weight/input loads through the stream agent, CSR traffic, counters, phases)
        run_s = sum(r["run_wall_s"] for r in et["runs"])
        tp["env_run_s"] = run_s
        tp["env_run_cps"] = sum(r["cycles"] for r in et["runs"]) / run_s
        tp["env_outside_runs_pct"] = 100.0 * (1.0 - run_s / et["test_s"])
        env_c = {r["context"]: r["cycles"] for r in et["runs"]}
        tp["counters_identical"] = all(env_c.get(r["context"]) == r["cycles"] for r in ht["runs"])
    rep["throughput"] = tp
    log("4/6 RTL cycles per stage at T=128: dense, default SPLS, aggressive SPLS")
    hp = harness_points(exe, x0, layers)
    rep["points"] = point_figures(hp["runs"], hw)
    rep["t128_runs"] = hp["runs"]
    log("5/6 cycle model vs RTL counters")
    rep["cycle_model"] = model_errors_all(ht["runs"], hp["runs"], x0, hw)
    log("     PRED design study (cycle model): the default schedule under other PRED designs")
    from models.cycle_model import study

    rep["pred_study"] = study(operating_points()["default"], x0)
    log("6/6 wall times, report")
    rep["walltime"] = walltimes()
    rep["bench_s"] = round(time.perf_counter() - t_start, 1)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(rep, indent=1, default=float))
    plot(rep["points"], PNG)
    write_doc(rep)
    print()
    print(f"{'figure':38s} {'measured':>34s} {'target':>10s}  met")
    for a, b, c, d in targets(rep):
        print(f"{a:38s} {b:>34s} {c:>10s}  {'yes' if d else 'NO'}")
    print(f"\nreports/bench.json, docs/bench.md, docs/bench.png written ({rep['bench_s']:.0f} s)")
    return 0


def model_errors_all(trace_runs, t128_runs, x0, hw) -> dict:
    """Rebuild every run's layer, input and configuration (golden chain) and compare."""
    from models import weights
    from models.int_layer import int_layer

    from tb.esact_top.esact_top_workload import trace_sentences

    im = weights.default_int_model()
    sources = {}
    sents = trace_sentences()
    xs = {name: tr["L0_x"].astype(np.int64) for name, tr, _ in sents}
    for layer, lq in enumerate(im.layers):
        for name, _, sched in sents:
            cfg = sched[layer]
            sources[f"{name} layer {layer}"] = (lq, xs[name], cfg)
            xs[name] = np.asarray(int_layer(xs[name], lq, cfg)[0], np.int64)
    pts = operating_points()
    xp = {p: np.asarray(x0, np.int64) for p in pts}
    for layer, lq in enumerate(im.layers):
        for p, sched in pts.items():
            cfg = sched[layer]
            sources[f"{p} layer {layer}"] = (lq, xp[p], cfg)
            xp[p] = np.asarray(int_layer(xp[p], lq, cfg)[0], np.int64)
    runs = [dict(r, key=r["context"]) for r in trace_runs + t128_runs]
    return model_errors(runs, hw, sources)


if __name__ == "__main__":
    sys.exit(main())
