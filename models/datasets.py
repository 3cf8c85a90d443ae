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


def _cache_key(per_regime: int) -> str:
    """Hash of everything calibration depends on: the model sources and the settings."""
    import hashlib
    import sys
    from pathlib import Path

    h = hashlib.sha256(f"{per_regime}|{sys.version_info[:3]}".encode())
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=2)
def default_int_model(per_regime: int = CALIB_PER_REGIME):
    """The calibrated integer MiniLM used by vectors, accuracy, tests and testbenches.

    Calibration takes ~15 s; the result is cached in ``build/cache/`` under a key that
    changes with any source file of ``models/`` (delete the folder to force it).
    """
    from pathlib import Path

    from .encoder import IntModel, calibrate

    cache = Path(__file__).resolve().parents[1] / "build" / "cache" / f"int_model_{_cache_key(per_regime)}.npz"
    if cache.exists():
        with np.load(cache) as z:
            return IntModel.from_arrays({k: z[k] for k in z.files})
    im = calibrate(list(calibration_ids(per_regime)))
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.stem + f".{__import__('os').getpid()}.tmp.npz")
    np.savez(tmp, **im.to_arrays())
    tmp.replace(cache)
    return im
