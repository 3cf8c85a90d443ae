"""`make schedule`: find a per-layer SPLS schedule by a greedy allocator on calibration
text that the evaluation never sees.

    python -m models.accuracy.allocate [--weights base|finetuned] [--budget E] [--max-error 0.12]
                                       [--long 96 --short 48] [--jobs 2] [--write-default] [--resume]

Objective and budget (stated in the output file and docs/accuracy.md):

* **error** ``E(s)`` = mean over the calibration halves of ``1 - cos(e_s, e_float)``,
  the cosine of the schedule's integer sentence embedding with the ORIGINAL dense
  float MiniLM's (whatever weights the integer model runs);
* **gain** ``G(s)`` = total computation reduction in % of the dense MACs, prediction
  ops included at ``pred_weight`` MAC each (:class:`models.int_layer.OpCount`);
* start from the all-dense schedule; every step tries, for every layer, the next
  setting of the ladder (dense -> tau 0.8 -> 0.75 -> ... -> 0.5 at keep ratio 0.25,
  window 4, FFN reuse; a dense layer also the one after, since its first sparse
  setting may not pay for the prediction), and takes the move with the most gain
  per unit of added error (``dG / max(dE, 1e-4)``; moves that gain nothing are
  skipped);
* it stops once no move keeps ``E <= max_error``; the path is the per-layer frontier;
* the **budget**: by default the error of the former uniform default point
  (``DEFAULT_SPLS``, r 0.25 / W 4 / tau 0.75, base weights) measured on the same
  halves -- a point that cost 0.6 points of top-1 on 1000 long texts when it was
  chosen -- so the default is no further from the original model than that point;
* the chosen schedule: the largest gain with ``E <= budget`` among every schedule the
  run evaluated (path steps and the candidates tried at each step).

Calibration halves: texts of both regimes outside the evaluation samples of
``make accuracy`` and outside the integer model's calibration set
(:func:`models.accuracy.datasets.allocation_ids`).  Output: ``vectors/schedules/
allocation_<weights>.json`` (the path, every candidate, the choice) and, with
``--write-default``, ``vectors/schedules/default.json``.  After every step the run's
state is checkpointed in ``$ESACT_OUT_DIR/allocate/`` (:mod:`models.paths`; ``make
schedule`` sets it) so that ``--resume`` continues an interrupted run.
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from .. import paths  # noqa: E402
from ..schedule import DEFAULT_SCHEDULE_FILE, SCHEDULE_DIR, Schedule, layer_dict  # noqa: E402
from ..spls import SplsConfig  # noqa: E402

LADDER_TAUS = (0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5)
LOOKAHEAD = 2


def ladder(keep_ratio: float = 0.25, window: int = 4) -> list[SplsConfig]:
    """Settings of one layer from dense to the most aggressive."""
    return [SplsConfig("dense")] + [
        SplsConfig("spls", keep_ratio=keep_ratio, window=window, tau=t, ffn_reuse=True) for t in LADDER_TAUS
    ]


def _error(emb: np.ndarray, ref: np.ndarray) -> tuple[float, float]:
    cos = np.sum(emb * ref, axis=1)
    return float(np.mean(1.0 - cos)), float(np.min(cos))


def checkpoint_path(weights: str, required: bool = False) -> Path | None:
    """Where a run records its state after every step (``--resume`` continues from it):
    ``$ESACT_OUT_DIR/allocate/allocation_<weights>.ckpt.json``; None when
    ``ESACT_OUT_DIR`` is unset (no checkpoints), unless ``required`` (then ValueError)."""
    root = paths.require_out_dir("--resume (the allocator's checkpoint)") if required else paths.out_dir()
    return root / "allocate" / f"allocation_{weights}.ckpt.json" if root else None


def allocate(weights: str, budget: float | None, max_error: float, n_long: int, n_short: int, jobs: int,
             max_steps: int = 60, resume: bool = False) -> dict:
    from ..weights import float_model, int_model
    from . import datasets
    from .embed_eval import Job, embed_jobs

    t0 = time.time()
    ckpt = checkpoint_path(weights, required=resume)
    ids = datasets.allocation_ids(n_long, n_short)
    models = {"base": float_model("base"), weights: float_model(weights)}
    ims = {weights: int_model(weights)}
    budget_src = f"given ({budget})"
    if budget is None:  # the reference point's error: the former uniform default with base weights
        budget, budget_src = budget_reference(jobs, n_long, n_short)
    if not 0 < budget <= max_error:
        raise ValueError(f"budget must be in (0, max_error={max_error}], got {budget}")
    n_layers = len(ims[weights].layers)
    lad = ladder()
    print(f"[allocate] weights={weights}: {len(ids)} calibration halves ({n_long} long + {n_short} short texts), "
          f"{sum(len(i) for i in ids)} tokens; budget E <= {budget}, path until E > {max_error}", flush=True)
    ref = embed_jobs(ids, [Job("base", None)], models, ims, jobs, progress="dense float reference")[0].emb

    def run(scheds: list[Schedule], tag: str):
        res = embed_jobs(ids, [Job(weights, s) for s in scheds], models, ims, jobs, cache=False, progress=tag)
        return [(*_error(r.emb, ref), r.ops.reduction_pct, r.per_layer_ops) for r in res]

    ident = {"weights": weights, "long_texts": n_long, "short_texts": n_short, "ladder": [layer_dict(c) for c in lad]}
    tried: list[dict] = []  # every candidate evaluated on the way
    if resume:
        st = _load_checkpoint(ckpt, ident)
        steps, tried, pos = st["steps"], st["candidates"], st["pos"]
        cur = Schedule(tuple(lad[p] for p in pos))
        e_cur, cmin, g_cur = steps[-1]["error"], steps[-1]["cos_min"], steps[-1]["reduction_pct"]
        print(f"[allocate] resumed from {ckpt} at step {steps[-1]['step']}: E {e_cur:.4f} G {g_cur:6.2f} %  "
              f"{cur.label}", flush=True)
    else:
        pos = [0] * n_layers  # ladder index per layer
        cur = Schedule(tuple(lad[p] for p in pos))
        (e_cur, cmin, g_cur, per_layer), = run([cur], "dense integer")
        steps = [_step(0, cur, None, e_cur, cmin, g_cur, per_layer, 0, time.time() - t0)]
        print(f"[allocate] step  0: E {e_cur:.4f} (cos min {cmin:.3f}) G {g_cur:6.2f} %  {cur.label}", flush=True)
    _save_checkpoint(ckpt, ident, steps, tried, pos)
    for step in range(steps[-1]["step"] + 1, max_steps + 1):
        cands = []
        for li in range(n_layers):
            # a dense layer may jump two settings (its first one may not pay for the prediction)
            for a in range(1, (LOOKAHEAD if pos[li] == 0 else 1) + 1):
                if pos[li] + a < len(lad):
                    p = list(pos)
                    p[li] += a
                    cands.append((li, p))
        if not cands:
            break
        scheds = [Schedule(tuple(lad[q] for q in p)) for _, p in cands]
        ts = time.time()
        evals = run(scheds, f"step {step}: {len(cands)} candidates")
        best = None
        for (li, p), s, (e, mn, g, pl) in zip(cands, scheds, evals):
            tried.append({"step": step, "schedule": [layer_dict(c) for c in s.layers], "label": s.key,
                          "error": round(e, 6), "cos_min": round(mn, 5), "reduction_pct": round(g, 4)})
            if g <= g_cur or e > max_error:
                continue
            ratio = (g - g_cur) / max(e - e_cur, 1e-4)
            if best is None or ratio > best[0]:
                best = (ratio, li, p, s, e, mn, g, pl)
        if best is None:
            print(f"[allocate] step {step}: no move keeps E <= {max_error}: stop", flush=True)
            break
        ratio, li, pos, cur, e_cur, cmin, g_cur, per_layer = best
        steps.append(_step(step, cur, li, e_cur, cmin, g_cur, per_layer, len(cands), time.time() - ts))
        _save_checkpoint(ckpt, ident, steps, tried, pos)
        print(f"[allocate] step {step:2d}: layer {li} -> {lad[pos[li]].label:22s} E {e_cur:.4f} (cos min {cmin:.3f}) "
              f"G {g_cur:6.2f} %  ({len(cands)} candidates, {time.time() - ts:4.0f} s)  {cur.label}", flush=True)
    # the chosen schedule: the largest reduction within the budget among every schedule
    # evaluated (path steps and the candidates tried at each step)
    within = [s for s in steps + tried if s["error"] <= budget]
    chosen = max(within, key=lambda s: (s["reduction_pct"], -s["error"]))
    return {
        "weights": weights,
        "objective": "maximize the total computation reduction (prediction ops at pred_weight MAC each) "
                     "subject to E = mean(1 - cos(integer embedding, ORIGINAL dense float embedding)) <= budget "
                     "on the calibration halves; greedy: each step takes the move (one layer one setting further along the ladder, two from dense) with the most reduction per unit of added error",
        "budget": round(budget, 6),
        "budget_source": budget_src,
        "max_error": max_error,
        "ladder": [layer_dict(c) for c in lad],
        "calibration": {"long_texts": n_long, "short_texts": n_short, "halves": len(ids),
                        "tokens": int(sum(len(i) for i in ids)),
                        "disjoint_from": "the make accuracy evaluation samples and the integer calibration texts"},
        "steps": steps,
        "candidates": tried,
        "chosen_step": chosen["step"],
        "chosen_on_path": chosen in steps,
        "chosen": {k: chosen[k] for k in ("schedule", "label", "error", "reduction_pct")},
        "wall_s": round(time.time() - t0, 1),  # this process (a resumed run: since the resume)
        "steps_s": round(sum(s["seconds"] for s in steps), 1),
        "resumed": resume,
    }


def _save_checkpoint(path: Path | None, ident: dict, steps: list, tried: list, pos: list[int]) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({**ident, "steps": steps, "candidates": tried, "pos": pos}))
    tmp.replace(path)


def _load_checkpoint(path: Path, ident: dict) -> dict:
    if not path.exists():
        raise ValueError(f"resume: no checkpoint {path} (a run writes it after every step)")
    st = json.loads(path.read_text())
    for k, v in ident.items():
        if st.get(k) != v:
            raise ValueError(f"resume: the checkpoint's {k} ({st.get(k)!r}) differs from this run's ({v!r})")
    return st


def budget_reference(jobs: int = 2, n_long: int = 96, n_short: int = 48) -> tuple[float, str]:
    """The default budget: E of the former uniform default point (base weights) on the
    allocation halves, and a sentence saying so."""
    from ..spls import DEFAULT_SPLS
    from ..weights import float_model, int_model
    from . import datasets
    from .embed_eval import Job, embed_jobs

    ids = datasets.allocation_ids(n_long, n_short)
    r = embed_jobs(ids, [Job("base", None), Job("base", Schedule.uniform(DEFAULT_SPLS))],
                   {"base": float_model("base")}, {"base": int_model("base")}, jobs,
                   progress="budget reference")
    e = _error(r[1].emb, r[0].emb)[0]
    return e, (f"E of the former uniform default {DEFAULT_SPLS.label} with base weights on these halves "
               f"({r[1].ops.reduction_pct:.2f} % reduction there; 0.6 points of top-1 loss on 1000 long "
               f"texts when it was chosen, docs/accuracy.md history)")


def rechoose(alloc: dict, budget: float, budget_src: str) -> dict:
    """Apply the choice rule (largest reduction within ``budget`` among every schedule the
    run evaluated) to a recorded allocation, e.g. with another budget."""
    tried = alloc.get("candidates", [])
    within = [s for s in alloc["steps"] + tried if s["error"] <= budget]
    if not within:
        raise ValueError(f"budget {budget}: no evaluated schedule is within it")
    chosen = max(within, key=lambda s: (s["reduction_pct"], -s["error"]))
    out = dict(alloc, budget=round(budget, 6), budget_source=budget_src, chosen_step=chosen["step"],
               chosen_on_path=chosen in alloc["steps"],
               chosen={k: chosen[k] for k in ("schedule", "label", "error", "reduction_pct")})
    return out


def _step(step, sched: Schedule, layer, e, cmin, g, per_layer, n_cands, secs) -> dict:
    return {
        "step": step,
        "layer": layer,
        "schedule": [layer_dict(c) for c in sched.layers],
        "label": sched.label,
        "error": round(e, 6),
        "cos_mean": round(1 - e, 6),
        "cos_min": round(cmin, 5),
        "reduction_pct": round(g, 4),
        "layer_reduction_pct": [round(o.reduction_pct, 2) for o in per_layer],
        "candidates": n_cands,
        "seconds": round(secs, 1),
    }


def path_schedules(alloc: dict, every: int = 1) -> list[tuple[int, Schedule]]:
    """(step, schedule) of an allocation's path (the per-layer frontier)."""
    return [(s["step"], Schedule(tuple(s["schedule"]))) for s in alloc["steps"][::every]]


def load_allocation(weights: str) -> dict | None:
    p = SCHEDULE_DIR / f"allocation_{weights}.json"
    return json.loads(p.read_text()) if p.exists() else None


def summary(alloc: dict) -> None:
    print("\n" + "=" * 100)
    print(f"{'step':>4s} {'layer':>5s} {'E':>8s} {'cos min':>8s} {'red. %':>7s}  schedule")
    for s in alloc["steps"]:
        mark = " <- chosen" if alloc.get("chosen_on_path", True) and s["step"] == alloc["chosen_step"] else ""
        lay = "-" if s["layer"] is None else str(s["layer"])
        print(f"{s['step']:4d} {lay:>5s} {s['error']:8.4f} {s['cos_min']:8.3f} {s['reduction_pct']:7.2f}  {s['label']}{mark}")
    print("=" * 100)
    c = alloc["chosen"]
    print(f"weights {alloc['weights']}: chosen {c['label']} (E {c['error']} <= budget {alloc['budget']}, "
          f"{c['reduction_pct']} % on the calibration halves; evaluated at step {alloc['chosen_step']}"
          f"{'' if alloc.get('chosen_on_path', True) else ' as a candidate'}), wall {alloc['wall_s']} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.accuracy.allocate", description=__doc__.splitlines()[0])
    ap.add_argument("--weights", default="base", help="base or finetuned")
    ap.add_argument("--budget", type=float, default=None,
                    help="largest E of the chosen schedule (default: E of the former uniform default point "
                         "with base weights, measured on the same halves)")
    ap.add_argument("--max-error", type=float, default=0.12, help="the path stops past this E")
    ap.add_argument("--long", type=int, default=96, help="long calibration texts (2 halves each)")
    ap.add_argument("--short", type=int, default=48, help="short calibration texts (2 halves each)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--write-default", action="store_true", help="write the chosen schedule as the default")
    ap.add_argument("--resume", action="store_true",
                    help="continue an interrupted run from its checkpoint ($ESACT_OUT_DIR/allocate/allocation_<w>.ckpt.json)")
    ap.add_argument("--rechoose", action="store_true",
                    help="no search: apply the budget and the choice rule to the recorded allocation_<weights>.json")
    a = ap.parse_args(argv)
    from ..weights import WEIGHTS

    if a.rechoose:
        out = SCHEDULE_DIR / f"allocation_{a.weights}.json"
        if not out.exists():
            raise SystemExit(f"--rechoose: {out} does not exist (run the allocator first)")
        c = json.loads(out.read_text())
        b, src = (a.budget, f"given ({a.budget})") if a.budget is not None else budget_reference(a.jobs)
        alloc = rechoose(c, b, src)
        out.write_text(json.dumps(alloc, indent=1))
        if a.write_default:
            write_default(alloc)
        summary(alloc)
        return 0

    if a.weights not in WEIGHTS:
        raise SystemExit(f"--weights must be one of {WEIGHTS}, got {a.weights!r}")
    alloc = allocate(a.weights, a.budget, a.max_error, a.long, a.short, a.jobs, resume=a.resume)
    SCHEDULE_DIR.mkdir(parents=True, exist_ok=True)
    out = SCHEDULE_DIR / f"allocation_{a.weights}.json"
    out.write_text(json.dumps(alloc, indent=1))
    print(f"[allocate] wrote {out.relative_to(SCHEDULE_DIR.parents[1])}")
    if a.write_default:
        write_default(alloc)
    summary(alloc)
    return 0


def write_default(alloc: dict, path: Path = DEFAULT_SCHEDULE_FILE) -> None:
    step = alloc["chosen"]
    doc = {
        "name": f"perlayer_{alloc['weights']}_s{alloc['chosen_step']}",
        "weights": alloc["weights"],
        "layers": step["schedule"],
        "found_by": f"python -m models.accuracy.allocate --weights {alloc['weights']} (budget {alloc['budget']}: "
                    f"{alloc.get('budget_source', 'given')})",
        "objective": alloc["objective"],
        "budget": alloc["budget"],
        "calibration": {**alloc["calibration"], "error": step["error"], "reduction_pct": step["reduction_pct"]},
    }
    path.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"[allocate] default schedule -> {path.name}: {step['label']}")


if __name__ == "__main__":
    sys.exit(main())
