"""`make select`: choose the default SPLS schedule by retrieval top-1 on held-out text.

    python -m models.accuracy.select [--weights finetuned] [--max-loss 0.5] [--min-reduction 20]
                                     [--jobs 2] [--write-default]

Why a second stage after the allocator (:mod:`models.accuracy.allocate`)
-----------------------------------------------------------------------
The allocator ranks schedules by the mean embedding error ``E = 1 - cos`` on 288
calibration halves.  E orders the ladder of one weight set well, but it is a poor
predictor of what the headline measures, retrieval top-1: on the 1000 long evaluation
texts the finetuned allocator's choice (E 0.0604) lost 2.8 points while a path point
with a larger E (0.0685) and more reduction lost 1.45.  This stage measures the thing
itself, on text that neither the evaluation nor the distillation sees.

Selection text
--------------
The *selection split* of the training corpus (:func:`models.accuracy.train_corpus.selection_pairs`):
one document in ``SELECT_MOD`` of the pinned packages' docstrings (chosen by the digest
of its name) is held out of distillation (``make finetune`` records ``holdout_mod``;
weights whose delta was trained on that split are refused).  In each held-out document,
consecutive texts form a pair (first -> second, both >= ``SELECT_MIN_TOKENS`` word
pieces, ~90 on average): the shape of the evaluation's halves, from different prose
(third-party docstrings, where the evaluation has the standard library's).

Candidates and the choice rule
------------------------------
Candidates: every schedule on the recorded allocator paths
(``vectors/schedules/allocation_*.json``) and every schedule of the distillation mixture
(``vectors/schedules/distill.json``) whose calibration reduction is at least
``--min-reduction`` %, run with the integer model of ``--weights``.  Each is scored
against the ORIGINAL dense float MiniLM on the selection pairs with the evaluation's
own functions (:func:`models.accuracy.retrieval.score` / ``compare``: both directions,
paired per pair, 95 % CI, McNemar).  The chosen schedule is the one with the largest
measured reduction whose both-direction top-1 loss is at most ``--max-loss`` points
(default 0.5: half the 1-point goal, a margin for the selection sample's own noise).

Output: ``vectors/schedules/selection_<weights>.json`` (every candidate's figures and the
choice) and, with ``--write-default``, ``vectors/schedules/default.json``.
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

from ..schedule import DEFAULT_SCHEDULE_FILE, SCHEDULE_DIR, Schedule, layer_dict  # noqa: E402

MAX_LOSS = 0.5
MIN_REDUCTION = 20.0
DISTILL_FILE = SCHEDULE_DIR / "distill.json"


def candidates(min_reduction: float = MIN_REDUCTION, schedule_dir: Path = SCHEDULE_DIR) -> list[tuple[str, Schedule, float | None]]:
    """(source, schedule, calibration reduction %) of every candidate, de-duplicated in
    order: allocator path points (of every recorded allocation) with a calibration
    reduction >= ``min_reduction``, then the distillation mixture's sparse schedules."""
    if not 0 <= min_reduction < 100:
        raise ValueError(f"min_reduction must be in [0, 100), got {min_reduction}")
    out, seen = [], set()

    def add(src, sched, red):
        if sched.is_dense or sched.key in seen:
            return
        seen.add(sched.key)
        out.append((src, sched, red))

    for f in sorted(Path(schedule_dir).glob("allocation_*.json")):
        alloc = json.loads(f.read_text())
        for s in alloc["steps"]:
            if s["reduction_pct"] >= min_reduction:
                add(f"{f.stem} step {s['step']}", Schedule(tuple(s["schedule"])), s["reduction_pct"])
    dfile = Path(schedule_dir) / DISTILL_FILE.name
    if dfile.exists():
        for s in json.loads(dfile.read_text())["schedules"]:
            add(f"distill {s['name']}", Schedule(tuple(s["layers"])), None)
    if not out:
        raise ValueError(f"min_reduction={min_reduction}: no candidate schedule in {schedule_dir}")
    return out


def check_holdout(weights: str, tc) -> dict:
    """The finetuned delta must have been trained with the selection split of ``tc``
    (this environment's training corpus) held out."""
    from . import train_corpus
    from ..weights import DELTA_FILE

    if weights == "base":
        return {"weights": "base"}
    meta = json.loads((DELTA_FILE.parent / "finetune.json").read_text())
    mod = meta.get("config", {}).get("holdout_mod", 0)
    if mod != train_corpus.SELECT_MOD:
        raise ValueError(f"weights={weights!r}: its delta was trained with holdout_mod={mod}, so the selection split "
                         f"(holdout_mod={train_corpus.SELECT_MOD}) was in its training text; rerun make finetune")
    if meta["corpus"]["digest"] != tc.digest:
        raise ValueError(f"weights={weights!r}: the delta's training corpus digest differs from this environment's "
                         f"(the selection split would not be the one held out)")
    return {"weights": weights, "holdout_mod": mod, "corpus_digest": meta["corpus"]["digest"]}


def select(weights: str, max_loss: float, min_reduction: float, jobs: int, cache: bool = True) -> dict:
    from .. import weights as wts
    from . import train_corpus
    from .embed_eval import Job, embed_jobs
    from .retrieval import compare, score, summary

    if weights not in wts.WEIGHTS:
        raise ValueError(f"weights must be one of {wts.WEIGHTS}, got {weights!r}")
    if not 0 < max_loss <= 10:
        raise ValueError(f"max_loss must be in (0, 10] points, got {max_loss}")
    t0 = time.time()
    tc = train_corpus.load_train_corpus()
    holdout = check_holdout(weights, tc)
    first, second = train_corpus.selection_pairs(tc)
    n = len(first)
    if n < 100:
        raise ValueError(f"only {n} selection pairs (need >= 100)")
    ids = first + second
    tokens = int(sum(len(i) for i in ids))
    cands = candidates(min_reduction)
    print(f"[select] weights={weights}: {n} selection pairs ({tokens} tokens, mean {tokens / len(ids):.1f} per text), "
          f"{len(cands)} candidates; rule: largest reduction with top-1 loss <= {max_loss} points", flush=True)
    models = {"base": wts.float_model("base"), weights: wts.float_model(weights)}
    ims = {weights: wts.int_model(weights)}
    jl = [Job("base", None)] + [Job(weights, s) for _, s, _ in cands]
    res = embed_jobs(ids, jl, models, ims, jobs, progress=f"selection: {len(jl)} jobs", cache=cache)
    ref = score(res[0].emb[:n], res[0].emb[n:])
    rows = []
    for (src, s, cal), r in zip(cands, res[1:]):
        sc = score(r.emb[:n], r.emb[n:])
        row = {"label": s.key, "source": src, "schedule": [layer_dict(c) for c in s.layers],
               "calibration_reduction_pct": cal, "reduction_pct": round(r.ops.reduction_pct, 3)}
        row.update(summary(sc))
        row.update(compare(ref, sc))
        rows.append(row)
    within = [r for r in rows if r["loss_top1"] <= max_loss]
    chosen = max(within, key=lambda r: (r["reduction_pct"], -r["loss_top1"])) if within else None
    return {
        "weights": weights,
        "holdout": holdout,
        "rule": f"the largest measured reduction among the candidates whose both-direction top-1 loss against the "
                f"ORIGINAL dense float MiniLM on the selection pairs is <= {max_loss} points",
        "max_loss": max_loss,
        "min_reduction": min_reduction,
        "pairs": n,
        "tokens": tokens,
        "text": f"selection split of the training corpus (one document in {train_corpus.SELECT_MOD}, held out of "
                f"distillation), consecutive texts of a document paired, both >= {train_corpus.SELECT_MIN_TOKENS} ids",
        "dense_float_top1": summary(ref)["top1"],
        "candidates": rows,
        "chosen": chosen,
        "wall_s": round(time.time() - t0, 1),
    }


def summary_table(sel: dict) -> None:
    print("\n" + "=" * 110)
    print(f"{'red. %':>7s} {'top-1 loss [95 % CI]':>22s} {'10-way loss':>11s} {'lost':>5s} {'gained':>6s}  schedule (source)")
    for r in sorted(sel["candidates"], key=lambda r: r["reduction_pct"]):
        mark = "  <- chosen" if sel["chosen"] and r["label"] == sel["chosen"]["label"] else ""
        lo, hi = r["loss_top1_ci"]
        print(f"{r['reduction_pct']:7.2f} {r['loss_top1']:6.2f} [{lo:5.2f}, {hi:5.2f}]   {r['loss_acc10']:11.2f} "
              f"{r['lost']:5d} {r['gained']:6d}  {r['label']} ({r['source']}){mark}")
    print("=" * 110)
    c = sel["chosen"]
    head = (f"chosen {c['label']}: {c['reduction_pct']} % at {c['loss_top1']} points" if c
            else f"no candidate within {sel['max_loss']} points")
    print(f"[select] weights {sel['weights']}, {sel['pairs']} pairs (dense float top-1 {sel['dense_float_top1']} %): "
          f"{head}; wall {sel['wall_s']} s")


def write_default(sel: dict, path: Path = DEFAULT_SCHEDULE_FILE) -> None:
    c = sel["chosen"]
    if c is None:
        raise ValueError(f"no candidate within max_loss={sel['max_loss']}: nothing to write")
    doc = {
        "name": f"selected_{sel['weights']}",
        "weights": sel["weights"],
        "layers": c["schedule"],
        "found_by": f"python -m models.accuracy.select --weights {sel['weights']} --max-loss {sel['max_loss']} "
                    f"--min-reduction {sel['min_reduction']} (candidate: {c['source']})",
        "objective": sel["rule"],
        "selection": {"pairs": sel["pairs"], "tokens": sel["tokens"], "text": sel["text"],
                      "reduction_pct": c["reduction_pct"], "loss_top1": c["loss_top1"],
                      "loss_top1_ci": c["loss_top1_ci"], "loss_acc10": c["loss_acc10"]},
    }
    path.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"[select] default schedule -> {path.name}: {c['label']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.accuracy.select", description=__doc__.splitlines()[0])
    ap.add_argument("--weights", default="finetuned", help="base or finetuned")
    ap.add_argument("--max-loss", type=float, default=MAX_LOSS, help="largest top-1 loss (points) of the choice")
    ap.add_argument("--min-reduction", type=float, default=MIN_REDUCTION,
                    help="candidates: allocator path points with at least this calibration reduction (%%)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--write-default", action="store_true", help="write the chosen schedule as the default")
    a = ap.parse_args(argv)
    sel = select(a.weights, a.max_loss, a.min_reduction, a.jobs, cache=not a.no_cache)
    SCHEDULE_DIR.mkdir(parents=True, exist_ok=True)
    out = SCHEDULE_DIR / f"selection_{a.weights}.json"
    out.write_text(json.dumps(sel, indent=1) + "\n")
    print(f"[select] wrote {out.relative_to(SCHEDULE_DIR.parents[1])}")
    summary_table(sel)
    if a.write_default:
        write_default(sel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
