"""Evaluation and calibration sets of the project, drawn from :mod:`models.corpus`.

* ``short``: single docstring paragraphs of 20-60 words.
* ``long``:  chunks of at most ``LONG_TOKENS`` word pieces (halves <= 126 + [CLS] +
  [SEP] = 128 tokens, the RTL's sequence bound).
* calibration: texts of both pools that the default evaluation samples do *not*
  contain (so calibration never sees an evaluation text), their halves tokenized.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import corpus
from .minilm import count_tokens, tokenize

LONG_TOKENS = 252
MAX_TOKENS = 128
EVAL_N = 1000
CALIB_PER_REGIME = 32
REGIMES = ("short", "long")


def _check_regime(regime: str) -> None:
    if regime not in REGIMES:
        raise ValueError(f"regime must be one of {REGIMES}, got {regime!r}")


def texts(regime: str, n: int = EVAL_N, seed: int = 0) -> list[corpus.Text]:
    _check_regime(regime)
    if regime == "short":
        return corpus.short_texts(n, seed=seed)
    return corpus.long_texts(n, tokens=LONG_TOKENS, count_tokens=count_tokens, seed=seed)


def halves_ids(items: list[corpus.Text]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Token ids of the first and second halves."""
    return (
        [tokenize(t.first, MAX_TOKENS) for t in items],
        [tokenize(t.second, MAX_TOKENS) for t in items],
    )


def calibration_texts(per_regime: int = CALIB_PER_REGIME, eval_n: int = EVAL_N) -> list[corpus.Text]:
    """``per_regime`` texts of each pool outside the default evaluation samples."""
    out = []
    for regime in REGIMES:
        pool = texts(regime, n=10**9)
        used = {t.text for t in texts(regime, n=eval_n)}
        rest = [t for t in pool if t.text not in used] or pool
        rng = random.Random(1234)
        out += rng.sample(rest, min(per_regime, len(rest)))
    return out


@lru_cache(maxsize=4)
def calibration_ids(per_regime: int = CALIB_PER_REGIME) -> tuple[np.ndarray, ...]:
    ids = []
    for t in calibration_texts(per_regime):
        ids += [tokenize(t.first, MAX_TOKENS), tokenize(t.second, MAX_TOKENS)]
    return tuple(ids)


# The float activation ranges the integer model is calibrated from, measured once by
# `make vectors` and committed.  Float32 PyTorch kernels differ between CPUs in the last
# bits (AVX2 and AVX-512 code paths sum in other orders), and a clipping range a few ULP
# apart can move a requantization constant across a rounding boundary: on another
# machine the committed vectors would then not replay.  Every machine quantizes from the
# same committed numbers instead, so the integer model is bit-identical everywhere.
VEC = Path(__file__).resolve().parents[1] / "vectors"
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


def float_model(weights: str = "base"):
    """The float MiniLM of ``weights`` (the finetuned one: the delta merged in)."""
    _check_weights(weights)
    from .minilm import load_minilm

    if weights == "base":
        return load_minilm()
    if not DELTA_FILE.exists():
        raise ValueError(f"weights='finetuned': {DELTA_FILE.relative_to(VEC.parent)} is missing (`make finetune`)")
    from .finetune import merged_minilm

    return merged_minilm(DELTA_FILE)


def available_weights() -> tuple[str, ...]:
    """The weights this checkout can run: base, and finetuned when its delta and
    calibration ranges are committed."""
    ft = DELTA_FILE.exists() and CALIB_FILES["finetuned"].exists()
    return WEIGHTS if ft else ("base",)


def selected_weights() -> str:
    """The weights of the default point: ``$WEIGHTS`` if set, else the default
    schedule file's ``weights`` (``vectors/schedules/default.json``)."""
    import os

    from .schedule import default_weights

    w = os.environ.get("WEIGHTS") or default_weights()
    _check_weights(w)
    return w


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


def _cache_key(per_regime: int, weights: str) -> str:
    """Hash of everything the integer model depends on: model sources, ranges, settings."""
    import hashlib
    import sys

    h = hashlib.sha256(f"{per_regime}|{weights}|{sys.version_info[:3]}".encode())
    files = sorted(Path(__file__).parent.glob("*.py")) + [CALIB_FILES[weights]]
    if weights != "base":
        files.append(DELTA_FILE)
    for f in files:
        if f.exists():
            h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=4)
def int_model(weights: str = "base", per_regime: int = CALIB_PER_REGIME):
    """The calibrated integer MiniLM of ``weights`` (base or finetuned).

    Quantized from the committed calibration ranges (:data:`CALIB_FILES`); the result
    is cached in ``build/cache/`` under a key that changes with any source file of
    ``models/``, with the ranges and with the delta (delete the folder to force it).
    """
    from .encoder import IntModel, calibrate_from_stats

    _check_weights(weights)
    cache = Path(__file__).resolve().parents[1] / "build" / "cache" / f"int_model_{weights}_{_cache_key(per_regime, weights)}.npz"
    if cache.exists():
        with np.load(cache) as z:
            return IntModel.from_arrays({k: z[k] for k in z.files})
    im = calibrate_from_stats(calibration_stats(per_regime, weights=weights), model=float_model(weights))
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.stem + f".{__import__('os').getpid()}.tmp.npz")
    np.savez(tmp, **im.to_arrays())
    tmp.replace(cache)
    return im


def default_int_model(per_regime: int = CALIB_PER_REGIME):
    """The integer MiniLM of the default point's weights (:func:`selected_weights`):
    the one the vectors, the testbenches and ``make bench`` use."""
    return int_model(selected_weights(), per_regime)


def allocation_texts(n_long: int = 96, n_short: int = 48, eval_n: int = EVAL_N) -> list[corpus.Text]:
    """Texts for the schedule allocator (:mod:`models.allocate`): of each pool, texts in
    neither the evaluation sample of ``make accuracy`` nor the integer model's
    calibration set, sampled with a fixed seed."""
    calib = {t.text for t in calibration_texts()}
    out = []
    for regime, n in (("long", n_long), ("short", n_short)):
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"n_{regime} must be an integer >= 0, got {n!r}")
        used = {t.text for t in texts(regime, n=eval_n)} | calib
        rest = [t for t in texts(regime, n=10**9) if t.text not in used]
        if n > len(rest):
            raise ValueError(f"n_{regime}={n}: only {len(rest)} {regime} texts lie outside the evaluation "
                             f"and calibration sets")
        out += random.Random(4321).sample(rest, n)
    return out


def allocation_ids(n_long: int = 96, n_short: int = 48) -> list[np.ndarray]:
    """Token ids of both halves of every allocation text."""
    items = allocation_texts(n_long, n_short)
    first, second = halves_ids(items)
    return first + second


def bench_ids(tokens: int = MAX_TOKENS) -> np.ndarray:
    """Token ids of the first long evaluation text with at least ``tokens`` word pieces
    (both halves joined, truncated to ``tokens`` including [CLS] and [SEP]): the input
    of the per-layer cycle figures (``make bench``, ``python -m models.cycle_model --study``)."""
    for t in texts("long", n=50):
        ids = tokenize(t.first + " " + t.second, tokens)
        if len(ids) == tokens:
            return ids
    raise RuntimeError(f"no long evaluation text reaches {tokens} tokens")
