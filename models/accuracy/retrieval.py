"""Retrieval metrics of the half-to-half task, their confidence intervals, and the
paired comparison of two schemes (exact McNemar test, paired CIs of the losses).

Each text is split near its middle.  Both directions are scored: the embedding of a
first half must retrieve its own second half among all second halves, and the second
half its own first half among all first halves (cosine similarity of L2-normalised
embeddings), so ``N`` texts give ``2N`` queries.

Metrics (per query, then averaged):

* **top-1**: the correct half ranks first (ties count against the query);
* **MRR**: ``1 / (rank + 1)``;
* **10-way accuracy**: the correct half scores strictly higher than 9 distractors
  drawn at random from the other halves of the same side (fixed per query by
  :data:`DISTRACTOR_SEED`, identical for every scheme, so comparisons are paired).
  Its chance level is 10 %; its standard error is about half that of top-1 here.

Confidence intervals: the two queries of a text are not independent, so every figure
is a mean over texts of the text's two-query mean, with the normal 95 % interval
``mean +- 1.96 * sd / sqrt(N)`` over texts.  A loss against a reference (dense float)
is the paired per-text difference with the same interval.  ``lost``/``gained`` and
McNemar's exact test count the ``2N`` queries' top-1 outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DISTRACTORS = 9
DISTRACTOR_SEED = 20261201
Z95 = 1.959963984540054


def ranks(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Rank (0 = best) of the correct second half for every first half."""
    first, second = _check_pair(first, second)
    sims = first @ second.T
    correct = np.diag(sims)[:, None]
    # strictly better candidates; ties count against the query (pessimistic)
    better = (sims > correct).sum(axis=1)
    ties = (sims == correct).sum(axis=1) - 1
    return better + ties


def _check_pair(first, second) -> tuple[np.ndarray, np.ndarray]:
    first = np.asarray(first, np.float64)
    second = np.asarray(second, np.float64)
    if first.shape != second.shape or first.ndim != 2:
        raise ValueError(f"first and second must be (N, D) of equal shape, got {first.shape} and {second.shape}")
    if first.shape[0] < 2:
        raise ValueError(f"first and second need at least 2 texts (N >= 2), got N = {first.shape[0]}")
    if not (np.all(np.isfinite(first)) and np.all(np.isfinite(second))):
        raise ValueError("first and second must be finite (an embedding holds NaN or inf)")
    return first, second


def distractor_indices(n: int, k: int = DISTRACTORS, seed: int = DISTRACTOR_SEED) -> np.ndarray:
    """(n, min(k, n-1)) indices of distractors per query, never the query's own index."""
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    k = min(k, n - 1)
    rng = np.random.default_rng(seed)
    # draw from the n-1 others: offsets 1..n-1 from the query, without replacement
    out = np.empty((n, k), np.int64)
    for i in range(n):
        off = rng.choice(n - 1, size=k, replace=False) + 1
        out[i] = (i + off) % n
    return out


def kway_hits(first, second, distract: np.ndarray) -> np.ndarray:
    """Per first half: its own second half scores strictly above every distractor."""
    first, second = _check_pair(first, second)
    correct = np.einsum("ij,ij->i", first, second)
    dist = np.einsum("id,ikd->ik", first, second[distract])
    return np.all(correct[:, None] > dist, axis=1)


@dataclass(frozen=True)
class RetrievalScore:
    """Per-query outcomes of both directions (first N: first->second, then second->first)."""

    ranks: np.ndarray  # (2N,) int
    hits10: np.ndarray  # (2N,) bool: 10-way

    @property
    def n_texts(self) -> int:
        return len(self.ranks) // 2

    @property
    def hits(self) -> np.ndarray:
        return self.ranks == 0

    @property
    def rr(self) -> np.ndarray:
        return 1.0 / (self.ranks + 1.0)

    def per_text(self, metric: str) -> np.ndarray:
        """(N,) the two-query mean of ``metric`` (top1 / mrr / acc10 / recall5) per text."""
        v = {"top1": self.hits.astype(float), "mrr": self.rr, "acc10": self.hits10.astype(float),
             "recall5": (self.ranks < 5).astype(float)}
        if metric not in v:
            raise ValueError(f"metric must be one of {sorted(v)}, got {metric!r}")
        n = self.n_texts
        return 0.5 * (v[metric][:n] + v[metric][n:])

    @property
    def top1_pct(self) -> float:
        return 100.0 * float(np.mean(self.hits))

    @property
    def top1_fwd_pct(self) -> float:
        return 100.0 * float(np.mean(self.hits[: self.n_texts]))

    @property
    def top1_bwd_pct(self) -> float:
        return 100.0 * float(np.mean(self.hits[self.n_texts :]))

    @property
    def recall5_pct(self) -> float:
        return 100.0 * float(np.mean(self.ranks < 5))

    @property
    def mrr(self) -> float:
        return float(np.mean(self.rr))

    @property
    def acc10_pct(self) -> float:
        return 100.0 * float(np.mean(self.hits10))


def score(first, second, distract: np.ndarray | None = None) -> RetrievalScore:
    """Both-direction retrieval outcomes of paired halves ``first[i]`` / ``second[i]``."""
    first, second = _check_pair(first, second)
    n = first.shape[0]
    d = distractor_indices(n) if distract is None else distract
    r = np.concatenate([ranks(first, second), ranks(second, first)])
    h10 = np.concatenate([kway_hits(first, second, d), kway_hits(second, first, d)])
    return RetrievalScore(ranks=r, hits10=h10)


def mean_ci(values, scale: float = 1.0) -> tuple[float, float, float]:
    """(mean, low, high) of the normal 95 % interval of the mean of ``values``."""
    v = np.asarray(values, np.float64) * scale
    if v.size < 2:
        raise ValueError(f"values: a confidence interval needs at least 2 values, got {v.size}")
    m = float(v.mean())
    half = Z95 * float(v.std(ddof=1)) / np.sqrt(v.size)
    return m, m - half, m + half


METRICS = {"top1": 100.0, "mrr": 1.0, "acc10": 100.0}  # metric -> reporting scale


def summary(sc: RetrievalScore) -> dict:
    """Every metric with its 95 % CI (top-1 and 10-way in %, MRR as a fraction)."""
    out = {}
    for m, scale in METRICS.items():
        mean, lo, hi = mean_ci(sc.per_text(m), scale)
        out[m] = round(mean, 4)
        out[f"{m}_ci"] = [round(lo, 4), round(hi, 4)]
    out["top1_fwd"] = round(sc.top1_fwd_pct, 3)
    out["top1_bwd"] = round(sc.top1_bwd_pct, 3)
    out["recall5"] = round(sc.recall5_pct, 3)
    return out


def compare(ref: RetrievalScore, sc: RetrievalScore) -> dict:
    """Losses of ``sc`` against ``ref`` (reference minus scheme, paired per text, with
    95 % CIs), and lost/gained/McNemar p over the top-1 outcomes of all queries."""
    if len(ref.ranks) != len(sc.ranks):
        raise ValueError(f"ref and sc must score the same queries, got {len(ref.ranks)} and {len(sc.ranks)}")
    out = {}
    for m, scale in METRICS.items():
        mean, lo, hi = mean_ci(ref.per_text(m) - sc.per_text(m), scale)
        out[f"loss_{m}"] = round(mean, 4)
        out[f"loss_{m}_ci"] = [round(lo, 4), round(hi, 4)]
    lost, gained, p = mcnemar(ref.hits, sc.hits)
    out.update(lost=lost, gained=gained, mcnemar_p=p)
    return out


def mcnemar(ref_hits, hits) -> tuple[int, int, float]:
    """(lost, gained, exact two-sided McNemar p-value) of ``hits`` against ``ref_hits``."""
    from scipy.stats import binomtest

    ref_hits = np.asarray(ref_hits, bool)
    hits = np.asarray(hits, bool)
    if ref_hits.shape != hits.shape:
        raise ValueError(f"ref_hits and hits must have the same shape, got {ref_hits.shape} and {hits.shape}")
    lost = int(np.sum(ref_hits & ~hits))
    gained = int(np.sum(~ref_hits & hits))
    n = lost + gained
    p = 1.0 if n == 0 else float(binomtest(lost, n, 0.5).pvalue)
    return lost, gained, p
