"""The coverage gate and the shard merge of `make coverage` (issue 18).

Real runs: `make coverage UNIT=hlog_quant` (the smallest unit: 4 tests x 2 parameter
sets, every bin reachable without the MiniLM traces' help) in a build tree of its own
(ESACT_SIM_BUILD) with its report and bundles in a folder of its own (COVOUT), seeds
fixed (SEED), so the runs are repeatable:

* a run with the output back-pressure removed from the stimulus (OUT_STALL=0) fails
  the gate, which names the stall bins it missed;
* the complete run passes the unit-scoped gate, and the merge of its two shards'
  bundles (SHARD=1/2, SHARD=2/2, each a run of its own) is the same report, in either
  order; one shard alone fails the gate of the merge (a missing shard).

Synthetic reports test the gate's rules (floors, scope, missing results) on their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tb.common.knobs import parse_seeds, parse_shard
from tb.tools import coverage_report as cr

REPO = Path(__file__).resolve().parents[1]
UNIT = "hlog_quant"
SEED = "7"
# knobs of an enclosing make / pytest run that would change what the inner runs do
OUTER_KNOBS = ("SEED", "SEEDS", "SHARD", "TEST", "UNIT", "GATE", "COVOUT", "IN_GAP", "OUT_STALL", "WAVES",
               "ASSERTS", "REGRESSION", "RTL_COVERAGE", "ASSERT_COVER", "ESACT_SIM_BUILD", "PUBLIC_ALL",
               "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST")


def make(build: Path, target: str, **knobs: str) -> subprocess.CompletedProcess:
    """`make <target>` of this repository on ``build`` (the simulation tree), one job, the
    venv taken as installed (`make test` made it)."""
    env = {k: v for k, v in os.environ.items() if k not in OUTER_KNOBS}
    env.update(ESACT_SIM_BUILD=str(build), SEED=SEED)
    args = [f"{k}={v}" for k, v in {"JOBS": "1", **knobs}.items()]
    out = subprocess.run(["make", "-s", "-C", str(REPO), "-o", ".venv/.installed-stamp", "-o", "ccache-deps",
                          target, *args], env=env, capture_output=True, text=True, timeout=600)
    out.log = f"$ make {target} {' '.join(args)} -> {out.returncode}\n{out.stdout[-6000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def sim_build(tmp_path_factory) -> Path:
    """One simulation tree for the real runs of this module: the models are built once
    (each `make coverage` first removes the unit's results of the run before)."""
    return tmp_path_factory.mktemp("cov_build")


def report(folder: Path) -> dict:
    return json.loads((folder / "coverage.json").read_text())


def comparable(rep: dict) -> dict:
    """A report without its provenance (which bundles, where): what a merge must reproduce."""
    return {k: v for k, v in rep.items() if k != "inputs"}


@pytest.mark.long
def test_gate_fails_on_a_run_without_back_pressure(tmp_path, sim_build):
    out = tmp_path / "out"
    run = make(sim_build, "coverage", UNIT=UNIT, OUT_STALL="0", COVOUT=str(out))
    assert run.returncode != 0, f"the gate passed a run without back-pressure\n{run.log}"
    rep = report(out)
    g = rep["gate"]
    assert g and not g["passed"] and g["units"] == [UNIT], g
    missed = rep["uncovered_bins"]
    # what went missing is exactly the back-pressure the stimulus lost: output stalls
    assert missed and all(b.startswith((f"{UNIT}.cg_flow.out_stall/", f"{UNIT}.cg_handshake.out/")) for b in missed), missed
    assert f"{UNIT}.cg_flow.out_stall/stalled_1" in missed
    assert all(b not in missed for b in (f"{UNIT}.cg_flow.out_stall/accepted_at_once", f"{UNIT}.cg_handshake.out/none"))
    # the failure message names every missed bin
    for b in missed:
        assert b in run.stdout, f"{b} not named by the gate\n{run.log}"
    assert "gate FAILED" in run.stdout
    # the tests themselves passed: the gate alone failed the run
    assert (out / "junit-coverage.xml").exists() and 'failures="0"' in (out / "junit-coverage.xml").read_text()


@pytest.mark.long
def test_shard_merge_equals_the_unsharded_run(tmp_path, sim_build):
    build = sim_build
    full, s1, s2 = tmp_path / "full", tmp_path / "s1", tmp_path / "s2"
    run = make(build, "coverage", UNIT=UNIT, COVOUT=str(full))
    assert run.returncode == 0, f"the complete run of {UNIT} fails its gate\n{run.log}"
    assert report(full)["gate"]["passed"] and report(full)["uncovered_bins"] == []
    for k, out in ((1, s1), (2, s2)):
        run = make(build, "coverage", UNIT=UNIT, SHARD=f"{k}/2", COVOUT=str(out))
        assert run.returncode == 0, run.log  # a shard collects, it is not gated
        assert report(out)["gate"] is None and "not gated" in run.stdout
    b1, b2 = s1 / f"coverage-shard-1of2-{UNIT}", s2 / f"coverage-shard-2of2-{UNIT}"
    n1, n2 = (json.loads((b / cr.MANIFEST).read_text())["files"] for b in (b1, b2))
    assert n1 and n2 and n1 + n2 == json.loads((full / f"coverage-run-{UNIT}" / cr.MANIFEST).read_text())["files"]

    merged = {}
    for name, dirs in (("m12", f"{b1} {b2}"), ("m21", f"{b2} {b1}")):
        run = make(build, "coverage-merge", DIRS=dirs, COVOUT=str(tmp_path / name))
        assert run.returncode == 0, run.log
        merged[name] = report(tmp_path / name)
    want = comparable(report(full))
    for name, rep in merged.items():
        got = comparable(rep)
        diff = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
        assert not diff, f"merge {name} differs from the unsharded run in {diff}"
    assert want["functional_bins"] and want["test_runs"] == merged["m12"]["test_runs"]

    # one shard alone: the merge fails, naming the missing shard
    run = make(build, "coverage-merge", DIRS=str(b1), COVOUT=str(tmp_path / "m1"))
    assert run.returncode != 0 and f"missing shard(s) 2/2 of UNIT={UNIT}" in run.stdout, run.log


# ------------------------------------------------------------------ synthetic
def _rep(units=("u",), bins=None, **code):
    """A report as build_report writes it: covergroup u.cg_a with ``bins`` {name: hit?}."""
    bins = bins or {"x": True, "y": True}
    rep = {
        "units": {u: {"runs": 1, "coverage_dat_files": 1} for u in units},
        "covergroups": {"u.cg_a": {"bins": len(bins), "hit": sum(bins.values()), "excluded": 0}},
        "uncovered_bins": [f"u.cg_a.p/{b}" for b, h in bins.items() if not h],
        "excluded_bins": [],
        "functional_bins": len(bins),
        "line_pct": 100.0, "branch_pct": 90.0, "toggle_pct": 80.0, "expr_pct": 70.0,
    }
    rep.update(code)
    return rep


PLAN = {"features": [{"covergroups": ["u.cg_a"]}],
        "floors": {"functional_bins": 2, "line_pct": 100.0, "branch_pct": 90.0}}


@pytest.fixture
def one_unit(monkeypatch):
    """The whole regression is unit `u`."""
    import tb.common.units

    monkeypatch.setattr(tb.common.units, "UNITS", {"u": None})


def test_gate_passes_at_the_floors(one_unit):
    g = cr.gate(_rep(), PLAN)
    assert g["passed"] and g["scope"] == "whole regression", g
    assert g["floors"]["line_pct"] == {"measured": 100.0, "floor": 100.0}
    assert "toggle_pct" not in g["floors"]  # no floor committed: not gated


def test_gate_fails_below_a_floor_and_names_measured_and_floor(one_unit):
    g = cr.gate(_rep(line_pct=99.96, branch_pct=None), PLAN)
    assert not g["passed"]
    assert any("line coverage 99.96 % below the floor of 100.0 %" in f for f in g["failures"]), g["failures"]
    assert any(f.startswith("branch coverage None %") for f in g["failures"]), g["failures"]


def test_gate_fails_on_an_uncovered_bin_and_lists_it(one_unit):
    g = cr.gate(_rep(bins={"x": True, "y": False}), PLAN)
    assert not g["passed"] and g["functional"] == {"bins": 2, "hit": 1, "pct": 50.0}
    assert any("u.cg_a.p/y" in f for f in g["failures"]) and not any("u.cg_a.p/x" in f for f in g["failures"])


def test_gate_fails_when_results_are_missing(monkeypatch):
    import tb.common.units

    monkeypatch.setattr(tb.common.units, "UNITS", {"u": None, "v": None})
    plan = {**PLAN, "features": PLAN["features"] + [{"covergroups": ["u.cg_b"]}]}
    g = cr.gate(_rep(), plan, missing_shards=["3/4"])
    text = "\n".join(g["failures"])
    assert "missing shard(s) 3/4" in text and "no results of unit(s) v" in text and "u.cg_b" in text
    # the model shrank: fewer bins than the committed floor
    g = cr.gate(_rep(bins={"x": True}), PLAN | {"features": []})
    assert any("below the floor of 2" in f for f in g["failures"]), g["failures"]


def test_unit_scope_gates_only_the_units_bins(one_unit):
    rep = _rep(line_pct=50.0)  # a unit's run: the whole regression's code floors do not apply
    rep["covergroups"]["w.cg_z"] = {"bins": 1, "hit": 0, "excluded": 0}
    rep["uncovered_bins"].append("w.cg_z.p/q")
    g = cr.gate(rep, PLAN, units=["u"])
    assert g["passed"] and g["floors"] == {} and g["scope"] == "unit(s) u", g


def test_sources_of_another_clone_keep_their_folders():
    assert cr.rel_source("/home/runner/work/esact/esact/hdl/assert/x_assert.sv") == "hdl/assert/x_assert.sv"
    assert cr.rel_source("/ci/hdl/clone/hdl/topk.sv") == "hdl/topk.sv"
    assert cr.rel_source("/elsewhere/build/gen/esact_csr.sv") == "build/gen/esact_csr.sv"
    assert cr.rel_source("/usr/share/verilator/include/verilated.v") is None


def test_merge_scope_finds_missing_shards():
    man = [{"units": None, "shard": "1/3", "test_filter": None}, {"units": None, "shard": "3/3", "test_filter": None}]
    assert cr.merge_scope(man) == (None, ["2/3"], False)
    man = [{"units": ["u"], "shard": "1/1", "test_filter": None}, {"units": ["v"], "shard": None, "test_filter": "x"}]
    assert cr.merge_scope(man) == (["u", "v"], [], True)


def test_floors_are_validated(tmp_path):
    plan = tmp_path / "plan.yml"
    plan.write_text("features: []\nfloors:\n  line_pct: 101\n")
    with pytest.raises(ValueError, match="line_pct must be a percentage in 0..100"):
        cr.load_testplan(plan)
    plan.write_text("features: []\nfloors:\n  lines_pct: 90\n")
    with pytest.raises(ValueError, match="unknown figure 'lines_pct'"):
        cr.load_testplan(plan)
    assert set(cr.load_testplan()["floors"]) <= set(cr.FLOOR_KEYS)


@pytest.mark.parametrize("raw", ["3", "0/2", "3/2", "a/b", "1/2/3"])
def test_bad_shard_is_named(raw):
    with pytest.raises(ValueError, match="SHARD"):
        parse_shard(raw)


@pytest.mark.parametrize("raw", ["0", "-1", "two", "1.5"])
def test_bad_seeds_are_named(raw):
    with pytest.raises(ValueError, match=r"SEEDS must be a positive integer"):
        parse_seeds(raw)


def test_bad_dirs_are_named(tmp_path):
    with pytest.raises(ValueError, match="DIRS is empty"):
        cr.find_bundles([])
    with pytest.raises(ValueError, match="is not a folder"):
        cr.find_bundles([tmp_path / "nope"])
    with pytest.raises(ValueError, match="holds no coverage bundle"):
        cr.find_bundles([tmp_path])


def test_bundles_are_found_once_and_copies_refused(tmp_path):
    (tmp_path / "build" / "u" / "p_cov" / "T").mkdir(parents=True)
    (tmp_path / "build" / "u" / "p_cov" / "T" / "fcov.json").write_text("{}")
    man = cr.write_bundle(tmp_path / "a" / "b1", tmp_path / "build", shard=(1, 2))
    assert man["files"] == 1 and (tmp_path / "a" / "b1" / "results" / "u" / "p_cov" / "T" / "fcov.json").exists()
    # a folder of bundles, and the bundle itself: found once
    assert len(cr.find_bundles([tmp_path / "a", tmp_path / "a" / "b1"])) == 1
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / cr.MANIFEST).write_text((tmp_path / "a" / "b1" / cr.MANIFEST).read_text())
    with pytest.raises(ValueError, match="copies of one bundle"):
        cr.find_bundles([tmp_path / "a", tmp_path / "c"])
    # a folder that is no bundle is never replaced
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "x").write_text("mine")
    with pytest.raises(ValueError, match="not a coverage bundle"):
        cr.write_bundle(tmp_path / "keep", tmp_path / "build")


def test_make_rejects_bad_knobs(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in OUTER_KNOBS} | {"ESACT_SIM_BUILD": str(tmp_path)}
    for target, knob, word in (("coverage-merge", "DIRS=", "DIRS is empty"),
                               ("coverage", "SHARD=5/4", "SHARD='5/4': need 1 <= i <= N"),
                               ("coverage", "SEEDS=0", "SEEDS must be a positive integer")):
        out = subprocess.run(["make", "-s", "-C", str(REPO), "-o", ".venv/.installed-stamp", "-o", "ccache-deps",
                              target, knob, "COVOUT=/nonexistent/never-written"],
                             env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode != 0 and word in out.stdout + out.stderr, (knob, out.stdout, out.stderr)


# the result directories of a reseeded regression: SEEDS copies never share one
COLLECT_DIRS = r'''
import json, os, sys
import pytest
from tb.common import sim

dirs = []

def fake_run(unit, testcase, parameters=None, seed=None, extra_env=None, instance=None, x_unique=False, tag=""):
    d = sim.build_dir_of(unit, parameters, x_unique=x_unique) / sim.run_dir_name(testcase, instance, tag)
    dirs.append(str(d.relative_to(sim.SIM_BUILD)))

class Plugin:
    def pytest_collection_modifyitems(self, config, items):
        keep = [it for it in items if getattr(it.module, "run", None) is sim.run]
        config.hook.pytest_deselected(items=[it for it in items if it not in keep])
        for it in keep:
            it.module.run = fake_run
        items[:] = keep

rc = pytest.main(["-q", "-p", "no:cacheprovider", "-m", "sim", "tests/sim"], plugins=[Plugin()])
print("DIRS=" + json.dumps(dirs))
sys.exit(rc)
'''


def test_reseeded_copies_write_their_own_result_directories(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in OUTER_KNOBS}
    env.update(SEEDS="3", RTL_COVERAGE="1", ESACT_SIM_BUILD=str(tmp_path), PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", COLLECT_DIRS], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    dirs = json.loads(out.stdout.rsplit("DIRS=", 1)[1])
    from tb.common.units import UNITS

    assert {d.split("/", 1)[0] for d in dirs} == set(UNITS)  # every unit's tests ran (as fakes)
    dup = sorted({d for d in dirs if dirs.count(d) > 1})
    assert not dup, f"runs of a SEEDS=3 regression sharing a result directory: {dup[:10]}"
    assert any(d.endswith("_2") for d in dirs), dirs[:10]  # the third copy is there
