"""Sentence embeddings of many texts under many (weights, schedule) jobs at once.

``make accuracy`` and the schedule allocator embed the same texts under dozens of
schedules.  Schedules that agree on their first layers (every per-layer schedule
with dense layers 0-1, the allocator's candidates that differ in one late layer)
compute those layers once: the jobs form a trie keyed by the per-layer parameters
(a digest of the layer's integer parameters, so two weight sets that share a layer
share it too) and the layer's setting, walked depth first with every node's layer
outputs kept only while its subtree runs; the settings that run one layer on one input
share its Q/K/V and prediction.  Texts are split into chunks of one length (the longest
first) that worker processes take in turn (one thread each); a chunk runs through each
layer as one batch (:func:`models.fused.int_layer_batch`, fused kernels compiled once in
the parent before it forks), whose arithmetic is exactly
:func:`models.int_layer.int_layer`'s text by text, so every embedding equals
:func:`models.encoder.embed_int`'s bit for bit (``tests/models/test_embed_eval.py``,
``tests/models/test_fused.py``).

Float jobs (``schedule=None``) embed with the float model of their weights.  With
``cache=True`` and a cache folder (``$ESACT_CACHE_DIR``, :mod:`models.paths`) every
job's embeddings and operation counts are cached in its ``embeddings/`` folder by a
digest of the token ids, the weights, the schedule, the model parameters and the golden
model's source code (a changed model never reuses a stale entry); ``make accuracy
--no-cache`` measures a cold run.
"""

from __future__ import annotations

import hashlib
import math
import os
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .. import paths
from ..int_layer import OpCount
from ..schedule import Schedule


def cache_folder() -> Path | None:
    """Where embeddings are cached: ``embeddings/`` in the cache folder, or None."""
    root = paths.cache_dir()
    return root / "embeddings" if root else None


@dataclass(frozen=True)
class Job:
    """One embedding job: the weights' name and a schedule (None = the float model)."""

    weights: str
    schedule: Schedule | None

    @property
    def label(self) -> str:
        s = "float" if self.schedule is None else self.schedule.key
        return s if self.weights == "base" else f"{s}@{self.weights}"


@dataclass
class Result:
    emb: np.ndarray  # (N, hidden) pooled, L2-normalised embeddings
    ops: OpCount | None = None
    seconds: float = 0.0
    cached: bool = False
    per_layer_ops: list = field(default_factory=list)


# ----------------------------------------------------------------------------------
# worker state
# ----------------------------------------------------------------------------------
_W: dict = {}


def _layer_digest(lq) -> str:
    h = hashlib.sha256()
    for k, v in sorted(lq.to_arrays().items()):
        h.update(k.encode())
        h.update(np.ascontiguousarray(v).tobytes())
    return h.hexdigest()[:16]


def _setup(models: dict, int_models: dict) -> None:
    """models: weights -> float MiniLM; int_models: weights -> IntModel."""
    _W["models"] = models
    _W["ims"] = int_models
    _W["digests"] = {w: [_layer_digest(lq) for lq in im.layers] for w, im in int_models.items()}
    _W["s_in"] = {w: hashlib.sha256(np.asarray(im.s_in).tobytes()).hexdigest()[:16] for w, im in int_models.items()}


def _init_worker(models, int_models) -> None:
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(1)
    _setup(models, int_models)


def _run_chunk(args):
    """All jobs on one chunk of token-id arrays of one length: {job index: (emb, OpCount,
    per-layer ops)}.  The chunk's texts run through each layer together
    (:func:`models.fused.int_layer_batch`)."""
    ids_list, jobs = args
    from ..encoder import int_input
    import torch

    from ..fused import int_layer_batch
    from ..int_layer import dequantize
    from ..minilm import encode_float, pool

    if len({len(ids) for ids in ids_list}) != 1:
        raise ValueError("a chunk holds texts of one length")
    out: dict = {}
    for j, job in enumerate(jobs):
        if job.schedule is None:
            m = _W["models"][job.weights]
            out[j] = (np.stack([pool(encode_float(ids, m).numpy()) for ids in ids_list]), None, [])
    int_jobs = [j for j, job in enumerate(jobs) if job.schedule is not None]
    # the root: layer-0 input per distinct embedding (weights with the same s_in and
    # embedding table share it)
    roots: dict = {}
    for j in int_jobs:
        w = jobs[j].weights
        roots.setdefault((_W["s_in"][w], id(_W["models"][w].word)), []).append(j)

    def dfs(xs, depth, members, ops_path):
        if depth == len(jobs[members[0]].schedule.layers):
            for j in members:
                im = _W["ims"][jobs[j].weights]
                s_out = im.layers[-1].scales["s_out"]
                emb = np.stack([pool(dequantize(x, s_out)) for x in xs.numpy()])
                total = OpCount(pred_weight=jobs[j].schedule.pred_weight)
                for o in ops_path:
                    total += o
                out[j] = (emb, total, ops_path)
            return
        groups: dict = {}
        for j in members:
            w = jobs[j].weights
            key = (_W["digests"][w][depth], jobs[j].schedule.layers[depth])
            groups.setdefault(key, []).append(j)
        # what depends only on the input and the layer (Q/K/V, the prediction) is
        # computed once for the settings that run this layer on xs
        shared: dict = {}
        runs = []
        for (dig, cfg), grp in groups.items():
            lq = _W["ims"][jobs[grp[0]].weights].layers[depth]
            ys, ops = int_layer_batch(xs, lq, cfg, shared.setdefault(dig, {}))
            runs.append((ys, grp, ops))
        shared.clear()
        for ys, grp, ops in runs:
            dfs(ys, depth + 1, grp, ops_path + [ops])

    for (_, _), members in roots.items():
        w = jobs[members[0]].weights
        im, m = _W["ims"][w], _W["models"][w]
        xs = torch.from_numpy(np.stack([int_input(ids, im, m).astype(np.int8) for ids in ids_list]))
        n_layers = {len(jobs[j].schedule.for_layers(len(im.layers)).layers) for j in members}
        if n_layers != {len(im.layers)}:
            raise ValueError(f"schedule: every job must have {len(im.layers)} layer settings")
        dfs(xs, 0, members, [])
    return out


def length_chunks(ids_list, chunk: int) -> list[list[int]]:
    """Indices of ``ids_list`` in work units of at most ``chunk`` texts of one length,
    the longest texts first (the largest units start first)."""
    by_len: dict = {}
    for i, ids in enumerate(ids_list):
        by_len.setdefault(len(ids), []).append(i)
    units = []
    for T in sorted(by_len, reverse=True):
        idx = by_len[T]
        n = math.ceil(len(idx) / chunk)
        size = math.ceil(len(idx) / n)  # even units
        units += [idx[i : i + size] for i in range(0, len(idx), size)]
    return units


# ----------------------------------------------------------------------------------
# caching of the references
# ----------------------------------------------------------------------------------
def _ids_digest(ids_list) -> str:
    h = hashlib.sha256()
    for ids in ids_list:
        h.update(np.asarray(ids, np.int64).tobytes())
        h.update(b"|")
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The golden model's arithmetic (``models/*.py`` but the trace writer, and this
    module): a cached embedding is stale once it changes."""
    h = hashlib.sha256()
    here = Path(__file__).resolve()
    for f in sorted(here.parents[1].glob("*.py")) + [here]:
        if f.name != "vectors.py":
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _job_digest(job: Job, models: dict, int_models: dict) -> str:
    """Cache key of a job: weights, schedule, model parameters and the model code."""
    h = hashlib.sha256(job.weights.encode() + _code_digest().encode())
    if job.schedule is None:
        m = models[job.weights]
        for lw in m.layers:
            h.update(np.ascontiguousarray(lw.wq).tobytes()[:4096])
            h.update(np.ascontiguousarray(lw.w2).tobytes()[-4096:])
        h.update(np.ascontiguousarray(m.word).tobytes()[:65536])
        return "float_" + h.hexdigest()[:16]
    h.update(job.schedule.key.encode())
    h.update(job.schedule.to_json().encode())
    for lq in int_models[job.weights].layers:
        h.update(_layer_digest(lq).encode())
    h.update(np.asarray(int_models[job.weights].s_in).tobytes())
    return ("dense_" if job.schedule.is_dense else "int_") + h.hexdigest()[:16]


# ----------------------------------------------------------------------------------
# the entry point
# ----------------------------------------------------------------------------------
def embed_jobs(
    ids_list: list,
    jobs: list[Job],
    models: dict,
    int_models: dict,
    jobs_n: int = 2,
    chunk: int = 32,
    cache: bool = True,
    progress: str = "",
) -> list[Result]:
    """Embeddings (and OpCounts) of ``ids_list`` under every job, in job order.

    ``models``/``int_models`` map a weights name to its float MiniLM / IntModel.
    ``jobs_n`` worker processes (1 = in this process), ``chunk`` texts per work unit.
    """
    if not ids_list:
        raise ValueError("ids_list must hold at least one token-id array")
    if jobs_n < 1:
        raise ValueError(f"jobs_n must be >= 1, got {jobs_n}")
    for job in jobs:
        if job.weights not in models or (job.schedule is not None and job.weights not in int_models):
            raise ValueError(f"job {job.label}: no model for weights {job.weights!r} (have {sorted(models)})")
    t0 = time.time()
    results: list[Result | None] = [None] * len(jobs)
    idig = _ids_digest(ids_list)
    folder = cache_folder() if cache else None
    todo = []
    for j, job in enumerate(jobs):
        key = _job_digest(job, models, int_models) if folder else None
        path = folder / f"{key}_{idig}.npz" if key else None
        if path is not None and path.exists():
            with np.load(path, allow_pickle=False) as z:
                ops = None
                if "ops_dense" in z.files:
                    ops = OpCount(pred_weight=float(z["pred_weight"]))
                    ops.dense = dict(zip(z["comp"].tolist(), z["ops_dense"].tolist()))
                    ops.executed = dict(zip(z["comp"].tolist(), z["ops_exec"].tolist()))
                    ops.prediction = int(z["ops_pred"])
                results[j] = Result(emb=z["emb"], ops=ops, cached=True)
        else:
            todo.append(j)
    if todo:
        sub = [jobs[j] for j in todo]
        units = length_chunks(ids_list, chunk)
        parts = [([ids_list[i] for i in u], sub) for u in units]
        order = np.concatenate(units)
        inv = np.empty(len(order), np.int64)
        inv[order] = np.arange(len(order))  # row of text i in the concatenated unit results
        outs: list = [None] * len(parts)
        if jobs_n > 1 and len(parts) > 1:
            import multiprocessing as mp

            ctx = mp.get_context("fork")
            _warm_up(int_models, sub)  # compile the kernels once, before the fork
            with ctx.Pool(min(jobs_n, len(parts)), initializer=_init_worker, initargs=(models, int_models)) as pool:
                for done, (i, o) in enumerate(pool.imap_unordered(_indexed, list(enumerate(parts))), 1):
                    outs[i] = o
                    _progress(progress, done, len(parts), t0)
        else:
            _setup(models, int_models)
            for i, p in enumerate(parts):
                outs[i] = _run_chunk(p)
                _progress(progress, i + 1, len(parts), t0)
        for k, j in enumerate(todo):
            emb = np.concatenate([o[k][0] for o in outs])[inv]
            ops = None
            per_layer = []
            if jobs[j].schedule is not None:
                ops = OpCount(pred_weight=jobs[j].schedule.pred_weight)
                L = len(outs[0][k][2])
                per_layer = [OpCount(pred_weight=ops.pred_weight) for _ in range(L)]
                for o in outs:
                    ops += o[k][1]
                    for li, lo in enumerate(o[k][2]):
                        per_layer[li] += lo
            results[j] = Result(emb=emb, ops=ops, seconds=time.time() - t0, per_layer_ops=per_layer)
            key = _job_digest(jobs[j], models, int_models) if folder else None
            if key:
                folder.mkdir(parents=True, exist_ok=True)
                arrays = {"emb": emb}
                if ops is not None:
                    comp = list(ops.dense)
                    arrays.update(comp=np.array(comp), ops_dense=np.array([ops.dense[c] for c in comp], np.int64),
                                  ops_exec=np.array([ops.executed[c] for c in comp], np.int64),
                                  ops_pred=np.int64(ops.prediction),
                                  pred_weight=np.float64(ops.pred_weight))
                tmp = folder / f"{key}_{idig}.{os.getpid()}.tmp.npz"
                np.savez(tmp, **arrays)
                tmp.replace(folder / f"{key}_{idig}.npz")
    return results  # type: ignore[return-value]


def _warm_up(int_models: dict, jobs: list) -> None:
    from ..fused import warm_up

    for w in {job.weights for job in jobs if job.schedule is not None}:
        warm_up(int_models[w].layers[0])
        return


def _indexed(arg):
    i, part = arg
    return i, _run_chunk(part)


def _progress(tag: str, done: int, total: int, t0: float) -> None:
    """One line per tenth of the work (and at the end)."""
    if not tag or (done != total and done % max(1, total // 10)):
        return
    el = time.time() - t0
    eta = el / done * (total - done)
    print(f"  {tag}: {done}/{total} chunks, {el:5.0f} s elapsed, ETA {eta:4.0f} s", flush=True)


def chunk_count(n: int, chunk: int) -> int:
    return math.ceil(n / chunk)
