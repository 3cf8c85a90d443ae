"""The project's MiniLM weight sets and the integer models calibrated from them.

* weights: the pinned MiniLM (``base``) or MiniLM with the committed sparsity-aware
  distillation delta merged (``finetuned``, :func:`merged_minilm`; the delta is written
  by ``python -m models.accuracy.finetune``, docs/finetune.md);
* the committed calibration ranges of each (``vectors/calibration*.npz``), measured by
  ``make vectors`` on the calibration texts (:func:`models.accuracy.datasets.calibration_ids`:
  texts of the benchmark corpus that its evaluation never sees);
* the calibrated integer model of each (:func:`int_model`) and of the default point
  (:func:`default_int_model`: the vectors, the testbenches and ``make bench`` use it).

The one thing this module takes from the accuracy benchmark is its calibration texts.
"""

from __future__ import annotations

import dataclasses
import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import paths
from .accuracy.datasets import CALIB_PER_REGIME, calibration_ids
from .minilm import MiniLM, load_minilm

REPO = Path(__file__).resolve().parents[1]
# The float activation ranges the integer model is calibrated from, measured once by
# `make vectors` and committed.  Float32 PyTorch kernels differ between CPUs in the last
# bits (AVX2 and AVX-512 code paths sum in other orders), and a clipping range a few ULP
# apart can move a requantization constant across a rounding boundary: on another
# machine the committed vectors would then not replay.  Every machine quantizes from the
# same committed numbers instead, so the integer model is bit-identical everywhere.
VEC = REPO / "vectors"
CALIB_FILE = VEC / "calibration.npz"
# The weights: the pinned MiniLM ("base") or MiniLM with the committed sparsity-aware
# distillation delta merged ("finetuned", `make finetune`, docs/finetune.md).  Each
# has its own committed calibration ranges.
WEIGHTS = ("base", "finetuned")
DELTA_FILE = VEC / "finetune" / "lora_delta.npz"
CALIB_FILES = {"base": CALIB_FILE, "finetuned": VEC / "calibration_finetuned.npz"}


def _check_weights(weights: str) -> None:
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}, got {weights!r}")


# ----------------------------------------------------------------------------------
# the distillation delta (written by models.accuracy.finetune.save_delta)
# ----------------------------------------------------------------------------------
def load_delta(path: Path | str) -> tuple[dict[str, np.ndarray], dict]:
    """``(arrays, meta)`` of a delta file written by
    :func:`models.accuracy.finetune.save_delta` (float32 arrays)."""
    with np.load(Path(path)) as z:
        meta = json.loads(str(z["meta"]))
        arrays = {k: z[k].astype(np.float32) for k in z.files if k != "meta"}
    return arrays, meta


def merge_delta(base: MiniLM, arrays: dict[str, np.ndarray], meta: dict) -> MiniLM:
    """``base`` with the delta merged: W + scale * B @ A (computed in float64, stored as
    float32), p + d.  Embeddings and untouched parameters are the base arrays."""
    layers = list(base.layers)
    names = {k.split(".")[0] + "." + k.split(".")[1] for k in arrays}
    for key in sorted(names):
        li, name = key.split(".")
        i = int(li[1:])
        w = layers[i]
        old = np.asarray(getattr(w, name), np.float64)
        if f"{key}.A" in arrays:
            new = old + float(meta["scale"]) * (arrays[f"{key}.B"].astype(np.float64) @ arrays[f"{key}.A"].astype(np.float64))
        else:
            new = old + arrays[f"{key}.d"].astype(np.float64)
        if new.shape != old.shape:
            raise ValueError(f"delta {key}: shape {new.shape} != {old.shape}")
        layers[i] = dataclasses.replace(w, **{name: new.astype(np.float32)})
    return dataclasses.replace(base, layers=tuple(layers))


@lru_cache(maxsize=4)
def _merged(path: str, mtime: int, size: int) -> MiniLM:
    arrays, meta = load_delta(path)
    return merge_delta(load_minilm(), arrays, meta)


def merged_minilm(delta_path: Path | str | None = None) -> MiniLM:
    """MiniLM (the :func:`models.minilm.load_minilm` dataclass) with the delta at
    ``delta_path`` (default :data:`DELTA_FILE`) merged; cached per file."""
    p = Path(delta_path or DELTA_FILE).resolve()
    if not p.exists():
        raise FileNotFoundError(f"{p}: no delta (python -m models.accuracy.finetune writes it)")
    st = p.stat()
    return _merged(str(p), st.st_mtime_ns, st.st_size)


# ----------------------------------------------------------------------------------
# weight sets
# ----------------------------------------------------------------------------------
def float_model(weights: str = "base"):
    """The float MiniLM of ``weights`` (the finetuned one: the delta merged in)."""
    _check_weights(weights)
    if weights == "base":
        return load_minilm()
    if not DELTA_FILE.exists():
        raise ValueError(f"weights='finetuned': {DELTA_FILE.relative_to(VEC.parent)} is missing (`make finetune`)")
    return merged_minilm(DELTA_FILE)


def available_weights() -> tuple[str, ...]:
    """The weights this checkout can run: base, and finetuned when its delta and
    calibration ranges are committed."""
    ft = DELTA_FILE.exists() and CALIB_FILES["finetuned"].exists()
    return WEIGHTS if ft else ("base",)


def selected_weights() -> str:
    """The weights of the default point: ``$WEIGHTS`` if set, else the default
    schedule file's ``weights`` (``vectors/schedules/default.json``)."""
    from .schedule import default_weights

    w = os.environ.get("WEIGHTS") or default_weights()
    _check_weights(w)
    return w


# ----------------------------------------------------------------------------------
# calibration ranges
# ----------------------------------------------------------------------------------
def _stats_key(per_regime: int, weights: str = "base") -> str:
    """Hash of what the ranges depend on: the calibration token ids and the settings
    (and, for the finetuned weights, the delta)."""
    import hashlib

    from .int_layer import CalibConfig

    h = hashlib.sha256(f"{per_regime}|{CalibConfig()!r}".encode())
    for ids in calibration_ids(per_regime):
        h.update(np.asarray(ids, np.int64).tobytes())
    if weights != "base":
        h.update(weights.encode())
        h.update(DELTA_FILE.read_bytes())
    return h.hexdigest()[:16]


def measure_calibration_stats(per_regime: int = CALIB_PER_REGIME, path: Path | None = None,
                              weights: str = "base") -> Path:
    """Run the float model over the calibration texts and commit-able ranges to ``path``."""
    from .encoder import collect_stats
    from .int_layer import CalibConfig

    _check_weights(weights)
    path = path or CALIB_FILES[weights]
    s_emb, layers = collect_stats(list(calibration_ids(per_regime)), float_model(weights), CalibConfig())
    arrays = {"key": np.array(_stats_key(per_regime, weights)), "s_emb": np.asarray(s_emb, np.float64),
              "n_layers": np.int64(len(layers))}
    for i, st in enumerate(layers):
        arrays.update({f"L{i}_{k}": np.asarray(v, np.float64) for k, v in st.items()})
    np.savez(path, **arrays)
    return path


def calibration_stats(per_regime: int = CALIB_PER_REGIME, path: Path | None = None, weights: str = "base"):
    """The committed ranges as ``(s_emb, [per-layer dict])`` (see :data:`CALIB_FILE`)."""
    _check_weights(weights)
    path = path or CALIB_FILES[weights]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: `make vectors` measures the calibration ranges")
    with np.load(path) as z:
        key = _stats_key(per_regime, weights)
        if str(z["key"]) != key:
            raise ValueError(f"{path.name} was measured for other calibration texts, settings or weights "
                             f"(key {z['key']} != {key}): rerun `make vectors`")
        s_emb = z["s_emb"][()] if z["s_emb"].ndim == 0 else z["s_emb"]
        layers = []
        for i in range(int(z["n_layers"])):
            pre = f"L{i}_"
            layers.append({k[len(pre):]: (float(z[k]) if z[k].ndim == 0 else z[k])
                           for k in z.files if k.startswith(pre)})
    return s_emb, layers


# ----------------------------------------------------------------------------------
# integer models
# ----------------------------------------------------------------------------------
def model_sources() -> list[Path]:
    """The source files an integer model depends on: the golden models (``models/*.py``)
    and the modules that pick the calibration texts (the benchmark's corpus and datasets)."""
    here = Path(__file__).resolve().parent
    return sorted(here.glob("*.py")) + [here / "accuracy" / "corpus.py", here / "accuracy" / "datasets.py"]


def _cache_key(per_regime: int, weights: str) -> str:
    """Hash of everything the integer model depends on: model sources, ranges, settings."""
    import hashlib
    import sys

    h = hashlib.sha256(f"{per_regime}|{weights}|{sys.version_info[:3]}".encode())
    files = model_sources() + [CALIB_FILES[weights]]
    if weights != "base":
        files.append(DELTA_FILE)
    for f in files:
        if f.exists():
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=4)
def int_model(weights: str = "base", per_regime: int = CALIB_PER_REGIME):
    """The calibrated integer MiniLM of ``weights`` (base or finetuned).

    Quantized from the committed calibration ranges (:data:`CALIB_FILES`).  With a
    cache folder (:func:`models.paths.cache_dir`, ``$ESACT_CACHE_DIR``) the result is
    kept there as ``int_model_<weights>_<key>.npz``, the key changing with any source
    of the golden models (:func:`model_sources`), with the ranges and with the delta
    (delete the file to force a recalibration); without one it is computed each time.
    """
    from .encoder import IntModel, calibrate_from_stats

    _check_weights(weights)
    root = paths.cache_dir()
    cache = root / f"int_model_{weights}_{_cache_key(per_regime, weights)}.npz" if root else None
    if cache is not None and cache.exists():
        with np.load(cache) as z:
            return IntModel.from_arrays({k: z[k] for k in z.files})
    im = calibrate_from_stats(calibration_stats(per_regime, weights=weights), model=float_model(weights))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.stem + f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **im.to_arrays())
        tmp.replace(cache)
    return im


def default_int_model(per_regime: int = CALIB_PER_REGIME):
    """The integer MiniLM of the default point's weights (:func:`selected_weights`):
    the one the vectors, the testbenches and ``make bench`` use."""
    return int_model(selected_weights(), per_regime)
