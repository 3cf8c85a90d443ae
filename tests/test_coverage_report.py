"""The coverage merger of `make coverage` on small hand-made inputs."""

from __future__ import annotations

import json

from tb.tools import coverage_report as cr


def dat_line(f, line, t, count, o="block", s=None, h="top"):
    kv = {"f": f, "l": str(line), "n": "1", "t": t, "page": f"v_{t}/m", "o": o, "h": h}
    if s:
        kv["S"] = s
    key = "".join(f"\x01{k}\x02{v}" for k, v in kv.items())
    return f"C '{key}' {count}\n"


def write_run(root, unit, test, items, dat_lines, source="random", seed=1):
    d = root / unit / "p_cov" / test
    d.mkdir(parents=True)
    meta = {"unit": unit, "test": test, "seed": seed, "source": source, "params": {}}
    (d / "fcov.json").write_text(json.dumps({"meta": meta, "items": items}))
    (d / "coverage.dat").write_text("# SystemC::Coverage-3\n" + "".join(dat_lines))


def point(bins):
    return {"type": "CoverPoint", "at_least": 1, "weight": 1, "bins": bins}


def test_parse_dat_reads_keys_and_counts(tmp_path):
    p = tmp_path / "coverage.dat"
    p.write_text("# SystemC::Coverage-3\n" + dat_line("/x/hdl/a.sv", 7, "line", 42, s="7-9"))
    [(kv, n)] = cr.parse_dat(p)
    assert n == 42 and kv["t"] == "line" and kv["S"] == "7-9" and kv["l"] == "7"


def test_merge_over_runs_sources_and_exclusions(tmp_path, monkeypatch):
    hdl = tmp_path / "hdl"
    hdl.mkdir()
    (hdl / "a.sv").write_text("\n".join(f"line {i}" for i in range(1, 21)) + "\n      default: ;\n")
    monkeypatch.setattr(cr, "REPO", tmp_path)
    monkeypatch.setattr(cr, "BUILD", tmp_path / "build")
    f = str(hdl / "a.sv")
    build = tmp_path / "build"
    # run 1 (random): lines 1-3 covered, 4-5 not; one toggle of two; bin "x" hit
    write_run(build, "u", "T1", {"u.cg_a.p": point({"x": 2, "y": 0, "z": 0})},
              [dat_line(f, 1, "line", 5, s="1-3"), dat_line(f, 4, "line", 0, s="4-5"),
               dat_line(f, 2, "toggle", 1, o="s:0->1"), dat_line(f, 2, "toggle", 0, o="s:1->0"),
               dat_line(f, 21, "branch", 0, o="case")])
    # run 2 (trace): line 4-5 still not, the other toggle seen; bin "y" hit
    write_run(build, "u", "T2", {"u.cg_a.p": point({"x": 0, "y": 3, "z": 0})},
              [dat_line(f, 4, "line", 0, s="4-5"), dat_line(f, 2, "toggle", 4, o="s:1->0")], source="trace", seed=2)
    plan = {"features": [], "exclusions": {
        "bins": [{"bin": "u.cg_a.p/z", "reason": "unreachable here"}],
        "lines": [{"file": "hdl/a.sv", "match": "default: ;", "reason": "unreachable default"}]}}
    rep = cr.build_report(build, plan)
    assert rep["functional_bins"] == 2 and rep["functional_hit"] == 2 and rep["functional_pct"] == 100.0
    assert rep["excluded_bins"][0]["bin"] == "u.cg_a.p/z"
    assert rep["bins_only_hit_by"] == {"random": ["u.cg_a.p/x"], "trace": ["u.cg_a.p/y"]}
    assert rep["lines"] == 5 and rep["lines_covered"] == 3 and rep["line_pct"] == 60.0
    assert rep["per_file"]["hdl/a.sv"]["uncovered"] == "4-5"
    assert rep["toggle_pct"] == 100.0
    assert rep["code_points"]["branches"] == 0  # the only branch is on an excluded line
    assert rep["test_runs"] == 2 and rep["seeds"] == 2 and rep["tests"] == ["u:T1", "u:T2"]


def test_exclusion_by_line_range():
    assert cr.parse_lines("3-5,9") == {3, 4, 5, 9}
    assert cr.ranges([1, 2, 3, 7, 9, 10]) == "1-3,7,9-10"
