"""Evaluation and calibration sets of the project, drawn from :mod:`models.accuracy.corpus`.

* ``short``: single docstring paragraphs of 20-60 words.
* ``long``:  chunks of at most ``LONG_TOKENS`` word pieces (halves <= 126 + [CLS] +
  [SEP] = 128 tokens, the RTL's sequence bound).
* calibration: texts of both pools that the default evaluation samples do *not*
  contain (so calibration never sees an evaluation text), their halves tokenized: the
  integer models (:mod:`models.weights`) are calibrated on them.
* allocation: texts in neither, for the schedule allocator.
* the bench input: a 128-token evaluation text (``make bench``, the cycle model).
"""

from __future__ import annotations

import random
from functools import lru_cache

import numpy as np

from ..minilm import count_tokens, tokenize
from . import corpus

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


def allocation_texts(n_long: int = 96, n_short: int = 48, eval_n: int = EVAL_N) -> list[corpus.Text]:
    """Texts for the schedule allocator (:mod:`models.accuracy.allocate`): of each pool, texts in
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
