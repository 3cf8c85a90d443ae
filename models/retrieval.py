"""Retrieval metrics of the half-to-half task and the exact McNemar test.

Each text is split near its middle; the embedding of a first half must retrieve the
embedding of its own second half among all second halves (cosine similarity of
L2-normalised embeddings).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def ranks(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Rank (0 = best) of the correct second half for every first half."""
    first = np.asarray(first, np.float64)
    second = np.asarray(second, np.float64)
    if first.shape != second.shape or first.ndim != 2:
        raise ValueError(f"first and second must be (N, D) of equal shape, got {first.shape} and {second.shape}")
    sims = first @ second.T
    correct = np.diag(sims)[:, None]
    # strictly better candidates; ties count against the query (pessimistic)
    better = (sims > correct).sum(axis=1)
    ties = (sims == correct).sum(axis=1) - 1
    return better + ties


@dataclass(frozen=True)
class RetrievalScore:
    top1_pct: float
    recall5_pct: float
    mrr: float
    hits: np.ndarray  # bool per query: correct at rank 0


def score(first, second) -> RetrievalScore:
    r = ranks(first, second)
    return RetrievalScore(
        top1_pct=100.0 * float(np.mean(r == 0)),
        recall5_pct=100.0 * float(np.mean(r < 5)),
        mrr=float(np.mean(1.0 / (r + 1))),
        hits=r == 0,
    )


def mcnemar(ref_hits, hits) -> tuple[int, int, float]:
    """(lost, gained, exact two-sided McNemar p-value) of ``hits`` against ``ref_hits``."""
    from scipy.stats import binomtest

    ref_hits = np.asarray(ref_hits, bool)
    hits = np.asarray(hits, bool)
    lost = int(np.sum(ref_hits & ~hits))
    gained = int(np.sum(~ref_hits & hits))
    n = lost + gained
    p = 1.0 if n == 0 else float(binomtest(lost, n, 0.5).pvalue)
    return lost, gained, p
