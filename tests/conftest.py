import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# models/ caches only where it is told (models/paths.py): the build tree's, as under make
from tb.common.tools import model_dirs  # noqa: E402

model_dirs()


def _shard():
    """SHARD=i/N (1 <= i <= N): this run keeps every N-th collected test, starting at i."""
    import os

    import pytest

    from tb.common.knobs import parse_shard

    try:
        return parse_shard(os.environ.get("SHARD"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(config, items):
    _shard_items(config, items)
    # longest first: with `-n` and work stealing the long tests start at once and the
    # short ones fill the other workers, instead of one long test ending the run alone
    items.sort(key=lambda it: it.get_closest_marker("long") is None)


def _shard_items(config, items):
    shard = _shard()
    if shard is None:
        return
    i, n = shard
    # deterministic: every machine collects the same ordered list
    keep, drop = [], []
    for j, item in enumerate(sorted(items, key=lambda it: it.nodeid)):
        (keep if j % n == i - 1 else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
    items[:] = keep
