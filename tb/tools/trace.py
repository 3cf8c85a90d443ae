"""`make trace`: your own text, and your own BERT model, through the float model, the
integer golden model and the esact_top RTL.

    make trace TEXT="any sentence" [SPLS=default|aggressive|<label>|<schedule.json>]
               [WEIGHTS=base|finetuned] [MODEL=<Hugging Face folder>] [TRUNCATE=1]
               [PARAMS=auto|<esact_top parameter set>|fit]
    make trace TEXTS=<file, one text a line> ...
    python -m tb.tools.trace --text "..." [--texts F] [--spls S] [--weights W] [--model DIR]
               [--truncate] [--params P] [--golden-only]

1. The golden side (:mod:`models.text_trace`): the texts are tokenized with the model's
   tokenizer and checked against the build's T_MAX (refused with the limit named, or
   truncated with TRUNCATE=1); the float embedding and the integer traces of every
   layer, dense and with the SPLS schedule, go into a trace set in build/trace/<run>/.
2. The RTL: the esact_top trace test (``EsactTraceTest``, the regression's own test)
   replays the set on a Verilator build whose parameters fit the model (PARAMS=auto:
   the smallest parameter set of tb/common/units.py that holds the model's hidden size,
   heads, FFN width and head size; ``fit``: one generated from the model's dimensions),
   every layer fed the RTL's own previous output; the scoreboard checks every layer
   against the golden model and the performance counters against the cycle model.
   Progress is printed per layer run.
3. The report: per text, mode and layer, bit-exact or the first mismatch (layer,
   tensor, index, expected vs got, and the first pipeline stage that differs), cycles
   per stage, MAC cut; the cosine of the RTL's sentence embedding with the float
   model's; a table on stdout and build/trace/<run>/trace.json (build/trace/latest
   points at the last run).  Exit status 0 when every layer is bit-exact.

Errors in the inputs (a text too long, a model that fits no build, an unknown SPLS
point, ...) exit with status 2 and a message naming the parameter and its limit.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # torch: one thread (calibration is 20x slower oversubscribed)

import numpy as np  # noqa: E402

from models import checks  # noqa: E402
from models.cycle_model import HwParams  # noqa: E402
from tb.common.tools import BUILD, REPO, model_dirs  # noqa: E402

STAGES = ("pred", "qkv", "attn", "oproj", "ln1", "ffn", "ln2", "out")
UNIT = "esact_top"
# generated builds keep the verified micro-architecture and size the buffers only
FIT_T_MAX = 128
# the RTL's load-address arithmetic needs at least two 64-byte words per row of the
# hidden and FFN buffers (hdl/esact_top.sv DSh, FSh = $clog2(words) > 0)
FIT_MIN_COLS = 128


def _log(msg: str) -> None:
    print(f"[trace {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _show(p: Path) -> str:
    p = Path(p).resolve()
    return str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p)


# ----------------------------------------------------------------------------------
# the build
# ----------------------------------------------------------------------------------
def hw_of(overrides: dict) -> HwParams:
    """The full esact_top parameters of a parameter set (defaults: the MiniLM build)."""
    checks.instance(overrides, "overrides", dict, "a dict of esact_top parameters")
    known = HwParams().__dict__
    for k, v in overrides.items():
        if k not in known:
            checks.fail("overrides", f"unknown esact_top parameter {k!r} (known: {sorted(known)})")
        checks.integer(v, f"overrides[{k!r}]", 1)
    return HwParams(**{**known, **{k: int(v) for k, v in overrides.items()}})


def misfits(dims: dict, hw: HwParams) -> list[str]:
    """Why a model of ``dims`` (hidden, heads, ffn, head_dim) does not fit ``hw``."""
    checks.instance(dims, "dims", dict, "a dict of hidden, heads, ffn, head_dim")
    checks.instance(hw, "hw", HwParams, "a HwParams (hw_of)")
    for k in ("hidden", "heads", "ffn", "head_dim"):
        checks.integer(dims.get(k), f"dims[{k!r}]", 1)
    out = []
    if dims["head_dim"] != hw.HEAD_DIM:
        out.append(f"head size (hidden / heads) {dims['head_dim']} != HEAD_DIM {hw.HEAD_DIM}")
    if dims["hidden"] > hw.D_MAX:
        out.append(f"hidden size {dims['hidden']} > D_MAX {hw.D_MAX}")
    if dims["heads"] > hw.H_MAX:
        out.append(f"heads {dims['heads']} > H_MAX {hw.H_MAX}")
    if dims["ffn"] > hw.F_MAX:
        out.append(f"FFN width {dims['ffn']} > F_MAX {hw.F_MAX}")
    if dims["ffn"] % hw.PE_C:
        out.append(f"FFN width {dims['ffn']} is not a multiple of PE_C {hw.PE_C}")
    return out


def choose_build(dims: dict, params: str = "auto") -> tuple[str, dict, HwParams]:
    """(name, parameter overrides, full parameters) of the esact_top build the model
    runs on.  ``params``: ``auto`` (the smallest parameter set of
    ``tb.common.units.PARAM_SETS['esact_top']`` the model fits), a set's name, or
    ``fit`` (generated: D_MAX, F_MAX, H_MAX = the model's, D_MAX and F_MAX at least
    128, T_MAX = min(128, max_position) rounded down to 16, the verified HEAD_DIM and
    arrays).  Raises
    ValueError naming the dimension and the build's limit when the model does not fit."""
    from tb.common.units import PARAM_SETS

    checks.instance(dims, "dims", dict, "a dict of hidden, heads, ffn, head_dim, max_position")
    for k in ("hidden", "heads", "ffn", "head_dim", "max_position"):
        checks.integer(dims.get(k), f"dims[{k!r}]", 1)
    sets = PARAM_SETS[UNIT]
    checks.instance(params, "params", str, "a str")
    if params == "fit":
        t_max = max(16, min(FIT_T_MAX, dims["max_position"]) // 16 * 16)
        over = {"T_MAX": t_max, "D_MAX": max(dims["hidden"], FIT_MIN_COLS), "F_MAX": max(dims["ffn"], FIT_MIN_COLS),
                "H_MAX": dims["heads"]}
        bad = [m for m in misfits(dims, hw_of(over)) if "HEAD_DIM" in m or "PE_C" in m]
        if bad:
            checks.fail("params", f"fit: no esact_top build can be generated for this model: {'; '.join(bad)} "
                                  "(HEAD_DIM and the PE array stay at the verified values)")
        return "fit", over, hw_of(over)
    if params != "auto":
        if params not in sets:
            checks.fail("params", f"{params!r} is not one of auto, fit, {', '.join(sets)}")
        hw = hw_of(sets[params])
        bad = misfits(dims, hw)
        if bad:
            checks.fail("model", f"does not fit the esact_top build '{params}': {'; '.join(bad)}")
        return params, dict(sets[params]), hw
    by_size = sorted(sets.items(), key=lambda kv: (hw_of(kv[1]).D_MAX * hw_of(kv[1]).F_MAX, hw_of(kv[1]).T_MAX))
    for name, over in by_size:
        if not misfits(dims, hw_of(over)):
            return name, dict(over), hw_of(over)
    name, over = by_size[-1]
    checks.fail("model", f"fits no esact_top build; the largest, '{name}', has "
                         f"{'; '.join(misfits(dims, hw_of(over)))} (PARAMS=fit generates a build from the model's "
                         "dimensions when its head size is the RTL's HEAD_DIM)")


# ----------------------------------------------------------------------------------
# golden side
# ----------------------------------------------------------------------------------
def prepare(texts: list[str], model: str | None = None, weights: str | None = None, spls: str = "default",
            truncate: bool = False, params: str = "auto", dest: Path | None = None) -> Path:
    """Checks every input, then writes the golden trace set (models.text_trace) for
    the build the model fits; returns its set.json.  Errors: ValueError naming the
    parameter (text, model, weights, spls, params, ...) and its legal range."""
    from models import text_trace as tt

    dirs = model_dirs()  # a model folder's integer model is calibrated into the build tree's cache
    if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
        checks.fail("texts", f"expected a non-empty list of str, got {texts!r:.80}")
    checks.flag(truncate, "truncate")
    checks.instance(spls, "spls", str, "a str (default, aggressive, a label or a schedule JSON file)")
    t0 = time.perf_counter()
    subj = tt.subject(model, weights)
    name, over, hw = choose_build(subj.dims(), params)
    _log(f"model {subj.label}: hidden {subj.hidden}, {subj.heads} heads, FFN {subj.ffn}, {subj.n_layers} layers; "
         f"esact_top build '{name}' (T_MAX {hw.T_MAX}, D_MAX {hw.D_MAX}, F_MAX {hw.F_MAX}, H_MAX {hw.H_MAX})")
    items = tt.tokenize_texts(texts, subj, hw.T_MAX, truncate, f"the esact_top build '{name}'")
    sched, note = tt.spls_schedule(spls, subj.n_layers)
    if note:
        _log(f"SPLS: {note}")
    _log(f"SPLS point: {sched.label} ({sched.key}); {len(items)} text(s), "
         f"{', '.join(str(it['tokens']) for it in items)} tokens")
    if model:
        _log(f"integer model: calibration on the project's calibration texts (or its cached result in "
             f"{_show(Path(dirs['ESACT_CACHE_DIR']))}/) ...")
    subj.int_model()
    _log(f"integer model ready ({time.perf_counter() - t0:.0f} s)")
    dest = Path(dest) if dest else tt.new_run_dir(BUILD / "trace", Path(model).name if model else subj.weights)
    dest.mkdir(parents=True, exist_ok=True)
    build = {"name": name, "params": over, "hw": hw.__dict__}
    return tt.write_set(dest, items, subj, sched, build, log=_log, spls_spec=spls, spls_note=note)


# ----------------------------------------------------------------------------------
# RTL
# ----------------------------------------------------------------------------------
def watchdog_ms(s: dict) -> int:
    """A backstop for the whole test: 2x the per-run budgets (esact_program.run_budget)."""
    from tb.bench.esact_program import run_budget

    hw, d = s["build"]["hw"], s["dims"]
    clocks = sum(run_budget(f["tokens"], d["hidden"], d["ffn"], d["heads"], hw["HEAD_DIM"],
                            hw["PE_R"] * hw["PE_C"], hw["PRED_LANES"] * hw["PRED_ELEMS"]) * d["layers"]
                 for f in s["files"])
    return max(1000, int(2 * clocks * 10 / 1e6))  # 10 ns clock


def run_rtl(set_path: Path, seed: int | None = None) -> dict:
    """Replay the set on the RTL (EsactTraceTest); prints each layer run as it
    completes.  Returns {seed, test_dir, error, wall_s}."""
    from tb.common.sim import build_dir_of, get_seed, run
    from tb.common.units import UNITS

    s = _read_set(set_path)
    if seed is not None:
        checks.integer(seed, "seed", 0, 2**32 - 1)
    out_dir = Path(set_path).parent / "rtl"
    out_dir.mkdir(exist_ok=True)
    progress = out_dir / "trace_runs.jsonl"
    progress.unlink(missing_ok=True)
    seed = get_seed() if seed is None else seed
    env = {"ESACT_TRACE_SET": str(Path(set_path).resolve()), "ESACT_TRACE_OUT": str(out_dir.resolve()),
           "TRACE_WATCHDOG_MS": str(watchdog_ms(s))}
    res: dict = {"seed": seed, "error": None, "test_dir": None}
    total = len(s["files"]) * s["dims"]["layers"]

    tag = f"trace_{Path(set_path).parent.name}"
    bdir = build_dir_of(UNITS[UNIT], s["build"]["params"], waves=os.environ.get("WAVES", "0") not in ("", "0"))

    def target():
        try:
            res["test_dir"] = str(run(UNITS[UNIT], "EsactTraceTest", s["build"]["params"], seed=seed, extra_env=env,
                                      tag=tag))
        except BaseException as exc:  # noqa: BLE001 - reported with the table
            sim_log = bdir / f"EsactTraceTest_{tag}" / "sim.log"
            where = (f"simulation log {_show(sim_log)}" if sim_log.exists()
                     else f"Verilator build log {_show(bdir / 'build.log')}")
            res["error"] = f"{str(exc).strip() or type(exc).__name__} ({where})"

    _log(f"RTL: esact_top build '{s['build']['name']}', {total} layer runs, SEED={seed} "
         "(Verilator build on first use; logs under build/esact_top/)")
    t0 = time.perf_counter()
    th = threading.Thread(target=target, daemon=True)
    th.start()
    seen, last_print = 0, time.perf_counter()
    while th.is_alive() or seen < _count_lines(progress):
        th.join(timeout=2.0)
        lines = progress.read_text().splitlines() if progress.exists() else []
        for line in lines[seen:]:
            r = json.loads(line)
            ok = "ok" if not r["errors"] else "MISMATCH"
            cut = _cut(r)
            _log(f"RTL {seen + 1}/{total}: {r['name']} layer {r['layer']} ({r['spls']}): scoreboard {ok}, "
                 f"{r['cycles']:,} cycles, MAC cut {cut:.1f} % ({r['run_wall_s']:.1f} s)")
            seen += 1
            last_print = time.perf_counter()
        if th.is_alive() and time.perf_counter() - last_print > 60:
            what = "building and starting the simulation" if seen == 0 else "simulating"
            _log(f"RTL: {what} ... ({time.perf_counter() - t0:.0f} s)")
            last_print = time.perf_counter()
    res["wall_s"] = round(time.perf_counter() - t0, 1)
    return res


def _read_set(set_path) -> dict:
    """A set.json written by :func:`prepare` (models.text_trace.write_set)."""
    if not isinstance(set_path, (str, Path)) or not Path(set_path).is_file():
        checks.fail("set_path", f"{set_path!r} is not a trace set file (build/trace/<run>/set.json)")
    s = json.loads(Path(set_path).read_text())
    if s.get("kind") != "make trace":
        checks.fail("set_path", f"{set_path} is not a set written by make trace (kind {s.get('kind')!r})")
    return s


def _count_lines(p: Path) -> int:
    return len(p.read_text().splitlines()) if p.exists() else 0


def _cut(r: dict) -> float:
    tot = r["exec_macs"] + r["skip_macs"]
    return 100.0 * r["skip_macs"] / tot if tot else 0.0


# ----------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------
def first_mismatch(expected: np.ndarray, got: np.ndarray) -> dict | None:
    """None when equal, else the first differing index (row-major), the values there
    and how many values differ."""
    e, g = np.asarray(expected), np.asarray(got)
    if e.shape != g.shape:
        return {"shape_expected": list(e.shape), "shape_got": list(g.shape)}
    diff = np.argwhere(e != g)
    if diff.size == 0:
        return None
    idx = tuple(int(i) for i in diff[0])
    return {"index": list(idx), "expected": int(e[idx]), "got": int(g[idx]), "values_differ": int(len(diff))}


def report(set_path: Path, rtl: dict | None) -> dict:
    """Per text, mode and layer: bit-exact or the first mismatch, cycles per stage,
    MAC cut; cosines of the RTL, golden integer and float sentence embeddings."""
    from models import vectors
    from models.minilm import pool

    s = _read_set(set_path)
    set_path = Path(set_path)
    if rtl is not None:
        checks.instance(rtl, "rtl", dict, "the result of run_rtl or None")
    n = s["dims"]["layers"]
    im = vectors.set_int_model(s["int_model"])
    s_out = im.layers[-1].scales["s_out"]
    runs, outs = {}, {}
    if rtl is not None:
        rdir = set_path.parent / "rtl"
        if (rdir / "trace_runs.jsonl").exists():
            for line in (rdir / "trace_runs.jsonl").read_text().splitlines():
                r = json.loads(line)
                runs[(r["name"], r["layer"])] = r
        if (rdir / "rtl_outputs.npz").exists():
            with np.load(rdir / "rtl_outputs.npz") as z:
                outs = {k: z[k] for k in z.files}
    texts = []
    for ti, t in enumerate(s["texts"]):
        entry = {"text": t["text"], "tokens": t["tokens"], "tokens_full": t["tokens_full"],
                 "truncated": t["truncated"], "modes": {}}
        for f in (f for f in s["files"] if f["text_id"] == f"text{ti:03d}"):
            tr = vectors.load_trace(REPO / f["file"] if not Path(f["file"]).is_absolute() else f["file"])
            layers, first = [], None
            for li in range(n):
                r = runs.get((f["name"], li))
                out = outs.get(f"{f['name']}__L{li}")
                row = {"layer": li, "spls": _layer_label(tr, li)}
                if out is None:
                    row["result"] = "not run"
                else:
                    mm = first_mismatch(tr[f"L{li}_out"], out)
                    row["result"] = "bit-exact" if mm is None else "mismatch"
                    if mm is not None:
                        mm = dict(tensor="out", **mm)
                        if r and r.get("localized"):
                            mm["first_stage"] = r["localized"][0]
                        if r and r.get("errors"):
                            mm["scoreboard"] = r["errors"][0][:400]
                        row["mismatch"] = mm
                        first = first or dict(layer=li, **mm)
                if r is not None:
                    row.update(cycles=r["cycles"], stage_cycles=r["stage_cycles"], exec_macs=r["exec_macs"],
                               skip_macs=r["skip_macs"], mac_cut_pct=round(_cut(r), 2), run_wall_s=r["run_wall_s"])
                layers.append(row)
            e_float = tr["emb_float"]
            e_int = pool(tr[f"L{n - 1}_out"] * s_out)
            m = {"schedule": f["schedule"], "layers": layers, "cos_int_float": float(e_int @ e_float),
                 "golden_reduction_pct": f["reduction_pct"], "first_mismatch": first}
            last = outs.get(f"{f['name']}__L{n - 1}")
            if last is not None:
                e_rtl = pool(last * s_out)
                m.update(cos_rtl_float=float(e_rtl @ e_float), rtl_embedding_equals_golden=bool(np.array_equal(e_rtl, e_int)))
            if all(row.get("cycles") is not None for row in layers):
                m["cycles_total"] = int(sum(row["cycles"] for row in layers))
                tot = sum(row["exec_macs"] + row["skip_macs"] for row in layers)
                m["mac_cut_pct"] = round(100.0 * sum(row["skip_macs"] for row in layers) / tot, 2) if tot else 0.0
            m["bit_exact"] = all(row["result"] == "bit-exact" for row in layers)
            entry["modes"][f["mode"]] = m
        texts.append(entry)
    ran = rtl is not None
    ok = ran and rtl.get("error") is None and all(m["bit_exact"] for t in texts for m in t["modes"].values())
    return {"set": _show(set_path), "model": s["model"], "weights": s["weights"], "dims": s["dims"],
            "build": s["build"], "schedule": s["schedule"], "spls_spec": s.get("spls_spec"),
            "spls_note": s.get("spls_note"), "texts": texts, "rtl": rtl, "bit_exact": ok if ran else None}


def _layer_label(tr: dict, layer: int) -> str:
    from models.schedule import Schedule

    return Schedule.of(str(tr["config"]))[layer].label


def print_table(rep: dict, file=None) -> None:
    file = file or sys.stdout
    p = lambda *a: print(*a, file=file)  # noqa: E731
    hw = rep["build"]["hw"]
    p("")
    p(f"model {rep['model']}; esact_top build '{rep['build']['name']}' (T_MAX {hw['T_MAX']}, D_MAX {hw['D_MAX']}, "
      f"F_MAX {hw['F_MAX']}, H_MAX {hw['H_MAX']}); SPLS {rep['schedule']['label']}")
    for ti, t in enumerate(rep["texts"]):
        p("")
        trunc = f", truncated from {t['tokens_full']}" if t["truncated"] else ""
        p(f"text{ti:03d} ({t['tokens']} tokens{trunc}): {t['text'][:100]!r}")
        for mode, m in t["modes"].items():
            p(f"  {mode} ({m['schedule']})")
            if rep["rtl"] is None:
                p(f"    cosine with the float model: golden integer {m['cos_int_float']:.5f}; golden MAC reduction "
                  f"{m['golden_reduction_pct']:.1f} % (prediction at pred_weight)")
                continue
            p(f"    {'layer':>5s}  {'RTL vs golden':14s} {'cycles':>10s} " + " ".join(f"{s:>8s}" for s in STAGES)
              + f" {'MAC cut':>8s}")
            for row in m["layers"]:
                if row.get("cycles") is None:
                    cyc = " " * 10 + " " + " ".join(f"{'-':>8s}" for _ in STAGES) + f" {'-':>8s}"
                else:
                    cyc = (f"{row['cycles']:>10,} " + " ".join(f"{row['stage_cycles'][s]:>8,}" for s in STAGES)
                           + f" {row['mac_cut_pct']:>7.1f}%")
                p(f"    {row['layer']:>5d}  {row['result']:14s} {cyc}")
                mm = row.get("mismatch")
                if mm:
                    where = (f"out{tuple(mm['index'])}: expected {mm['expected']}, got {mm['got']} "
                             f"({mm['values_differ']} values differ)") if "index" in mm else \
                        f"shape {mm['shape_got']}, expected {mm['shape_expected']}"
                    p(f"           first mismatch: layer {row['layer']} {where}")
                    if mm.get("first_stage"):
                        p(f"           first stage that differs: {mm['first_stage']}")
            cos = [f"golden integer {m['cos_int_float']:.5f}"]
            if "cos_rtl_float" in m:
                cos.insert(0, f"RTL {m['cos_rtl_float']:.5f}"
                           + (" (== golden embedding)" if m["rtl_embedding_equals_golden"] else " (!= golden embedding)"))
            p(f"    cosine with the float model: {', '.join(cos)}")
            if "cycles_total" in m:
                p(f"    total {m['cycles_total']:,} cycles, MAC cut {m['mac_cut_pct']:.1f} %")
        dn, sp = t["modes"].get("dense", {}), t["modes"].get("spls", {})
        if dn.get("cycles_total") and sp.get("cycles_total"):
            p(f"  dense / SPLS cycles: {dn['cycles_total'] / sp['cycles_total']:.3f}")
    p("")
    rtl = rep["rtl"]
    if rtl is None:
        p("golden only (no RTL run)")
    else:
        if rtl.get("error"):
            p(f"RTL test failed: {rtl['error'].splitlines()[0][:600]}")
        verdict = "BIT-EXACT: every layer of every text and mode" if rep["bit_exact"] else "NOT bit-exact"
        p(f"{verdict}; RTL wall {rtl.get('wall_s')} s, SEED={rtl['seed']}, test directory "
          f"{_show(Path(rtl['test_dir'])) if rtl.get('test_dir') else '(see the error)'}")


# ----------------------------------------------------------------------------------
# entry
# ----------------------------------------------------------------------------------
def _env_flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip()
    if raw in ("", "0"):
        return False
    if raw == "1":
        return True
    raise ValueError(f"{name}: expected 0 or 1, got {raw!r}")


def trace(texts: list[str], model: str | None = None, weights: str | None = None, spls: str = "default",
          truncate: bool = False, params: str = "auto", rtl: bool = True, seed: int | None = None,
          dest: Path | None = None) -> dict:
    """The whole flow (golden set, RTL replay, report); returns the report and writes
    it as ``trace.json`` beside the set."""
    checks.flag(rtl, "rtl")
    set_path = prepare(texts, model, weights, spls, truncate, params, dest)
    _log(f"golden trace set: {_show(set_path)}")
    res = run_rtl(set_path, seed) if rtl else None
    rep = report(set_path, res)
    out = set_path.parent / "trace.json"
    out.write_text(json.dumps(rep, indent=1))
    latest = set_path.parent.parent / "latest"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(set_path.parent.name)
    except OSError:
        pass
    rep["json"] = _show(out)
    return rep


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tb.tools.trace", description=__doc__.splitlines()[0])
    ap.add_argument("--text", action="append", help="a text (repeatable; default $TEXT)")
    ap.add_argument("--texts", help="a file, one text a line (default $TEXTS)")
    ap.add_argument("--spls", help="default | aggressive | <label> | <schedule JSON> (default $SPLS or default)")
    ap.add_argument("--weights", help="base | finetuned: the MiniLM's weights (default $WEIGHTS or the default point's)")
    ap.add_argument("--model", help="a local Hugging Face BERT folder (default $MODEL; none: the project's MiniLM)")
    ap.add_argument("--truncate", action="store_true", help="truncate texts longer than T_MAX (default $TRUNCATE=1)")
    ap.add_argument("--params", help="auto | fit | an esact_top parameter set name (default $PARAMS or auto)")
    ap.add_argument("--golden-only", action="store_true", help="no RTL run")
    ap.add_argument("--out", help="the run folder (default build/trace/<date>-<time>-<model>)")
    a = ap.parse_args(argv)
    env = lambda k: os.environ.get(k, "").strip() or None  # noqa: E731
    try:
        texts_in = a.text if a.text else ([os.environ["TEXT"]] if os.environ.get("TEXT", "") else None)
        from models.text_trace import read_texts

        texts = []
        for t in texts_in or []:
            texts += read_texts(t, None)
        tfile = a.texts or env("TEXTS")
        if tfile:
            texts += read_texts(None, tfile)
        if not texts:
            read_texts(None, None)  # raises: no text given
        truncate = a.truncate or _env_flag("TRUNCATE")
        rep = trace(texts, model=a.model or env("MODEL"), weights=a.weights or env("WEIGHTS"),
                    spls=a.spls or env("SPLS") or "default", truncate=truncate,
                    params=a.params or env("PARAMS") or "auto", rtl=not a.golden_only,
                    dest=Path(a.out) if a.out else None)
    except ValueError as exc:
        print(f"make trace: {exc}", file=sys.stderr)
        return 2
    print_table(rep)
    print(f"report: {rep['json']}")
    if rep["rtl"] is None:
        return 0
    return 0 if rep["bit_exact"] else 1


if __name__ == "__main__":
    sys.exit(main())
