"""`make accuracy`: retrieval accuracy vs computation of dense float, dense integer,
uniform and per-layer SPLS schedules (base and distilled weights) and the baselines,
on real text, both regimes.

    python -m models.accuracy [--n 1000] [--sweep full|quick|default] [--jobs 2]
                              [--weights base,finetuned] [--regimes short,long]

Writes ``reports/accuracy.json``, ``docs/accuracy_frontier.png``, ``docs/accuracy.md``
and ``docs/accuracy_tolerances.json`` (the cosine floors the RTL trace test checks).
Every figure is measured in this run.  Losses are always against the ORIGINAL dense
float MiniLM (whatever weights a scheme runs); the headline is the both-direction
top-1 loss on the long regime (:mod:`models.accuracy.retrieval`: metrics, CIs, McNemar).

The sweep (``full``):
* ``dense`` integer model of every weight set;
* ``uniform`` SPLS: one setting for all layers (keep ratio 0.25, window 4, tau 0.9,
  0.75, 0.7), base weights;
* ``per-layer``: points of the allocator's path (:mod:`models.accuracy.allocate`,
  ``vectors/schedules/allocation_<weights>.json``) and the default schedule
  (``vectors/schedules/default.json``), with base weights and, when the distillation
  delta is committed, with the distilled weights (``per-layer + distilled``);
* baselines: top-k only (keep ratio 0.25) and Sanger-style (threshold 0.01, 0.03), on
  every layer, base weights.
The sweep is sized for the 20-minute budget of a cold run on 2 cores (1000 texts per
regime); ``--sweep quick`` is a smaller one, ``default`` only dense and the default.
Schedules that share their first layers compute them once (:mod:`models.accuracy.embed_eval`).
"""

from __future__ import annotations

import os

# one BLAS/OpenMP thread per worker process: the run is parallel across processes
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from ..schedule import Schedule, layer_dict  # noqa: E402
from ..spls import SplsConfig  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
PAPER_REDUCTION = 52.03
SANGER_THRESHOLDS = (1e-2, 3e-2)
TOPK_RATIOS = (0.25,)
UNIFORM = ((0.25, 0.9), (0.25, 0.75), (0.25, 0.7))
PATH_POINTS = 3  # allocator path points per weight set (besides the default)


@dataclass(frozen=True)
class Scheme:
    """One row of the report: family, weights and schedule (None = float)."""

    family: str
    weights: str
    schedule: Schedule | None

    @property
    def label(self) -> str:
        if self.schedule is None:
            return "dense_float" if self.weights == "base" else f"dense_float@{self.weights}"
        return self.schedule.key if self.weights == "base" else f"{self.schedule.key}@{self.weights}"


def _uniform(r: float, t: float) -> Schedule:
    return Schedule.uniform(SplsConfig("spls", keep_ratio=r, window=4, tau=t, ffn_reuse=True))


def sweep(kind: str, weights: tuple[str, ...]) -> list[Scheme]:
    """The schemes evaluated besides dense float (always first)."""
    from ..schedule import default_schedule
    from .allocate import load_allocation, path_schedules

    if kind not in ("full", "quick", "default"):
        raise ValueError(f"sweep must be full, quick or default, got {kind!r}")
    dense = Schedule.uniform(SplsConfig("dense"))
    default = default_schedule()
    out = [Scheme("dense", w, dense) for w in weights]
    if kind != "default":
        uni = UNIFORM if kind == "full" else UNIFORM[1:2]
        out += [Scheme("uniform", "base", _uniform(r, t)) for r, t in uni]
    for w in weights:
        fam = "per-layer" if w == "base" else "per-layer + distilled"
        pts: list[Schedule] = []
        alloc = load_allocation(w) if kind != "default" else None
        if alloc:
            path = [s for _, s in path_schedules(alloc) if not s.is_dense]
            n = PATH_POINTS if kind == "full" else 2
            idx = sorted({round(i * (len(path) - 1) / max(n - 1, 1)) for i in range(n)}) if path else []
            pts = [path[i] for i in idx]
        sched_default = Schedule(default.layers)
        if sched_default not in pts:
            pts.append(sched_default)
        out += [Scheme("uniform" if s.is_uniform else fam, w, s) for s in pts]
    if kind != "default":
        ratios = TOPK_RATIOS if kind == "full" else TOPK_RATIOS[:1]
        ths = SANGER_THRESHOLDS if kind == "full" else SANGER_THRESHOLDS[:1]
        out += [Scheme("topk", "base", Schedule.uniform(SplsConfig("topk", keep_ratio=r))) for r in ratios]
        out += [Scheme("sanger", "base", Schedule.uniform(SplsConfig("sanger", sanger_threshold=t))) for t in ths]
    seen, uniq = set(), []
    for s in out:
        if s.label not in seen:
            seen.add(s.label)
            uniq.append(s)
    return uniq


# ----------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------
def evaluate(n: int, kind: str, jobs: int, weights: tuple[str, ...], regimes=("short", "long"),
             cache: bool = True) -> dict:
    from .. import weights as wts
    from ..schedule import default_schedule
    from . import datasets
    from .corpus import corpus_digest
    from .embed_eval import Job, cache_folder, embed_jobs
    from .retrieval import compare, score, summary

    t0 = time.time()
    models = {w: wts.float_model(w) for w in set(weights) | {"base"}}
    ims = {w: wts.int_model(w) for w in weights}
    print(f"[accuracy] integer models ({', '.join(weights)}) ready in {time.time() - t0:.0f} s", flush=True)
    schemes = [Scheme("float", "base", None)] + sweep(kind, weights)
    print(f"[accuracy] {len(schemes)} schemes: " + ", ".join(s.label for s in schemes), flush=True)
    report: dict = {"regimes": {}}
    for regime in regimes:
        items = datasets.texts(regime, n)
        first, second = datasets.halves_ids(items)
        ids = first + second
        tokens = int(sum(len(i) for i in ids))
        N = len(items)
        print(f"[accuracy] {regime}: {N} texts, {2 * N} halves, {tokens} tokens "
              f"(mean {tokens / len(ids):.1f} per half)", flush=True)
        t = time.time()
        res = embed_jobs(ids, [Job(s.weights, s.schedule) for s in schemes], models, ims, jobs,
                         progress=f"{regime}: {len(schemes)} schemes", cache=cache)
        print(f"[accuracy] {regime}: {sum(r.cached for r in res)} of {len(res)} schemes from the cache "
              f"({cache_folder() or 'none: ESACT_CACHE_DIR is unset'}), {time.time() - t:.0f} s", flush=True)
        ef = res[0].emb
        ref = score(ef[:N], ef[N:])
        rows: dict = {}
        for s, r in zip(schemes, res):
            sc = score(r.emb[:N], r.emb[N:])
            cos = np.sum(r.emb * ef, axis=1)
            row = {"family": s.family, "weights": s.weights, "texts": N, "tokens": tokens}
            if s.schedule is not None:
                row["schedule"] = [layer_dict(c) for c in s.schedule.layers]
                row.update(r.ops.as_dict())
                row["reduction_pct"] = round(r.ops.reduction_pct, 3)
                row["layer_reduction_pct"] = [round(o.reduction_pct, 2) for o in r.per_layer_ops] or None
            else:
                row["reduction_pct"] = 0.0
            row.update(summary(sc))
            row.update(compare(ref, sc))
            row.update(cosine_mean=round(float(cos.mean()), 5), cosine_min=round(float(cos.min()), 5),
                       cached=r.cached)
            rows[s.label] = row
        report["regimes"][regime] = {"texts": N, "tokens": tokens, "digest": corpus_digest(items),
                                     "seconds": round(time.time() - t, 1), "schemes": rows}
        _print_regime(regime, rows)
    report["settings"] = {
        "n_requested": n,
        "sweep": kind,
        "weights": list(weights),
        "jobs": jobs,
        "cache": cache,
        "schemes_from_cache": {r: sum(v["cached"] for v in info["schemes"].values())
                               for r, info in report["regimes"].items()},
        "calibration_halves": 2 * len(datasets.calibration_texts()),
        "pred_weight": SplsConfig().pred_weight,
        "default_schedule": default_schedule().as_dict(),
        "default_weights": wts.selected_weights(),
        "wall_s": round(time.time() - t0, 1),
    }
    return report


def _print_regime(regime: str, rows: dict) -> None:
    for name, r in rows.items():
        print(f"  {regime:5s} {name:60.60s} red {r['reduction_pct']:6.2f}% top1 {r['top1']:6.2f} "
              f"loss {r['loss_top1']:6.2f} [{r['loss_top1_ci'][0]:5.2f},{r['loss_top1_ci'][1]:5.2f}] "
              f"acc10 loss {r['loss_acc10']:5.2f} cos {r['cosine_mean']:.4f}", flush=True)


# ----------------------------------------------------------------------------------
# Headline figures
# ----------------------------------------------------------------------------------
def best_within(rows: dict, max_loss: float = 1.0, families=("uniform", "per-layer", "per-layer + distilled")):
    cands = [(r["reduction_pct"], name) for name, r in rows.items()
             if r["family"] in families and r["loss_top1"] <= max_loss]
    return max(cands)[1] if cands else None


def finish(report: dict) -> None:
    """Top-level figures: the default point (its schedule with the default weights) and
    the same schedule with the other weights, on the long regime (else the first)."""
    s = report["settings"]
    reg = "long" if "long" in report["regimes"] else next(iter(report["regimes"]))
    rows = report["regimes"][reg]["schemes"]
    label = Schedule.of(s["default_schedule"]).key

    def pick(w):
        name = label if w == "base" else f"{label}@{w}"
        r = rows.get(name)
        if r is None:
            return None
        return {"scheme": name, "weights": w, "reduction_pct": r["reduction_pct"],
                "accuracy_loss_pts": r["loss_top1"], "accuracy_loss_ci": r["loss_top1_ci"],
                "loss_mrr": r["loss_mrr"], "loss_mrr_ci": r["loss_mrr_ci"],
                "loss_acc10_pts": r["loss_acc10"], "loss_acc10_ci": r["loss_acc10_ci"],
                "lost": r["lost"], "gained": r["gained"], "mcnemar_p": r["mcnemar_p"],
                "cosine_mean": r["cosine_mean"]}

    d = pick(s["default_weights"])
    report["regime_of_headline"] = reg
    report["default_scheme"] = d["scheme"] if d else None
    report["reduction_pct"] = d["reduction_pct"] if d else None
    report["accuracy_loss_pts"] = d["accuracy_loss_pts"] if d else None
    report["accuracy_loss_ci"] = d["accuracy_loss_ci"] if d else None
    report["default"] = d
    report["by_weights"] = {w: pick(w) for w in s["weights"]}
    report["best_within_1pt"] = {r: best_within(v["schemes"]) for r, v in report["regimes"].items()}
    report["paper_reduction_pct"] = PAPER_REDUCTION


# ----------------------------------------------------------------------------------
# Outputs
# ----------------------------------------------------------------------------------
def write_outputs(report: dict, out: Path, docs: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    docs.parent.mkdir(parents=True, exist_ok=True)
    png = docs.with_name("accuracy_frontier.png")
    plot(report, png)
    docs.write_text(markdown(report, png))
    tol = {
        reg: {name: {"cosine_min": r["cosine_min"], "cosine_mean": r["cosine_mean"]}
              for name, r in info["schemes"].items()}
        for reg, info in report["regimes"].items()
    }
    tol_path = docs.with_name("accuracy_tolerances.json")
    tol_path.write_text(json.dumps({"default_scheme": report["default_scheme"], "regimes": tol}, indent=1))
    print(f"[accuracy] wrote {out}, {png}, {docs}, {tol_path}")


STYLE = {
    "dense": ("D", "black"), "uniform": ("o", "tab:blue"), "per-layer": ("P", "tab:purple"),
    "per-layer + distilled": ("*", "tab:red"), "topk": ("s", "tab:orange"), "sanger": ("^", "tab:green"),
}
PLOT_METRICS = (("top1", "top-1 loss, points"), ("mrr", "MRR loss x 100"), ("acc10", "10-way accuracy loss, points"))


def plot(report: dict, png: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    regs = list(report["regimes"])
    fig, axes = plt.subplots(len(regs), 3, figsize=(17, 4.8 * len(regs)), squeeze=False)
    for ri, reg in enumerate(regs):
        rows = report["regimes"][reg]["schemes"]
        for mi, (metric, ylabel) in enumerate(PLOT_METRICS):
            ax = axes[ri][mi]
            k = 100.0 if metric == "mrr" else 1.0
            fams: dict = {}
            for name, r in rows.items():
                if r["family"] == "float":
                    continue
                fams.setdefault(r["family"], []).append((r["reduction_pct"], r[f"loss_{metric}"] * k,
                                                         [x * k for x in r[f"loss_{metric}_ci"]], name))
            for fam, pts in fams.items():
                m, c = STYLE.get(fam, ("x", "grey"))
                pts.sort()
                xs = [p[0] for p in pts]
                ys = [p[1] for p in pts]
                err = np.array([[p[1] - p[2][0] for p in pts], [p[2][1] - p[1] for p in pts]])
                ax.errorbar(xs, ys, yerr=err, fmt=m, color=c, ms=8 if m == "*" else 6, capsize=2, lw=0.8,
                            label=fam, ls="-" if fam.startswith("per-layer") or fam == "uniform" else "none")
                for x, y, _, name in pts:
                    if name == report.get("default_scheme"):
                        ax.annotate("default", (x, y), textcoords="offset points", xytext=(6, 6), fontsize=9)
            if metric == "top1":
                ax.axhline(1.0, color="red", lw=0.8, ls="--", label="1 point")
            ax.axhline(0.0, color="grey", lw=0.6)
            ax.axvline(PAPER_REDUCTION, color="grey", lw=0.8, ls=":")
            ax.set_xlabel("total computation reduction, % (prediction included)")
            ax.set_ylabel(ylabel + " vs dense float")
            info = report["regimes"][reg]
            ax.set_title(f"{reg}: {info['texts']} texts, both directions ({metric})")
            ax.grid(alpha=0.3)
            if mi == 0:
                ax.legend(fontsize=8)
    fig.suptitle("Accuracy loss vs computation (95 % CIs; dotted line: the paper's 52 %)")
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)


def _ci(r, k) -> str:
    return f"[{r[k + '_ci'][0]:.2f}, {r[k + '_ci'][1]:.2f}]"


def markdown(report: dict, png: Path) -> str:
    s = report["settings"]
    d = report.get("default") or {}
    lines = [
        "# Accuracy vs computation (measured by `make accuracy`)",
        "",
        "Retrieval task: every text is split near its middle; each half must retrieve the other half of",
        "its text among all halves of the other side (both directions, mean pooling + L2 norm, cosine).",
        "Metrics per query, averaged, with 95 % CIs over texts (the two queries of a text are averaged",
        "first): **top-1**, **MRR** and **10-way accuracy** (the true half against 9 fixed random",
        "distractors).  `loss` = dense float (ORIGINAL MiniLM weights) minus the scheme, paired per text,",
        "with its 95 % CI; `lost`/`gained` = queries the scheme gets wrong/right that dense float gets",
        "right/wrong; `p` = exact McNemar p-value; `cos` = embedding cosine with dense float;",
        f"`red.` = total computation reduction, prediction ops weighted {s['pred_weight']} INT8 MAC each.",
        "",
        f"**Default point** `{report.get('default_scheme')}` (weights `{s['default_weights']}`), "
        f"{report.get('regime_of_headline')} regime: **{d.get('reduction_pct')} % reduction at "
        f"{d.get('accuracy_loss_pts')} points of top-1 loss** (95 % CI {_fmt_ci(d.get('accuracy_loss_ci'))}; "
        f"lost/gained {d.get('lost')}/{d.get('gained')}, McNemar p = {_fmt_p(d.get('mcnemar_p'))}); "
        f"MRR loss {d.get('loss_mrr')}, 10-way loss {d.get('loss_acc10_pts')} points.  The paper "
        f"reports {PAPER_REDUCTION} % at < 1 point on its benchmarks.",
        "",
    ]
    for w, v in (report.get("by_weights") or {}).items():
        if v:
            lines.append(f"* the default schedule with `{w}` weights: {v['reduction_pct']} % at "
                         f"{v['accuracy_loss_pts']} points (CI {_fmt_ci(v['accuracy_loss_ci'])}), 10-way loss "
                         f"{v['loss_acc10_pts']} points")
    lines += ["", f"![frontier]({png.name})", ""]
    for reg, info in report["regimes"].items():
        lines += [
            f"## {reg} regime: {info['texts']} texts, {info['tokens']} tokens ({info['seconds']} s)",
            "",
            "| scheme | family | red. % | top-1 % | top-1 loss [95 % CI] | MRR loss x100 | 10-way loss [CI] "
            "| lost | gained | p | cos mean | cos min |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in info["schemes"].items():
            lines.append(
                f"| `{name}` | {r['family']} | {r['reduction_pct']:.2f} | {r['top1']:.2f} | "
                f"{r['loss_top1']:.2f} {_ci(r, 'loss_top1')} | {100 * r['loss_mrr']:.2f} | "
                f"{r['loss_acc10']:.2f} {_ci(r, 'loss_acc10')} | {r['lost']} | {r['gained']} | "
                f"{_fmt_p(r['mcnemar_p'])} | {r['cosine_mean']:.4f} | {r['cosine_min']:.4f} |"
            )
        lines.append("")
    lines += findings(report)
    lines += provenance()
    lines += [
        f"Run: sweep `{s['sweep']}`, weights {s['weights']}, {s['calibration_halves']} integer-calibration halves "
        f"(disjoint from the evaluation texts), {s['jobs']} worker processes, wall time {s['wall_s']} s "
        f"({'cold: nothing from the cache' if not s.get('cache', True) else 'schemes from the embedding cache: ' + str(s.get('schemes_from_cache'))}).",
        "",
    ]
    return "\n".join(lines)


def provenance() -> list[str]:
    """Where the per-layer schedules and the distilled weights come from (the committed
    allocation paths and the distillation record)."""
    from ..schedule import DEFAULT_SCHEDULE_FILE
    from .allocate import load_allocation

    out = ["## Where the schedules come from", ""]
    doc = json.loads(DEFAULT_SCHEDULE_FILE.read_text()) if DEFAULT_SCHEDULE_FILE.exists() else {}
    if doc:
        out += [f"Default schedule (`vectors/schedules/default.json`): `{doc.get('name')}`, weights "
                f"`{doc.get('weights')}`, found by `{doc.get('found_by', 'hand')}`.", ""]
    for w in ("base", "finetuned"):
        f = REPO / "vectors" / "schedules" / f"selection_{w}.json"
        if not f.exists():
            continue
        sel = json.loads(f.read_text())
        out += [f"### Selection, {w} weights (`vectors/schedules/selection_{w}.json`, `make select`)", "",
                f"Rule: {sel['rule']}.  Text: {sel['pairs']} pairs ({sel['tokens']} tokens) of the {sel['text']}; "
                f"dense float top-1 there {sel['dense_float_top1']} %; {sel['wall_s']} s.", "",
                "| red. % | top-1 loss [95 % CI] | 10-way loss | lost | gained | schedule (candidate of) |",
                "|---:|---:|---:|---:|---:|---|"]
        for r in sorted(sel["candidates"], key=lambda r: r["reduction_pct"]):
            mark = " **chosen**" if sel.get("chosen") and r["label"] == sel["chosen"]["label"] else ""
            out.append(f"| {r['reduction_pct']:.2f} | {r['loss_top1']:.2f} {_fmt_ci(r['loss_top1_ci'])} | "
                       f"{r['loss_acc10']:.2f} | {r['lost']} | {r['gained']} | `{r['label']}` ({r['source']}){mark} |")
        out.append("")
    for w in ("base", "finetuned"):
        a = load_allocation(w)
        if not a:
            continue
        c = a["calibration"]
        out += [f"### Allocator path, {w} weights (`vectors/schedules/allocation_{w}.json`)", "",
                f"Objective: {a['objective']}.  Budget E <= {a['budget']} ({a.get('budget_source', 'given')}); "
                f"calibration: {c['halves']} halves "
                f"({c['long_texts']} long + {c['short_texts']} short texts, {c['tokens']} tokens), "
                f"disjoint from {c['disjoint_from']}; {a['wall_s']} s.", "",
                "| step | layer moved | E | cos min | red. % (calibration) | schedule |", "|---:|---:|---:|---:|---:|---|"]
        ch = a.get("chosen")
        on_path = a.get("chosen_on_path", True)
        if isinstance(ch, dict) and not on_path:
            out.append(f"Chosen (a candidate tried at step {a['chosen_step']}, not on the path): `{ch['label']}`, "
                       f"E {ch['error']:.4f}, {ch['reduction_pct']:.2f} % on the calibration halves.")
            out.append("")
        for st in a["steps"]:
            mark = " **chosen**" if on_path and st["step"] == a["chosen_step"] else ""
            lay = "-" if st["layer"] is None else st["layer"]
            out.append(f"| {st['step']} | {lay} | {st['error']:.4f} | {st['cos_min']:.3f} | "
                       f"{st['reduction_pct']:.2f} | `{st['label']}`{mark} |")
        out.append("")
    ft = REPO / "vectors" / "finetune" / "finetune.json"
    if ft.exists():
        r = json.loads(ft.read_text())
        f = r["final"]
        out += ["### Distilled weights (`vectors/finetune/`, docs/finetune.md)", "",
                f"`{r['command']}`: {r['delta']['n_params']:,} parameters ({r['delta']['target']}, rank "
                f"{r['delta']['rank']}), trained on {r['corpus']['train_texts']:,} docstring texts of the pinned "
                f"packages (disjoint from the evaluation corpus) with the schedules "
                + ", ".join(f"`{s.get('name')}`" for s in r.get("schedules", [r["schedule"]]))
                + f"; validation loss {f['val_start']['loss']:.4f} -> {f['val_end']['loss']:.4f} "
                  f"(1 - cos of the pooled embedding {f['val_start']['cos']:.4f} -> {f['val_end']['cos']:.4f}); "
                  f"{r['timing']['wall_s']} s.", ""]
    return out


def _fmt_ci(ci) -> str:
    """A 95 % CI [lo, hi] as plain numbers (NumPy scalars print as np.float64(...))."""
    if not ci:
        return "n/a"
    return f"[{float(ci[0]):.2f}, {float(ci[1]):.2f}]"


def _fmt_p(p) -> str:
    return "-" if p is None else f"{p:.3g}"


def findings(report: dict) -> list[str]:
    """What the measured frontier says (numbers from this report)."""
    reg = report.get("regime_of_headline")
    rows = report["regimes"][reg]["schemes"]
    out = [f"## Findings ({reg} regime, top-1 both directions)", ""]
    for fam in ("uniform", "per-layer", "per-layer + distilled", "topk", "sanger"):
        c = [(r["reduction_pct"], n, r["loss_top1"]) for n, r in rows.items() if r["family"] == fam and r["loss_top1"] <= 1.0]
        if c:
            red, name, loss = max(c)
            out.append(f"* best `{fam}` point within 1 point: `{name}`, {red:.1f} % reduction at {loss:.2f} points")
        elif any(r["family"] == fam for r in rows.values()):
            out.append(f"* no `{fam}` point stays within 1 point")
    far = [(r["loss_top1"], n, r["reduction_pct"]) for n, r in rows.items()
           if r["family"] not in ("float", "dense") and r["reduction_pct"] >= 30]
    if far:
        loss, name, red = min(far)
        out.append(f"* the least lossy point with >= 30 % reduction: `{name}` ({red:.1f} %, {loss:.2f} points)")
    out.append("")
    return out


def summary_table(report: dict) -> None:
    print("\n" + "=" * 118)
    print(f"{'regime':6s} {'scheme':56s} {'red.%':>6s} {'top1':>6s} {'loss':>6s} {'loss CI':>15s} {'acc10 L':>7s} "
          f"{'p':>8s} {'cos':>7s}")
    for reg, info in report["regimes"].items():
        for name, r in info["schemes"].items():
            print(f"{reg:6s} {name[:56]:56s} {r['reduction_pct']:6.2f} {r['top1']:6.2f} {r['loss_top1']:6.2f} "
                  f"{_ci(r, 'loss_top1'):>15s} {r['loss_acc10']:7.2f} {_fmt_p(r['mcnemar_p']):>8s} "
                  f"{r['cosine_mean']:7.4f}")
    print("=" * 118)
    d = report.get("default") or {}
    print(f"default {report.get('default_scheme')}: {report.get('regime_of_headline')}-regime reduction "
          f"{d.get('reduction_pct')} %, top-1 loss {d.get('accuracy_loss_pts')} pts (CI {_fmt_ci(d.get('accuracy_loss_ci'))}); "
          f"wall {report['settings']['wall_s']} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.accuracy", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="texts per regime (default 1000)")
    ap.add_argument("--sweep", choices=("full", "quick", "default"), default="full")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--weights", default="", help="comma list of base,finetuned (default: every available)")
    ap.add_argument("--regimes", default="short,long")
    ap.add_argument("--out", type=Path, default=REPO / "reports" / "accuracy.json")
    ap.add_argument("--docs", type=Path, default=REPO / "docs" / "accuracy.md")
    ap.add_argument("--from-json", type=Path, help="re-render the outputs of an earlier run (no evaluation)")
    ap.add_argument("--no-cache", action="store_true", help="embed everything anew (a cold run's wall time)")
    a = ap.parse_args(argv)
    from ..weights import available_weights

    if a.n < 2:
        raise SystemExit("--n must be >= 2")
    regimes = tuple(r for r in a.regimes.split(",") if r)
    weights = tuple(w for w in a.weights.split(",") if w) or available_weights()
    for w in weights:
        if w not in available_weights():
            raise SystemExit(f"--weights: {w!r} is not available here (have {available_weights()})")
    if a.from_json:
        report = json.loads(a.from_json.read_text())
    else:
        report = evaluate(a.n, a.sweep, a.jobs, weights, regimes, cache=not a.no_cache)
    finish(report)
    write_outputs(report, a.out, a.docs)
    summary_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
