"""Regression knobs shared by pytest (tests/conftest.py, tests/sim/conftest.py) and
`make coverage` (tb/tools/coverage_report.py): one parser, one message per knob.

``SHARD=i/N`` keeps every N-th collected test starting at the i-th (1 <= i <= N);
``SEEDS=n`` runs every simulation test n times with independent seeds (n >= 1).
Bad values raise ValueError naming the knob and its legal range.
"""

from __future__ import annotations


def parse_shard(raw: str | None) -> tuple[int, int] | None:
    """``'i/N'`` -> (i, N); empty -> None (no sharding)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        i, n = (int(v) for v in raw.split("/"))
    except ValueError:
        raise ValueError(f"SHARD must look like i/N with 1 <= i <= N (e.g. 2/4), got {raw!r}") from None
    if not 1 <= i <= n:
        raise ValueError(f"SHARD={raw!r}: need 1 <= i <= N")
    return i, n


def parse_seeds(raw: str | None) -> int:
    """``'n'`` -> n >= 1; empty -> 1."""
    raw = (raw or "").strip() or "1"
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"SEEDS must be a positive integer (1, 2, ...), got {raw!r}")
    return n
