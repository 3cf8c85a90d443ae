"""`make vectors`: real-model traces of the integer MiniLM for trace-driven RTL tests.

    python -m models.vectors [--full N] [--check]

For each selected text half (real English prose from :mod:`models.accuracy.datasets`), the
embedding output is quantized to INT8 and run through the 6 integer layers in two
modes, ``dense`` and the default SPLS point; every layer's input, output and
intermediate tensors are stored in compact dtypes in one compressed ``.npz`` per
(text, mode).  Layer parameters (INT8 weights, requantization constants, ...) are
*not* stored in the traces: they are regenerated deterministically from the pinned
MiniLM package by :func:`models.weights.default_int_model` (a few seconds), and
every trace records the SHA-256 of the parameters it was made with.

* ``vectors/ci/``   a small committed subset (CI and `make sim` replay it), compact:
                   layer 0 input, every layer's output and reuse map, bit-packed keep
                   and column masks, and a SHA-256 of every other intermediate
* ``vectors/full/`` the full set (``--full N`` halves per regime), regenerated, not committed
* ``vectors/manifest.json`` (committed): parameter digest, corpus digests, files

``--check`` regenerates the committed subset in memory and fails if any stored
tensor differs (the golden model changed without regenerating vectors).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from .schedule import Schedule, default_schedule
from .spls import SplsConfig

REPO = Path(__file__).resolve().parents[1]
VEC = REPO / "vectors"
CI_SET = {"short": 2, "long": 1}  # committed: 2 short halves + 1 long half (~128 tokens)

# tensors stored per layer (name -> dtype); missing ones (e.g. pam in dense mode) are skipped
TENSORS = {
    "x": np.int8, "out": np.int8,
    "pred_q8": np.int8, "pred_k8": np.int8, "pam": np.int32, "keep": np.bool_, "rep": np.int16,
    "colneed": np.bool_, "q": np.int8, "k": np.int8, "v": np.int8, "scores": np.int32, "p": np.uint8,
    "ctx": np.int8, "y_o": np.int16, "x_r": np.int16, "res1": np.int32, "h1": np.int8, "f1": np.int16,
    "g": np.int8, "y_2": np.int16, "h1_r": np.int16, "res2": np.int32,
}


def params_digest(im) -> str:
    h = hashlib.sha256()
    for k, v in sorted(im.to_arrays().items()):
        h.update(k.encode())
        h.update(np.ascontiguousarray(v).tobytes())
    return h.hexdigest()


def modes() -> dict[str, Schedule]:
    """The two modes of the traces: dense, and the default per-layer schedule
    (``vectors/schedules/default.json``; its dense layers run dense in both)."""
    return {"dense": Schedule.uniform(SplsConfig("dense")), "spls": default_schedule()}


# compact traces (the committed CI subset): the layer inputs/outputs, the SPLS maps
# (bit-packed), and a SHA-256 of every other intermediate so a replay checks them all
COMPACT_RAW = ("out", "rep")
COMPACT_PACKED = ("keep", "colneed")


def _fit(name: str, v: np.ndarray, dt) -> np.ndarray:
    if dt is not np.bool_:
        info = np.iinfo(dt)
        if v.size and (v.min() < info.min or v.max() > info.max):
            raise ValueError(f"{name} does not fit {np.dtype(dt).name}")
    return v.astype(dt)


def tensor_digest(v: np.ndarray) -> str:
    v = np.ascontiguousarray(v)
    return hashlib.sha256(str(v.dtype).encode() + str(v.shape).encode() + v.tobytes()).hexdigest()


def trace_arrays(ids, im, cfg: Schedule | SplsConfig, compact: bool = False, model=None) -> dict[str, np.ndarray]:
    """All stored arrays of one text half in one mode (``compact``: see COMPACT_*);
    ``model``: the float model whose embedding feeds layer 0 (None: the pinned MiniLM)."""
    from .encoder import encode_int

    traces: list[dict] = []
    out, _, ops = encode_int(ids, im, cfg, model=model, traces=traces)
    arrays: dict[str, np.ndarray] = {"ids": np.asarray(ids, np.int32), "n_layers": np.int8(len(traces))}
    for li, tr in enumerate(traces):
        for name, dt in TENSORS.items():
            if name not in tr:
                continue
            v = _fit(name, np.asarray(tr[name]), dt)
            key = f"L{li}_{name}"
            if not compact or (name in COMPACT_RAW) or (name == "x" and li == 0):
                arrays[key] = v
            elif name in COMPACT_PACKED:
                arrays[key + "_packed"] = np.packbits(v, axis=-1)
                arrays[key + "_shape"] = np.array(v.shape, np.int32)
            else:
                arrays[key + "_sha256"] = np.array(tensor_digest(v))
    arrays["ops"] = np.array([ops.dense_total, ops.executed_total, ops.prediction], np.int64)
    return arrays


def unpack(arrays: dict, key: str) -> np.ndarray:
    """A bit-packed boolean tensor of a compact trace."""
    shape = tuple(arrays[key + "_shape"])
    return np.unpackbits(arrays[key + "_packed"], axis=-1, count=shape[-1]).astype(bool).reshape(shape)


def selection(counts: dict[str, int]):
    from .accuracy import datasets

    out = []
    for regime, n in counts.items():
        items = datasets.texts(regime, max(n, 1))[:n]
        for i, t in enumerate(items):
            out.append((f"{regime}{i:03d}", regime, t))
    return out


def write_set(dest: Path, counts: dict[str, int], im, digest: str, compact: bool = False) -> list[dict]:
    from .accuracy.datasets import MAX_TOKENS
    from .minilm import tokenize
    from .weights import selected_weights

    weights = selected_weights()

    dest.mkdir(parents=True, exist_ok=True)
    files = []
    sel = selection(counts)
    for n, (name, regime, t) in enumerate(sel):
        ids = tokenize(t.first, MAX_TOKENS)
        for mode, cfg in modes().items():
            t0 = time.time()
            path = dest / f"{name}_{mode}.npz"
            entry = write_trace(path, ids, im, cfg, digest, weights, compact=compact)
            files.append({"file": entry["file"], "regime": regime, "source": t.source,
                          "tokens": entry["tokens"], "mode": mode, "weights": weights, "bytes": entry["bytes"]})
            print(f"  [{n + 1}/{len(sel)}] {path.relative_to(REPO)}: T={len(ids)} "
                  f"{path.stat().st_size / 1024:.0f} KiB ({time.time() - t0:.1f} s)", flush=True)
    return files


def write_trace(path: Path, ids, im, cfg: Schedule | SplsConfig, digest: str, weights: str, compact: bool = False,
                model=None, extra: dict | None = None) -> dict:
    """One trace file (a text in one mode): :func:`trace_arrays` plus the parameter
    digest, the schedule (JSON) and the weights' name; ``extra`` arrays are stored too
    (e.g. the float embedding).  Returns its entry for a manifest or trace set."""
    for name, v in (("digest", digest), ("weights", weights)):
        if not isinstance(v, str):
            raise ValueError(f"{name}: expected a str, got {type(v).__name__}")
    arrays = trace_arrays(ids, im, cfg, compact, model=model)
    arrays["params_sha256"] = np.array(digest)
    arrays["config"] = np.array(Schedule.of(cfg).to_json())
    arrays["weights"] = np.array(weights)
    arrays.update(extra or {})
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)
    name = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)
    return {"file": name, "tokens": int(len(ids)), "bytes": path.stat().st_size}


# A trace set: trace files and the integer model they were made with, replayed by the
# esact_top trace test (tb/esact_top, ESACT_TRACE_SET=<set.json>).  The committed
# manifest (vectors/manifest.json, "ci_files") is the default set; `make trace` writes
# its sets in a run folder of its own ("files", "int_model": {"weights": w} or {"file": npz}).
def load_set(path: Path | str | None = None) -> dict:
    """The trace set at ``path`` (None: the committed manifest) as a dict with ``files``
    (entries with ``file``, ``mode``, ...) and ``int_model`` (how to get the model)."""
    p = Path(path) if path is not None else VEC / "manifest.json"
    if not p.is_file():
        raise ValueError(f"path: trace set {p} does not exist")
    s = json.loads(p.read_text())
    files = s.get("files", s.get("ci_files"))
    if not isinstance(files, list) or not files:
        raise ValueError(f"path: {p} lists no trace files ('files' or 'ci_files')")
    spec = s.get("int_model") or {"default": True}
    return dict(s, files=files, int_model=spec, path=str(p), committed=path is None)


def set_int_model(spec: dict):
    """The integer model of a trace set: ``{"weights": w}`` (:func:`models.weights.int_model`),
    ``{"file": npz}`` (``IntModel.to_arrays`` saved) or the default point's model."""
    from . import weights
    from .encoder import IntModel

    if not isinstance(spec, dict):
        raise ValueError(f"spec: expected a dict, got {type(spec).__name__}")
    if "file" in spec:
        f = Path(spec["file"])
        f = f if f.is_absolute() else REPO / f
        if not f.is_file():
            raise ValueError(f"spec: integer model file {f} does not exist")
        with np.load(f) as z:
            return IntModel.from_arrays({k: z[k] for k in z.files})
    if "weights" in spec:
        return weights.int_model(spec["weights"])
    return weights.default_int_model()


def load_trace(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def check(im=None) -> list[str]:
    """Differences between the committed subset and a fresh regeneration."""
    from .weights import default_int_model

    im = im or default_int_model()
    digest = params_digest(im)
    problems = []
    man = json.loads((VEC / "manifest.json").read_text())
    if man["params_sha256"] != digest:
        problems.append(f"parameter digest changed: manifest {man['params_sha256'][:12]} vs now {digest[:12]}")
    for f in man["ci_files"]:
        stored = load_trace(REPO / f["file"])
        fresh = trace_arrays(stored["ids"], im, Schedule.of(str(stored["config"])), compact=True)
        for k, v in fresh.items():
            if k not in stored or not np.array_equal(stored[k], v):
                problems.append(f"{f['file']}: {k} differs")
        for k in stored:
            if k not in fresh and k not in ("params_sha256", "config", "weights"):
                problems.append(f"{f['file']}: {k} is no longer produced")
    return problems


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.vectors", description=__doc__.splitlines()[0])
    ap.add_argument("--full", type=int, default=16, help="halves per regime in vectors/full (default 16)")
    ap.add_argument("--check", action="store_true", help="verify the committed subset and exit")
    a = ap.parse_args(argv)
    from . import weights
    from .accuracy import corpus, datasets

    t0 = time.time()
    if not a.check:  # regeneration measures the calibration ranges anew (committed with the vectors)
        for w in weights.WEIGHTS:
            if w == "base" or weights.DELTA_FILE.exists():
                path = weights.measure_calibration_stats(weights=w)
                print(f"[vectors] calibration ranges ({w} weights) -> {path.relative_to(REPO)}")
    print(f"[vectors] weights of the default point: {weights.selected_weights()}; "
          f"SPLS mode: {default_schedule().label}")
    im = weights.default_int_model()
    digest = params_digest(im)
    print(f"[vectors] integer MiniLM calibrated in {time.time() - t0:.0f} s, params sha256 {digest[:16]}")
    if a.check:
        problems = check(im)
        for p in problems:
            print("  MISMATCH", p)
        print(f"[vectors] check: {len(problems)} difference(s)")
        return 1 if problems else 0
    print("[vectors] committed CI subset -> vectors/ci/")
    ci_files = write_set(VEC / "ci", CI_SET, im, digest, compact=True)
    print(f"[vectors] full set ({a.full} per regime) -> vectors/full/")
    full_files = write_set(VEC / "full", {"short": a.full, "long": a.full}, im, digest)
    manifest = {
        "params_sha256": digest,
        "calibration_texts": len(datasets.calibration_texts()),
        "corpus_digest": {r: corpus.corpus_digest(datasets.texts(r)) for r in datasets.REGIMES},
        "weights": weights.selected_weights(),
        "modes": {m: c.as_dict() for m, c in modes().items()},
        "ci_files": ci_files,
    }
    (VEC / "manifest.json").write_text(json.dumps(manifest, indent=1))
    ci_bytes = sum(f["bytes"] for f in ci_files)
    full_bytes = sum(f["bytes"] for f in full_files)
    print("\n" + "=" * 72)
    print(f"{'set':8s} {'files':>6s} {'KiB':>9s}  location")
    print(f"{'ci':8s} {len(ci_files):6d} {ci_bytes / 1024:9.0f}  vectors/ci (committed)")
    print(f"{'full':8s} {len(full_files):6d} {full_bytes / 1024:9.0f}  vectors/full (regenerated)")
    print(f"params sha256 {digest}; wall {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
