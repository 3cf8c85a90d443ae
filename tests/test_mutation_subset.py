"""CI's sample of `make mutate`: 20 RTL mutants spread over the units (fixed sample),
each must be killed by the fast regression subset (a survivor fails here unless it is
documented as equivalent in docs/mutation.md).  The full run (200+ mutants, score and
run time) is `make mutate`."""

import json
import subprocess
import sys

import pytest

from tb.common.tools import BUILD, REPO

N, SEED = 20, 20261123


@pytest.mark.mutation
def test_sampled_mutants_are_killed():
    report = BUILD / "mutate" / "ci_sample.json"
    res = subprocess.run([sys.executable, "-m", "tb.tools.mutate", "--n", str(N), "--seed", str(SEED),
                          "--jobs", "2", "--report", str(report)], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, f"make mutate failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    rep = json.loads(report.read_text())
    assert rep["mutants"] == N
    valid = rep["killed"] + rep["timeout"] + rep["survived"] + rep["equivalent"]
    assert valid >= N // 2, f"only {valid} of {N} mutants compiled and linted: {rep['invalid_list']}"
    assert not rep["survivors"], "surviving mutants (add a test that kills them or document them as " \
        f"equivalent in docs/mutation.md):\n" + "\n".join(f"{s['file']}:{s['line']} {s['mutation']}  key: {s['key']}"
                                                          for s in rep["survivors"])
