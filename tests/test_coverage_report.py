"""The coverage merger of `make coverage` on small hand-made inputs."""

from __future__ import annotations

import json

import pytest

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


def _points_plan(points):
    return {"features": [], "exclusions": {"bins": [], "lines": [], "points": points}}


def _toggle_build(tmp_path, monkeypatch):
    """One run: counter c[0..3] with bits 0-1 toggled both ways, bits 2-3 never; one
    expression term seen, one not."""
    hdl = tmp_path / "hdl"
    hdl.mkdir()
    (hdl / "a.sv").write_text("line\n" * 10)
    monkeypatch.setattr(cr, "REPO", tmp_path)
    monkeypatch.setattr(cr, "BUILD", tmp_path / "build")
    f = str(hdl / "a.sv")
    lines = [dat_line(f, 3, "toggle", 1 if b < 2 else 0, o=f"c[{b}]:{d}") for b in range(4) for d in ("0->1", "1->0")]
    lines += [dat_line(f, 5, "expr", 2, o="(x==1 && y==0) => 1"), dat_line(f, 5, "expr", 0, o="(x==0 && y==0) => 0")]
    write_run(tmp_path / "build", "u", "T1", {"u.cg_a.p": point({"x": 1})}, lines)
    return tmp_path / "build"


def test_point_exclusions_leave_the_denominators(tmp_path, monkeypatch):
    build = _toggle_build(tmp_path, monkeypatch)
    before = cr.build_report(build, _points_plan([]))
    assert before["toggle_pct"] == 50.0 and before["code_points"]["toggles"] == 8
    assert before["expr_pct"] == 50.0
    plan = _points_plan([
        {"file": "hdl/a.sv", "type": "toggle", "match": r"^c\[", "bits": "2-3", "reason": "counter below 4"},
        {"file": ["hdl/a.sv"], "type": "expr", "match": r"^\(x==0 && y==0\)", "reason": "x and y never both 0"}])
    rep = cr.build_report(build, plan)
    assert rep["toggle_pct"] == 100.0 and rep["code_points"]["toggles"] == 4
    assert rep["expr_pct"] == 100.0 and rep["code_points"]["exprs"] == 1
    assert rep["uncovered_points"]["toggle"] == [] and rep["uncovered_points"]["expr"] == []
    assert [(e["points"], e["hit"], e["reason"]) for e in rep["excluded_points"]] == [
        (4, 0, "counter below 4"), (1, 0, "x and y never both 0")]
    assert rep["stale_point_exclusions"] == [] and rep["hit_point_exclusions"] == []
    cr.write_markdown(rep, tmp_path / "c.md")
    md = (tmp_path / "c.md").read_text()
    assert "## Excluded code points" in md and "counter below 4" in md


def test_point_exclusion_matching_nothing_or_hit_points_fails(tmp_path, monkeypatch, capsys):
    build = _toggle_build(tmp_path, monkeypatch)
    stale = {"file": "hdl/a.sv", "type": "toggle", "match": r"^nosuch\[", "reason": "r"}
    wrong = {"file": "hdl/a.sv", "type": "toggle", "match": r"^c\[", "bits": "1-2", "reason": "r"}
    other = {"file": "hdl/b.sv", "type": "toggle", "match": r"^z\[", "reason": "a file this run has no points of"}
    rep = cr.build_report(build, _points_plan([stale, wrong, other]))
    assert rep["stale_point_exclusions"] == ["hdl/a.sv toggle /^nosuch\\[/"]
    assert len(rep["hit_point_exclusions"]) == 1 and "2 hit point(s)" in rep["hit_point_exclusions"][0]
    assert [e["applies"] for e in rep["excluded_points"]] == [True, True, False]
    # the command fails on both (not on the exclusion of a file the run has no points of)
    plan_file = tmp_path / "plan.yml"
    import yaml
    for exs, rc in (([stale], 1), ([wrong], 1), ([other], 0)):
        plan_file.write_text(yaml.safe_dump(_points_plan(exs)))
        monkeypatch.setattr(cr, "TESTPLAN", plan_file)
        monkeypatch.setattr(cr, "load_testplan", lambda path=plan_file, _f=cr.load_testplan: _f(path))
        got = cr.main(["--build", str(build), "--out", str(tmp_path / f"out{rc}"), "--gate", "0",
                       "--bundle", str(tmp_path / "bundle")])
        assert got == rc, (exs, capsys.readouterr().out)


def _branch_build(tmp_path, monkeypatch, src):
    """One run of a file with two `else` arms never taken: on the lines of
    ``if (a < N)`` and of the ``if (out_free)`` that follows ``Err: begin``."""
    hdl = tmp_path / "hdl"
    hdl.mkdir(exist_ok=True)
    (hdl / "b.sv").write_text(src)
    monkeypatch.setattr(cr, "REPO", tmp_path)
    monkeypatch.setattr(cr, "BUILD", tmp_path / "build")
    text = src.splitlines()
    ln_a = next(i + 1 for i, t in enumerate(text) if "if (a < N)" in t)
    ln_err = next(i + 1 for i, t in enumerate(text) if "Err: begin" in t) + 1
    ln_cols = next(i + 1 for i, t in enumerate(text) if "Cols: begin" in t) + 1
    f = str(hdl / "b.sv")
    dat = [dat_line(f, ln, "branch", c, o=o) for ln in (ln_a, ln_err, ln_cols) for o, c in (("if", 3), ("else", 0))]
    dat[5] = dat_line(f, ln_cols, "branch", 1, o="else")  # the Cols arm is taken: not excluded
    build = tmp_path / "build"
    if build.exists():
        import shutil

        shutil.rmtree(build)
    write_run(build, "u", "T1", {"u.cg_a.p": point({"x": 1})}, dat)
    return build


SRC_B = "module b;\n  if (a < N) begin end\n  Cols: begin\n    if (out_free) begin end\n  end\n" \
        "  Err: begin\n    if (out_free) begin end\n  end\nendmodule\n"


@pytest.mark.parametrize("shift", [0, 7])
def test_point_exclusion_at_source_text_survives_edits_elsewhere(tmp_path, monkeypatch, shift):
    """`at:` names the source line of a point by its text (a pattern may span lines to
    name its context), so lines inserted above it do not move the exclusion."""
    build = _branch_build(tmp_path, monkeypatch, "// comment\n" * shift + SRC_B)
    plan = _points_plan([
        {"file": "hdl/b.sv", "type": "branch", "match": "^else$", "at": r"if \(a < N\)", "reason": "a < N always"},
        {"file": "hdl/b.sv", "type": "branch", "match": "^else$", "at": r"Err: begin\n\s*if \(out_free\)",
         "reason": "out_free in Err"}])
    cr.check_point_exclusion(plan["exclusions"]["points"][1])
    assert cr.point_exclusion_lines(plan["exclusions"]["points"][1], "hdl/b.sv") == {7 + shift}
    rep = cr.build_report(build, plan)
    assert [(e["points"], e["hit"]) for e in rep["excluded_points"]] == [(1, 0), (1, 0)]
    assert rep["branch_pct"] == 100.0 and rep["code_points"]["branches"] == 4
    assert rep["stale_point_exclusions"] == [] and rep["hit_point_exclusions"] == []
    # the same exclusion by line numbers goes stale when the lines move
    by_lines = _points_plan([{"file": "hdl/b.sv", "type": "branch", "match": "^else$", "lines": "2",
                              "reason": "a < N always"}])
    assert bool(cr.build_report(build, by_lines)["stale_point_exclusions"]) == (shift > 0)
    # `at` and `lines` together: both must hold
    both = {"file": "hdl/b.sv", "type": "branch", "match": "^else$", "at": r"if \(out_free\)", "lines": "1-5",
            "reason": "r"}
    assert cr.point_exclusion_lines(both, "hdl/b.sv") == ({4} if shift == 0 else set())
    cr.write_markdown(rep, tmp_path / "c.md")
    assert "hdl/b.sv at `if \\(a < N\\)`" in (tmp_path / "c.md").read_text()


def test_point_exclusion_at_missing_source_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(cr, "REPO", tmp_path)
    with pytest.raises(ValueError, match="hdl/none.sv does not exist"):
        cr.point_exclusion_lines({"file": "hdl/none.sv", "type": "branch", "match": "x", "at": "y"}, "hdl/none.sv")


@pytest.mark.parametrize("bad, word", [
    ({"file": "hdl/a.sv", "type": "branch", "match": "x", "at": "("}, "at is not a regular expression"),
    ({"file": "hdl/a.sv", "type": "branch", "match": "x", "at": " "}, "at must be"),
    ({"file": "hdl/a.sv", "type": "branch", "match": "x", "at": 3}, "at must be"),
    ({"file": "a.sv", "type": "toggle", "match": "x"}, "file"),
    ({"file": "hdl/a.sv", "type": "line", "match": "x"}, "type"),
    ({"file": "hdl/a.sv", "type": "toggle", "match": "("}, "match"),
    ({"file": "hdl/a.sv", "type": "toggle"}, "match"),
    ({"file": "hdl/a.sv", "type": "expr", "match": "x", "bits": "1-2"}, "bits"),
    ({"file": "hdl/a.sv", "type": "toggle", "match": "x", "bits": "a-b"}, "bits"),
    ({"file": "hdl/a.sv", "type": "toggle", "match": "x", "mask": "1"}, "unknown key"),
])
def test_bad_point_exclusion_names_the_parameter(tmp_path, bad, word):
    import yaml
    p = tmp_path / "plan.yml"
    p.write_text(yaml.safe_dump({"features": [], "exclusions": {"points": [dict(bad, reason="r")]}}))
    with pytest.raises(ValueError, match=word):
        cr.load_testplan(p)
    p.write_text(yaml.safe_dump({"features": [], "exclusions": {"points": [{"file": "hdl/a.sv", "type": "toggle",
                                                                            "match": "x"}]}}))
    with pytest.raises(ValueError, match="no reason"):
        cr.load_testplan(p)


def test_toggle_holes_group_by_signal_largest_first():
    from tb.tools.coverage_report import toggle_holes

    pts = [("hdl/a.sv", 3, f"x_q[{b}]:0->1") for b in (3, 4, 5, 9)] + [
        ("hdl/a.sv", 3, "x_q[5]:1->0"),
        ("hdl/b.sv", 7, "mem[2][7]:0->1"), ("hdl/b.sv", 7, "mem[3][6]:1->0"),
        ("hdl/b.sv", 9, "busy:0->1"),
    ]
    holes = toggle_holes(pts)
    assert [(h["file"], h["signal"], h["points"]) for h in holes] == [
        ("hdl/a.sv", "x_q", 5), ("hdl/b.sv", "mem[*]", 2), ("hdl/b.sv", "busy", 1)]
    assert holes[0]["bits"] == "3-5,9" and holes[0]["directions"] == "0->1, 1->0"
    assert holes[1]["bits"] == "6-7" and holes[2]["bits"] == ""
    assert len(toggle_holes(pts, top=2)) == 2


def test_assertion_corner_covers_become_functional_bins(tmp_path, monkeypatch):
    """The testplan's assertion corners (`assertion_covers`) are merged as bins of
    ``<unit>.cg_assert.corner``: a bin per listed cover, hit by the COVER's count
    (`t=user` points of the coverage.dat) summed over the unit's runs and sources; a
    gemm_core cover is counted in the gemm unit's runs; an unhit cover is an uncovered
    bin the gate reports; a unit whose runs counted no COVER at all gets no bins."""
    from tb.common.units import UNITS

    monkeypatch.setattr(cr, "REPO", tmp_path)
    monkeypatch.setattr(cr, "BUILD", tmp_path / "build")
    build = tmp_path / "build"
    f = str(tmp_path / "hdl" / "assert" / "x_assert.sv")
    cov = "u_chk.g_last_cov.StallOnLast_C"
    write_run(build, "softmax", "T1", {"softmax.cg_a.p": point({"x": 1})},
              [dat_line(f, 3, "user", 2, o="StallOnLast_C", h=f"softmax.u_softmax_assert.{cov}"),
               dat_line(f, 4, "user", 0, o="GapInPacket_C", h="softmax.u_softmax_assert.u_in_chk.GapInPacket_C")])
    write_run(build, "softmax", "T2", {"softmax.cg_a.p": point({"x": 1})},
              [dat_line(f, 3, "user", 5, o="StallOnLast_C", h=f"softmax.u_softmax_assert.{cov}")], source="trace")
    write_run(build, "gemm", "T1", {"gemm.cg_a.p": point({"x": 1})},
              [dat_line(f, 5, "user", 1, o="DrainWhileRunning_C", h="gemm.u_core.u_gemm_core_assert.DrainWhileRunning_C")])
    write_run(build, "topk", "T1", {"topk.cg_a.p": point({"x": 1})}, [dat_line(f, 1, "line", 1, s="1")])
    plan = {"features": [], "exclusions": {"bins": [], "lines": []}, "assertion_covers": [
        {"corner": "back-pressure on the last beat", "covers": [f"softmax:u_softmax_assert.{cov}"]},
        {"corner": "a gap", "covers": ["softmax:u_softmax_assert.u_in_chk.GapInPacket_C",
                                       "topk:u_topk_assert.u_in_chk.GapInPacket_C"]},
        {"corner": "idle while streaming", "covers": ["gemm_core:u_gemm_core_assert.DrainWhileRunning_C"]}]}
    rep = cr.build_report(build, plan)
    assert rep["covergroups"]["softmax.cg_assert"] == {"bins": 2, "hit": 1, "excluded": 0, "pct": 50.0}
    assert rep["covergroups"]["gemm.cg_assert"]["hit"] == 1
    assert "topk.cg_assert" not in rep["covergroups"]  # its runs counted no COVER
    assert rep["uncovered_bins"] == ["softmax.cg_assert.corner/a gap: u_softmax_assert.u_in_chk.GapInPacket_C"]
    items = cr.assertion_cover_items(cr.result_files(build, "coverage.dat"), plan)
    st = items["softmax.cg_assert.corner"]["bins"][f"back-pressure on the last beat: u_softmax_assert.{cov}"]
    assert st.hits == 7 and st.by_source == {"random": 2, "trace": 5}
    g = cr.gate(rep, plan, units=["softmax"])
    assert not g["passed"] and any("GapInPacket_C" in x for x in g["failures"]) and "softmax" in UNITS
