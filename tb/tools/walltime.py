"""Wall times of `make sim`, `make test` and `make mutate-sample`, recorded by the Makefile after every
complete run (not for UNIT=, TEST=, SHARD= or SEEDS= subsets) into
reports/walltime.json; `make bench` reports the latest of each with its date, commit
and exit status.

    python -m tb.tools.walltime record TARGET START_EPOCH_S EXIT_STATUS [SUBSET]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

from tb.common.tools import REPO

FILE = REPO / "reports" / "walltime.json"


def load() -> dict:
    try:
        return json.loads(FILE.read_text())
    except (OSError, ValueError):
        return {}


def record(target: str, start: float, rc: int, subset: str = "") -> dict | None:
    if subset.strip():
        return None  # a subset run says nothing about the regression's wall time
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=REPO).stdout.strip()
    except OSError:
        commit = ""
    rec = {
        "seconds": round(time.time() - start, 1),
        "exit_status": rc,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "jobs": os.environ.get("JOBS", ""),
    }
    data = load()
    data[target] = rec
    FILE.parent.mkdir(parents=True, exist_ok=True)
    FILE.write_text(json.dumps(data, indent=1))
    print(f"[walltime] make {target}: {rec['seconds']:.0f} s (exit {rc}) -> {FILE.relative_to(REPO)}")
    return rec


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[0] != "record":
        print(__doc__)
        return 2
    record(argv[1], float(argv[2]), int(argv[3]), " ".join(argv[4:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
